package io.github.slabbin;

import java.util.Arrays;

/**
 * A set of nonzero longs (slot addresses) on the Java heap: open addressing with linear probing
 * and backward-shift deletion (no tombstones), kept at most half full. It tells a live slot from a
 * free one for the magazine fast path of checked allocators, where the native bitmap is out of
 * reach without a JNI call. Not thread-safe.
 */
final class LiveSet {
    private long[] table = new long[64];
    private int mask = 63;
    private int size;

    /** Number of elements. */
    int size() {
        return size;
    }

    private static int hash(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** Adds a key; returns false if it was present, or is 0 (never a member). */
    boolean add(long key) {
        if (key == 0) {
            return false;
        }
        long[] t = table;
        int m = mask;
        int i = hash(key, m);
        for (long k; (k = t[i]) != 0; i = (i + 1) & m) {
            if (k == key) {
                return false;
            }
        }
        t[i] = key;
        if (++size > (m + 1) >>> 1) {
            grow();
        }
        return true;
    }

    /** Whether a key is present. */
    boolean contains(long key) {
        if (key == 0) {
            return false;
        }
        long[] t = table;
        int m = mask;
        for (int i = hash(key, m); t[i] != 0; i = (i + 1) & m) {
            if (t[i] == key) {
                return true;
            }
        }
        return false;
    }

    /** Removes a key; returns false if it was absent. */
    boolean remove(long key) {
        if (key == 0) {
            return false;
        }
        long[] t = table;
        int m = mask;
        int i = hash(key, m);
        for (long k; (k = t[i]) != key; i = (i + 1) & m) {
            if (k == 0) {
                return false;
            }
        }
        // Backward-shift: move later entries of the probe run into the hole.
        int hole = i;
        for (int j = (i + 1) & m; t[j] != 0; j = (j + 1) & m) {
            int home = hash(t[j], m);
            // t[j] may move to the hole if its home is not within (hole, j] cyclically.
            if (((j - home) & m) >= ((j - hole) & m)) {
                t[hole] = t[j];
                hole = j;
            }
        }
        t[hole] = 0;
        size--;
        return true;
    }

    /** Removes everything, keeping the capacity. */
    void clear() {
        Arrays.fill(table, 0);
        size = 0;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        mask = table.length - 1;
        for (long k : old) {
            if (k != 0) {
                int i = hash(k, mask);
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = k;
            }
        }
    }
}

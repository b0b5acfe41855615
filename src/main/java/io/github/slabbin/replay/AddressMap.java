package io.github.slabbin.replay;

/**
 * Map from a non-zero 64-bit address to a non-negative block id: open addressing with linear
 * probing and backward-shift deletion, no boxing. Key 0 marks an empty slot, which is why the
 * null address cannot be stored (it is never a live block).
 */
final class AddressMap {
    private static final int MAX_CAPACITY = 1 << 30;

    private long[] keys;
    private int[] values;
    private int mask;
    /** 64 - log2(capacity): Fibonacci hashing keeps the top bits of the product. */
    private int shift;
    private int size;
    private int resizeAt;

    AddressMap() {
        this(1 << 12);
    }

    /** @param capacity initial number of slots, a power of two >= 2 */
    AddressMap(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be a power of two in [2, 2^30]: "
                    + capacity);
        }
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
        resizeAt = capacity / 2;
    }

    /** @return the number of stored addresses */
    int size() {
        return size;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /**
     * Returns the id stored for {@code key}, or -1.
     *
     * @param key any address; 0 is never stored
     */
    int get(long key) {
        if (key == 0) {
            return -1;
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                return -1;
            }
        }
    }

    /**
     * Stores {@code value} for {@code key}, replacing any previous mapping.
     *
     * @param key a non-zero address
     * @param value a non-negative id
     * @return the previous id for {@code key}, or -1 if there was none
     * @throws IllegalArgumentException if {@code key == 0} or {@code value < 0}
     * @throws IllegalStateException if the map would need more than 2^30 slots
     */
    int put(long key, int value) {
        if (key == 0 || value < 0) {
            throw new IllegalArgumentException("key must be non-zero and value >= 0");
        }
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                int previous = values[i];
                values[i] = value;
                return previous;
            }
            if (k == 0) {
                keys[i] = key;
                values[i] = value;
                if (++size > resizeAt) {
                    grow();
                }
                return -1;
            }
        }
    }

    /**
     * Removes the mapping for {@code key}.
     *
     * @param key any address
     * @return the id that was stored, or -1 if there was none
     */
    int remove(long key) {
        if (key == 0) {
            return -1;
        }
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == 0) {
                return -1;
            }
            if (k == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        int removed = values[i];
        // Backward-shift deletion: move later entries of the probe run into the gap so that
        // lookups never stop early at an emptied slot.
        int gap = i;
        for (int j = (gap + 1) & mask; ; j = (j + 1) & mask) {
            long k = keys[j];
            if (k == 0) {
                break;
            }
            int home = slot(k);
            // Entry j may move to the gap if its home slot is not in the cyclic range (gap, j].
            boolean homeInRange = gap <= j ? (gap < home && home <= j) : (gap < home || home <= j);
            if (!homeInRange) {
                keys[gap] = k;
                values[gap] = values[j];
                gap = j;
            }
        }
        keys[gap] = 0;
        values[gap] = 0;
        size--;
        return removed;
    }

    private void grow() {
        if (keys.length >= MAX_CAPACITY) {
            throw new IllegalStateException("too many live addresses: " + size);
        }
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            long k = oldKeys[i];
            if (k != 0) {
                int j = slot(k);
                while (keys[j] != 0) {
                    j = (j + 1) & mask;
                }
                keys[j] = k;
                values[j] = oldValues[i];
            }
        }
    }
}

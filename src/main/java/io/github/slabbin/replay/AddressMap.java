package io.github.slabbin.replay;

/**
 * Map from a non-zero 64-bit address to a non-negative block id: open addressing with linear
 * probing and backward-shift deletion, no boxing. Keys and values are interleaved in one array
 * so that a lookup touches one cache line. Key 0 marks an empty slot, which is why the null
 * address cannot be stored (it is never a live block).
 */
final class AddressMap {
    private static final int MAX_CAPACITY = 1 << 29;

    /** Slot i holds its key at [2i] and its value at [2i + 1]. */
    private long[] table;
    private int mask;
    /** 64 - log2(capacity): Fibonacci hashing keeps the top bits of the product. */
    private int shift;
    private int size;
    private int resizeAt;

    AddressMap() {
        this(1 << 12);
    }

    /** @param capacity initial number of slots, a power of two in [2, 2^29] */
    AddressMap(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be a power of two in [2, 2^29]: "
                    + capacity);
        }
        allocate(capacity);
    }

    private void allocate(int capacity) {
        table = new long[2 * capacity];
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
        long[] t = table;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = t[2 * i];
            if (k == key) {
                return (int) t[2 * i + 1];
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
     * @throws IllegalStateException if the map would need more than 2^29 slots
     */
    int put(long key, int value) {
        if (key == 0 || value < 0) {
            throw new IllegalArgumentException("key must be non-zero and value >= 0");
        }
        long[] t = table;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = t[2 * i];
            if (k == key) {
                int previous = (int) t[2 * i + 1];
                t[2 * i + 1] = value;
                return previous;
            }
            if (k == 0) {
                t[2 * i] = key;
                t[2 * i + 1] = value;
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
        long[] t = table;
        int i = slot(key);
        while (true) {
            long k = t[2 * i];
            if (k == 0) {
                return -1;
            }
            if (k == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        int removed = (int) t[2 * i + 1];
        // Backward-shift deletion: move later entries of the probe run into the gap so that
        // lookups never stop early at an emptied slot.
        int gap = i;
        for (int j = (gap + 1) & mask; ; j = (j + 1) & mask) {
            long k = t[2 * j];
            if (k == 0) {
                break;
            }
            int home = slot(k);
            // Entry j may move to the gap if its home slot is not in the cyclic range (gap, j].
            boolean homeInRange = gap <= j ? (gap < home && home <= j) : (gap < home || home <= j);
            if (!homeInRange) {
                t[2 * gap] = k;
                t[2 * gap + 1] = t[2 * j + 1];
                gap = j;
            }
        }
        t[2 * gap] = 0;
        t[2 * gap + 1] = 0;
        size--;
        return removed;
    }

    private void grow() {
        int capacity = mask + 1;
        if (capacity >= MAX_CAPACITY) {
            throw new IllegalStateException("too many live addresses: " + size);
        }
        long[] old = table;
        allocate(capacity * 2);
        long[] t = table;
        for (int i = 0; i < old.length; i += 2) {
            long k = old[i];
            if (k != 0) {
                int j = slot(k);
                while (t[2 * j] != 0) {
                    j = (j + 1) & mask;
                }
                t[2 * j] = k;
                t[2 * j + 1] = old[i + 1];
            }
        }
    }
}

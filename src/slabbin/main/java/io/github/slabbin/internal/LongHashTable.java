package io.github.slabbin.internal;

import java.util.Arrays;

/**
 * A hash table of nonzero {@code long} keys (addresses), each optionally with a non-negative
 * {@code int} value: open addressing with linear probing and backward-shift deletion (no
 * tombstones), Fibonacci hashing, kept at most half full. One kind of table for two uses: the
 * live set of a checked allocator's magazine (keys only: {@link #add}, {@link #contains},
 * {@link #remove}) and the replay's map from address to block id ({@link #withValues()}:
 * {@link #put}, {@link #get}, {@link #take}).
 *
 * <p>Internal: not part of slabbin's API (its package is for slabbin's own modules), and may
 * change at any time. Not thread-safe. Memory: 16 bytes per key at the worst load (8 per slot at
 * most half full), plus 8 per key with values.
 */
public final class LongHashTable {
    /** What {@link #get}, {@link #put} and {@link #take} return for an absent key. */
    public static final int ABSENT = -1;

    private static final int MIN_CAPACITY = 2;
    private static final int MAX_CAPACITY = 1 << 30;

    /** Slot i holds a key, or 0 for an empty slot (which is why 0 is never a key). */
    private long[] keys;
    /** Slot i's value when the table has values, else null; moves with its key. */
    private int[] values;
    /** capacity - 1, capacity a power of two in [MIN_CAPACITY, MAX_CAPACITY]. */
    private int mask;
    /** 64 - log2(capacity): the slot of a key is the top bits of key * 2^64 / phi. */
    private int shift;
    /** Keys present; at most capacity / 2 (the table doubles past that). */
    private int size;

    /** A table of keys only, with room for 32 keys before it first grows. */
    public LongHashTable() {
        this(64, false);
    }

    /**
     * A table of keys only.
     *
     * @param capacity initial number of slots, a power of two in [2, 2^30]; it holds
     *     {@code capacity / 2} keys before it doubles
     * @throws IllegalArgumentException if {@code capacity} is not such a power of two
     */
    public LongHashTable(int capacity) {
        this(capacity, false);
    }

    private LongHashTable(int capacity, boolean withValues) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY
                || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in [2, 2^30]: "
                    + capacity);
        }
        allocate(capacity, withValues);
    }

    /**
     * A table whose keys each carry an {@code int} value.
     *
     * @param capacity initial number of slots, a power of two in [2, 2^30]
     * @return an empty table
     * @throws IllegalArgumentException if {@code capacity} is not such a power of two
     */
    public static LongHashTable withValues(int capacity) {
        return new LongHashTable(capacity, true);
    }

    /**
     * A table whose keys each carry an {@code int} value, with room for 2048 keys before it first
     * grows.
     *
     * @return an empty table
     */
    public static LongHashTable withValues() {
        return withValues(1 << 12);
    }

    private void allocate(int capacity, boolean withValues) {
        keys = new long[capacity];
        values = withValues ? new int[capacity] : null;
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    /**
     * The number of keys.
     *
     * @return 0 or more
     */
    public int size() {
        return size;
    }

    private int home(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /**
     * The slot holding {@code key} (nonzero) if present, else {@code ~slot} of the empty slot
     * that ends its probe run (where it would go).
     */
    private int probe(long key) {
        long[] k = keys;
        int m = mask;
        for (int i = home(key); ; i = (i + 1) & m) {
            long x = k[i];
            if (x == key) {
                return i;
            }
            if (x == 0) {
                return ~i;
            }
        }
    }

    /** Puts absent {@code key} into empty slot {@code i}, growing first when half full. */
    private int insert(int i, long key) {
        if (size >= (mask + 1) >>> 1) {
            grow();
            i = ~probe(key);
        }
        keys[i] = key;
        size++;
        return i;
    }

    /**
     * Whether {@code key} is present.
     *
     * @param key any value; 0 is never present
     * @return true if present
     */
    public boolean contains(long key) {
        return key != 0 && probe(key) >= 0;
    }

    /**
     * Adds {@code key} (with value 0 in a table with values).
     *
     * @param key any value
     * @return true if it was added; false if it was present already, or is 0 (never a key)
     * @throws IllegalStateException if the table would need more than 2^30 slots
     */
    public boolean add(long key) {
        if (key == 0) {
            return false;
        }
        int i = probe(key);
        if (i >= 0) {
            return false;
        }
        i = insert(~i, key);
        if (values != null) {
            values[i] = 0;
        }
        return true;
    }

    /**
     * Removes {@code key}.
     *
     * @param key any value
     * @return true if it was present
     */
    public boolean remove(long key) {
        int i = key == 0 ? -1 : probe(key);
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /**
     * The value of {@code key}.
     *
     * @param key any value
     * @return its value, or {@link #ABSENT}
     * @throws IllegalStateException if the table has no values
     */
    public int get(long key) {
        int[] v = requireValues();
        int i = key == 0 ? -1 : probe(key);
        return i < 0 ? ABSENT : v[i];
    }

    /**
     * Sets the value of {@code key}, adding the key if absent.
     *
     * @param key a nonzero value
     * @param value 0 or more
     * @return the previous value, or {@link #ABSENT} if the key was added
     * @throws IllegalArgumentException if {@code key == 0} or {@code value < 0}
     * @throws IllegalStateException if the table has no values, or would need more than 2^30
     *     slots
     */
    public int put(long key, int value) {
        requireValues();
        if (key == 0 || value < 0) {
            throw new IllegalArgumentException("key must be nonzero and value >= 0: key " + key
                    + ", value " + value);
        }
        int i = probe(key);
        int previous = ABSENT;
        if (i >= 0) {
            previous = values[i];
        } else {
            i = insert(~i, key);
        }
        values[i] = value;
        return previous;
    }

    /**
     * Removes {@code key} and returns its value.
     *
     * @param key any value
     * @return the value it had, or {@link #ABSENT} if it was absent
     * @throws IllegalStateException if the table has no values
     */
    public int take(long key) {
        int[] v = requireValues();
        int i = key == 0 ? -1 : probe(key);
        if (i < 0) {
            return ABSENT;
        }
        int value = v[i];
        removeAt(i);
        return value;
    }

    /** Removes every key, keeping the capacity. */
    public void clear() {
        Arrays.fill(keys, 0);
        size = 0;
    }

    private int[] requireValues() {
        if (values == null) {
            throw new IllegalStateException("a table of keys only has no values");
        }
        return values;
    }

    /** Empties slot i, then moves later entries of its probe run into the hole (backward shift). */
    private void removeAt(int i) {
        long[] k = keys;
        int[] v = values;
        int m = mask;
        int hole = i;
        for (int j = (i + 1) & m; k[j] != 0; j = (j + 1) & m) {
            // k[j] may move to the hole unless its home lies cyclically in (hole, j].
            if (((j - home(k[j])) & m) >= ((j - hole) & m)) {
                k[hole] = k[j];
                if (v != null) {
                    v[hole] = v[j];
                }
                hole = j;
            }
        }
        k[hole] = 0;
        size--;
    }

    private void grow() {
        int capacity = mask + 1;
        if (capacity >= MAX_CAPACITY) {
            throw new IllegalStateException("too many keys for one table: " + (size + 1));
        }
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(capacity * 2, oldValues != null);
        for (int i = 0; i < oldKeys.length; i++) {
            long key = oldKeys[i];
            if (key != 0) {
                int j = home(key);
                while (keys[j] != 0) {
                    j = (j + 1) & mask;
                }
                keys[j] = key;
                if (oldValues != null) {
                    values[j] = oldValues[i];
                }
            }
        }
    }
}

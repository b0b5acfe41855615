package io.github.slabbin;

import io.github.slabbin.internal.LongHashTable;

/**
 * The live set of a checked {@link Magazine}: the slot addresses handed out and not freed since.
 * The slot handed out last is held in a field of its own, outside the hash table, so that the
 * commonest pattern of a LIFO allocator, a slot freed right after it was allocated (or the last
 * one allocated freed first), costs no hash table operation at all: a pop and a push of the same
 * slot are a field store and a field compare. Any other slot lives in a {@link LongHashTable}.
 * Memory: that of the table (about 16 bytes per live slot). Confined to the owner thread.
 */
final class LiveSet {
    /**
     * The slot added last and not removed since, or 0: a live slot that is not in
     * {@link #others} (0 is never a slot).
     */
    private long newest;
    /** Every other live slot; never holds {@link #newest}. */
    private final LongHashTable others = new LongHashTable();

    /**
     * Adds a slot that is not in the set (a slot being handed out).
     *
     * @param address a nonzero slot address, absent from the set
     */
    void add(long address) {
        long n = newest;
        if (n != 0) {
            others.add(n);
        }
        newest = address;
    }

    /**
     * Removes a slot.
     *
     * @param address any value
     * @return true if it was in the set
     */
    boolean remove(long address) {
        if (address == newest && address != 0) {
            newest = 0;
            return true;
        }
        return others.remove(address);
    }

    /**
     * Whether a slot is in the set.
     *
     * @param address any value
     * @return true if it is (0 never is)
     */
    boolean contains(long address) {
        return address != 0 && (address == newest || others.contains(address));
    }

    /** Empties the set. */
    void clear() {
        newest = 0;
        others.clear();
    }
}

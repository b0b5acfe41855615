package io.github.slabbin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Checked shared mode: the state of every slot handed out through the magazines (live or free),
 * seen by every thread, so that a foreign or interior address and a double free are refused at
 * the call that makes them, also for slots that sit in some thread's magazine.
 *
 * <p>Two parts. The <em>index</em>, an open-addressing hash table from slot address to a state
 * number, gains entries only while the depot lock is held (when a refill brings slots from the
 * slabs) and loses none: a reset starts a new {@code SlotStates} with its epoch. So it holds every
 * address handed out since the last reset, also of slabs that trim released since. An
 * entry once published (its number written before its key, the key with a release store, read
 * with an acquire load) never changes, and a grown index is a copy published through a volatile
 * field, so a reader holding an older copy still finds the right state for every slot it can
 * have been handed. The <em>states</em>, one {@code int} per number in chunks that never move,
 * change by compare-and-set: {@link #free} moves a slot from {@link #LIVE} to {@link #FREE} and
 * only one of two racing frees of one slot can win; {@link #handOut} sets {@link #LIVE} for a slot
 * that its thread's magazine holds alone. A slot enters a magazine only through a won
 * {@code free} or a refill, so it is never in two magazines at once.
 */
final class SlotStates {
    /** The slot is in a magazine or in the slabs. */
    static final int FREE = 0;
    /** The slot is held by the caller. */
    static final int LIVE = 1;
    /**
     * {@link #free} and {@link #status} result: the address is not in the index (not handed out
     * since the index was last built).
     */
    static final int ABSENT = -100;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK_MASK = (1 << CHUNK_BITS) - 1;

    /**
     * The index: entry i is {@code [2i]} = slot address (0: empty) and {@code [2i + 1]} = its
     * state number. Power-of-two entries, at most half used.
     */
    private volatile long[] index = new long[2 * 64];
    /** The states by number, chunks of {@code 1 << CHUNK_BITS}; a chunk never moves. */
    private volatile int[][] chunks = new int[0][];
    /** Entries of the index; written under the depot lock or in an exclusive phase. */
    private int used;

    private static int slotOf(long address, int mask) {
        long h = address * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** The state number of an address, or -1 if it is not in the index (0 never is). */
    private int find(long address) {
        long[] t = index;
        int mask = (t.length >>> 1) - 1;
        for (int i = slotOf(address, mask); ; i = (i + 1) & mask) {
            long k = (long) LONGS.getAcquire(t, 2 * i);
            if (k == 0) {                               // an empty entry: also for address 0
                return -1;
            }
            if (k == address) {
                return (int) t[2 * i + 1];
            }
        }
    }

    /**
     * A slot leaves its thread's magazine for the caller (the magazine held it alone; magazines
     * keep each slot's state number beside its address, so no lookup is needed).
     *
     * @param number the slot's state number, from {@link #free} or {@link #arrived}
     */
    void handOut(int number) {
        INTS.setRelease(chunks[number >>> CHUNK_BITS], number & CHUNK_MASK, LIVE);
    }

    /**
     * Frees a slot if it is live.
     *
     * @return its state number (0 or more); {@link SlabbinNative#EDOUBLEFREE} if it is free;
     *     {@link #ABSENT} if it is not in the index (the slabs tell why)
     */
    int free(long address) {
        int n = find(address);
        return n < 0 ? ABSENT : freeNumber(n);
    }

    /**
     * Frees the slot of state number {@code n} if it is live (as {@link #free}, for a caller that
     * knows the number: an address keeps its number for the life of this object).
     *
     * @return {@code n}, or {@link SlabbinNative#EDOUBLEFREE} if the slot is free
     */
    int freeNumber(int n) {
        return INTS.compareAndSet(chunks[n >>> CHUNK_BITS], n & CHUNK_MASK, LIVE, FREE)
                ? n : SlabbinNative.EDOUBLEFREE;
    }

    /**
     * What {@link #free} would return, changing nothing: {@link SlabbinNative#OK} for a live
     * slot, {@link SlabbinNative#EDOUBLEFREE} for a free one, {@link #ABSENT}.
     */
    int status(long address) {
        int n = find(address);
        if (n < 0) {
            return ABSENT;
        }
        return (int) INTS.getAcquire(chunks[n >>> CHUNK_BITS], n & CHUNK_MASK) == LIVE
                ? SlabbinNative.OK : SlabbinNative.EDOUBLEFREE;
    }

    /**
     * Slots arriving from the slabs (a refill), all free: enters the new ones and writes every
     * slot's state number to {@code numbers}. Depot lock held.
     */
    void arrived(long[] slots, int[] numbers, int count) {
        if (2 * (used + count) > index.length >>> 1) {
            grow(used + count);
        }
        long[] t = index;
        int mask = (t.length >>> 1) - 1;
        for (int j = 0; j < count; j++) {
            long a = slots[j];
            int i = slotOf(a, mask);
            while (true) {
                long k = t[2 * i];
                if (k == a) {
                    numbers[j] = (int) t[2 * i + 1];    // known, and free since it went back
                    break;
                }
                if (k == 0) {
                    int n = used++;
                    int[][] c = chunks;
                    if (n >>> CHUNK_BITS >= c.length) {
                        int[][] more = java.util.Arrays.copyOf(c, c.length + 1);
                        more[c.length] = new int[1 << CHUNK_BITS];
                        chunks = more;                  // published before the key below
                    }
                    t[2 * i + 1] = n;
                    LONGS.setRelease(t, 2 * i, a);
                    numbers[j] = n;
                    break;
                }
                i = (i + 1) & mask;
            }
        }
    }

    /** A copy of the index with room for {@code entries} at a load of at most 1/2, published. */
    private void grow(int entries) {
        int cap = index.length >>> 1;
        while (cap < 2 * entries) {
            cap <<= 1;
        }
        long[] old = index;
        long[] t = new long[2 * cap];
        int mask = cap - 1;
        for (int e = 0; e < old.length; e += 2) {
            long a = old[e];
            if (a != 0) {
                int i = slotOf(a, mask);
                while (t[2 * i] != 0) {
                    i = (i + 1) & mask;
                }
                t[2 * i] = a;
                t[2 * i + 1] = old[e + 1];
            }
        }
        index = t;
    }
}

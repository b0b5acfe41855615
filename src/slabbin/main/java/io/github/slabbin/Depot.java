package io.github.slabbin;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shared mode's depot (Bonwick and Adams, "Magazines and Vmem", USENIX 2001, section 3): the full
 * and empty magazines no thread holds, and the one way into the C core. Every native call of a
 * shared allocator, and every change of the depot, is made with {@link #lock} held: the depot is
 * a locked stack pair, not a lock-free one, so it has no ABA problem (ABA needs a
 * compare-and-set on a list head that may be popped and pushed back between a thread's read and
 * its swap; here no thread reads a list outside the lock). Threads take the lock only to exchange
 * a whole magazine, once per {@link #rounds} allocations or frees at most, so it is rarely
 * contended.
 */
final class Depot {
    /**
     * A generation of a shared allocator's slots: a new one begins at every reset (which frees
     * every slot, so every magazine's slots of an older generation are stale) and a sentinel marks
     * the closed allocator. Compared by identity.
     */
    static final class Epoch {
        /** Checked mode: the slot states of this generation; null when unchecked (or closed). */
        final SlotStates states;

        Epoch(SlotStates states) {
            this.states = states;
        }
    }

    /**
     * A magazine: a stack of free slot addresses ("rounds"), top at {@code count - 1}, and in
     * checked mode each slot's {@link SlotStates} number at the same index.
     */
    static final class Magazine {
        final long[] rounds;
        /** Checked mode: the state numbers of the rounds; null when unchecked. */
        final int[] numbers;
        /** Slots held, 0 to {@code rounds.length}. */
        int count;
        /**
         * The generation of the slots held: they are free slots only while it is the current
         * one; their state numbers are of its {@link Epoch#states}.
         */
        Epoch epoch;

        Magazine(int size, boolean checked) {
            this.rounds = new long[size];
            this.numbers = checked ? new int[size] : null;
        }
    }

    /** Guards everything below and every native call on {@link #handle}. */
    final ReentrantLock lock = new ReentrantLock();
    /** Slots per magazine. */
    final int rounds;
    /** Full magazines kept at most; one more goes back to the slabs. */
    private final int maxFull;
    private final ArrayDeque<Magazine> full = new ArrayDeque<>();
    private final ArrayDeque<Magazine> empty = new ArrayDeque<>();
    /** Checked magazines (with state numbers). */
    private final boolean checked;
    /** The current generation; every full magazine of the depot belongs to it. */
    private Epoch epoch;
    /** The native allocator, 0 once closed. */
    private long handle;

    Depot(long handle, int rounds, int maxFull, Epoch epoch, boolean checked) {
        this.handle = handle;
        this.rounds = rounds;
        this.maxFull = maxFull;
        this.epoch = epoch;
        this.checked = checked;
    }

    /** A reset began a generation: the depot's full magazines are stale; lock held. */
    void begin(Epoch next) {
        for (Magazine m : full) {
            m.count = 0;
        }
        empty.addAll(full);
        full.clear();
        epoch = next;
    }

    /** An empty magazine of {@link #rounds} slots. */
    Magazine newMagazine() {
        return new Magazine(rounds, checked);
    }

    /** The current generation; lock held. */
    Epoch epoch() {
        return epoch;
    }

    /** The native allocator, or 0 once closed; lock held. */
    long handle() {
        return handle;
    }

    /** Close: no native call after this; lock held. */
    void closed() {
        handle = 0;
        full.clear();
        empty.clear();
    }

    /**
     * Exchanges an empty magazine for a full one: from the depot, or else filled from the slabs
     * with one batch call (up to {@link #rounds} slots, the first the core handed out on top). If
     * the slabs are out of memory (a reserve cap), the ended threads' magazines go back to them
     * first ({@link Failure#reclaimed()}) and the refill is tried once more.
     *
     * @return a magazine holding at least one slot
     * @throws RuntimeException the core's refusal, made by {@code failure} (lock released)
     */
    Magazine fullFor(Magazine spent, Failure failure) {
        lock.lock();
        try {
            Magazine m = full.poll();
            if (m != null) {
                spent.count = 0;
                empty.push(spent);
                return m;
            }
            long h = requireOpen(failure);
            int got = NativeCalls.allocateUpTo(h, spent.rounds, 0, rounds);
            if (got == SlabbinNative.ENOMEM && failure.reclaimed()) {
                got = NativeCalls.allocateUpTo(h, spent.rounds, 0, rounds);
            }
            if (got <= 0) {
                throw failure.allocation(h, got);
            }
            long[] r = spent.rounds;
            for (int i = 0, j = got - 1; i < j; i++, j--) {
                long t = r[i];
                r[i] = r[j];
                r[j] = t;
            }
            if (checked) {
                epoch.states.arrived(r, spent.numbers, got);
            }
            spent.count = got;
            spent.epoch = epoch;
            return spent;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Exchanges a full magazine for an empty one; beyond {@code maxFull} full magazines, the slots
     * go back to the slabs with one batch call.
     */
    Magazine emptyFor(Magazine filled, Failure failure) {
        lock.lock();
        try {
            if (filled.epoch != epoch) {                // stale since a reset: drop the slots
                filled.count = 0;
                filled.epoch = epoch;
                return filled;
            }
            if (full.size() < maxFull) {
                full.push(filled);
                Magazine m = empty.poll();
                if (m == null) {
                    m = newMagazine();
                }
                m.epoch = epoch;
                return m;
            }
            flush(filled, failure);
            return filled;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a magazine's slots to the slabs (bottom first) and empties it; the slots of a stale
     * magazine are dropped (the reset freed them). Lock held.
     */
    void flush(Magazine m, Failure failure) {
        if (m.epoch != epoch) {
            m.count = 0;
            m.epoch = epoch;
        }
        if (m.count > 0) {
            long h = requireOpen(failure);
            long r = NativeCalls.deallocateBatch(h, m.rounds, 0, m.count);
            if (r != 0) {
                throw failure.refused(BatchError.decode(r).status());
            }
            m.count = 0;
        }
    }

    /** Trim: every full magazine of the depot back to the slabs; lock held. */
    void flushAll(Failure failure) {
        for (Magazine m : full) {
            flush(m, failure);
        }
        empty.addAll(full);
        full.clear();
    }

    /** Free slots in the depot's full magazines; lock held. */
    long held() {
        long n = 0;
        for (Magazine m : full) {
            n += m.count;
        }
        return n;
    }

    private long requireOpen(Failure failure) {
        if (handle == 0) {
            throw failure.closed();
        }
        return handle;
    }

    /** How the depot's failures become the allocator's exceptions. */
    interface Failure {
        /** The core refused an allocation with {@code code} (ENOMEM, ECORRUPT). */
        RuntimeException allocation(long handle, long code);

        /** The slabs refused a magazine's slot with {@code code}. */
        RuntimeException refused(int code);

        /** The allocator is closed. */
        RuntimeException closed();

        /**
         * The slabs are out of memory: returns the slots of ended threads' magazines to them
         * (lock held).
         *
         * @return whether any slot went back
         */
        boolean reclaimed();
    }
}

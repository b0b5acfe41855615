package io.github.slabbin;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shared mode: one thread's pair of magazines, loaded and previous, as in Bonwick and Adams
 * ("Magazines and Vmem", USENIX 2001, section 3.2): an allocation pops the loaded magazine, a free
 * pushes it; when the loaded one is empty (full) and the previous one is not, they swap; otherwise
 * the previous one is exchanged with the {@link Depot} for a full (empty) one. So a thread goes to
 * the depot at most once per magazine's worth of calls, and the two magazines absorb an
 * allocate/free pair that would otherwise cross a magazine boundary each time.
 *
 * <p>A pair belongs to one platform thread ({@link #thread}), or is a stripe shared by virtual
 * threads and by platform threads beyond the bound on pairs, used under its lock. Its magazines
 * are changed only by the thread inside a call with it, or under the depot lock once its thread
 * has ended (or, for a stripe, under its lock).
 */
final class ThreadMagazines {
    private static final VarHandle ACTIVE;

    static {
        try {
            ACTIVE = MethodHandles.lookup().findVarHandle(ThreadMagazines.class, "active",
                    int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * 1 while the thread writes slot memory outside the depot lock ({@code allocateZeroed}): set
     * with a volatile store before the allocator's epoch is read again, cleared with a release
     * store. {@code close()} sets the closed epoch first, then waits for every flag to be 0: of
     * the two, one always sees the other's store, so no slot is written after the slabs are gone.
     */
    private volatile int active;

    /** The thread that owns the pair; null for a stripe. */
    final Thread thread;
    /** A stripe's lock, held for the whole call; null for a thread's own pair. */
    private final ReentrantLock lock;
    /**
     * The generation this pair last synchronized with (null: never). Between calls both
     * magazines are of it; within a call, a magazine from the depot may be of a newer one,
     * which the call then joins.
     */
    Depot.Epoch epoch;
    /** Checked mode: {@link #epoch}'s slot states (one load less per call); else null. */
    SlotStates states;
    /** Popped by allocations, pushed by frees. */
    Depot.Magazine loaded;
    /** The other magazine, full or empty in the steady state. */
    Depot.Magazine previous;
    /**
     * Checked mode: the slot this pair handed out last (0: none since {@link #join}), and its
     * state number in {@link #epoch}'s {@link SlotStates}, so that freeing it, the commonest free
     * of a LIFO allocator, needs no index lookup. An address keeps its number for the whole
     * epoch, so the pair stays right whoever frees or takes the slot meanwhile.
     */
    long newest;
    /** The state number of {@link #newest}. */
    int newestNumber;

    ThreadMagazines(Thread thread, Depot depot) {
        this.thread = thread;
        this.lock = thread == null ? new ReentrantLock() : null;
        this.loaded = depot.newMagazine();
        this.previous = depot.newMagazine();
    }

    /** A stripe: takes its lock for the call (a thread's own pair needs none). */
    void lock() {
        if (lock != null) {
            lock.lock();
        }
    }

    /** A stripe: releases its lock. */
    void unlock() {
        if (lock != null) {
            lock.unlock();
        }
    }

    /** Marks slot memory in use by this pair's thread (volatile store). */
    void markActive() {
        active = 1;
    }

    /** Clears {@link #markActive()} (release store). */
    void clearActive() {
        ACTIVE.setRelease(this, 0);
    }

    /** Whether the thread is writing slot memory. */
    boolean inUse() {
        return active != 0;
    }

    /** Whether the owning thread has ended (a stripe never does). */
    boolean ended() {
        return thread != null && !thread.isAlive();
    }

    /**
     * Joins generation {@code now}: the slots of magazines of an older one are dropped (a reset
     * freed them).
     */
    void join(Depot.Epoch now) {
        for (Depot.Magazine m : new Depot.Magazine[] {loaded, previous}) {
            if (m.epoch != now) {
                m.count = 0;
                m.epoch = now;
            }
        }
        epoch = now;
        states = now.states;
        newest = 0;
    }

    /** Free slots of generation {@code now} held by both magazines (racy unless quiescent). */
    int held(Depot.Epoch now) {
        return (loaded.epoch == now ? loaded.count : 0)
                + (previous.epoch == now ? previous.count : 0);
    }

    /** The loaded magazine is empty: a non-empty one to pop. */
    Depot.Magazine forAllocation(Depot depot, Depot.Failure failure) {
        Depot.Magazine p = previous;
        if (p.count == 0) {
            p = depot.fullFor(p, failure);
        }
        previous = loaded;
        loaded = p;
        return p;
    }

    /** The loaded magazine is full: one with room to push. */
    Depot.Magazine forFree(Depot depot, Depot.Failure failure) {
        Depot.Magazine p = previous;
        if (p.count == p.rounds.length) {
            p = depot.emptyFor(p, failure);
        }
        previous = loaded;
        loaded = p;
        return p;
    }
}

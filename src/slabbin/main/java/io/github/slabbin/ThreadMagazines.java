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
 * threads and by platform threads beyond the bound on pairs, used under {@link #lock}. Its
 * magazines are read and written only by the thread inside a call ({@link #active} 1), or by an
 * exclusive call (trim, reset, stats, close) while no thread is inside, or, once its thread has
 * ended, under the depot lock.
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
     * 1 while a thread is inside a call with this pair (set with a volatile store before the
     * allocator's phase is read), 0 otherwise (release store). An exclusive call sets the phase
     * first, then waits for every pair's flag to be 0: of the two, one always sees the other's
     * store, so no call runs in an exclusive phase. Written by one thread at a time; the pair is
     * created by its thread (in that thread's allocation buffer), away from other threads' pairs.
     */
    private volatile int active;

    /** The thread that owns the pair; null for a stripe. */
    final Thread thread;
    /** A stripe's lock, held for the whole call; null for a thread's own pair. */
    private final ReentrantLock lock;
    /** Popped by allocations, pushed by frees. */
    Depot.Magazine loaded;
    /** The other magazine, full or empty in the steady state. */
    Depot.Magazine previous;

    ThreadMagazines(Thread thread, int rounds) {
        this.thread = thread;
        this.lock = thread == null ? new ReentrantLock() : null;
        this.loaded = new Depot.Magazine(rounds);
        this.previous = new Depot.Magazine(rounds);
    }

    /** Marks the pair in use (a stripe: locks it first). */
    void enter() {
        if (lock != null) {
            lock.lock();
        }
        active = 1;
    }

    /** Marks the pair unused (a stripe: unlocks it). */
    void leave() {
        ACTIVE.setRelease(this, 0);
        if (lock != null) {
            lock.unlock();
        }
    }

    /** Whether a thread is inside a call with this pair. */
    boolean inUse() {
        return active != 0;
    }

    /** Whether the owning thread has ended (a stripe never does). */
    boolean ended() {
        return thread != null && !thread.isAlive();
    }

    /** Free slots held by both magazines. */
    int held() {
        return loaded.count + previous.count;
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

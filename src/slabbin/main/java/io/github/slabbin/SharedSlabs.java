package io.github.slabbin;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Shared mode ({@link SlabAllocator.Builder#shared(boolean)}): the magazine and depot layer of
 * Bonwick and Adams ("Magazines and Vmem", USENIX 2001) in front of the C core, for any number of
 * threads.
 *
 * <p>Each platform thread gets its own {@link ThreadMagazines} pair on its first call, up to
 * {@link #maxPairs} pairs; virtual threads, and platform threads beyond the bound, share a few
 * striped pairs (one per processor), each used under its own lock, so no virtual thread pins a
 * magazine. The pairs exchange whole magazines with the {@link Depot}, which alone calls the
 * core (refills with {@code slabbin_alloc_upto}, flushes with {@code slabbin_free_batch}), under
 * its lock. In checked mode, {@link SlotStates} holds every slot's state for all threads.
 *
 * <p>Phases instead of a lock per call: {@link #phase} is {@link #OPEN}, {@link #EXCLUSIVE}
 * (trim, reset or stats in progress) or {@link #CLOSED}. A call sets its pair's active flag, then
 * reads the phase; if not open it clears the flag and waits for the exclusive call to end (or
 * throws {@link IllegalStateException} once closed). An exclusive call sets the phase, then waits
 * until every pair's flag is clear; then it alone touches the magazines, the depot and the core.
 * So a close never destroys the core under a running call, and a call that starts after it
 * throws. The cost per call is one volatile store and one volatile load, on fields no other
 * thread writes in the open phase.
 *
 * <p>A pair whose thread has ended keeps its slots until a trim, reset or close (which empty every
 * pair) or until a new thread needs a pair and the bound is reached (the ended pairs' slots then
 * go back to the slabs).
 */
final class SharedSlabs implements Depot.Failure {
    static final int OPEN = 0;
    static final int EXCLUSIVE = 1;
    static final int CLOSED = 2;
    /** Slots per magazine when the builder gives no magazine size. */
    static final int DEFAULT_ROUNDS = 64;

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    /** The facade, for its messages only (threads' pairs never refer to it). */
    private final SlabAllocator allocator;
    private final Depot depot;
    /** Checked mode: every slot's state; null when unchecked. */
    private final SlotStates states;
    /** Bytes per slot, for allocateZeroed. */
    private final long slotSize;
    /** Pairs of platform threads at most. */
    private final int maxPairs;
    /** {@link #OPEN}, {@link #EXCLUSIVE} or {@link #CLOSED}; written holding {@link #exclusive}. */
    private volatile int phase;
    /** Held by every exclusive call, so they run one at a time; waiting calls block on it. */
    private final Object exclusive = new Object();
    /** The pairs of platform threads (guarded by the depot lock). */
    private final List<ThreadMagazines> pairs = new ArrayList<>();
    /** The striped pairs of virtual threads and of threads beyond the bound. */
    private final ThreadMagazines[] stripes;
    private final ThreadLocal<ThreadMagazines> mine = ThreadLocal.withInitial(this::register);

    SharedSlabs(SlabAllocator allocator, long handle, long slotSize, boolean checked, int rounds) {
        this.allocator = allocator;
        this.slotSize = slotSize;
        this.states = checked ? new SlotStates() : null;
        int cpus = Runtime.getRuntime().availableProcessors();
        this.maxPairs = Math.max(16, 4 * cpus);
        int size = rounds > 0 ? rounds : DEFAULT_ROUNDS;
        this.depot = new Depot(handle, size, maxFull(), states);
        this.stripes = new ThreadMagazines[cpus];
        for (int i = 0; i < cpus; i++) {
            stripes[i] = new ThreadMagazines(null, size);
        }
    }

    /** Full magazines the depot keeps at most: {@code max(4, 2 * processors)}. */
    static int maxFull() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    // ---- calls of any thread -----------------------------------------------------------------

    long allocate() {
        ThreadMagazines c = enter();
        try {
            return take(c);
        } finally {
            c.leave();
        }
    }

    long allocateZeroed() {
        ThreadMagazines c = enter();
        try {
            long address = take(c);
            SlabbinNative.zero(address, slotSize);
            return address;
        } finally {
            c.leave();
        }
    }

    private long take(ThreadMagazines c) {
        Depot.Magazine m = c.loaded;
        if (m.count == 0) {
            m = c.forAllocation(depot, this);
        }
        long address = m.rounds[--m.count];
        if (states != null) {
            states.handOut(address);
        }
        return address;
    }

    private void put(ThreadMagazines c, long address) {
        Depot.Magazine m = c.loaded;
        if (m.count == m.rounds.length) {
            m = c.forFree(depot, this);
        }
        m.rounds[m.count++] = address;
    }

    void deallocate(long address) {
        ThreadMagazines c = enter();
        try {
            if (states != null) {
                int rc = states.free(address);
                if (rc != SlabbinNative.OK) {
                    throw allocator.addressFailure(reason(rc, address), address);
                }
            }
            put(c, address);
        } finally {
            c.leave();
        }
    }

    /** All or nothing: on a failure the slots taken go back and the array is unchanged. */
    void allocate(long[] addresses, int offset, int count) {
        long[] got = new long[count];
        ThreadMagazines c = enter();
        try {
            int i = 0;
            try {
                for (; i < count; i++) {
                    got[i] = take(c);
                }
            } catch (RuntimeException | Error e) {
                while (i > 0) {
                    long a = got[--i];
                    if (states != null) {
                        states.free(a);
                    }
                    put(c, a);
                }
                throw e;
            }
            System.arraycopy(got, 0, addresses, offset, count);
        } finally {
            c.leave();
        }
    }

    /** Checked mode: the whole batch is validated (and marked free) before any slot is cached. */
    void deallocate(long[] addresses, int offset, int count) {
        ThreadMagazines c = enter();
        try {
            if (states != null) {
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    int rc = states.free(a);
                    if (rc != SlabbinNative.OK) {
                        for (int j = 0; j < i; j++) {
                            states.unfree(addresses[offset + j]);
                        }
                        throw allocator.batchFailure(addresses, offset, i, reason(rc, a));
                    }
                }
            }
            for (int i = 0; i < count; i++) {
                put(c, addresses[offset + i]);
            }
        } finally {
            c.leave();
        }
    }

    /** What {@link #deallocate(long)} would say of the address; nothing changes. */
    int check(long address) {
        ThreadMagazines c = enter();
        try {
            if (states == null) {
                return coreCheck(address);
            }
            int rc = states.status(address);
            return rc == SlotStates.ABSENT ? reason(rc, address) : rc;
        } finally {
            c.leave();
        }
    }

    /** Throws {@link IllegalStateException} once closed (for the accessors). */
    void requireOpen() {
        if (phase == CLOSED) {
            throw closed();
        }
    }

    boolean isClosed() {
        return phase == CLOSED;
    }

    // ---- exclusive calls ---------------------------------------------------------------------

    /** Frees every slot: every magazine is emptied, then the core resets. */
    void reset() {
        exclusively(() -> {
            for (ThreadMagazines c : allPairs()) {
                c.loaded.count = 0;
                c.previous.count = 0;
            }
            depot.forgetAll();
            SlabbinNative.reset(depot.handle());
            if (states != null) {
                states.clear();
            }
            pairs.removeIf(ThreadMagazines::ended);
            return null;
        });
    }

    /** Every magazine's slots go back to the slabs, then the core releases the empty slabs. */
    long trim() {
        return exclusively(() -> {
            for (ThreadMagazines c : allPairs()) {
                depot.flush(c.previous, this);
                depot.flush(c.loaded, this);
            }
            depot.flushAll(this);
            long released = SlabbinNative.trim(depot.handle());
            if (states != null) {
                states.retainLive();
            }
            pairs.removeIf(ThreadMagazines::ended);
            return released;
        });
    }

    /** Exact statistics: the core's, with the slots in magazines counted apart from live ones. */
    SlabStats stats() {
        return exclusively(() -> {
            long held = depot.held();
            for (ThreadMagazines c : allPairs()) {
                held += c.held();
            }
            NativeStats n = NativeStats.read(depot.handle());
            return new SlabStats(n.slotSize(), n.alignment(), n.stride(), n.slabCapacity(),
                    n.slabCount(), n.liveSlots() - held, n.peakLiveSlots(), n.reservedBytes(),
                    held, n.initialSlabCapacity());
        });
    }

    /**
     * Closes: later calls throw, calls in progress finish, then {@code destroy} runs (once).
     * Idempotent.
     */
    void close(Runnable destroy) {
        synchronized (exclusive) {
            if (phase == CLOSED) {
                return;
            }
            phase = CLOSED;
            awaitQuiescence();
            depot.lock.lock();
            try {
                depot.closed();
                pairs.clear();
            } finally {
                depot.lock.unlock();
            }
            destroy.run();
        }
    }

    // ---- machinery ---------------------------------------------------------------------------

    /** The calling thread's pair, in use; waits out an exclusive call, throws once closed. */
    private ThreadMagazines enter() {
        ThreadMagazines c = mine.get();
        c.enter();
        if (phase != OPEN) {
            waitForOpen(c);
        }
        return c;
    }

    private void waitForOpen(ThreadMagazines c) {
        while (true) {
            c.leave();
            if (phase == CLOSED) {
                throw closed();
            }
            synchronized (exclusive) {
                // the exclusive call that set the phase has ended
            }
            c.enter();
            if (phase == OPEN) {
                return;
            }
        }
    }

    private <T> T exclusively(Supplier<T> work) {
        synchronized (exclusive) {
            if (phase == CLOSED) {
                throw closed();
            }
            phase = EXCLUSIVE;
            try {
                awaitQuiescence();
                depot.lock.lock();
                try {
                    return work.get();
                } finally {
                    depot.lock.unlock();
                }
            } finally {
                phase = OPEN;
            }
        }
    }

    /** Waits until no call is inside (phase already set). */
    private void awaitQuiescence() {
        List<ThreadMagazines> all;
        depot.lock.lock();
        try {
            all = allPairs();
        } finally {
            depot.lock.unlock();
        }
        for (ThreadMagazines c : all) {
            for (int spins = 0; c.inUse(); spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    /** Every pair: the threads' and the stripes; depot lock held. */
    private List<ThreadMagazines> allPairs() {
        List<ThreadMagazines> all = new ArrayList<>(pairs);
        all.addAll(List.of(stripes));
        return all;
    }

    /** A new thread's pair: its own within the bound, else a stripe. */
    private ThreadMagazines register() {
        Thread t = Thread.currentThread();
        if (!isVirtual(t)) {
            depot.lock.lock();
            try {
                if (pairs.size() >= maxPairs) {
                    reclaimEnded();
                }
                if (pairs.size() < maxPairs) {
                    ThreadMagazines c = new ThreadMagazines(t, depot.rounds);
                    pairs.add(c);
                    return c;
                }
            } finally {
                depot.lock.unlock();
            }
        }
        return stripes[(int) Math.floorMod(t.getId(), (long) stripes.length)];
    }

    /** The pairs of ended threads give their slots back to the slabs; depot lock held. */
    private void reclaimEnded() {
        if (depot.handle() == 0) {
            return;
        }
        pairs.removeIf(c -> {
            if (!c.ended()) {
                return false;
            }
            depot.flush(c.previous, this);
            depot.flush(c.loaded, this);
            return true;
        });
    }

    /** The reason for refusing an address: ABSENT from the states goes to the core. */
    private int reason(int rc, long address) {
        if (rc != SlotStates.ABSENT) {
            return rc;
        }
        int core = coreCheck(address);
        return core == SlabbinNative.OK ? SlabbinNative.EDOUBLEFREE : core;
    }

    /** The core's check of an address, under the depot lock (the caller is inside a call). */
    private int coreCheck(long address) {
        depot.lock.lock();
        try {
            long h = depot.handle();
            if (h == 0) {
                throw closed();
            }
            return SlabbinNative.check(h, address);
        } finally {
            depot.lock.unlock();
        }
    }

    private static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    /** {@code Thread.isVirtual()} on JDK 21 and later, else null. */
    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    // ---- Depot.Failure -----------------------------------------------------------------------

    @Override
    public RuntimeException allocation(long handle, long code) {
        return allocator.allocationFailure(handle, code);
    }

    @Override
    public RuntimeException refused(int code) {
        return new IllegalStateException("a magazine of " + allocator + " held a slot the slabs"
                + " refused: " + SlabAllocator.reason(code) + " (was a slot freed from C"
                + " through nativeHandle()?)");
    }

    @Override
    public RuntimeException closed() {
        return new IllegalStateException(allocator + " is closed");
    }
}

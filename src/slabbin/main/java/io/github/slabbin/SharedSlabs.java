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
 * <p>No lock and no fence per call: a call reads the current {@link Depot.Epoch} (one volatile
 * load) and compares it with its pair's. A reset begins a new epoch (the magazines' slots of older
 * ones are dropped by their threads at their next call, or by the reset itself for pairs it can
 * touch); {@code close()} installs {@link #CLOSED}, after which every call throws
 * {@link IllegalStateException}. Why this is safe without waiting for running calls: a call works
 * on the Java heap only (its magazines, the slot states) except where it enters the depot, and
 * every native call is made under the depot lock after checking that the core still exists. The
 * one call that writes slot memory outside that lock, {@code allocateZeroed}, marks itself
 * ({@link ThreadMagazines#markActive()}, a volatile store), then writes only if its slot's epoch
 * is still the current one; close and reset install their epoch first and then wait for such
 * marks, so no write reaches a slot that a reset gave to another caller, or a released slab. A
 * call that overlaps {@code close()} or {@code reset()} is ordered before it: a slot it returns is
 * freed by it.
 *
 * <p>A pair whose thread has ended keeps its slots until a trim, reset or close, or until a new
 * thread needs a pair and the bound is reached (the ended pairs' slots then go back to the
 * slabs).
 */
final class SharedSlabs implements SharedCalls, Depot.Failure {
    /** The epoch of a closed allocator. */
    static final Depot.Epoch CLOSED = new Depot.Epoch(null);
    /** Slots per magazine when the builder gives no magazine size. */
    static final int DEFAULT_ROUNDS = 64;

    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    /** The allocator's exceptions (threads' pairs never refer to it, nor to the allocator). */
    private final Failures failures;
    private final Depot depot;
    private final boolean checked;
    /** Bytes per slot, for allocateZeroed. */
    private final long slotSize;
    /** Pairs of platform threads at most. */
    private final int maxPairs;
    /** The current generation of slots, or {@link #CLOSED}; written holding {@link #exclusive}. */
    private volatile Depot.Epoch current;
    /** Held by reset, trim, stats and close, so they run one at a time. */
    private final Object exclusive = new Object();
    /** The pairs of platform threads (guarded by the depot lock). */
    private final List<ThreadMagazines> pairs = new ArrayList<>();
    /** The striped pairs of virtual threads and of threads beyond the bound. */
    private final ThreadMagazines[] stripes;
    /**
     * The fast way from a thread to its pair: the pair of a platform thread sits at the home
     * index of its thread id when that was free at registration (elements written under the depot
     * lock; a reader compares the pair's final {@code thread} with itself, so a stale or racing
     * read only sends it to {@link #mine}). {@link ThreadLocal#get()} alone costs more than the
     * rest of a magazine call.
     */
    private final ThreadMagazines[] byId;
    /**
     * Tests only: run by {@code allocateZeroed} between taking its slot and marking itself, the
     * window in which a reset or close may overtake it (null: nothing).
     */
    Runnable beforeZeroing;
    /** Every thread's pair (own or stripe), for threads not found in {@link #byId}. */
    private final ThreadLocal<ThreadMagazines> mine = ThreadLocal.withInitial(this::register);

    SharedSlabs(Failures failures, long handle, long slotSize, boolean checked, int rounds) {
        this.failures = failures;
        this.slotSize = slotSize;
        this.checked = checked;
        int cpus = Runtime.getRuntime().availableProcessors();
        this.maxPairs = Math.max(16, 4 * cpus);
        this.current = newEpoch();
        this.depot = new Depot(handle, rounds > 0 ? rounds : DEFAULT_ROUNDS, maxFull(), current,
                checked);
        this.byId = new ThreadMagazines[Integer.highestOneBit(4 * maxPairs - 1)];
        this.stripes = new ThreadMagazines[cpus];
        for (int i = 0; i < cpus; i++) {
            stripes[i] = new ThreadMagazines(null, depot);
        }
    }

    /** Full magazines the depot keeps at most: {@code max(4, 2 * processors)}. */
    static int maxFull() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    private Depot.Epoch newEpoch() {
        return new Depot.Epoch(checked ? new SlotStates() : null);
    }

    // ---- calls of any thread -----------------------------------------------------------------

    @Override
    public long allocate() {
        ThreadMagazines c = own();
        if (c != null) {
            return take(c);
        }
        c = pair();
        try {
            return take(c);
        } finally {
            c.unlock();
        }
    }

    @Override
    public long allocateZeroed() {
        ThreadMagazines c = pair();
        try {
            while (true) {
                long address = take(c);
                Runnable seam = beforeZeroing;
                if (seam != null) {
                    seam.run();
                }
                c.markActive();
                try {
                    Depot.Epoch now = current;
                    if (now == c.epoch) {
                        NativeCalls.zero(address, slotSize);
                        return address;
                    }
                    if (now == CLOSED) {
                        throw closed();
                    }
                } finally {
                    c.clearActive();
                }
                sync(c);        // a reset freed the slot (it may be another caller's by now)
            }
        } finally {
            c.unlock();
        }
    }

    /**
     * Pops a slot of the pair's generation, through the depot if needed (the pair may then join
     * a newer generation).
     */
    private long take(ThreadMagazines c) {
        Depot.Magazine m = c.loaded;
        if (m.count == 0) {
            m = refill(c);
        }
        int n = --m.count;
        long address = m.rounds[n];
        if (checked) {
            int number = m.numbers[n];
            c.states.handOut(number);
            c.newest = address;
            c.newestNumber = number;
        }
        return address;
    }

    /** The loaded magazine is empty: a loaded one with slots of the pair's generation. */
    private Depot.Magazine refill(ThreadMagazines c) {
        while (true) {
            Depot.Magazine m = c.forAllocation(depot, this);
            if (m.epoch == c.epoch) {
                return m;
            }
            sync(c);            // a reset came between this call's start and its refill
            m = c.loaded;
            if (m.count > 0) {
                return m;
            }
        }
    }

    /**
     * Pushes a freed slot and (checked mode) its state number; false if the pair joined a newer
     * generation instead (a reset came during this call and freed the slot already).
     */
    private boolean put(ThreadMagazines c, long address, int number) {
        Depot.Magazine m = c.loaded;
        if (m.count == m.rounds.length) {
            m = c.forFree(depot, this);
            if (m.epoch != c.epoch) {
                sync(c);
                return false;
            }
        }
        int n = m.count++;
        m.rounds[n] = address;
        if (checked) {
            m.numbers[n] = number;
        }
        return true;
    }

    @Override
    public void deallocate(long address) {
        ThreadMagazines c = own();
        if (c != null) {
            put(c, address, checked ? freeState(c, address) : 0);
            return;
        }
        c = pair();
        try {
            put(c, address, checked ? freeState(c, address) : 0);
        } finally {
            c.unlock();
        }
    }

    /** Checked mode: frees the slot's state, or throws the refusal; returns its state number. */
    private int freeState(ThreadMagazines c, long address) {
        SlotStates states = c.states;
        int n = address == c.newest && address != 0
                ? states.freeNumber(c.newestNumber) : states.free(address);
        if (n < 0) {
            throw failures.address(reason(address), address);
        }
        return n;
    }

    /**
     * All or nothing: on a failure the slots taken go back and the array is unchanged. Every
     * slot is of one generation: when a reset overtakes the batch, it starts again in the new
     * one (the reset freed the slots taken before).
     */
    @Override
    public void allocate(long[] addresses, int offset, int count) {
        long[] got = new long[count];
        ThreadMagazines c = pair();
        try {
            int i = 0;
            Depot.Epoch e = c.epoch;
            try {
                for (; i < count; i++) {
                    got[i] = take(c);
                    if (c.epoch != e) {
                        e = c.epoch;
                        got[0] = got[i];
                        i = 0;
                    }
                }
            } catch (RuntimeException | Error failure) {
                while (i > 0 && c.epoch == e) {     // once a reset overtook it, it freed them
                    long a = got[--i];
                    put(c, a, checked ? c.states.free(a) : 0);
                }
                throw failure;
            }
            System.arraycopy(got, 0, addresses, offset, count);
        } finally {
            c.unlock();
        }
    }

    /** Checked mode: the whole batch is validated (and marked free) before any slot is cached. */
    @Override
    public void deallocate(long[] addresses, int offset, int count) {
        ThreadMagazines c = pair();
        try {
            int[] numbers = new int[count];
            if (checked) {
                SlotStates states = c.states;
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    int n = states.free(a);
                    if (n < 0) {
                        for (int j = 0; j < i; j++) {
                            states.handOut(numbers[j]);
                        }
                        throw failures.batch(addresses, offset, i, reason(a));
                    }
                    numbers[i] = n;
                }
            }
            for (int i = 0; i < count; i++) {
                if (!put(c, addresses[offset + i], numbers[i])) {
                    break;              // a reset freed the rest
                }
            }
        } finally {
            c.unlock();
        }
    }

    /** What {@link #deallocate(long)} would say of the address; nothing changes. */
    @Override
    public int check(long address) {
        Depot.Epoch e = open();
        if (checked && e.states.status(address) == SlabbinNative.OK) {
            return SlabbinNative.OK;
        }
        return checked ? reason(address) : coreCheck(address);
    }

    /** The current epoch; throws {@link IllegalStateException} once closed. */
    private Depot.Epoch open() {
        Depot.Epoch e = current;
        if (e == CLOSED) {
            throw closed();
        }
        return e;
    }

    /** Throws {@link IllegalStateException} once closed (for the accessors). */
    @Override
    public void requireOpen() {
        open();
    }

    @Override
    public boolean isClosed() {
        return current == CLOSED;
    }

    // ---- reset, trim, stats, close: one at a time ------------------------------------------

    /**
     * Frees every slot: a new epoch begins, the depot's, the stripes', the ended threads' and the
     * caller's magazines are emptied now, the other threads' at their next call.
     */
    @Override
    public void reset() {
        maintain(() -> {
            Depot.Epoch next = newEpoch();
            current = next;
            awaitWriters(pairs);
            depot.begin(next);
            NativeCalls.reset(depot.handle());
            List<ThreadMagazines> emptied = touchable();
            for (ThreadMagazines c : emptied) {
                c.join(next);
            }
            dropEnded(emptied);
            return null;
        });
    }

    /**
     * The magazines of the depot, the stripes, the ended threads and the caller go back to the
     * slabs, then the core releases every slab that holds no live slot. Other running threads
     * keep their magazines (and so the slabs of those slots).
     */
    @Override
    public long trim() {
        return maintain(() -> {
            List<ThreadMagazines> emptied = touchable();
            for (ThreadMagazines c : emptied) {
                depot.flush(c.previous, this);
                depot.flush(c.loaded, this);
            }
            depot.flushAll(this);
            long released = NativeCalls.trim(depot.handle());
            dropEnded(emptied);
            return released;
        });
    }

    /**
     * The core's statistics, with the slots in magazines counted apart from live ones; exact
     * when no other call runs meanwhile (the other threads' magazines are read without waiting).
     */
    @Override
    public SlabStats stats() {
        return maintain(() -> {
            Depot.Epoch e = current;
            long held = depot.held();
            for (ThreadMagazines c : pairs) {
                held += c.held(e);
            }
            for (ThreadMagazines c : stripes) {
                held += c.held(e);
            }
            NativeStats n = NativeStats.read(depot.handle());
            return new SlabStats(n.slotSize(), n.alignment(), n.stride(), n.slabCapacity(),
                    n.slabCount(), n.liveSlots() - held, n.peakLiveSlots(), n.reservedBytes(),
                    held, n.initialSlabCapacity());
        });
    }

    /**
     * Closes: later calls throw, a running {@code allocateZeroed} finishes its write, then
     * {@code destroy} runs (once). Idempotent.
     */
    @Override
    public void close(Runnable destroy) {
        synchronized (exclusive) {
            if (current == CLOSED) {
                return;
            }
            current = CLOSED;
            List<ThreadMagazines> all;
            depot.lock.lock();
            try {
                all = new ArrayList<>(pairs);
            } finally {
                depot.lock.unlock();
            }
            all.addAll(List.of(stripes));
            awaitWriters(all);
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

    /**
     * The fast way in: the calling thread's own pair when {@link #byId} holds it and it is in the
     * current epoch (no lock, nothing to synchronize), else null (then {@link #pair()}).
     */
    private ThreadMagazines own() {
        Thread t = Thread.currentThread();
        ThreadMagazines c = byId[(int) t.getId() & (byId.length - 1)];
        return c != null && c.thread == t && c.epoch == current ? c : null;
    }

    /**
     * The calling thread's pair (a stripe: locked), in the current epoch; throws once closed.
     */
    private ThreadMagazines pair() {
        Thread t = Thread.currentThread();
        ThreadMagazines c = byId[(int) t.getId() & (byId.length - 1)];
        if (c == null || c.thread != t) {
            c = mine.get();
        }
        c.lock();
        if (current != c.epoch) {
            try {
                sync(c);
            } catch (RuntimeException e) {
                c.unlock();
                throw e;
            }
        }
        return c;
    }

    /** The pair joins the current epoch; throws once closed. */
    private void sync(ThreadMagazines c) {
        c.join(open());
    }

    /**
     * Runs a reset, trim or stats: one at a time, with the stripes' locks (taken before the
     * depot lock, as calls take them) and the depot lock held.
     */
    private <T> T maintain(Supplier<T> work) {
        synchronized (exclusive) {
            open();
            for (ThreadMagazines s : stripes) {
                s.lock();
            }
            try {
                depot.lock.lock();
                try {
                    return work.get();
                } finally {
                    depot.lock.unlock();
                }
            } finally {
                for (ThreadMagazines s : stripes) {
                    s.unlock();
                }
            }
        }
    }

    /**
     * Waits until no pair among {@code pairs} is writing slot memory ({@code allocateZeroed}),
     * after a new epoch (or {@link #CLOSED}) was installed: a write that started before it
     * finishes, one that starts after it sees it and does not write (a volatile store and load on
     * each side). Only then may a reset or close hand the slots to others or release the slabs.
     */
    private static void awaitWriters(List<ThreadMagazines> pairs) {
        for (ThreadMagazines c : pairs) {
            for (int spins = 0; c.inUse(); spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    /**
     * The pairs no other thread is using: the stripes (locked), the ended threads' and the
     * caller's own; depot lock held.
     */
    private List<ThreadMagazines> touchable() {
        List<ThreadMagazines> out = new ArrayList<>(List.of(stripes));
        Thread me = Thread.currentThread();
        for (ThreadMagazines c : pairs) {
            if (c.thread == me || c.ended()) {
                out.add(c);
            }
        }
        return out;
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
                    ThreadMagazines c = new ThreadMagazines(t, depot);
                    pairs.add(c);
                    int home = (int) t.getId() & (byId.length - 1);
                    if (byId[home] == null || byId[home].ended()) {
                        byId[home] = c;
                    }
                    return c;
                }
            } finally {
                depot.lock.unlock();
            }
        }
        return stripes[(int) Math.floorMod(t.getId(), (long) stripes.length)];
    }

    /**
     * Forgets the pairs of ended threads among {@code emptied}, the pairs just emptied; depot
     * lock held. Whether a thread has ended is read once, here: a thread that ends after its pair
     * was passed over while emptying keeps its pair (and its slots) until the next time.
     */
    private void dropEnded(List<ThreadMagazines> emptied) {
        List<ThreadMagazines> gone = new ArrayList<>();
        for (ThreadMagazines c : emptied) {
            if (c.thread != null && c.ended()) {
                gone.add(c);
            }
        }
        pairs.removeAll(gone);
        for (int i = 0; i < byId.length; i++) {
            if (byId[i] != null && gone.contains(byId[i])) {
                byId[i] = null;
            }
        }
    }

    /**
     * The pairs of ended threads give their slots back to the slabs; depot lock held. Returns
     * how many went back.
     */
    private long reclaimEnded() {
        if (depot.handle() == 0) {
            return 0;
        }
        long slots = 0;
        List<ThreadMagazines> emptied = new ArrayList<>();
        for (ThreadMagazines c : pairs) {
            if (c.ended()) {
                slots += c.held(depot.epoch());
                depot.flush(c.previous, this);
                depot.flush(c.loaded, this);
                emptied.add(c);
            }
        }
        dropEnded(emptied);
        return slots;
    }

    /**
     * Why an address that is not a live slot is refused, from the core's owner lookup: foreign,
     * interior, or (free in the slabs, or in a magazine, which the core counts as allocated)
     * double free.
     */
    private int reason(long address) {
        return Failures.cachedReason(coreCheck(address));
    }

    /** The core's check of an address, under the depot lock. */
    private int coreCheck(long address) {
        depot.lock.lock();
        try {
            long h = depot.handle();
            if (h == 0) {
                throw closed();
            }
            return NativeCalls.check(h, address);
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
        return failures.allocation(handle, code);
    }

    @Override
    public RuntimeException refused(int code) {
        return failures.magazineRefused(code);
    }

    @Override
    public RuntimeException closed() {
        return failures.state();
    }

    @Override
    public boolean reclaimed() {
        return reclaimEnded() > 0;
    }
}

package io.github.slabbin.replay;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlabStats;
import io.github.slabbin.SlotLayout;
import io.github.slabbin.peers.SystemAllocator;

/**
 * The Java-driven replay: a Java loop over a trace's {@link ReplayPlan}, one allocator call per
 * event — slabbin through {@link SlabAllocator} (checked mode, one allocator per size class), the
 * system allocator through {@link SystemAllocator}, each one JNI crossing — plus one call into
 * the replay contract for the block's pattern ({@link NativeReplay#putPattern} on allocation,
 * {@link NativeReplay#checkPattern} before a free or a move), equally for both allocators.
 * Everything it decides comes from the C contract: which allocator serves a block, what a realloc
 * does, the slots per slab, the pattern bytes. Not thread-safe.
 */
final class JavaDriver {
    private final Trace t;
    private final ReplayPlan plan;
    private final SizeClasses classes;
    private final boolean full;
    private final long initialSlabBytes;
    private final String what;

    /** Per block: its address while live (0 otherwise) and the event that allocated it. */
    private final long[] addr;
    private final int[] born;
    /** One allocator per class; empty when the plan sends everything to the system allocator. */
    private final SlabAllocator[] slab;

    /**
     * @param t       the trace
     * @param plan    its plan
     * @param classes the size classes of the plan
     * @param slabs   whether the plan routes to slabs (else no slab allocator is made)
     * @param full    every byte of each block carries the pattern, else its ends
     * @param initialSlabBytes about the bytes of each class's first slab, slabs doubling from
     *                there ({@code replay_initial_slab_capacity}); 0: no growth
     */
    JavaDriver(Trace t, ReplayPlan plan, SizeClasses classes, boolean slabs, boolean full,
               long initialSlabBytes) {
        this.t = t;
        this.plan = plan;
        this.classes = classes;
        this.full = full;
        this.initialSlabBytes = initialSlabBytes;
        this.what = "Java-driven replay through " + (slabs ? "slabbin" : "malloc");
        this.addr = new long[t.blockCount()];
        this.born = new int[t.blockCount()];
        this.slab = new SlabAllocator[slabs ? classes.classCount() : 0];
    }

    /**
     * Replays the trace once and releases everything it allocated.
     *
     * @return the figures
     * @throws ReplayException on a pattern mismatch or when an allocator refused memory
     */
    TraceReplayer.Run run() {
        try {
            for (int c = 0; c < slab.length; c++) {
                int size = classes.classSize(c);
                slab[c] = SlabAllocator.builder(SlotLayout.of(size, SizeClasses.ALIGNMENT))
                        .slabCapacity(NativeReplay.slabCapacity(size))
                        .initialSlabCapacity(NativeReplay.initialSlabCapacity(size,
                                initialSlabBytes))
                        .build();
            }
            long t0 = System.nanoTime();
            replayEvents();
            long loop = System.nanoTime() - t0;
            TraceReplayer.Run run = new TraceReplayer.Run();
            run.slabsPerClass = new int[classes.classCount()];
            for (int c = 0; c < slab.length; c++) {
                SlabStats s = slab[c].stats();
                run.reservedPeak += s.reservedBytes();
                run.slabsPerClass[c] = (int) s.slabCount();
                run.reservedAfterTrim += s.reservedBytes() - slab[c].trim();
            }
            t0 = System.nanoTime();                        // statistics and trim not timed
            for (int id = 0; id < addr.length; id++) {
                if (addr[id] != 0) {
                    check(id, t.eventCount());
                    release(id);
                }
            }
            run.nanos = loop + System.nanoTime() - t0;
            return run;
        } catch (OutOfMemoryError e) {
            throw new ReplayException(t.name() + ": " + what + " ran out of memory: "
                    + e.getMessage());
        } finally {
            for (int id = 0; id < addr.length; id++) {
                if (addr[id] != 0 && plan.blockClass[id] == NativeReplay.SYSTEM) {
                    SystemAllocator.free(addr[id]);
                }
            }
            for (SlabAllocator s : slab) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private void replayEvents() {
        byte[] step = plan.step;
        int[] ids = t.ids();
        int[] oldIds = t.oldIds();
        long[] sizes = t.sizes();
        for (int i = 0; i < step.length; i++) {
            int id = ids[i];
            switch (step[i]) {
                case NativeReplay.STEP_ALLOC:
                    bear(id, allocate(id, sizes[i]), sizes[i], i);
                    break;
                case NativeReplay.STEP_FREE:
                    check(id, i);
                    release(id);
                    break;
                case NativeReplay.STEP_KEEP: {                 // the slot stays
                    int old = oldIds[i];
                    check(old, i);
                    long p = addr[old];
                    addr[old] = 0;
                    bear(id, p, sizes[i], i);
                    break;
                }
                case NativeReplay.STEP_RESIZE: {
                    int old = oldIds[i];
                    check(old, i);
                    long p = SystemAllocator.realloc(addr[old], Math.max(sizes[i], 1));
                    if (p == 0) {
                        throw new OutOfMemoryError("realloc(" + sizes[i] + ") failed");
                    }
                    addr[old] = 0;
                    bear(id, p, sizes[i], i);
                    break;
                }
                default: {                                     // STEP_MOVE
                    int old = oldIds[i];
                    check(old, i);
                    long p = allocate(id, sizes[i]);
                    NativeReplay.copy(p, addr[old], Math.min(t.blockSize(old), sizes[i]));
                    release(old);
                    bear(id, p, sizes[i], i);
                    break;
                }
            }
        }
    }

    /** A new block for {@code id} from its allocator; never 0. */
    private long allocate(int id, long size) {
        int c = plan.blockClass[id];
        if (c != NativeReplay.SYSTEM) {
            return slab[c].allocate();
        }
        long p = SystemAllocator.malloc(Math.max(size, 1));
        if (p == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") failed");
        }
        return p;
    }

    /** Block {@code id} lives at {@code p} from event {@code event} on, with its pattern. */
    private void bear(int id, long p, long size, int event) {
        addr[id] = p;
        born[id] = event;
        NativeReplay.putPattern(p, size, event, full);
    }

    /** Frees block {@code id} to its allocator. */
    private void release(int id) {
        int c = plan.blockClass[id];
        if (c == NativeReplay.SYSTEM) {
            SystemAllocator.free(addr[id]);
        } else {
            slab[c].deallocate(addr[id]);
        }
        addr[id] = 0;
    }

    private void check(int id, int event) {
        if (!NativeReplay.checkPattern(addr[id], t.blockSize(id), born[id], full)) {
            throw TraceReplayer.mismatch(t, event, what);
        }
    }
}

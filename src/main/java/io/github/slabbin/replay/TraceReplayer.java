package io.github.slabbin.replay;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlabStats;
import io.github.slabbin.SlotLayout;
import io.github.slabbin.SystemAllocator;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;
import sun.misc.Unsafe;

/**
 * Replays a {@link Trace} through slabbin and through the system allocator, with two drivers:
 * <ul>
 *   <li><b>Java-driven</b>: the loop in Java, one call per event: slabbin through
 *       {@link SlabAllocator} (checked mode), the system allocator through
 *       {@link SystemAllocator} — each one JNI crossing per call;</li>
 *   <li><b>C-driven</b>: the same events copied into C arrays once and replayed by a C loop
 *       through the C core or {@code malloc}/{@code free} (no JVM in the loop).</li>
 * </ul>
 * Requests up to {@link SizeClasses#limit()} bytes go to the slab allocator of their size class
 * (one allocator per class, slots aligned to 16 bytes, slabs of about 64 KiB); larger ones go to
 * the system allocator in both runs. A realloc within a class keeps the slot; across classes it
 * allocates, copies {@code min(old, new)} bytes and frees. In the system run every request goes to
 * {@code malloc}/{@code realloc}/{@code free}.
 *
 * <p>Every block gets a pattern derived from the number of the event that allocated it — its first
 * and last 8 bytes ({@link Verify#ENDS}) or every byte ({@link Verify#FULL}) — written on
 * allocation and checked before the block is freed or moved; a mismatch (overlapping slots, a lost
 * byte) makes the run fail with the event number. Blocks still live after the last event are
 * checked and freed at the end; just before that every slab allocator is trimmed. The Java- and
 * C-driven slab runs must end with the same reserved bytes, before and after trimming.
 *
 * <p>Each run is repeated {@code repeats} times after {@code warmups} untimed runs; the report
 * gives the median and the range. Not thread-safe: use one replayer per thread.
 */
public final class TraceReplayer {
    /** How much of each block the pattern covers. */
    public enum Verify {
        /** The first and last 8 bytes (all bytes of blocks under 16 bytes). */
        ENDS,
        /** Every byte. */
        FULL
    }

    private static final Unsafe U = unsafe();
    private static final int SYSTEM = -1;

    private final SizeClasses classes;
    private final Verify verify;
    private final int repeats;
    private final int warmups;
    private IntConsumer progress = step -> { };

    /**
     * A replayer.
     *
     * @param classes size classes for routing, not null
     * @param verify  pattern coverage, not null
     * @param repeats timed runs per allocator and driver, 1 or more (the median is reported)
     * @param warmups untimed runs before them, 0 or more
     * @throws IllegalArgumentException if {@code repeats < 1} or {@code warmups < 0}
     */
    public TraceReplayer(SizeClasses classes, Verify verify, int repeats, int warmups) {
        this.classes = Objects.requireNonNull(classes, "classes");
        this.verify = Objects.requireNonNull(verify, "verify");
        if (repeats < 1 || warmups < 0) {
            throw new IllegalArgumentException("repeats must be >= 1 and warmups >= 0, got "
                    + repeats + " and " + warmups);
        }
        this.repeats = repeats;
        this.warmups = warmups;
    }

    /**
     * Calls {@code listener} after every run with the number of runs done so far, out of
     * {@link #runsPerTrace()}.
     *
     * @param listener receives progress, not null
     * @return this replayer
     */
    public TraceReplayer onProgress(IntConsumer listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Runs per trace: (warm-ups + repeats) for each of 4 combinations of driver and allocator.
     *
     * @return the count
     */
    public int runsPerTrace() {
        return 4 * (warmups + repeats);
    }

    /**
     * Replays a trace through both allocators with both drivers.
     *
     * @param trace the trace, not null
     * @return the figures
     * @throws ReplayException if a block's pattern did not survive (names the event and source
     *     line) or an allocator refused memory
     */
    public ReplayReport replay(Trace trace) {
        Objects.requireNonNull(trace, "trace");
        Routing routing = Routing.of(trace, classes);
        int done = 0;
        long[][] nanos = new long[4][repeats];
        Run slabRun = null;
        Run cSlabRun = null;
        for (int combo = 0; combo < 4; combo++) {
            boolean javaDriver = combo < 2;
            boolean slabs = combo % 2 == 0;
            long handle = javaDriver ? 0 : prepare(trace);
            try {
                for (int i = 0; i < warmups + repeats; i++) {
                    Run run = javaDriver ? runJava(trace, slabs) : runC(trace, handle, slabs);
                    if (i >= warmups) {
                        nanos[combo][i - warmups] = run.nanos;
                    }
                    if (slabs) {
                        if (javaDriver) {
                            slabRun = run;
                        } else {
                            cSlabRun = run;
                        }
                    }
                    progress.accept(++done);
                }
            } finally {
                if (handle != 0) {
                    NativeReplay.release(handle);
                }
            }
        }
        // Both drivers send the same events through the same core: their slabs must agree.
        if (slabRun.reservedPeak != cSlabRun.reservedPeak
                || slabRun.reservedAfterTrim != cSlabRun.reservedAfterTrim) {
            throw new ReplayException(trace.name() + ": Java- and C-driven slab runs disagree:"
                    + " reserved " + slabRun.reservedPeak + " vs " + cSlabRun.reservedPeak
                    + " bytes, after trim " + slabRun.reservedAfterTrim + " vs "
                    + cSlabRun.reservedAfterTrim);
        }
        return new ReplayReport(trace.name(), trace.eventCount(), trace.allocations(),
                trace.frees(), trace.reallocs(), trace.unmatchedFrees(),
                trace.unmatchedReallocs(), trace.liveAtEnd(), routing.slabRequests,
                routing.requests, routing.slabBytes, routing.bytes, trace.peakLiveBytes(),
                routing.peakLiveSlabBytes, slabRun.reservedPeak, slabRun.reservedAfterTrim,
                slabRun.slabsPerClass, classes.classSizes(),
                Timing.of(nanos[0], trace.eventCount()), Timing.of(nanos[1], trace.eventCount()),
                Timing.of(nanos[2], trace.eventCount()), Timing.of(nanos[3], trace.eventCount()),
                repeats, warmups, verify.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** One run's figures. */
    private static final class Run {
        long nanos;
        long reservedPeak;
        long reservedAfterTrim;
        int[] slabsPerClass;
    }

    // ------------------------------------------------------------------------------- C driver

    private static long prepare(Trace t) {
        long h = NativeReplay.prepare(t.ops(), t.ids(), t.oldIds(), t.sizes(), t.eventCount(),
                t.blockCount());
        if (h == 0) {
            throw new ReplayException(t.name() + ": out of native memory for the decoded trace");
        }
        return h;
    }

    private Run runC(Trace t, long handle, boolean slabs) {
        long[] r = new long[5];
        int[] lookup = new int[classes.limit() / 16 + 1];
        for (int i = 0; i < lookup.length; i++) {
            lookup[i] = classes.classOf(16L * i);
        }
        long[] sizes = Arrays.stream(classes.classSizes()).asLongStream().toArray();
        int rc = NativeReplay.run(handle, sizes, lookup, classes.limit(), slabs,
                verify == Verify.FULL, r);
        if (rc != 0) {
            throw new ReplayException(t.name() + ": C-driven replay through "
                    + (slabs ? "slabbin" : "malloc") + " failed: "
                    + (rc == -2 ? "out of memory" : "invalid argument"));
        }
        if (r[1] >= 0) {
            throw mismatch(t, (int) r[1], "C-driven", slabs);
        }
        Run run = new Run();
        run.nanos = r[0];
        run.reservedPeak = r[2];
        run.reservedAfterTrim = r[3];
        return run;
    }

    // ---------------------------------------------------------------------------- Java driver

    private Run runJava(Trace t, boolean slabs) {
        int blocks = t.blockCount();
        long[] addr = new long[blocks];
        int[] cls = new int[blocks];
        SlabAllocator[] slab = new SlabAllocator[classes.classCount()];
        boolean full = verify == Verify.FULL;
        byte[] ops = t.ops();
        int[] ids = t.ids();
        int[] oldIds = t.oldIds();
        long[] sizes = t.sizes();
        int[] born = new int[blocks];
        try {
            if (slabs) {
                for (int c = 0; c < slab.length; c++) {
                    slab[c] = SlabAllocator.create(SlotLayout.of(classes.classSize(c),
                            SizeClasses.ALIGNMENT), slabCapacity(classes.classSize(c)));
                }
            }
            long t0 = System.nanoTime();
            int n = t.eventCount();
            for (int i = 0; i < n; i++) {
                int id = ids[i];
                switch (ops[i]) {
                    case Trace.MALLOC: {
                        long size = sizes[i];
                        int c = slabs ? classes.classOf(size) : SYSTEM;
                        long p = c == SYSTEM ? SystemAllocator.malloc(Math.max(size, 1))
                                : slab[c].allocate();
                        if (p == 0) {
                            throw new OutOfMemoryError("malloc(" + size + ") failed");
                        }
                        addr[id] = p;
                        cls[id] = c;
                        born[id] = i;
                        putPattern(p, size, i, full);
                        break;
                    }
                    case Trace.FREE: {
                        long p = addr[id];
                        if (!checkPattern(p, t.blockSize(id), born[id], full)) {
                            throw mismatch(t, i, "Java-driven", slabs);
                        }
                        int c = cls[id];
                        if (c == SYSTEM) {
                            SystemAllocator.free(p);
                        } else {
                            slab[c].deallocate(p);
                        }
                        addr[id] = 0;
                        break;
                    }
                    default: { // REALLOC
                        int old = oldIds[i];
                        long op = addr[old];
                        long oldSize = t.blockSize(old);
                        if (!checkPattern(op, oldSize, born[old], full)) {
                            throw mismatch(t, i, "Java-driven", slabs);
                        }
                        long size = sizes[i];
                        int c = slabs ? classes.classOf(size) : SYSTEM;
                        int oc = cls[old];
                        long np;
                        if (c != SYSTEM && c == oc) {
                            np = op;
                        } else if (c == SYSTEM && oc == SYSTEM) {
                            np = SystemAllocator.realloc(op, Math.max(size, 1));
                        } else {
                            np = c == SYSTEM ? SystemAllocator.malloc(Math.max(size, 1))
                                    : slab[c].allocate();
                            if (np != 0) {
                                U.copyMemory(op, np, Math.min(oldSize, size));
                                if (oc == SYSTEM) {
                                    SystemAllocator.free(op);
                                } else {
                                    slab[oc].deallocate(op);
                                }
                            }
                        }
                        if (np == 0) {
                            throw new OutOfMemoryError("realloc(" + size + ") failed");
                        }
                        addr[old] = 0;
                        addr[id] = np;
                        cls[id] = c;
                        born[id] = i;
                        putPattern(np, size, i, full);
                        break;
                    }
                }
            }
            long loop = System.nanoTime() - t0;
            Run run = new Run();
            run.slabsPerClass = new int[slab.length];
            if (slabs) {
                for (int c = 0; c < slab.length; c++) {
                    SlabStats s = slab[c].stats();
                    run.reservedPeak += s.reservedBytes();
                    run.slabsPerClass[c] = (int) s.slabCount();
                    run.reservedAfterTrim += s.reservedBytes() - slab[c].trim();
                }
            }
            t0 = System.nanoTime();
            for (int id = 0; id < blocks; id++) {
                long p = addr[id];
                if (p == 0) {
                    continue;
                }
                if (!checkPattern(p, t.blockSize(id), born[id], full)) {
                    throw mismatch(t, n, "Java-driven", slabs);
                }
                if (cls[id] == SYSTEM) {
                    SystemAllocator.free(p);
                } else {
                    slab[cls[id]].deallocate(p);
                }
                addr[id] = 0;
            }
            run.nanos = loop + System.nanoTime() - t0;
            return run;
        } catch (OutOfMemoryError e) {
            throw new ReplayException(t.name() + ": Java-driven replay through "
                    + (slabs ? "slabbin" : "malloc") + " ran out of memory: " + e.getMessage());
        } finally {
            for (int id = 0; id < blocks; id++) {
                if (addr[id] != 0 && cls[id] == SYSTEM) {
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

    /** Slots per slab for a class: about 64 KiB per slab, as the C driver does. */
    static int slabCapacity(int classSize) {
        long stride = SlotLayout.of(classSize, SizeClasses.ALIGNMENT).stride();
        return (int) Math.max(1, SlabAllocator.DEFAULT_SLAB_BYTES / stride);
    }

    private ReplayException mismatch(Trace t, int event, String driver, boolean slabs) {
        String where = event < t.eventCount()
                ? "event " + event + " (line " + t.line(event) + ")"
                : "the final check of blocks live at the end";
        return new ReplayException(t.name() + ": " + driver + " replay through "
                + (slabs ? "slabbin" : "malloc") + ": pattern mismatch at " + where
                + ": a block's bytes changed while it was live (overlapping slots?)");
    }

    // ------------------------------------------------------------------------------- patterns

    static long patternOf(long event) {
        long x = (event + 1) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 31);
    }

    private static void putPattern(long p, long size, long event, boolean full) {
        long pat = patternOf(event);
        if (full) {
            long i = 0;
            for (; i + 8 <= size; i += 8) {
                U.putLong(p + i, pat + i);
            }
            for (; i < size; i++) {
                U.putByte(p + i, (byte) (pat >>> (8 * (i & 7))));
            }
        } else if (size >= 8) {
            U.putLong(p, pat);
            U.putLong(p + size - 8, ~pat);
        } else {
            for (long i = 0; i < size; i++) {
                U.putByte(p + i, (byte) (pat >>> (8 * i)));
            }
        }
    }

    private static boolean checkPattern(long p, long size, long event, boolean full) {
        long pat = patternOf(event);
        if (full) {
            long i = 0;
            for (; i + 8 <= size; i += 8) {
                if (U.getLong(p + i) != pat + i) {
                    return false;
                }
            }
            for (; i < size; i++) {
                if (U.getByte(p + i) != (byte) (pat >>> (8 * (i & 7)))) {
                    return false;
                }
            }
            return true;
        }
        if (size >= 8) {
            return U.getLong(p + size - 8) == ~pat && (size < 16 || U.getLong(p) == pat);
        }
        for (long i = 0; i < size; i++) {
            if (U.getByte(p + i) != (byte) (pat >>> (8 * i))) {
                return false;
            }
        }
        return true;
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Routing figures of a trace under a set of classes (independent of the allocator). */
    static final class Routing {
        long requests;
        long slabRequests;
        long bytes;
        long slabBytes;
        long peakLiveSlabBytes;

        static Routing of(Trace t, SizeClasses classes) {
            Routing r = new Routing();
            long live = 0;
            for (int i = 0; i < t.eventCount(); i++) {
                byte op = t.op(i);
                if (op == Trace.REALLOC) {
                    long old = t.blockSize(t.oldId(i));
                    if (classes.classOf(old) >= 0) {
                        live -= old;
                    }
                }
                if (op == Trace.FREE) {
                    long size = t.blockSize(t.id(i));
                    if (classes.classOf(size) >= 0) {
                        live -= size;
                    }
                    continue;
                }
                long size = t.size(i);
                r.requests++;
                r.bytes += size;
                if (classes.classOf(size) >= 0) {
                    r.slabRequests++;
                    r.slabBytes += size;
                    live += size;
                    r.peakLiveSlabBytes = Math.max(r.peakLiveSlabBytes, live);
                }
            }
            return r;
        }
    }
}

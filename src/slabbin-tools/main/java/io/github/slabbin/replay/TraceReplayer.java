package io.github.slabbin.replay;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Replays a {@link Trace} through slabbin and through the system allocator, with two drivers:
 * <ul>
 *   <li><b>Java-driven</b> ({@link JavaDriver}): the loop in Java, one allocator call per event:
 *       slabbin through {@link io.github.slabbin.SlabAllocator} (checked mode), the system
 *       allocator through {@link io.github.slabbin.peers.SystemAllocator} — each one JNI
 *       crossing — plus one call into the replay contract for the block's pattern;</li>
 *   <li><b>C-driven</b>: the same events copied into C arrays once and replayed by a C loop
 *       through the C core or {@code malloc}/{@code free} (no JVM in the loop).</li>
 * </ul>
 * What a replay does is defined once, in C ({@code native/replay/replay.h}), and both drivers
 * follow it: requests up to {@link SizeClasses#limit()} bytes go to the slab allocator of their
 * size class (one allocator per class, slots aligned to 16 bytes, slabs of about 64 KiB); larger
 * ones go to the system allocator in both runs. A realloc within a class keeps the slot; across
 * classes it allocates, copies {@code min(old, new)} bytes and frees. In the system run every
 * request goes to {@code malloc}/{@code realloc}/{@code free}.
 *
 * <p>Every block gets a pattern derived from the number of the event that allocated it — its
 * first and last 8 bytes ({@link Verify#ENDS}) or every byte ({@link Verify#FULL}) — written on
 * allocation and checked before the block is freed or moved; a mismatch (overlapping slots, a lost
 * byte) makes the run fail with the event number. Blocks still live after the last event are
 * checked and freed at the end; just before that every slab allocator is trimmed. The Java- and
 * C-driven slab runs must end with the same reserved bytes, before and after trimming.
 *
 * <p>Slabs grow when {@link #growth(long)} sets a first slab size (both drivers: the first slab
 * of each class holds about that many bytes, each next one doubles up to about 64 KiB).
 * Memory is measured apart from time: one untimed C-driven run per allocator adds up, after every
 * event, the bytes reserved by slabs and the chunk bytes of the blocks live in the system
 * allocator ({@code REPLAY_FOOTPRINT} in {@code replay.h}).
 *
 * <p>Each combination of driver and allocator is measured as its {@link Calibration} says
 * (by default exactly {@code repeats} timed runs after {@code warmups} untimed ones); the report
 * gives the median, the range and a confidence interval. Not thread-safe: use one replayer per
 * thread.
 */
public final class TraceReplayer {
    /** How much of each block the pattern covers. */
    public enum Verify {
        /** The first and last 8 bytes (all bytes of blocks under 8 bytes). */
        ENDS,
        /** Every byte. */
        FULL
    }

    /** One run's figures, from either driver. */
    static final class Run {
        long nanos;
        long reservedPeak;
        long reservedAfterTrim;
        /** Peak of slab bytes plus the system allocator's live chunk bytes (footprint runs). */
        long peakFootprint;
        /** Slabs per class (Java driver only). */
        int[] slabsPerClass;
    }

    private final SizeClasses classes;
    private final ReplayPlan.ClassTables tables;
    private final Verify verify;
    private Calibration calibration;
    private long initialSlabBytes;
    private IntConsumer progress = step -> { };
    private Listener listener = (combination, runs) -> { };

    /** Receives every run of a replay. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called after every run, warm-up or timed.
         *
         * @param combination 0..3: Java-driven slabbin, Java-driven malloc, C-driven slabbin,
         *                    C-driven malloc (see {@link #COMBINATIONS})
         * @param runs        runs of this combination so far
         */
        void ran(int combination, int runs);
    }

    /** Names of the combinations of driver and allocator, in the order they run. */
    public static final List<String> COMBINATIONS = List.of(
            "Java-driven slabbin", "Java-driven malloc", "C-driven slabbin", "C-driven malloc");

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
        this.tables = new ReplayPlan.ClassTables(classes);
        this.verify = Objects.requireNonNull(verify, "verify");
        if (repeats < 1 || warmups < 0) {
            throw new IllegalArgumentException("repeats must be >= 1 and warmups >= 0, got "
                    + repeats + " and " + warmups);
        }
        this.calibration = Calibration.fixed(repeats, warmups);
    }

    /**
     * Measures each combination as {@code c} says instead of the fixed counts of the
     * constructor.
     *
     * @param c the calibration, not null
     * @return this replayer
     */
    public TraceReplayer calibration(Calibration c) {
        this.calibration = Objects.requireNonNull(c, "calibration");
        return this;
    }

    /**
     * Lets slabs grow: the first slab of each class holds about {@code initialSlabBytes} bytes
     * (at least one slot), each next one twice the last, up to the slab capacity (about 64 KiB).
     *
     * @param initialSlabBytes bytes, 0 (no growth, the default: every slab about 64 KiB) or more
     * @return this replayer
     * @throws IllegalArgumentException if {@code initialSlabBytes < 0}
     */
    public TraceReplayer growth(long initialSlabBytes) {
        if (initialSlabBytes < 0) {
            throw new IllegalArgumentException("initialSlabBytes must be >= 0, got "
                    + initialSlabBytes);
        }
        this.initialSlabBytes = initialSlabBytes;
        return this;
    }

    /**
     * Calls {@code l} after every run with the combination and its runs so far.
     *
     * @param l the listener, not null
     * @return this replayer
     */
    public TraceReplayer onRun(Listener l) {
        this.listener = Objects.requireNonNull(l, "listener");
        return this;
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
     * Runs per trace: (warm-ups + repeats) for each of 4 combinations of driver and allocator;
     * with a {@link #calibration(Calibration)} that runs longer, the least number.
     *
     * @return the count
     */
    public int runsPerTrace() {
        return 4 * (calibration.minWarmups() + calibration.minRuns());
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
        boolean full = verify == Verify.FULL;
        int[] done = {0};
        Timing[] timing = new Timing[COMBINATIONS.size()];
        Run[] last = new Run[COMBINATIONS.size()];
        Routing routing;
        Run slabFootprint;
        Run systemFootprint;
        long handle = prepare(trace);
        try {
            ReplayPlan slabPlan = ReplayPlan.of(trace, handle, tables, true);
            ReplayPlan systemPlan = ReplayPlan.of(trace, handle, tables, false);
            routing = Routing.of(trace, slabPlan, classes);
            slabFootprint = runC(trace, handle, true, NativeReplay.FOOTPRINT);
            systemFootprint = runC(trace, handle, false, NativeReplay.FOOTPRINT);
            int flags = full ? NativeReplay.FULL : 0;
            for (int combo = 0; combo < timing.length; combo++) {
                boolean javaDriver = combo < 2;
                boolean slabs = combo % 2 == 0;
                int c = combo;
                timing[combo] = calibration.measure(() -> {
                    last[c] = javaDriver
                            ? new JavaDriver(trace, slabs ? slabPlan : systemPlan, classes, slabs,
                                    full, initialSlabBytes).run()
                            : runC(trace, handle, slabs, flags);
                    return last[c].nanos;
                }, trace.eventCount(), runs -> {
                    listener.ran(c, runs);
                    progress.accept(++done[0]);
                });
            }
        } finally {
            NativeReplay.release(handle);
        }
        // Both drivers send the same events through the same core: their slabs must agree.
        Run slabRun = last[0];
        for (Run other : new Run[] {last[2], slabFootprint}) {
            if (slabRun.reservedPeak != other.reservedPeak
                    || slabRun.reservedAfterTrim != other.reservedAfterTrim) {
                throw new ReplayException(trace.name() + ": Java- and C-driven slab runs disagree:"
                        + " reserved " + slabRun.reservedPeak + " vs " + other.reservedPeak
                        + " bytes, after trim " + slabRun.reservedAfterTrim + " vs "
                        + other.reservedAfterTrim);
            }
        }
        return new ReplayReport(trace.name(), trace.eventCount(), trace.allocations(),
                trace.frees(), trace.reallocs(), trace.unmatchedFrees(),
                trace.unmatchedReallocs(), trace.liveAtEnd(), routing.slabRequests,
                routing.requests, routing.slabBytes, routing.bytes, trace.peakLiveBytes(),
                routing.peakLiveSlabBytes, routing.peakLiveSlotBytes, slabRun.reservedPeak,
                slabRun.reservedAfterTrim, slabFootprint.peakFootprint,
                systemFootprint.peakFootprint, initialSlabBytes, slabRun.slabsPerClass,
                classes.classSizes(), timing[0], timing[1], timing[2], timing[3],
                timing[0].runs(), timing[0].warmups(), verify.name().toLowerCase(Locale.ROOT));
    }

    private static long prepare(Trace t) {
        long h = NativeReplay.prepare(t.ops(), t.ids(), t.oldIds(), t.sizes(), t.eventCount(),
                t.blockCount());
        if (h == 0) {
            throw new ReplayException(t.name() + ": out of native memory for the decoded trace");
        }
        return h;
    }

    /** The C driver: one run of {@code replay_run} with {@code NativeReplay} flags. */
    private Run runC(Trace t, long handle, boolean slabs, int flags) {
        long[] r = new long[7];
        int rc = NativeReplay.run(handle, tables.sizes, tables.classOf, tables.limit,
                initialSlabBytes, slabs ? NativeReplay.SLABS : NativeReplay.MALLOC, flags, r);
        String what = "C-driven replay through " + (slabs ? "slabbin" : "malloc");
        if (rc != 0) {
            throw new ReplayException(t.name() + ": " + what + " failed: "
                    + (rc == -2 ? "out of memory" : "invalid argument"));
        }
        if (r[1] >= 0) {
            throw mismatch(t, (int) r[1], what);
        }
        Run run = new Run();
        run.nanos = r[0];
        run.reservedPeak = r[2];
        run.reservedAfterTrim = r[3];
        run.peakFootprint = r[5];
        return run;
    }

    /**
     * The failure of a block's pattern check.
     *
     * @param t     the trace
     * @param event the event whose check failed, or the event count for the final check
     * @param what  which driver and allocator, e.g. "C-driven replay through slabbin"
     * @return the exception to throw
     */
    static ReplayException mismatch(Trace t, int event, String what) {
        String where = event < t.eventCount()
                ? "event " + event + " (line " + t.line(event) + ")"
                : "the final check of blocks live at the end";
        return new ReplayException(t.name() + ": " + what + ": pattern mismatch at " + where
                + ": a block's bytes changed while it was live (overlapping slots?)");
    }
}

package io.github.slabbin.replay;

import java.util.Objects;

/**
 * The C-driven replay of one trace through the process's {@code malloc}, through checked slabbin
 * and through unchecked slabbin ({@code SLABBIN_UNCHECKED} slab allocators), in this process: with
 * a preloaded allocator (jemalloc, mimalloc under {@code LD_PRELOAD}) {@code malloc} is that one,
 * and it also serves slabbin's requests above the size classes. The three runs alternate (warm-ups
 * first, then one timed run of each per round), so that drift of the machine hits all three alike.
 * Every block's pattern is checked as in {@link TraceReplayer}.
 */
public final class CDrivenComparison {
    /** Allocators compared, in {@code NativeReplay.run} numbering. */
    private static final int[] MODES = {NativeReplay.MALLOC, NativeReplay.SLABS,
        NativeReplay.SLABS_UNCHECKED};
    private static final String[] NAMES = {"malloc", "slabbin", "unchecked slabbin"};

    /**
     * The times of one trace.
     *
     * @param trace     the trace's name
     * @param events    events per run
     * @param malloc    the process's malloc
     * @param checked   slabbin, checked slab allocators
     * @param unchecked slabbin, unchecked slab allocators
     */
    public record Result(String trace, int events, Timing malloc, Timing checked,
                         Timing unchecked) {
        /**
         * Checked slabbin's median time over malloc's.
         *
         * @return the ratio (below 1: slabbin faster)
         */
        public double checkedRatio() {
            return checked.medianNanos() / (double) Math.max(1, malloc.medianNanos());
        }

        /**
         * Unchecked slabbin's median time over malloc's.
         *
         * @return the ratio (below 1: slabbin faster)
         */
        public double uncheckedRatio() {
            return unchecked.medianNanos() / (double) Math.max(1, malloc.medianNanos());
        }
    }

    private CDrivenComparison() {}

    /**
     * Replays a trace through the three allocators.
     *
     * @param trace   the trace, not null
     * @param classes the size classes, not null
     * @param initialSlabBytes bytes of each class's first slab (slabs double from there), 0 for
     *                slabs that do not grow
     * @param verify  pattern coverage, not null
     * @param repeats timed runs per allocator, 1 or more
     * @param warmups untimed runs per allocator before them, 0 or more
     * @return the times
     * @throws IllegalArgumentException if {@code repeats < 1} or {@code warmups < 0}
     * @throws ReplayException if a pattern did not survive or an allocator refused memory
     */
    public static Result measure(Trace trace, SizeClasses classes, long initialSlabBytes,
                                 TraceReplayer.Verify verify, int repeats, int warmups) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(verify, "verify");
        if (repeats < 1 || warmups < 0) {
            throw new IllegalArgumentException("repeats must be >= 1 and warmups >= 0, got "
                    + repeats + " and " + warmups);
        }
        ReplayPlan.ClassTables tables = new ReplayPlan.ClassTables(classes);
        int flags = verify == TraceReplayer.Verify.FULL ? NativeReplay.FULL : 0;
        long[][] nanos = new long[MODES.length][repeats];
        long handle = NativeReplay.prepare(trace.ops(), trace.ids(), trace.oldIds(),
                trace.sizes(), trace.eventCount(), trace.blockCount());
        if (handle == 0) {
            throw new ReplayException(trace.name() + ": out of native memory for the decoded"
                    + " trace");
        }
        try {
            long[] r = new long[7];
            for (int round = 0; round < warmups + repeats; round++) {
                for (int m = 0; m < MODES.length; m++) {
                    int rc = NativeReplay.run(handle, tables.sizes, tables.classOf,
                            tables.limit, initialSlabBytes, MODES[m], flags, r);
                    String what = "C-driven replay through " + NAMES[m];
                    if (rc != 0) {
                        throw new ReplayException(trace.name() + ": " + what + " failed: "
                                + (rc == -2 ? "out of memory" : "invalid argument"));
                    }
                    if (r[1] >= 0) {
                        throw TraceReplayer.mismatch(trace, (int) r[1], what);
                    }
                    if (round >= warmups) {
                        nanos[m][round - warmups] = r[0];
                    }
                }
            }
        } finally {
            NativeReplay.release(handle);
        }
        int n = trace.eventCount();
        return new Result(trace.name(), n, Timing.of(nanos[0], n), Timing.of(nanos[1], n),
                Timing.of(nanos[2], n));
    }
}

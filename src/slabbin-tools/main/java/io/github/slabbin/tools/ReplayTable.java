package io.github.slabbin.tools;

import io.github.slabbin.replay.Calibration;
import io.github.slabbin.replay.ReplayReport;
import io.github.slabbin.replay.SizeClasses;
import io.github.slabbin.replay.Timing;
import io.github.slabbin.replay.TraceReplayer;
import java.io.PrintStream;
import java.util.List;

/**
 * The replay's table on standard output: one row per input in every section (a refused or failed
 * input gets its error in its row), then the notes. The columns are explained in the README
 * ("Replay your own workload").
 */
final class ReplayTable {
    private ReplayTable() {}

    /** One input's row: its report, or its error. */
    record Row(String trace, ReplayReport report, String error) {}

    /**
     * Prints the table.
     *
     * @param out              where to
     * @param rows             one per input, in order
     * @param classes          the size classes
     * @param mode             the pattern coverage
     * @param calibration      how each combination was measured
     * @param initialSlabBytes the first slab size, 0 for no growth
     */
    static void print(PrintStream out, List<Row> rows, SizeClasses classes,
                      TraceReplayer.Verify mode, Calibration calibration, long initialSlabBytes) {
        line(out, "slabbin replay: %d trace%s, every block verified (%s)", rows.size(),
                rows.size() == 1 ? "" : "s",
                mode == TraceReplayer.Verify.FULL ? "every byte" : "first and last 8 bytes");
        out.println(describe(calibration));
        out.println(describeSlabs(initialSlabBytes));
        out.println(classes);
        out.println();
        line(out, "%-22s %9s %9s %9s %8s %9s %17s", "trace", "events", "allocs", "frees",
                "reallocs", "unmatched", "slab share req/B");
        for (Row row : rows) {
            ReplayReport r = row.report();
            if (r == null) {
                line(out, "%-22s ERROR: %s", row.trace(), row.error());
                continue;
            }
            line(out, "%-22s %,9d %,9d %,9d %,8d %,9d %7.1f%% /%6.1f%%", r.trace(), r.events(),
                    r.allocations(), r.frees(), r.reallocs(), r.unmatchedFrees(),
                    100 * r.slabRequestShare(), 100 * r.slabByteShare());
        }
        List<ReplayReport> reports = rows.stream().map(Row::report)
                .filter(r -> r != null).toList();
        if (reports.isEmpty()) {
            return;
        }
        out.println();
        line(out, "%-22s %-38s  %-38s", "", "  Java-driven, ns/event, ratio interval",
                "  C-driven, ns/event, ratio interval");
        line(out, "%-22s %8s %8s %6s %-12s  %8s %8s %6s %-12s", "trace", "slabbin",
                "malloc", "ratio", "", "slabbin", "malloc", "ratio", "");
        boolean undecided = false;
        boolean unsettled = false;
        for (ReplayReport r : reports) {
            line(out, "%-22s %8.1f %8.1f %5.2fx %-12s  %8.1f %8.1f %5.2fx %-12s", r.trace(),
                    r.javaSlabbin().nsPerEvent(), r.javaSystem().nsPerEvent(), r.javaRatio(),
                    interval(r.javaRatioLow(), r.javaRatioHigh(), r.javaSlabbin(),
                            r.javaSystem()),
                    r.cSlabbin().nsPerEvent(), r.cSystem().nsPerEvent(), r.cRatio(),
                    interval(r.cRatioLow(), r.cRatioHigh(), r.cSlabbin(), r.cSystem()));
            undecided |= !ReplayReport.decided(r.javaRatioLow(), r.javaRatioHigh())
                    || !ReplayReport.decided(r.cRatioLow(), r.cRatioHigh());
            unsettled |= !(r.javaSlabbin().settled() && r.javaSystem().settled()
                    && r.cSlabbin().settled() && r.cSystem().settled());
        }
        out.println();
        line(out, "%-22s %12s %12s %12s %9s %9s %9s %12s", "trace", "peak live",
                "peak live", "peak slab", "class", "slab", "overall", "reserved");
        line(out, "%-22s %12s %12s %12s %9s %9s %9s %12s", "", "(in classes)", "slots",
                "reserved", "rounding", "overhead", "overhead", "after trim");
        for (ReplayReport r : reports) {
            line(out, "%-22s %12s %12s %12s %8.2fx %8.2fx %8.2fx %12s", r.trace(),
                    bytes(r.peakLiveSlabBytes()), bytes(r.peakLiveSlotBytes()),
                    bytes(r.peakReservedBytes()), r.classRounding(), r.slabOverhead(),
                    r.overhead(), bytes(r.reservedAfterTrimBytes()));
        }
        out.println();
        line(out, "%-22s %12s %12s %12s %9s", "trace", "peak live", "slabbin", "malloc",
                "footprint");
        line(out, "%-22s %12s %12s %12s %9s", "", "(all)", "footprint", "footprint",
                "ratio");
        for (ReplayReport r : reports) {
            line(out, "%-22s %12s %12s %12s %8.2fx", r.trace(), bytes(r.peakLiveBytes()),
                    bytes(r.peakFootprintBytes()), bytes(r.systemFootprintBytes()),
                    r.footprintRatio());
        }
        out.println();
        for (ReplayReport r : reports) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < r.slabsPerClass().length; c++) {
                if (r.slabsPerClass()[c] > 0) {
                    sb.append(' ').append(r.classSizes()[c]).append(':')
                            .append(r.slabsPerClass()[c]);
                }
            }
            line(out, "slabs per class (bytes:slabs) %s:%s", r.trace(), sb);
        }
        out.println();
        out.println("ratio = slabbin / malloc time (below 1: slabbin faster); its interval runs"
                + " from slabbin's low / malloc's high to slabbin's high / malloc's low (95%"
                + " intervals of the medians).");
        if (undecided) {
            out.println("~ the interval holds 1: too close or too noisy to call a winner (a"
                    + " longer run, --min-time, narrows it).");
        }
        if (unsettled) {
            out.println("! a warm-up did not settle within --max-warmup: its times may still"
                    + " include JIT compilation or other load (see the runs below).");
        }
        out.println("Times include writing and checking each block's pattern. Java-driven: per"
                + " event one JNI call into the allocator and one into the replay contract for"
                + " the pattern, for both allocators.");
        out.println("Footprint: slabbin's slabs plus malloc's chunks of the larger blocks;"
                + " malloc's: its chunks (malloc_usable_size + 8 bytes per live block), peaks"
                + " over the trace.");
        for (ReplayReport r : reports) {
            line(out, "%s: Java slabbin %s, malloc %s; C slabbin %s, malloc %s", r.trace(),
                    range(r.javaSlabbin()), range(r.javaSystem()), range(r.cSlabbin()),
                    range(r.cSystem()));
        }
    }

    /** Prints one formatted line without trailing blanks. */
    private static void line(PrintStream out, String format, Object... args) {
        out.println(String.format(format, args).stripTrailing());
    }

    /** The growth rule in one line. */
    static String describeSlabs(long initialSlabBytes) {
        return initialSlabBytes == 0 ? "slabs: every slab about 64 KiB (no growth)"
                : "slabs: the first of each class about " + bytes(initialSlabBytes)
                        + ", each next twice as large, up to about 64 KiB";
    }

    /** The timing rule in one line. */
    static String describe(Calibration c) {
        String runs = "at least " + c.minRuns() + " timed run" + (c.minRuns() == 1 ? "" : "s")
                + (c.minNanos() > 0 ? String.format(" and %.1f s", c.minNanos() / 1e9) : "");
        String warm = c.checksSettling()
                ? String.format("after at least %d warm-up run%s, more until %d runs settle"
                        + " within %.0f%% (at most %.1f s)", c.minWarmups(),
                        c.minWarmups() == 1 ? "" : "s", Calibration.SETTLE_WINDOW,
                        100 * c.settle(), c.maxWarmupNanos() / 1e9)
                : String.format("after %d warm-up run%s", c.minWarmups(),
                        c.minWarmups() == 1 ? "" : "s");
        return "timing: per trace, driver and allocator " + runs + " " + warm
                + "; median and its 95% interval";
    }

    /** A ratio's interval, with ~ when it holds 1 and ! when a warm-up did not settle. */
    private static String interval(double low, double high, Timing slabbin, Timing system) {
        return String.format("%.2f-%.2f%s%s", low, high,
                ReplayReport.decided(low, high) ? "" : "~",
                slabbin.settled() && system.settled() ? "" : "!");
    }

    private static String range(Timing t) {
        return String.format("%.2f-%.2f ms (±%.1f%%, %d runs after %d warm-up%s%s)",
                t.minNanos() / 1e6, t.maxNanos() / 1e6, 100 * t.relativeInterval(), t.runs(),
                t.warmups(), t.warmups() == 1 ? "" : "s", t.settled() ? "" : ", not settled");
    }

    static String bytes(long b) {
        if (b < 10 * 1024) {
            return b + " B";
        }
        if (b < 10L * 1024 * 1024) {
            return String.format("%.1f KiB", b / 1024.0);
        }
        return String.format("%.1f MiB", b / (1024.0 * 1024));
    }
}

package io.github.slabbin.tools;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.slabbin.replay.BundledTraces;
import io.github.slabbin.replay.MtraceParser;
import io.github.slabbin.replay.ReplayException;
import io.github.slabbin.replay.ReplayReport;
import io.github.slabbin.replay.SizeClasses;
import io.github.slabbin.replay.Timing;
import io.github.slabbin.replay.Trace;
import io.github.slabbin.replay.TraceFormatException;
import io.github.slabbin.replay.TraceInputs;
import io.github.slabbin.replay.TraceReplayer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code slabbin replay [TRACE...]}: replays allocation traces (glibc mtrace format, plain or
 * gzip) through slabbin and the system allocator, Java-driven and C-driven, checks every block's
 * bytes, and prints a table (and JSON with {@code --json}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay allocation traces (glibc mtrace format, plain or gzip) through"
                + " slabbin and the system allocator; verify every block and compare times.",
                "Without TRACE, the bundled traces of jq, perl and sqlite3 are replayed."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every replay passed its checks",
                "1:a replay failed (pattern mismatch, out of memory)",
                "2:bad usage or a malformed or unreadable trace"})
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "TRACE", description = "mtrace files to replay,"
            + " or directories of them (*.mtrace, *.mtrace.gz: one trace per process, as"
            + " scripts/record-trace writes).")
    List<Path> traces = new ArrayList<>();

    @Option(names = "--repeat", paramLabel = "N",
            description = "Timed runs per allocator and driver; the median is reported"
                    + " (default: ${DEFAULT-VALUE}).")
    int repeat = 5;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Untimed runs before them (default: ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--verify", paramLabel = "ends|full",
            description = "Pattern per block: first and last 8 bytes, or every byte"
                    + " (default: ${DEFAULT-VALUE}).")
    String verify = "ends";

    @Option(names = "--classes", paramLabel = "B,B,...", split = ",",
            description = "Size classes in bytes, increasing multiples of 16 (default: 16-256"
                    + " step 16, then coarser to 4096).")
    int[] classSizes;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the figures as JSON to FILE ('-' for standard output,"
                    + " instead of the table).")
    String json;

    @Option(names = "--system", paramLabel = "A,A,...", split = ",",
            description = "Also replay C-driven in one process per system allocator, each"
                    + " preloaded: glibc, jemalloc, mimalloc, tcmalloc or NAME=/path/lib.so;"
                    + " malloc, checked and unchecked slabbin timed in each (a table of its own,"
                    + " not in --json).")
    List<String> systems;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        TraceReplayer.Verify mode;
        SizeClasses classes;
        try {
            mode = TraceReplayer.Verify.valueOf(verify.toUpperCase(Locale.ROOT));
            classes = classSizes == null ? SizeClasses.defaults() : SizeClasses.of(classSizes);
            if (repeat < 1 || warmup < 0) {
                throw new IllegalArgumentException("--repeat must be >= 1 and --warmup >= 0");
            }
        } catch (IllegalArgumentException e) {
            err.println("slabbin replay: " + e.getMessage());
            return 2;
        }
        List<SystemAllocators.Choice> choices = List.of();
        if (systems != null) {
            try {
                choices = SystemAllocators.resolve(systems, err);
            } catch (IllegalArgumentException e) {
                err.println("slabbin replay: " + e.getMessage());
                return 2;
            }
        }
        // Parse every input first: a malformed trace stops everything before any result.
        List<Trace> loaded = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            if (traces.isEmpty()) {
                for (String name : BundledTraces.names()) {
                    loaded.add(BundledTraces.load(name));
                }
            } else {
                files = TraceInputs.expand(traces);
                for (Path p : files) {
                    loaded.add(MtraceParser.parse(p));
                }
            }
        } catch (TraceFormatException e) {
            err.println("slabbin replay: malformed trace: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("slabbin replay: cannot read trace: " + e);
            return 2;
        }

        TraceReplayer replayer = new TraceReplayer(classes, mode, repeat, warmup);
        Progress progress = new Progress(err, loaded.size() * replayer.runsPerTrace());
        List<ReplayReport> reports = new ArrayList<>();
        try {
            for (Trace t : loaded) {
                int base = reports.size() * replayer.runsPerTrace();
                replayer.onProgress(done -> progress.show(base + done, t.name()));
                reports.add(replayer.replay(t));
            }
        } catch (ReplayException e) {
            progress.clear();
            err.println("slabbin replay: FAILED: " + e.getMessage());
            return 1;
        }
        progress.clear();

        boolean jsonToStdout = "-".equals(json);
        if (!jsonToStdout) {
            printTable(out, reports, classes, mode);
        }
        if (json != null) {
            String text = toJson(reports, classes);
            if (jsonToStdout) {
                out.println(text);
            } else {
                try (Writer w = Files.newBufferedWriter(Path.of(json), StandardCharsets.UTF_8)) {
                    w.write(text);
                    w.write('\n');
                } catch (IOException e) {
                    err.println("slabbin replay: cannot write " + json + ": " + e);
                    return 2;
                }
            }
        }
        return systems == null ? 0 : compareSystems(out, err, choices, files);
    }

    /** {@code --system}: one process per allocator, then their table (see SystemAllocators). */
    private int compareSystems(PrintStream out, PrintStream err,
                               List<SystemAllocators.Choice> choices, List<Path> files) {
        List<String> head = List.of(Integer.toString(repeat), Integer.toString(warmup), verify,
                classSizes == null ? "default" : String.join(",",
                        java.util.Arrays.stream(classSizes).mapToObj(Integer::toString).toList()));
        List<String> args = files.stream().map(p -> p.toAbsolutePath().toString()).toList();
        List<SystemAllocators.Row> rows = new ArrayList<>();
        try {
            for (SystemAllocators.Choice c : choices) {
                rows.addAll(SystemAllocators.measure(c, head, args));
            }
        } catch (IOException e) {
            err.println("slabbin replay: --system: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (!"-".equals(json)) {
            SystemAllocators.printTable(out, rows);
        }
        return 0;
    }

    static void printTable(PrintStream out, List<ReplayReport> reports, SizeClasses classes,
                           TraceReplayer.Verify mode) {
        ReplayReport first = reports.get(0);
        out.printf("slabbin replay: %d trace%s, every block verified (%s), median of %d runs"
                + " after %d warm-up%s%n", reports.size(), reports.size() == 1 ? "" : "s",
                mode == TraceReplayer.Verify.FULL ? "every byte" : "first and last 8 bytes",
                first.repeats(), first.warmups(), first.warmups() == 1 ? "" : "s");
        out.println(classes);
        out.println();
        out.printf("%-22s %9s %9s %9s %8s %9s %17s%n", "trace", "events", "allocs", "frees",
                "reallocs", "unmatched", "slab share req/B");
        for (ReplayReport r : reports) {
            out.printf("%-22s %,9d %,9d %,9d %,8d %,9d %7.1f%% /%6.1f%%%n", r.trace(), r.events(),
                    r.allocations(), r.frees(), r.reallocs(), r.unmatchedFrees(),
                    100 * r.slabRequestShare(), 100 * r.slabByteShare());
        }
        out.println();
        out.printf("%-22s %24s   %24s%n", "", "Java-driven, ns/event", "C-driven, ns/event");
        out.printf("%-22s %8s %8s %6s   %8s %8s %6s%n", "trace", "slabbin", "malloc", "ratio",
                "slabbin", "malloc", "ratio");
        for (ReplayReport r : reports) {
            out.printf("%-22s %8.1f %8.1f %5.2fx   %8.1f %8.1f %5.2fx%n", r.trace(),
                    r.javaSlabbin().nsPerEvent(), r.javaSystem().nsPerEvent(), r.javaRatio(),
                    r.cSlabbin().nsPerEvent(), r.cSystem().nsPerEvent(), r.cRatio());
        }
        out.println();
        out.printf("%-22s %12s %12s %12s %9s %12s%n", "trace", "peak live", "peak live",
                "peak slab", "overhead", "reserved");
        out.printf("%-22s %12s %12s %12s %9s %12s%n", "", "(all)", "(in classes)", "reserved",
                "", "after trim");
        for (ReplayReport r : reports) {
            out.printf("%-22s %12s %12s %12s %8.2fx %12s%n", r.trace(), bytes(r.peakLiveBytes()),
                    bytes(r.peakLiveSlabBytes()), bytes(r.peakReservedBytes()), r.overhead(),
                    bytes(r.reservedAfterTrimBytes()));
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
            out.printf("slabs per class (bytes:slabs) %s:%s%n", r.trace(), sb);
        }
        out.println();
        out.println("ratio = slabbin / malloc time (below 1: slabbin faster). Times include"
                + " writing and checking each block's pattern. Java-driven: per event one JNI"
                + " call into the allocator and one into the replay contract for the pattern,"
                + " for both allocators.");
        for (ReplayReport r : reports) {
            out.printf("%s: Java slabbin %s, malloc %s; C slabbin %s, malloc %s (ms, min-max)%n",
                    r.trace(), range(r.javaSlabbin()), range(r.javaSystem()),
                    range(r.cSlabbin()), range(r.cSystem()));
        }
    }

    static String toJson(List<ReplayReport> reports, SizeClasses classes) {
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        JsonObject root = new JsonObject();
        root.addProperty("classes", classes.toString());
        JsonArray arr = new JsonArray();
        for (ReplayReport r : reports) {
            JsonObject o = gson.toJsonTree(r).getAsJsonObject();
            o.addProperty("javaRatio", r.javaRatio());
            o.addProperty("cRatio", r.cRatio());
            o.addProperty("overhead", r.overhead());
            o.addProperty("slabRequestShare", r.slabRequestShare());
            o.addProperty("slabByteShare", r.slabByteShare());
            arr.add(o);
        }
        root.add("traces", arr);
        return gson.toJson(root);
    }

    private static String range(Timing t) {
        return String.format("%.2f-%.2f", t.minNanos() / 1e6, t.maxNanos() / 1e6);
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

    /** A progress bar on standard error, only when the console is a terminal. */
    private static final class Progress {
        private final PrintStream err;
        private final int total;
        private final boolean enabled = System.console() != null;
        private boolean shown;

        Progress(PrintStream err, int total) {
            this.err = err;
            this.total = total;
        }

        void show(int done, String what) {
            if (!enabled) {
                return;
            }
            int width = 30;
            int filled = (int) ((long) done * width / Math.max(1, total));
            err.printf("\r[%s%s] %d/%d runs  %-24s", "#".repeat(filled), " ".repeat(width - filled),
                    done, total, what);
            err.flush();
            shown = true;
        }

        void clear() {
            if (shown) {
                err.print("\r" + " ".repeat(80) + "\r");
                err.flush();
            }
        }
    }
}

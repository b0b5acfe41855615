package io.github.slabbin.tools;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.slabbin.replay.Calibration;
import io.github.slabbin.replay.ReadFailure;
import io.github.slabbin.replay.ReplayException;
import io.github.slabbin.replay.ReplayReport;
import io.github.slabbin.replay.SizeClasses;
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
import picocli.CommandLine.Mixin;
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
                "2:bad usage, or a trace was malformed, unreadable or empty (the others are"
                        + " replayed all the same)"})
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "TRACE", description = "mtrace files to replay,"
            + " or directories of them (*.mtrace, *.mtrace.gz: one trace per process, as"
            + " scripts/record-trace writes).")
    List<Path> traces = new ArrayList<>();

    @Option(names = "--repeat", paramLabel = "N",
            description = "Timed runs at least per allocator and driver (more until --min-time);"
                    + " the median is reported (default: ${DEFAULT-VALUE}).")
    int repeat = 5;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Untimed runs at least before them (more until times settle, see"
                    + " --max-warmup) (default: ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--verify", paramLabel = "ends|full",
            description = "Pattern per block: first and last 8 bytes, or every byte"
                    + " (default: ${DEFAULT-VALUE}).")
    String verify = "ends";

    @Option(names = "--classes", paramLabel = "B,B,...", split = ",",
            description = "Size classes in bytes, increasing multiples of 16 (default: 16-512"
                    + " step 16, then coarser to 4096).")
    int[] classSizes;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the figures as JSON to FILE ('-' for standard output,"
                    + " instead of the table).")
    String json;

    @Mixin
    ReplayTuning tuning = new ReplayTuning();

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
        Calibration calibration;
        long firstSlab;
        try {
            mode = TraceReplayer.Verify.valueOf(verify.toUpperCase(Locale.ROOT));
            classes = classSizes == null ? SizeClasses.defaults() : SizeClasses.of(classSizes);
            calibration = tuning.calibration(repeat, warmup);
            firstSlab = tuning.initialSlabBytes();
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
        // Every input is read first; one that cannot be replayed gets its error in its row.
        List<TraceInput> inputs = TraceInput.load(traces);
        TraceReplayer replayer = new TraceReplayer(classes, mode, repeat, warmup)
                .calibration(calibration).growth(firstSlab);
        long work = 0;
        for (TraceInput in : inputs) {
            work += in.trace() == null ? 0 : 4L * in.trace().eventCount();
        }
        ProgressLine progress = new ProgressLine(err, !tuning.quiet && ProgressLine.terminal(),
                work);
        List<ReplayTable.Row> rows = new ArrayList<>();
        int exit = 0;
        for (int k = 0; k < inputs.size(); k++) {
            TraceInput in = inputs.get(k);
            if (in.trace() == null) {
                progress.clear();
                err.println("slabbin replay: " + in.name() + ": " + in.error());
                rows.add(new ReplayTable.Row(in.name(), null, in.error()));
                exit = Math.max(exit, 2);
                continue;
            }
            String label = (k + 1) + "/" + inputs.size() + " " + in.name();
            int[] step = {0};
            replayer.onRun((combination, runs) -> {
                if (combination != step[0]) {
                    progress.stepDone((long) (combination - step[0]) * in.trace().eventCount());
                    step[0] = combination;
                }
                progress.show(label, TraceReplayer.COMBINATIONS.get(combination), runs);
            });
            try {
                rows.add(new ReplayTable.Row(in.name(), replayer.replay(in.trace()), null));
            } catch (ReplayException e) {
                progress.clear();
                err.println("slabbin replay: FAILED: " + e.getMessage());
                rows.add(new ReplayTable.Row(in.name(), null, "FAILED: " + e.getMessage()));
                exit = 1;
            }
            progress.stepDone((long) (4 - step[0]) * in.trace().eventCount());
        }
        progress.clear();

        boolean jsonToStdout = "-".equals(json);
        if (!jsonToStdout) {
            ReplayTable.print(out, rows, classes, mode, calibration, firstSlab);
        }
        if (json != null) {
            String text = toJson(rows, classes, options(calibration, firstSlab));
            if (jsonToStdout) {
                out.println(text);
            } else {
                try (Writer w = Files.newBufferedWriter(Path.of(json), StandardCharsets.UTF_8)) {
                    w.write(text);
                    w.write('\n');
                } catch (IOException e) {
                    err.println("slabbin replay: cannot write " + json + ": "
                            + ReadFailure.describe(e));
                    return 2;
                }
            }
        }
        if (systems != null) {
            exit = Math.max(exit, compareSystems(out, err, choices, inputs, firstSlab));
        }
        return exit;
    }

    /** {@code --system}: one process per allocator, then their table (see SystemAllocators). */
    private int compareSystems(PrintStream out, PrintStream err,
                               List<SystemAllocators.Choice> choices, List<TraceInput> inputs,
                               long firstSlab) {
        List<String> head = List.of(Integer.toString(repeat), Integer.toString(warmup), verify,
                classSizes == null ? "default" : String.join(",",
                        java.util.Arrays.stream(classSizes).mapToObj(Integer::toString).toList()),
                Long.toString(firstSlab));
        List<String> args = inputs.stream().filter(in -> in.trace() != null && in.file() != null)
                .map(in -> in.file().toAbsolutePath().toString()).toList();
        if (args.isEmpty() && !traces.isEmpty()) {
            return 2;
        }
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

    /** The options of this run, for the JSON output. */
    private JsonObject options(Calibration c, long firstSlab) {
        JsonObject o = new JsonObject();
        o.addProperty("verify", verify);
        o.addProperty("classes", classSizes == null ? "default" : java.util.Arrays.toString(
                classSizes));
        o.addProperty("repeat", c.minRuns());
        o.addProperty("warmup", c.minWarmups());
        o.addProperty("minTimeSeconds", c.minNanos() / 1e9);
        o.addProperty("maxWarmupSeconds", c.maxWarmupNanos() / 1e9);
        o.addProperty("settlePercent", 100 * c.settle());
        o.addProperty("maxRuns", c.maxRuns());
        o.addProperty("firstSlabBytes", firstSlab);
        o.addProperty("growth", firstSlab > 0);
        return o;
    }

    static String toJson(List<ReplayTable.Row> rows, SizeClasses classes, JsonObject options) {
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        JsonObject root = new JsonObject();
        root.add("run", RunInfo.of(options));
        root.addProperty("classes", classes.toString());
        JsonArray arr = new JsonArray();
        JsonArray errors = new JsonArray();
        for (ReplayTable.Row row : rows) {
            ReplayReport r = row.report();
            if (r == null) {
                JsonObject e = new JsonObject();
                e.addProperty("trace", row.trace());
                e.addProperty("error", row.error());
                errors.add(e);
                continue;
            }
            JsonObject o = gson.toJsonTree(r).getAsJsonObject();
            o.addProperty("javaRatio", r.javaRatio());
            o.addProperty("javaRatioLow", r.javaRatioLow());
            o.addProperty("javaRatioHigh", r.javaRatioHigh());
            o.addProperty("cRatio", r.cRatio());
            o.addProperty("cRatioLow", r.cRatioLow());
            o.addProperty("cRatioHigh", r.cRatioHigh());
            o.addProperty("overhead", r.overhead());
            o.addProperty("slabOverhead", r.slabOverhead());
            o.addProperty("classRounding", r.classRounding());
            o.addProperty("footprintRatio", r.footprintRatio());
            o.addProperty("slabRequestShare", r.slabRequestShare());
            o.addProperty("slabByteShare", r.slabByteShare());
            arr.add(o);
        }
        root.add("traces", arr);
        root.add("errors", errors);
        return gson.toJson(root);
    }
}

package io.github.slabbin.tools.bench;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slabbin bench-report}: merges the results of the C benchmark ({@code slabbin_bench
 * --json}) and of the JMH benchmarks ({@code -rf json}) into one JSON document, and turns that
 * document into a markdown table and an SVG bar chart; prints the table and the performance
 * targets, met or missed. {@code scripts/bench} runs the benchmarks and then this command.
 *
 * <p>By concern: {@link BenchMerge} reads and merges the inputs and writes the JSON,
 * {@link BenchReport} holds the cases, ratios and targets, {@link BenchTable} writes the markdown
 * and {@link BenchChart} the chart (JFreeChart, drawn to SVG by JFreeSVG). Ratios compare cases of
 * the same invocation of {@code scripts/bench}.
 */
@Command(name = "bench-report", mixinStandardHelpOptions = true,
        description = {"Merge benchmark results (C: slabbin_bench --json; JMH: -rf json) into"
                + " bench.json, and write bench.md (a markdown table) and bench.svg (a bar chart)"
                + " from it; print the table and the performance targets.",
                "With --from, the merged JSON is read instead (the table and chart are redrawn)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:report written (whether the targets were met or not)",
                "2:bad usage, or an input that cannot be read or parsed"})
public final class BenchReportCommand implements Callable<Integer> {
    @Option(names = "--c", paramLabel = "FILE",
            description = "Results of the C benchmark (slabbin_bench --json FILE).")
    Path cInput;

    @Option(names = "--jmh", paramLabel = "FILE",
            description = "Results of a JMH run (-rf json -rff FILE); may be repeated.")
    List<Path> jmhInputs = new ArrayList<>();

    @Option(names = "--from", paramLabel = "FILE",
            description = "A merged bench.json written before, instead of --c and --jmh.")
    Path from;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR",
            description = "Where bench.json, bench.md and bench.svg go"
                    + " (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "bench");

    @Option(names = "--reference", paramLabel = "ID",
            description = "The case every ratio is taken against (default: ${DEFAULT-VALUE}).")
    String reference = BenchReport.DEFAULT_REFERENCE;

    @Option(names = "--date", paramLabel = "ISO-8601",
            description = "The date of the run to record (default: now, UTC).")
    String date;

    @Option(names = "--quick", description = "Record that the run was a short one (--quick).")
    boolean quick;

    @Override
    public Integer call() {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        BenchReport report;
        try {
            if (from != null) {
                if (cInput != null || !jmhInputs.isEmpty()) {
                    throw new IllegalArgumentException("--from excludes --c and --jmh");
                }
                report = BenchMerge.readMerged(JsonParser.parseString(Files.readString(from))
                        .getAsJsonObject());
            } else {
                if (cInput == null && jmhInputs.isEmpty()) {
                    throw new IllegalArgumentException("give --c and/or --jmh, or --from");
                }
                report = new BenchReport();
                report.date = date != null ? date
                        : ZonedDateTime.now(ZoneOffset.UTC).withNano(0)
                                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                report.quick = quick;
                report.reference = reference;
                if (cInput != null) {
                    BenchMerge.addC(report, JsonParser.parseString(Files.readString(cInput))
                            .getAsJsonObject());
                }
                for (Path p : jmhInputs) {
                    BenchMerge.addJmh(report,
                            JsonParser.parseString(Files.readString(p)).getAsJsonArray(),
                            p.getFileName().toString());
                }
                BenchMerge.describeMachine(report);
            }
            if (!reference.equals(BenchReport.DEFAULT_REFERENCE)) {
                report.reference = reference;
            }
            if (report.find(report.reference) == null) {
                throw new IllegalArgumentException("the reference case " + report.reference
                        + " is not among the results");
            }
        } catch (IOException e) {
            stderr.println("slabbin bench-report: cannot read input: " + e);
            return 2;
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException
                 | NullPointerException | UnsupportedOperationException e) {
            stderr.println("slabbin bench-report: " + e.getMessage());
            return 2;
        }
        report.sortCases();
        report.computeRatios();

        String table = BenchTable.markdown(report);
        try {
            Files.createDirectories(out);
            Path json = out.resolve("bench.json");
            if (from == null || !from.toAbsolutePath().normalize()
                    .equals(json.toAbsolutePath().normalize())) {
                Files.writeString(json, BenchMerge.toJson(report) + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(out.resolve("bench.md"), table, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("bench.svg"), BenchChart.svg(report),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            stderr.println("slabbin bench-report: cannot write to " + out + ": " + e);
            return 2;
        }
        stdout.print(table);
        stdout.println();
        stdout.println("Written: " + out.resolve("bench.json") + ", " + out.resolve("bench.md")
                + ", " + out.resolve("bench.svg"));
        return 0;
    }
}

package io.github.slabbin.tools;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code slabbin bench-report}: merges the results of the C benchmark ({@code slabbin_bench
 * --json}) and of the JMH benchmarks ({@code -rf json}) into one JSON document, and turns that
 * document into a markdown table and an SVG bar chart; prints the table and the performance
 * targets, met or missed. {@code scripts/bench} runs the benchmarks and then this command.
 *
 * <p>Every figure comes from the input files: a JMH case's value is JMH's score (the mean over
 * forks and iterations) with the minimum and maximum of its iterations; a C case's value is the
 * median over its runs, with their minimum and maximum. Ratios compare cases of the same
 * invocation of {@code scripts/bench}.
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
    /** The case every ratio is taken against, unless {@code --reference} names another. */
    public static final String DEFAULT_REFERENCE = "java.checkedPair";

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
    String reference = DEFAULT_REFERENCE;

    @Option(names = "--date", paramLabel = "ISO-8601",
            description = "The date of the run to record (default: now, UTC).")
    String date;

    @Option(names = "--quick", description = "Record that the run was a short one (--quick).")
    boolean quick;

    // ---------------------------------------------------------------------------------------
    // The cases: stable ids, labels and groups, in the order of the table and the chart.
    // ---------------------------------------------------------------------------------------

    /** Groups of cases, in display order. */
    enum Group {
        SLABBIN_JAVA("slabbin from Java (JNI)", "#1f77b4"),
        JVM_PEER("JVM peers", "#ff7f0e"),
        FFM("FFM (java.lang.foreign)", "#2ca02c"),
        C("C, no JVM", "#7f7f7f");

        final String title;
        final String color;

        Group(String title, String color) {
            this.title = title;
            this.color = color;
        }
    }

    private record Known(String id, String label, Group group) {}

    private static final List<Known> KNOWN = List.of(
            new Known("java.checkedPair", "slabbin checked, per-call pair", Group.SLABBIN_JAVA),
            new Known("java.uncheckedPair", "slabbin unchecked, per-call pair", Group.SLABBIN_JAVA),
            new Known("java.magazineCheckedPair", "slabbin checked, magazine 64",
                    Group.SLABBIN_JAVA),
            new Known("java.magazineUncheckedPair", "slabbin unchecked, magazine 64",
                    Group.SLABBIN_JAVA),
            new Known("java.batch64", "slabbin batch 64 (per slot)", Group.SLABBIN_JAVA),
            new Known("java.batch256", "slabbin batch 256 (per slot)", Group.SLABBIN_JAVA),
            new Known("java.batch64Unchecked", "slabbin unchecked batch 64 (per slot)",
                    Group.SLABBIN_JAVA),
            new Known("java.batch256Unchecked", "slabbin unchecked batch 256 (per slot)",
                    Group.SLABBIN_JAVA),
            new Known("java.jniNop", "empty JNI call (one call)", Group.JVM_PEER),
            new Known("java.systemAllocatorPair", "SystemAllocator malloc/free (JNI)",
                    Group.JVM_PEER),
            new Known("java.jnaPair", "JNA Native.malloc/free", Group.JVM_PEER),
            new Known("java.unsafePair", "Unsafe allocateMemory/freeMemory", Group.JVM_PEER),
            new Known("java.directBuffer", "ByteBuffer.allocateDirect (GC-freed)",
                    Group.JVM_PEER),
            new Known("ffm.mallocFree", "FFM downcalls malloc/free", Group.FFM),
            new Known("ffm.mallocFreeCritical", "FFM malloc/free, critical(false)", Group.FFM),
            new Known("ffm.confinedArena", "FFM Arena.ofConfined allocate+close", Group.FFM),
            new Known("c.pair.minimal_freelist", "C minimal free list", Group.C),
            new Known("c.pair.slabbin_checked", "C slabbin checked", Group.C),
            new Known("c.pair.slabbin_unchecked", "C slabbin unchecked", Group.C),
            new Known("c.pair.malloc", "C malloc/free", Group.C));

    private static final String C_FREELIST = "c.pair.minimal_freelist";

    /** One measured case. Ratios are filled by {@link Report#computeRatios()}. */
    static final class Case {
        final String id;
        final String label;
        final Group group;
        final double value;
        final double min;
        final double max;
        final int samples;
        final String source;
        final String detail;
        final String jdk;
        double vsReference = Double.NaN;
        double vsFreelist = Double.NaN;

        Case(String id, String label, Group group, double value, double min, double max,
             int samples, String source, String detail, String jdk) {
            this.id = id;
            this.label = label;
            this.group = group;
            this.value = value;
            this.min = min;
            this.max = max;
            this.samples = samples;
            this.source = source;
            this.detail = detail;
            this.jdk = jdk;
        }
    }

    /** A performance target: value = numerator / denominator (or an absolute time). */
    record Target(String name, double value, double limit, boolean atMost, String unit) {
        boolean measured() {
            return !Double.isNaN(value);
        }

        boolean met() {
            return measured() && (atMost ? value <= limit : value >= limit);
        }

        /** Positive: the share of the limit to spare; negative: the share missed by. */
        double margin() {
            return atMost ? 1 - value / limit : value / limit - 1;
        }

        String verdict() {
            if (!measured()) {
                return "not measured";
            }
            double m = Math.abs(margin()) * 100;
            if (met()) {
                return String.format(Locale.ROOT, "met (%s%s, %.0f%% %s)", fmt(value), unit, m,
                        atMost ? "under the limit" : "beyond the minimum");
            }
            return String.format(Locale.ROOT, "MISSED (%s%s, %.0f%% %s)", fmt(value), unit, m,
                    atMost ? "over the limit" : "short");
        }
    }

    /** The merged figures. */
    static final class Report {
        String date;
        boolean quick;
        String reference = DEFAULT_REFERENCE;
        final JsonObject machine = new JsonObject();
        final JsonObject config = new JsonObject();
        final List<Case> cases = new ArrayList<>();
        JsonArray cResults = new JsonArray();

        Case find(String id) {
            for (Case c : cases) {
                if (c.id.equals(id)) {
                    return c;
                }
            }
            return null;
        }

        double value(String id) {
            Case c = find(id);
            return c == null ? Double.NaN : c.value;
        }

        void computeRatios() {
            double ref = value(reference);
            double fl = value(C_FREELIST);
            for (Case c : cases) {
                c.vsReference = c.value / ref;
                c.vsFreelist = c.group == Group.C ? c.value / fl : Double.NaN;
            }
        }

        /** The ratios are taken as stated: a / b. */
        private double ratio(String a, String b) {
            return value(a) / value(b);
        }

        List<Target> targets() {
            return List.of(
                    new Target("C checked pair <= 1.5x minimal free list",
                            ratio("c.pair.slabbin_checked", C_FREELIST), 1.5, true, "x"),
                    new Target("C unchecked pair <= 1.15x minimal free list",
                            ratio("c.pair.slabbin_unchecked", C_FREELIST), 1.15, true, "x"),
                    new Target("C checked pair >= 3x faster than malloc",
                            ratio("c.pair.malloc", "c.pair.slabbin_checked"), 3, false, "x"),
                    new Target("Java checked per-call pair <= 2.3x empty JNI call",
                            ratio("java.checkedPair", "java.jniNop"), 2.3, true, "x"),
                    new Target("Java checked per-call pair >= 2.5x faster than Unsafe",
                            ratio("java.unsafePair", "java.checkedPair"), 2.5, false, "x"),
                    new Target("magazine unchecked pair <= 1.5 ns",
                            value("java.magazineUncheckedPair"), 1.5, true, " ns"),
                    new Target("magazine unchecked pair >= 6x faster than FFM malloc critical",
                            ratio("ffm.mallocFreeCritical", "java.magazineUncheckedPair"), 6,
                            false, "x"),
                    new Target("magazine checked pair <= 0.5x FFM malloc critical",
                            ratio("java.magazineCheckedPair", "ffm.mallocFreeCritical"), 0.5,
                            true, "x"),
                    new Target("checked batch 64 <= 1.6 ns per slot", value("java.batch64"), 1.6,
                            true, " ns"),
                    new Target("unchecked batch 64 <= 1.6 ns per slot",
                            value("java.batch64Unchecked"), 1.6, true, " ns"));
        }

        void sortCases() {
            List<String> order = new ArrayList<>();
            for (Known k : KNOWN) {
                order.add(k.id);
            }
            List<Case> sorted = new ArrayList<>(cases);
            sorted.sort((a, b) -> {
                int ga = a.group.ordinal();
                int gb = b.group.ordinal();
                if (ga != gb) {
                    return Integer.compare(ga, gb);
                }
                int ia = order.indexOf(a.id);
                int ib = order.indexOf(b.id);
                ia = ia < 0 ? Integer.MAX_VALUE : ia;
                ib = ib < 0 ? Integer.MAX_VALUE : ib;
                return ia != ib ? Integer.compare(ia, ib) : a.id.compareTo(b.id);
            });
            cases.clear();
            cases.addAll(sorted);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Entry point
    // ---------------------------------------------------------------------------------------

    @Override
    public Integer call() {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        Report report;
        try {
            if (from != null) {
                if (cInput != null || !jmhInputs.isEmpty()) {
                    throw new IllegalArgumentException("--from excludes --c and --jmh");
                }
                report = readMerged(JsonParser.parseString(Files.readString(from))
                        .getAsJsonObject());
            } else {
                if (cInput == null && jmhInputs.isEmpty()) {
                    throw new IllegalArgumentException("give --c and/or --jmh, or --from");
                }
                report = new Report();
                report.date = date != null ? date
                        : ZonedDateTime.now(ZoneOffset.UTC).withNano(0)
                                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                report.quick = quick;
                report.reference = reference;
                if (cInput != null) {
                    addC(report, JsonParser.parseString(Files.readString(cInput))
                            .getAsJsonObject());
                }
                for (Path p : jmhInputs) {
                    addJmh(report, JsonParser.parseString(Files.readString(p)).getAsJsonArray(),
                            p.getFileName().toString());
                }
                describeMachine(report);
            }
            if (!reference.equals(DEFAULT_REFERENCE)) {
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

        String table = markdown(report);
        try {
            Files.createDirectories(out);
            Path json = out.resolve("bench.json");
            if (from == null || !from.toAbsolutePath().normalize()
                    .equals(json.toAbsolutePath().normalize())) {
                Files.writeString(json, toJson(report) + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(out.resolve("bench.md"), table, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("bench.svg"), svg(report), StandardCharsets.UTF_8);
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

    // ---------------------------------------------------------------------------------------
    // Reading
    // ---------------------------------------------------------------------------------------

    /** Adds the C benchmark's pair case as cases, and keeps every C result as it came. */
    static void addC(Report r, JsonObject c) {
        JsonArray results = c.getAsJsonArray("results");
        if (results == null) {
            throw new IllegalArgumentException("the C results have no \"results\" array");
        }
        r.cResults = results;
        for (JsonElement e : results) {
            JsonObject o = e.getAsJsonObject();
            if (!"pair".equals(o.get("case").getAsString())) {
                continue;
            }
            String id = "c.pair." + o.get("allocator").getAsString();
            Known k = known(id);
            r.cases.add(new Case(id, k != null ? k.label : "C " + o.get("allocator").getAsString(),
                    Group.C, o.get("median_ns").getAsDouble(), o.get("min_ns").getAsDouble(),
                    o.get("max_ns").getAsDouble(), o.get("runs").getAsInt(), "c",
                    "median of " + o.get("runs").getAsInt() + " runs, slab capacity "
                            + o.get("capacity").getAsLong(), null));
        }
        JsonObject m = c.getAsJsonObject("machine");
        if (m != null) {
            copy(m, "cpu_model", r.machine, "cpu_model");
            copy(m, "cores", r.machine, "cores");
            copy(m, "compiler", r.machine, "c_compiler");
        }
        if (c.has("config")) {
            r.config.add("c", c.get("config"));
        }
    }

    /** Adds every benchmark of one JMH result file. */
    static void addJmh(Report r, JsonArray runs, String file) {
        JsonArray configs = r.config.has("jmh") ? r.config.getAsJsonArray("jmh") : new JsonArray();
        Set<String> seen = new LinkedHashSet<>();
        for (JsonElement e : runs) {
            JsonObject o = e.getAsJsonObject();
            String benchmark = o.get("benchmark").getAsString();
            int dot = benchmark.lastIndexOf('.');
            String method = benchmark.substring(dot + 1);
            String cls = benchmark.substring(0, Math.max(dot, 0));
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            String prefix = switch (simple) {
                case "SlabbinBenchmarks" -> "java";
                case "FfmBenchmarks" -> "ffm";
                default -> simple.toLowerCase(Locale.ROOT);
            };
            String id = prefix + "." + method;
            if (o.has("params")) {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                    sb.append(sb.length() == 0 ? "[" : ",").append(p.getKey()).append('=')
                            .append(p.getValue().getAsString());
                }
                id += sb.append(']');
            }
            JsonObject pm = o.getAsJsonObject("primaryMetric");
            String unit = pm.get("scoreUnit").getAsString();
            if (!"ns/op".equals(unit)) {
                throw new IllegalArgumentException(benchmark + " is in " + unit
                        + ", not ns/op (run JMH with -tu ns -bm avgt)");
            }
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            int n = 0;
            for (JsonElement fork : pm.getAsJsonArray("rawData")) {
                for (JsonElement it : fork.getAsJsonArray()) {
                    double v = it.getAsDouble();
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    n++;
                }
            }
            String jdk = o.get("jdkVersion").getAsString();
            String vm = o.has("vmName") ? o.get("vmName").getAsString() : "";
            Known k = known(id);
            Group g = k != null ? k.group : "ffm".equals(prefix) ? Group.FFM : Group.JVM_PEER;
            int forks = o.get("forks").getAsInt();
            int its = o.get("measurementIterations").getAsInt();
            r.cases.add(new Case(id, k != null ? k.label : simple + "." + method, g,
                    pm.get("score").getAsDouble(), min, max, n, "jmh",
                    String.format(Locale.ROOT, "JMH score over %d forks x %d iterations",
                            forks, its), "JDK " + jdk));
            String key = jdk + "|" + forks + "|" + its;
            if (seen.add(key)) {
                JsonObject cfg = new JsonObject();
                cfg.addProperty("file", file);
                cfg.addProperty("jdk", jdk);
                cfg.addProperty("vm", vm + " " + o.get("vmVersion").getAsString());
                cfg.addProperty("jmh", o.get("jmhVersion").getAsString());
                cfg.addProperty("forks", forks);
                cfg.addProperty("warmup_iterations", o.get("warmupIterations").getAsInt());
                cfg.addProperty("warmup_time", o.get("warmupTime").getAsString());
                cfg.addProperty("measurement_iterations", its);
                cfg.addProperty("measurement_time", o.get("measurementTime").getAsString());
                configs.add(cfg);
            }
        }
        r.config.add("jmh", configs);
    }

    /** Fills what the inputs did not say about the machine from this JVM. */
    private static void describeMachine(Report r) {
        if (!r.machine.has("cpu_model")) {
            r.machine.addProperty("cpu_model", cpuModel());
        }
        if (!r.machine.has("cores")) {
            r.machine.addProperty("cores", Runtime.getRuntime().availableProcessors());
        }
        r.machine.addProperty("os", System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        Set<String> jdks = new LinkedHashSet<>();
        for (Case c : r.cases) {
            if (c.jdk != null) {
                jdks.add(c.jdk.substring("JDK ".length()));
            }
        }
        JsonArray a = new JsonArray();
        jdks.forEach(a::add);
        r.machine.add("jdks", a);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    static Report readMerged(JsonObject o) {
        Report r = new Report();
        r.date = o.get("date").getAsString();
        r.quick = o.has("quick") && o.get("quick").getAsBoolean();
        if (o.has("reference")) {
            r.reference = o.get("reference").getAsString();
        }
        o.getAsJsonObject("machine").entrySet().forEach(e -> r.machine.add(e.getKey(),
                e.getValue()));
        if (o.has("config")) {
            o.getAsJsonObject("config").entrySet().forEach(e -> r.config.add(e.getKey(),
                    e.getValue()));
        }
        for (JsonElement e : o.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            r.cases.add(new Case(c.get("id").getAsString(), c.get("label").getAsString(),
                    Group.valueOf(c.get("group").getAsString()), c.get("ns").getAsDouble(),
                    c.get("min_ns").getAsDouble(), c.get("max_ns").getAsDouble(),
                    c.get("samples").getAsInt(), c.get("source").getAsString(),
                    c.get("detail").getAsString(),
                    c.has("jdk") && !c.get("jdk").isJsonNull() ? c.get("jdk").getAsString()
                            : null));
        }
        if (o.has("c_results")) {
            r.cResults = o.getAsJsonArray("c_results");
        }
        return r;
    }

    private static Known known(String id) {
        for (Known k : KNOWN) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        return null;
    }

    private static void copy(JsonObject src, String key, JsonObject dst, String as) {
        if (src.has(key)) {
            dst.add(as, src.get(key));
        }
    }

    // ---------------------------------------------------------------------------------------
    // Writing: JSON, markdown, SVG
    // ---------------------------------------------------------------------------------------

    static String toJson(Report r) {
        JsonObject o = new JsonObject();
        o.addProperty("format", "slabbin-bench/1");
        o.addProperty("date", r.date);
        o.addProperty("quick", r.quick);
        o.addProperty("unit", "ns per allocate+free pair (per slot for batch, per call for the"
                + " empty JNI call)");
        o.addProperty("reference", r.reference);
        o.add("machine", r.machine);
        o.add("config", r.config);
        JsonArray cases = new JsonArray();
        for (Case c : r.cases) {
            JsonObject j = new JsonObject();
            j.addProperty("id", c.id);
            j.addProperty("label", c.label);
            j.addProperty("group", c.group.name());
            j.addProperty("ns", round(c.value));
            j.addProperty("min_ns", round(c.min));
            j.addProperty("max_ns", round(c.max));
            j.addProperty("samples", c.samples);
            j.addProperty("source", c.source);
            j.addProperty("detail", c.detail);
            j.addProperty("jdk", c.jdk);
            j.addProperty("ratio_vs_reference", round(c.vsReference));
            if (!Double.isNaN(c.vsFreelist)) {
                j.addProperty("ratio_vs_c_freelist", round(c.vsFreelist));
            }
            cases.add(j);
        }
        o.add("cases", cases);
        JsonArray targets = new JsonArray();
        for (Target t : r.targets()) {
            JsonObject j = new JsonObject();
            j.addProperty("target", t.name());
            j.addProperty("value", t.measured() ? round(t.value()) : null);
            j.addProperty("limit", t.limit());
            j.addProperty("comparison", t.atMost() ? "<=" : ">=");
            j.addProperty("met", t.measured() ? t.met() : null);
            j.addProperty("margin", t.measured() ? round(t.margin()) : null);
            targets.add(j);
        }
        o.add("targets", targets);
        o.add("c_results", r.cResults);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(o);
    }

    private static Double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        return Math.round(v * 10000) / 10000.0;
    }

    /** The ns figure: three significant digits or so. */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String f = a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, f, v);
    }

    /** {@code v} with as many decimals as {@link #fmt(double)} gives {@code like}. */
    static String fmtLike(double v, double like) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(like);
        String f = a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, f, v);
    }

    static String ratio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT,
                "%.2fx", v);
    }

    static String machineLine(Report r) {
        JsonObject m = r.machine;
        StringBuilder sb = new StringBuilder();
        sb.append(str(m, "cpu_model")).append(", ").append(str(m, "cores")).append(" cores");
        if (m.has("os")) {
            sb.append(", ").append(str(m, "os"));
        }
        if (m.has("jdks") && m.getAsJsonArray("jdks").size() > 0) {
            List<String> j = new ArrayList<>();
            m.getAsJsonArray("jdks").forEach(e -> j.add(e.getAsString()));
            sb.append(", JDK ").append(String.join(" and ", j));
        }
        if (m.has("c_compiler")) {
            sb.append(", C compiler ").append(str(m, "c_compiler"));
        }
        return sb.toString();
    }

    static String configLine(Report r) {
        return String.join("; ", configParts(r)) + (r.quick ? " (quick run)" : "");
    }

    /** How each part was run: one string per JMH run and one for the C benchmark. */
    static List<String> configParts(Report r) {
        List<String> parts = new ArrayList<>();
        if (r.config.has("jmh")) {
            for (JsonElement e : r.config.getAsJsonArray("jmh")) {
                JsonObject j = e.getAsJsonObject();
                int forks = j.get("forks").getAsInt();
                parts.add(String.format(Locale.ROOT, "JMH %s on JDK %s: %d fork%s x %d x %s"
                        + " (warm-up %d x %s)", str(j, "jmh"), str(j, "jdk"), forks,
                        forks == 1 ? "" : "s", j.get("measurement_iterations").getAsInt(),
                        str(j, "measurement_time"), j.get("warmup_iterations").getAsInt(),
                        str(j, "warmup_time")));
            }
        }
        if (r.config.has("c")) {
            JsonObject c = r.config.getAsJsonObject("c");
            long pairs = c.has("pair_n") ? c.get("pair_n").getAsLong() : 0;
            int runs = 0;
            Case cc = r.find("c.pair.slabbin_checked");
            if (cc != null) {
                runs = cc.samples;
            }
            parts.add(String.format(Locale.ROOT, "C benchmark: %d runs of %,d pairs", runs,
                    pairs));
        }
        return parts;
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "?" : e.getAsString();
    }

    static String markdown(Report r) {
        Case ref = r.find(r.reference);
        StringBuilder sb = new StringBuilder();
        List<String[]> rows = new ArrayList<>();
        // Ratios first: they are what one run on a shared machine can show.
        rows.add(new String[] {"case", "vs " + ref.label, "vs C free list", "ns/op", "min–max",
            "group"});
        for (Case c : r.cases) {
            rows.add(new String[] {c.label, ratio(c.vsReference),
                Double.isNaN(c.vsFreelist) ? "" : ratio(c.vsFreelist), fmt(c.value),
                fmtLike(c.min, c.value) + "–" + fmtLike(c.max, c.value), c.group.title});
        }
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        // The first and last columns are text (left-aligned), the others figures (right-aligned).
        for (int k = 0; k < rows.size(); k++) {
            String[] row = rows.get(k);
            sb.append('|');
            for (int i = 0; i < row.length; i++) {
                String pad = " ".repeat(width[i] - row[i].length());
                boolean text = i == 0 || i == row.length - 1;
                sb.append(' ').append(text ? row[i] + pad : pad + row[i]).append(" |");
            }
            sb.append('\n');
            if (k == 0) {
                sb.append('|');
                for (int i = 0; i < row.length; i++) {
                    boolean text = i == 0 || i == row.length - 1;
                    sb.append(text ? "-".repeat(width[i] + 2)
                            : "-".repeat(width[i] + 1) + ":").append('|');
                }
                sb.append('\n');
            }
        }
        sb.append('\n');
        sb.append("ns per allocate+free pair of a 32-byte block (batch: per slot; empty JNI call:"
                + " per call). JMH cases: the JMH score (mean of all iterations), min–max of the"
                + " iterations; C cases: median, min–max over the runs. Ratios: against ")
                .append(ref.label).append(" and the C minimal free list of the same run.\n\n");
        sb.append("Machine: ").append(machineLine(r)).append(". ").append(configLine(r))
                .append(". Date: ").append(r.date).append(".\n\n");
        sb.append("Targets:\n\n");
        for (Target t : r.targets()) {
            sb.append("- ").append(t.name()).append(": ").append(t.verdict()).append('\n');
        }
        return sb.toString();
    }

    // ---- SVG ------------------------------------------------------------------------------

    private static final int WIDTH = 1100;
    private static final int LABEL_RIGHT = 330;
    private static final int PLOT_LEFT = 340;
    private static final int PLOT_RIGHT = 860;
    private static final int ROW = 24;
    private static final int BAR = 15;

    static String svg(Report r) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (Case c : r.cases) {
            for (double v : new double[] {c.value, c.min, c.max}) {
                if (v > 0 && !Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi == 0) {
            lo = 1;
            hi = 10;
        }
        double decLo = Math.floor(Math.log10(lo));
        double decHi = Math.ceil(Math.log10(hi));
        if (decHi <= decLo) {
            decHi = decLo + 1;
        }
        final double dLo = decLo;
        final double dHi = decHi;
        java.util.function.DoubleUnaryOperator x = v -> PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT)
                * (Math.log10(Math.max(v, Math.pow(10, dLo))) - dLo) / (dHi - dLo);

        List<String> config = configParts(r);
        int top = 96 + 17 * config.size();
        int groups = (int) r.cases.stream().map(c -> c.group).distinct().count();
        int plotHeight = r.cases.size() * ROW + groups * 10;
        int axisY = top + plotHeight + 4;
        int height = axisY + 110;
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\""
                + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"Helvetica,"
                + " Arial, sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        s.append("<title>slabbin benchmarks: ns per allocate+free pair</title>\n");
        s.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\""
                + " fill=\"#ffffff\"/>%n", WIDTH, height));
        text(s, 16, 24, "start", "font-size=\"16\" font-weight=\"bold\"",
                "slabbin: ns per allocate+free pair of a 32-byte block (log scale;"
                        + " shorter is faster)" + (r.quick ? ", quick run" : ""));
        text(s, 16, 44, "start", "fill=\"#333333\"", machineLine(r) + "; " + r.date);
        int ly0 = 61;
        for (String c : config) {
            text(s, 16, ly0, "start", "fill=\"#333333\"", c);
            ly0 += 17;
        }
        text(s, 16, ly0, "start", "fill=\"#333333\"", "ratio: ns/op divided by that of "
                + r.find(r.reference).label + " (same run); whiskers: min-max");
        // Column heads of the figures on the right.
        text(s, PLOT_RIGHT + 70, top - 8, "end", "font-weight=\"bold\"", "ns/op");
        text(s, PLOT_RIGHT + 130, top - 8, "end", "font-weight=\"bold\"", "ratio");
        text(s, PLOT_RIGHT + 140, top - 8, "start", "font-weight=\"bold\"", "vs C free list");

        // Grid: 1, 2, 5 per decade.
        for (int d = (int) decLo; d <= (int) decHi; d++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, d);
                if (v < Math.pow(10, decLo) - 1e-12 || v > Math.pow(10, decHi) + 1e-9) {
                    continue;
                }
                double gx = x.applyAsDouble(v);
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\""
                        + " y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>%n", gx, top - 4, gx,
                        axisY, m == 1 ? "#bbbbbb" : "#e5e5e5"));
                if (m == 1 || decHi - decLo <= 3) {
                    text(s, gx, axisY + 14, "middle", "fill=\"#333333\"", tick(v));
                }
            }
        }
        text(s, (PLOT_LEFT + PLOT_RIGHT) / 2.0, axisY + 30, "middle", "", "ns per op (log scale)");

        int y = top;
        Group last = null;
        double refX = x.applyAsDouble(r.find(r.reference).value);
        for (Case c : r.cases) {
            if (c.group != last) {
                y += 10;
                last = c.group;
            }
            double cy = y + ROW / 2.0;
            double bx = x.applyAsDouble(c.value);
            text(s, LABEL_RIGHT, cy + 4, "end", "", c.label);
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-case=\"%s\" x=\"%d\""
                    + " y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s ns"
                    + " (%s)</title></rect>%n", esc(c.id), PLOT_LEFT, cy - BAR / 2.0,
                    Math.max(1, bx - PLOT_LEFT), BAR, c.group.color, esc(c.label),
                    fmt(c.value), esc(c.detail)));
            double wx1 = x.applyAsDouble(c.min);
            double wx2 = x.applyAsDouble(c.max);
            s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f"
                    + " %.1fV%.1f\" stroke=\"#000000\" stroke-width=\"1\" fill=\"none\"/>%n",
                    wx1, cy - 4, cy + 4, wx1, cy, wx2, wx2, cy - 4, cy + 4));
            text(s, PLOT_RIGHT + 70, cy + 4, "end", "", fmt(c.value));
            text(s, PLOT_RIGHT + 130, cy + 4, "end", "", ratio(c.vsReference));
            if (!Double.isNaN(c.vsFreelist)) {
                text(s, PLOT_RIGHT + 140, cy + 4, "start", "", ratio(c.vsFreelist));
            }
            y += ROW;
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                + " stroke=\"#d62728\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>%n", refX,
                top - 4, refX, axisY));

        // Legend.
        int lx = 16;
        int ly = axisY + 56;
        for (Group g : Group.values()) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\""
                    + " height=\"12\" fill=\"%s\"/>%n", lx, ly - 10, g.color));
            text(s, lx + 18, ly, "start", "", g.title);
            lx += 40 + 7 * g.title.length();
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                + " stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>%n", lx, ly - 4, lx + 20,
                ly - 4));
        text(s, lx + 26, ly, "start", "", "reference: " + r.find(r.reference).label);
        text(s, 16, ly + 24, "start", "fill=\"#555555\"", "JMH cases: JMH score (mean of all"
                + " iterations); C cases: median over runs. Batch: per slot; empty JNI call: per"
                + " call.");
        s.append("</svg>\n");
        return s.toString();
    }

    private static String tick(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1000);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%s", Double.toString(v).replaceAll("0+$", ""));
    }

    private static void text(StringBuilder s, double x, double y, String anchor, String attrs,
                             String content) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>"
                + "%s</text>%n", x, y, anchor, attrs.isEmpty() ? "" : " " + attrs, esc(content)));
    }

    static String esc(String t) {
        StringBuilder sb = new StringBuilder(t.length());
        for (char ch : t.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(ch < 0x20 && ch != '\n' && ch != '\t' ? ' ' : ch);
            }
        }
        return sb.toString();
    }
}

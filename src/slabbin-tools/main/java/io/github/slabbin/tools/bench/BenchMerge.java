package io.github.slabbin.tools.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON side of the benchmark report: merges the C benchmark's results
 * ({@code slabbin_bench --json}) and JMH's ({@code -rf json}) into a {@link BenchReport}, with what
 * the inputs do not say about the machine taken from this JVM; writes the merged document
 * ({@code bench.json}, format {@code slabbin-bench/1}) and reads it back. Every figure comes from
 * the inputs: a JMH case's value is JMH's score (the mean over forks and iterations) with the
 * minimum and maximum of its iterations; a C case's value is the median over its runs.
 */
final class BenchMerge {
    private BenchMerge() {}

    /** Adds the C benchmark's pair case as cases, and keeps every C result as it came. */
    static void addC(BenchReport r, JsonObject c) {
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
            BenchReport.Known k = BenchReport.known(id);
            r.cases.add(new BenchReport.Case(id,
                    k != null ? k.label() : "C " + o.get("allocator").getAsString(),
                    BenchReport.Group.C, o.get("median_ns").getAsDouble(),
                    o.get("min_ns").getAsDouble(),
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
    static void addJmh(BenchReport r, JsonArray runs, String file) {
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
            BenchReport.Known k = BenchReport.known(id);
            BenchReport.Group g = k != null ? k.group()
                    : "ffm".equals(prefix) ? BenchReport.Group.FFM : BenchReport.Group.JVM_PEER;
            int forks = o.get("forks").getAsInt();
            int its = o.get("measurementIterations").getAsInt();
            r.cases.add(new BenchReport.Case(id, k != null ? k.label() : simple + "." + method, g,
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
    static void describeMachine(BenchReport r) {
        if (!r.machine.has("cpu_model")) {
            r.machine.addProperty("cpu_model", cpuModel());
        }
        if (!r.machine.has("cores")) {
            r.machine.addProperty("cores", Runtime.getRuntime().availableProcessors());
        }
        r.machine.addProperty("os", System.getProperty("os.name") + " "
                + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        Set<String> jdks = new LinkedHashSet<>();
        for (BenchReport.Case c : r.cases) {
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

    static BenchReport readMerged(JsonObject o) {
        BenchReport r = new BenchReport();
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
            r.cases.add(new BenchReport.Case(c.get("id").getAsString(),
                    c.get("label").getAsString(),
                    BenchReport.Group.valueOf(c.get("group").getAsString()),
                    c.get("ns").getAsDouble(),
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

    private static void copy(JsonObject src, String key, JsonObject dst, String as) {
        if (src.has(key)) {
            dst.add(as, src.get(key));
        }
    }

    static String toJson(BenchReport r) {
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
        for (BenchReport.Case c : r.cases) {
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
        for (BenchReport.Target t : r.targets()) {
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
}

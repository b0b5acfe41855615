package io.github.slabbin.tools.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark report as text: the markdown table ({@code bench.md}: a row per case, ratios
 * first, then the machine, how each part was run, and the targets), and the number formats and
 * lines the chart shares with it.
 */
final class BenchTable {
    private BenchTable() {}

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

    static String machineLine(BenchReport r) {
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

    static String configLine(BenchReport r) {
        return String.join("; ", configParts(r)) + (r.quick ? " (quick run)" : "");
    }

    /** How each part was run: one string per JMH run and one for the C benchmark. */
    static List<String> configParts(BenchReport r) {
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
            BenchReport.Case cc = r.find("c.pair.slabbin_checked");
            if (cc != null) {
                runs = cc.samples;
            }
            parts.add(String.format(Locale.ROOT, "C benchmark: %d runs of %,d pairs", runs,
                    pairs));
        }
        return parts;
    }

    static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "?" : e.getAsString();
    }

    static String markdown(BenchReport r) {
        BenchReport.Case ref = r.find(r.reference);
        StringBuilder sb = new StringBuilder();
        List<String[]> rows = new ArrayList<>();
        // Ratios first: they are what one run on a shared machine can show.
        rows.add(new String[] {"case", "vs " + ref.label, "vs C free list", "ns/op", "min–max",
            "group"});
        for (BenchReport.Case c : r.cases) {
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
        for (BenchReport.Target t : r.targets()) {
            sb.append("- ").append(t.name()).append(": ").append(t.verdict()).append('\n');
        }
        return sb.toString();
    }
}

package io.github.slabbin.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.github.slabbin.tools.CliRunner;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code slabbin bench-report} on small handmade C and JMH results. */
class BenchReportCommandTest {
    private static final String JFREESVG = "http://www.jfree.org/jfreesvg/svg";

    @TempDir
    Path dir;

    Path cJson;
    Path jmh17;
    Path jmh25;

    private static String[] run(String... args) {
        return CliRunner.run(args);
    }

    private static String cResult(String cs, String allocator, long capacity, double median,
                                  double min, double max) {
        return String.format(Locale.ROOT, "{\"case\": \"%s\", \"allocator\": \"%s\","
                + " \"capacity\": %d, \"median_ns\": %.4f, \"min_ns\": %.4f, \"max_ns\": %.4f,"
                + " \"runs\": 5, \"ratio_vs_freelist\": null, \"ratio_vs_malloc\": null}", cs,
                allocator, capacity, median, min, max);
    }

    /** One JMH result with 2 forks of 2 iterations: {min, score, score, max}. */
    private static String jmhResult(String benchmark, String jdk, double score, double min,
                                    double max) {
        return String.format(Locale.ROOT, "{\"jmhVersion\": \"1.37\", \"benchmark\": \"%s\","
                + " \"mode\": \"avgt\", \"threads\": 1, \"forks\": 2, \"jvm\": \"/jdk/bin/java\","
                + " \"jvmArgs\": [], \"jdkVersion\": \"%s\", \"vmName\": \"OpenJDK 64-Bit Server"
                + " VM\", \"vmVersion\": \"%s+1\", \"warmupIterations\": 5, \"warmupTime\":"
                + " \"1 s\", \"warmupBatchSize\": 1, \"measurementIterations\": 2,"
                + " \"measurementTime\": \"1 s\", \"measurementBatchSize\": 1, \"primaryMetric\":"
                + " {\"score\": %.4f, \"scoreError\": 0.1, \"scoreConfidence\": [0, 1],"
                + " \"scorePercentiles\": {}, \"scoreUnit\": \"ns/op\", \"rawData\": [[%.4f,"
                + " %.4f], [%.4f, %.4f]]}, \"secondaryMetrics\": {}}", benchmark, jdk, jdk,
                score, min, score, score, max);
    }

    @BeforeEach
    void inputs() throws IOException {
        cJson = dir.resolve("c.json");
        Files.writeString(cJson, "{\"machine\": {\"cpu_model\": \"Test CPU 3000\", \"cores\": 4,"
                + " \"compiler\": \"12.2.0\"}, \"config\": {\"slot_size\": 32, \"pair_n\":"
                + " 1000000, \"unit\": \"ns per op-pair\"}, \"results\": ["
                + cResult("bulk_fresh", "malloc", 100, 30, 29, 31) + ", "
                + cResult("pair", "minimal_freelist", 1000, 2.0, 1.9, 2.5) + ", "
                + cResult("pair", "slabbin_checked", 1000, 2.5, 2.4, 2.9) + ", "
                + cResult("pair", "slabbin_unchecked", 1000, 2.4, 2.3, 2.6) + ", "
                + cResult("pair", "malloc", 1000, 10.0, 9.5, 12.0) + "]}");
        String p = "io.github.slabbin.bench.SlabbinBenchmarks.";
        jmh17 = dir.resolve("jmh17.json");
        Files.writeString(jmh17, "[" + String.join(", ",
                jmhResult(p + "checkedPair", "17.0.15", 20.0, 19.0, 22.0),
                jmhResult(p + "jniNop", "17.0.15", 10.0, 9.0, 11.0),
                jmhResult(p + "unsafePair", "17.0.15", 40.0, 38.0, 45.0),
                jmhResult(p + "magazineUncheckedPair", "17.0.15", 1.2, 1.1, 1.4),
                jmhResult(p + "magazineCheckedPair", "17.0.15", 3.0, 2.9, 3.3),
                jmhResult(p + "batch64", "17.0.15", 2.0, 1.8, 2.2)) + "]");
        jmh25 = dir.resolve("jmh25.json");
        Files.writeString(jmh25, "[" + jmhResult("io.github.slabbin.bench.ffm.FfmBenchmarks"
                + ".mallocFreeCritical", "25.0.1", 15.0, 14.0, 17.0) + "]");
    }

    private String[] report(Path out) {
        return run("bench-report", "--c", cJson.toString(), "--jmh", jmh17.toString(), "--jmh",
                jmh25.toString(), "--date", "2025-01-02T03:04:05Z", "-o", out.toString());
    }

    /** The table's rows, by label: the cells after the label. */
    private static Map<String, String[]> rows(String markdown) {
        Map<String, String[]> rows = new HashMap<>();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("| ") && !line.startsWith("| case ")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].trim();
                }
                rows.put(cells[0], cells);
            }
        }
        return rows;
    }

    @Test
    void tableHasARowPerCaseWithRatiosToTheCheckedPairAndTheFreeList() throws IOException {
        Path out = dir.resolve("out");
        String[] r = report(out);
        assertEquals("0", r[0], r[2]);
        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(r[1].contains(md), "the table is printed as written");
        Map<String, String[]> rows = rows(md);
        assertEquals(11, rows.size(), md);   // 4 C pair + 6 JDK 17 + 1 JDK 25; bulk_fresh not
        // label, vs reference, vs free list, ns, min-max, group (ratios first)
        assertEquals(List.of("slabbin checked, per-call pair", "1.00x", "", "20.0", "19.0–22.0",
                "slabbin from Java (JNI)"), List.of(rows.get("slabbin checked, per-call pair")));
        assertEquals("0.50x", rows.get("empty JNI call (one call)")[1]);
        assertEquals("2.00x", rows.get("Unsafe allocateMemory/freeMemory")[1]);
        assertEquals("0.75x", rows.get("FFM malloc/free, critical(false)")[1]);
        String[] cChecked = rows.get("C slabbin checked");
        assertEquals("2.50", cChecked[3]);
        assertEquals("2.40–2.90", cChecked[4]);
        assertEquals("0.13x", cChecked[1]);
        assertEquals("1.25x", cChecked[2]);
        assertEquals("5.00x", rows.get("C malloc/free")[2]);
        assertEquals("1.00x", rows.get("C minimal free list")[2]);
        // Order: slabbin from Java first, the C cases last.
        assertTrue(md.indexOf("slabbin checked, per-call pair") < md.indexOf("empty JNI call"));
        assertTrue(md.indexOf("FFM malloc/free") < md.indexOf("C minimal free list"));
        assertTrue(md.contains("Test CPU 3000, 4 cores"), md);
        assertTrue(md.contains("JDK 17.0.15 and 25.0.1"), md);
        assertTrue(md.contains("2025-01-02T03:04:05Z"), md);
        assertTrue(md.contains("JMH 1.37 on JDK 25.0.1: 2 forks x 2 x 1 s (warm-up 5 x 1 s)"), md);
    }

    @Test
    void targetsAreJudgedWithTheirMargins() throws IOException {
        Path out = dir.resolve("out");
        assertEquals("0", report(out)[0]);
        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(md.contains("- C checked pair <= 1.5x minimal free list: met (1.25x, 17%"
                + " under the limit)"), md);
        assertTrue(md.contains("- C unchecked pair <= 1.15x minimal free list: MISSED (1.20x,"
                + " 4% over the limit)"), md);
        assertTrue(md.contains("- C checked pair >= 3x faster than malloc: met (4.00x, 33%"
                + " beyond the minimum)"), md);
        assertTrue(md.contains("- Java checked per-call pair <= 2.3x empty JNI call: met"
                + " (2.00x"), md);
        assertTrue(md.contains("- Java checked per-call pair >= 2.5x faster than Unsafe: MISSED"
                + " (2.00x, 20% short)"), md);
        assertTrue(md.contains("- magazine unchecked pair <= 1.5 ns: met (1.20 ns, 20% under"
                + " the limit)"), md);
        assertTrue(md.contains("- magazine unchecked pair >= 6x faster than FFM malloc"
                + " critical: met (12.5x, 108% beyond the minimum)"), md);
        assertTrue(md.contains("- magazine checked pair <= 0.5x FFM malloc critical: met"
                + " (0.20x"), md);
        assertTrue(md.contains("- checked batch 64 <= 1.6 ns per slot: MISSED (2.00 ns, 25% over the"
                + " limit)"), md);

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("bench.json")))
                .getAsJsonObject();
        JsonArray targets = json.getAsJsonArray("targets");
        assertEquals(20, targets.size());
        JsonObject batch = targets.get(8).getAsJsonObject();
        assertFalse(batch.get("met").getAsBoolean());
        assertEquals(-0.25, batch.get("margin").getAsDouble(), 1e-9);
        assertEquals(5, json.getAsJsonArray("c_results").size());
        Map<String, JsonObject> cases = new HashMap<>();
        for (JsonElement e : json.getAsJsonArray("cases")) {
            cases.put(e.getAsJsonObject().get("id").getAsString(), e.getAsJsonObject());
        }
        assertEquals(2.0, cases.get("java.unsafePair").get("ratio_vs_reference").getAsDouble());
        assertEquals(1.2, cases.get("c.pair.slabbin_unchecked").get("ratio_vs_c_freelist")
                .getAsDouble(), 1e-9);
        assertEquals(4, cases.get("java.checkedPair").get("samples").getAsInt());
        assertEquals("JDK 25.0.1", cases.get("ffm.mallocFreeCritical").get("jdk").getAsString());
    }

    @Test
    void missingCasesAreReportedAsNotMeasured() throws IOException {
        Path out = dir.resolve("out");
        String[] r = run("bench-report", "--jmh", jmh17.toString(), "-o", out.toString());
        assertEquals("0", r[0], r[2]);
        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(md.contains("- C checked pair <= 1.5x minimal free list: not measured"), md);
        assertTrue(md.contains("FFM malloc critical: not measured"), md);
        assertEquals(6, rows(md).size(), md);
    }

    @Test
    void svgIsDrawnByJFreeChartWithABarAndItsFiguresPerCase() throws Exception {
        Path out = dir.resolve("out");
        assertEquals("0", report(out)[0]);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // JFreeSVG writes a DOCTYPE naming the SVG 1.0 DTD: parse without fetching it.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder b = f.newDocumentBuilder();
        Document svg = b.parse(out.resolve("bench.svg").toFile());
        Element root = svg.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
        // Drawn by JFreeChart into JFreeSVG: its namespace, and one element group per chart item
        // (with JFreeChart's element hinting), named by the dataset keys.
        assertEquals(JFREESVG, root.getAttribute("xmlns:jfreesvg"));
        NodeList groups = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        List<String> bars = new ArrayList<>();
        for (int i = 0; i < groups.getLength(); i++) {
            String ref = ((Element) groups.item(i)).getAttributeNS(JFREESVG, "ref");
            if (ref.startsWith("{")) {
                JsonObject key = JsonParser.parseString(ref).getAsJsonObject();
                assertEquals("ns/op", key.get("rowKey").getAsString());
                bars.add(key.get("columnKey").getAsString());
            }
        }
        // One bar per case, in the table's order: slabbin from Java first, the C cases last.
        assertEquals(List.of("slabbin checked, per-call pair", "slabbin checked, magazine 64",
                "slabbin unchecked, magazine 64", "slabbin batch 64 (per slot)",
                "empty JNI call (one call)", "Unsafe allocateMemory/freeMemory",
                "FFM malloc/free, critical(false)", "C minimal free list", "C slabbin checked",
                "C slabbin unchecked", "C malloc/free"), bars);
        List<String> texts = new ArrayList<>();
        NodeList t = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        for (int i = 0; i < t.getLength(); i++) {
            texts.add(t.item(i).getTextContent());
        }
        // Each case's label on the axis and its figures beside its bar.
        assertTrue(texts.containsAll(bars), texts.toString());
        assertTrue(texts.contains("20.0 ns, 1.00x"), texts.toString());
        assertTrue(texts.contains("10.0 ns, 0.50x"), texts.toString());
        assertTrue(texts.contains("2.50 ns, 0.13x, 1.25x vs C free list"), texts.toString());
        assertTrue(texts.contains("reference: slabbin checked, per-call pair"), texts.toString());
        String all = String.join("\n", texts);
        assertTrue(all.contains("Test CPU 3000, 4 cores"), all);
        assertTrue(all.contains("JDK 17.0.15 and 25.0.1"), all);
        assertTrue(all.contains("2025-01-02T03:04:05Z"), all);
        assertTrue(all.contains("JMH 1.37 on JDK 25.0.1: 2 forks x 2 x 1 s (warm-up 5 x 1 s)"),
                all);
    }

    @Test
    void mergedJsonRedrawsTheSameTable() throws IOException {
        Path out = dir.resolve("out");
        assertEquals("0", report(out)[0]);
        Path again = dir.resolve("again");
        String[] r = run("bench-report", "--from", out.resolve("bench.json").toString(), "-o",
                again.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals(Files.readString(out.resolve("bench.md")),
                Files.readString(again.resolve("bench.md")));
        assertEquals(Files.readString(out.resolve("bench.svg")),
                Files.readString(again.resolve("bench.svg")));
        assertEquals(Files.readString(out.resolve("bench.json")),
                Files.readString(again.resolve("bench.json")));
    }

    @Test
    void badInputsExitWith2() throws IOException {
        Path out = dir.resolve("out");
        String[] none = run("bench-report", "-o", out.toString());
        assertEquals("2", none[0]);
        assertTrue(none[2].contains("give --c and/or --jmh"), none[2]);

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "[{\"benchmark\": ");
        String[] bad = run("bench-report", "--jmh", broken.toString(), "-o", out.toString());
        assertEquals("2", bad[0]);
        assertNotNull(bad[2]);
        assertTrue(bad[2].startsWith("slabbin bench-report: "), bad[2]);

        String[] noRef = run("bench-report", "--c", cJson.toString(), "-o", out.toString());
        assertEquals("2", noRef[0]);
        assertTrue(noRef[2].contains("java.checkedPair is not among the results"), noRef[2]);
    }
}

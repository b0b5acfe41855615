package io.github.slabbin.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.slabbin.SlabbinVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs the replay refuses, one kind per test: each gets its error in words in its row and on
 * standard error, the good inputs beside it are replayed, and the exit code is 2.
 */
class ReplayInputsTest {
    /** Quick settings: one timed run, no warm-up. */
    private static final String[] QUICK = {"replay", "--repeat", "1", "--warmup", "0",
        "--min-time", "0", "--max-warmup", "0"};

    private static String[] replay(String... more) {
        String[] args = Arrays.copyOf(QUICK, QUICK.length + more.length);
        System.arraycopy(more, 0, args, QUICK.length, more.length);
        return CliRunner.run(args);
    }

    private static Path good(Path dir) throws IOException {
        Path p = dir.resolve("good.mtrace");
        Files.writeString(p, "@ [0x1] + 0x10 0x20\n@ [0x1] - 0x10\n");
        return p;
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /** The good trace was replayed: its row in the first table has its event counts. */
    private static void assertGoodReplayed(String out) {
        assertTrue(out.matches("(?s).*\ngood\\.mtrace +2 +1 +1 +0 +0 .*"), out);
        assertTrue(out.contains("C-driven, ns/event"), out);
    }

    /** No Java exception class name reaches the user. */
    private static void assertInWords(String text) {
        assertFalse(text.matches("(?s).*\\b(java|javax)\\.[a-z]+\\.[A-Za-z.]*(Exception|Error).*"),
                text);
        assertFalse(text.contains("Exception:"), text);
        assertFalse(text.contains("null"), text);
    }

    @Test
    void emptyPlainFileIsRefused(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.mtrace"));
        String[] r = replay(empty.toString(), good(dir).toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("slabbin replay: empty.mtrace: empty trace: the file is empty"
                + " (0 bytes), nothing to replay"), r[2]);
        assertTrue(r[1].contains("empty.mtrace           ERROR: empty trace: the file is empty"),
                r[1]);
        assertGoodReplayed(r[1]);
    }

    @Test
    void emptyGzipIsRefused(@TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.mtrace.gz");
        Files.write(empty, gzip(""));
        String[] r = replay(empty.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("empty.mtrace.gz: empty trace: no allocation events, nothing to"
                + " replay"), r[2]);
        Path markersOnly = dir.resolve("markers.mtrace.gz");
        Files.write(markersOnly, gzip("= Start\n= End\n"));
        r = replay(markersOnly.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("markers.mtrace.gz: empty trace: no allocation events"), r[2]);
    }

    @Test
    void gzipCutInItsTrailerNamesTheLastLineAndTheCause(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder("= Start\n");
        for (int i = 0; i < 600; i++) {
            text.append(String.format("@ [0x1] + 0x%x 0x20%n", 0x1000 + 0x100 * i));
        }
        byte[] gz = gzip(text.toString());
        Path cut = dir.resolve("cut.mtrace.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length - 5));        // 3 of the 8 trailer bytes
        String[] r = replay(cut.toString(), good(dir).toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("slabbin replay: cut.mtrace.gz: cannot read after line 601 (the"
                + " last line read): the gzip data ends in its trailer (the CRC-32 and length"
                + " after the compressed data): the file was cut short"), r[2]);
        assertGoodReplayed(r[1]);
        assertInWords(r[2]);
    }

    @Test
    void gzipCutInItsDataSaysSo(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append(String.format("@ [0x1] + 0x%x 0x%x%n", 0x1000 + 0x100 * i, i % 977));
        }
        byte[] gz = gzip(text.toString());
        Path cut = dir.resolve("half.mtrace.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        String[] r = replay(cut.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].matches("(?s).*half\\.mtrace\\.gz: cannot read after line [1-9][0-9]+"
                + " \\(the last line read\\): the gzip data ends before its end of stream: the"
                + " file was cut short.*"), r[2]);
        assertInWords(r[2]);
    }

    @Test
    void missingFileAmongGoodOnes(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.mtrace");
        Path good = good(dir);
        String[] r = replay(good.toString(), missing.toString(), good.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("slabbin replay: missing.mtrace: cannot read: no such file"),
                r[2]);
        assertTrue(r[1].contains("missing.mtrace         ERROR: cannot read: no such file"), r[1]);
        assertEquals(2, r[1].split("\ngood\\.mtrace +2 ", -1).length - 1, r[1]);
        assertInWords(r[1] + r[2]);
    }

    @Test
    void folderWithoutTracesIsRefusedInWords(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("no-traces"));
        Files.writeString(folder.resolve("index.tsv"), "file\tpid\n");
        String[] r = replay(folder.toString(), good(dir).toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains(folder + ": cannot read"), r[2]);
        assertTrue(r[2].contains("no *.mtrace or *.mtrace.gz file in directory"), r[2]);
        assertGoodReplayed(r[1]);
        assertInWords(r[2]);
    }

    @Test
    void jsonCarriesTheRunTheFiguresAndTheErrors(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("out.json");
        String[] r = replay("--first-slab", "64", "--json", json.toString(), good(dir).toString(),
                dir.resolve("missing.mtrace").toString());
        assertEquals("2", r[0], r[2]);
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject run = root.getAsJsonObject("run");
        assertEquals(SlabbinVersion.version(), run.get("slabbin").getAsString());
        assertTrue(run.get("jdk").getAsString().contains(Runtime.version().toString()), run + "");
        assertTrue(run.get("os").getAsString().startsWith(System.getProperty("os.name")));
        assertTrue(run.get("cpu").getAsString().startsWith(System.getProperty("os.arch")));
        JsonObject options = run.getAsJsonObject("options");
        assertEquals(64, options.get("firstSlabBytes").getAsLong());
        assertEquals(1, options.get("repeat").getAsInt());
        assertEquals("ends", options.get("verify").getAsString());
        JsonObject t = root.getAsJsonArray("traces").get(0).getAsJsonObject();
        // One 32-byte block: a 32-byte slot in a first slab of 64 bytes (2 slots).
        assertEquals(32, t.get("peakLiveSlabBytes").getAsLong());
        assertEquals(32, t.get("peakLiveSlotBytes").getAsLong());
        assertEquals(64, t.get("peakReservedBytes").getAsLong());
        assertEquals(2.0, t.get("slabOverhead").getAsDouble(), 1e-12);
        assertEquals(1.0, t.get("classRounding").getAsDouble(), 1e-12);
        assertEquals(64, t.get("peakFootprintBytes").getAsLong());
        assertTrue(t.get("systemFootprintBytes").getAsLong() >= 32 + 8);
        JsonObject e = root.getAsJsonArray("errors").get(0).getAsJsonObject();
        assertEquals("missing.mtrace", e.get("trace").getAsString());
        assertEquals("cannot read: no such file", e.get("error").getAsString());
    }

    @Test
    void noGrowthReservesWholeSlabsAndQuietIsAccepted(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("out.json");
        String[] r = replay("--no-growth", "--quiet", "--json", json.toString(),
                good(dir).toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("", r[2]);
        JsonObject t = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
                .getAsJsonArray("traces").get(0).getAsJsonObject();
        assertEquals(65536, t.get("peakReservedBytes").getAsLong());    // 2048 slots of 32 B
        assertEquals(2048.0, t.get("slabOverhead").getAsDouble(), 1e-12);
        assertTrue(r[1].contains("slabs: every slab about 64 KiB (no growth)"), r[1]);
    }

    @Test
    void badTuningOptionsExitTwo() {
        assertEquals("2", CliRunner.run("replay", "--first-slab", "0")[0]);
        assertEquals("2", CliRunner.run("replay", "--min-time", "-1")[0]);
        assertEquals("2", CliRunner.run("replay", "--repeat", "5", "--max-runs", "4")[0]);
    }
}

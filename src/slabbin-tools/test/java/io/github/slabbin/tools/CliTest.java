package io.github.slabbin.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: replay and demo end to end, through picocli as {@code Main} runs them. */
class CliTest {

    private static String[] run(String... args) {
        return CliRunner.run(args);
    }

    @Test
    void replayPrintsTableAndJson(@TempDir Path dir) throws IOException {
        Path trace = dir.resolve("small.mtrace");
        Files.writeString(trace, "= Start\n@ [0x1] + 0x10 0x20\n@ [0x1] + 0x20 0x3000\n"
                + "@ [0x1] - 0x10\n@ [0x1] - 0x20\n= End\n");
        Path json = dir.resolve("out.json");
        String[] r = run("replay", "--repeat", "1", "--warmup", "0", "--min-time", "0",
                "--max-warmup", "0", "--json", json.toString(),
                trace.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("small.mtrace"), r[1]);
        assertTrue(r[1].contains("Java-driven, ns/event"), r[1]);
        assertTrue(r[1].contains("C-driven, ns/event"), r[1]);
        // 2 requests, 1 of them (32 B) in a class: 50% of requests, 32 of 12,320 bytes.
        assertTrue(r[1].contains("50.0% /   0.3%"), r[1]);
        String text = Files.readString(json);
        assertTrue(text.contains("\"trace\": \"small.mtrace\""), text);
        assertTrue(text.contains("\"slabRequests\": 1"), text);
        assertTrue(text.contains("\"requests\": 2"), text);
        assertTrue(text.contains("\"javaRatio\""), text);
    }

    @Test
    void malformedTraceGetsItsRowAndTheOthersAreReplayed(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.mtrace");
        Files.writeString(good, "@ [0x1] + 0x10 0x20\n@ [0x1] - 0x10\n");
        Path bad = dir.resolve("bad.mtrace");
        Files.writeString(bad, "= Start\n@ [0x1] + 0x10 0x20\n@ [0x1] * 0x10\n");
        String[] r = run("replay", "--repeat", "1", "--warmup", "0", "--min-time", "0",
                "--max-warmup", "0", bad.toString(), good.toString());
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("bad.mtrace             ERROR: malformed trace: line 3:"
                + " unknown operation '*'"), r[1]);
        assertTrue(r[1].matches("(?s).*good\\.mtrace +2 +1 +1 .*"), r[1]);
        assertTrue(r[2].contains("slabbin replay: bad.mtrace: malformed trace: line 3"), r[2]);
    }

    @Test
    void badOptionsExitTwo() {
        assertEquals("2", run("replay", "--verify", "some")[0]);
        assertEquals("2", run("replay", "--repeat", "0")[0]);
        assertEquals("2", run("replay", "--classes", "16,8")[0]);
    }

    @Test
    void demoLinksWalksAndReports() {
        String[] r = run("demo", "--nodes", "2000", "--pairs", "1000");
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("built with insque:         nodes 2,000 (expected 2,000)"), r[1]);
        assertTrue(r[1].contains("half removed with remque:  nodes 1,000 (expected 1,000)"), r[1]);
        assertTrue(r[1].contains("slots reused in LIFO order: 1,000 of 1,000"), r[1]);
        assertTrue(r[1].contains("OK: every walk matched"), r[1]);
    }
}

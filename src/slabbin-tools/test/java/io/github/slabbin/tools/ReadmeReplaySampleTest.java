package io.github.slabbin.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.slabbin.replay.BundledTraces;
import io.github.slabbin.replay.SizeClasses;
import io.github.slabbin.replay.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's replay sample is what the tool prints today ({@code scripts/replay-readme} writes
 * it): its header lines are those of the default options, and its first table has the bundled
 * traces' event counts. A change of the defaults or of the table without a new sample fails here.
 */
class ReadmeReplaySampleTest {

    private static List<String> sample() throws IOException {
        Path readme = Path.of(System.getProperty("basedir", ".")).resolve("../../README.md");
        List<String> lines = Files.readAllLines(readme);
        int begin = lines.indexOf("<!-- replay-sample:begin -->");
        int end = lines.indexOf("<!-- replay-sample:end -->");
        assertTrue(begin >= 0 && end > begin + 3, "README has the replay-sample markers");
        List<String> block = lines.subList(begin + 1, end);
        assertTrue(block.get(0).startsWith("A run of `scripts/replay"), block.get(0));
        assertTrue(block.get(0).endsWith("written by `scripts/replay-readme`):"), block.get(0));
        assertEquals("```", block.get(2));
        assertEquals("```", block.get(block.size() - 1));
        return block.subList(3, block.size() - 1);
    }

    @Test
    void headerIsTheDefaultOptions() throws IOException {
        List<String> s = sample();
        ReplayTuning defaults = new ReplayTuning();
        ReplayCommand command = new ReplayCommand();
        assertEquals("slabbin replay: 3 traces, every block verified (first and last 8 bytes)",
                s.get(0));
        assertEquals(ReplayTable.describe(defaults.calibration(command.repeat, command.warmup)),
                s.get(1));
        assertEquals(ReplayTable.describeSlabs(defaults.initialSlabBytes()), s.get(2));
        assertEquals(SizeClasses.defaults().toString(), s.get(3));
    }

    @Test
    void firstTableHasTheBundledTracesCounts() throws IOException {
        List<String> s = sample();
        for (String name : BundledTraces.names()) {
            Trace t = BundledTraces.load(name);
            String row = String.format("%-22s %,9d %,9d %,9d %,8d %,9d", t.name(), t.eventCount(),
                    t.allocations(), t.frees(), t.reallocs(), t.unmatchedFrees());
            assertTrue(s.stream().anyMatch(line -> line.startsWith(row)), row);
        }
    }
}

package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceInputsTest {
    @TempDir
    Path dir;

    @Test
    void directoryStandsForItsTracesInNameOrderFilesForThemselves() throws IOException {
        Path traces = Files.createDirectories(dir.resolve("run"));
        Path b = Files.writeString(traces.resolve("20-sh.mtrace"), "= Start\n= End\n");
        Path a = Files.writeString(traces.resolve("10-ls.mtrace.gz"), "x");
        Files.writeString(traces.resolve("index.tsv"), "file\n");
        Files.createDirectories(traces.resolve("sub.mtrace"));          // not a file: skipped
        Path single = Files.writeString(dir.resolve("other.txt"), "= Start\n");
        assertEquals(List.of(single, a, b), TraceInputs.expand(List.of(single, traces)));
    }

    @Test
    void directoryWithoutTracesIsAnError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve("index.tsv"), "file\n");
        IOException e = assertThrows(IOException.class,
                () -> TraceInputs.expand(List.of(empty)));
        assertEquals("no *.mtrace or *.mtrace.gz file in directory " + empty, e.getMessage());
    }
}

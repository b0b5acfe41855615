package io.github.slabbin.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay DIR}: every trace of a directory written by scripts/record-trace. */
class ReplayDirectoryTest {
    @Test
    void replaysEveryTraceOfADirectory(@TempDir Path dir) throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("100-sh.mtrace"), "= Start\n= pid 100 parent 1 exec\n"
                + "= command sh -c ls\n+ 0x10 0x20\n- 0x10\n= End\n");
        Files.writeString(run.resolve("101-ls.mtrace"), "= Start\n= pid 101 parent 100 exec\n"
                + "= command ls\n+ 0x10 0x30\n+ 0x50 0x40\n- 0x50\n- 0x10\n= End\n");
        Files.writeString(run.resolve("index.tsv"), "file\tpid\n");
        String[] r = CliRunner.run("replay", "--repeat", "1", "--warmup", "0", "--json", "-",
                run.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("\"trace\": \"100-sh.mtrace\""), r[1]);
        assertTrue(r[1].contains("\"trace\": \"101-ls.mtrace\""), r[1]);
        assertTrue(r[1].indexOf("100-sh.mtrace") < r[1].indexOf("101-ls.mtrace"), r[1]);
    }

    @Test
    void directoryWithoutTracesExitsTwo(@TempDir Path dir) {
        String[] r = CliRunner.run("replay", dir.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no *.mtrace or *.mtrace.gz file in directory " + dir), r[2]);
    }
}

package io.github.slabbin.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On JDK 25 the packaged command line runs the replay and the demo (as {@code scripts/replay} and
 * {@code scripts/demo} do: {@code java -jar target/slabbin-cli.jar ...}) without a single
 * warning on standard error: no {@code sun.misc.Unsafe} deprecation, no restricted-method
 * (native access) warning. Skipped, with a message, where no JDK 25 is installed
 * ({@code -Dslabbin.jdk25.home} names it).
 */
class NoWarningOnJdk25IT {
    private static Path java;
    private static String jar;

    @BeforeAll
    static void findJdk25() throws Exception {
        Path home = Path.of(System.getProperty("slabbin.jdk25.home",
                "/usr/lib/jvm/temurin-25-jdk-amd64"));
        java = home.resolve("bin").resolve("java");
        assumeTrue(Files.isExecutable(java), "no JDK 25 at " + home
                + " (set -Dslabbin.jdk25.home=...): the JDK 25 warning check is skipped");
        String[] version = run(java.toString(), "-version");
        assumeTrue(version[2].contains("version \"25"), java + " is not JDK 25: " + version[2]);
        jar = System.getProperty("slabbin.cli.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "no CLI jar: " + jar);
    }

    /** Runs a command; returns {exit code, standard output, standard error}. */
    private static String[] run(String... command) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("slabbin-it");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + List.of(command));
        String[] r = {Integer.toString(p.exitValue()),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8)};
        Files.delete(out);
        Files.delete(err);
        Files.delete(dir);
        return r;
    }

    private static String[] cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", jar));
        command.addAll(List.of(args));
        return run(command.toArray(new String[0]));
    }

    @Test
    void replayPrintsNoWarning(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("small.mtrace");
        Files.writeString(trace, "= Start\n@ [0x1] + 0x10 0x20\n@ [0x1] < 0x10\n"
                + "@ [0x1] > 0x30 0x40\n@ [0x1] + 0x20 0x3000\n@ [0x1] - 0x30\n= End\n");
        String[] r = cli("replay", "--repeat", "1", "--warmup", "0", trace.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Java-driven, ns/event"), r[1]);
        assertEquals("", r[2], "standard error");
        assertFalse(r[1].contains("WARNING"), r[1]);
    }

    @Test
    void demoPrintsNoWarning() throws Exception {
        String[] r = cli("demo", "--nodes", "2000", "--pairs", "1000");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("OK: every walk matched"), r[1]);
        assertEquals("", r[2], "standard error");
        assertFalse(r[1].contains("WARNING"), r[1]);
    }
}

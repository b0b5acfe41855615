package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
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
 * Runs {@code scripts/record-trace} on a real program and parses what it recorded. Skipped
 * unless the platform can record: Linux, bash, a C compiler and glibc 2.34 or newer.
 */
class RecordTraceTest {
    private static Path script;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePlatform() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "not Linux");
        Path base = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (base != null && !Files.isRegularFile(base.resolve("scripts/record-trace"))) {
            base = base.getParent();
        }
        assumeTrue(base != null, "scripts/record-trace not found above the working directory");
        script = base.resolve("scripts/record-trace");
        assumeTrue(run("bash", "-c", "true").status == 0, "no bash");
        String cc = System.getenv().getOrDefault("CC", "cc");
        assumeTrue(run("bash", "-c", "command -v \"$0\"", cc).status == 0, "no C compiler");
        Result glibc = run("getconf", "GNU_LIBC_VERSION");
        assumeTrue(glibc.status == 0 && glibc.output.startsWith("glibc "), "not glibc");
        String[] version = glibc.output.trim().substring("glibc ".length()).split("\\.");
        int major = Integer.parseInt(version[0]);
        int minor = Integer.parseInt(version[1]);
        assumeTrue(major > 2 || (major == 2 && minor >= 34), "glibc older than 2.34");
    }

    private static final class Result {
        final int status;
        final String output;

        Result(int status, String output) {
            this.status = status;
            this.output = output;
        }
    }

    /** Runs a command with stderr merged into stdout; status -1 if it cannot start. */
    private static Result run(String... command) throws InterruptedException {
        return run(null, command);
    }

    private static Result run(Path cacheHome, String... command) throws InterruptedException {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (cacheHome != null) {
                builder.environment().put("XDG_CACHE_HOME", cacheHome.toString());
            }
            Process p = builder.start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        }
    }

    private Result record(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        // A private cache directory keeps the test from touching the user's cache.
        return run(dir.resolve("cache"), command.toArray(new String[0]));
    }

    @Test
    void recordsLsAndTheTraceParses() throws Exception {
        Path out = dir.resolve("ls.mtrace");
        Result r = record(out.toString(), "ls", "-l", dir.toString());
        assertEquals(0, r.status, r.output);
        List<String> lines = Files.readAllLines(out, StandardCharsets.ISO_8859_1);
        assertEquals("= Start", lines.get(0));
        assertEquals("= End", lines.get(lines.size() - 1));
        Trace t = MtraceParser.parse(out);
        assertTrue(t.allocations() >= 1, t.toString());
        assertTrue(t.frees() >= 1, t.toString());
        try (var cached = Files.list(dir.resolve("cache/slabbin"))) {
            assertTrue(cached.anyMatch(p -> p.getFileName().toString().endsWith(".so")),
                    "preload library not cached");
        }
        BundledTracesTest.assertConsistent(t);
    }

    @Test
    void gzipOptionAndExitStatusPassThrough() throws Exception {
        Path out = dir.resolve("ls.mtrace.gz");
        Result r = record("--gzip", out.toString(), "ls", dir.resolve("absent").toString());
        // ls exits with 2 for a missing operand; the trace is still written.
        assertEquals(2, r.status, r.output);
        byte[] head;
        try (InputStream in = Files.newInputStream(out)) {
            head = in.readNBytes(2);
        }
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0x8b, head[1] & 0xff);
        Trace t = MtraceParser.parse(out);
        assertTrue(t.allocations() >= 1, t.toString());
    }

    @Test
    void usageErrors() throws Exception {
        Result help = record("--help");
        assertEquals(0, help.status, help.output);
        assertTrue(help.output.startsWith("Usage: record-trace"), help.output);
        Result missing = record(dir.resolve("x.mtrace").toString());
        assertEquals(2, missing.status, missing.output);
        Result notFound = record(dir.resolve("x.mtrace").toString(), "no-such-command-here");
        assertEquals(2, notFound.status, notFound.output);
        assertTrue(notFound.output.contains("command not found: no-such-command-here"),
                notFound.output);
        assertTrue(!Files.exists(dir.resolve("x.mtrace")));
    }
}

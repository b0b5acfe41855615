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

    /** One row of OUTDIR/index.tsv. */
    private record Row(String file, long pid, long parent, String origin, long events,
                       String status, String command) {}

    private static List<Row> index(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("index.tsv"), StandardCharsets.UTF_8);
        assertEquals("file\tpid\tparent\torigin\tevents\tstatus\tcommand", lines.get(0));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            assertEquals(7, f.length, line);
            rows.add(new Row(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), f[3],
                    Long.parseLong(f[4]), f[5], f[6]));
        }
        return rows;
    }

    /** The rows whose command is exactly the given one. */
    private static List<Row> rowsOf(List<Row> rows, String command) {
        return rows.stream().filter(r -> r.command().equals(command)).toList();
    }

    /**
     * Checks that a kept trace is well formed: header, end marker, no NUL byte, its file name
     * carries its pid, it parses and has as many events as the index says.
     */
    /** Every row that names a trace file ("-": the process wrote none) is well formed. */
    private static void assertAllWellFormed(Path out, List<Row> rows) throws IOException {
        for (Row row : rows) {
            if (!row.file().equals("-")) {
                assertWellFormed(out, row);
            }
        }
    }

    private static void assertWellFormed(Path out, Row row) throws IOException {
        Path file = out.resolve(row.file());
        assertTrue(row.file().startsWith(row.pid() + "-"), row.toString());
        byte[] bytes;
        try (InputStream in = row.file().endsWith(".gz")
                ? new java.util.zip.GZIPInputStream(Files.newInputStream(file))
                : Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertEquals(-1, text.indexOf('\0'), row.file() + " holds a NUL byte");
        List<String> lines = List.of(text.split("\n"));
        assertEquals("= Start", lines.get(0));
        assertEquals("= pid " + row.pid() + " parent " + row.parent() + " " + row.origin(),
                lines.get(1));
        assertEquals("= command " + row.command(), lines.get(2));
        assertEquals("= End", lines.get(lines.size() - 1));
        assertEquals(1, lines.stream().filter(l -> l.equals("= End")).count(), row.toString());
        assertEquals("complete", row.status());
        long events = lines.stream()
                .filter(l -> !l.isEmpty() && !l.startsWith("=") && !l.startsWith(">")).count();
        assertEquals(row.events(), events, row.toString());
        assertTrue(events > 0, row.toString());
        Trace t = MtraceParser.parse(file);
        assertTrue(t.allocations() + t.frees() + t.unmatchedFrees() > 0, t.toString());
        BundledTracesTest.assertConsistent(t);
    }

    @Test
    void recordsLsAndTheTraceParses() throws Exception {
        Path out = dir.resolve("ls");
        Result r = record(out.toString(), "ls", "-l", dir.toString());
        assertEquals(0, r.status, r.output);
        List<Row> rows = index(out);
        assertEquals(1, rows.size(), rows.toString());
        Row ls = rows.get(0);
        assertEquals("ls -l " + dir, ls.command());
        assertEquals("exec", ls.origin());
        assertTrue(ls.file().matches(ls.pid() + "-ls\\.mtrace"), ls.file());
        assertWellFormed(out, ls);
        Trace t = MtraceParser.parse(out.resolve(ls.file()));
        assertTrue(t.allocations() >= 1, t.toString());
        assertTrue(t.frees() >= 1, t.toString());
        try (var cached = Files.list(dir.resolve("cache/slabbin"))) {
            assertTrue(cached.anyMatch(p -> p.getFileName().toString().endsWith(".so")),
                    "preload library not cached");
        }
    }

    @Test
    void shellRunningTwoProgramsGivesOneTracePerProcess() throws Exception {
        Path out = dir.resolve("sh");
        String script = "ls " + dir + " >/dev/null; ls -d " + dir;
        Result r = record(out.toString(), "sh", "-c", script);
        assertEquals(0, r.status, r.output);
        List<Row> rows = index(out);
        List<Row> shells = rowsOf(rows, "sh -c " + script).stream()
                .filter(x -> x.origin().equals("exec")).toList();
        assertEquals(1, shells.size(), rows.toString());
        Row sh = shells.get(0);
        Row first = rowsOf(rows, "ls " + dir).get(0);
        Row second = rowsOf(rows, "ls -d " + dir).get(0);
        for (Row ls : List.of(first, second)) {
            assertEquals(sh.pid(), ls.parent(), rows.toString());
            assertEquals("exec", ls.origin());
            assertWellFormed(out, ls);
        }
        assertTrue(first.pid() != second.pid(), rows.toString());
        assertWellFormed(out, sh);
        assertAllWellFormed(out, rows);
    }

    @Test
    void bashScriptWithForkedSubshellsAndGzip() throws Exception {
        Path script = dir.resolve("job.sh");
        Files.writeString(script, "x=$(ls " + dir + ")\n( ls -a " + dir + " ) | cat >/dev/null\n"
                + "echo \"${#x}\" >/dev/null\n");
        Path out = dir.resolve("bash");
        Result r = record("--gzip", out.toString(), "bash", script.toString());
        assertEquals(0, r.status, r.output);
        List<Row> rows = index(out);
        Row top = rowsOf(rows, "bash " + script).stream()
                .filter(x -> x.origin().equals("exec")).findFirst().orElseThrow();
        // Command substitution and the subshell are forked copies of bash with their own trace.
        long forks = rows.stream().filter(x -> x.origin().equals("fork")
                && x.command().equals("bash " + script)).count();
        assertTrue(forks >= 2, rows.toString());
        assertEquals(1, rowsOf(rows, "ls " + dir).size(), rows.toString());
        assertEquals(1, rowsOf(rows, "ls -a " + dir).size(), rows.toString());
        assertEquals(1, rowsOf(rows, "cat").size(), rows.toString());
        for (Row row : rows) {
            if (row.file().equals("-")) {
                assertEquals(0, row.events(), row.toString());
                assertTrue(row.status().endsWith("no events, removed"), row.toString());
            } else {
                assertTrue(row.file().endsWith(".mtrace.gz"), row.toString());
                assertWellFormed(out, row);
            }
        }
        assertTrue(rows.stream().anyMatch(x -> x.parent() == top.pid()), rows.toString());
    }

    @Test
    void makeAndItsRecipes() throws Exception {
        assumeTrue(run("bash", "-c", "command -v make").status == 0, "no make");
        Files.writeString(dir.resolve("Makefile"),
                "all: a b\na:\n\tls " + dir + " >/dev/null\nb:\n\tls -d " + dir + " >/dev/null\n");
        Path out = dir.resolve("make");
        Result r = record(out.toString(), "make", "-s", "-C", dir.toString());
        assertEquals(0, r.status, r.output);
        List<Row> rows = index(out);
        Row make = rows.stream().filter(x -> x.command().startsWith("make -s -C")
                && x.origin().equals("exec")).findFirst().orElseThrow();
        assertWellFormed(out, make);
        // make runs each recipe line through /bin/sh -c, which runs ls.
        for (String ls : List.of("ls " + dir, "ls -d " + dir)) {
            List<Row> found = rowsOf(rows, ls);
            assertEquals(1, found.size(), rows.toString());
            assertWellFormed(out, found.get(0));
        }
    }

    @Test
    void failedExecKeepsTracingTheForkedChild() throws Exception {
        Path out = dir.resolve("failed");
        // The forked child's exec of a file that is not executable fails: its "= End" is taken
        // back, and the child's trace goes on to its exit.
        Path notExecutable = Files.writeString(dir.resolve("data.txt"), "x\n");
        Result r = record(out.toString(), "bash", "-c",
                notExecutable + " 2>/dev/null; ls " + dir + " >/dev/null; true");
        assertEquals(0, r.status, r.output);
        List<Row> rows = index(out);
        assertEquals(1, rowsOf(rows, "ls " + dir).size(), rows.toString());
        long forks = rows.stream().filter(x -> x.origin().equals("fork")).count();
        assertTrue(forks >= 2, rows.toString());
        assertAllWellFormed(out, rows);
    }

    @Test
    void killedProcessIsReportedTruncated() throws Exception {
        Path out = dir.resolve("killed");
        Result r = record(out.toString(), "bash", "-c",
                "sleep 30 & sleep 0.5; kill -9 $!; wait; ls " + dir + " >/dev/null");
        // bash succeeds, but one trace has no end marker: exit status 3 and a message.
        assertEquals(3, r.status, r.output);
        assertTrue(r.output.contains("TRUNCATED"), r.output);
        assertTrue(r.output.contains("sleep 30"), r.output);
        List<Row> rows = index(out);
        Row sleep = rowsOf(rows, "sleep 30").get(0);
        assertTrue(sleep.status().startsWith("truncated"), sleep.toString());
        Result check = record("--check", out.toString());
        assertEquals(0, check.status, check.output);   // the kept traces are all complete
        assertTrue(check.output.contains("0 truncated"), check.output);
    }

    @Test
    void checkReportsAFileWithoutEndMarker() throws Exception {
        Path cut = dir.resolve("cut.mtrace");
        Files.writeString(cut, "= Start\n+ 0x10 0x20\n");
        Path whole = dir.resolve("whole.mtrace");
        Files.writeString(whole, "= Start\n+ 0x10 0x20\n= End\n");
        Result r = record("--check", cut.toString(), whole.toString());
        assertEquals(3, r.status, r.output);
        assertTrue(r.output.contains(cut + ": truncated: no '= End' line"), r.output);
        assertTrue(!r.output.contains(whole + ":"), r.output);
        assertTrue(r.output.contains("2 trace(s) checked, 1 truncated"), r.output);
    }

    @Test
    void exitStatusPassesThrough() throws Exception {
        Path out = dir.resolve("out");
        Result r = record(out.toString(), "ls", dir.resolve("absent").toString());
        // ls exits with 2 for a missing operand; the trace is still written.
        assertEquals(2, r.status, r.output);
        assertEquals(1, index(out).size());
    }

    @Test
    void usageErrors() throws Exception {
        Result help = record("--help");
        assertEquals(0, help.status, help.output);
        assertTrue(help.output.startsWith("Usage: record-trace"), help.output);
        assertTrue(help.output.contains("PYTHONMALLOC=malloc"), help.output);
        Result missing = record(dir.resolve("x").toString());
        assertEquals(2, missing.status, missing.output);
        Result notFound = record(dir.resolve("x").toString(), "no-such-command-here");
        assertEquals(2, notFound.status, notFound.output);
        assertTrue(notFound.output.contains("command not found: no-such-command-here"),
                notFound.output);
        assertTrue(!Files.exists(dir.resolve("x")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        Result notDir = record(file.toString(), "ls");
        assertEquals(2, notDir.status, notDir.output);
        assertTrue(notDir.output.contains("exists and is not a directory"), notDir.output);
        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full/old.mtrace"), "= Start\n= End\n");
        Result notEmpty = record(dir.resolve("full").toString(), "ls");
        assertEquals(2, notEmpty.status, notEmpty.output);
        assertTrue(notEmpty.output.contains("is not empty"), notEmpty.output);
    }
}

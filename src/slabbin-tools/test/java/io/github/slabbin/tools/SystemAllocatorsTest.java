package io.github.slabbin.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --system}: resolving allocators and the process run for each. */
class SystemAllocatorsTest {
    @TempDir
    Path dir;

    private static final List<String> HEAD = List.of("1", "0", "ends", "default", "1024");

    private Path smallTrace() throws IOException {
        // 3 allocations (32 B and 48 B in classes, 5000 B to malloc), a realloc, 4 frees.
        return Files.writeString(dir.resolve("small.mtrace"), "= Start\n+ 0x10 0x20\n"
                + "+ 0x40 0x30\n+ 0x100 0x1388\n< 0x10\n> 0x80 0x28\n- 0x40\n- 0x80\n- 0x100\n"
                + "= End\n");
    }

    @Test
    void glibcNeedsNoLibraryUnknownNamesAreRefusedMissingFilesSkipped() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<SystemAllocators.Choice> found = SystemAllocators.resolve(
                List.of("glibc", "mine=" + dir.resolve("absent.so")), err);
        assertEquals(1, found.size());
        assertEquals("glibc", found.get(0).name());
        assertNull(found.get(0).library());
        assertEquals("slabbin replay: skipping mine: no file " + dir.resolve("absent.so") + "\n",
                buf.toString(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SystemAllocators.resolve(List.of("hoard"), err));
        assertEquals("--system: unknown allocator 'hoard' (known: glibc, jemalloc, mimalloc,"
                + " tcmalloc, or NAME=/path/lib.so)", e.getMessage());
    }

    @Test
    void glibcProcessTimesMallocCheckedAndUnchecked() throws Exception {
        Path trace = smallTrace();
        List<SystemAllocators.Row> rows = SystemAllocators.measure(
                new SystemAllocators.Choice("glibc", null), HEAD, List.of(trace.toString()));
        assertEquals(1, rows.size());
        SystemAllocators.Row r = rows.get(0);
        assertEquals("glibc", r.allocator());
        assertEquals("small.mtrace", r.trace());
        assertEquals(7, r.events());
        assertTrue(r.malloc().medianNanos() > 0 && r.checked().medianNanos() > 0
                && r.unchecked().medianNanos() > 0, r.toString());
    }

    @Test
    void preloadedAllocatorIsMappedInItsProcess() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<SystemAllocators.Choice> found = SystemAllocators.resolve(List.of("jemalloc"),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assumeTrue(found.size() == 1, "jemalloc not installed: " + buf);
        List<SystemAllocators.Row> rows = SystemAllocators.measure(found.get(0), HEAD,
                List.of(smallTrace().toString()));
        assertEquals("jemalloc", rows.get(0).allocator());
        assertEquals(7, rows.get(0).events());
    }

    @Test
    void aLibraryThatDoesNotLoadFailsTheRun() throws Exception {
        Path notElf = Files.writeString(dir.resolve("libnot.so"), "not a library");
        IOException e = assertThrows(IOException.class, () -> SystemAllocators.measure(
                new SystemAllocators.Choice("broken", notElf), HEAD,
                List.of(smallTrace().toString())));
        assertTrue(e.getMessage().startsWith("broken process failed (exit 3): "), e.getMessage());
        assertTrue(e.getMessage().contains(notElf + " is not mapped in the process"),
                e.getMessage());
    }

    @Test
    void commandLineRefusesAnUnknownAllocator() throws IOException {
        String[] r = CliRunner.run("replay", "--repeat", "1", "--warmup", "0", "--system",
                "hoard", smallTrace().toString());
        assertEquals("2", r[0]);
        assertEquals("", r[1], "refused before any replay");
        assertTrue(r[2].contains("--system: unknown allocator 'hoard'"), r[2]);
    }

    @Test
    void commandLinePrintsOneRowPerTraceAndAllocator() throws IOException {
        String[] r = CliRunner.run("replay", "--repeat", "1", "--warmup", "0", "--system",
                "glibc", smallTrace().toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("each system allocator in its own process"), r[1]);
        assertTrue(r[1].matches("(?s).*\\nsmall\\.mtrace +glibc +[0-9.]+ +[0-9.]+ +[0-9.]+"
                + " +[0-9.]+x +[0-9.]+x\\n.*"), r[1]);
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Platform;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlabbinLibraryTest {

    @Test
    void platformPrefixIsJnas() {
        assertEquals(Platform.RESOURCE_PREFIX, SlabbinLibrary.platformPrefix());
        if (Platform.isLinux() && Platform.is64Bit() && "x86-64".equals(Platform.ARCH)) {
            assertEquals("linux-x86-64", SlabbinLibrary.platformPrefix());
        }
    }

    @Test
    void libraryFileNameIsThePlatformsName() {
        assertEquals(System.mapLibraryName("slabbin"), SlabbinLibrary.libraryFileName());
        if (Platform.isLinux()) {
            assertEquals("libslabbin.so", SlabbinLibrary.libraryFileName());
        }
    }

    @Test
    void loadReturnsAnExistingAbsoluteFile() {
        String from = SlabbinLibrary.load();
        File f = new File(from);
        assertTrue(f.isAbsolute(), from);
        assertTrue(f.isFile(), from);
        assertEquals(SlabbinLibrary.libraryFileName(), f.getName());
        assertTrue(from.contains(SlabbinLibrary.platformPrefix()), from);
        assertSame(from, SlabbinLibrary.load(), "loaded once");
    }

    @Test
    void propertyNameIsDocumented() {
        assertEquals("slabbin.library.path", SlabbinLibrary.LIBRARY_PATH_PROPERTY);
    }

    private record Result(int exit, String out, String err) {}

    private static Result runChild(List<String> jvmArgs, String... args) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator
                        + "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LoadLibraryMain.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM timed out: " + cmd);
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void childJvmLoadsFromTheClassPath() throws Exception {
        Result r = runChild(List.of(), "allocate");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("loaded /"), r.out());
        assertTrue(r.out().contains(SlabbinLibrary.platformPrefix() + File.separator
                + SlabbinLibrary.libraryFileName()), r.out());
        assertTrue(r.out().contains("slot true"), r.out());
    }

    @Test
    void childJvmWithAMissingExplicitPathExplainsTheFailure() throws Exception {
        Result r = runChild(List.of("-Dslabbin.library.path=/nonexistent/libslabbin.so"));
        assertNotEquals(0, r.exit());
        String err = r.err();
        assertTrue(err.contains("UnsatisfiedLinkError"), err);
        assertTrue(err.contains(SlabbinLibrary.platformPrefix()), err);
        assertTrue(err.contains("linux-x86-64") || !Platform.isLinux() || !Platform.isIntel(),
                err);
        assertTrue(err.contains("slabbin.library.path"), err);
        assertTrue(err.contains("/nonexistent"), err);
        assertTrue(err.contains("/nonexistent/libslabbin.so"), err);
        assertTrue(!r.out().contains("loaded"), r.out());
    }

    @Test
    void childJvmWithAnExplicitPathLoadsThatFile() throws Exception {
        String path = SlabbinLibrary.load();
        Result r = runChild(List.of("-Dslabbin.library.path=" + path), "allocate");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("loaded " + path), r.out());
        assertTrue(r.out().contains("slot true"), r.out());
    }

    @Test
    void anExplicitPathThatIsNotALibraryIsReported() throws Exception {
        File notALib = File.createTempFile("not-a-library", ".so");
        try {
            java.nio.file.Files.writeString(notALib.toPath(), "not an ELF file");
            Result r = runChild(List.of("-Dslabbin.library.path=" + notALib));
            assertNotEquals(0, r.exit());
            assertTrue(r.err().contains(notALib.getPath()), r.err());
            assertTrue(r.err().contains("slabbin.library.path"), r.err());
        } finally {
            assertTrue(notALib.delete());
        }
    }
}

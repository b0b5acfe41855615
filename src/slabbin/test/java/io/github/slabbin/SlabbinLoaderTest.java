package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader as an application meets it: child JVMs that find the native library inside a JAR
 * (a JAR holding only {@code <prefix>/libslabbin.so}, first on their class path), on a file system
 * mounted noexec, with a wrong library named explicitly, ended abruptly, in two class loaders, and
 * on JDK 24+ with native access denied.
 */
class SlabbinLoaderTest {
    private static final Path JDK25 = Path.of(System.getProperty("slabbin.test.jdk25",
            "/usr/lib/jvm/temurin-25-jdk-amd64"));
    private static final String RESOURCE = SlabbinLibrary.platformPrefix() + "/"
            + SlabbinLibrary.libraryFileName();
    private static final String USER = System.getProperty("user.name")
            .replaceAll("[^A-Za-z0-9._-]", "_");

    @TempDir
    static Path shared;
    private static byte[] library;
    private static String hash;
    private static Path nativesJar;
    private static Path noexec;
    private static String noexecMissing;

    @BeforeAll
    static void jarWithTheLibraryAndANoexecMount() throws Exception {
        ClassLoader loader = SlabbinLoaderTest.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            assertTrue(in != null, RESOURCE + " is not on the test class path");
            library = in.readAllBytes();
        }
        hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(library))
                .substring(0, 16);
        nativesJar = shared.resolve("natives.jar");
        try (OutputStream f = Files.newOutputStream(nativesJar);
             JarOutputStream jar = new JarOutputStream(f)) {
            jar.putNextEntry(new JarEntry(RESOURCE));
            jar.write(library);
            jar.closeEntry();
        }

        Path dir = Files.createDirectory(shared.resolve("noexec"));
        if (File.separatorChar != '/') {
            noexecMissing = "noexec mounts are a Unix matter";
            return;
        }
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o",
                "noexec,nosuid,nodev,size=16m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
            noexec = dir;
        } else {
            noexecMissing = "mounting a noexec tmpfs needs root (mount said: " + said + ")";
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        if (noexec != null) {
            Process p = new ProcessBuilder("umount", noexec.toString()).inheritIO().start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "umount " + noexec);
        }
    }

    private static void assumeNoexec() {
        assumeTrue(noexec != null, () -> "skipped: " + noexecMissing);
    }

    /** A child JVM that finds the library only inside a JAR. */
    private static ChildJvm fromJar() {
        return LoadLibraryMain.child().classPathFirst(nativesJar);
    }

    /** The extracted file's name: content-addressed; copy n for the n+1-th class loader. */
    private static String extracted(int copy) {
        return System.mapLibraryName("slabbin-" + hash + (copy == 0 ? "" : "-" + copy));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    // Extraction directory on a noexec mount

    @Test
    void aNoexecExtractionDirectoryFallsBackToTheNext(@TempDir Path dir) throws Exception {
        assumeNoexec();
        Path cache = dir.resolve("cache");
        ChildJvm.Result r = fromJar().jvmArgs("-Djna.tmpdir=" + noexec)
                .env("XDG_CACHE_HOME", cache.toString()).run("allocate");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.printed("loaded " + cache.resolve("slabbin").resolve(extracted(0))), r.all());
        assertTrue(r.out().contains("slot true"), r.all());
    }

    @Test
    void everyDirectoryNoexecReportsEachAttemptAndTheProperty() throws Exception {
        assumeNoexec();
        Path xdg = noexec.resolve("xdg");
        ChildJvm.Result r = fromJar()
                .jvmArgs("-Djna.tmpdir=" + noexec, "-Djava.io.tmpdir=" + noexec)
                .env("XDG_CACHE_HOME", xdg.toString()).run("allocate");
        assertEquals(1, r.exit(), r.all());
        String err = r.err();
        for (Path tried : List.of(noexec.resolve("slabbin-" + USER), xdg.resolve("slabbin"))) {
            assertTrue(err.contains("  - class path resource " + RESOURCE + " extracted ("
                    + tried.resolve(extracted(0)) + "): UnsatisfiedLinkError: "), err);
        }
        assertEquals(2, count(err, "failed to map segment from shared object (a file system "
                + "mounted noexec?)"), err);
        assertTrue(err.contains("  - java.library.path="), err);
        assertTrue(err.contains("Set -Dslabbin.tmpdir=DIR to extract the library to a directory "
                + "that allows loading native code (not on a file system mounted noexec), or "
                + "-Dslabbin.library.path=/path/to/" + SlabbinLibrary.libraryFileName()), err);
        assertEquals(3, count(err, "Suppressed: java.lang.UnsatisfiedLinkError"), err);
        assertFalse(err.contains("ExceptionInInitializerError"), err);
        assertFalse(r.out().contains("loaded"), r.all());
    }

    @Test
    void slabbinTmpdirIsUsedWhenEveryDefaultIsNoexec(@TempDir Path dir) throws Exception {
        assumeNoexec();
        ChildJvm.Result r = fromJar()
                .jvmArgs("-Djna.tmpdir=" + noexec, "-Djava.io.tmpdir=" + noexec,
                        "-Dslabbin.tmpdir=" + dir)
                .env("XDG_CACHE_HOME", noexec.resolve("xdg").toString()).run("allocate");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.printed("loaded " + dir.resolve(extracted(0))), r.all());
        assertEquals(List.of(extracted(0)), names(dir));
    }

    // Where the library is extracted by default, and which directories are refused

    @Test
    void withoutPropertiesTheLibraryGoesToTheUserCache(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path xdg = dir.resolve("xdg");
        ChildJvm.Result r = fromJar().jvmArgs("-Djava.io.tmpdir=" + tmp)
                .env("XDG_CACHE_HOME", xdg.toString()).run("allocate");
        assertEquals(0, r.exit(), r.all());
        Path file = xdg.resolve("slabbin").resolve(extracted(0));
        assertTrue(r.printed("loaded " + file), r.all());
        assertArrayEquals(library, Files.readAllBytes(file));
        assertEquals(List.of(), names(tmp));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file.getParent())));
        }
    }

    @Test
    void anExtractionDirectoryOthersCanWriteIsRefused(@TempDir Path dir) throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "skipped: no POSIX permissions here");
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Path open = Files.createDirectory(tmp.resolve("slabbin-" + USER));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path notADirectory = Files.writeString(dir.resolve("file"), "a file, not a directory");
        ChildJvm.Result r = fromJar().jvmArgs("-Djava.io.tmpdir=" + tmp)
                .env("XDG_CACHE_HOME", notADirectory.toString()).run("allocate");
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.err().contains("  - extracting class path resource " + RESOURCE + " to "
                + open + ": IOException: " + open + " is writable by other users (rwxrwxrwx)"),
                r.all());
        assertTrue(r.err().contains("  - extracting class path resource " + RESOURCE + " to "
                + notADirectory.resolve("slabbin") + ": FileSystemException: "), r.all());
        assertEquals(List.of(), names(open));
    }

    // A library named explicitly that is not slabbin's, or not this version's

    @Test
    void aLibraryThatIsNotSlabbinIsRefusedAtLoad() throws Exception {
        Path libz = null;
        for (String d : System.getProperty("java.library.path").split(File.pathSeparator)) {
            Path p = Path.of(d, "libz.so.1");
            if (libz == null && Files.isRegularFile(p)) {
                libz = p;
            }
        }
        assumeTrue(libz != null, "skipped: no libz.so.1 in java.library.path");
        ChildJvm.Result r = withLibrary(libz);
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.err().contains("java.lang.UnsatisfiedLinkError: slabbin: refused the native "
                + "library " + libz + " (from -Dslabbin.library.path=" + libz + "): it is not "
                + "slabbin's native library (it has no entry point "
                + "Java_io_github_slabbin_SlabbinLibrary_abiVersion). Nothing else was tried"),
                r.all());
        assertTrue(r.err().contains("Caused by: java.lang.UnsatisfiedLinkError: "), r.all());
        assertFalse(r.err().contains("ExceptionInInitializerError"), r.all());
        assertFalse(r.out().contains("slot"), r.all());
    }

    @Test
    void slabbinsLibraryWithAnotherAbiIsRefused() throws Exception {
        Path fixture = fixture("slabbin_wrong_abi");
        ChildJvm.Result r = withLibrary(fixture);
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.err().contains("slabbin: refused the native library " + fixture + " (from "
                + "-Dslabbin.library.path=" + fixture + "): it is slabbin's native library "
                + "version 0.0.0-wrong-abi with ABI " + (SlabbinLibrary.ABI_VERSION + 1)
                + ", but this slabbin needs ABI " + SlabbinLibrary.ABI_VERSION), r.all());
    }

    @Test
    void slabbinsLibraryOfAnotherVersionIsRefused() throws Exception {
        Path fixture = fixture("slabbin_wrong_version");
        ChildJvm.Result r = withLibrary(fixture);
        assertEquals(1, r.exit(), r.all());
        assertTrue(r.err().contains("java.lang.UnsatisfiedLinkError: slabbin: refused the native "
                + "library " + fixture + " (from -Dslabbin.library.path=" + fixture + "): it is "
                + "slabbin's native library version 0.0.0-wrong-version (ABI "
                + SlabbinLibrary.ABI_VERSION + "), but this slabbin's Java library is version "
                + System.getProperty("slabbin.test.version") + " (a library and a JAR of different "
                + "slabbin versions; every release of the two is built and tested only together). "
                + "Nothing else was tried, because a library once loaded stays loaded. Set "
                + "-Dslabbin.library.path to slabbin's " + System.mapLibraryName("slabbin")
                + " for " + SlabbinLibrary.platformPrefix() + " of this slabbin version, or leave "
                + "it unset to use the library in the JAR."), r.all());
        assertFalse(r.out().contains("slot"), r.all());
    }

    /** A fixture library of the native build tree (CMake); skips the test when it is absent. */
    private static Path fixture(String name) {
        Path fixture = Path.of(System.getProperty("slabbin.test.nativeBuild"),
                System.mapLibraryName(name));
        assumeTrue(Files.isRegularFile(fixture), () -> "skipped: no fixture " + fixture);
        return fixture;
    }

    /** A child JVM that allocates a slot with {@code -Dslabbin.library.path=library}. */
    private static ChildJvm.Result withLibrary(Path library) throws Exception {
        return LoadLibraryMain.child().jvmArgs("-Dslabbin.library.path=" + library)
                .run("allocate-only");
    }

    // JVMs that end abruptly

    @Test
    void twentyHaltedJvmsLeaveOneExtractedCopy(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ChildJvm.Result>> runs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                runs.add(pool.submit(() -> fromJar().jvmArgs("-Dslabbin.tmpdir=" + dir)
                        .run("halt")));
            }
            for (Future<ChildJvm.Result> f : runs) {
                ChildJvm.Result r = f.get(5, TimeUnit.MINUTES);
                assertEquals(3, r.exit(), r.all());
                assertTrue(r.printed("loaded " + dir.resolve(extracted(0))), r.all());
                assertTrue(r.out().contains("slot true"), r.all());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(extracted(0)), names(dir));
        assertArrayEquals(library, Files.readAllBytes(dir.resolve(extracted(0))));
    }

    @Test
    void killedJvmsLeaveOneCopyAndDeadExtractionsAreRemoved(@TempDir Path dir) throws Exception {
        Process ended = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-version").redirectErrorStream(true).start();
        ended.getInputStream().readAllBytes();
        assertTrue(ended.waitFor(ChildJvm.TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assumeTrue(ProcessHandle.of(ended.pid()).isEmpty(), "skipped: process id reused at once");
        String dead = "." + extracted(0) + "." + ended.pid() + "-0123abcd.tmp";
        String alive = "." + extracted(0) + "." + ProcessHandle.current().pid() + "-4567cdef.tmp";
        Files.writeString(dir.resolve(dead), "half an extraction of an ended JVM");
        Files.writeString(dir.resolve(alive), "an extraction under way in a running JVM");
        for (int i = 0; i < 3; i++) {
            String first = fromJar().jvmArgs("-Dslabbin.tmpdir=" + dir)
                    .killAfterFirstLine("wait");
            assertEquals("loaded " + dir.resolve(extracted(0)), first);
        }
        assertEquals(List.of(alive, extracted(0)), names(dir));
    }

    // Two class loaders in one JVM

    @Test
    void twoClassLoadersWithTheExplicitPathBothLoad(@TempDir Path dir) throws Exception {
        String path = SlabbinLibrary.load();
        ChildJvm.Result r = LoadLibraryMain.child()
                .jvmArgs("-Dslabbin.library.path=" + path, "-Dslabbin.tmpdir=" + dir)
                .run("loaders");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.printed("loader1 loaded " + path + " slot true"), r.all());
        assertTrue(r.printed("loader2 loaded " + dir.resolve(extracted(1))
                + " slot true"), r.all());
    }

    @Test
    void twoClassLoadersFindingTheLibraryInTheJarBothLoad(@TempDir Path dir) throws Exception {
        ChildJvm.Result r = fromJar().jvmArgs("-Dslabbin.tmpdir=" + dir).run("loaders");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.printed("loader1 loaded " + dir.resolve(extracted(0))
                + " slot true"), r.all());
        assertTrue(r.printed("loader2 loaded " + dir.resolve(extracted(1))
                + " slot true"), r.all());
        assertEquals(Stream.of(extracted(0), extracted(1)).sorted().collect(Collectors.toList()),
                names(dir));
    }

    @Test
    void aTenthClassLoaderIsToldWhatHoldsTheCopies(@TempDir Path dir) throws Exception {
        ChildJvm.Result r = fromJar().jvmArgs("-Dslabbin.tmpdir=" + dir).run("loaders", "10");
        assertEquals(0, r.exit(), r.all());
        for (int i = 1; i <= 9; i++) {
            assertTrue(r.printed("loader" + i + " loaded " + dir.resolve(extracted(i - 1))
                    + " slot true"), r.all());
        }
        String tenth = r.out().lines().filter(l -> l.startsWith("loader10 failed: "))
                .findFirst().orElse("");
        assertTrue(tenth.startsWith("loader10 failed: java.lang.UnsatisfiedLinkError: slabbin: "
                + "cannot load the native library"), r.all());
        assertTrue(r.out().contains("Other class loaders of this JVM hold 9 of the files tried (a "
                + "file loads in one class loader only; slabbin uses copies for up to 9 class "
                + "loaders): load slabbin in one class loader the others share, such as a common "
                + "parent."), r.all());
    }

    // JDK 24+: native access denied

    @Test
    void deniedNativeAccessNamesTheFlagToPass() throws Exception {
        Path java = JDK25.resolve("bin").resolve("java");
        assumeTrue(Files.isExecutable(java), () -> "skipped: no JDK 25 at " + JDK25
                + " (set -Dslabbin.test.jdk25=JDK_HOME)");
        ChildJvm.Result denied = LoadLibraryMain.child().java(java)
                .jvmArgs("--illegal-native-access=deny").run("allocate-only");
        assertEquals(1, denied.exit(), denied.all());
        assertTrue(denied.err().contains("java.lang.UnsatisfiedLinkError: slabbin: this JVM "
                + "denies native access to code on the class path (Illegal native access from an "
                + "unnamed module"), denied.all());
        assertTrue(denied.err().contains("Start java with --enable-native-access=ALL-UNNAMED"),
                denied.all());
        assertTrue(denied.err().contains("Caused by: java.lang.IllegalCallerException"),
                denied.all());
        assertFalse(denied.err().contains("ExceptionInInitializerError"), denied.all());

        ChildJvm.Result enabled = LoadLibraryMain.child().java(java)
                .jvmArgs("--illegal-native-access=deny", "--enable-native-access=ALL-UNNAMED")
                .run("allocate-only");
        assertEquals(0, enabled.exit(), enabled.all());
        assertTrue(enabled.out().contains("slot true"), enabled.all());
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged library JAR as a module: the consumer application ({@code src/it/consumer}, a
 * module that {@code requires io.github.slabbin}) is compiled against it and run on the module
 * path with JNA, on this JDK and on JDK 25 (skipped, with a message, where
 * {@code -Dslabbin.jdk25.home} names no JDK 25). It loads the native library from the JAR with no
 * setup, sees only {@code io.github.slabbin} exported, and with
 * {@value #NATIVE_ACCESS} prints nothing on standard error; JDK 25 warns about each of the two
 * modules the option names when it is left out. On the class path of JDK 25 (the JAR, JNA and
 * {@link NativeBindingMain}), with each binding: {@value #CLASS_PATH_ACCESS} silences the
 * restricted-method warning, and without it the JDK prints it once, naming that option.
 */
class ModulePathIT {
    /** The option README and the package overview give for the module path. */
    static final String NATIVE_ACCESS = "--enable-native-access=io.github.slabbin,com.sun.jna";
    /** The option README gives for the class path, either binding. */
    static final String CLASS_PATH_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private static final String MAIN = "io.github.slabbin.consumer/io.github.slabbin.consumer.Main";

    @TempDir
    static Path dir;
    private static String modulePath;
    private static String version;
    /** JDK 25's {@code java} once looked up, and why it cannot be used (null: it can). */
    private static Path jdk25;
    private static String jdk25Absent;

    @BeforeAll
    static void compileTheConsumer() throws Exception {
        Path jar = Path.of(System.getProperty("slabbin.jar"));
        assertTrue(Files.isRegularFile(jar), "no packaged library JAR: " + jar);
        Path jna = Path.of(Native.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        Path sources = Path.of(System.getProperty("slabbin.consumer.sources"));
        version = System.getProperty("slabbin.test.version");
        Path classes = dir.resolve("consumer");
        List<String> options = List.of("--release", "17", "-Xlint:all", "-Werror",
                "-d", classes.toString(), "--module-path", jar + File.pathSeparator + jna);
        List<File> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).map(Path::toFile).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled;
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
            compiled = javac.getTask(diagnostics, fm, null, options, null,
                    fm.getJavaFileObjectsFromFiles(files)).call();
        }
        assertTrue(compiled, "the consumer does not compile against " + jar + ":\n" + diagnostics);
        modulePath = String.join(File.pathSeparator, classes.toString(), jar.toString(),
                jna.toString());
    }

    @Test
    void runsOnTheModulePathOfThisJdk() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ChildJvm.Result r = run(java, NATIVE_ACCESS);
        assertConsumerPassed(r);
        assertEquals("", r.err(), "standard error");
    }

    @Test
    void runsOnTheModulePathOfJdk25WithoutAWarning() throws Exception {
        ChildJvm.Result r = run(jdk25(), NATIVE_ACCESS);
        assertConsumerPassed(r);
        assertEquals("", r.err(), "standard error with " + NATIVE_ACCESS);
    }

    @Test
    void jdk25NamesBothModulesWhenNativeAccessIsNotGranted() throws Exception {
        ChildJvm.Result none = run(jdk25());
        assertConsumerPassed(none);
        assertTrue(none.err().contains("Use --enable-native-access=io.github.slabbin "),
                none.err());
        assertTrue(none.err().contains("Use --enable-native-access=com.sun.jna "), none.err());

        ChildJvm.Result libraryOnly = run(jdk25(), "--enable-native-access=io.github.slabbin");
        assertConsumerPassed(libraryOnly);
        assertTrue(libraryOnly.err().contains("Use --enable-native-access=com.sun.jna "),
                libraryOnly.err());
        assertFalse(libraryOnly.err().contains("io.github.slabbin"), libraryOnly.err());
    }

    @Test
    void jdk25OnTheClassPathWarnsOnlyWithoutTheOptionWithEitherBinding() throws Exception {
        for (String binding : List.of("ffm", "jni")) {
            ChildJvm.Result none = runClassPath(jdk25(), "-Dslabbin.binding=" + binding);
            assertEquals(binding + "\nallocate, free: OK; double free refused\n", none.out(),
                    none.describe());
            assertTrue(none.err().contains("WARNING: A restricted method in java.lang.System has"
                    + " been called"), none.err());
            assertTrue(none.err().contains("WARNING: Use " + CLASS_PATH_ACCESS + " to avoid a"
                    + " warning for callers in this module"), none.err());

            ChildJvm.Result granted = runClassPath(jdk25(), "-Dslabbin.binding=" + binding,
                    CLASS_PATH_ACCESS);
            assertEquals(binding + "\nallocate, free: OK; double free refused\n", granted.out(),
                    granted.describe());
            assertEquals("", granted.err(), "standard error with " + CLASS_PATH_ACCESS);
        }
    }

    private static ChildJvm.Result runClassPath(Path java, String... options) throws Exception {
        Path tests = Path.of(NativeBindingMain.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        String[] parts = modulePath.split(File.pathSeparator);
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(List.of(options));
        // The JAR and JNA (not the consumer), then the test classes for the main class.
        command.addAll(List.of("-cp", String.join(File.pathSeparator, parts[1], parts[2],
                tests.toString()), NativeBindingMain.class.getName()));
        return ChildJvm.exec(command, 60);
    }

    private static void assertConsumerPassed(ChildJvm.Result r) {
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("slabbin " + version + "\n"), r.out());
        assertTrue(r.out().contains("module io.github.slabbin exports [io.github.slabbin,"
                + " io.github.slabbin.internal to [io.github.slabbin.tools]]"), r.out());
        assertTrue(r.out().contains("allocate, write, read, free: OK; double free refused"),
                r.out());
        assertTrue(r.out().contains("structure in a slot: OK; close: OK"), r.out());
        assertTrue(r.out().endsWith("OK\n"), r.out());
    }

    /** The {@code java} of JDK 25; skips the calling test where there is none. */
    private static Path jdk25() throws Exception {
        if (jdk25 == null) {
            Path home = Path.of(System.getProperty("slabbin.jdk25.home",
                    "/usr/lib/jvm/temurin-25-jdk-amd64"));
            Path java = home.resolve("bin").resolve("java");
            if (!Files.isExecutable(java)) {
                jdk25Absent = "no JDK 25 at " + home
                        + " (set -Dslabbin.jdk25.home=...): the JDK 25 module-path run is skipped";
            } else if (!ChildJvm.exec(List.of(java.toString(), "-version"), 60).err()
                    .contains("version \"25")) {
                jdk25Absent = java + " is not JDK 25: the JDK 25 module-path run is skipped";
            }
            jdk25 = java;
        }
        assumeTrue(jdk25Absent == null, jdk25Absent);
        return jdk25;
    }

    private static ChildJvm.Result run(Path java, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("--module-path", modulePath, "--module", MAIN, version));
        return ChildJvm.exec(command, 60);
    }
}

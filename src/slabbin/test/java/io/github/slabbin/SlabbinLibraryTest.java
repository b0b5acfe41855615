package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Platform;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlabbinLibraryTest {

    @Test
    void platformPrefixIsJnasOnGlibc() {
        String expected = Platform.isLinux() && SlabbinLibrary.Musl.isRuntime()
                ? Platform.RESOURCE_PREFIX + "-musl" : Platform.RESOURCE_PREFIX;
        assertEquals(expected, SlabbinLibrary.platformPrefix());
        if (Platform.isLinux() && Platform.is64Bit() && "x86-64".equals(Platform.ARCH)
                && !SlabbinLibrary.Musl.isRuntime()) {
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
    void theLoadedLibraryIsTheProjectVersion() {
        assertEquals(System.getProperty("slabbin.test.version"),
                SlabbinLibrary.nativeLibraryVersion());
    }

    @Test
    void javaAndCAgreeOnTheAbiNumber() throws Exception {
        Path header = Path.of(System.getProperty("slabbin.test.nativeSource"), "include",
                "slabbin.h");
        assertTrue(Files.readString(header).contains("#define SLABBIN_ABI_VERSION "
                + SlabbinLibrary.ABI_VERSION + "\n"), header.toString());
    }

    @Test
    void propertyNamesAreDocumented() {
        assertEquals("slabbin.library.path", SlabbinLibrary.LIBRARY_PATH_PROPERTY);
        assertEquals("slabbin.tmpdir", SlabbinLibrary.TMPDIR_PROPERTY);
        assertEquals("-musl", SlabbinLibrary.MUSL_SUFFIX);
    }

    @Test
    void childJvmLoadsFromTheClassPath() throws Exception {
        ChildJvm.Result r = LoadLibraryMain.child().run("allocate");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("loaded /"), r.all());
        assertTrue(r.out().contains(SlabbinLibrary.platformPrefix() + File.separator
                + SlabbinLibrary.libraryFileName()), r.all());
        assertTrue(r.out().contains("slot true"), r.all());
    }

    @Test
    void childJvmWithAMissingExplicitPathExplainsTheFailure() throws Exception {
        ChildJvm.Result r = LoadLibraryMain.child()
                .jvmArgs("-Dslabbin.library.path=/nonexistent/libslabbin.so").run();
        assertNotEquals(0, r.exit());
        String err = r.err();
        assertTrue(err.contains("UnsatisfiedLinkError"), err);
        assertTrue(err.contains("for platform " + SlabbinLibrary.platformPrefix()), err);
        assertTrue(err.contains("-Dslabbin.library.path=/nonexistent/libslabbin.so ("
                + "/nonexistent/libslabbin.so): UnsatisfiedLinkError"), err);
        assertTrue(err.contains("\n-Dslabbin.library.path is set, so nothing else was tried: "
                + "point it to slabbin's " + SlabbinLibrary.libraryFileName() + " for "
                + SlabbinLibrary.platformPrefix() + ", or leave it unset to use the library in "
                + "the JAR."), err);
        assertFalse(err.contains("-Dslabbin.tmpdir"), err);
        assertFalse(r.out().contains("loaded"), r.out());
    }

    @Test
    void childJvmWithAnExplicitPathLoadsThatFile() throws Exception {
        String path = SlabbinLibrary.load();
        ChildJvm.Result r = LoadLibraryMain.child().jvmArgs("-Dslabbin.library.path=" + path)
                .run("allocate");
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.printed("loaded " + path), r.all());
        assertTrue(r.out().contains("slot true"), r.all());
    }

    @Test
    void anExplicitPathThatIsNotALibraryIsReported(@TempDir Path dir) throws Exception {
        Path notALib = dir.resolve("not-a-library.so");
        Files.writeString(notALib, "not an ELF file");
        ChildJvm.Result r = LoadLibraryMain.child().jvmArgs("-Dslabbin.library.path=" + notALib).run();
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("-Dslabbin.library.path=" + notALib + " (" + notALib + ")"),
                r.all());
    }

    // Musl detection, from injected inputs.

    /** A minimal ELF header with one PT_LOAD and, if interp is not null, one PT_INTERP. */
    static byte[] elf(boolean is64, boolean bigEndian, String interp) {
        int ehsize = is64 ? 64 : 52;
        int phentsize = is64 ? 56 : 32;
        int phnum = interp == null ? 1 : 2;
        byte[] s = interp == null ? new byte[0] : (interp + "\0").getBytes(StandardCharsets.UTF_8);
        int strOff = ehsize + phnum * phentsize;
        ByteBuffer b = ByteBuffer.allocate(strOff + s.length)
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (bigEndian ? 2 : 1),
            1});
        if (is64) {
            b.putLong(32, ehsize).putShort(54, (short) phentsize).putShort(56, (short) phnum);
        } else {
            b.putInt(28, ehsize).putShort(42, (short) phentsize).putShort(44, (short) phnum);
        }
        b.putInt(ehsize, 1); // PT_LOAD first: the interpreter is found among several headers
        if (interp != null) {
            int ph = ehsize + phentsize;
            b.putInt(ph, 3);
            if (is64) {
                b.putLong(ph + 8, strOff).putLong(ph + 32, s.length);
            } else {
                b.putInt(ph + 4, strOff).putInt(ph + 16, s.length);
            }
            b.put(strOff, s);
        }
        return b.array();
    }

    private static String interp(byte[] elf) {
        return SlabbinLibrary.Musl.interpreter(ByteBuffer.wrap(elf));
    }

    @Test
    void theInterpreterIsReadFromEveryElfClassAndByteOrder() {
        for (boolean is64 : new boolean[] {true, false}) {
            for (boolean be : new boolean[] {true, false}) {
                assertEquals("/lib/ld-musl-x86_64.so.1",
                        interp(elf(is64, be, "/lib/ld-musl-x86_64.so.1")), is64 + " " + be);
                assertEquals("/lib64/ld-linux-x86-64.so.2",
                        interp(elf(is64, be, "/lib64/ld-linux-x86-64.so.2")), is64 + " " + be);
                assertNull(interp(elf(is64, be, null)), "static executable");
            }
        }
    }

    @Test
    void malformedElfGivesNoInterpreter() {
        byte[] good = elf(true, false, "/lib/ld-musl-aarch64.so.1");
        assertNull(interp(new byte[0]));
        assertNull(interp("#!/bin/sh\necho not an ELF file at all, just text\n"
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals("/lib/ld-musl-aarch64.so.1", interp(good));
        for (int cut : new int[] {40, 64, 100, good.length - 4}) {
            assertNull(interp(Arrays.copyOf(good, cut)), "cut at " + cut);
        }
        byte[] wild = good.clone();
        ByteBuffer.wrap(wild).order(ByteOrder.LITTLE_ENDIAN).putLong(32, Long.MAX_VALUE - 7);
        assertNull(interp(wild), "program headers far beyond the file");
    }

    @Test
    void muslIsDecidedByTheInterpreterThenTheMappedFiles() {
        assertTrue(SlabbinLibrary.Musl.decide("/lib/ld-musl-x86_64.so.1", null));
        assertTrue(SlabbinLibrary.Musl.decide("/lib/ld-musl-aarch64.so.1", ""));
        assertFalse(SlabbinLibrary.Musl.decide("/lib64/ld-linux-x86-64.so.2",
                "7f00 r-xp /lib/ld-musl-x86_64.so.1"), "the interpreter decides when there is one");
        assertFalse(SlabbinLibrary.Musl.decide("/lib/ld-linux-aarch64.so.1", null));
        assertTrue(SlabbinLibrary.Musl.decide(null,
                "7f2c1000-7f2c2000 r-xp 00000000 08:01 123 /lib/ld-musl-x86_64.so.1\n"));
        assertTrue(SlabbinLibrary.Musl.decide(null,
                "7f2c1000 r-xp /usr/lib/libc.musl-x86_64.so.1"));
        assertFalse(SlabbinLibrary.Musl.decide(null,
                "7f2c1000-7f2c2000 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libc.so.6\n"));
        assertFalse(SlabbinLibrary.Musl.decide(null, null));
    }

    @Test
    void thisJvmsExecutableIsReadAsTheSystemDescribesIt() throws Exception {
        Path exe = Path.of("/proc/self/exe");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(exe),
                "no /proc/self/exe on this system");
        String interp = SlabbinLibrary.Musl.interpreter(exe);
        assertNotNull(interp, "the java launcher is dynamically linked");
        assertTrue(Files.exists(Path.of(interp)), interp);
        boolean muslLoader = Path.of(interp).getFileName().toString().startsWith("ld-musl-");
        assertEquals(muslLoader, SlabbinLibrary.Musl.isRuntime());
        assertEquals(muslLoader, SlabbinLibrary.platformPrefix().endsWith("-musl"));
        if (!muslLoader && Platform.isIntel() && Platform.is64Bit()) {
            assertEquals(List.of("ld-linux-x86-64.so.2"),
                    List.of(Path.of(interp).getFileName().toString()));
        }
    }
}

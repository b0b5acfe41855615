package io.github.slabbin;

import com.sun.jna.Platform;
import io.github.slabbin.internal.NativeLoader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds, loads and verifies slabbin's native library ({@code libslabbin.so},
 * {@code libslabbin.dylib}, {@code slabbin.dll}). Loading happens by itself on first use of
 * {@link SlabAllocator}; call {@link #load()} to do it earlier or to see a failure at a chosen
 * point.
 *
 * <p>Places tried, in order:
 * <ol>
 *   <li>the file named by the system property {@value #LIBRARY_PATH_PROPERTY}, if set (it wins:
 *       nothing else is tried when it is set);</li>
 *   <li>the class path resource {@code <prefix>/<library file>}, where {@code <prefix>} is
 *       {@link #platformPrefix()} (for example {@code linux-x86-64}): loaded where it is when it
 *       is a plain file, otherwise (inside a JAR) copied to an extraction directory and loaded from
 *       there;</li>
 *   <li>{@code System.loadLibrary("slabbin")}, that is {@code java.library.path}.</li>
 * </ol>
 *
 * <p>Extraction directories, tried in order until one works: the directory named by
 * {@value #TMPDIR_PROPERTY} if set (then it is the only one); otherwise {@code slabbin-<user>} in
 * {@code jna.tmpdir} if that is set, the user's cache directory ({@code $XDG_CACHE_HOME/slabbin} or
 * {@code ~/.cache/slabbin}; {@code ~/Library/Caches/slabbin} on macOS;
 * {@code %LOCALAPPDATA%\slabbin} on Windows), and {@code slabbin-<user>} in
 * {@code java.io.tmpdir}. Directories slabbin creates are readable and writable by their owner
 * only, and one shared with other users is refused. The extracted file is named after the
 * library's content ({@code libslabbin-<first 16 hex digits of its SHA-256>.so}), so every run of
 * one library version reuses one file and a JVM that ends abruptly ({@code Runtime.halt},
 * {@code kill -9}) leaves nothing new behind; an existing file is used only if its bytes are the
 * resource's. Temporary files of extractions that died half-way are removed at the next load. A
 * directory on a file system mounted {@code noexec} fails (the system refuses to map the code) and
 * the next one is tried.
 *
 * <p>A second class loader in the same JVM cannot load the file another one loaded (the JVM
 * refuses); it loads a copy named {@code libslabbin-<hash>-<n>.so} in the extraction directory
 * instead (n from 1 to 8), the explicit {@value #LIBRARY_PATH_PROPERTY} file included.
 *
 * <p>Every library is verified before it is accepted: it must answer the version check (JNI
 * entry points of slabbin's library) with ABI {@value #ABI_VERSION} and with this library's
 * version, {@link SlabbinVersion#version()}. Another library (say libz named by mistake), or
 * slabbin's library of another ABI or another version, is refused with an
 * {@link UnsatisfiedLinkError} naming the file (and both versions), and nothing else is tried,
 * because a library once loaded into a class loader cannot be unloaded.
 *
 * <p>When every place fails, {@link UnsatisfiedLinkError} names the platform prefix, every place
 * tried with its reason (the underlying errors are attached as suppressed exceptions) and the
 * properties to set. On JDK 24 and later with {@code --illegal-native-access=deny}, the error
 * names the {@code --enable-native-access} flag to pass.
 *
 * <p>Thread-safe: loading happens once per class loader, under a lock.
 */
public final class SlabbinLibrary {
    /** System property naming the native library file to load: {@value}. */
    public static final String LIBRARY_PATH_PROPERTY = "slabbin.library.path";

    /** System property naming the directory the library is extracted to: {@value}. */
    public static final String TMPDIR_PROPERTY = NativeLoader.TMPDIR_PROPERTY;

    /**
     * The ABI number this Java code needs from the native library: {@value}, the
     * {@code SLABBIN_ABI_VERSION} of {@code slabbin.h}.
     */
    public static final int ABI_VERSION = 1;

    /**
     * Appended to JNA's platform prefix on Linux with musl instead of glibc: {@value}. JNA does not
     * tell the two apart; a glibc library does not load on musl.
     */
    public static final String MUSL_SUFFIX = "-musl";

    private static final String NAME = "slabbin";
    /** Where and how the library is found; the version check is {@link #verify}. */
    private static final NativeLoader LOADER = new NativeLoader(NAME, NAME, LIBRARY_PATH_PROPERTY,
            platformPrefix(), SlabbinLibrary.class, file -> System.load(file),
            name -> System.loadLibrary(name), SlabbinLibrary::verify);
    private static volatile String loadedFrom;

    private SlabbinLibrary() {}

    /**
     * Loads and verifies the native library if this class loader has not done so yet.
     *
     * @return where it was loaded from (an absolute file path, or {@code java.library.path})
     * @throws UnsatisfiedLinkError if no place worked (the message lists them all), if the library
     *     found is not slabbin's or has another ABI or version than this Java library, or if the
     *     JVM denies native access
     */
    public static String load() {
        String from = loadedFrom;
        if (from != null) {
            return from;
        }
        synchronized (SlabbinLibrary.class) {
            if (loadedFrom == null) {
                loadedFrom = LOADER.load();
            }
            return loadedFrom;
        }
    }

    /**
     * The version of the loaded native library, e.g. {@code 0.1.0}; loads it first.
     *
     * @return the version the library was built as
     * @throws UnsatisfiedLinkError as {@link #load()}
     */
    public static String nativeLibraryVersion() {
        load();
        return nativeVersion();
    }

    /**
     * The folder inside the JAR this JVM loads the library from: JNA's
     * {@link Platform#RESOURCE_PREFIX} (for example {@code linux-x86-64}), with
     * {@value #MUSL_SUFFIX} appended on Linux with musl (for example {@code linux-x86-64-musl}).
     *
     * @return the prefix, never null
     */
    public static String platformPrefix() {
        return PlatformPrefix.VALUE;
    }

    /**
     * The native library's file name on this platform, e.g. {@code libslabbin.so}.
     *
     * @return the file name, never null
     */
    public static String libraryFileName() {
        return System.mapLibraryName(NAME);
    }

    /** The version check: the library's ABI number (Java_io_github_slabbin_SlabbinLibrary_*). */
    private static native int abiVersion();

    private static native String nativeVersion();

    /**
     * The version check of a library just loaded: slabbin's entry point, its ABI, then its version
     * (equal to {@link SlabbinVersion#version()}); throws when it is refused.
     */
    private static void verify(String file, String source) {
        int abi;
        try {
            abi = abiVersion();
        } catch (UnsatisfiedLinkError e) {
            throw refused(file, source, "it is not slabbin's native library (it has no entry point "
                    + "Java_io_github_slabbin_SlabbinLibrary_abiVersion)", e);
        } catch (IllegalCallerException e) {
            throw LOADER.nativeAccessDenied(e);
        }
        if (abi != ABI_VERSION) {
            throw refused(file, source, "it is slabbin's native library version " + nativeVersion()
                    + " with ABI " + abi + ", but this slabbin needs ABI " + ABI_VERSION
                    + " (a library and a JAR of different slabbin versions)", null);
        }
        String version = nativeVersion();
        String expected = SlabbinVersion.version();
        if (!version.equals(expected)) {
            throw refused(file, source, "it is slabbin's native library version " + version
                    + " (ABI " + abi + "), but this slabbin's Java library is version " + expected
                    + " (a library and a JAR of different slabbin versions; every release of the"
                    + " two is built and tested only together)", null);
        }
    }

    private static UnsatisfiedLinkError refused(String file, String source, String why,
                                                Throwable cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("slabbin: refused the native library "
                + file + " (from " + source + "): " + why + ". Nothing else was tried, because a "
                + "library once loaded stays loaded. Set -D" + LIBRARY_PATH_PROPERTY
                + " to slabbin's " + libraryFileName() + " for " + platformPrefix()
                + " of this slabbin version, or leave it unset to use the library in the JAR.");
        e.initCause(cause);
        return e;
    }

    /** {@link #platformPrefix()}, computed once on first use. */
    private static final class PlatformPrefix {
        static final String VALUE = Platform.isLinux() && Musl.isRuntime()
                ? Platform.RESOURCE_PREFIX + MUSL_SUFFIX : Platform.RESOURCE_PREFIX;
    }

    /**
     * Tells musl from glibc on Linux: by the program interpreter (dynamic loader) of the running
     * executable, {@code /proc/self/exe} ({@code /lib/ld-musl-x86_64.so.1} on musl,
     * {@code /lib64/ld-linux-x86-64.so.2} on glibc); for an executable without one (static),
     * by the musl loader appearing among the mapped files ({@code /proc/self/maps}).
     */
    static final class Musl {
        private static final int PT_INTERP = 3;

        private Musl() {}

        static boolean isRuntime() {
            return decide(interpreter(Path.of("/proc/self/exe")),
                    readText(Path.of("/proc/self/maps")));
        }

        /**
         * The decision, from injectable inputs: musl if the interpreter's file name starts with
         * {@code ld-musl-}; without an interpreter (null), if {@code maps} names a musl loader or
         * C library; else glibc (false).
         */
        static boolean decide(String interpreter, String maps) {
            if (interpreter != null) {
                return Path.of(interpreter).getFileName().toString().startsWith("ld-musl-");
            }
            return maps != null && (maps.contains("/ld-musl-") || maps.contains("/libc.musl-"));
        }

        /** The PT_INTERP string of an ELF file's first 64 KiB, or null (none, or not ELF). */
        static String interpreter(Path elf) {
            try (FileChannel ch = FileChannel.open(elf)) {
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 64 * 1024));
                while (b.hasRemaining() && ch.read(b) >= 0) {
                    // read what there is
                }
                b.flip();
                return interpreter(b);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** As {@link #interpreter(Path)}, from the file's first bytes; null when malformed. */
        static String interpreter(ByteBuffer elf) {
            try {
                if (elf.limit() < 52 || elf.get(0) != 0x7f || elf.get(1) != 'E'
                        || elf.get(2) != 'L' || elf.get(3) != 'F') {
                    return null;
                }
                boolean is64 = elf.get(4) == 2;
                elf.order(elf.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                long phoff = is64 ? elf.getLong(32) : Integer.toUnsignedLong(elf.getInt(28));
                int phentsize = Short.toUnsignedInt(elf.getShort(is64 ? 54 : 42));
                int phnum = Short.toUnsignedInt(elf.getShort(is64 ? 56 : 44));
                for (int i = 0; i < phnum; i++) {
                    int ph = Math.toIntExact(phoff + (long) i * phentsize);
                    if (elf.getInt(ph) != PT_INTERP) {
                        continue;
                    }
                    long off = is64 ? elf.getLong(ph + 8)
                            : Integer.toUnsignedLong(elf.getInt(ph + 4));
                    long size = is64 ? elf.getLong(ph + 32)
                            : Integer.toUnsignedLong(elf.getInt(ph + 16));
                    byte[] s = new byte[Math.toIntExact(size)];
                    elf.get(Math.toIntExact(off), s);
                    int end = 0;
                    while (end < s.length && s[end] != 0) {
                        end++;
                    }
                    return new String(s, 0, end, StandardCharsets.ISO_8859_1);
                }
                return null;
            } catch (IndexOutOfBoundsException | ArithmeticException e) {
                return null;
            }
        }

        private static String readText(Path p) {
            try {
                return Files.readString(p, StandardCharsets.ISO_8859_1);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}

package io.github.slabbin;

import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

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
 * <p>Every library is verified before it is accepted: it must answer the version check (a JNI
 * entry point of slabbin's library) with ABI {@value #ABI_VERSION}. Another library (say libz
 * named by mistake) or slabbin's library of an incompatible version is refused with an
 * {@link UnsatisfiedLinkError} naming the file, and nothing else is tried, because a library once
 * loaded into a class loader cannot be unloaded.
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
    public static final String TMPDIR_PROPERTY = "slabbin.tmpdir";

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

    /** Copies of one library file for further class loaders in one JVM: 1 to {@value}. */
    private static final int MAX_LOADER_COPIES = 8;

    private static final String NAME = "slabbin";
    private static final String ANOTHER_LOADER = "already loaded in another classloader";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rwx------");
    private static volatile String loadedFrom;

    private SlabbinLibrary() {}

    /**
     * Loads and verifies the native library if this class loader has not done so yet.
     *
     * @return where it was loaded from (an absolute file path, or {@code java.library.path})
     * @throws UnsatisfiedLinkError if no place worked (the message lists them all), if the library
     *     found is not slabbin's or has another ABI, or if the JVM denies native access
     */
    public static String load() {
        String from = loadedFrom;
        if (from != null) {
            return from;
        }
        synchronized (SlabbinLibrary.class) {
            if (loadedFrom == null) {
                loadedFrom = doLoad();
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

    private enum Outcome { LOADED, FAILED, IN_ANOTHER_LOADER }

    private static String doLoad() {
        String explicit = property(LIBRARY_PATH_PROPERTY);
        Attempts attempts = new Attempts(explicit != null);
        if (explicit != null) {
            String source = "-D" + LIBRARY_PATH_PROPERTY + "=" + explicit;
            Path file = Path.of(explicit).toAbsolutePath();
            Outcome o = tryLoad(file, source, attempts);
            if (o == Outcome.LOADED) {
                return file.toString();
            }
            if (o == Outcome.IN_ANOTHER_LOADER) {
                try {
                    String copy = loadCopy(Files.readAllBytes(file), source, 1, attempts);
                    if (copy != null) {
                        return copy;
                    }
                } catch (IOException e) {
                    attempts.failed("reading " + file + " to copy it", e);
                }
            }
            throw attempts.failure();
        }
        attempts.note("-D" + LIBRARY_PATH_PROPERTY + ": not set");

        String resource = platformPrefix() + "/" + libraryFileName();
        String source = "class path resource " + resource;
        ClassLoader loader = SlabbinLibrary.class.getClassLoader();
        URL url = loader == null ? ClassLoader.getSystemResource(resource)
                : loader.getResource(resource);
        if (url == null) {
            attempts.note(source + ": not found (the JAR carries no library for this platform)");
        } else {
            Path inPlace = plainFile(url);
            if (inPlace != null && tryLoad(inPlace, source, attempts) == Outcome.LOADED) {
                return inPlace.toString();
            }
            try (InputStream in = url.openStream()) {
                String copy = loadCopy(in.readAllBytes(), source, 0, attempts);
                if (copy != null) {
                    return copy;
                }
            } catch (IOException e) {
                attempts.failed("reading " + url, e);
            }
        }

        String source3 = "java.library.path=" + System.getProperty("java.library.path");
        try {
            System.loadLibrary(NAME);
        } catch (UnsatisfiedLinkError e) {
            attempts.failed(source3, e);
            throw attempts.failure();
        } catch (IllegalCallerException e) {
            throw nativeAccessDenied(e);
        }
        verify("java.library.path", source3);
        return "java.library.path";
    }

    /** A system property's value, or null when it is unset or blank. */
    private static String property(String name) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** The file behind a {@code file:} URL, else null (a JAR entry, or not a path). */
    private static Path plainFile(URL url) {
        if (!"file".equals(url.getProtocol())) {
            return null;
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Loads {@code file}; verifies it once loaded (throws when it is not slabbin's or has another
     * ABI). A load failure is recorded and reported as FAILED or IN_ANOTHER_LOADER.
     */
    private static Outcome tryLoad(Path file, String source, Attempts attempts) {
        try {
            System.load(file.toString());
        } catch (UnsatisfiedLinkError e) {
            return attempts.failed(source + " (" + file + ")", e) ? Outcome.IN_ANOTHER_LOADER
                    : Outcome.FAILED;
        } catch (IllegalCallerException e) {
            throw nativeAccessDenied(e);
        }
        verify(file.toString(), source);
        return Outcome.LOADED;
    }

    /** The version check of a library just loaded; throws when it is refused. */
    private static void verify(String file, String source) {
        int abi;
        try {
            abi = abiVersion();
        } catch (UnsatisfiedLinkError e) {
            throw refused(file, source, "it is not slabbin's native library (it has no entry point "
                    + "Java_io_github_slabbin_SlabbinLibrary_abiVersion)", e);
        } catch (IllegalCallerException e) {
            throw nativeAccessDenied(e);
        }
        if (abi != ABI_VERSION) {
            throw refused(file, source, "it is slabbin's native library version " + nativeVersion()
                    + " with ABI " + abi + ", but this slabbin needs ABI " + ABI_VERSION
                    + " (a library and a JAR of different slabbin versions)", null);
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

    private static UnsatisfiedLinkError nativeAccessDenied(IllegalCallerException cause) {
        Module m = SlabbinLibrary.class.getModule();
        String who = m.isNamed() ? m.getName() : "ALL-UNNAMED";
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("slabbin: this JVM denies native access "
                + "to " + (m.isNamed() ? "module " + who : "code on the class path") + " ("
                + cause.getMessage() + "), which slabbin needs to load its native library. Start "
                + "java with --enable-native-access=" + who + " (an executable JAR can declare "
                + "'Enable-Native-Access: ALL-UNNAMED' in its manifest instead), or without "
                + "--illegal-native-access=deny.");
        e.initCause(cause);
        return e;
    }

    /**
     * Copies {@code bytes} (a library) to the first extraction directory that works and loads it.
     * Copy 0 is {@code libslabbin-<hash>.so}; when that file is loaded by another class loader of
     * this JVM, copies 1, 2, ... are tried. Returns the file loaded, or null.
     */
    private static String loadCopy(byte[] bytes, String source, int firstCopy, Attempts attempts) {
        String hash = sha256(bytes).substring(0, 16);
        List<Path> dirs;
        try {
            dirs = extractionDirs();
        } catch (RuntimeException e) {
            attempts.failed("choosing an extraction directory", e);
            return null;
        }
        for (Path dir : dirs) {
            for (int copy = firstCopy; copy <= MAX_LOADER_COPIES; copy++) {
                Path file;
                try {
                    file = extract(dir, bytes, hash, copy);
                } catch (IOException | RuntimeException e) {
                    attempts.failed("extracting " + source + " to " + dir, e);
                    break;
                }
                Outcome o = tryLoad(file, source + " extracted", attempts);
                if (o == Outcome.LOADED) {
                    return file.toString();
                }
                if (o == Outcome.FAILED) {
                    break;
                }
            }
        }
        return null;
    }

    /** The extraction directories, in the order they are tried (see the class comment). */
    static List<Path> extractionDirs() {
        String explicit = property(TMPDIR_PROPERTY);
        if (explicit != null) {
            return List.of(Path.of(explicit).toAbsolutePath());
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        Set<Path> dirs = new LinkedHashSet<>();
        String jna = property("jna.tmpdir");
        if (jna != null) {
            dirs.add(Path.of(jna, "slabbin-" + user).toAbsolutePath());
        }
        Path cache = userCacheDir();
        if (cache != null) {
            dirs.add(cache.resolve(NAME).toAbsolutePath());
        }
        dirs.add(Path.of(System.getProperty("java.io.tmpdir"), "slabbin-" + user).toAbsolutePath());
        return List.copyOf(dirs);
    }

    private static Path userCacheDir() {
        String home = System.getProperty("user.home");
        if (Platform.isWindows()) {
            String local = System.getenv("LOCALAPPDATA");
            return local == null || local.isBlank() ? null : Path.of(local);
        }
        if (Platform.isMac()) {
            return home == null ? null : Path.of(home, "Library", "Caches");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        return home == null || home.isBlank() ? null : Path.of(home, ".cache");
    }

    /**
     * Puts {@code bytes} at {@code dir/libslabbin-<hash>[-<copy>].so}: the file there if it holds
     * exactly these bytes, else written to a temporary file and moved into place atomically (so
     * JVMs extracting at once never load a half-written file).
     */
    private static Path extract(Path dir, byte[] bytes, String hash, int copy) throws IOException {
        prepareDirectory(dir);
        removeAbandonedTemporaryFiles(dir);
        String name = System.mapLibraryName(NAME + "-" + hash + (copy == 0 ? "" : "-" + copy));
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && Files.size(file) == bytes.length
                && Arrays.equals(Files.readAllBytes(file), bytes)) {
            return file;
        }
        Path tmp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    /**
     * Creates {@code dir} (owner-only on POSIX systems) if needed. A directory slabbin names itself
     * under a shared location must belong to this user and not be writable by others; the one
     * named by {@value #TMPDIR_PROPERTY} is the user's choice and is taken as it is.
     */
    private static void prepareDirectory(Path dir) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (!posix || property(TMPDIR_PROPERTY) != null) {
            return;
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new IOException(dir + " is not a directory (a symbolic link?)");
        }
        if (a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || a.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " is writable by other users ("
                    + PosixFilePermissions.toString(a.permissions()) + ")");
        }
        UserPrincipal me = currentUser();
        if (me != null && !me.equals(a.owner())) {
            throw new IOException(dir + " belongs to " + a.owner().getName() + ", not "
                    + me.getName());
        }
    }

    private static UserPrincipal currentUser() {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Deletes {@code .libslabbin-*.<pid>-<random>.tmp} files whose process no longer runs. */
    private static void removeAbandonedTemporaryFiles(Path dir) {
        String stem = System.mapLibraryName(NAME);
        String prefix = "." + stem.substring(0, stem.indexOf(NAME)) + NAME + "-";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix)) {
                    continue;
                }
                String tail = n.substring(0, n.length() - ".tmp".length());
                String pid = tail.substring(tail.lastIndexOf('.') + 1);
                int dash = pid.indexOf('-');
                if (dash > 0 && ProcessHandle.of(Long.parseLong(pid.substring(0, dash)))
                        .isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a file left now is removed by a later load.
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** What each place tried gave; turned into the final error. */
    private static final class Attempts {
        private final List<String> lines = new ArrayList<>();
        private final List<Throwable> errors = new ArrayList<>();
        private final boolean explicit;
        private boolean noexec;
        private int inAnotherLoader;

        Attempts(boolean explicit) {
            this.explicit = explicit;
        }

        void note(String line) {
            lines.add(line);
        }

        /** Records a failed attempt; true if the file is loaded by another class loader. */
        boolean failed(String what, Throwable e) {
            String m = String.valueOf(e.getMessage());
            String hint = "";
            if (m.contains("failed to map segment") || m.contains("Operation not permitted")) {
                noexec = true;
                hint = " (a file system mounted noexec?)";
            }
            boolean another = m.contains(ANOTHER_LOADER);
            if (another) {
                inAnotherLoader++;
            }
            lines.add(what + ": " + e.getClass().getSimpleName() + ": " + m + hint);
            errors.add(e);
            return another;
        }

        UnsatisfiedLinkError failure() {
            StringBuilder sb = new StringBuilder("slabbin: cannot load the native library ")
                    .append(libraryFileName()).append(" for platform ").append(platformPrefix())
                    .append(". Tried:");
            for (String t : lines) {
                sb.append("\n  - ").append(t);
            }
            if (inAnotherLoader > 0) {
                sb.append("\nOther class loaders of this JVM hold ").append(inAnotherLoader)
                        .append(" of the files tried (a file loads in one class loader only; ")
                        .append("slabbin uses copies for up to ").append(MAX_LOADER_COPIES + 1)
                        .append(" class loaders): load slabbin in one class loader the others ")
                        .append("share, such as a common parent.");
            }
            if (explicit) {
                sb.append("\n-D").append(LIBRARY_PATH_PROPERTY).append(" is set, so nothing ")
                        .append("else was tried: point it to slabbin's ").append(libraryFileName())
                        .append(" for ").append(platformPrefix())
                        .append(", or leave it unset to use the library in the JAR.");
            }
            if (!explicit || inAnotherLoader > 0 || noexec) {
                sb.append("\nSet -D").append(TMPDIR_PROPERTY)
                        .append("=DIR to extract the library to a directory that allows loading ")
                        .append("native code").append(noexec ? " (not on a file system mounted "
                                + "noexec)" : "");
                if (!explicit) {
                    sb.append(", or -D").append(LIBRARY_PATH_PROPERTY).append("=/path/to/")
                            .append(libraryFileName()).append(" to load a file directly (build ")
                            .append("one for this platform with mvn package)");
                }
                sb.append('.');
            }
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(sb.toString());
            errors.forEach(e::addSuppressed);
            return e;
        }
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

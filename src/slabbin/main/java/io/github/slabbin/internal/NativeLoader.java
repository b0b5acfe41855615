package io.github.slabbin.internal;

import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
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
import java.util.function.Consumer;

/**
 * Finds and loads one native library of slabbin's: the library's {@code libslabbin} (through
 * {@code io.github.slabbin.SlabbinLibrary}, which documents the places and the messages) and the
 * tools' {@code libslabbin_tools}. Places tried, in order: the file named by a system property
 * (when set, nothing else is tried); the class path resource {@code <prefix>/<library file>},
 * loaded in place when it is a plain file, else extracted to the first extraction directory that
 * works under a name made of its content's hash (a copy {@code -<n>} for each further class
 * loader of the JVM); {@code System.loadLibrary}. Every file loaded is passed to a verifier
 * before it is accepted.
 *
 * <p>The {@code System.load} and {@code System.loadLibrary} calls are the caller's (lambdas
 * written in the class whose native methods the library implements): the JVM binds a library to
 * the class loader of the class that loads it, and grants native access by the caller's module.
 *
 * <p>One instance per library; {@link #load()} is not synchronized (the caller loads once, under
 * its own lock).
 */
public final class NativeLoader {
    /** System property naming the directory libraries are extracted to: {@value}. */
    public static final String TMPDIR_PROPERTY = "slabbin.tmpdir";

    /** Copies of one library file for further class loaders in one JVM: 1 to {@value}. */
    public static final int MAX_LOADER_COPIES = 8;

    /** The folder of the user's cache directory that extracted libraries go to. */
    private static final String CACHE_DIRECTORY = "slabbin";
    private static final String ANOTHER_LOADER = "already loaded in another classloader";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rwx------");

    /** What checks a library just loaded: returns when it is accepted, else throws. */
    @FunctionalInterface
    public interface Verifier {
        /**
         * Checks the library just loaded.
         *
         * @param file   the file loaded, or {@code java.library.path}
         * @param source where it came from, for messages
         * @throws UnsatisfiedLinkError when the library is refused
         */
        void verify(String file, String source);
    }

    /** The library's name without prefix and suffix, e.g. {@code slabbin}. */
    private final String name;
    /** Who speaks in messages, e.g. {@code slabbin}. */
    private final String label;
    /** The system property naming the file to load. */
    private final String pathProperty;
    /** The folder of the class path resource, e.g. {@code linux-x86-64}. */
    private final String prefix;
    /** The class whose class loader finds the resource and whose module needs native access. */
    private final Class<?> anchor;
    private final Consumer<String> systemLoad;
    private final Consumer<String> systemLoadLibrary;
    private final Verifier verifier;

    /**
     * A loader of one library.
     *
     * @param name              the library's name, e.g. {@code slabbin} for {@code libslabbin.so}
     * @param label             who speaks in messages, e.g. {@code slabbin}
     * @param pathProperty      the system property naming a file to load instead of searching
     * @param prefix            the folder of the class path resource, e.g. {@code linux-x86-64}
     * @param anchor            the class the library's native methods belong to
     * @param systemLoad        {@code f -> System.load(f)}, written in {@code anchor}
     * @param systemLoadLibrary {@code n -> System.loadLibrary(n)}, written in {@code anchor}
     * @param verifier          checks each library just loaded
     */
    public NativeLoader(String name, String label, String pathProperty, String prefix,
                        Class<?> anchor, Consumer<String> systemLoad,
                        Consumer<String> systemLoadLibrary, Verifier verifier) {
        this.name = name;
        this.label = label;
        this.pathProperty = pathProperty;
        this.prefix = prefix;
        this.anchor = anchor;
        this.systemLoad = systemLoad;
        this.systemLoadLibrary = systemLoadLibrary;
        this.verifier = verifier;
    }

    /**
     * The library's file name on this platform, e.g. {@code libslabbin.so}.
     *
     * @return the file name
     */
    public String fileName() {
        return System.mapLibraryName(name);
    }

    private enum Outcome { LOADED, FAILED, IN_ANOTHER_LOADER }

    /**
     * Loads and verifies the library, trying the places in order.
     *
     * @return where it was loaded from (an absolute file path, or {@code java.library.path})
     * @throws UnsatisfiedLinkError if no place worked (the message lists them all), if the
     *     verifier refused the library, or if the JVM denies native access
     */
    public String load() {
        String explicit = property(pathProperty);
        Attempts attempts = new Attempts(explicit != null);
        if (explicit != null) {
            String source = "-D" + pathProperty + "=" + explicit;
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
        attempts.note("-D" + pathProperty + ": not set");

        String resource = prefix + "/" + fileName();
        String source = "class path resource " + resource;
        ClassLoader loader = anchor.getClassLoader();
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
            systemLoadLibrary.accept(name);
        } catch (UnsatisfiedLinkError e) {
            attempts.failed(source3, e);
            throw attempts.failure();
        } catch (IllegalCallerException e) {
            throw nativeAccessDenied(e);
        }
        verifier.verify("java.library.path", source3);
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
    private Outcome tryLoad(Path file, String source, Attempts attempts) {
        try {
            systemLoad.accept(file.toString());
        } catch (UnsatisfiedLinkError e) {
            return attempts.failed(source + " (" + file + ")", e) ? Outcome.IN_ANOTHER_LOADER
                    : Outcome.FAILED;
        } catch (IllegalCallerException e) {
            throw nativeAccessDenied(e);
        }
        verifier.verify(file.toString(), source);
        return Outcome.LOADED;
    }

    /**
     * The error for a JVM that denies native access to {@code anchor}'s module (JDK 24 and later
     * with {@code --illegal-native-access=deny}), naming the flag to pass.
     *
     * @param cause what the JVM threw
     * @return the error to throw
     */
    public UnsatisfiedLinkError nativeAccessDenied(IllegalCallerException cause) {
        Module m = anchor.getModule();
        String who = m.isNamed() ? m.getName() : "ALL-UNNAMED";
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(label + ": this JVM denies native "
                + "access to " + (m.isNamed() ? "module " + who : "code on the class path") + " ("
                + cause.getMessage() + "), which " + label + " needs to load its native library. "
                + "Start "
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
    private String loadCopy(byte[] bytes, String source, int firstCopy, Attempts attempts) {
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
    private static List<Path> extractionDirs() {
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
            dirs.add(cache.resolve(CACHE_DIRECTORY).toAbsolutePath());
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
    private Path extract(Path dir, byte[] bytes, String hash, int copy) throws IOException {
        prepareDirectory(dir);
        removeAbandonedTemporaryFiles(dir);
        String named = System.mapLibraryName(name + "-" + hash + (copy == 0 ? "" : "-" + copy));
        Path file = dir.resolve(named);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && Files.size(file) == bytes.length
                && Arrays.equals(Files.readAllBytes(file), bytes)) {
            return file;
        }
        Path tmp = dir.resolve("." + named + "." + ProcessHandle.current().pid() + "-"
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
    private void removeAbandonedTemporaryFiles(Path dir) {
        String stem = System.mapLibraryName(name);
        String start = "." + stem.substring(0, stem.indexOf(name)) + name + "-";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(start)) {
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
    private final class Attempts {
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
            StringBuilder sb = new StringBuilder(label + ": cannot load the native library ")
                    .append(fileName()).append(" for platform ").append(prefix)
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
                sb.append("\n-D").append(pathProperty).append(" is set, so nothing ")
                        .append("else was tried: point it to slabbin's ").append(fileName())
                        .append(" for ").append(prefix)
                        .append(", or leave it unset to use the library in the JAR.");
            }
            if (!explicit || inAnotherLoader > 0 || noexec) {
                sb.append("\nSet -D").append(TMPDIR_PROPERTY)
                        .append("=DIR to extract the library to a directory that allows loading ")
                        .append("native code").append(noexec ? " (not on a file system mounted "
                                + "noexec)" : "");
                if (!explicit) {
                    sb.append(", or -D").append(pathProperty).append("=/path/to/")
                            .append(fileName()).append(" to load a file directly (build ")
                            .append("one for this platform with mvn package)");
                }
                sb.append('.');
            }
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(sb.toString());
            errors.forEach(e::addSuppressed);
            return e;
        }
    }
}

package io.github.slabbin;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and loads slabbin's native library ({@code libslabbin.so}, {@code libslabbin.dylib},
 * {@code slabbin.dll}). Loading happens by itself on first use of {@link SlabAllocator}; call
 * {@link #load()} to do it earlier or to see a failure at a chosen point.
 *
 * <p>Places tried, in order:
 * <ol>
 *   <li>the file named by the system property {@value #LIBRARY_PATH_PROPERTY}, if set (it wins:
 *       nothing else is tried when it is set);</li>
 *   <li>the class path resource {@code <prefix>/<library file>}, where {@code <prefix>} is JNA's
 *       platform prefix {@link Platform#RESOURCE_PREFIX} (for example {@code linux-x86-64}),
 *       extracted to a temporary file by JNA when it lives inside a JAR;</li>
 *   <li>{@code System.loadLibrary("slabbin")}, that is {@code java.library.path}.</li>
 * </ol>
 * When all fail, {@link UnsatisfiedLinkError} names the platform prefix, every place tried with its
 * reason, and the property to set.
 *
 * <p>Thread-safe: loading happens once, under a lock.
 */
public final class SlabbinLibrary {
    /** System property naming the native library file to load: {@value}. */
    public static final String LIBRARY_PATH_PROPERTY = "slabbin.library.path";

    private static final String NAME = "slabbin";
    private static volatile String loadedFrom;

    private SlabbinLibrary() {}

    /**
     * Loads the native library if it is not loaded yet.
     *
     * @return where it was loaded from (an absolute file path, or {@code java.library.path})
     * @throws UnsatisfiedLinkError if no place worked; the message lists them all
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
     * The platform prefix this JVM looks under in the JAR, JNA's {@link Platform#RESOURCE_PREFIX}
     * (for example {@code linux-x86-64}).
     *
     * @return the prefix, never null
     */
    public static String platformPrefix() {
        return Platform.RESOURCE_PREFIX;
    }

    /**
     * The native library's file name on this platform, e.g. {@code libslabbin.so}.
     *
     * @return the file name, never null
     */
    public static String libraryFileName() {
        return System.mapLibraryName(NAME);
    }

    private static String doLoad() {
        String resource = platformPrefix() + "/" + libraryFileName();
        String explicit = System.getProperty(LIBRARY_PATH_PROPERTY);
        List<String> tried = new ArrayList<>();
        if (explicit != null && !explicit.isBlank()) {
            File file = new File(explicit).getAbsoluteFile();
            try {
                System.load(file.getPath());
                return file.getPath();
            } catch (UnsatisfiedLinkError e) {
                tried.add("-D" + LIBRARY_PATH_PROPERTY + "=" + explicit + ": " + e.getMessage());
                throw failure(tried);
            }
        }
        tried.add("-D" + LIBRARY_PATH_PROPERTY + ": not set");
        try {
            File file = Native.extractFromResourcePath(NAME, SlabbinLibrary.class.getClassLoader());
            try {
                System.load(file.getAbsolutePath());
                return file.getAbsolutePath();
            } catch (UnsatisfiedLinkError e) {
                tried.add("class path resource " + resource + " (as " + file + "): " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            tried.add("class path resource " + resource + ": " + e.getMessage());
        }
        try {
            System.loadLibrary(NAME);
            return "java.library.path";
        } catch (UnsatisfiedLinkError e) {
            tried.add("java.library.path=" + System.getProperty("java.library.path") + ": "
                    + e.getMessage());
        }
        throw failure(tried);
    }

    private static UnsatisfiedLinkError failure(List<String> tried) {
        StringBuilder sb = new StringBuilder("slabbin: cannot load the native library ")
                .append(libraryFileName()).append(" for platform ").append(platformPrefix())
                .append(". Tried:");
        for (String t : tried) {
            sb.append("\n  - ").append(t);
        }
        sb.append("\nBuild it for this platform (mvn package) or set -D")
                .append(LIBRARY_PATH_PROPERTY).append("=/path/to/").append(libraryFileName());
        return new UnsatisfiedLinkError(sb.toString());
    }
}

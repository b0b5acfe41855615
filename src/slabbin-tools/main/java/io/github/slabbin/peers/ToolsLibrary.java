package io.github.slabbin.peers;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.File;
import java.io.IOException;

/**
 * Finds and loads the tools' native library ({@code libslabbin_tools.so}, {@code .dylib},
 * {@code slabbin_tools.dll}): the C-driven replay, the replay contract's pattern calls and the
 * native peers. It carries its own copy of the C core, so it does not need the library's
 * {@code libslabbin}. Loading happens by itself on first use of a class that needs it.
 *
 * <p>Places tried, in order: the file named by the system property
 * {@value #LIBRARY_PATH_PROPERTY} (when set, nothing else is tried); the class path resource
 * {@code <JNA platform prefix>/<library file>}, extracted by JNA when it lives inside a JAR;
 * {@code System.loadLibrary("slabbin_tools")}. When all fail, {@link UnsatisfiedLinkError} names
 * every place tried with its reason.
 *
 * <p>Thread-safe: loading happens once, under a lock.
 */
public final class ToolsLibrary {
    /** System property naming the tools' native library file to load: {@value}. */
    public static final String LIBRARY_PATH_PROPERTY = "slabbin.tools.library.path";

    private static final String NAME = "slabbin_tools";
    private static String loadedFrom;

    private ToolsLibrary() {}

    /**
     * Loads the tools' native library if it is not loaded yet.
     *
     * @return where it was loaded from (an absolute file path, or {@code java.library.path})
     * @throws UnsatisfiedLinkError if no place worked; the message lists them all
     */
    public static synchronized String load() {
        if (loadedFrom == null) {
            loadedFrom = find();
        }
        return loadedFrom;
    }

    private static String find() {
        String explicit = System.getProperty(LIBRARY_PATH_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            File file = new File(explicit).getAbsoluteFile();
            try {
                System.load(file.getPath());
                return file.getPath();
            } catch (UnsatisfiedLinkError e) {
                throw failure("-D" + LIBRARY_PATH_PROPERTY + "=" + explicit + ": "
                        + e.getMessage());
            }
        }
        String resource = Platform.RESOURCE_PREFIX + "/" + System.mapLibraryName(NAME);
        String fromJar;
        try {
            File file = Native.extractFromResourcePath(NAME, ToolsLibrary.class.getClassLoader());
            System.load(file.getAbsolutePath());
            return file.getAbsolutePath();
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            fromJar = "class path resource " + resource + ": " + e.getMessage();
        }
        try {
            System.loadLibrary(NAME);
            return "java.library.path";
        } catch (UnsatisfiedLinkError e) {
            throw failure(fromJar, "java.library.path=" + System.getProperty("java.library.path")
                    + ": " + e.getMessage());
        }
    }

    private static UnsatisfiedLinkError failure(String... tried) {
        return new UnsatisfiedLinkError("slabbin tools: cannot load the native library "
                + System.mapLibraryName(NAME) + " for platform " + Platform.RESOURCE_PREFIX
                + ". Tried:\n  - " + String.join("\n  - ", tried) + "\nBuild it (mvn package)"
                + " or set -D" + LIBRARY_PATH_PROPERTY + "=/path/to/"
                + System.mapLibraryName(NAME));
    }
}

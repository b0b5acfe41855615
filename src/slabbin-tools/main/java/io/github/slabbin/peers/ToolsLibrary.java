package io.github.slabbin.peers;

import com.sun.jna.Platform;
import io.github.slabbin.internal.NativeLoader;

/**
 * Finds and loads the tools' native library ({@code libslabbin_tools.so}, {@code .dylib},
 * {@code slabbin_tools.dll}): the C-driven replay, the replay contract's pattern calls and the
 * native peers. It carries its own copy of the C core, so it does not need the library's
 * {@code libslabbin}. Loading happens by itself on first use of a class that needs it.
 *
 * <p>It is found as the library's {@code libslabbin} is, by the same loader
 * ({@link NativeLoader}): the file named by the system property {@value #LIBRARY_PATH_PROPERTY}
 * (when set, nothing else is tried); the class path resource
 * {@code <JNA platform prefix>/<library file>}, loaded in place when it is a plain file, else
 * extracted (to {@code -Dslabbin.tmpdir} or the same directories as {@code libslabbin}, under a
 * name made of its content's hash); {@code System.loadLibrary("slabbin_tools")}. When all fail,
 * {@link UnsatisfiedLinkError} names every place tried with its reason. There is no version
 * check: the tools' JAR carries the library it was built with.
 *
 * <p>Thread-safe: loading happens once, under a lock.
 */
public final class ToolsLibrary {
    /** System property naming the tools' native library file to load: {@value}. */
    public static final String LIBRARY_PATH_PROPERTY = "slabbin.tools.library.path";

    private static final NativeLoader LOADER = new NativeLoader("slabbin_tools", "slabbin tools",
            LIBRARY_PATH_PROPERTY, Platform.RESOURCE_PREFIX, ToolsLibrary.class,
            file -> System.load(file), name -> System.loadLibrary(name), (file, source) -> { });
    private static String loadedFrom;

    private ToolsLibrary() {}

    /**
     * Loads the tools' native library if it is not loaded yet.
     *
     * @return where it was loaded from (an absolute file path, or {@code java.library.path})
     * @throws UnsatisfiedLinkError if no place worked (the message lists them all), or if the JVM
     *     denies native access
     */
    public static synchronized String load() {
        if (loadedFrom == null) {
            loadedFrom = LOADER.load();
        }
        return loadedFrom;
    }
}

package io.github.slabbin.replay;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * The allocation traces of real programs shipped as class-path resources, the default input of
 * the replay.
 *
 * <p>Each trace is a gzip-compressed glibc {@code mtrace} file in
 * {@code io/github/slabbin/replay/traces/} (next to this class), named {@code NAME.mtrace.gz};
 * a {@code README.md} in the same directory describes the programs and workloads:
 * <ul>
 *   <li>{@code jq-group}: jq 1.6 running {@code group_by} and {@code map} over a 20,000-record
 *       JSON array;</li>
 *   <li>{@code perl-hash}: perl 5.36 inserting 50,000 hash keys with array values, deleting a
 *       third and sorting the keys;</li>
 *   <li>{@code sqlite-index}: sqlite3 3.40 in memory inserting 30,000 rows, building an index,
 *       querying and deleting a quarter.</li>
 * </ul>
 */
public final class BundledTraces {
    /** Resource directory, relative to this class. */
    private static final String DIRECTORY = "traces/";
    private static final String SUFFIX = ".mtrace.gz";
    private static final List<String> NAMES = List.of("jq-group", "perl-hash", "sqlite-index");

    private BundledTraces() {
    }

    /**
     * Returns the names of the bundled traces.
     *
     * @return {@code [jq-group, perl-hash, sqlite-index]}, unmodifiable
     */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Returns the file name of a bundled trace, which is also the display name used when it is
     * loaded (for example {@code jq-group.mtrace.gz}).
     *
     * @param name one of {@link #names()}
     * @return {@code name + ".mtrace.gz"}
     * @throws IllegalArgumentException if {@code name} is not a bundled trace
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public static String fileName(String name) {
        check(name);
        return name + SUFFIX;
    }

    /**
     * Returns the absolute class-path resource name of a bundled trace, for example
     * {@code /io/github/slabbin/replay/traces/jq-group.mtrace.gz}.
     *
     * @param name one of {@link #names()}
     * @return the resource name, starting with {@code /}
     * @throws IllegalArgumentException if {@code name} is not a bundled trace
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public static String resourceName(String name) {
        return "/" + BundledTraces.class.getPackageName().replace('.', '/') + "/" + DIRECTORY
                + fileName(name);
    }

    /**
     * Opens a bundled trace. The stream yields the gzip-compressed bytes as stored;
     * {@link MtraceParser#parse(InputStream, String)} decompresses them. The caller closes it.
     *
     * @param name one of {@link #names()}
     * @return a new stream positioned at the start of the compressed trace
     * @throws IllegalArgumentException if {@code name} is not a bundled trace
     * @throws NullPointerException if {@code name} is {@code null}
     * @throws IOException if the resource is missing from the class path
     */
    public static InputStream open(String name) throws IOException {
        String resource = resourceName(name);
        InputStream in = BundledTraces.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("bundled trace not found on the class path: " + resource);
        }
        return in;
    }

    /**
     * Opens and parses a bundled trace; its display name is {@link #fileName(String)}.
     *
     * @param name one of {@link #names()}
     * @return the parsed trace
     * @throws IllegalArgumentException if {@code name} is not a bundled trace
     * @throws NullPointerException if {@code name} is {@code null}
     * @throws TraceFormatException if the trace is malformed
     * @throws IOException if the resource is missing or cannot be read
     */
    public static Trace load(String name) throws IOException {
        try (InputStream in = open(name)) {
            return MtraceParser.parse(in, fileName(name));
        }
    }

    private static void check(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no bundled trace named '" + name
                    + "'; bundled: " + NAMES);
        }
    }
}

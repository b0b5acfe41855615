package io.github.slabbin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this library: the version it was published as,
 * {@code io.github.slabbin:slabbin:<version>}, for example {@code 0.1.0}, or {@code 0.1.0-SNAPSHOT}
 * for a build between releases. Versions follow Semantic Versioning 2.0.0: an incompatible change
 * of this package's API raises the major version (README, "Versions"; {@code CHANGELOG.md} lists
 * what changed in each).
 *
 * <p>The build writes the version into the resource {@code io/github/slabbin/version.properties}
 * beside this class; it works the same on the class path and on the module path.
 *
 * <p>Thread-safe.
 */
public final class SlabbinVersion {
    /** The resource holding the version, beside this class: {@value}. */
    static final String RESOURCE = "version.properties";

    /** The key of the version in {@link #RESOURCE}: {@value}. */
    static final String KEY = "version";

    /** The version once read; null before the first call. A race only reads it twice. */
    private static volatile String version;

    private SlabbinVersion() {}

    /**
     * This library's version, as published: {@code MAJOR.MINOR.PATCH}, optionally followed by
     * {@code -} and a pre-release label (such as {@code -SNAPSHOT}).
     *
     * @return the version, never null or blank
     * @throws IllegalStateException if the JAR lacks {@code io/github/slabbin/version.properties}
     *     or the resource names no version (a damaged or hand-built JAR)
     * @throws UncheckedIOException if the resource cannot be read
     */
    public static String version() {
        String v = version;
        if (v == null) {
            v = read();
            version = v;
        }
        return v;
    }

    private static String read() {
        Properties properties = new Properties();
        try (InputStream in = SlabbinVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("slabbin: io/github/slabbin/" + RESOURCE
                        + " is missing beside " + SlabbinVersion.class.getName()
                        + "; the slabbin JAR is damaged or was not built by its Maven build");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("slabbin: cannot read io/github/slabbin/" + RESOURCE, e);
        }
        String v = properties.getProperty(KEY, "").strip();
        if (v.isEmpty() || v.startsWith("${")) {
            throw new IllegalStateException("slabbin: io/github/slabbin/" + RESOURCE
                    + " names no version (" + KEY + "=" + v + ")");
        }
        return v;
    }
}

package io.github.slabbin.replay;

import java.io.IOException;
import java.util.Objects;

/**
 * A trace could not be parsed because one of its lines is malformed.
 *
 * <p>It extends {@link IOException} because it describes bad input read from a file or stream,
 * the same situation in which the parser's other failures (an unreadable file, a truncated gzip
 * stream) surface as {@code IOException}; a caller that handles one handles both. The message has
 * the form {@code SOURCE:LINE: REASON}, for example
 * {@code jq-group.mtrace.gz:1234: expected '> NEW SIZE' after '< OLD'}.
 */
public final class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Display name of the input. */
    private final String source;
    /** 1-based line number. */
    private final int line;
    /** What is wrong with the line, without source and line number. */
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param source display name of the input (a file name, or the name given to the parser);
     *     must not be {@code null}
     * @param line 1-based number of the offending line; for a {@code <} line that is the last
     *     line of the input, the number of that {@code <} line
     * @param reason what is wrong, in a few words; must not be {@code null}
     * @throws NullPointerException if {@code source} or {@code reason} is {@code null}
     * @throws IllegalArgumentException if {@code line < 1}
     */
    public TraceFormatException(String source, int line, String reason) {
        super(Objects.requireNonNull(source, "source") + ":" + line + ": "
                + Objects.requireNonNull(reason, "reason"));
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1: " + line);
        }
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    /**
     * Returns the display name of the input in which the problem was found.
     *
     * @return the display name, never {@code null}
     */
    public String source() {
        return source;
    }

    /**
     * Returns the 1-based number of the offending line.
     *
     * @return the line number, at least 1
     */
    public int line() {
        return line;
    }

    /**
     * Returns what is wrong with the line, without the source name and line number.
     *
     * @return the reason, never {@code null}
     */
    public String reason() {
        return reason;
    }
}

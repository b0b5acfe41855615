package io.github.slabbin.replay;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.zip.ZipException;

/**
 * Says in words why a trace could not be read: the one place that turns the JDK's read failures
 * (exception classes such as {@code NoSuchFileException}, an {@code EOFException} without message
 * from a gzip stream cut in its trailer) into a reason a user can act on. Stateless.
 */
public final class ReadFailure {
    private ReadFailure() {}

    /**
     * The reason, without the file name: for example {@code no such file},
     * {@code permission denied}, or for a gzip stream cut short {@code the gzip data ends in its
     * trailer (the CRC-32 and length after the compressed data): the file was cut short}.
     * A {@link TraceFormatException} gives its own message.
     *
     * @param e the failure, not null
     * @return the reason, never empty
     */
    public static String describe(IOException e) {
        if (e instanceof TraceFormatException) {
            return e.getMessage();
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is not a folder";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(Locale.ROOT);          // e.g. "is a directory"
        }
        if (e instanceof EOFException) {
            // GZIPInputStream: a message when the compressed data itself stops; none when the
            // data was complete and the 8-byte trailer is missing or short.
            return e.getMessage() == null
                    ? "the gzip data ends in its trailer (the CRC-32 and length after the"
                            + " compressed data): the file was cut short"
                    : "the gzip data ends before its end of stream: the file was cut short";
        }
        if (e instanceof ZipException) {
            return "corrupt gzip data" + (e.getMessage() == null ? "" : " (" + e.getMessage()
                    + ")");
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return "a read error of the system";
        }
        if ("Is a directory".equals(m)) {
            return "is a directory";
        }
        return m;
    }
}

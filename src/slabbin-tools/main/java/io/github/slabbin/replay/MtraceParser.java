package io.github.slabbin.replay;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reads an allocation trace in glibc's {@code mtrace(3)} format into a {@link Trace}.
 *
 * <h2>Input</h2>
 * The input is plain text or gzip-compressed text; gzip is recognised by its magic bytes
 * {@code 1f 8b}, whatever the file is called. Bytes are decoded as ISO-8859-1, so any byte
 * sequence (for example a non-UTF-8 file name in a caller field) is accepted. Lines end with
 * {@code \n}, {@code \r\n} or {@code \r}. Fields are separated by one or more blanks (space or
 * tab); leading and trailing blanks are ignored. The input is read as a stream, one line at a
 * time.
 *
 * <h2>Lines</h2>
 * <ul>
 *   <li>Blank lines are ignored.</li>
 *   <li>Lines starting with {@code =} ({@code = Start}, {@code = End}, any other) are markers and
 *       are ignored.</li>
 *   <li>Every other line is an operation, optionally preceded by a caller field: {@code @}, a
 *       blank, and a caller token such as {@code [0x7f12]}, {@code file.c:12} or
 *       {@code /lib/x.so:(func+0x1a)[0x7f12]}. The caller token ends at the first blank; but if
 *       its first word does not end in {@code ]} and a later {@code ]} on the line is followed
 *       by a blank, the token extends to that {@code ]} (glibc writes callers as
 *       {@code FILE:(SYMBOL+OFFSET)[ADDRESS]}, and FILE may contain blanks). The caller is not
 *       used.</li>
 * </ul>
 * Operations ({@code ADDR}, {@code OLD}, {@code NEW}, {@code SIZE} are hexadecimal numbers):
 * <ul>
 *   <li>{@code + ADDR SIZE}: malloc, calloc, memalign... returned ADDR for SIZE bytes. ADDR 0 is
 *       a failed allocation: counted in {@link Trace#failedAllocations()}, no event. ADDR
 *       already live: counted in {@link Trace#duplicateAllocations()}, the earlier block is
 *       leaked (stays live) and ADDR names a new block.</li>
 *   <li>{@code - ADDR}: free. ADDR 0 is counted in {@link Trace#nullFrees()}; an ADDR that is not
 *       live (never allocated in the trace, or already freed) is counted in
 *       {@link Trace#unmatchedFrees()}; neither produces an event.</li>
 *   <li>{@code < OLD} immediately followed, on the very next line, by {@code > NEW SIZE}:
 *       realloc. NEW gets a new block id even if it equals OLD. NEW 0 (a realloc to size 0, or a
 *       failure) is a free of OLD, counted like {@code - OLD}. OLD 0 is a plain allocation of
 *       NEW. An OLD that is not live is counted in {@link Trace#unmatchedReallocs()} and becomes
 *       an allocation of NEW. A NEW that is live and differs from OLD counts as a duplicate
 *       allocation, as for {@code +}.</li>
 *   <li>{@code ! OLD SIZE}: glibc's record of a failed realloc; counted in
 *       {@link Trace#failedAllocations()}, OLD stays live, no event.</li>
 * </ul>
 * A hexadecimal number is {@code 0x} (or {@code 0X}) followed by 1 or more hexadecimal digits
 * of either case, with a value below 2<sup>64</sup>; a bare {@code 0} is accepted too (glibc
 * prints a zero size with {@code %#lx}, which gives {@code 0}), and an address may be
 * {@code (nil)} (glibc's {@code %p} for the null address). A size of a successful allocation must
 * be at most {@code Long.MAX_VALUE} bytes.
 *
 * <h2>Errors</h2>
 * Parsing stops at the first malformed line with a {@link TraceFormatException} naming the
 * input, the 1-based line number and the reason. Malformed are: an unknown operation, a missing,
 * extra or non-hexadecimal field, a number of 2<sup>64</sup> or more, a {@code @} without caller
 * and operation, a {@code >} not directly preceded by a {@code <} line, and a {@code <} line not
 * directly followed by a {@code >} line (reported at the line where the {@code >} was expected,
 * or at the {@code <} line if it is the last line).
 *
 * <p>A read failure (a file that cannot be opened or read, gzip data cut short or corrupt) is an
 * {@code IOException} whose message names the input, the last line read and the cause in words
 * ({@link ReadFailure}), for example {@code x.mtrace.gz: cannot read after line 812 (the last line
 * read): the gzip data ends in its trailer (the CRC-32 and length after the compressed data): the
 * file was cut short}; every line decoded before the failure has been parsed.
 *
 * <p>This class is stateless and thread-safe; each call parses independently.
 */
public final class MtraceParser {
    private static final int BUFFER_SIZE = 1 << 16;
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;
    /** Longest excerpt of a bad token quoted in an error message. */
    private static final int MAX_QUOTE = 40;

    private MtraceParser() {
    }

    /**
     * Parses a trace file, plain or gzip-compressed. The display name used in error messages
     * and as {@link Trace#name()} is the file name without its directories.
     *
     * @param file the trace file
     * @return the parsed trace
     * @throws TraceFormatException if a line is malformed
     * @throws IOException if the file cannot be read or its gzip data is corrupt (the message
     *     names the file)
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static Trace parse(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Path fileName = file.getFileName();
        String name = fileName == null ? file.toString() : fileName.toString();
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, name);
        }
    }

    /**
     * Parses a trace from a stream, plain or gzip-compressed, reading it to its end. The stream
     * is not closed.
     *
     * @param in the trace bytes
     * @param name display name for error messages and {@link Trace#name()}, for example
     *     {@code jq-group.mtrace.gz}
     * @return the parsed trace
     * @throws TraceFormatException if a line is malformed
     * @throws IOException if the stream cannot be read or its gzip data is corrupt (the message
     *     names {@code name})
     * @throws NullPointerException if {@code in} or {@code name} is {@code null}
     */
    public static Trace parse(InputStream in, String name) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(name, "name");
        // Closing the chain releases the inflater at once; the shield keeps the caller's stream
        // open.
        InputStream shielded = new FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
        BufferedInputStream buffered = new BufferedInputStream(shielded, BUFFER_SIZE);
        LineParser parser = new LineParser(name);
        HeldFailure decoded = null;
        try {
            decoded = new HeldFailure(decompressIfGzip(buffered));
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(decoded, StandardCharsets.ISO_8859_1), BUFFER_SIZE)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    parser.accept(line);
                }
            }
        } catch (TraceFormatException e) {
            if (decoded == null || decoded.failure == null) {
                throw e;
            }
            // The line was cut by the read failure: report the failure, not the cut line.
            throw readFailure(name, parser.lineNumber() - 1, decoded.failure);
        } catch (IOException e) {
            throw readFailure(name, parser.lineNumber(), e);
        }
        if (decoded.failure != null) {
            throw readFailure(name, parser.lineNumber(), decoded.failure);
        }
        return parser.finish();
    }

    /** The failure to read {@code name} after {@code lines} lines, in words. */
    private static IOException readFailure(String name, int lines, IOException cause) {
        String where = lines == 0 ? "before its first line" : "after line " + lines
                + " (the last line read)";
        return new IOException(name + ": cannot read " + where + ": "
                + ReadFailure.describe(cause), cause);
    }

    /**
     * A stream that ends instead of failing: the first read failure is held and the stream
     * reports its end, so every byte decoded before the failure reaches the parser and the
     * failure can name the last line read.
     */
    private static final class HeldFailure extends FilterInputStream {
        IOException failure;

        HeldFailure(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                return -1;
            }
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                return -1;
            }
        }
    }

    private static InputStream decompressIfGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1) {
            return new GZIPInputStream(in, BUFFER_SIZE);
        }
        return in;
    }

    /** Parses lines one at a time; holds the pending {@code <} half of a realloc. */
    private static final class LineParser {
        private final String name;
        private final TraceBuilder builder;

        private int lineNumber;
        private boolean reallocPending;
        private long reallocOld;
        private int reallocLine;

        /** Current line and read position, valid during {@link #accept}. */
        private String s;
        private int pos;
        private int end;

        LineParser(String name) {
            this.name = name;
            this.builder = new TraceBuilder(name);
        }

        int lineNumber() {
            return lineNumber;
        }

        void accept(String line) throws TraceFormatException {
            if (lineNumber == Integer.MAX_VALUE) {
                throw new TraceFormatException(name, lineNumber, "more than "
                        + Integer.MAX_VALUE + " lines");
            }
            lineNumber++;
            s = line;
            end = line.length();
            while (end > 0 && isBlank(line.charAt(end - 1))) {
                end--;
            }
            pos = skipBlanks(0);
            if (pos == end || line.charAt(pos) == '=') {
                if (reallocPending) {
                    throw fail("expected '> NEW SIZE' after '< OLD'");
                }
                return;
            }
            if (line.charAt(pos) == '@') {
                skipCaller();
            }
            char op = line.charAt(pos);
            int opEnd = tokenEnd(pos);
            if (opEnd != pos + 1) {
                throw fail("unknown operation '" + quote(pos, opEnd) + "'");
            }
            pos = opEnd;
            if (reallocPending && op != '>') {
                throw fail("expected '> NEW SIZE' after '< OLD'");
            }
            switch (op) {
                case '+': {
                    long address = number("address", true);
                    long size = number("size", false);
                    expectEnd();
                    if (address == 0) {
                        builder.failedAllocation();
                    } else {
                        builder.malloc(address, checkSize(size), lineNumber);
                    }
                    break;
                }
                case '-': {
                    long address = number("address", true);
                    expectEnd();
                    builder.free(address, lineNumber);
                    break;
                }
                case '<': {
                    reallocOld = number("address", true);
                    expectEnd();
                    reallocPending = true;
                    reallocLine = lineNumber;
                    break;
                }
                case '>': {
                    if (!reallocPending) {
                        throw fail("'> NEW SIZE' without a preceding '< OLD'");
                    }
                    long address = number("address", true);
                    long size = number("size", false);
                    expectEnd();
                    reallocPending = false;
                    builder.realloc(reallocOld, address, address == 0 ? size : checkSize(size),
                            reallocLine);
                    break;
                }
                case '!': {
                    number("address", true);
                    number("size", false);
                    expectEnd();
                    builder.failedAllocation();
                    break;
                }
                default:
                    throw fail("unknown operation '" + op + "'");
            }
        }

        Trace finish() throws TraceFormatException {
            if (reallocPending) {
                throw new TraceFormatException(name, reallocLine,
                        "'< OLD' at end of input, expected '> NEW SIZE' on the next line");
            }
            return builder.build();
        }

        /** Moves {@code pos} from the {@code @} to the operation. */
        private void skipCaller() throws TraceFormatException {
            int p = pos + 1;
            if (p == end || !isBlank(s.charAt(p))) {
                throw fail("expected a blank after '@'");
            }
            p = skipBlanks(p);
            if (p == end) {
                throw fail("missing caller and operation after '@'");
            }
            int callerEnd = tokenEnd(p);
            if (s.charAt(callerEnd - 1) != ']') {
                // A caller "FILE:(SYM+OFF)[ADDR]" whose FILE contains blanks: extend to the first
                // ']' that is followed by a blank.
                int close = s.indexOf(']', callerEnd);
                while (close >= 0 && close + 1 < end && !isBlank(s.charAt(close + 1))) {
                    close = s.indexOf(']', close + 1);
                }
                if (close >= 0 && close + 1 < end) {
                    callerEnd = close + 1;
                }
            }
            pos = skipBlanks(callerEnd);
            if (pos == end) {
                throw fail("missing operation after caller '" + quote(p, callerEnd) + "'");
            }
        }

        /**
         * Parses the next field as an unsigned 64-bit hexadecimal number.
         *
         * @param what field name for messages
         * @param address whether {@code (nil)} is allowed
         */
        private long number(String what, boolean address) throws TraceFormatException {
            int p = skipBlanks(pos);
            if (p == end) {
                throw fail("missing " + what);
            }
            int tokenEnd = tokenEnd(p);
            pos = tokenEnd;
            int length = tokenEnd - p;
            if (length == 1 && s.charAt(p) == '0') {
                return 0;
            }
            if (length == 5 && address && s.startsWith("(nil)", p)) {
                return 0;
            }
            if (length < 3 || s.charAt(p) != '0' || (s.charAt(p + 1) | 0x20) != 'x') {
                throw fail("expected a hexadecimal " + what + " (0x...), found '"
                        + quote(p, tokenEnd) + "'");
            }
            long value = 0;
            int significant = 0;
            for (int i = p + 2; i < tokenEnd; i++) {
                int digit = hexDigit(s.charAt(i));
                if (digit < 0) {
                    throw fail("invalid hexadecimal digit '" + s.charAt(i) + "' in " + what
                            + " '" + quote(p, tokenEnd) + "'");
                }
                if (significant > 0 || digit != 0) {
                    if (++significant > 16) {
                        throw fail(what + " '" + quote(p, tokenEnd) + "' exceeds 64 bits");
                    }
                }
                value = (value << 4) | digit;
            }
            return value;
        }

        private long checkSize(long size) throws TraceFormatException {
            if (size < 0) {
                throw fail("size " + Long.toUnsignedString(size) + " exceeds "
                        + Long.MAX_VALUE + " bytes");
            }
            return size;
        }

        private void expectEnd() throws TraceFormatException {
            int p = skipBlanks(pos);
            if (p != end) {
                throw fail("unexpected extra field '" + quote(p, tokenEnd(p)) + "'");
            }
        }

        private int skipBlanks(int p) {
            while (p < end && isBlank(s.charAt(p))) {
                p++;
            }
            return p;
        }

        private int tokenEnd(int p) {
            while (p < end && !isBlank(s.charAt(p))) {
                p++;
            }
            return p;
        }

        private String quote(int from, int to) {
            return to - from <= MAX_QUOTE ? s.substring(from, to)
                    : s.substring(from, from + MAX_QUOTE) + "...";
        }

        private TraceFormatException fail(String reason) {
            return new TraceFormatException(name, lineNumber, reason);
        }

        private static boolean isBlank(char c) {
            return c == ' ' || c == '\t';
        }

        private static int hexDigit(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            int lower = c | 0x20;
            if (lower >= 'a' && lower <= 'f') {
                return lower - 'a' + 10;
            }
            return -1;
        }
    }
}

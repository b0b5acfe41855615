package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MtraceParserTest {
    private static final byte M = Trace.MALLOC;
    private static final byte F = Trace.FREE;
    private static final byte R = Trace.REALLOC;

    static Trace parse(String text) throws IOException {
        return MtraceParser.parse(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)),
                "test.mtrace");
    }

    static Path resource(String name) throws URISyntaxException {
        URL url = MtraceParserTest.class.getResource("/traces/" + name);
        assertTrue(url != null, "test resource missing: " + name);
        return Path.of(url.toURI());
    }

    /** Asserts the events of a trace: one row {op, id, oldId, size, line} per event. */
    static void assertEvents(Trace trace, long[]... expected) {
        assertEquals(expected.length, trace.eventCount(), "event count");
        for (int i = 0; i < expected.length; i++) {
            long[] e = expected[i];
            String where = "event " + i;
            assertEquals(e[0], trace.op(i), where + " op");
            assertEquals(e[1], trace.id(i), where + " id");
            assertEquals(e[2], trace.oldId(i), where + " oldId");
            assertEquals(e[3], trace.size(i), where + " size");
            assertEquals(e[4], trace.line(i), where + " line");
        }
    }

    static long[] ev(byte op, int id, int oldId, long size, int line) {
        return new long[] {op, id, oldId, size, line};
    }

    static void assertSameTrace(Trace expected, Trace actual) {
        assertArrayEquals(expected.ops(), actual.ops());
        assertArrayEquals(expected.ids(), actual.ids());
        assertArrayEquals(expected.oldIds(), actual.oldIds());
        assertArrayEquals(expected.sizes(), actual.sizes());
        assertArrayEquals(expected.lines(), actual.lines());
        assertArrayEquals(expected.liveAtEndIds(), actual.liveAtEndIds());
        assertEquals(counters(expected), counters(actual));
    }

    static String counters(Trace t) {
        return Arrays.toString(new long[] {t.eventCount(), t.allocations(), t.frees(),
            t.reallocs(), t.unmatchedFrees(), t.unmatchedReallocs(), t.failedAllocations(),
            t.duplicateAllocations(), t.nullFrees(), t.blockCount(), t.liveAtEnd(),
            t.peakLiveBytes(), t.peakLiveBlocks(), t.totalRequestedBytes()});
    }

    /**
     * basic.mtrace, worked out by hand (live bytes after each event in brackets):
     * line 2 malloc 0x1000/16 = block 0 [16]; line 3 malloc 0x2000/32 = block 1 [48];
     * line 4 malloc 0x3000/48 without caller = block 2 [96]; line 5 blank;
     * line 6 free 0x2000 = block 1 [64]; lines 7-8 realloc 0x1000 -> 0x4000/256 = block 3
     * replacing block 0 [64 - 16 + 256 = 304]; line 9 free of unknown 0x9000: skipped;
     * line 10 failed malloc: skipped; lines 11-12 realloc of unknown 0x8000 -> 0x5000/64 =
     * malloc of block 4 [368, the peak, 3 blocks]; line 13 free 0x3000 = block 2 [320];
     * line 14 malloc 0x6000/0 = block 5 [320, 3 blocks]. Live at end: blocks 3, 4, 5.
     */
    @Test
    void basicTraceHasEveryLineKind() throws Exception {
        Trace t = MtraceParser.parse(resource("basic.mtrace"));
        assertEquals("basic.mtrace", t.name());
        assertEvents(t,
                ev(M, 0, -1, 16, 2),
                ev(M, 1, -1, 32, 3),
                ev(M, 2, -1, 48, 4),
                ev(F, 1, -1, 0, 6),
                ev(R, 3, 0, 256, 7),
                ev(M, 4, -1, 64, 11),
                ev(F, 2, -1, 0, 13),
                ev(M, 5, -1, 0, 14));
        assertEquals(5, t.allocations());
        assertEquals(2, t.frees());
        assertEquals(1, t.reallocs());
        assertEquals(1, t.unmatchedFrees());
        assertEquals(1, t.unmatchedReallocs());
        assertEquals(1, t.failedAllocations());
        assertEquals(0, t.duplicateAllocations());
        assertEquals(0, t.nullFrees());
        assertEquals(6, t.blockCount());
        assertEquals(3, t.liveAtEnd());
        assertArrayEquals(new int[] {3, 4, 5}, t.liveAtEndIds());
        assertEquals(368, t.peakLiveBytes());
        assertEquals(3, t.peakLiveBlocks());
        assertEquals(16 + 32 + 48 + 256 + 64 + 0, t.totalRequestedBytes());
        assertEquals(256, t.blockSize(3));
        assertEquals(0, t.blockSize(5));
    }

    @Test
    void gzipIsDetectedByMagicBytesNotByName() throws Exception {
        Trace plain = MtraceParser.parse(resource("basic.mtrace"));
        Trace gz = MtraceParser.parse(resource("basic.mtrace.gz"));
        Trace bin = MtraceParser.parse(resource("basic-compressed.bin"));
        assertSameTrace(plain, gz);
        assertSameTrace(plain, bin);
        assertEquals("basic-compressed.bin", bin.name());
        try (InputStream in = Files.newInputStream(resource("basic.mtrace.gz"))) {
            assertSameTrace(plain, MtraceParser.parse(in, "stream"));
        }
    }

    @Test
    void plainFileNamedGzIsReadAsPlainText(@TempDir Path dir) throws Exception {
        Path misnamed = dir.resolve("plain.mtrace.gz");
        Files.copy(resource("basic.mtrace"), misnamed);
        assertSameTrace(MtraceParser.parse(resource("basic.mtrace")),
                MtraceParser.parse(misnamed));
    }

    @Test
    void callerFieldsInAllGlibcFormsAndTabs() throws Exception {
        Trace t = MtraceParser.parse(resource("callers.mtrace"));
        assertEvents(t,
                ev(M, 0, -1, 0x18, 2),
                ev(M, 1, -1, 0x20, 3),
                ev(M, 2, -1, 0x30, 4),
                ev(M, 3, -1, 0x40, 5),
                ev(F, 0, -1, 0, 6),
                ev(F, 1, -1, 0, 7),
                ev(F, 2, -1, 0, 8));
        assertArrayEquals(new int[] {3}, t.liveAtEndIds());
        assertEquals(0, t.unmatchedFrees());
    }

    @Test
    void crlfLineEndings() throws Exception {
        Trace t = MtraceParser.parse(resource("crlf.mtrace"));
        assertEvents(t, ev(M, 0, -1, 0x20, 2), ev(F, 0, -1, 0, 3));
    }

    @Test
    void emptyInputGivesEmptyTrace() throws Exception {
        for (String text : new String[] {"", "\n\n", "= Start\n= End\n", "  \t \n"}) {
            Trace t = parse(text);
            assertEquals(0, t.eventCount());
            assertEquals(0, t.blockCount());
            assertEquals(0, t.liveAtEnd());
            assertEquals(0, t.peakLiveBytes());
            assertEquals(0, t.totalRequestedBytes());
        }
    }

    @Test
    void mallocWithAndWithoutCaller() throws Exception {
        Trace t = parse("@ [0x7f0012345678] + 0x55d0a0c4e2a0 0x18\n+ 0x55d0a0c4e2c0 0X1aB\n");
        assertEvents(t, ev(M, 0, -1, 0x18, 1), ev(M, 1, -1, 0x1ab, 2));
        assertEquals(2, t.allocations());
    }

    @Test
    void freeWithAndWithoutCaller() throws Exception {
        Trace t = parse("+ 0x10 0x20\n+ 0x30 0x40\n@ [0x1] - 0x30\n- 0x10\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1), ev(M, 1, -1, 0x40, 2), ev(F, 1, -1, 0, 3),
                ev(F, 0, -1, 0, 4));
        assertEquals(2, t.frees());
        assertEquals(0, t.liveAtEnd());
    }

    @Test
    void reallocWithAndWithoutCallerGetsNewIdEvenAtSameAddress() throws Exception {
        Trace t = parse("+ 0x10 0x20\n@ [0x1] < 0x10\n@ [0x1] > 0x10 0x40\n< 0x10\n> 0x50 0x8\n"
                + "- 0x50\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1), ev(R, 1, 0, 0x40, 2), ev(R, 2, 1, 0x8, 4),
                ev(F, 2, -1, 0, 6));
        assertEquals(2, t.reallocs());
        assertEquals(1, t.allocations());
        assertEquals(1, t.frees());
        assertEquals(0, t.duplicateAllocations());
        assertEquals(0, t.liveAtEnd());
        assertEquals(0x40, t.peakLiveBytes());
        assertEquals(1, t.peakLiveBlocks());
        assertEquals(0x20 + 0x40 + 0x8, t.totalRequestedBytes());
    }

    @Test
    void unknownFreesAreCountedAndSkipped() throws Exception {
        Trace t = parse("- 0x999\n+ 0x10 0x20\n- 0x10\n- 0x10\n- 0x20\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 2), ev(F, 0, -1, 0, 3));
        assertEquals(3, t.unmatchedFrees());
        assertEquals(1, t.frees());
        assertEquals(0, t.nullFrees());
    }

    @Test
    void freeOfNullIsCountedSeparately() throws Exception {
        Trace t = parse("- 0x0\n- (nil)\n- 0x0000\n");
        assertEquals(0, t.eventCount());
        assertEquals(3, t.nullFrees());
        assertEquals(0, t.unmatchedFrees());
    }

    @Test
    void reallocOfUnknownAddressBecomesMalloc() throws Exception {
        Trace t = parse("< 0x777\n> 0x10 0x20\n- 0x10\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1), ev(F, 0, -1, 0, 3));
        assertEquals(1, t.unmatchedReallocs());
        assertEquals(1, t.allocations());
        assertEquals(0, t.reallocs());
    }

    @Test
    void reallocOfNullIsPlainMalloc() throws Exception {
        Trace t = parse("< 0x0\n> 0x10 0x20\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1));
        assertEquals(0, t.unmatchedReallocs());
        assertEquals(1, t.allocations());
    }

    @Test
    void reallocReturningNullFreesOld() throws Exception {
        Trace t = parse("+ 0x10 0x20\n< 0x10\n> 0x0 0x0\n- 0x10\n< 0x99\n> (nil) 0\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1), ev(F, 0, -1, 0, 2));
        assertEquals(1, t.frees());
        assertEquals(0, t.reallocs());
        // The free on line 4 and the null realloc of the unknown 0x99 on lines 5-6.
        assertEquals(2, t.unmatchedFrees());
        assertEquals(0, t.unmatchedReallocs());
        assertEquals(0, t.liveAtEnd());
    }

    @Test
    void failedAllocationsAreCountedAndSkipped() throws Exception {
        Trace t = parse("+ 0x0 0x100\n+ (nil) 0xffffffffffffffff\n+ 0x10 0x20\n"
                + "! 0x10 0x1000\n- 0x10\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 3), ev(F, 0, -1, 0, 5));
        assertEquals(3, t.failedAllocations());
        assertEquals(1, t.allocations());
        assertEquals(0, t.unmatchedFrees());
    }

    @Test
    void duplicateMallocLeaksOldBlock() throws Exception {
        Trace t = parse("+ 0x10 0x20\n+ 0x10 0x30\n- 0x10\n- 0x10\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1), ev(M, 1, -1, 0x30, 2), ev(F, 1, -1, 0, 3));
        assertEquals(1, t.duplicateAllocations());
        assertEquals(1, t.unmatchedFrees());
        assertArrayEquals(new int[] {0}, t.liveAtEndIds());
        assertEquals(0x50, t.peakLiveBytes());
        assertEquals(2, t.peakLiveBlocks());
    }

    @Test
    void duplicateReallocResultLeaksOldBlock() throws Exception {
        Trace t = parse("+ 0x10 0x20\n+ 0x30 0x8\n< 0x10\n> 0x30 0x40\n- 0x30\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1), ev(M, 1, -1, 0x8, 2), ev(R, 2, 0, 0x40, 3),
                ev(F, 2, -1, 0, 5));
        assertEquals(1, t.duplicateAllocations());
        assertArrayEquals(new int[] {1}, t.liveAtEndIds());
        assertEquals(0x48, t.peakLiveBytes());
    }

    @Test
    void addressReusedAfterFreeGetsNewId() throws Exception {
        Trace t = parse("+ 0x10 0x20\n- 0x10\n+ 0x10 0x30\n- 0x10\n");
        assertEvents(t, ev(M, 0, -1, 0x20, 1), ev(F, 0, -1, 0, 2), ev(M, 1, -1, 0x30, 3),
                ev(F, 1, -1, 0, 4));
        assertEquals(0, t.duplicateAllocations());
        assertEquals(0x30, t.peakLiveBytes());
        assertEquals(1, t.peakLiveBlocks());
    }

    @Test
    void liveAtEndListsNeverFreedIdsInOrder() throws Exception {
        StringBuilder text = new StringBuilder("= Start\n");
        for (int i = 1; i <= 200; i++) {
            text.append("+ 0x").append(Integer.toHexString(i * 16)).append(" 0x10\n");
        }
        for (int i = 1; i <= 200; i++) {
            if (i % 3 != 0) {
                text.append("- 0x").append(Integer.toHexString(i * 16)).append('\n');
            }
        }
        Trace t = parse(text.toString());
        int[] expected = new int[66];
        for (int k = 0; k < 66; k++) {
            expected[k] = 3 * (k + 1) - 1; // the id of the block at address (3 * (k + 1)) * 16
        }
        assertArrayEquals(expected, t.liveAtEndIds());
        assertEquals(66, t.liveAtEnd());
        assertEquals(200, t.peakLiveBlocks());
        assertEquals(200 * 16, t.peakLiveBytes());
    }

    @Test
    void numberForms() throws Exception {
        Trace t = parse("+ 0x00000000000000000000010 0\n+ 0XFFFFFFFFFFFFFFF0 0x7fffffffffffffff\n");
        assertEvents(t, ev(M, 0, -1, 0, 1), ev(M, 1, -1, Long.MAX_VALUE, 2));
        assertEquals(-1, t.oldId(0));
    }

    @Test
    void eventAccessorsCheckRange() throws Exception {
        Trace t = parse("+ 0x10 0x20\n");
        assertThrows(IndexOutOfBoundsException.class, () -> t.op(1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.id(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.size(1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.line(1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.oldId(1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.blockSize(1));
    }

    @Test
    void liveAtEndIdsIsACopy() throws Exception {
        Trace t = parse("+ 0x10 0x20\n");
        t.liveAtEndIds()[0] = 42;
        assertArrayEquals(new int[] {0}, t.liveAtEndIds());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("= Start\n@ [0x1] + 0x10 0x20\n@ [0x1] * 0x10\n", 3,
                        "unknown operation '*'"),
                Arguments.of("x 0x10\n", 1, "unknown operation 'x'"),
                Arguments.of("+ 0x10 0x20\n++ 0x10 0x20\n", 2, "unknown operation '++'"),
                Arguments.of("+0x10 0x20\n", 1, "unknown operation '+0x10'"),
                Arguments.of("\n\n@ [0x1] + 0x10\n", 3, "missing size"),
                Arguments.of("+\n", 1, "missing address"),
                Arguments.of("@ [0x1] -\n", 1, "missing address"),
                Arguments.of("+ 0x10 0x2g\n", 1, "invalid hexadecimal digit 'g' in size"),
                Arguments.of("- 0xz1\n", 1, "invalid hexadecimal digit 'z' in address"),
                Arguments.of("+ 10 0x20\n", 1, "expected a hexadecimal address (0x...), found '10'"),
                Arguments.of("+ 0x 0x20\n", 1, "expected a hexadecimal address (0x...), found '0x'"),
                Arguments.of("+ 0x10 (nil)\n", 1, "expected a hexadecimal size"),
                Arguments.of("+ 0x10 -0x20\n", 1, "expected a hexadecimal size"),
                Arguments.of("+ 0x10000000000000000 0x10\n", 1, "exceeds 64 bits"),
                Arguments.of("+ 0x10 0x1ffffffffffffffff\n", 1, "exceeds 64 bits"),
                Arguments.of("+ 0x10 0x8000000000000000\n", 1,
                        "size 9223372036854775808 exceeds 9223372036854775807 bytes"),
                Arguments.of("+ 0x10 0x20\n- 0x10 0x20\n", 2, "unexpected extra field '0x20'"),
                Arguments.of("+ 0x10 0x20 0x30\n", 1, "unexpected extra field '0x30'"),
                Arguments.of("< 0x10 0x20\n> 0x30 0x40\n", 1, "unexpected extra field '0x20'"),
                Arguments.of("+ 0x10 0x20\n> 0x30 0x40\n", 2,
                        "'> NEW SIZE' without a preceding '< OLD'"),
                Arguments.of("+ 0x10 0x20\n< 0x10\n+ 0x30 0x40\n", 3,
                        "expected '> NEW SIZE' after '< OLD'"),
                Arguments.of("+ 0x10 0x20\n< 0x10\n< 0x10\n> 0x30 0x40\n", 3,
                        "expected '> NEW SIZE' after '< OLD'"),
                Arguments.of("+ 0x10 0x20\n< 0x10\n\n> 0x30 0x40\n", 3,
                        "expected '> NEW SIZE' after '< OLD'"),
                Arguments.of("+ 0x10 0x20\n< 0x10\n= End\n", 3,
                        "expected '> NEW SIZE' after '< OLD'"),
                Arguments.of("+ 0x10 0x20\n< 0x10\n", 2,
                        "'< OLD' at end of input, expected '> NEW SIZE' on the next line"),
                Arguments.of("+ 0x10 0x20\n< 0x10", 2,
                        "'< OLD' at end of input, expected '> NEW SIZE' on the next line"),
                Arguments.of("+ 0x10 0x20\n< 0x10\n> 0x30\n", 3, "missing size"),
                Arguments.of("! 0x10\n", 1, "missing size"),
                Arguments.of("@ [0x1]\n", 1, "missing operation after caller '[0x1]'"),
                Arguments.of("@ [0x1]   \n", 1, "missing operation after caller '[0x1]'"),
                Arguments.of("@\n", 1, "expected a blank after '@'"),
                Arguments.of("@[0x1] + 0x10 0x20\n", 1, "expected a blank after '@'"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedLineStopsParsingWithLineNumber(String text, int line, String reason) {
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> parse(text));
        assertEquals("test.mtrace", e.source());
        assertEquals(line, e.line());
        assertTrue(e.reason().contains(reason), () -> "reason: " + e.reason());
        assertEquals("test.mtrace:" + line + ": " + e.reason(), e.getMessage());
    }

    @Test
    void exceptionMessageFormat() {
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> parse("= Start\n+ 0x10 0x20\n< 0x10\n- 0x10\n"));
        assertEquals("test.mtrace:4: expected '> NEW SIZE' after '< OLD'", e.getMessage());
        assertInstanceOf(IOException.class, e);
    }

    @Test
    void errorInGzipFileNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.mtrace.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("= Start\n+ 0x10 0x20\n- 0x10 junk\n".getBytes(StandardCharsets.US_ASCII));
        }
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> MtraceParser.parse(file));
        assertEquals("broken.mtrace.gz", e.source());
        assertEquals(3, e.line());
        assertEquals("broken.mtrace.gz:3: unexpected extra field 'junk'", e.getMessage());
    }

    @Test
    void longBadTokenIsShortenedInMessage() {
        String token = "0x" + "z".repeat(100);
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> parse("- " + token + "\n"));
        assertTrue(e.getMessage().length() < 150, e.getMessage());
        assertTrue(e.reason().contains("..."), e.reason());
    }

    @Test
    void corruptGzipIsAnIoExceptionNamingTheSource() throws Exception {
        byte[] gz = Files.readAllBytes(resource("basic.mtrace.gz"));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        IOException e = assertThrows(IOException.class,
                () -> MtraceParser.parse(new ByteArrayInputStream(truncated), "cut.gz"));
        assertFalse(e instanceof TraceFormatException);
        assertTrue(e.getMessage().startsWith("cut.gz:"), e.getMessage());
        byte[] garbage = {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        IOException g = assertThrows(IOException.class,
                () -> MtraceParser.parse(new ByteArrayInputStream(garbage), "garbage.gz"));
        assertTrue(g.getMessage().startsWith("garbage.gz:"), g.getMessage());
    }

    @Test
    void gzipCutInItsTrailerNamesTheLastLineReadAndTheCause() throws Exception {
        byte[] gz = Files.readAllBytes(resource("basic.mtrace.gz"));
        long lines = new String(new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz))
                .readAllBytes(), StandardCharsets.ISO_8859_1).lines().count();
        for (int cut = 1; cut <= 8; cut++) {                        // into the 8-byte trailer
            byte[] truncated = Arrays.copyOf(gz, gz.length - cut);
            IOException e = assertThrows(IOException.class,
                    () -> MtraceParser.parse(new ByteArrayInputStream(truncated), "cut.gz"));
            assertEquals("cut.gz: cannot read after line " + lines + " (the last line read): the"
                    + " gzip data ends in its trailer (the CRC-32 and length after the compressed"
                    + " data): the file was cut short", e.getMessage());
        }
    }

    @Test
    void readFailuresAreInWords(@TempDir Path dir) {
        assertEquals("no such file", ReadFailure.describe(
                new java.nio.file.NoSuchFileException("x")));
        assertEquals("permission denied", ReadFailure.describe(
                new java.nio.file.AccessDeniedException("x")));
        assertEquals("the gzip data ends before its end of stream: the file was cut short",
                ReadFailure.describe(new java.io.EOFException("Unexpected end of ZLIB input"
                        + " stream")));
        assertEquals("corrupt gzip data (invalid stored block lengths)", ReadFailure.describe(
                new java.util.zip.ZipException("invalid stored block lengths")));
        IOException folder = assertThrows(IOException.class, () -> MtraceParser.parse(dir));
        assertTrue(folder.getMessage().endsWith("is a directory"), folder.getMessage());
    }

    @Test
    void streamIsNotClosed() throws Exception {
        boolean[] closed = {false};
        InputStream in = new FilterInputStream(
                Files.newInputStream(resource("basic.mtrace.gz"))) {
            @Override
            public void close() throws IOException {
                closed[0] = true;
                super.close();
            }
        };
        Trace t = MtraceParser.parse(in, "s");
        assertEquals(8, t.eventCount());
        assertFalse(closed[0]);
        in.close();
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(NullPointerException.class, () -> MtraceParser.parse(null));
        assertThrows(NullPointerException.class,
                () -> MtraceParser.parse(null, "x"));
        assertThrows(NullPointerException.class,
                () -> MtraceParser.parse(new ByteArrayInputStream(new byte[0]), null));
    }

    @Test
    void missingFileIsAnIoException(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class,
                () -> MtraceParser.parse(dir.resolve("absent.mtrace")));
        assertFalse(e instanceof TraceFormatException);
    }
}

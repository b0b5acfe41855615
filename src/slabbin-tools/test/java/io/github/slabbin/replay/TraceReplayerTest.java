package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TraceReplayerTest {

    /** A trace whose figures are worked out by hand below. */
    static final String HANDMADE = String.join("\n",
            "= Start",
            "@ [0x1] + 0x1000 0x10",      // e0: 16 B  -> class 16
            "@ [0x1] + 0x2000 0x18",      // e1: 24 B  -> class 32
            "@ [0x1] + 0x3000 0x2000",    // e2: 8192 B -> system allocator
            "@ [0x1] - 0x1000",           // e3: free the 16 B block
            "@ [0x1] < 0x2000",           // e4: realloc 24 -> 28 B, same class 32: slot kept
            "@ [0x1] > 0x4000 0x1c",
            "@ [0x1] < 0x4000",           // e5: realloc 28 -> 100 B, class 112: moved
            "@ [0x1] > 0x5000 0x64",
            "@ [0x1] - 0x9999",           // unmatched free: counted, skipped
            "@ [0x1] + 0x6000 0x100",     // e6: 256 B -> class 256
            "= End", "");

    static Trace handmade() throws IOException {
        return MtraceParser.parse(new ByteArrayInputStream(
                HANDMADE.getBytes(StandardCharsets.US_ASCII)), "handmade");
    }

    @ParameterizedTest
    @EnumSource(TraceReplayer.Verify.class)
    void handmadeTraceFiguresMatchHandCount(TraceReplayer.Verify verify) throws IOException {
        ReplayReport r = new TraceReplayer(SizeClasses.defaults(), verify, 1, 0)
                .replay(handmade());
        assertEquals(7, r.events());
        assertEquals(4, r.allocations());
        assertEquals(1, r.frees());
        assertEquals(2, r.reallocs());
        assertEquals(1, r.unmatchedFrees());
        assertEquals(3, r.liveAtEnd());
        // Requests: 16, 24, 8192, 28, 100, 256; all but 8192 fit a class.
        assertEquals(6, r.requests());
        assertEquals(5, r.slabRequests());
        assertEquals(16 + 24 + 8192 + 28 + 100 + 256, r.requestedBytes());
        assertEquals(16 + 24 + 28 + 100 + 256, r.slabRequestedBytes());
        // Live bytes: 16, 40, 8232, 8216, 8220, 8292, 8548 -> peak 8548.
        assertEquals(8548, r.peakLiveBytes());
        // In classes: 16, 40, 24, 28, 100, 356 -> peak 356.
        assertEquals(356, r.peakLiveSlabBytes());
        // One slab each in classes 16, 32, 112, 256; slabs of 64 KiB / stride slots:
        // 4096*16 + 2048*32 + 585*112 + 256*256 bytes.
        int[] slabs = new int[SizeClasses.defaults().classCount()];
        slabs[SizeClasses.defaults().classOf(16)] = 1;
        slabs[SizeClasses.defaults().classOf(32)] = 1;
        slabs[SizeClasses.defaults().classOf(112)] = 1;
        slabs[SizeClasses.defaults().classOf(256)] = 1;
        assertArrayEquals(slabs, r.slabsPerClass());
        assertEquals(65536 + 65536 + 65520 + 65536, r.peakReservedBytes());
        // After trim the 100 B and 256 B blocks are still live: their two slabs stay.
        assertEquals(65520 + 65536, r.reservedAfterTrimBytes());
        assertEquals((65536 * 3 + 65520) / 356.0, r.overhead(), 1e-9);
        for (Timing t : new Timing[] {r.javaSlabbin(), r.javaSystem(), r.cSlabbin(), r.cSystem()}) {
            assertEquals(1, t.runs());
            assertTrue(t.medianNanos() > 0);
            assertTrue(t.minNanos() <= t.medianNanos() && t.medianNanos() <= t.maxNanos());
        }
    }

    @Test
    void handmadeTraceMemoryFiguresWithGrowth() throws IOException {
        ReplayReport r = new TraceReplayer(SizeClasses.defaults(), TraceReplayer.Verify.ENDS, 1, 0)
                .growth(64).replay(handmade());
        // Slot bytes live: 16, 48, 32 (16 B freed), 32 (kept), 112 (moved), 368 -> peak 368.
        assertEquals(368, r.peakLiveSlotBytes());
        assertEquals(356, r.peakLiveSlabBytes());
        // First slabs of about 64 bytes: 4 slots of 16, 2 of 32, 1 of 112, 1 of 256.
        assertEquals(64 + 64 + 112 + 256, r.peakReservedBytes());
        assertEquals(112 + 256, r.reservedAfterTrimBytes());       // live at the end
        assertEquals(64, r.initialSlabBytes());
        assertEquals(496 / 368.0, r.slabOverhead(), 1e-12);
        assertEquals(368 / 356.0, r.classRounding(), 1e-12);
        assertEquals(496 / 356.0, r.overhead(), 1e-12);           // the product of the two
        // Footprints: chunk bytes of malloc, glibc on 64-bit Linux: request + 8 rounded up to 16,
        // at least 32. slabbin: its slabs plus the 8192-byte block (8208) -> 496 + 8208.
        // malloc: 32 + 32 + 8208, then 8208 + 48 (24 -> 28 bytes), then 8208 + 112, then
        // 8208 + 112 + 272 = 8592 at the end.
        // glibc hands out a free chunk whole when what is left would be too small to split (under
        // 32 bytes), so malloc_usable_size may say up to 16 bytes more per chunk, depending on
        // what the process freed before: at most 1 chunk of malloc at slabbin's peak, 3 at its own.
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"), "glibc chunk sizes");
        assertBetween(496 + 8208, 496 + 8208 + 16, r.peakFootprintBytes());
        assertBetween(8592, 8592 + 3 * 16, r.systemFootprintBytes());
        assertEquals(r.peakFootprintBytes() / (double) r.systemFootprintBytes(),
                r.footprintRatio(), 1e-12);
    }

    private static void assertBetween(long low, long high, long actual) {
        assertTrue(actual >= low && actual <= high, actual + " not in [" + low + ", " + high + "]");
    }

    @Test
    void withoutGrowthSlabOverheadCountsWholeSlabs() throws IOException {
        ReplayReport r = new TraceReplayer(SizeClasses.defaults(), TraceReplayer.Verify.ENDS, 1, 0)
                .replay(handmade());
        assertEquals(0, r.initialSlabBytes());
        assertEquals((65536 * 3 + 65520) / 368.0, r.slabOverhead(), 1e-12);
        assertEquals(r.overhead(), r.slabOverhead() * r.classRounding(), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jq-group", "perl-hash", "sqlite-index"})
    void bundledTracesReplayWithoutMismatch(String name) throws IOException {
        Trace t = BundledTraces.load(name);
        ReplayReport r = new TraceReplayer(SizeClasses.defaults(), TraceReplayer.Verify.FULL,
                1, 0).replay(t);
        // No ReplayException: every block's bytes survived in all four runs.
        assertEquals(t.eventCount(), r.events());
        assertEquals(t.allocations(), r.allocations());
        assertEquals(t.frees(), r.frees());
        assertEquals(t.reallocs(), r.reallocs());
        // Slab-served counts equal an independent count over the trace's events.
        long requests = 0;
        long slabRequests = 0;
        for (int i = 0; i < t.eventCount(); i++) {
            if (t.op(i) != Trace.FREE) {
                requests++;
                if (t.size(i) <= SizeClasses.defaults().limit()) {
                    slabRequests++;
                }
            }
        }
        assertEquals(t.allocations() + t.reallocs(), requests);
        assertEquals(requests, r.requests());
        assertEquals(slabRequests, r.slabRequests());
        // Slab accounting: reserved bytes are whole slabs of about 64 KiB.
        long slabCount = 0;
        for (int s : r.slabsPerClass()) {
            slabCount += s;
        }
        assertTrue(slabCount > 0);
        assertTrue(r.peakReservedBytes() <= slabCount * 65536L);
        assertTrue(r.peakReservedBytes() >= r.peakLiveSlotBytes());
        assertTrue(r.peakLiveSlotBytes() >= r.peakLiveSlabBytes());
        assertTrue(r.reservedAfterTrimBytes() <= r.peakReservedBytes());
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class,
                () -> new TraceReplayer(SizeClasses.defaults(), TraceReplayer.Verify.ENDS, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new TraceReplayer(SizeClasses.defaults(), TraceReplayer.Verify.ENDS, 1, -1));
    }

    @Test
    void progressCountsEveryRun() throws IOException {
        TraceReplayer r = new TraceReplayer(SizeClasses.defaults(), TraceReplayer.Verify.ENDS, 2, 1);
        int[] last = {0};
        r.onProgress(done -> {
            assertEquals(last[0] + 1, done);
            last[0] = done;
        });
        r.replay(handmade());
        assertEquals(r.runsPerTrace(), last[0]);
        assertEquals(12, last[0]);
    }
}

package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bundled traces parse, and their counts agree with the table in their README.md.
 *
 * <p>Line counts per op, as given by {@code zcat NAME.mtrace.gz | grep -c PATTERN}:
 * <pre>
 *                 wc -l    '^@ \[0x[0-9a-f]*\] + 0x'  '... - 0x'  '... &lt; 0x'  '... &gt; 0x'  '^='
 *   jq-group      459036   229517                     229516      1            1            1
 *   perl-hash     404543   203913                     200407      111          111          1
 *   sqlite-index  125189    62563                      62563      31           31           1
 * </pre>
 * So every line is an op or the single {@code = Start} marker (there is no {@code = End}), no
 * line has an address 0 ({@code grep -c ' + 0x0 '} and {@code ' > 0x0 '} give 0), there is no
 * failed realloc ({@code grep -c ' ! '} gives 0), and every {@code <} is followed by a
 * {@code >}. The README's allocs, frees and reallocs columns are these {@code +}, {@code -} and
 * {@code <} line counts. Every free and realloc in the traces refers to a live address, so the
 * line counts equal {@link Trace#allocations()}, {@link Trace#frees()} and
 * {@link Trace#reallocs()}, and {@code liveAtEnd = allocations - frees} (a realloc frees one
 * block and creates one).
 *
 * <p>The peaks were obtained by replaying each trace with a dictionary from address to size
 * and taking the maximum of the running sums after each event.
 */
class BundledTracesTest {

    private static void assertCounts(Trace t, int lines, int allocations, int frees,
            int reallocs, int liveAtEnd, long peakLiveBytes, int peakLiveBlocks,
            long totalRequestedBytes) {
        assertEquals(allocations, t.allocations(), "allocations");
        assertEquals(frees, t.frees(), "frees");
        assertEquals(reallocs, t.reallocs(), "reallocs");
        assertEquals(allocations + frees + reallocs, t.eventCount(), "events");
        assertEquals(allocations + reallocs, t.blockCount(), "blocks");
        assertEquals(liveAtEnd, t.liveAtEnd(), "live at end");
        assertEquals(0, t.unmatchedFrees(), "unmatched frees");
        assertEquals(0, t.unmatchedReallocs(), "unmatched reallocs");
        assertEquals(0, t.failedAllocations(), "failed allocations");
        assertEquals(0, t.duplicateAllocations(), "duplicate allocations");
        assertEquals(0, t.nullFrees(), "null frees");
        assertEquals(peakLiveBytes, t.peakLiveBytes(), "peak live bytes");
        assertEquals(peakLiveBlocks, t.peakLiveBlocks(), "peak live blocks");
        assertEquals(totalRequestedBytes, t.totalRequestedBytes(), "total requested bytes");
        // The first line is "= Start"; each realloc spans two lines and is one event.
        assertEquals(2, t.line(0));
        assertEquals(lines, t.line(t.eventCount() - 1));
        assertEquals(lines - 1, t.eventCount() + reallocs);
        assertConsistent(t);
    }

    /**
     * Structural invariants: ids are created in order, each freed at most once, sizes agree
     * with the block table, and the live-at-end list is exactly the blocks never freed.
     */
    static void assertConsistent(Trace t) {
        byte[] ops = t.ops();
        int[] ids = t.ids();
        int[] oldIds = t.oldIds();
        long[] sizes = t.sizes();
        int[] lines = t.lines();
        boolean[] freed = new boolean[t.blockCount()];
        int nextId = 0;
        long live = 0;
        long peak = 0;
        long total = 0;
        for (int i = 0; i < t.eventCount(); i++) {
            if (i > 0) {
                assertTrue(lines[i] > lines[i - 1], "lines increase at event " + i);
            }
            switch (ops[i]) {
                case Trace.MALLOC:
                case Trace.REALLOC:
                    assertEquals(nextId++, ids[i], "new id at event " + i);
                    assertEquals(t.blockSize(ids[i]), sizes[i]);
                    live += sizes[i];
                    total += sizes[i];
                    if (ops[i] == Trace.REALLOC) {
                        assertTrue(oldIds[i] >= 0 && oldIds[i] < ids[i]);
                        assertTrue(!freed[oldIds[i]], "realloc of freed block at " + i);
                        freed[oldIds[i]] = true;
                        live -= t.blockSize(oldIds[i]);
                    } else {
                        assertEquals(-1, oldIds[i]);
                    }
                    break;
                case Trace.FREE:
                    assertTrue(ids[i] >= 0 && ids[i] < nextId);
                    assertTrue(!freed[ids[i]], "double free at " + i);
                    freed[ids[i]] = true;
                    assertEquals(-1, oldIds[i]);
                    assertEquals(0, sizes[i]);
                    live -= t.blockSize(ids[i]);
                    break;
                default:
                    throw new AssertionError("bad op " + ops[i] + " at event " + i);
            }
            peak = Math.max(peak, live);
        }
        assertEquals(t.blockCount(), nextId);
        assertEquals(peak, t.peakLiveBytes());
        assertEquals(total, t.totalRequestedBytes());
        int[] expectedLive = java.util.stream.IntStream.range(0, freed.length)
                .filter(id -> !freed[id]).toArray();
        assertArrayEquals(expectedLive, t.liveAtEndIds());
    }

    @Test
    void names() {
        assertEquals(List.of("jq-group", "perl-hash", "sqlite-index"), BundledTraces.names());
        assertEquals("jq-group.mtrace.gz", BundledTraces.fileName("jq-group"));
        assertEquals("/io/github/slabbin/replay/traces/sqlite-index.mtrace.gz",
                BundledTraces.resourceName("sqlite-index"));
        assertThrows(IllegalArgumentException.class, () -> BundledTraces.open("nope"));
        assertThrows(IllegalArgumentException.class, () -> BundledTraces.fileName("../x"));
        assertThrows(NullPointerException.class, () -> BundledTraces.load(null));
    }

    @Test
    void eachOpensAsGzip() throws IOException {
        for (String name : BundledTraces.names()) {
            try (InputStream in = BundledTraces.open(name)) {
                assertEquals(0x1f, in.read(), name);
                assertEquals(0x8b, in.read(), name);
            }
        }
    }

    @Test
    void jqGroup() throws IOException {
        Trace t = BundledTraces.load("jq-group");
        assertEquals("jq-group.mtrace.gz", t.name());
        assertCounts(t, 459036, 229_517, 229_516, 1, 1, 18_978_169, 220_147, 24_413_464);
    }

    @Test
    void perlHash() throws IOException {
        Trace t = BundledTraces.load("perl-hash");
        assertCounts(t, 404543, 203_913, 200_407, 111, 3_506, 16_750_883, 203_491, 20_641_611);
    }

    @Test
    void sqliteIndex() throws IOException {
        Trace t = BundledTraces.load("sqlite-index");
        assertCounts(t, 125189, 62_563, 62_563, 31, 0, 2_388_485, 1_622, 8_585_769);
    }

    @Test
    void allThreeParseQuickly() throws IOException {
        long start = System.nanoTime();
        long events = 0;
        for (String name : BundledTraces.names()) {
            events += BundledTraces.load(name).eventCount();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(459_034 + 404_431 + 125_157, events);
        // A generous bound that still catches accidental quadratic behaviour.
        assertTrue(millis < 15_000, "parsing the bundled traces took " + millis + " ms");
    }
}

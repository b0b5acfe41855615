package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random well-formed traces over a small pool of addresses (so that reuse, unknown frees,
 * duplicates and null addresses are frequent) parse to the events and counters of a plain
 * model built on {@link HashMap}.
 */
class MtraceParserProperties {
    private static final int MALLOC = 0;
    private static final int FREE = 1;
    private static final int REALLOC = 2;
    private static final int FAILED_REALLOC = 3;
    private static final int NOISE = 4;

    /** {kind, address, second address, size, decoration}. */
    @Provide
    Arbitrary<List<long[]>> operations() {
        Arbitrary<Long> addresses = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 12).map(k -> k * 16),
                Arbitraries.of(0x7ffd_0000_0000L, -16L));
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.longs().between(0, 5000),
                Arbitraries.of(0L, 1L << 40));
        return Combinators.combine(Arbitraries.integers().between(0, 4), addresses, addresses,
                sizes, Arbitraries.integers().between(0, 3))
                .as((kind, a, b, size, deco) -> new long[] {kind, a, b, size, deco})
                .list().ofMaxSize(300);
    }

    private static String hex(long v, long decoration) {
        if (v == 0 && decoration == 3) {
            return "(nil)";
        }
        if (v == 0 && decoration == 1) {
            return "0";
        }
        String digits = Long.toHexString(v);
        return decoration == 2 ? "0X" + digits.toUpperCase() : "0x" + digits;
    }

    private static String caller(long decoration) {
        switch ((int) decoration) {
            case 0:
                return "@ [0x4011d6] ";
            case 1:
                return "";
            case 2:
                return "@ /usr/lib/libx.so:(f+0x1a)[0x7f00aa] ";
            default:
                return "@\t./a b:[0x12]\t";
        }
    }

    /** Model state. */
    private static final class Model {
        final Map<Long, Integer> live = new HashMap<>();
        final List<Long> blockSizes = new ArrayList<>();
        final TreeSet<Integer> liveIds = new TreeSet<>();
        final List<long[]> events = new ArrayList<>();
        int allocations;
        int frees;
        int reallocs;
        int unmatchedFrees;
        int unmatchedReallocs;
        int failed;
        int duplicates;
        int nullFrees;
        long peakBytes;
        int peakBlocks;
        long total;

        void malloc(long address, long size, int line) {
            if (address == 0) {
                failed++;
                return;
            }
            int id = create(address, size);
            allocations++;
            events.add(new long[] {Trace.MALLOC, id, -1, size, line});
            peaks();
        }

        int create(long address, long size) {
            if (live.containsKey(address)) {
                duplicates++;
            }
            int id = blockSizes.size();
            blockSizes.add(size);
            live.put(address, id);
            liveIds.add(id);
            total += size;
            return id;
        }

        void free(long address, int line) {
            if (address == 0) {
                nullFrees++;
            } else if (!live.containsKey(address)) {
                unmatchedFrees++;
            } else {
                int id = live.remove(address);
                liveIds.remove(id);
                frees++;
                events.add(new long[] {Trace.FREE, id, -1, 0, line});
            }
        }

        void realloc(long old, long address, long size, int line) {
            if (address == 0) {
                free(old, line);
            } else if (old == 0) {
                malloc(address, size, line);
            } else if (!live.containsKey(old)) {
                unmatchedReallocs++;
                malloc(address, size, line);
            } else {
                int oldId = live.remove(old);
                liveIds.remove(oldId);
                int id = create(address, size);
                reallocs++;
                events.add(new long[] {Trace.REALLOC, id, oldId, size, line});
                peaks();
            }
        }

        void peaks() {
            long bytes = 0;
            for (int id : liveIds) {
                bytes += blockSizes.get(id);
            }
            peakBytes = Math.max(peakBytes, bytes);
            peakBlocks = Math.max(peakBlocks, liveIds.size());
        }
    }

    @Property
    void parsesLikeModel(@ForAll("operations") List<long[]> operations) throws IOException {
        StringBuilder text = new StringBuilder("= Start\n");
        int line = 1;
        Model model = new Model();
        for (long[] op : operations) {
            long a = op[1];
            long b = op[2];
            long size = op[3];
            long deco = op[4];
            String at = caller(deco);
            switch ((int) op[0]) {
                case MALLOC:
                    text.append(at).append("+ ").append(hex(a, deco)).append(' ')
                            .append(hex(size, deco == 3 ? 0 : deco)).append('\n');
                    model.malloc(a, size, ++line);
                    break;
                case FREE:
                    text.append(at).append("- ").append(hex(a, deco)).append('\n');
                    model.free(a, ++line);
                    break;
                case REALLOC:
                    text.append(at).append("< ").append(hex(a, deco)).append('\n');
                    text.append(at).append("> ").append(hex(b, deco)).append(' ')
                            .append(hex(size, deco == 3 ? 0 : deco)).append('\n');
                    model.realloc(a, b, size, ++line);
                    line++;
                    break;
                case FAILED_REALLOC:
                    text.append(at).append("! ").append(hex(a, 0)).append(' ')
                            .append(hex(size, 0)).append('\n');
                    line++;
                    model.failed++;
                    break;
                default:
                    text.append(deco % 2 == 0 ? "\n" : "= marker\n");
                    line++;
                    break;
            }
        }
        Trace t = MtraceParserTest.parse(text.toString());

        assertEquals(model.events.size(), t.eventCount(), "events");
        for (int i = 0; i < t.eventCount(); i++) {
            long[] e = model.events.get(i);
            assertArrayEquals(e, new long[] {t.op(i), t.id(i), t.oldId(i), t.size(i), t.line(i)},
                    "event " + i);
        }
        assertEquals(model.allocations, t.allocations(), "allocations");
        assertEquals(model.frees, t.frees(), "frees");
        assertEquals(model.reallocs, t.reallocs(), "reallocs");
        assertEquals(model.unmatchedFrees, t.unmatchedFrees(), "unmatched frees");
        assertEquals(model.unmatchedReallocs, t.unmatchedReallocs(), "unmatched reallocs");
        assertEquals(model.failed, t.failedAllocations(), "failed");
        assertEquals(model.duplicates, t.duplicateAllocations(), "duplicates");
        assertEquals(model.nullFrees, t.nullFrees(), "null frees");
        assertEquals(model.blockSizes.size(), t.blockCount(), "blocks");
        assertArrayEquals(model.liveIds.stream().mapToInt(Integer::intValue).toArray(),
                t.liveAtEndIds(), "live at end");
        assertEquals(model.peakBytes, t.peakLiveBytes(), "peak bytes");
        assertEquals(model.peakBlocks, t.peakLiveBlocks(), "peak blocks");
        assertEquals(model.total, t.totalRequestedBytes(), "total");
        for (int id = 0; id < t.blockCount(); id++) {
            assertEquals(model.blockSizes.get(id), t.blockSize(id), "block size " + id);
        }
        BundledTracesTest.assertConsistent(t);
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The native protocol read by name, through the binding of this JVM ({@link NativeCalls}): each
 * {@code STAT_*} position holds the field it names, a refused batch free decodes to its entry and
 * status, and C's stride rule is {@link SlotLayout}'s.
 */
class NativeProtocolTest {

    static {
        NativeCalls.ensureLoaded();
    }

    /**
     * A state where every statistic differs from the others: 33-byte slots aligned to 16 (stride
     * 48), slabs of 3, 6 and 7 slots (capacity 7); 10 allocated, the third slab's one slot and
     * one more freed, the third slab trimmed.
     */
    @Test
    void everyStatisticSitsAtItsNamedPosition() {
        long h = NativeCalls.createWith(33, 16, 7, 3, 0);
        assertTrue(h > 0, "handle " + h);
        try {
            long[] xs = new long[10];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = NativeCalls.allocate(h);
            }
            assertEquals(SlabbinNative.OK, NativeCalls.deallocate(h, xs[9]));
            assertEquals(SlabbinNative.OK, NativeCalls.deallocate(h, xs[8]));
            assertEquals(7 * 48, NativeCalls.trim(h));
            assertEquals(new NativeStats(33, 16, 48, 7, 2, 8, 10, 9 * 48, 3, 9, 16 * 48),
                    NativeStats.read(h));
        } finally {
            NativeCalls.destroy(h);
        }
    }

    /** The index rides above the status bits: an index of 300 needs more than 8 bits. */
    @Test
    void aRefusedBatchFreeDecodesToItsEntryAndStatus() {
        long h = NativeCalls.createWith(16, 8, 512, 512, 0);
        try {
            long[] xs = new long[302];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = NativeCalls.allocate(h);
            }
            xs[301] = xs[0] + 4;                          // inside slot 0
            long packed = NativeCalls.deallocateBatch(h, xs, 1, 301);
            assertEquals(new BatchError(300, SlabbinNative.EINTERIOR), BatchError.decode(packed));
        } finally {
            NativeCalls.destroy(h);
        }
    }

    /** C's {@code slabbin_layout_stride} and {@link SlotLayout#stride()} agree on every layout. */
    @Property(tries = 2000)
    void cAndJavaDeriveTheSameStride(@ForAll @LongRange(min = 1, max = 1 << 20) long size,
                                     @ForAll @IntRange(min = 0, max = 21) int alignmentLog2) {
        long alignment = 1L << alignmentLog2;
        assertEquals(SlotLayout.of(size, alignment).stride(),
                NativeCalls.layoutStride(size, alignment),
                () -> "size " + size + ", alignment " + alignment);
    }

    /** Every alignment at the edges of the size range, exhaustively. */
    @Test
    void cAndJavaAgreeAtTheEdges() {
        for (int log2 = 0; log2 <= 21; log2++) {
            long alignment = 1L << log2;
            for (long size : new long[] {1, 7, 8, 9, alignment - 1, alignment, alignment + 1,
                    (1 << 20) - 1, 1 << 20}) {
                if (size >= 1) {
                    assertEquals(SlotLayout.of(size, alignment).stride(),
                            NativeCalls.layoutStride(size, alignment),
                            "size " + size + ", alignment " + alignment);
                }
            }
        }
    }
}

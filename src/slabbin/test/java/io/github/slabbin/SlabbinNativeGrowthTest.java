package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The native calls of slab growth, through the binding of this JVM: {@link NativeCalls#createWith}
 * and the growth figures of {@link NativeCalls#stats}. A 24-byte, 8-aligned slot has a stride of 24 bytes.
 */
class SlabbinNativeGrowthTest {
    private static final long STRIDE = 24;

    static {
        NativeCalls.ensureLoaded();
    }

    private static long[] stats(long h) {
        long[] v = new long[SlabbinNative.STATS_LENGTH];
        NativeCalls.stats(h, v);
        return v;
    }

    @Test
    void slabsDoubleUpToTheCapacity() {
        long h = NativeCalls.createWith(24, 8, 20, 1, 0);
        assertTrue(h > 0, "handle " + h);
        try {
            assertArrayEquals(new long[] {24, 8, STRIDE, 20, 0, 0, 0, 0, 1, 0, 0}, stats(h));
            // capacities 1, 2, 4, 8, 16, 20, 20: the slab count after each allocation
            long[] slabsAfter = new long[71];
            long[] capacities = {1, 2, 4, 8, 16, 20, 20};
            int n = 0;
            for (int k = 0; k < capacities.length; k++) {
                for (int j = 0; j < capacities[k]; j++) {
                    slabsAfter[n++] = k + 1;
                }
            }
            long slots = 0;
            for (int i = 0; i < n; i++) {
                long p = NativeCalls.allocate(h);
                assertTrue(p > 0, "address " + p);
                long[] v = stats(h);
                assertEquals(slabsAfter[i], v[SlabbinNative.STAT_SLAB_COUNT], "slabs after allocation " + i);
                slots = 0;
                for (int k = 0; k < v[SlabbinNative.STAT_SLAB_COUNT]; k++) {
                    slots += capacities[k];
                }
                assertEquals(slots, v[SlabbinNative.STAT_RESERVED_SLOTS], "reserved slots");
                assertEquals(slots * STRIDE, v[SlabbinNative.STAT_RESERVED_BYTES], "reserved bytes");
                assertEquals(slots * STRIDE, v[SlabbinNative.STAT_PEAK_RESERVED_BYTES], "peak reserved bytes");
            }
            assertEquals(71, slots);
        } finally {
            NativeCalls.destroy(h);
        }
    }

    @Test
    void trimReleasesExactBytesAndGrowthRestarts() {
        long h = NativeCalls.createWith(24, 8, 64, 2, SlabbinNative.FLAG_UNCHECKED);
        try {
            long[] xs = new long[6];                     // slabs of 2 and 4 slots
            for (int i = 0; i < xs.length; i++) {
                xs[i] = NativeCalls.allocate(h);
            }
            for (long x : xs) {
                assertEquals(SlabbinNative.OK, NativeCalls.deallocate(h, x));
            }
            assertEquals(6 * STRIDE, NativeCalls.trim(h));
            long[] v = stats(h);
            assertEquals(0, v[SlabbinNative.STAT_SLAB_COUNT]);
            assertEquals(0, v[SlabbinNative.STAT_RESERVED_BYTES]);
            assertEquals(6 * STRIDE, v[SlabbinNative.STAT_PEAK_RESERVED_BYTES]);             // the peak stays
            NativeCalls.allocate(h);
            assertEquals(2, stats(h)[SlabbinNative.STAT_RESERVED_SLOTS]);                // a first slab of 2 slots again
        } finally {
            NativeCalls.destroy(h);
        }
    }

    @Test
    void initialCapacityEqualToCapacityIsNoGrowth() {
        long a = NativeCalls.createWith(40, 8, 5, 5, 0);
        try {
            for (int i = 0; i < 12; i++) {
                NativeCalls.allocate(a);
            }
            // three full slabs of 5 slots, 40 bytes each
            assertArrayEquals(new long[] {40, 8, 40, 5, 3, 12, 12, 600, 5, 15, 600}, stats(a));
        } finally {
            NativeCalls.destroy(a);
        }
    }

    @Test
    void invalidGrowthIsRefused() {
        assertEquals(SlabbinNative.EINVAL, NativeCalls.createWith(24, 8, 20, 0, 0));
        assertEquals(SlabbinNative.EINVAL, NativeCalls.createWith(24, 8, 20, 21, 0));
        assertEquals(SlabbinNative.EINVAL, NativeCalls.createWith(24, 8, 20, -1, 0));
        assertEquals(SlabbinNative.EINVAL, NativeCalls.createWith(24, 8, 0, 1, 0));
        assertEquals(SlabbinNative.EINVAL, NativeCalls.createWith(24, 3, 20, 1, 0));
        assertEquals(SlabbinNative.EINVAL, NativeCalls.createWith(24, 8, 20, 1,
                SlabbinNative.FLAG_UNCHECKED | SlabbinNative.FLAG_DEBUG));
        assertEquals(SlabbinNative.EINVAL, NativeCalls.createWith(24, 8, Long.MAX_VALUE, 1, 0));
    }

    @Test
    void shorterStatsArraysGetTheirPrefix() {
        long h = NativeCalls.createWith(24, 8, 20, 4, 0);
        try {
            NativeCalls.allocate(h);
            long[] eight = new long[8];
            NativeCalls.stats(h, eight);
            assertArrayEquals(new long[] {24, 8, STRIDE, 20, 1, 1, 1, 4 * STRIDE}, eight);
            long[] longer = new long[SlabbinNative.STATS_LENGTH + 1];
            longer[SlabbinNative.STATS_LENGTH] = -7;
            NativeCalls.stats(h, longer);
            assertArrayEquals(new long[] {24, 8, STRIDE, 20, 1, 1, 1, 4 * STRIDE, 4, 4,
                4 * STRIDE, -7}, longer);
        } finally {
            NativeCalls.destroy(h);
        }
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The magazine fast path: same observable behaviour as single native calls, checks at the call. */
class MagazineTest {
    static final SlotLayout L = SlotLayout.of(24, 8);

    static SlabAllocator plain(int capacity, boolean checked) {
        return SlabAllocator.builder(L).slabCapacity(capacity).checked(checked).build();
    }

    static SlabAllocator mag(int capacity, boolean checked, int slots) {
        return SlabAllocator.builder(L).slabCapacity(capacity).checked(checked).magazine(slots)
                .build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void crateReuseScenarios(boolean checked) {
        try (SlabAllocator a = mag(2, checked, 4)) {
            long x = a.allocate();
            long y = a.allocate();
            assertEquals(1, a.stats().slabCount());
            a.deallocate(y);
            assertEquals(y, a.allocate());
            a.deallocate(x);
            assertEquals(x, a.allocate());
        }
        try (SlabAllocator a = mag(1, checked, 8)) {
            long x = a.allocate();
            a.deallocate(x);
            assertEquals(x, a.allocate());
            long y = a.allocate();
            long z = a.allocate();
            assertNotEquals(y, z);
            a.deallocate(y);
            a.deallocate(x);
            assertEquals(x, a.allocate());
            assertEquals(y, a.allocate());
            assertEquals(3, a.stats().slabCount());
        }
        try (SlabAllocator a = mag(2, checked, 2)) {
            long x = a.allocate();
            long y = a.allocate();
            a.deallocate(x);
            a.deallocate(y);
            assertEquals(y, a.allocate());
            assertEquals(x, a.allocate());
            long third = a.allocate();
            assertNotEquals(x, third);
            assertNotEquals(y, third);
            assertEquals(2, a.stats().slabCount());
        }
    }

    /**
     * Any sequence of single and batch calls, resets and trims gives the very same slots and
     * statistics with and without a magazine: the magazine plus the core's free list behave as one
     * LIFO stack, and slabs are reserved only when every reserved slot is live.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 8, 64})
    void sameSlotsAndStatsAsWithoutAMagazine(int slots) {
        for (boolean checked : new boolean[] {true, false}) {
            long seed = slots * 31L + (checked ? 1 : 0);
            TwinRun.run(L, 5, checked, slots, TwinRun.randomOps(new Random(seed), 6_000),
                    "seed " + seed + ", checked " + checked + ", magazine " + slots);
        }
    }

    /** The input of #7: a batch free after a single free; the batch's slot is the newest. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBatchFreeAfterASingleFreeIsReusedFirst(boolean checked) {
        try (SlabAllocator p = plain(8, checked); SlabAllocator m = mag(8, checked, 8)) {
            for (SlabAllocator x : List.of(p, m)) {
                long a = x.allocate();
                long b = x.allocate();
                x.deallocate(a);
                x.deallocate(new long[] {b}, 0, 1);
                assertEquals(b, x.allocate(), x + ": the most recently freed slot");
                assertEquals(a, x.allocate(), x.toString());
                long[] many = new long[12];
                x.allocate(many, 0, 12);                  // more than the magazine holds
                x.deallocate(a);
                x.deallocate(many, 0, 12);
                assertEquals(many[11], x.allocate(), x + ": a batch larger than the magazine");
                assertEquals(many[10], x.allocate(), x.toString());
            }
        }
    }

    @Test
    void checkedRefusalsAtTheCallThatBreaksTheRules() {
        try (SlabAllocator a = mag(8, true, 16); SlabAllocator other = mag(8, true, 16)) {
            long x = a.allocate();
            long y = a.allocate();
            long foreign = other.allocate();
            a.deallocate(x);                                      // x now sits in the magazine
            SlabStats before = a.stats();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(x));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            assertTrue(e.getMessage().contains(TestSupport.hex(x)), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.deallocate(y + 8));
            assertTrue(e.getMessage().contains("interior pointer"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.deallocate(foreign));
            assertTrue(e.getMessage().contains("foreign pointer"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.deallocate(0));
            assertTrue(e.getMessage().contains("foreign pointer"), e.getMessage());
            assertEquals(before, a.stats(), "refusals change nothing");
            assertFalse(a.isAllocated(x));
            assertTrue(a.isAllocated(y));
            assertThrows(IllegalArgumentException.class, () -> a.buffer(x));
            assertEquals(x, a.allocate(), "LIFO through the magazine");
            // A double free long after, with the slot returned to the slabs by a flush.
            a.deallocate(y);
            for (int i = 0; i < 100; i++) {
                a.deallocate(a.allocate());
                long[] many = new long[40];
                a.allocate(many, 0, 40);
                for (long m : many) {
                    a.deallocate(m);
                }
            }
            e = assertThrows(IllegalArgumentException.class, () -> a.deallocate(y));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
        }
    }

    @Test
    void statsKeepCachedSlotsApartAndTrimResetCloseSeeThem() {
        try (SlabAllocator a = mag(4, true, 8)) {
            long x = a.allocate();                     // refill takes 4 (half the magazine)
            SlabStats s = a.stats();
            assertEquals(1, s.liveSlots());
            assertEquals(3, s.magazineSlots());
            assertEquals(1, s.peakLiveSlots());
            assertEquals(1, s.slabCount(), "a refill reserves no more than single calls would");
            a.deallocate(x);
            assertEquals(0, a.stats().liveSlots());
            assertEquals(4, a.stats().magazineSlots());
            assertEquals(4L * 24, a.trim(), "trim returns the cached slots, then the empty slab");
            assertEquals(0, a.stats().magazineSlots());
            assertEquals(0, a.stats().slabCount());
            long y = a.allocate();
            a.reset();
            assertEquals(0, a.stats().liveSlots());
            assertEquals(0, a.stats().magazineSlots());
            assertEquals(y, a.allocate(), "after reset the bump starts again at the first slot");
            assertEquals(1, a.stats().peakLiveSlots());
        }
    }

    @Test
    void allocateZeroedThroughTheMagazine() {
        try (SlabAllocator a = mag(4, true, 8)) {
            long x = a.allocate();
            TestSupport.CLib.INSTANCE.memset(new com.sun.jna.Pointer(x), 0xAB, 24);
            a.deallocate(x);
            assertEquals(x, a.allocateZeroed());
            for (byte b : new com.sun.jna.Pointer(x).getByteArray(0, 24)) {
                assertEquals(0, b);
            }
        }
    }

    @Test
    void magazineSizeIsValidated() {
        SlabAllocator.Builder b = SlabAllocator.builder(L);
        for (int bad : new int[] {-1, 1, 65_537}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.magazine(bad));
            assertTrue(e.getMessage().contains("magazine size"), e.getMessage());
        }
        try (SlabAllocator a = b.magazine(65_536).build()) {
            assertTrue(a.toString().contains("magazine=65536"), a.toString());
        }
    }

    @Test
    void outOfMemoryOnRefillLeavesTheAllocatorUsable() {
        try (SlabAllocator a = SlabAllocator.builder(L).slabCapacity(4).magazine(8)
                .maxReservedBytes(4 * 24).build()) {
            long[] four = new long[4];
            for (int i = 0; i < 4; i++) {
                four[i] = a.allocate();
            }
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, a::allocate);
            assertTrue(e.getMessage().contains("96 bytes"), e.getMessage());
            assertEquals(4, a.stats().liveSlots());
            a.deallocate(four[2]);
            assertEquals(four[2], a.allocate());
        }
    }
}

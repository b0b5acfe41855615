package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slab growth through the Java API ({@link SlabAllocator.Builder#initialSlabCapacity(int)}): 24-byte
 * slots aligned to 8 (stride 24).
 */
class GrowthTest {
    private static final SlotLayout L24 = SlotLayout.of(24, 8);

    private static SlabAllocator growing(int initial, int capacity, boolean checked) {
        return SlabAllocator.builder(L24).slabCapacity(capacity).initialSlabCapacity(initial)
                .checked(checked).build();
    }

    @Test
    void slabsDoubleFromTheInitialCapacityUpToTheSlabCapacity() {
        long[] capacities = {2, 4, 8, 16, 20, 20};
        try (SlabAllocator a = growing(2, 20, true)) {
            assertEquals(new SlabStats(24, 8, 24, 20, 0, 0, 0, 0, 0, 2), a.stats(),
                    "nothing reserved yet");
            long slots = 0;
            for (int k = 0; k < capacities.length; k++) {
                slots += capacities[k];
                for (int j = 0; j < capacities[k]; j++) {
                    a.allocate();
                }
                SlabStats s = a.stats();
                assertEquals(k + 1, s.slabCount(), "slabs after " + slots + " slots");
                assertEquals(slots, s.reservedSlots(), "reserved slots");
                assertEquals(slots * 24, s.reservedBytes(), "reserved bytes: exact per slab");
                assertEquals(slots, s.liveSlots());
            }
        }
    }

    @Test
    void withoutGrowthTheFirstSlabIsFull() {
        try (SlabAllocator a = SlabAllocator.create(L24, 5)) {
            a.allocate();
            assertEquals(new SlabStats(24, 8, 24, 5, 1, 1, 1, 120), a.stats());
            assertEquals(5, a.stats().initialSlabCapacity());
        }
    }

    @Test
    void freedSlotsComeBackLastInFirstOutAcrossSlabsOfEverySize() {
        try (SlabAllocator a = growing(1, 8, true)) {
            long[] xs = new long[7];                     // slabs of 1, 2 and 4 slots
            for (int i = 0; i < xs.length; i++) {
                xs[i] = a.allocate();
            }
            a.deallocate(xs[0]);
            a.deallocate(xs[2]);
            a.deallocate(xs[6]);
            assertEquals(xs[6], a.allocate());
            assertEquals(xs[2], a.allocate());
            assertEquals(xs[0], a.allocate());
            assertEquals(3, a.stats().slabCount(), "no slab reserved while slots were free");
        }
    }

    @Test
    void resetReusesTheSlabsInTheirOrder() {
        try (SlabAllocator a = growing(2, 16, true)) {
            List<Long> first = new ArrayList<>();
            for (int i = 0; i < 14; i++) {               // slabs of 2, 4 and 8 slots
                first.add(a.allocate());
            }
            a.reset();
            for (int i = 0; i < 14; i++) {
                assertEquals(first.get(i), a.allocate(), "slot " + i + " after reset");
            }
            assertEquals(3, a.stats().slabCount());
            assertEquals(14 * 24, a.stats().reservedBytes());
        }
    }

    @Test
    void trimReleasesExactBytesAndGrowthStartsAgain() {
        try (SlabAllocator a = growing(2, 64, true)) {
            long[] xs = new long[6];                     // slabs of 2 and 4 slots
            for (int i = 0; i < xs.length; i++) {
                xs[i] = a.allocate();
            }
            for (long x : xs) {
                a.deallocate(x);
            }
            assertEquals(6 * 24, a.trim());
            assertEquals(0, a.stats().reservedBytes());
            a.allocate();
            assertEquals(2, a.stats().reservedSlots(), "a first slab of 2 slots again");
        }
    }

    @Test
    void trimKeepsAGrownSlabAndDoublesFromIt() {
        try (SlabAllocator a = growing(2, 64, true)) {
            long[] xs = new long[6];                     // slabs of 2 and 4 slots
            for (int i = 0; i < xs.length; i++) {
                xs[i] = a.allocate();
            }
            a.deallocate(xs[0]);
            a.deallocate(xs[1]);                         // the slab of 2 is empty
            assertEquals(2 * 24, a.trim());
            assertEquals(4, a.stats().reservedSlots());
            a.allocate();                                // the next slab doubles the 4 kept
            assertEquals(4 + 8, a.stats().reservedSlots());
        }
    }

    @Test
    void checkedModeRefusesMisuseInSmallSlabs() {
        try (SlabAllocator a = growing(1, 8, true);
             SlabAllocator other = growing(1, 8, true)) {
            long x = a.allocate();                       // the one slot of the first slab
            long y = a.allocate();                       // the second slab, 2 slots
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(y + 8));
            assertTrue(e.getMessage().contains("interior pointer"), e.getMessage());
            long z = other.allocate();
            e = assertThrows(IllegalArgumentException.class, () -> a.deallocate(z));
            assertTrue(e.getMessage().contains("foreign pointer"), e.getMessage());
            a.deallocate(x);
            e = assertThrows(IllegalArgumentException.class, () -> a.deallocate(x));
            assertTrue(e.getMessage().contains(TestSupport.hex(x))
                    && e.getMessage().contains("double free"), e.getMessage());
            assertEquals(1, a.stats().liveSlots(), "the allocator stays usable");
            assertEquals(x, a.allocate());
        }
    }

    @Test
    void theInitialCapacityIsValidated() {
        SlabAllocator.Builder b = SlabAllocator.builder(L24);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.initialSlabCapacity(0));
        assertEquals("initial slab capacity must be at least 1 slot, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SlabAllocator.builder(L24).slabCapacity(4).initialSlabCapacity(5).build());
        assertEquals("initial slab capacity must be 1 to the slab capacity of 4 slots, got 5",
                e.getMessage());
        try (SlabAllocator a = SlabAllocator.builder(L24).initialSlabCapacity(8).slabCapacity(8)
                .build()) {
            assertEquals(8, a.stats().initialSlabCapacity(), "order of the builder calls is free");
        }
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reuse scenarios of the Rust crate slabbin's tests, through the Java API, in both modes. */
class ReuseScenariosTest {
    private static final SlotLayout LAYOUT = SlotLayout.of(24, 8);

    private static SlabAllocator open(int capacity, boolean checked) {
        return SlabAllocator.builder(LAYOUT).slabCapacity(capacity).checked(checked).build();
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {true, false})
    void reuseInOneSlab(boolean checked) {
        try (SlabAllocator a = open(2, checked)) {
            long x = a.allocate();
            long y = a.allocate();
            assertEquals(1, a.stats().slabCount());
            assertEquals(x + LAYOUT.stride(), y, "both slots in the one slab");
            a.deallocate(y);
            assertEquals(y, a.allocate());
            a.deallocate(x);
            assertEquals(x, a.allocate());
            assertEquals(1, a.stats().slabCount());
            assertEquals(2, a.stats().liveSlots());
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {true, false})
    void reuseAcrossSlabsOfOneSlot(boolean checked) {
        try (SlabAllocator a = open(1, checked)) {
            long x = a.allocate();
            a.deallocate(x);
            assertEquals(x, a.allocate());
            assertEquals(1, a.stats().slabCount());
            long y = a.allocate();
            long z = a.allocate();
            assertEquals(3, a.stats().slabCount());
            assertEquals(3, List.of(x, y, z).stream().distinct().count());
            a.deallocate(y);
            a.deallocate(x);
            assertEquals(x, a.allocate());
            assertEquals(y, a.allocate());
            assertEquals(3, a.stats().slabCount());
            assertEquals(3, a.stats().liveSlots());
            assertEquals(3, a.stats().peakLiveSlots());
        }
    }

    @ParameterizedTest(name = "checked={0}")
    @ValueSource(booleans = {true, false})
    void freeListIsLastInFirstOut(boolean checked) {
        try (SlabAllocator a = open(2, checked)) {
            long x = a.allocate();
            long y = a.allocate();
            a.deallocate(x);
            a.deallocate(y);
            assertEquals(y, a.allocate());
            assertEquals(x, a.allocate());
            assertEquals(1, a.stats().slabCount());
            long third = a.allocate();
            assertEquals(2, a.stats().slabCount(), "the third slot needs a second slab");
            assertNotEquals(x, third);
            assertNotEquals(y, third);
            assertTrue(third < x || third >= y + LAYOUT.stride(), "outside the first slab");
            assertTrue(a.isAllocated(third));
        }
    }
}

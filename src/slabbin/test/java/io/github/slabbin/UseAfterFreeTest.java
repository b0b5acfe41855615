package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Checked mode notices a write into a freed slot when the slot's link is popped. */
class UseAfterFreeTest {
    private static final SlotLayout LAYOUT = SlotLayout.of(24, 8);

    /**
     * Allocates a, b, c (one slab of 8), frees a then b (so b is on top, linking to a), writes
     * {@code link.applyAsLong(...)} into b's first 8 bytes through a pointer taken before the
     * free, and checks that the next allocation reports a use after free and the allocator then
     * recovers: the free slots a and b come back, the live slot c never does.
     */
    private void corruptTopLinkAndRecover(LongUnaryOperator linkFromA, boolean zeroed) {
        try (SlabAllocator al = SlabAllocator.create(LAYOUT, 8)) {
            long a = al.allocate();
            long b = al.allocate();
            long c = al.allocate();
            Pointer pb = al.pointer(b);
            al.deallocate(a);
            al.deallocate(b);
            SlabStats before = al.stats();
            long garbage = linkFromA.applyAsLong(a);
            pb.setLong(0, garbage);

            Executable alloc = zeroed ? al::allocateZeroed : al::allocate;
            IllegalStateException e = assertThrows(IllegalStateException.class, alloc,
                    String.format("link 0x%x", garbage));
            assertTrue(e.getMessage().contains("use after free"), e.getMessage());
            assertTrue(e.getMessage().contains("size=24 B"), e.getMessage());
            assertEquals(before, al.stats(), "nothing allocated by the failed call");
            assertFalse(al.isAllocated(a));
            assertFalse(al.isAllocated(b));
            assertTrue(al.isAllocated(c));

            long first = zeroed ? al.allocateZeroed() : al.allocate();
            assertTrue(first == a || first == b, "a free slot, not the live c");
            assertTrue(al.isAllocated(first));
            long second = al.allocate();
            assertEquals(Set.of(a, b), Set.of(first, second), "both free slots come back once");
            long third = al.allocate();
            assertEquals(c + LAYOUT.stride(), third, "then the bump continues after c");
            assertEquals(4, al.stats().liveSlots());
            assertEquals(4, al.stats().peakLiveSlots());
            if (zeroed) {
                assertEquals(0, new Pointer(first).getLong(0));
            }
        }
    }

    @Test
    void garbageLinkIsReported() {
        corruptTopLinkAndRecover(a -> 0xDEADBEEFCAFEL, false);
    }

    @Test
    void garbageLinkIsReportedByAllocateZeroed() {
        corruptTopLinkAndRecover(a -> 0x5555_5555_5555_5555L, true);
    }

    @Test
    void allOnesLinkIsReported() {
        corruptTopLinkAndRecover(a -> -1L, false);
    }

    @Test
    void linkToALiveSlotIsReported() {
        corruptTopLinkAndRecover(a -> a + 2 * LAYOUT.stride(), false);  // c
    }

    @Test
    void linkIntoTheMiddleOfASlotIsReported() {
        corruptTopLinkAndRecover(a -> a + 4, false);
    }

    @Test
    void linkToANeverHandedOutSlotIsReported() {
        corruptTopLinkAndRecover(a -> a + 5 * LAYOUT.stride(), false);
    }

    @Test
    void linkToItselfIsReported() {
        // b's link pointing at b: following it would hand b out twice.
        corruptTopLinkAndRecover(a -> a + LAYOUT.stride(), false);
    }

    @Test
    void corruptionDeepInTheListIsReportedWhenReached() {
        try (SlabAllocator al = SlabAllocator.create(LAYOUT, 16)) {
            List<Long> xs = TestSupport.allocateN(al, 10);
            Pointer p2 = al.pointer(xs.get(2));
            for (int i : new int[] {2, 4, 6, 8}) {
                al.deallocate(xs.get(i));
            }
            p2.setLong(0, 0x1234_5678_9ABCL);   // the bottom of the free list
            assertEquals(xs.get(8), al.allocate());
            assertEquals(xs.get(6), al.allocate());
            // Popping 4 follows its intact link to 2; popping 2 follows the garbage.
            assertEquals(xs.get(4), al.allocate());
            IllegalStateException e = assertThrows(IllegalStateException.class, al::allocate);
            assertTrue(e.getMessage().contains("use after free"), e.getMessage());
            assertEquals(9, al.stats().liveSlots());
            assertEquals(xs.get(2), al.allocate(), "the only free slot");
            assertEquals(xs.get(9) + LAYOUT.stride(), al.allocate());
        }
    }

    @Test
    void theNextAllocationNeverReturnsALiveSlot() {
        try (SlabAllocator al = SlabAllocator.create(LAYOUT, 4)) {
            List<Long> xs = TestSupport.allocateN(al, 12);   // three slabs
            List<Pointer> ps = xs.stream().map(al::pointer).toList();
            for (int i : new int[] {1, 5, 9, 10, 3}) {
                al.deallocate(xs.get(i));
            }
            Set<Long> live = new HashSet<>(xs);
            live.removeAll(List.of(xs.get(1), xs.get(5), xs.get(9), xs.get(10), xs.get(3)));
            ps.get(3).setLong(0, xs.get(0));                  // top link -> a live slot
            assertThrows(IllegalStateException.class, al::allocate);
            Set<Long> got = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                long x = al.allocate();
                assertFalse(live.contains(x), TestSupport.hex(x) + " is live");
                assertTrue(got.add(x), TestSupport.hex(x) + " handed out twice");
            }
            assertEquals(Set.of(xs.get(1), xs.get(5), xs.get(9), xs.get(10), xs.get(3)), got);
            assertEquals(3, al.stats().slabCount());
            al.allocate();
            assertEquals(4, al.stats().slabCount(), "every free slot was in use");
        }
    }

    @Test
    void trimRepairsADamagedListToo() {
        try (SlabAllocator al = SlabAllocator.create(LAYOUT, 2)) {
            List<Long> xs = TestSupport.allocateN(al, 6);
            Pointer p = al.pointer(xs.get(5));
            al.deallocate(xs.get(4));
            al.deallocate(xs.get(5));
            p.setLong(0, 0xBAD0BAD0L);
            assertEquals(2 * LAYOUT.stride(), al.trim(), "the emptied third slab goes");
            assertEquals(2, al.stats().slabCount());
            assertEquals(4, al.stats().liveSlots());
            long y = al.allocate();
            assertFalse(xs.subList(0, 4).contains(y));
            assertTrue(al.isAllocated(y));
        }
    }
}

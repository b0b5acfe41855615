package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every kind of bad input: the exception type, the words of its message, and an allocator left
 * exactly as it was (same statistics, same next addresses).
 */
class BadInputTest {
    private static final SlotLayout LAYOUT = SlotLayout.of(24, 8);
    private static final long STRIDE = 24;
    private static final int CAPACITY = 8;

    private SlabAllocator a;
    /** a0..a5 allocated from one slab; a3 then a1 freed. */
    private List<Long> slots;
    private SlabStats before;
    /** What the next allocations must return: a1, a3 (LIFO), then the bump a6, a7. */
    private List<Long> expectedNext;

    @BeforeEach
    void setUp() {
        a = SlabAllocator.create(LAYOUT, CAPACITY);
        slots = TestSupport.allocateN(a, 6);
        a.deallocate(slots.get(3));
        a.deallocate(slots.get(1));
        before = a.stats();
        assertEquals(new SlabStats(24, 8, 24, 8, 1, 4, 6, 192), before);
        long base = slots.get(0);
        expectedNext = List.of(slots.get(1), slots.get(3), base + 6 * STRIDE, base + 7 * STRIDE);
    }

    @AfterEach
    void tearDown() {
        a.close();
    }

    /** The allocator is as setUp left it, and the next four allocations are the expected ones. */
    private void assertUnchanged() {
        assertEquals(before, a.stats());
        for (long x : List.of(slots.get(0), slots.get(2), slots.get(4), slots.get(5))) {
            assertTrue(a.isAllocated(x));
        }
        assertFalse(a.isAllocated(slots.get(1)));
        assertFalse(a.isAllocated(slots.get(3)));
        List<Long> next = TestSupport.allocateN(a, 4);
        assertEquals(expectedNext, next);
        assertEquals(1, a.stats().slabCount(), "no slab reserved for them");
        assertEquals(8, a.stats().liveSlots());
    }

    private IllegalArgumentException refused(long address, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.deallocate(address));
        String m = e.getMessage();
        assertNotNull(m);
        assertTrue(m.contains(reason), "reason \"" + reason + "\" in: " + m);
        assertTrue(m.contains(TestSupport.hex(address)), "address in: " + m);
        assertTrue(m.contains("size=24 B"), "layout in: " + m);
        assertFalse(a.isAllocated(address));
        return e;
    }

    // ---- foreign pointers ------------------------------------------------------------------

    @Test
    void nullIsAForeignPointer() {
        IllegalArgumentException e = refused(0, "foreign pointer");
        assertTrue(e.getMessage().startsWith("0x0 "), e.getMessage());
        assertUnchanged();
    }

    @Test
    void mallocMemoryIsAForeignPointer() {
        long m = Native.malloc(64);
        try {
            refused(m, "foreign pointer");
            refused(m + 8, "foreign pointer");
        } finally {
            Native.free(m);
        }
        assertUnchanged();
    }

    @Test
    void aSlotOfAnotherAllocatorIsAForeignPointer() {
        try (SlabAllocator other = SlabAllocator.create(LAYOUT, CAPACITY)) {
            long o = other.allocate();
            long o2 = other.allocate();
            other.deallocate(o2);
            SlabStats otherBefore = other.stats();
            refused(o, "foreign pointer");
            refused(o2, "foreign pointer");
            assertEquals(otherBefore, other.stats());
            assertTrue(other.isAllocated(o), "the other allocator's slot stays live");
            assertEquals(o2, other.allocate());
        }
        assertUnchanged();
    }

    @Test
    void onePastTheSlabsEndIsAForeignPointer() {
        long end = slots.get(0) + CAPACITY * STRIDE;
        refused(end, "foreign pointer");
        refused(slots.get(0) - STRIDE, "foreign pointer");
        refused(slots.get(0) - 1, "foreign pointer");
        assertUnchanged();
    }

    @Test
    void wildValuesAreForeignPointers() {
        for (long w : new long[] {-1, Long.MIN_VALUE, Long.MAX_VALUE, 8, 4096, 0x7fff_0000_0000L}) {
            refused(w, "foreign pointer");
        }
        assertUnchanged();
    }

    // ---- interior pointers -----------------------------------------------------------------

    @Test
    void interiorPointersAreRefused() {
        long a0 = slots.get(0);
        for (long p : new long[] {a0 + 1, a0 + 8, a0 + 23, slots.get(2) + 12, slots.get(1) + 4,
            a0 + 7 * STRIDE + 1, a0 + CAPACITY * STRIDE - 1}) {
            refused(p, "interior pointer");
        }
        assertUnchanged();
    }

    // ---- double free -----------------------------------------------------------------------

    @Test
    void freeingAFreeSlotIsADoubleFree() {
        refused(slots.get(1), "double free");
        refused(slots.get(3), "double free");
        assertUnchanged();
    }

    @Test
    void freeingANeverHandedOutSlotIsRefused() {
        refused(slots.get(0) + 7 * STRIDE, "double free");
        assertUnchanged();
    }

    @Test
    void immediateDoubleFree() {
        long x = slots.get(4);
        a.deallocate(x);
        before = a.stats();
        IllegalArgumentException e = refused(x, "double free");
        assertTrue(e.getMessage().contains("not a live slot"), e.getMessage());
        expectedNext = List.of(x, slots.get(1), slots.get(3), slots.get(0) + 6 * STRIDE);
        assertEquals(before, a.stats());
        assertEquals(expectedNext, TestSupport.allocateN(a, 4));
    }

    @Test
    void doubleFreeAfterManyInterveningOperations() {
        try (SlabAllocator b = SlabAllocator.create(LAYOUT, 4096)) {
            Random rnd = new Random(7);
            long base = b.allocate();
            List<Long> live = new ArrayList<>(List.of(base));
            Deque<Long> freeStack = new ArrayDeque<>();   // model of the LIFO free list
            long bump = base + STRIDE;
            for (int i = 0; i < 200; i++) {
                live.add(b.allocate());
                bump += STRIDE;
            }
            long victim = live.remove(17);
            b.deallocate(victim);
            freeStack.push(victim);
            for (int op = 0; op < 5000; op++) {
                boolean canAllocate = !Long.valueOf(victim).equals(freeStack.peek());
                if (canAllocate && (live.size() < 50 || rnd.nextBoolean())) {
                    long expected;
                    if (freeStack.isEmpty()) {
                        expected = bump;
                        bump += STRIDE;
                    } else {
                        expected = freeStack.pop();
                    }
                    long x = b.allocate();
                    assertEquals(expected, x, "op " + op);
                    live.add(x);
                } else {
                    long x = live.remove(rnd.nextInt(live.size()));
                    b.deallocate(x);
                    freeStack.push(x);
                }
            }
            assertTrue(freeStack.contains(victim));
            assertTrue(freeStack.size() > 10, "the victim lies deep in the free list");
            SlabStats s = b.stats();
            assertEquals(1, s.slabCount());
            assertEquals(live.size(), s.liveSlots());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.deallocate(victim));
            assertTrue(e.getMessage().contains("double free")
                    && e.getMessage().contains(TestSupport.hex(victim))
                    && e.getMessage().contains("size=24 B"), e.getMessage());
            assertEquals(s, b.stats());
            // Every free slot comes back in exactly the modelled order, the victim once.
            int n = freeStack.size();
            List<Long> expected = new ArrayList<>(freeStack);
            expected.add(bump);
            assertEquals(expected, TestSupport.allocateN(b, n + 1));
        }
    }

    // ---- wrong thread (every method, closed or not: StateChecksFirstTest) -----------------

    @Test
    void theOwnerIsTheThreadThatBuilds() throws Exception {
        AtomicReference<SlabAllocator> made = new AtomicReference<>();
        CountDownLatch built = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread maker = new Thread(() -> {
            SlabAllocator m = SlabAllocator.create(LAYOUT, 4);
            made.set(m);
            built.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            m.close();
        }, "maker");
        maker.start();
        built.await();
        SlabAllocator b = made.get();
        assertEquals("maker", b.owner().getName());
        IllegalStateException e = assertThrows(IllegalStateException.class, b::allocate);
        assertTrue(e.getMessage().contains("\"maker\"")
                && e.getMessage().contains("\"" + Thread.currentThread().getName() + "\""),
                e.getMessage());
        IllegalStateException c = assertThrows(IllegalStateException.class, b::close);
        assertTrue(c.getMessage().contains("\"maker\""), c.getMessage());
        // toString, isClosed and owner are readable from any thread.
        assertFalse(b.isClosed());
        assertTrue(b.toString().startsWith("SlabAllocator[size=24 B"));
        done.countDown();
        maker.join();
        assertTrue(b.isClosed(), "the owner closed it");
    }

    // ---- absurd layouts and capacities -----------------------------------------------------

    @Test
    void badCapacitiesAreRefused() {
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SlabAllocator.create(LAYOUT, bad));
            assertTrue(e.getMessage().contains("at least 1 slot")
                    && e.getMessage().contains("got " + bad), e.getMessage());
        }
    }

    @Test
    void aSlabLargerThanTheAddressSpaceIsRefused() {
        SlotLayout huge = SlotLayout.of(1L << 40, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabAllocator.create(huge, Integer.MAX_VALUE));
        String m = e.getMessage();
        assertTrue(m.contains("does not fit in the address space"), m);
        assertTrue(m.contains(Integer.toString(Integer.MAX_VALUE)), m);
        assertTrue(m.contains(Long.toString(1L << 40)), m);
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> SlabAllocator.create(SlotLayout.of(Long.MAX_VALUE - 15, 16), 2));
        assertTrue(e2.getMessage().contains("does not fit in the address space"),
                e2.getMessage());
        // The largest stride fits in a slab of one slot; the system then refuses the slab.
        try (SlabAllocator one = SlabAllocator.create(SlotLayout.of(Long.MAX_VALUE, 1), 1)) {
            assertEquals(Long.MAX_VALUE, one.stats().stride());
            OutOfMemoryError oom = assertThrows(OutOfMemoryError.class, one::allocate);
            assertTrue(oom.getMessage().contains(Long.toString(Long.MAX_VALUE)),
                    oom.getMessage());
            assertEquals(0, one.stats().slabCount());
        }
    }

    // ---- out of memory ---------------------------------------------------------------------

    @Test
    void reserveCapGivesOutOfMemoryAndTheAllocatorStaysUsable() {
        long slabBytes = 4 * STRIDE;
        try (SlabAllocator b = SlabAllocator.builder(LAYOUT).slabCapacity(4)
                .maxReservedBytes(2 * slabBytes).build()) {
            List<Long> xs = TestSupport.allocateN(b, 8);
            SlabStats full = b.stats();
            assertEquals(2, full.slabCount());
            for (Executable call : List.<Executable>of(b::allocate, b::allocateZeroed,
                    b::allocate)) {
                OutOfMemoryError e = assertThrows(OutOfMemoryError.class, call);
                String m = e.getMessage();
                assertTrue(m.contains("slab of " + slabBytes + " bytes"), m);
                assertTrue(m.contains("cap " + (2 * slabBytes) + " bytes"), m);
                assertTrue(m.contains(full.reservedBytes() + " bytes in 2 slabs"), m);
                assertTrue(m.contains("size=24 B"), m);
                assertEquals(full, b.stats(), "the failed call changed nothing");
            }
            b.deallocate(xs.get(5));
            assertEquals(xs.get(5), b.allocate());
            b.deallocate(xs.get(2));
            assertEquals(xs.get(2), b.allocateZeroed());
            assertEquals(2, b.stats().slabCount());
            assertEquals(8, b.stats().liveSlots());
            assertEquals(8, b.stats().peakLiveSlots());
            // Trimming makes room again.
            for (int i = 4; i < 8; i++) {
                b.deallocate(xs.get(i));
            }
            assertEquals(slabBytes, b.trim());
            TestSupport.allocateN(b, 4);
            assertEquals(2, b.stats().slabCount());
            assertThrows(OutOfMemoryError.class, b::allocate);
        }
    }

    @Test
    void aCapBelowOneSlabRefusesTheFirstSlab() {
        try (SlabAllocator b = SlabAllocator.builder(LAYOUT).slabCapacity(4)
                .maxReservedBytes(95).build()) {
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, b::allocate);
            assertTrue(e.getMessage().contains("slab of 96 bytes")
                    && e.getMessage().contains("cap 95 bytes")
                    && e.getMessage().contains("0 bytes in 0 slabs"), e.getMessage());
            assertEquals(new SlabStats(24, 8, 24, 4, 0, 0, 0, 0), b.stats());
        }
    }

    @Test
    void aSlabTheSystemRefusesGivesOutOfMemory() {
        SlotLayout gib = SlotLayout.of(1L << 30, 8);
        long slabBytes = (1L << 30) * (1 << 16);            // 64 TiB
        SlabAllocator b = SlabAllocator.create(gib, 1 << 16);
        try {
            SlabStats empty = b.stats();
            for (Executable call : List.<Executable>of(b::allocate, b::allocateZeroed)) {
                OutOfMemoryError e = assertThrows(OutOfMemoryError.class, call);
                assertTrue(e.getMessage().contains("slab of " + slabBytes + " bytes"),
                        e.getMessage());
                assertFalse(e.getMessage().contains("cap "), e.getMessage());
                assertEquals(empty, b.stats());
            }
            assertEquals(0, b.stats().slabCount());
            assertEquals(0, b.stats().liveSlots());
            assertEquals(0, b.trim());
            b.reset();
            assertFalse(b.isAllocated(0));
        } finally {
            b.close();
        }
        assertTrue(b.isClosed());
        // This thread's allocators are unaffected.
        assertUnchanged();
    }
}

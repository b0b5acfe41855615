package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Shared mode ({@link SlabAllocator.Builder#shared(boolean)}) on a few threads: cross-thread use,
 * the refusals of checked mode with confined mode's messages (also for slots in another thread's
 * magazine), exact statistics, reset, trim and close.
 */
class SharedModeTest {
    private static final SlotLayout LAYOUT = SlotLayout.of(16, 8);
    private static final int CAPACITY = 256;
    private static final int ROUNDS = 8;

    private SlabAllocator a;

    @BeforeEach
    void setUp() {
        a = SlabAllocator.builder(LAYOUT).slabCapacity(CAPACITY).magazine(ROUNDS).shared(true)
                .build();
    }

    @AfterEach
    void tearDown() {
        a.close();
    }

    /** Runs {@code r} on a new thread named "other" and waits for it; fails as it did. */
    private static void onOtherThread(Executable r) throws InterruptedException {
        TestSupport.onThread("other", r);
    }

    private void assertRefused(long address, int code, Executable call) {
        assertRefused(address, code, call, a);
    }

    private static void assertRefused(long address, int code, Executable call, SlabAllocator of) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(String.format("0x%x is not a live slot of %s: %s", address, of,
                Failures.reason(code)), e.getMessage());
    }

    @Test
    void describesItselfAndHasNoOwner() {
        assertNull(a.owner());
        assertTrue(a.isChecked());
        assertFalse(a.isDebug());
        assertEquals("SlabAllocator[size=16 B, alignment=8 B, stride=16 B, slabCapacity=256]"
                + " shared", a.toString());
    }

    @Test
    void aSlotAllocatedOnOneThreadIsFreedOnAnother() throws Exception {
        long s = a.allocate();
        TestSupport.writePattern(s, 7, 16);
        onOtherThread(() -> {
            TestSupport.assertPattern(s, 7, 16);
            assertTrue(a.isAllocated(s));
            a.deallocate(s);
            assertFalse(a.isAllocated(s));
        });
        SlabStats st = a.stats();
        assertEquals(0, st.liveSlots());
        // This thread's magazine holds the rest of its refill, the other thread's holds s.
        assertEquals(ROUNDS, st.magazineSlots());
        assertEquals(ROUNDS, a.stats().magazineSlots());
    }

    @Test
    void statsCountCallersSlotsApartFromMagazines() {
        List<Long> slots = TestSupport.allocateN(a, 3);
        SlabStats st = a.stats();
        assertEquals(new SlabStats(16, 8, 16, CAPACITY, 1, 3, ROUNDS, 16L * CAPACITY,
                ROUNDS - 3, CAPACITY), st);
        a.deallocate(slots.get(0));
        st = a.stats();
        assertEquals(2, st.liveSlots());
        assertEquals(ROUNDS - 2, st.magazineSlots());
    }

    @Test
    void reuseIsLastInFirstOutWithinAThread() {
        long x = a.allocate();
        long y = a.allocate();
        assertEquals(x + 16, y);            // the refill's first slot is on top
        a.deallocate(x);
        a.deallocate(y);
        assertEquals(y, a.allocate());
        assertEquals(x, a.allocate());
    }

    @Test
    void foreignInteriorAndDoubleFreeAreRefusedWithConfinedMessages() throws Exception {
        long s = a.allocate();
        long inMagazine = s + 16;                       // refilled, never handed out
        long inSlabs = s + 100 * 16;                    // in the slab, never handed out
        SlabStats before = a.stats();
        assertRefused(16, SlabbinNative.EFOREIGN, () -> a.deallocate(16));
        assertRefused(s + 8, SlabbinNative.EINTERIOR, () -> a.deallocate(s + 8));
        assertRefused(inMagazine, SlabbinNative.EDOUBLEFREE, () -> a.deallocate(inMagazine));
        assertRefused(inSlabs, SlabbinNative.EDOUBLEFREE, () -> a.deallocate(inSlabs));
        assertRefused(s + 8, SlabbinNative.EINTERIOR, () -> a.pointer(s + 8));
        assertEquals(before, a.stats());
        onOtherThread(() -> a.deallocate(s));           // s sits in the other thread's magazine
        assertRefused(s, SlabbinNative.EDOUBLEFREE, () -> a.deallocate(s));
        onOtherThread(() -> assertRefused(s, SlabbinNative.EDOUBLEFREE, () -> a.deallocate(s)));
        assertEquals(0, a.stats().liveSlots());
        long t = a.allocate();                          // still usable
        assertTrue(a.isAllocated(t));
    }

    /**
     * 0 is refused as foreign and frees none of the live slots (the first refill's, state numbers
     * 0 to 7): not taken for an empty entry of the slot index, nor for the newest slot of a
     * thread that has handed out none.
     */
    @Test
    void zeroIsForeignOnAThreadThatHandedOutNothing() throws Exception {
        List<Long> live = TestSupport.allocateN(a, ROUNDS);
        onOtherThread(() -> assertRefused(0, SlabbinNative.EFOREIGN, () -> a.deallocate(0)));
        assertFalse(a.isAllocated(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.deallocate(new long[] {live.get(0), 0}, 0, 2));
        assertEquals(String.format("addresses[1] = 0x0 is not a live slot of %s: %s; nothing was"
                + " freed", a, Failures.reason(SlabbinNative.EFOREIGN)), e.getMessage());
        for (long s : live) {
            assertTrue(a.isAllocated(s));
        }
        assertEquals(ROUNDS, a.stats().liveSlots());
    }

    @Test
    void ofRacingFreesOfOneSlotExactlyOneWins() throws Exception {
        int threads = 4;
        int rounds = 500;
        long[] slot = new long[1];
        AtomicInteger won = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int r = 0; r < rounds; r++) {
            slot[0] = a.allocate();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                ts[i] = new Thread(() -> {
                    try {
                        go.await();
                        a.deallocate(slot[0]);
                        won.incrementAndGet();
                    } catch (IllegalArgumentException e) {
                        if (e.getMessage().endsWith(Failures.reason(
                                SlabbinNative.EDOUBLEFREE))) {
                            refused.incrementAndGet();
                        } else {
                            failure.set(e);
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                ts[i].start();
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            if (r % 100 == 0) {
                a.trim();                               // ended threads' pairs go back
            }
        }
        assertNull(failure.get());
        assertEquals(rounds, won.get());
        assertEquals(rounds * (threads - 1), refused.get());
        assertEquals(0, a.stats().liveSlots());
    }

    @Test
    void aBatchWithARepeatFreesNothing() {
        long[] s = new long[3];
        a.allocate(s, 0, 3);
        long[] bad = {s[0], s[1], s[0]};
        SlabStats before = a.stats();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.deallocate(bad, 0, 3));
        assertEquals(String.format("addresses[2] = 0x%x is not a live slot of %s: repeated inside"
                + " the batch (also at addresses[0]); nothing was freed", s[0], a),
                e.getMessage());
        assertEquals(before, a.stats());
        for (long x : s) {
            assertTrue(a.isAllocated(x));
        }
        a.deallocate(s, 0, 3);
        assertEquals(0, a.stats().liveSlots());
    }

    @Test
    void viewsWorkFromAnyThread() throws Exception {
        long s = a.allocate();
        Pointer p = a.pointer(s);
        p.setLong(0, 0x1122334455667788L);
        onOtherThread(() -> {
            ByteBuffer b = a.buffer(s);
            assertEquals(0x1122334455667788L, b.getLong(0));
            b.putLong(8, 42);
        });
        assertEquals(42, p.getLong(8));
        assertEquals(0, a.pointer(a.allocateZeroed()).getLong(8));
    }

    @Test
    void resetEmptiesEveryMagazineAndFreesEverySlot() throws Exception {
        long first = a.allocate();
        TestSupport.allocateN(a, 20);
        onOtherThread(() -> TestSupport.allocateN(a, 5).forEach(a::deallocate));
        a.reset();
        SlabStats st = a.stats();
        assertEquals(0, st.liveSlots());
        assertEquals(0, st.magazineSlots());
        assertEquals(1, st.slabCount());
        assertFalse(a.isAllocated(first));
        assertEquals(first, a.allocate());               // bumping from the slab's start again
    }

    @Test
    void trimReturnsEveryMagazineAndReleasesEmptySlabs() throws Exception {
        long kept = a.allocate();
        onOtherThread(() -> TestSupport.allocateN(a, 2 * CAPACITY).forEach(a::deallocate));
        assertEquals(3, a.stats().slabCount());
        assertEquals(2 * 16L * CAPACITY, a.trim());
        SlabStats st = a.stats();
        assertEquals(1, st.slabCount());
        assertEquals(1, st.liveSlots());
        assertEquals(0, st.magazineSlots());
        assertTrue(a.isAllocated(kept));
        a.deallocate(kept);
        assertEquals(16L * CAPACITY, a.trim());
        assertEquals(0, a.stats().reservedBytes());
        assertRefused(kept, SlabbinNative.EFOREIGN, () -> a.deallocate(kept));
    }

    @Test
    void closeFromAnotherThreadAndEveryCallAfterItThrow() throws Exception {
        long s = a.allocate();
        onOtherThread(() -> a.close());
        assertTrue(a.isClosed());
        String closed = a + " is closed";
        for (Executable call : List.<Executable>of(a::allocate, () -> a.deallocate(s),
                a::stats, a::trim, a::reset, () -> a.isAllocated(s), () -> a.pointer(s),
                a::allocateZeroed, () -> a.allocate(new long[1], 0, 1), a::layout)) {
            assertEquals(closed, assertThrows(IllegalStateException.class, call).getMessage());
        }
        a.close();                                      // idempotent
    }

    /**
     * A reset on another thread overtakes {@code allocateZeroed} between taking its slot and
     * zeroing it, and that thread takes every slot of the slab and fills them: the late zeroing
     * must not clear any of them (it takes a slot of the new generation instead).
     */
    @Test
    void allocateZeroedOvertakenByAResetNeverClearsAnotherCallersSlot() throws Exception {
        int capacity = 64;
        try (SlabAllocator b = SlabAllocator.builder(LAYOUT).slabCapacity(capacity)
                .magazine(ROUNDS).shared(true).build()) {
            long[] theirs = new long[capacity];
            long[] overtaken = new long[1];
            ((SharedSlabs) b.shared).beforeZeroing = () -> {
                ((SharedSlabs) b.shared).beforeZeroing = null;
                try {
                    onOtherThread(() -> {
                        b.reset();
                        b.allocate(theirs, 0, capacity);
                        for (long s : theirs) {
                            new Pointer(s).setMemory(0, LAYOUT.size(), (byte) 0x5A);
                        }
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                overtaken[0] = 1;
            };
            long mine = b.allocateZeroed();
            assertEquals(1, overtaken[0], "the reset ran inside allocateZeroed");
            for (long s : theirs) {
                assertNotEquals(mine, s, "allocateZeroed returned a slot the reset gave away");
                byte[] bytes = new Pointer(s).getByteArray(0, (int) LAYOUT.size());
                for (byte x : bytes) {
                    assertEquals((byte) 0x5A, x, "slot " + Long.toHexString(s) + " was cleared");
                }
            }
            for (byte x : new Pointer(mine).getByteArray(0, (int) LAYOUT.size())) {
                assertEquals(0, x);
            }
            assertEquals(capacity + 1, b.stats().liveSlots());
            b.deallocate(mine);
            b.deallocate(theirs, 0, capacity);
            assertEquals(0, b.stats().liveSlots());
        }
    }

    /** A close overtaking {@code allocateZeroed} before it writes: it throws and writes nothing. */
    @Test
    void allocateZeroedOvertakenByACloseThrowsWithoutWriting() throws Exception {
        SlabAllocator b = SlabAllocator.builder(LAYOUT).slabCapacity(CAPACITY).magazine(ROUNDS)
                .shared(true).build();
        ((SharedSlabs) b.shared).beforeZeroing = () -> {
            try {
                onOtherThread(b::close);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, b::allocateZeroed);
        assertEquals(b + " is closed", e.getMessage());
        assertTrue(b.isClosed());
    }

    /**
     * {@code magazine(0)}: no magazines, every call straight on the slabs under one lock, so all
     * threads share one LIFO order and no free slot is cached anywhere.
     */
    @Test
    void withoutMagazinesEveryThreadSharesOneLifoOrder() throws Exception {
        try (SlabAllocator b = SlabAllocator.builder(LAYOUT).slabCapacity(CAPACITY).magazine(0)
                .shared(true).build()) {
            long x = b.allocate();
            long y = b.allocate();
            assertEquals(x + LAYOUT.stride(), y, "bumped in order");
            onOtherThread(() -> b.deallocate(x));
            assertEquals(x, b.allocate(), "the slot freed on the other thread comes back first");
            onOtherThread(() -> {
                b.deallocate(y);
                assertRefused(y, SlabbinNative.EDOUBLEFREE, () -> b.deallocate(y), b);
            });
            SlabStats st = b.stats();
            assertEquals(1, st.liveSlots());
            assertEquals(0, st.magazineSlots());
            assertEquals(2, st.peakLiveSlots(), "exact: no magazine holds slots");
            assertFalse(b.isDebug());
            assertEquals(y, b.allocate());
        }
    }

    /**
     * With a reserve cap, a refill that meets it takes back the slots that an ended thread's
     * magazines hold, instead of failing with free slots cached there.
     */
    @Test
    void aRefillAtTheReserveCapTakesBackTheSlotsOfEndedThreads() throws Exception {
        int capacity = 64;
        try (SlabAllocator b = SlabAllocator.builder(LAYOUT).slabCapacity(capacity)
                .maxReservedBytes(capacity * LAYOUT.stride()).magazine(ROUNDS).shared(true)
                .build()) {
            List<Long> all = TestSupport.allocateN(b, capacity);
            // Two magazines' worth: both of that thread's magazines end full, none goes to the
            // depot.
            List<Long> freed = all.subList(0, 2 * ROUNDS);
            onOtherThread(() -> freed.forEach(b::deallocate));
            assertEquals(2 * ROUNDS, b.stats().magazineSlots());
            long again = b.allocate();
            assertTrue(freed.contains(again), "one of the ended thread's slots");
            assertEquals(1, b.stats().slabCount());
            assertEquals(capacity - 2 * ROUNDS + 1, b.stats().liveSlots());
        }
    }

    @Test
    void uncheckedSharedModeMovesSlotsBetweenThreads() throws Exception {
        try (SlabAllocator u = SlabAllocator.builder(LAYOUT).slabCapacity(CAPACITY)
                .checked(false).shared(true).build()) {
            List<Long> slots = TestSupport.allocateN(u, 100);
            onOtherThread(() -> slots.forEach(u::deallocate));
            assertEquals(0, u.stats().liveSlots());
            assertEquals(16L * CAPACITY, u.trim());
        }
    }
}

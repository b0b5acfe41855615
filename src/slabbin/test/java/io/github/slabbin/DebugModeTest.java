package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debug mode: poisoned freed slots verified when handed out again (with and without a magazine),
 * call sites in double-free and use-after-free reports, leak reports at close and in the Cleaner,
 * {@link SlabAllocator#debugLiveSlots()}, and how it is turned on.
 */
class DebugModeTest {
    private static final SlotLayout L = SlotLayout.of(40, 8);
    private static final byte POISON = (byte) 0xDB;
    private static final String TEST = DebugModeTest.class.getName();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    /** The {@code magazine} argument for a shared allocator (no magazine in debug mode). */
    static final int SHARED = -1;

    /**
     * A debug allocator of {@code capacity} slots per slab with a magazine of {@code magazine}
     * slots (0: none), or a shared one for {@link #SHARED}.
     */
    static SlabAllocator debug(int capacity, int magazine) {
        SlabAllocator.Builder b = SlabAllocator.builder(L).slabCapacity(capacity).debug(true);
        return (magazine == SHARED ? b.shared(true) : b.magazine(magazine)).build();
    }

    /** Allocates in a frame of its own, so that the allocation site is this method. */
    private static long allocateHere(SlabAllocator a) {
        return a.allocate();
    }

    /** Frees in a frame of its own, so that the free site is this method. */
    private static void freeHere(SlabAllocator a, long x) {
        a.deallocate(x);
    }

    private static String site(String method) {
        return TEST + "." + method + "(DebugModeTest.java:";
    }

    // ---- turning it on ------------------------------------------------------------------------

    @Test
    void debugImpliesCheckedMode() {
        try (SlabAllocator a = SlabAllocator.builder(L).debug(true).build()) {
            assertTrue(a.isDebug());
            assertTrue(a.isChecked());
            assertTrue(a.toString().endsWith(" debug"), a.toString());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabAllocator.builder(L).checked(false).debug(true).build());
        assertEquals("debug mode implies checked mode: debug(true) cannot be combined with"
                + " checked(false)", e.getMessage());
        try (SlabAllocator a = SlabAllocator.create(L, 4)) {
            assertFalse(a.isDebug());
            IllegalStateException s = assertThrows(IllegalStateException.class,
                    a::debugLiveSlots);
            assertEquals(a + " is not in debug mode (Builder.debug(true) or"
                    + " -Dslabbin.debug=true)", s.getMessage());
        }
    }

    @Test
    void theSystemPropertyTurnsItOnForAllocatorsBuiltAfterwards() {
        assertEquals("slabbin.debug", SlabAllocator.Builder.DEBUG_PROPERTY);
        SlabAllocator.Builder early = SlabAllocator.builder(L);
        String before = System.getProperty("slabbin.debug");
        System.setProperty("slabbin.debug", "TRUE");
        try (SlabAllocator a = early.build();
             SlabAllocator b = SlabAllocator.builder(L).magazine(8).build();
             SlabAllocator off = SlabAllocator.builder(L).debug(false).build();
             SlabAllocator unchecked = SlabAllocator.builder(L).checked(false).build();
             SlabAllocator shared = SlabAllocator.builder(L).shared(true).build()) {
            assertTrue(a.isDebug(), "read at build()");
            assertTrue(b.isDebug());
            assertTrue(shared.isDebug());
            assertTrue(shared.toString().endsWith(" debug shared"), shared.toString());
            assertFalse(off.isDebug(), "debug(false) wins");
            assertFalse(unchecked.isDebug(), "checked(false) keeps the allocator unchecked");
            assertFalse(unchecked.isChecked());
        } finally {
            if (before == null) {
                System.clearProperty("slabbin.debug");
            } else {
                System.setProperty("slabbin.debug", before);
            }
        }
        try (SlabAllocator a = SlabAllocator.create(L, 4)) {
            assertFalse(a.isDebug());
        }
    }

    // ---- poisoning and use after free -------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 8, SHARED})
    void freedSlotsArePoisoned(int magazine) {
        try (SlabAllocator a = debug(4, magazine)) {
            long x = a.allocate();
            a.allocate();
            TestSupport.writePattern(x, 1, 40);
            a.deallocate(x);
            byte[] bytes = new Pointer(x).getByteArray(0, 40);
            // Without a magazine the core keeps its free-list link in the first 8 bytes.
            for (int i = magazine <= 0 ? 8 : 0; i < 40; i++) {
                assertEquals(POISON, bytes[i], "byte " + i);
            }
            assertEquals(x, a.allocate(), "an intact freed slot is handed out again");
        }
    }

    /**
     * A write into a freed slot, at each offset, is reported by the next allocation that would
     * hand the slot out: the slot, the offset and both call sites; nothing is allocated, and the
     * slot, poisoned again, comes back next.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 8, SHARED})
    void aWriteAnywhereInAFreedSlotIsAUseAfterFree(int magazine) {
        int first = magazine <= 0 ? 8 : 0;   // the core validates its link by other means
        for (int offset : new int[] {first, 13, 39}) {
            try (SlabAllocator a = debug(4, magazine)) {
                long x = allocateHere(a);
                long y = a.allocate();
                freeHere(a, x);
                SlabStats before = a.stats();
                new Pointer(x).setByte(offset, (byte) 0x42);
                IllegalStateException e = assertThrows(IllegalStateException.class, a::allocate);
                assertUseAfterFree(e, a, x, offset);
                assertEquals(before, a.stats(), "nothing allocated");
                assertFalse(a.isAllocated(x));
                assertTrue(a.isAllocated(y));
                assertEquals(x, a.allocate(), "the slot, poisoned again, is handed out next");
            }
        }
    }

    private static void assertUseAfterFree(IllegalStateException e, SlabAllocator a, long x,
                                           long offset) {
        String m = e.getMessage();
        assertTrue(m.startsWith(String.format("use after free detected in %s: slot 0x%x was"
                + " written after it was freed (first damaged byte at offset %d); allocated at ",
                a, x, offset)), m);
        assertTrue(m.contains("; allocated at " + site("allocateHere")), m);
        assertTrue(m.contains(", freed at " + site("freeHere")), m);
        assertTrue(m.endsWith("; nothing was allocated or freed, and the slot was poisoned again"
                + " and stays free"), m);
        Throwable[] sites = e.getSuppressed();
        assertEquals(2, sites.length);
        assertEquals(String.format("slot 0x%x allocated here", x), sites[0].getMessage());
        assertEquals(TEST, sites[0].getStackTrace()[0].getClassName());
        assertEquals("allocateHere", sites[0].getStackTrace()[0].getMethodName());
        assertEquals(String.format("slot 0x%x freed here", x), sites[1].getMessage());
        assertEquals("freeHere", sites[1].getStackTrace()[0].getMethodName());
    }

    /**
     * With a magazine, every call that moves cached slots out of it verifies them first: a full
     * magazine's flush (deallocate), trim, a batch allocation and a batch free too large for the
     * magazine. The damaged slot is reported, nothing else changes, and the call then succeeds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"deallocate", "trim", "batch allocate", "batch deallocate"})
    void everyWayOutOfTheMagazineVerifiesTheSlots(String call) throws Throwable {
        try (SlabAllocator a = debug(16, 4)) {
            long[] xs = new long[12];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = allocateHere(a);
            }
            freeHere(a, xs[0]);                          // the bottom of the full magazine
            for (int i = 1; i < 4; i++) {
                a.deallocate(xs[i]);
            }
            assertEquals(4, a.stats().magazineSlots());
            new Pointer(xs[0]).setByte(20, (byte) 0);
            SlabStats before = a.stats();
            long[] batch = {xs[4], xs[5], xs[6], xs[7], xs[8]};
            long[] into = new long[4];
            Executable move = switch (call) {
                case "deallocate" -> () -> a.deallocate(xs[4]);
                case "trim" -> a::trim;
                case "batch allocate" -> () -> a.allocate(into, 0, 4);
                default -> () -> a.deallocate(batch, 0, 5);
            };
            IllegalStateException e = assertThrows(IllegalStateException.class, move);
            assertUseAfterFree(e, a, xs[0], 20);
            assertEquals(before, a.stats(), "changed nothing");
            assertArrayEquals(new long[4], into);
            assertTrue(a.isAllocated(xs[4]));
            move.execute();
            assertEquals(call.equals("deallocate") ? 3 : 0, a.stats().magazineSlots());
            if (call.equals("batch allocate")) {
                assertArrayEquals(new long[] {xs[3], xs[2], xs[1], xs[0]}, into);
            } else {
                assertFalse(a.isAllocated(xs[0]));
                assertEquals(call.equals("trim"), a.isAllocated(xs[4]), "freed by the call");
            }
        }
    }

    // ---- call sites ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 8, SHARED})
    void aDoubleFreeNamesWhereTheSlotWasAllocatedAndFirstFreed(int magazine) {
        try (SlabAllocator a = debug(4, magazine)) {
            long x = allocateHere(a);
            a.allocate();
            freeHere(a, x);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(x));
            String m = e.getMessage();
            assertTrue(m.startsWith(String.format("0x%x is not a live slot of %s: double free (the"
                    + " slot is not allocated); allocated at %s", x, a, site("allocateHere"))), m);
            assertTrue(m.contains(", freed at " + site("freeHere")), m);
            assertEquals(2, e.getSuppressed().length);
            e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(new long[] {a.debugLiveSlots().get(0).address(), x}, 0, 2));
            assertTrue(e.getMessage().startsWith(String.format("addresses[1] = 0x%x is not a live"
                    + " slot of %s: double free (the slot is not allocated); allocated at %s", x, a,
                    site("allocateHere"))), e.getMessage());
            assertTrue(e.getMessage().endsWith("; nothing was freed"), e.getMessage());
            // Still live slots name only their allocation; foreign pointers name nothing.
            long y = a.debugLiveSlots().get(0).address();
            e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(new long[] {y, y}, 0, 2));
            assertTrue(e.getMessage().contains("repeated inside the batch (also at addresses[0]);"
                    + " allocated at "), e.getMessage());
            assertFalse(e.getMessage().contains("freed at"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.deallocate(0));
            assertEquals(String.format("0x0 is not a live slot of %s: foreign pointer (not inside"
                    + " any slab of this allocator)", a), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, SHARED})
    void afterAResetTheFreeSiteIsTheReset(int magazine) {
        try (SlabAllocator a = debug(4, magazine)) {
            long x = allocateHere(a);
            a.reset();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(x));
            assertTrue(e.getMessage().contains("; allocated at " + site("allocateHere")
                    + ""), e.getMessage());
            assertTrue(e.getMessage().contains(", freed at " + site(
                    "afterAResetTheFreeSiteIsTheReset")), e.getMessage());
            assertEquals("every slot freed here by reset()", e.getSuppressed()[1].getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, SHARED})
    void debugLiveSlotsListsTheLiveSlotsWithTheirAllocations(int magazine) {
        try (SlabAllocator a = debug(4, magazine)) {
            long x = allocateHere(a);
            long y = allocateHere(a);
            long[] batch = new long[3];
            a.allocate(batch, 0, 3);
            a.deallocate(y);
            a.deallocate(batch, 1, 1);
            List<LiveSlot> live = a.debugLiveSlots();
            assertEquals(List.of(x, batch[0], batch[2]),
                    live.stream().map(LiveSlot::address).toList());
            assertEquals(List.of(1L, 3L, 5L), live.stream().map(LiveSlot::serial).toList());
            assertEquals("allocateHere", live.get(0).allocatedAt().get(0).getMethodName());
            assertEquals("debugLiveSlotsListsTheLiveSlotsWithTheirAllocations",
                    live.get(1).allocatedAt().get(0).getMethodName());
            assertThrows(UnsupportedOperationException.class, () -> live.remove(0));
            assertEquals(String.format("slot 0x%x (allocation #1) allocated at %s", x,
                    live.get(0).allocatedAt().get(0)), live.get(0).toString());
            long again = a.allocate();
            assertEquals(batch[1], again, "LIFO");
            List<LiveSlot> after = a.debugLiveSlots();
            assertEquals(4, after.size());
            assertEquals(new LiveSlot(again, 6, after.get(3).allocatedAt()), after.get(3),
                    "a slot allocated again gets a new serial and moves to the end");
            assertEquals(3, live.size(), "a snapshot");
            a.reset();
            assertEquals(List.of(), a.debugLiveSlots());
        }
    }

    /**
     * Shared debug mode: a slot allocated on one thread and freed on another, then freed again
     * on a third, is refused naming both places; a write after the free is caught by the next
     * allocation on yet another thread; the leak report of a close from another thread names the
     * slot a thread left.
     */
    @Test
    void aSharedDebugAllocatorNamesTheSitesOfEveryThread() throws Exception {
        SlabAllocator a = debug(4, SHARED);
        long[] x = new long[2];
        TestSupport.onThread("allocating", () -> {
            x[0] = allocateHere(a);
            x[1] = a.allocate();
        });
        TestSupport.onThread("freeing", () -> freeHere(a, x[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.deallocate(x[0]));
        assertTrue(e.getMessage().startsWith(String.format("0x%x is not a live slot of %s: double"
                + " free (the slot is not allocated); allocated at %s", x[0], a,
                site("allocateHere"))), e.getMessage());
        assertTrue(e.getMessage().contains(", freed at " + site("freeHere")), e.getMessage());
        new Pointer(x[0]).setByte(20, (byte) 0x42);
        TestSupport.onThread("verifying", () -> {
            IllegalStateException u = assertThrows(IllegalStateException.class, a::allocate);
            assertUseAfterFree(u, a, x[0], 20);
        });
        assertEquals(List.of(x[1]), a.debugLiveSlots().stream().map(LiveSlot::address).toList());
        String described = a.toString();
        TestSupport.onThread("closing", a::close);
        List<LogRecord> records = log.records();
        assertEquals(1, records.size(), records.toString());
        assertTrue(records.get(0).getMessage().startsWith(described + " closed with 1 slot still"
                + " allocated (leaked); the first 1 by allocation:"), records.get(0).getMessage());
        assertTrue(records.get(0).getMessage().contains(String.format("slot 0x%x", x[1])));
        assertThrows(IllegalStateException.class, a::allocate);
    }

    /** Shared debug mode on several threads at once: every call is checked, none is lost. */
    @Test
    void aSharedDebugAllocatorStaysExactUnderThreads() throws Exception {
        try (SlabAllocator a = debug(16, SHARED)) {
            TestSupport.runThreads(4, me -> {
                for (int r = 0; r < 2_000; r++) {
                    long s = a.allocate();
                    TestSupport.writePattern(s, r, 40);
                    TestSupport.assertPattern(s, r, 40);
                    a.deallocate(s);
                }
            });
            assertEquals(0, a.stats().liveSlots());
            assertEquals(List.of(), a.debugLiveSlots());
        }
    }

    // ---- leak reports -------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 8, SHARED})
    void closeReportsTheSlotsStillAllocated(int magazine) {
        SlabAllocator a = debug(4, magazine);
        List<Long> xs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            xs.add(allocateHere(a));
        }
        a.deallocate(xs.get(1));
        String described = a.toString();
        a.close();
        List<LogRecord> records = log.records();
        assertEquals(1, records.size(), records.toString());
        LogRecord r = records.get(0);
        assertEquals(Level.WARNING, r.getLevel());
        String m = r.getMessage();
        String[] lines = m.split("\\R");
        assertEquals(described + " closed with 6 slots still allocated (leaked); the first 5 by"
                + " allocation:", lines[0]);
        int slot = 0;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("  slot ")) {
                long expected = xs.get(slot < 1 ? 0 : slot + 1);
                assertEquals(String.format("  slot 0x%x (allocation #%d) allocated at", expected,
                        slot < 1 ? 1 : slot + 2), lines[i]);
                assertTrue(lines[i + 1].startsWith("\tat " + site("allocateHere")), lines[i + 1]);
                slot++;
            }
        }
        assertEquals(5, slot, m);
    }

    @Test
    void closeWithoutLeaksLogsNothing() {
        try (SlabAllocator a = debug(4, 8)) {
            a.deallocate(a.allocate());
            long[] b = new long[5];
            a.allocate(b, 0, 5);
            a.deallocate(b, 0, 5);
        }
        assertEquals(List.of(), log.records());
    }

    /** Builds a debug allocator with three live slots and drops it; returns its description. */
    private static String dropWithLeaks() {
        SlabAllocator a = SlabAllocator.builder(SlotLayout.of(88, 8)).slabCapacity(3).debug(true)
                .build();
        for (int i = 0; i < 3; i++) {
            allocateHere(a);
        }
        return "SlabAllocator[size=88 B, alignment=8 B, stride=88 B, slabCapacity=3]";
    }

    @Test
    void theCleanerReportsTheLeaksOfADroppedAllocator() throws InterruptedException {
        String described = dropWithLeaks();
        LogRecord r = log.await(m -> m.startsWith(described + " became unreachable"));
        assertNotNull(r, "no report within 10 s: " + log.records());
        String m = r.getMessage();
        assertTrue(m.contains("(3 slots still allocated)"), m);
        assertTrue(m.contains(" Debug mode: 3 slots still allocated (leaked); the first 3 by"
                + " allocation:"), m);
        assertEquals(3, m.split("\\R\tat " + java.util.regex.Pattern.quote(site("allocateHere")),
                -1).length - 1, m);
    }

    // ---- the same behaviour as without debug mode -------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {2, 8})
    void aDebugMagazineAgreesWithPlainDebugCalls(int magazine) {
        TwinRun.run(L, 3, true, magazine, TwinRun.randomOps(new Random(magazine), 2_000),
                "debug, seed " + magazine, true);
    }

}

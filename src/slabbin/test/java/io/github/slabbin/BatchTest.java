package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** allocate(long[], int, int) and deallocate(long[], int, int), with and without a magazine. */
class BatchTest {
    static final SlotLayout L = SlotLayout.of(32, 16);

    static SlabAllocator make(boolean checked, int magazine) {
        return SlabAllocator.builder(L).slabCapacity(8).checked(checked).magazine(magazine)
                .build();
    }

    @ParameterizedTest
    @CsvSource({"true,0", "false,0", "true,16", "false,16"})
    void batchAllocationMatchesSingleCallsAndFreesInOrder(boolean checked, int magazine) {
        try (SlabAllocator batched = make(checked, magazine)) {
            long[] got = new long[30];
            assertEquals(20, batched.allocate(got, 5, 20));
            assertEquals(0, got[4]);
            assertEquals(0, got[25]);
            assertEquals(3, batched.stats().slabCount(), "20 slots in slabs of 8");
            assertEquals(20, batched.stats().liveSlots());
            // After a reset the slabs are bumped through again in the same order: single calls
            // must now return exactly what the batch returned.
            batched.reset();
            for (int i = 5; i < 25; i++) {
                assertEquals(got[i], batched.allocate(), "slot " + i);
            }
            assertEquals(3, batched.stats().slabCount());
            batched.reset();
            assertEquals(20, batched.allocate(got, 5, 20));
            batched.deallocate(got, 5, 20);
            assertEquals(0, batched.stats().liveSlots());
            // Freed in order: the last one comes back first.
            assertEquals(got[24], batched.allocate());
            assertEquals(0, batched.allocate(got, 0, 0));
            batched.deallocate(got, 0, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> batched.allocate(got, 25, 6));
            assertThrows(IndexOutOfBoundsException.class, () -> batched.deallocate(got, -1, 2));
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "16"})
    void checkedBatchFreeValidatesEverythingFirst(int magazine) {
        try (SlabAllocator a = make(true, magazine); SlabAllocator other = make(true, 0)) {
            long[] s = new long[6];
            a.allocate(s, 0, 6);
            long[][] bad = {
                {s[0], s[1], s[2], other.allocate()},
                {s[0], s[1], s[2], s[3] + 4},
                {s[0], s[1], s[2], s[1]},
            };
            String[] why = {"foreign pointer", "interior pointer",
                "repeated inside the batch (also at addresses[1])"};
            for (int k = 0; k < bad.length; k++) {
                long[] b = bad[k];
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> a.deallocate(b, 0, 4));
                assertTrue(e.getMessage().startsWith("addresses[3] = " + TestSupport.hex(b[3])),
                        e.getMessage());
                assertTrue(e.getMessage().contains(why[k]), e.getMessage());
                assertTrue(e.getMessage().contains("nothing was freed"), e.getMessage());
                for (long x : s) {
                    assertTrue(a.isAllocated(x), "still allocated after a refused batch");
                }
                assertEquals(6, a.stats().liveSlots());
            }
            a.deallocate(s, 4, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(s, 3, 2));
            assertTrue(e.getMessage().startsWith("addresses[4]"), e.getMessage());
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            assertTrue(a.isAllocated(s[3]));
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "16"})
    void batchAllocationIsAllOrNothing(int magazine) {
        try (SlabAllocator a = SlabAllocator.builder(L).slabCapacity(8).magazine(magazine)
                .maxReservedBytes(2 * 8 * 32).build()) {
            long[] s = new long[20];
            a.allocate(s, 0, 5);
            long[] before = s.clone();
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> a.allocate(s, 5, 12));
            assertTrue(e.getMessage().contains("cap 512 bytes"), e.getMessage());
            assertEquals(5, a.stats().liveSlots());
            assertEquals(1, a.stats().slabCount());
            assertEquals(11, a.allocate(s, 5, 11), "exactly what two slabs hold");
            assertEquals(16, a.stats().liveSlots());
            assertArrayEquals(java.util.Arrays.copyOf(before, 5), java.util.Arrays.copyOf(s, 5));
        }
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every slot address is a multiple of the alignment, in every slab, after reuse too. */
class AlignmentTest {

    @ParameterizedTest(name = "size={0} alignment={1} capacity={2}")
    @CsvSource({
        "1, 1, 5", "24, 16, 5", "8, 64, 3", "100, 8, 7", "8, 4096, 3", "24, 16, 1",
        "1, 2, 9", "3, 4, 11", "17, 32, 4", "300, 128, 6", "8, 1048576, 2", "1, 2097152, 2"
    })
    void everyAddressIsAligned(long size, long alignment, int capacity) {
        SlotLayout l = SlotLayout.of(size, alignment);
        long stride = TestSupport.cStride(size, alignment);
        assertEquals(stride, l.stride());
        for (boolean checked : new boolean[] {true, false}) {
            try (SlabAllocator a = SlabAllocator.builder(l).slabCapacity(capacity)
                    .checked(checked).build()) {
                SlabStats s0 = a.stats();
                assertEquals(l.stride(), s0.stride());
                assertEquals(alignment, s0.alignment());
                assertEquals(size, s0.slotSize());
                int n = capacity * 4 + 1;               // five slabs, the last one started
                List<Long> xs = new ArrayList<>();
                Set<Long> seen = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    long x = (i % 3 == 0) ? a.allocateZeroed() : a.allocate();
                    assertEquals(0, Long.remainderUnsigned(x, alignment),
                            String.format("slot %d at 0x%x", i, x));
                    assertTrue(seen.add(x));
                    xs.add(x);
                    // Touch the first and last byte: the slot is real memory.
                    new Pointer(x).setByte(size - 1, (byte) ~i);
                    new Pointer(x).setByte(0, (byte) i);
                }
                assertEquals(5, a.stats().slabCount());
                // Within a slab, consecutive slots are one stride apart.
                for (int slab = 0; slab < 5; slab++) {
                    int from = slab * capacity;
                    int to = Math.min(n, from + capacity);
                    for (int i = from + 1; i < to; i++) {
                        assertEquals(xs.get(i - 1) + stride, xs.get(i));
                    }
                }
                for (int i = 0; i < n; i++) {
                    assertEquals((byte) i, new Pointer(xs.get(i)).getByte(0));
                    if (size > 1) {
                        assertEquals((byte) ~i, new Pointer(xs.get(i)).getByte(size - 1));
                    }
                }
                // Reused and post-reset slots are the same aligned addresses.
                for (int i = 0; i < n; i += 2) {
                    a.deallocate(xs.get(i));
                }
                for (int i = 0; i < n; i += 2) {
                    long x = a.allocate();
                    assertEquals(0, Long.remainderUnsigned(x, alignment));
                    assertTrue(xs.contains(x));
                }
                a.reset();
                for (int i = 0; i < n; i++) {
                    assertEquals(xs.get(i), a.allocate());
                }
                SlabStats s = a.stats();
                assertEquals(s.slabCount() * capacity * stride, s.reservedBytes());
            }
        }
    }
}

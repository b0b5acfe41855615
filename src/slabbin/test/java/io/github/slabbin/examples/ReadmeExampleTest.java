package io.github.slabbin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlabStats;
import io.github.slabbin.SlotLayout;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The Java examples of the README, kept compiling and passing here. */
class ReadmeExampleTest {

    /** A C struct {@code struct point { int64_t x, y; }} described for JNA. */
    @Structure.FieldOrder({"x", "y"})
    public static class Point extends Structure {
        public long x;
        public long y;
    }

    @Test
    void readmeExample() {
        // --- README: Java usage ---
        SlotLayout layout = SlotLayout.of(24, 8);            // 24-byte slots, 8-byte aligned
        try (SlabAllocator slab = SlabAllocator.create(layout, 1024)) {
            long a = slab.allocate();                          // an address of native memory
            ByteBuffer view = slab.buffer(a);                  // exactly one slot, native order
            view.putLong(0, 42);
            Pointer p = slab.pointer(a);                       // the same bytes through JNA
            assertEquals(42, p.getLong(0));

            slab.deallocate(a);                                // back on the free list
            assertEquals(a, slab.allocate());                  // LIFO: the same slot again

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> slab.deallocate(a + 8));             // interior pointer: refused
            assertTrue(e.getMessage().contains("interior pointer"), e.getMessage());

            SlabStats stats = slab.stats();                    // 1 slab of 1024 slots, 1 live
            assertEquals(1, stats.slabCount());
            assertEquals(1, stats.liveSlots());
            assertEquals(1024 * 24, stats.reservedBytes());
        }                                                      // close(): every slab released

        // --- README: the builder ---
        try (SlabAllocator slab = SlabAllocator.builder(layout)
                .slabCapacity(4096)
                .initialSlabCapacity(64)
                .checked(true)
                .maxReservedBytes(64 << 20)
                .magazine(64)
                .debug(false)
                .build()) {
            assertTrue(slab.isChecked());
            assertFalse(slab.isDebug());
            assertEquals(4096, slab.slabCapacity());
            slab.allocate();
            assertEquals(64, slab.stats().initialSlabCapacity());
            assertEquals(64, slab.stats().reservedSlots(), "the first slab holds 64 slots");
        }

        // --- README: JNA structures in slots ---
        try (SlabAllocator points = SlabAllocator.create(SlotLayout.of(Point.class), 256)) {
            long addr = points.allocateZeroed();
            Point pt = points.structureAt(Point.class, addr);
            pt.x = 3;
            pt.y = 4;
            pt.write();                                        // into the slot
            assertEquals(4, points.buffer(addr).getLong(8));
        }
    }
}

package io.github.slabbin.foreign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlotLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * {@link SlotSegments} and {@link SlotAllocator}: bytes written through a segment read through the
 * library's views and back, bounds, the checks of the views, and FFM results placed in slots (a
 * struct returned by value from C's {@code div}, {@code allocateFrom}); refused requests.
 */
class SlotAllocatorTest {
    private static final SlotLayout L24 = SlotLayout.of(24, 8);

    @Test
    void aSlotSegmentIsTheSlotExactly() {
        try (SlabAllocator a = SlabAllocator.create(L24, 8)) {
            long x = a.allocate();
            long y = a.allocate();
            MemorySegment s = SlotSegments.slot(a, x);
            assertEquals(x, s.address());
            assertEquals(24, s.byteSize());
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, 16, 0x1122334455667788L);
            ByteBuffer b = a.buffer(x).order(ByteOrder.nativeOrder());
            assertEquals(0x1122334455667788L, b.getLong(16));
            b.putInt(0, 77);
            assertEquals(77, s.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            MemorySegment t = SlotSegments.slot(a, y);
            assertEquals(x + L24.stride(), t.address());
            assertThrows(IndexOutOfBoundsException.class,
                    () -> s.get(ValueLayout.JAVA_BYTE, 24));
        }
    }

    @Test
    void aSlotSegmentIsCheckedAsTheOtherViews() {
        try (SlabAllocator a = SlabAllocator.create(L24, 8)) {
            long x = a.allocate();
            a.deallocate(x);
            IllegalArgumentException viaBuffer = assertThrows(IllegalArgumentException.class,
                    () -> a.buffer(x));
            IllegalArgumentException viaSegment = assertThrows(IllegalArgumentException.class,
                    () -> SlotSegments.slot(a, x));
            assertEquals(viaBuffer.getMessage(), viaSegment.getMessage());
            assertThrows(IllegalArgumentException.class, () -> SlotSegments.slot(a, x + 8));
            a.close();
            assertThrows(IllegalStateException.class, () -> SlotSegments.slot(a, x));
        }
    }

    @Test
    void allocateFromPlacesTheValueInASlot() {
        try (SlabAllocator a = SlabAllocator.create(L24, 8)) {
            SlotAllocator slots = SlotAllocator.of(a);
            MemorySegment s = slots.allocateFrom(ValueLayout.JAVA_INT, 42);
            assertEquals(4, s.byteSize());
            assertTrue(a.isAllocated(s.address()));
            assertEquals(42, a.pointer(s.address()).getInt(0));
            MemorySegment text = slots.allocateFrom("slab");
            assertEquals("slab", a.pointer(text.address()).getString(0));
            assertEquals(2, a.stats().liveSlots());
            slots.free(s);
            assertFalse(a.isAllocated(s.address()));
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> slots.free(s));
            assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
        }
    }

    /** C's {@code div_t div(int, int)}: a struct returned by value, written into a slot. */
    @Test
    void aStructReturnedByValueLandsInASlot() throws Throwable {
        StructLayout divT = MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("quot"),
                ValueLayout.JAVA_INT.withName("rem"));
        Linker linker = Linker.nativeLinker();
        MethodHandle div = linker.downcallHandle(linker.defaultLookup().find("div").orElseThrow(),
                FunctionDescriptor.of(divT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(8, 8), 4)) {
            SlotAllocator slots = SlotAllocator.of(a);
            MemorySegment r = (MemorySegment) div.invokeExact((SegmentAllocator) slots, 47, 5);
            assertTrue(a.isAllocated(r.address()));
            assertEquals(9, a.buffer(r.address()).order(ByteOrder.nativeOrder()).getInt(0));
            assertEquals(2, a.buffer(r.address()).order(ByteOrder.nativeOrder()).getInt(4));
        }
    }

    @Test
    void aRequestThatDoesNotFitIsRefusedAndTakesNoSlot() {
        try (SlabAllocator a = SlabAllocator.create(L24, 8)) {
            SlotAllocator slots = SlotAllocator.of(a);
            IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                    () -> slots.allocate(25, 8));
            assertEquals("slabbin: a request of 25 bytes aligned to 8 does not fit a slot of "
                    + L24 + " (at most 24 bytes aligned to 8)", big.getMessage());
            IllegalArgumentException aligned = assertThrows(IllegalArgumentException.class,
                    () -> slots.allocate(16, 16));
            assertEquals("slabbin: a request of 16 bytes aligned to 16 does not fit a slot of "
                    + L24 + " (at most 24 bytes aligned to 8)", aligned.getMessage());
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> slots.allocate(8, 3));
            assertEquals("slabbin: invalid request of 8 bytes aligned to 3 (the size must be 0 or"
                    + " more, the alignment a power of two)", odd.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> slots.allocateFrom(ValueLayout.JAVA_LONG, 1L, 2L, 3L, 4L));
            assertEquals(0, a.stats().liveSlots());
            assertEquals(24, slots.allocate(24, 8).byteSize());
            assertEquals(1, a.stats().liveSlots());
        }
    }
}

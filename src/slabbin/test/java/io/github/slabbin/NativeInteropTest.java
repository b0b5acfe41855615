package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.github.slabbin.TestSupport.CLib;
import io.github.slabbin.TestSupport.SlabbinC;
import java.io.File;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slot bytes and slots themselves cross between Java and C. */
class NativeInteropTest {
    private static final SlotLayout LAYOUT = SlotLayout.of(40, 8);
    private static final int SIZE = 40;

    private static NativeLibrary lib;
    private static SlabbinC c;

    @BeforeAll
    static void bind() {
        String path = SlabbinLibrary.load();
        lib = NativeLibrary.getInstance(path);
        assertEquals(new File(path).getAbsoluteFile(), lib.getFile().getAbsoluteFile());
        c = Native.load(path, SlabbinC.class);
    }

    // ---- bytes ---------------------------------------------------------------------------

    @Test
    void bytesWrittenThroughAPointerAreSeenByTheBufferAndByC() {
        try (SlabAllocator a = SlabAllocator.create(LAYOUT, 4)) {
            long x = a.allocate();
            long y = a.allocate();
            byte[] data = TestSupport.pattern(99, SIZE);
            data[17] = 0x5A;
            for (int i = 0; i < SIZE; i++) {
                if (i != 17 && data[i] == 0x5A) {
                    data[i] = 0x11;
                }
            }
            a.pointer(x).write(0, data, 0, SIZE);
            ByteBuffer bx = a.buffer(x);
            byte[] viaBuffer = new byte[SIZE];
            bx.get(viaBuffer);
            assertArrayEquals(data, viaBuffer);

            // The same bytes put into y through its ByteBuffer: C sees equal memory.
            a.buffer(y).put(data);
            Pointer px = new Pointer(x);
            Pointer py = new Pointer(y);
            assertEquals(0, CLib.INSTANCE.memcmp(px, py, SIZE));
            // One byte different: memcmp sees it, with the sign of the unsigned difference.
            byte old = data[31];
            py.setByte(31, (byte) (old + 1));
            int cmp = CLib.INSTANCE.memcmp(px, py, SIZE);
            assertEquals(Integer.signum(Byte.toUnsignedInt(old)
                    - Byte.toUnsignedInt((byte) (old + 1))), Integer.signum(cmp));
            assertEquals(0, CLib.INSTANCE.memcmp(px, py, 31), "the first 31 bytes still agree");

            Pointer hit = CLib.INSTANCE.memchr(px, 0x5A, SIZE);
            assertNotNull(hit);
            assertEquals(x + 17, Pointer.nativeValue(hit));
            assertNull(CLib.INSTANCE.memchr(px, 0x5A, 17), "not in the first 17 bytes");
        }
    }

    @Test
    void bytesWrittenByCAreSeenByTheBuffer() {
        try (SlabAllocator a = SlabAllocator.create(LAYOUT, 4)) {
            long before = a.allocate();
            long x = a.allocate();
            long after = a.allocate();
            a.buffer(before).put(new byte[SIZE]);
            a.buffer(after).put(new byte[SIZE]);
            Pointer r = CLib.INSTANCE.memset(new Pointer(x), 0x7E, SIZE);
            assertEquals(x, Pointer.nativeValue(r));
            ByteBuffer b = a.buffer(x);
            for (int i = 0; i < SIZE; i++) {
                assertEquals(0x7E, b.get(i), "byte " + i);
            }
            CLib.INSTANCE.memset(new Pointer(x + 8), 0, 8);
            assertEquals(0x7E7E7E7E7E7E7E7EL, b.getLong(0));
            assertEquals(0, b.getLong(8));
            assertEquals(0x7E7E7E7E7E7E7E7EL, b.getLong(16));
            // The neighbours are untouched.
            assertArrayEquals(new byte[SIZE], new Pointer(before).getByteArray(0, SIZE));
            assertArrayEquals(new byte[SIZE], new Pointer(after).getByteArray(0, SIZE));
        }
    }

    @Test
    void structureWrittenFromJavaIsComparedInC() {
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(SlotLayoutTest.Node.class), 2)) {
            long x = a.allocate();
            long y = a.allocate();
            SlotLayoutTest.Node n = a.structureAt(SlotLayoutTest.Node.class, x);
            n.next = 1;
            n.prev = 2;
            n.value = 3;
            n.write();
            a.buffer(y).putLong(0, 1).putLong(8, 2).putLong(16, 3);
            assertEquals(0, CLib.INSTANCE.memcmp(new Pointer(x), new Pointer(y), 24));
        }
    }

    // ---- slots across the language boundary ------------------------------------------------

    @Test
    void aSlotAllocatedInJavaIsFreedInC() {
        try (SlabAllocator a = SlabAllocator.create(LAYOUT, 4)) {
            Pointer h = new Pointer(a.nativeHandle());
            long x = a.allocate();
            long y = a.allocate();
            assertEquals(1, c.slabbin_is_allocated(h, new Pointer(x)));
            assertEquals(0, c.slabbin_free(h, new Pointer(x)));
            assertFalse(a.isAllocated(x));
            assertEquals(0, c.slabbin_is_allocated(h, new Pointer(x)));
            assertEquals(1, a.stats().liveSlots());
            // Checked mode in C too: a second free from C is a double free (-5).
            assertEquals(-5, c.slabbin_free(h, new Pointer(x)));
            assertEquals(-4, c.slabbin_free(h, new Pointer(y + 1)));
            assertEquals(-3, c.slabbin_free(h, Pointer.NULL));
            // A second free from Java is refused too.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.deallocate(x));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            assertEquals(x, a.allocate(), "Java's next allocation is the slot C freed");
            assertTrue(a.isAllocated(x));
        }
    }

    @Test
    void aSlotAllocatedInCIsFreedInJava() {
        try (SlabAllocator a = SlabAllocator.create(LAYOUT, 4)) {
            Pointer h = new Pointer(a.nativeHandle());
            long x = a.allocate();
            PointerByReference out = new PointerByReference();
            assertEquals(0, c.slabbin_alloc(h, out));
            long y = Pointer.nativeValue(out.getValue());
            assertEquals(x + LAYOUT.stride(), y, "C bumps on from where Java left off");
            assertTrue(a.isAllocated(y));
            assertEquals(2, a.stats().liveSlots());
            a.buffer(y).putLong(0, 0x600DL);
            assertEquals(0x600DL, out.getValue().getLong(0));
            a.deallocate(y);
            assertFalse(a.isAllocated(y));
            assertEquals(0, c.slabbin_is_allocated(h, new Pointer(y)));
            // C's next allocation is the slot Java freed.
            PointerByReference again = new PointerByReference();
            assertEquals(0, c.slabbin_alloc_zeroed(h, again));
            assertEquals(y, Pointer.nativeValue(again.getValue()));
            assertEquals(0, again.getValue().getLong(0));
            assertEquals(2, a.stats().liveSlots());
            assertEquals(2, a.stats().peakLiveSlots());
        }
    }

    @Test
    void interleavedCallsFromBothSidesKeepOneFreeList() {
        try (SlabAllocator a = SlabAllocator.create(LAYOUT, 3)) {
            Pointer h = new Pointer(a.nativeHandle());
            List<Long> xs = TestSupport.allocateN(a, 6);
            a.deallocate(xs.get(0));
            assertEquals(0, c.slabbin_free(h, new Pointer(xs.get(4))));
            a.deallocate(xs.get(2));
            PointerByReference out = new PointerByReference();
            assertEquals(0, c.slabbin_alloc(h, out));
            assertEquals(xs.get(2), Pointer.nativeValue(out.getValue()));
            assertEquals(xs.get(4), a.allocate());
            assertEquals(0, c.slabbin_alloc(h, out));
            assertEquals(xs.get(0), Pointer.nativeValue(out.getValue()));
            long[] v = new long[TestSupport.C_STATS_FIELDS];
            c.slabbin_get_stats(h, v);
            assertEquals(6, v[5]);
            assertEquals(6, a.stats().liveSlots());
            assertNotEquals(0, c.slabbin_check(h, new Pointer(xs.get(5) + LAYOUT.stride())));
        }
    }

    @Test
    void theJnaBindingSeesTheSameLibrary() {
        // A function of the loaded library, found by JNA, is the same code the JNI side calls:
        // an allocator created through Java is recognized by it.
        assertNotNull(lib.getFunction("slabbin_alloc"));
        assertNotNull(lib.getFunction("slabbin_free"));
        assertNotNull(lib.getFunction("slabbin_is_allocated"));
        try (SlabAllocator a = SlabAllocator.create(LAYOUT, 1)) {
            long x = a.allocate();
            int r = lib.getFunction("slabbin_is_allocated")
                    .invokeInt(new Object[] {new Pointer(a.nativeHandle()), new Pointer(x)});
            assertEquals(1, r);
        }
    }
}

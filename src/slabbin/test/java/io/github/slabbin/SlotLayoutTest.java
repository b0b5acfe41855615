package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SlotLayoutTest {

    @Structure.FieldOrder({"next", "prev", "value"})
    public static class Node extends Structure {
        public long next;
        public long prev;
        public long value;
    }

    @Structure.FieldOrder({"b", "d"})
    public static class ByteDouble extends Structure {
        public byte b;
        public double d;
    }

    @Structure.FieldOrder({"a", "b"})
    public static class IntByte extends Structure {
        public int a;
        public byte b;
    }

    @Structure.FieldOrder({"b"})
    public static class OneByte extends Structure {
        public byte b;
    }

    @Structure.FieldOrder({"s", "c"})
    public static class ShortChars extends Structure {
        public short s;
        public byte[] c = new byte[5];
    }

    /** No public no-argument constructor: JNA cannot instantiate it. */
    @Structure.FieldOrder({"x"})
    public static class NoDefaultConstructor extends Structure {
        public long x;

        public NoDefaultConstructor(long x) {
            this.x = x;
        }
    }

    @Structure.FieldOrder({})
    public static class NoFields extends Structure {}

    @Structure.FieldOrder({"o"})
    public static class UnmappableField extends Structure {
        public Object o;
    }

    /** The field order names one field of two. */
    @Structure.FieldOrder({"a"})
    public static class IncompleteFieldOrder extends Structure {
        public int a;
        public int b;
    }

    @Test
    void ofKeepsSizeAndAlignment() {
        SlotLayout l = SlotLayout.of(24, 16);
        assertEquals(24, l.size());
        assertEquals(16, l.alignment());
        assertEquals(new SlotLayout(24, 16), l);
        assertEquals(l, SlotLayout.of(24, 16));
        assertEquals(l.hashCode(), SlotLayout.of(24, 16).hashCode());
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1, 8", "24, 16, 32", "8, 64, 64", "100, 8, 104", "8, 4096, 4096",
        "7, 1, 8", "8, 8, 8", "9, 8, 16", "9, 4, 12", "3, 2, 8", "24, 8, 24", "65, 32, 96",
        "1, 2097152, 2097152", "2097153, 2097152, 4194304"
    })
    void strideFollowsTheFormula(long size, long alignment, long expected) {
        SlotLayout l = SlotLayout.of(size, alignment);
        assertEquals(expected, l.stride());
        assertEquals(TestSupport.cStride(size, alignment), l.stride());
    }

    @Test
    void strideMatchesTheCoreForManyLayouts() {
        TestSupport.SlabbinC c = Native.load(SlabbinLibrary.load(), TestSupport.SlabbinC.class);
        for (long size = 1; size <= 300; size += 7) {
            for (long align = 1; align <= 8192; align <<= 1) {
                long[] out = new long[1];
                assertEquals(0, c.slabbin_layout_stride(size, align, out));
                SlotLayout l = SlotLayout.of(size, align);
                assertEquals(out[0], l.stride(), l.toString());
                assertEquals(TestSupport.cStride(size, align), l.stride(), l.toString());
            }
        }
    }

    @Test
    void maxAlignmentIsTwoMebibytes() {
        assertEquals(1L << 21, SlotLayout.MAX_ALIGNMENT);
        assertEquals(1L << 21, SlotLayout.of(1, SlotLayout.MAX_ALIGNMENT).alignment());
    }

    @Test
    void toStringNamesSizeAlignmentAndStride() {
        assertEquals("SlotLayout[size=24 B, alignment=16 B, stride=32 B]",
                SlotLayout.of(24, 16).toString());
    }

    @Test
    void absurdLayoutsAreRefusedWithTheReason() {
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class, () -> SlotLayout.of(0, 8));
        assertTrue(e.getMessage().contains("at least 1 byte") && e.getMessage().contains("got 0"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlotLayout.of(-1, 8));
        assertTrue(e.getMessage().contains("got -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlotLayout.of(Long.MIN_VALUE, 8));
        assertTrue(e.getMessage().contains("got " + Long.MIN_VALUE), e.getMessage());
        for (long bad : new long[] {0, 3, 6, -8, 12, Long.MIN_VALUE}) {
            e = assertThrows(IllegalArgumentException.class, () -> SlotLayout.of(8, bad));
            assertTrue(e.getMessage().contains("power of two")
                    && e.getMessage().contains("got " + bad), e.getMessage());
        }
        for (long bad : new long[] {SlotLayout.MAX_ALIGNMENT * 2, 1L << 40, 1L << 62}) {
            e = assertThrows(IllegalArgumentException.class, () -> SlotLayout.of(8, bad));
            assertTrue(e.getMessage().contains("exceeds the maximum")
                    && e.getMessage().contains(Long.toString(bad))
                    && e.getMessage().contains(Long.toString(SlotLayout.MAX_ALIGNMENT)),
                    e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> SlotLayout.of(Long.MAX_VALUE, 16));
        assertTrue(e.getMessage().contains("overflows the stride")
                && e.getMessage().contains(Long.toString(Long.MAX_VALUE)), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SlotLayout(Long.MAX_VALUE - 14, 16));
        assertTrue(e.getMessage().contains("overflows the stride"), e.getMessage());
        // The largest size that still has a stride.
        assertEquals(Long.MAX_VALUE - 15, SlotLayout.of(Long.MAX_VALUE - 15, 16).stride());
    }

    @Test
    void structureLayouts() {
        assertAll(
            () -> assertEquals(SlotLayout.of(24, 8), SlotLayout.of(Node.class)),
            () -> assertEquals(SlotLayout.of(16, 8), SlotLayout.of(ByteDouble.class)),
            () -> assertEquals(SlotLayout.of(8, 4), SlotLayout.of(IntByte.class)),
            () -> assertEquals(SlotLayout.of(1, 1), SlotLayout.of(OneByte.class)),
            () -> assertEquals(SlotLayout.of(8, 2), SlotLayout.of(ShortChars.class)));
        assertEquals(24, SlotLayout.of(Node.class).stride());
        assertEquals(8, SlotLayout.of(IntByte.class).stride());
        assertEquals(8, SlotLayout.of(OneByte.class).stride());
    }

    @Test
    void structureLayoutAgreesWithJna() {
        for (Class<? extends Structure> c : java.util.List.of(
                Node.class, ByteDouble.class, IntByte.class, OneByte.class, ShortChars.class)) {
            Structure s = Structure.newInstance(c);
            assertEquals(s.size(), SlotLayout.of(c).size(), c.getName());
        }
    }

    @Test
    void uninstantiableStructureIsAnIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlotLayout.of(NoDefaultConstructor.class));
        assertTrue(e.getMessage().contains("cannot instantiate")
                && e.getMessage().contains(NoDefaultConstructor.class.getName()), e.getMessage());
    }

    @Test
    void unsizableStructuresAreIllegalArguments() {
        for (Class<? extends Structure> c : java.util.List.of(
                NoFields.class, UnmappableField.class, IncompleteFieldOrder.class)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SlotLayout.of(c), c.getName());
            assertTrue(e.getMessage().contains(c.getName())
                    && e.getMessage().contains("layout"), e.getMessage());
        }
    }
}

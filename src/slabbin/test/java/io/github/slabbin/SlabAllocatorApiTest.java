package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One or more tests for every public method of {@link SlabAllocator}. */
class SlabAllocatorApiTest {
    private static final SlotLayout L24 = SlotLayout.of(24, 8);

    @Structure.FieldOrder({"next", "prev", "value"})
    public static class Node extends Structure {
        public long next;
        public long prev;
        public long value;
    }

    @Structure.FieldOrder({"a", "b", "c", "d"})
    public static class Big extends Structure {
        public long a;
        public long b;
        public long c;
        public long d;
    }

    /** Creating allocators: {@code create} and the builder's defaults, options and refusals. */
    @Nested
    class Creation {
        @Test
        void createGivesACheckedAllocatorOwnedByTheCaller() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                assertEquals(L24, a.layout());
                assertEquals(4, a.slabCapacity());
                assertTrue(a.isChecked());
                assertSame(Thread.currentThread(), a.owner());
                assertFalse(a.isClosed());
                SlabStats s = a.stats();
                assertEquals(new SlabStats(24, 8, 24, 4, 0, 0, 0, 0), s, "nothing reserved yet");
            }
        }

        @Test
        void builderDefaultCapacityIs64KiBOverStride() {
            assertEquals(64 * 1024, SlabAllocator.DEFAULT_SLAB_BYTES);
            long[][] cases = {
                {24, 8, 65536 / 24}, {1, 1, 65536 / 8}, {8, 4096, 16}, {100, 8, 65536 / 104},
                {24, 16, 65536 / 32}, {65536, 8, 1}, {100000, 8, 1}, {1 << 20, 1 << 20, 1}
            };
            for (long[] c : cases) {
                SlotLayout l = SlotLayout.of(c[0], c[1]);
                try (SlabAllocator a = SlabAllocator.builder(l).build()) {
                    assertEquals(c[2], a.slabCapacity(), l.toString());
                    assertEquals(c[2], a.stats().slabCapacity(), l.toString());
                    assertTrue(a.isChecked());
                }
            }
        }

        @Test
        void builderDefaultSlabReservesAbout64KiB() {
            try (SlabAllocator a = SlabAllocator.builder(L24).build()) {
                a.allocate();
                long reserved = a.stats().reservedBytes();
                assertEquals(2730L * 24, reserved);
                assertTrue(reserved <= 64 * 1024 && reserved > 64 * 1024 - 24);
            }
        }

        @Test
        void builderOptions() {
            try (SlabAllocator a = SlabAllocator.builder(L24).slabCapacity(3).checked(false)
                    .maxReservedBytes(3 * 24).build()) {
                assertEquals(3, a.slabCapacity());
                assertFalse(a.isChecked());
                TestSupport.allocateN(a, 3);
                assertThrows(OutOfMemoryError.class, a::allocate);
                assertEquals(1, a.stats().slabCount());
            }
            try (SlabAllocator a = SlabAllocator.builder(L24).checked(true).maxReservedBytes(0)
                    .slabCapacity(1).build()) {
                assertTrue(a.isChecked());
                TestSupport.allocateN(a, 50);
                assertEquals(50, a.stats().slabCount(), "0 means no cap");
            }
        }

        @Test
        void builderRejectsBadValues() {
            SlabAllocator.Builder b = SlabAllocator.builder(L24);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.slabCapacity(0));
            assertTrue(e.getMessage().contains("at least 1 slot, got 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.slabCapacity(-5));
            assertTrue(e.getMessage().contains("got -5"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.maxReservedBytes(-1));
            assertTrue(e.getMessage().contains("maxReservedBytes") && e.getMessage().contains("-1"),
                    e.getMessage());
            assertThrows(NullPointerException.class, () -> SlabAllocator.builder(null));
            assertThrows(NullPointerException.class, () -> SlabAllocator.create(null, 4));
            // The builder is still usable after the refused calls.
            try (SlabAllocator a = b.slabCapacity(2).build()) {
                assertEquals(2, a.slabCapacity());
            }
        }
    }

    /** Allocating slots: bumping through slabs, zeroed and dirty contents. */
    @Nested
    class Allocation {
        @Test
        void allocateBumpsThroughASlabThenReservesAnother() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                List<Long> xs = TestSupport.allocateN(a, 4);
                for (int i = 1; i < 4; i++) {
                    assertEquals(xs.get(0) + 24L * i, xs.get(i),
                            "slots of one slab are contiguous");
                }
                assertEquals(1, a.stats().slabCount());
                long fifth = a.allocate();
                assertEquals(2, a.stats().slabCount());
                assertFalse(xs.contains(fifth));
                for (long x : xs) {
                    assertNotEquals(0, x);
                    assertEquals(0, x % 8);
                    assertTrue(a.isAllocated(x));
                }
            }
        }

        @Test
        void allocateZeroedClearsADirtySlot() {
            SlotLayout l = SlotLayout.of(100, 4);
            try (SlabAllocator a = SlabAllocator.create(l, 4)) {
                long keep = a.allocate();
                long x = a.allocate();
                byte[] dirty = new byte[100];
                java.util.Arrays.fill(dirty, (byte) 0xAB);
                new Pointer(x).write(0, dirty, 0, 100);
                new Pointer(keep).write(0, dirty, 0, 100);
                a.deallocate(x);
                long z = a.allocateZeroed();
                assertEquals(x, z, "the freed slot is reused");
                assertArrayEquals(new byte[100], new Pointer(z).getByteArray(0, 100));
                assertArrayEquals(dirty, new Pointer(keep).getByteArray(0, 100),
                        "the neighbouring slot is untouched");
                // A fresh slot from the bump is zeroed too.
                long w = a.allocateZeroed();
                assertArrayEquals(new byte[100], new Pointer(w).getByteArray(0, 100));
            }
        }

        @Test
        void allocateKeepsOldBytesBeyondTheLink() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                long x = a.allocate();
                byte[] dirty = new byte[24];
                java.util.Arrays.fill(dirty, (byte) 0xAB);
                new Pointer(x).write(0, dirty, 0, 24);
                a.deallocate(x);
                assertEquals(x, a.allocate());
                byte[] after = new Pointer(x).getByteArray(0, 24);
                for (int i = 8; i < 24; i++) {
                    assertEquals((byte) 0xAB, after[i], "byte " + i);
                }
            }
        }
    }

    /** Freeing slots: LIFO reuse and {@code isAllocated}. */
    @Nested
    class Free {
        @Test
        void deallocatedSlotIsTheNextOneAllocated() {
            try (SlabAllocator a = SlabAllocator.create(L24, 8)) {
                List<Long> xs = TestSupport.allocateN(a, 5);
                a.deallocate(xs.get(1));
                a.deallocate(xs.get(3));
                assertFalse(a.isAllocated(xs.get(1)));
                assertFalse(a.isAllocated(xs.get(3)));
                assertEquals(xs.get(3), a.allocate(), "LIFO: last freed first");
                assertEquals(xs.get(1), a.allocateZeroed());
                assertEquals(xs.get(4) + 24, a.allocate(), "then the bump continues");
                assertEquals(6, a.stats().liveSlots());
            }
        }

        @Test
        void isAllocatedTracksEachSlot() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                long x = a.allocate();
                assertTrue(a.isAllocated(x));
                assertFalse(a.isAllocated(x + 24), "never handed out");
                assertFalse(a.isAllocated(x + 1), "interior");
                assertFalse(a.isAllocated(0));
                assertFalse(a.isAllocated(-1));
                assertFalse(a.isAllocated(Long.MAX_VALUE));
                a.deallocate(x);
                assertFalse(a.isAllocated(x));
                assertEquals(x, a.allocate());
                assertTrue(a.isAllocated(x));
            }
        }

        @Test
        void uncheckedIsAllocatedAnswersForEverySlotHandedOut() {
            try (SlabAllocator a = SlabAllocator.builder(L24).slabCapacity(4)
                    .checked(false).build()) {
                long x = a.allocate();
                long y = a.allocate();
                a.deallocate(x);
                assertTrue(a.isAllocated(y));
                assertTrue(a.isAllocated(x), "unchecked: handed out since the last reset");
                assertFalse(a.isAllocated(y + 24), "never handed out");
                assertFalse(a.isAllocated(x + 4), "interior");
                assertFalse(a.isAllocated(0), "foreign");
                a.reset();
                assertFalse(a.isAllocated(x));
                assertFalse(a.isAllocated(y));
            }
        }
    }

    /** Freeing everything at once ({@code reset}) and releasing empty slabs ({@code trim}). */
    @Nested
    class ResetAndTrim {
        @Test
        void resetThenReuseRepeatsTheFirstRunAddresses() {
            try (SlabAllocator a = SlabAllocator.create(L24, 5)) {
                List<Long> first = TestSupport.allocateN(a, 17);
                a.deallocate(first.get(3));
                a.deallocate(first.get(16));
                SlabStats before = a.stats();
                assertEquals(4, before.slabCount());
                a.reset();
                SlabStats s = a.stats();
                assertEquals(0, s.liveSlots());
                assertEquals(4, s.slabCount(), "slabs are kept");
                assertEquals(before.reservedBytes(), s.reservedBytes());
                assertEquals(17, s.peakLiveSlots(), "peak survives a reset");
                for (long x : first) {
                    assertFalse(a.isAllocated(x));
                }
                List<Long> second = TestSupport.allocateN(a, 20);
                assertEquals(first, second.subList(0, 17), "same addresses, same order");
                assertEquals(first.get(16) + 24, second.get(17));
                assertEquals(4, a.stats().slabCount(), "no new slab for 20 slots");
                a.allocate();
                assertEquals(5, a.stats().slabCount());
            }
        }

        @Test
        void resetOfAnEmptyAllocatorIsHarmless() {
            try (SlabAllocator a = SlabAllocator.create(L24, 2)) {
                a.reset();
                assertEquals(new SlabStats(24, 8, 24, 2, 0, 0, 0, 0), a.stats());
                long x = a.allocate();
                a.reset();
                assertEquals(x, a.allocate());
            }
        }

        @Test
        void trimReleasesExactlyTheEmptySlabs() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                List<Long> xs = TestSupport.allocateN(a, 16);   // four slabs
                assertEquals(4, a.stats().slabCount());
                assertEquals(0, a.trim(), "no empty slab");
                // Empty slab 1 and slab 3 completely; leave two live slots in slab 0.
                for (int i = 4; i < 8; i++) {
                    a.deallocate(xs.get(i));
                }
                for (int i = 12; i < 16; i++) {
                    a.deallocate(xs.get(i));
                }
                a.deallocate(xs.get(0));
                a.deallocate(xs.get(2));
                long released = a.trim();
                assertEquals(2L * 4 * 24, released);
                SlabStats s = a.stats();
                assertEquals(2, s.slabCount());
                assertEquals(2L * 4 * 24, s.reservedBytes());
                assertEquals(6, s.liveSlots());
                for (int i : new int[] {1, 3, 8, 9, 10, 11}) {
                    assertTrue(a.isAllocated(xs.get(i)), "live slot " + i + " stays");
                }
                for (int i : new int[] {4, 5, 6, 7, 12, 13, 14, 15}) {
                    assertFalse(a.isAllocated(xs.get(i)), "released slot " + i);
                }
                // The two free slots of slab 0 are reused before anything else.
                Set<Long> reused = new HashSet<>(List.of(a.allocate(), a.allocate()));
                assertEquals(Set.of(xs.get(0), xs.get(2)), reused);
                assertEquals(2, a.stats().slabCount());
                long fresh = a.allocate();
                assertEquals(3, a.stats().slabCount(), "then a new slab");
                assertTrue(a.isAllocated(fresh));
                assertEquals(0, a.trim());
            }
        }

        @Test
        void trimOfThePartlyBumpedSlab() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                List<Long> xs = TestSupport.allocateN(a, 5);    // slab 1 holds one slot
                a.deallocate(xs.get(4));
                assertEquals(4 * 24, a.trim());
                assertEquals(1, a.stats().slabCount());
                long y = a.allocate();
                assertEquals(2, a.stats().slabCount());
                assertFalse(xs.subList(0, 4).contains(y));
                assertEquals(5, a.stats().liveSlots());
            }
        }

        @Test
        void trimAfterResetReleasesEverything() {
            try (SlabAllocator a = SlabAllocator.create(L24, 3)) {
                TestSupport.allocateN(a, 10);
                a.reset();
                assertEquals(4L * 3 * 24, a.trim());
                SlabStats s = a.stats();
                assertEquals(0, s.slabCount());
                assertEquals(0, s.reservedBytes());
                assertEquals(0, a.trim());
                assertTrue(a.isAllocated(a.allocate()));
                assertEquals(1, a.stats().slabCount());
            }
        }
    }

    /** Statistics and the configuration accessors. */
    @Nested
    class Stats {
        @Test
        void statsReportEveryField() {
            SlotLayout l = SlotLayout.of(20, 16);
            try (SlabAllocator a = SlabAllocator.create(l, 3)) {
                assertEquals(new SlabStats(20, 16, 32, 3, 0, 0, 0, 0), a.stats());
                List<Long> xs = TestSupport.allocateN(a, 7);
                SlabStats s = a.stats();
                assertEquals(20, s.slotSize());
                assertEquals(16, s.alignment());
                assertEquals(32, s.stride());
                assertEquals(3, s.slabCapacity());
                assertEquals(3, s.slabCount());
                assertEquals(7, s.liveSlots());
                assertEquals(7, s.peakLiveSlots());
                assertEquals(3L * 3 * 32, s.reservedBytes());
                for (int i = 0; i < 5; i++) {
                    a.deallocate(xs.get(i));
                }
                assertEquals(new SlabStats(20, 16, 32, 3, 3, 2, 7, 288), a.stats());
                a.allocate();
                assertEquals(new SlabStats(20, 16, 32, 3, 3, 3, 7, 288), a.stats());
                assertEquals(3 * 32, a.trim());
                assertEquals(new SlabStats(20, 16, 32, 3, 2, 3, 7, 192), a.stats());
                TestSupport.allocateN(a, 6);
                assertEquals(new SlabStats(20, 16, 32, 3, 3, 9, 9, 288), a.stats());
                a.reset();
                assertEquals(new SlabStats(20, 16, 32, 3, 3, 0, 9, 288), a.stats());
            }
        }

        @Test
        void statsAgreeWithTheCore() {
            TestSupport.SlabbinC c = Native.load(SlabbinLibrary.load(), TestSupport.SlabbinC.class);
            try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(40, 8), 5)) {
                List<Long> xs = TestSupport.allocateN(a, 12);
                a.deallocate(xs.get(7));
                long[] v = new long[TestSupport.C_STATS_FIELDS];
                c.slabbin_get_stats(new Pointer(a.nativeHandle()), v);
                SlabStats s = a.stats();
                // the fields SlabStats carries, then initial slab capacity, reserved slots and peak
                // reserved bytes (no growth: every slab holds 5 slots)
                assertArrayEquals(v, new long[] {s.slotSize(), s.alignment(), s.stride(),
                    s.slabCapacity(), s.slabCount(), s.liveSlots(), s.peakLiveSlots(),
                    s.reservedBytes(), 5, 15, 600});
                assertEquals(new SlabStats(40, 8, 40, 5, 3, 11, 12, 600), s);
            }
        }

        @Test
        void accessorsReturnTheConfiguration() {
            SlotLayout l = SlotLayout.of(100, 8);
            try (SlabAllocator a = SlabAllocator.builder(l).slabCapacity(7)
                    .checked(false).build()) {
                assertSame(l, a.layout());
                assertEquals(7, a.slabCapacity());
                assertFalse(a.isChecked());
                assertSame(Thread.currentThread(), a.owner());
                assertEquals(104, a.layout().stride());
                assertEquals(a.layout().stride(), a.stats().stride());
            }
        }
    }

    /** Views of one slot: JNA pointer, {@code ByteBuffer}, JNA structure. */
    @Nested
    class Views {
        @Test
        void pointerAddressesTheSlot() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                long x = a.allocate();
                long y = a.allocate();
                Pointer p = a.pointer(x);
                assertEquals(x, Pointer.nativeValue(p));
                p.setLong(0, 0x1122334455667788L);
                p.setLong(8, -2);
                p.setLong(16, 42);
                a.pointer(y).setLong(0, 7);
                assertEquals(0x1122334455667788L, new Pointer(x).getLong(0));
                assertEquals(-2, new Pointer(x).getLong(8));
                assertEquals(42, a.pointer(x).getLong(16));
                assertEquals(7, new Pointer(y).getLong(0));
            }
        }

        @Test
        void pointerBufferAndStructureRefuseADeadSlotInCheckedMode() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                long x = a.allocate();
                a.allocate();
                a.deallocate(x);
                String addr = TestSupport.hex(x);
                for (org.junit.jupiter.api.function.Executable call : List.<
                        org.junit.jupiter.api.function.Executable>of(
                        () -> a.pointer(x), () -> a.buffer(x),
                        () -> a.structureAt(Node.class, x))) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
                    assertTrue(e.getMessage().contains(addr)
                            && e.getMessage().contains(": not allocated (freed, or never handed"
                            + " out)"), e.getMessage());
                }
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> a.pointer(x + 8));
                assertTrue(e.getMessage().contains("interior pointer"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> a.buffer(0));
                assertTrue(e.getMessage().contains("foreign pointer"), e.getMessage());
                assertEquals(1, a.stats().liveSlots());
                assertEquals(x, a.allocate());
            }
        }

        @Test
        void bufferIsADirectNativeOrderViewOfExactlyOneSlot() {
            SlotLayout l = SlotLayout.of(20, 4);      // stride 20: slots touch each other
            try (SlabAllocator a = SlabAllocator.create(l, 4)) {
                long x = a.allocate();
                long y = a.allocate();
                assertEquals(x + 20, y);
                ByteBuffer b = a.buffer(x);
                assertTrue(b.isDirect());
                assertEquals(20, b.capacity());
                assertEquals(20, b.remaining());
                assertEquals(0, b.position());
                assertEquals(ByteOrder.nativeOrder(), b.order());
                assertEquals(x, Pointer.nativeValue(Native.getDirectBufferPointer(b)));
                b.putInt(0, 0xCAFEBABE);
                b.putLong(12, Long.MIN_VALUE + 5);
                assertEquals(0xCAFEBABE, new Pointer(x).getInt(0));
                assertEquals(Long.MIN_VALUE + 5, new Pointer(x).getLong(12));
                assertThrows(IndexOutOfBoundsException.class, () -> b.put(20, (byte) 1),
                        "the view ends at the slot's size");
                new Pointer(y).setInt(0, 99);
                assertEquals(99, a.buffer(y).getInt(0));
                assertEquals(0xCAFEBABE, a.buffer(x).getInt(0),
                        "a second view sees the same bytes");
            }
        }

        @Test
        void bufferRefusesASlotLargerThanAByteBuffer() {
            // 2 GiB of address space, never touched.
            SlotLayout l = SlotLayout.of((long) Integer.MAX_VALUE + 1, 8);
            try (SlabAllocator a = SlabAllocator.create(l, 1)) {
                long x = a.allocate();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> a.buffer(x));
                assertTrue(e.getMessage().contains("2147483648 bytes")
                        && e.getMessage().contains("ByteBuffer"), e.getMessage());
                a.pointer(x).setLong((long) Integer.MAX_VALUE - 7, 5);
                assertEquals(5, new Pointer(x).getLong((long) Integer.MAX_VALUE - 7));
                assertTrue(a.isAllocated(x));
            }
        }

        @Test
        void structureAtReadsAndWritesTheSlot() {
            try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(Node.class), 4)) {
                long x = a.allocate();
                long y = a.allocate();
                Node n = a.structureAt(Node.class, x);
                assertEquals(x, Pointer.nativeValue(n.getPointer()));
                n.next = y;
                n.prev = -1;
                n.value = 0x0102030405060708L;
                n.write();
                ByteBuffer b = a.buffer(x);
                assertEquals(y, b.getLong(0));
                assertEquals(-1, b.getLong(8));
                assertEquals(0x0102030405060708L, b.getLong(16));

                // structureAt reads what is already there.
                ByteBuffer by = a.buffer(y);
                by.putLong(0, 11).putLong(8, 22).putLong(16, 33);
                Node m = a.structureAt(Node.class, y);
                assertEquals(11, m.next);
                assertEquals(22, m.prev);
                assertEquals(33, m.value);
                Node again = a.structureAt(Node.class, x);
                assertEquals(y, again.next);
                assertEquals(0x0102030405060708L, again.value);
            }
        }

        @Test
        void structureLargerThanTheSlotIsRefused() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4)) {
                long x = a.allocate();
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> a.structureAt(Big.class, x));
                assertTrue(e.getMessage().contains("needs 32 bytes")
                        && e.getMessage().contains("holds 24"), e.getMessage());
                assertTrue(a.isAllocated(x));
            }
        }
    }

    /** The native handle, {@code close}, {@code toString} and independent allocators. */
    @Nested
    class Lifecycle {
        @Test
        void nativeHandleIsStableAndDistinct() {
            try (SlabAllocator a = SlabAllocator.create(L24, 4);
                 SlabAllocator b = SlabAllocator.create(L24, 4)) {
                long h = a.nativeHandle();
                assertNotEquals(0, h);
                a.allocate();
                a.reset();
                a.trim();
                assertEquals(h, a.nativeHandle());
                assertNotEquals(h, b.nativeHandle());
                TestSupport.SlabbinC c =
                        Native.load(SlabbinLibrary.load(), TestSupport.SlabbinC.class);
                assertEquals(0, c.slabbin_is_unchecked(new Pointer(h)));
            }
            try (SlabAllocator u = SlabAllocator.builder(L24).checked(false).build()) {
                TestSupport.SlabbinC c =
                        Native.load(SlabbinLibrary.load(), TestSupport.SlabbinC.class);
                assertEquals(1, c.slabbin_is_unchecked(new Pointer(u.nativeHandle())));
            }
        }

        @Test
        void closeIsIdempotent() {
            SlabAllocator a = SlabAllocator.create(L24, 4);
            TestSupport.allocateN(a, 9);
            assertFalse(a.isClosed());
            a.close();
            assertTrue(a.isClosed());
            a.close();
            a.close();
            assertTrue(a.isClosed());
            assertSame(Thread.currentThread(), a.owner());
        }

        @Test
        void closeReleasesTheMemoryForReuse() {
            // A closed allocator's slab goes back to the system allocator, which hands the same
            // memory out again: some first-slot address repeats.
            Set<Long> firstSlots = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                SlabAllocator a = SlabAllocator.create(SlotLayout.of(1 << 20, 8), 4);
                long x = a.allocate();
                new Pointer(x).setLong(0, i);
                firstSlots.add(x);
                a.close();
            }
            assertTrue(firstSlots.size() < 50, "released slabs are reused by the system allocator: "
                    + firstSlots.size() + " distinct addresses");
        }

        @Test
        void toStringDescribesTheAllocator() {
            SlabAllocator a = SlabAllocator.create(L24, 4);
            assertEquals("SlabAllocator[size=24 B, alignment=8 B, stride=24 B, slabCapacity=4]",
                    a.toString());
            a.close();
            assertEquals(
                    "SlabAllocator[size=24 B, alignment=8 B, stride=24 B, slabCapacity=4] (closed)",
                    a.toString());
            SlabAllocator u = SlabAllocator.builder(SlotLayout.of(1, 1)).slabCapacity(9)
                    .checked(false).build();
            assertEquals(
                    "SlabAllocator[size=1 B, alignment=1 B, stride=8 B, slabCapacity=9] unchecked",
                    u.toString());
            u.close();
            assertTrue(u.toString().endsWith(" unchecked (closed)"), u.toString());
        }

        @Test
        void manyAllocatorsAreIndependent() {
            List<SlabAllocator> all = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    all.add(SlabAllocator.create(L24, 2));
                }
                List<Long> firsts = new ArrayList<>();
                for (SlabAllocator a : all) {
                    firsts.add(a.allocate());
                }
                for (int i = 0; i < all.size(); i++) {
                    for (int j = 0; j < all.size(); j++) {
                        assertEquals(i == j, all.get(i).isAllocated(firsts.get(j)));
                    }
                }
                all.get(3).deallocate(firsts.get(3));
                assertEquals(0, all.get(3).stats().liveSlots());
                assertEquals(1, all.get(4).stats().liveSlots());
            } finally {
                all.forEach(SlabAllocator::close);
            }
            assertNotNull(all.get(0).toString());
        }
    }
}

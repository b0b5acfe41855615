package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Views of a slot (pointer, buffer, structure): the address, size and alignment are checked before
 * any byte is read or written, every view is bounded to exactly one slot, and a view keeps the
 * allocator's memory from the Cleaner while it is reachable.
 */
class ViewsTest {
    private static final SlotLayout L24 = SlotLayout.of(24, 8);

    /**
     * Every nonzero address a {@link Reader} or {@link Huge} constructor was given (0 is the
     * address of the memory their size is computed over, never read).
     */
    static final Set<Long> SEEN = ConcurrentHashMap.newKeySet();

    private static void seen(Pointer p) {
        if (Pointer.nativeValue(p) != 0) {
            SEEN.add(Pointer.nativeValue(p));
        }
    }

    /** 32 bytes whose Pointer constructor reads the memory it is given, as JNA examples do. */
    @Structure.FieldOrder({"a", "b", "c", "d"})
    public static class Reader extends Structure {
        public long a;
        public long b;
        public long c;
        public long d;

        public Reader() {}

        public Reader(Pointer p) {
            super(p);
            seen(p);
            read();
        }
    }

    /** 64 MiB, read by its Pointer constructor: built over a small slot it would read far beyond. */
    @Structure.FieldOrder({"data"})
    public static class Huge extends Structure {
        public byte[] data = new byte[64 << 20];

        public Huge() {}

        public Huge(Pointer p) {
            super(p);
            seen(p);
            read();
        }
    }

    // ---- checked before any byte is touched --------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStructureLargerThanTheSlotIsRefusedBeforeItsConstructorRuns(boolean checked) {
        try (SlabAllocator a = SlabAllocator.builder(L24).slabCapacity(4).checked(checked)
                .build()) {
            long x = a.allocate();
            long y = a.allocate();
            TestSupport.writePattern(y, 5, 24);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.structureAt(Reader.class, x));
            assertEquals(Reader.class.getName() + " needs 32 bytes but a slot holds 24",
                    e.getMessage());
            assertFalse(SEEN.contains(x), "a constructor was given the slot");
            TestSupport.assertPattern(y, 5, 24);
            assertEquals(2, a.stats().liveSlots());
        }
    }

    /**
     * Run in a child JVM by {@link #a64MiBStructureOverASmallSlotIsRefused}: built over the slot,
     * the structure would read 64 MiB from a 24-byte slot and crash the JVM. Prints the refusal.
     */
    public static final class HugeStructureMain {
        public static void main(String[] args) {
            try (SlabAllocator a = SlabAllocator.builder(L24).slabCapacity(1)
                    .checked(args[0].equals("checked")).build()) {
                long x = a.allocate();
                try {
                    a.structureAt(Huge.class, x);
                    System.out.println("built");
                } catch (IllegalArgumentException e) {
                    System.out.println(e.getMessage());
                }
                System.out.println(SEEN.contains(x) ? "constructor ran" : "constructor never ran");
            }
        }
    }

    /** The input of #7: a 64 MiB structure over a small slot, in a child JVM. */
    @ParameterizedTest
    @ValueSource(strings = {"checked", "unchecked"})
    void a64MiBStructureOverASmallSlotIsRefused(String mode) throws Exception {
        ChildJvm.Result r = new ChildJvm(HugeStructureMain.class).jvmArgs("-Xmx512m").run(mode);
        assertEquals(0, r.exit(), r.describe());
        assertEquals(List.of(Huge.class.getName() + " needs 67108864 bytes but a slot holds 24",
                "constructor never ran"), r.out().lines().toList(), r.describe());
    }

    @Test
    void aStructureNeedingALargerAlignmentIsRefused() {
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(24, 4), 4)) {
            long x = a.allocate() + 0;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.structureAt(SlabAllocatorApiTest.Node.class, x));
            assertEquals(SlabAllocatorApiTest.Node.class.getName()
                    + " needs an alignment of 8 bytes but slots are aligned to 4", e.getMessage());
        }
    }

    @Test
    void everyViewChecksTheAddressBeforeReading() {
        long m = Native.malloc(64);
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(32, 8), 4);
             SlabAllocator other = SlabAllocator.create(SlotLayout.of(32, 8), 4)) {
            long x = a.allocate();
            long freed = a.allocate();
            a.deallocate(freed);
            long foreignSlot = other.allocate();
            Object[][] cases = {
                {0L, "foreign pointer"}, {-1L, "foreign pointer"}, {m, "foreign pointer"},
                {foreignSlot, "foreign pointer"}, {x + 8, "interior pointer"},
                {freed, "not allocated"}, {x + 3 * 32, "not allocated"}};
            for (Object[] c : cases) {
                long address = (Long) c[0];
                for (Executable view : List.<Executable>of(() -> a.pointer(address),
                        () -> a.buffer(address), () -> a.structureAt(Reader.class, address))) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            view);
                    assertEquals(String.format("0x%x is not a live slot of %s: ", address, a)
                            + Failures.viewReason(reasonCode((String) c[1])), e.getMessage());
                }
                assertFalse(SEEN.contains(address), TestSupport.hex(address));
            }
            Reader r = a.structureAt(Reader.class, x);
            assertTrue(SEEN.contains(x), "a live slot is given to the constructor");
            assertEquals(x, Pointer.nativeValue(r.getPointer()));
        } finally {
            Native.free(m);
        }
    }

    private static int reasonCode(String words) {
        return switch (words) {
            case "foreign pointer" -> SlabbinNative.EFOREIGN;
            case "interior pointer" -> SlabbinNative.EINTERIOR;
            default -> SlabbinNative.EDOUBLEFREE;
        };
    }

    // ---- bounded to one slot ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void thePointerIsBoundedToTheSlot(boolean checked) {
        try (SlabAllocator a = SlabAllocator.builder(L24).slabCapacity(4).checked(checked)
                .build()) {
            long x = a.allocate();
            long y = a.allocate();
            TestSupport.writePattern(y, 9, 24);
            Pointer p = a.pointer(x);
            assertEquals(24, ((Memory) p).size());
            p.setLong(16, 7);
            p.setByte(23, (byte) 1);
            assertEquals(1, p.getByte(23));
            for (Executable outside : List.<Executable>of(() -> p.getByte(24),
                    () -> p.getLong(17), () -> p.setInt(21, 1), () -> p.getByteArray(0, 25),
                    () -> p.write(8, new long[3], 0, 3), () -> p.getByte(-1),
                    () -> p.share(20, 8), () -> p.share(8).getLong(9),
                    () -> p.getByteBuffer(16, 9), () -> p.clear(25),
                    () -> p.setMemory(20, 5, (byte) 0))) {
                assertThrows(IndexOutOfBoundsException.class, outside);
            }
            assertEquals(7, p.share(8).getInt(8), "a share stays inside the slot");
            assertEquals(-1, p.share(16).indexOf(0, (byte) 0x55), "searched up to the end only");
            p.setByte(22, (byte) 0x55);
            assertEquals(6, p.share(16).indexOf(0, (byte) 0x55));
            p.setString(0, "slot");
            assertEquals("slot", p.getString(0));
            assertEquals(-1, p.share(8).indexOf(0, (byte) 0x77));
            // Strings and pointer lists end inside the slot, or are refused.
            p.setMemory(0, 24, (byte) 0x41);
            for (Executable unterminated : List.<Executable>of(() -> p.share(16).getString(0),
                    () -> p.getString(20, "UTF-8"), () -> p.share(16).getWideString(0),
                    () -> p.getPointerArray(8))) {
                assertThrows(IndexOutOfBoundsException.class, unterminated);
            }
            TestSupport.assertPattern(y, 9, 24);
            assertTrue(p.toString().startsWith(String.format("slot@0x%x (24 bytes) of ", x)),
                    p.toString());
            ((Memory) p).close();
            assertTrue(a.isAllocated(x), "closing the pointer frees nothing");
        }
    }

    @Test
    void theStructuresMemoryIsBoundedToTheSlot() {
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(40, 8), 4)) {
            long x = a.allocate();
            SlabAllocatorApiTest.Node n = a.structureAt(SlabAllocatorApiTest.Node.class, x);
            Pointer p = n.getPointer();
            assertEquals(x, Pointer.nativeValue(p));
            assertTrue(((Memory) p).size() <= 40, p.toString());
            assertThrows(IndexOutOfBoundsException.class, () -> p.getLong(40));
        }
    }

    @Test
    void theBufferIsExactlyOneSlot() {
        try (SlabAllocator a = SlabAllocator.create(SlotLayout.of(20, 4), 4)) {
            long x = a.allocate();
            ByteBuffer b = a.buffer(x);
            assertEquals(20, b.capacity());
            assertThrows(IndexOutOfBoundsException.class, () -> b.getInt(17));
            assertThrows(IndexOutOfBoundsException.class, () -> b.get(20));
            assertEquals(4, b.slice(16, 4).capacity());
        }
    }

    // ---- views keep the allocator's memory ----------------------------------------------------

    @RegisterExtension
    final LogCapture log = new LogCapture();

    private boolean released(String described) {
        return log.find(w -> w.startsWith(described + " became unreachable")) != null;
    }

    /** Collects until the condition holds (true) or 10 s pass (false). */
    private static boolean gcUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            System.gc();
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    /** A view of a slot holding pattern 77 of an allocator nobody references. */
    private static Object droppedView(String kind, SlotLayout layout,
                                      List<WeakReference<SlabAllocator>> ref) {
        SlabAllocator a = SlabAllocator.create(layout, 2);
        ref.add(new WeakReference<>(a));
        long x = a.allocate();
        TestSupport.writePattern(x, 77, (int) layout.size());
        return switch (kind) {
            case "pointer" -> a.pointer(x);
            case "buffer" -> a.buffer(x);
            default -> a.structureAt(SlabAllocatorApiTest.Node.class, x);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"pointer", "buffer", "structure"})
    void aViewKeepsADroppedAllocatorsMemory(String kind) throws InterruptedException {
        SlotLayout layout = SlotLayout.of(24 + 8 * kind.length(), 8);   // one per case
        String described = "SlabAllocator[size=" + layout.size() + " B, alignment=8 B, stride="
                + layout.stride() + " B, slabCapacity=2]";
        List<WeakReference<SlabAllocator>> ref = new CopyOnWriteArrayList<>();
        Object view = droppedView(kind, layout, ref);
        long x = view instanceof ByteBuffer b ? Pointer.nativeValue(Native.getDirectBufferPointer(b))
                : view instanceof Structure s ? Pointer.nativeValue(s.getPointer())
                : Pointer.nativeValue((Pointer) view);
        if (!kind.equals("buffer")) {
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertNotNull(ref.get(0).get(), "a pointer or structure holds the allocator");
        } else {
            assertTrue(gcUntil(() -> ref.get(0).get() == null), "the allocator object goes");
        }
        assertFalse(released(described), "released while a view is reachable: "
                + log.records());
        TestSupport.assertPattern(x, 77, (int) layout.size());
        view = null;
        assertTrue(gcUntil(() -> released(described)), "not released once the view went: "
                + log.records());
        assertNull(ref.get(0).get());
    }
}

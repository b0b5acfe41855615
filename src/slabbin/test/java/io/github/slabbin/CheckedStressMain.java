package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.function.Executable;

/**
 * Run in a child JVM by {@link CheckedStressTest}: random operations on checked allocators, with
 * and without a magazine, in debug mode or not, mixing valid calls with garbage (random values, 0, -1,
 * {@code Long.MIN_VALUE}, interior pointers, freed and never-used slots, one past a slab's end,
 * another allocator's slots, a direct ByteBuffer's address), bad batch offsets and counts, and a
 * reserve cap. {@link CoreModel} predicts every address, every statistic and every exception
 * (type and message; in debug mode also whether the message names where the slot was allocated
 * and freed); after every step the statistics and the pattern of every live slot are checked,
 * and in debug mode, every {@value #LIVE_SLOTS_EVERY} steps, the live slots it lists.
 *
 * <p>Arguments: seconds, then optionally the seed. Prints the seed first, then one line per
 * configuration and {@code ok}; on a disagreement prints the seed, configuration and step with the
 * failure and exits with status 1.
 */
public final class CheckedStressMain {
    /** Steps per allocator before a new layout is drawn. */
    static final int EPOCH = 2_000;
    /** Above this many live slots, frees are preferred. */
    static final int MANY = 200;
    /** Debug mode: steps between two checks of {@link SlabAllocator#debugLiveSlots()}. */
    static final int LIVE_SLOTS_EVERY = 100;
    /** Debug mode: a call site of this class, as messages print it. */
    static final String FRAME = java.util.regex.Pattern.quote(CheckedStressMain.class.getName())
            + "\\.\\w+\\(CheckedStressMain\\.java:\\d+\\)";

    /** A structure for structureAt: 8 bytes, aligned to 8. */
    @Structure.FieldOrder({"v"})
    public static class Word extends Structure {
        public long v;
    }

    /** Held strongly: java.util.logging keeps loggers only weakly. */
    static final java.util.logging.Logger QUIET =
            java.util.logging.Logger.getLogger("io.github.slabbin");

    private final Random rnd;
    private final int magazine;
    private final boolean debug;
    private SlabAllocator a;
    private SlabAllocator other;
    private CoreModel m;
    private long otherSlot;
    private final ByteBuffer direct = ByteBuffer.allocateDirect(64);
    private long seed;
    long steps;
    long refusals;

    CheckedStressMain(Random rnd, int magazine, boolean debug) {
        this.rnd = rnd;
        this.magazine = magazine;
        this.debug = debug;
    }

    public static void main(String[] args) {
        // Allocators are closed with live slots on purpose: no leak report per debug allocator.
        QUIET.setLevel(java.util.logging.Level.OFF);
        long seconds = Long.parseLong(args[0]);
        long seed = args.length > 1 ? Long.parseLong(args[1]) : new Random().nextLong();
        System.out.println("seed " + seed);
        Random rnd = new Random(seed);
        int[][] configs = {{0, 0}, {8, 0}, {64, 0}, {0, 1}, {8, 1}};
        long perConfig = seconds * 1_000_000_000L / configs.length;
        for (int[] c : configs) {
            CheckedStressMain s = new CheckedStressMain(rnd, c[0], c[1] == 1);
            String config = "magazine " + c[0] + (c[1] == 1 ? ", debug" : "");
            try {
                s.run(perConfig);
            } catch (Throwable t) {
                System.out.println("FAILED seed " + seed + ", " + config + ", step " + s.steps
                        + ": " + t);
                t.printStackTrace(System.out);
                System.exit(1);
            }
            System.out.println(config + ": " + s.steps + " steps, " + s.refusals
                    + " refusals checked");
        }
        System.out.println("ok");
    }

    void run(long nanos) {
        long deadline = System.nanoTime() + nanos;
        while (System.nanoTime() < deadline) {
            newEpoch();
            try {
                for (int i = 0; i < EPOCH; i++) {
                    step();
                    steps++;
                    verify();
                }
            } finally {
                a.close();
                other.close();
            }
        }
    }

    private void newEpoch() {
        SlotLayout layout = SlotLayout.of(1 + rnd.nextInt(80), 1L << rnd.nextInt(7));
        int capacity = 1 + rnd.nextInt(16);
        long capBytes = rnd.nextBoolean() ? 0 : (2 + rnd.nextInt(6)) * capacity * layout.stride();
        a = SlabAllocator.builder(layout).slabCapacity(capacity).magazine(magazine)
                .maxReservedBytes(capBytes).debug(debug).build();
        m = new CoreModel(layout, capacity, capBytes);
        other = SlabAllocator.create(layout, 4);
        otherSlot = other.allocate();
    }

    private int size() {
        return (int) m.layout.size();
    }

    // ---- addresses -------------------------------------------------------------------------

    private long anyLive() {
        List<Long> live = new ArrayList<>(m.live.keySet());
        return live.get(rnd.nextInt(live.size()));
    }

    /** A value that is not a live slot of {@code a} (most of the time: some kinds may be one). */
    private long garbage() {
        long pick = rnd.nextLong();
        switch (rnd.nextInt(11)) {
            case 0: return pick;
            case 1: return 0;
            case 2: return -1;
            case 3: return Long.MIN_VALUE;
            case 4: return Long.MAX_VALUE;
            case 5: return m.live.isEmpty() ? 8 : anyLive() + 1 + rnd.nextInt((int) m.stride - 1);
            case 6: return m.deadSlot(pick);
            case 7: return otherSlot;
            case 8: return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
            case 9: return m.pastSlabEnd(pick);
            default: return m.live.isEmpty() ? pick : anyLive();
        }
    }

    private long address() {
        return !m.live.isEmpty() && rnd.nextInt(10) < 6 ? anyLive() : garbage();
    }

    // ---- expectations ----------------------------------------------------------------------

    private void refused(Class<? extends Throwable> type, String message, Executable call) {
        refused(type, java.util.regex.Pattern.quote(message), message, call);
    }

    /** The call throws {@code type} with a message matching {@code regex}. */
    private void refused(Class<? extends Throwable> type, String regex, String described,
                         Executable call) {
        refusals++;
        try {
            call.execute();
        } catch (Throwable t) {
            assertSame(type, t.getClass(), "exception of " + described + ": " + t);
            assertTrue(t.getMessage().matches(regex), "expected " + described + ", got "
                    + t.getMessage());
            return;
        }
        fail("no " + type.getSimpleName() + ": " + described);
    }

    /** What a refusal of {@code address} says of its call sites, as a regex (debug mode). */
    private String sites(long address) {
        Boolean free = debug ? m.handedOut.get(address) : null;
        return free == null ? "" : "; allocated at " + FRAME + (free ? ", freed at " + FRAME : "");
    }

    /** A single-address refusal, as a regex; {@code reason} in words. */
    private String notLive(long address, String reason) {
        return java.util.regex.Pattern.quote(String.format("0x%x is not a live slot of %s: %s",
                address, a, reason)) + sites(address);
    }

    private void refusedAddress(long address, int code, Executable call) {
        refusedAddress(address, Failures.reason(code), call);
    }

    private void refusedAddress(long address, String reason, Executable call) {
        refused(IllegalArgumentException.class, notLive(address, reason),
                String.format("0x%x refused: %s", address, reason), call);
    }

    private String oom(String tail) {
        return "slabbin: cannot reserve a slab of " + m.slabBytes + " bytes for " + a + tail;
    }

    private static String range(int offset, int count, int length) {
        return String.format("Range [%d, %d + %d) out of bounds for length %d", offset, offset,
                count, length);
    }

    private void handedOut(long address, boolean zeroed) {
        long s = ++seed;
        if (zeroed) {
            byte[] bytes = new Pointer(address).getByteArray(0, size());
            for (byte b : bytes) {
                assertEquals(0, b, String.format("zeroed slot 0x%x", address));
            }
        }
        String wrong = m.allocated(address, s);
        assertEquals(null, wrong);
        TestSupport.writePattern(address, s, size());
    }

    // ---- one step --------------------------------------------------------------------------

    private void step() {
        int r = rnd.nextInt(100);
        boolean crowded = m.live.size() > MANY;
        if (r < 18 && !crowded) {
            allocate(rnd.nextInt(4) == 0);
        } else if (r < 40) {
            deallocate();
        } else if (r < 50 && !crowded) {
            batchAllocate();
        } else if (r < 62) {
            batchDeallocate();
        } else if (r < 67) {
            badRange();
        } else if (r < 80) {
            view();
        } else if (r < 90) {
            long x = address();
            assertEquals(m.reason(x) == SlabbinNative.OK, a.isAllocated(x),
                    String.format("isAllocated(0x%x)", x));
        } else if (r < 91) {
            a.reset();
            m.reset();
        } else if (r < 94) {
            assertEquals(m.trim(), a.trim(), "bytes released by trim");
        } else {
            allocate(false);
        }
    }

    private void allocate(boolean zeroed) {
        String oom = m.oomForSingle();
        Executable call = zeroed ? a::allocateZeroed : a::allocate;
        if (oom != null) {
            refused(OutOfMemoryError.class, oom(oom), call);
        } else {
            handedOut(zeroed ? a.allocateZeroed() : a.allocate(), zeroed);
        }
    }

    private void deallocate() {
        long x = address();
        int code = m.reason(x);
        if (code == SlabbinNative.OK) {
            TestSupport.assertPattern(x, m.live.get(x), size());
            a.deallocate(x);
            m.freed(x);
        } else {
            refusedAddress(x, code, () -> a.deallocate(x));
        }
    }

    private void batchAllocate() {
        int count = rnd.nextInt(21);
        int offset = rnd.nextInt(3);
        long[] xs = new long[offset + count + rnd.nextInt(3)];
        java.util.Arrays.fill(xs, 0x5EED);
        long[] before = xs.clone();
        String oom = m.oomForBatch(count);
        if (oom != null) {
            refused(OutOfMemoryError.class, oom(oom), () -> a.allocate(xs, offset, count));
            assertArrayEquals(before, xs, "a refused batch writes nothing");
            return;
        }
        m.reserveForBatch(count);
        assertEquals(count, a.allocate(xs, offset, count));
        for (int i = 0; i < xs.length; i++) {
            if (i < offset || i >= offset + count) {
                assertEquals(0x5EED, xs[i], "entry " + i + " outside the batch");
            } else {
                handedOut(xs[i], false);
            }
        }
    }

    private void batchDeallocate() {
        List<Long> live = new ArrayList<>(m.live.keySet());
        java.util.Collections.shuffle(live, rnd);
        int count = Math.min(live.size(), rnd.nextInt(16));
        int offset = rnd.nextInt(3);
        long[] xs = new long[offset + count + 1 + rnd.nextInt(2)];
        for (int i = 0; i < count; i++) {
            xs[offset + i] = live.get(i);
        }
        int n = count;
        if (rnd.nextInt(3) == 0 && xs.length > offset + count) {
            // One bad entry: garbage, or a repeat of an earlier live entry.
            xs[offset + count] = count > 0 && rnd.nextBoolean()
                    ? xs[offset + rnd.nextInt(count)] : garbage();
            n = count + 1;
            int swap = offset + rnd.nextInt(n);
            long t = xs[swap];
            xs[swap] = xs[offset + count];
            xs[offset + count] = t;
        }
        int batch = n;
        int[] bad = m.batchRefusal(xs, offset, batch);
        if (bad == null) {
            for (int i = 0; i < batch; i++) {
                TestSupport.assertPattern(xs[offset + i], m.live.get(xs[offset + i]), size());
            }
            a.deallocate(xs, offset, batch);
            for (int i = 0; i < batch; i++) {
                m.freed(xs[offset + i]);
            }
            return;
        }
        String why = bad[2] >= 0 ? "repeated inside the batch (also at addresses[" + bad[2] + "])"
                : Failures.reason(bad[1]);
        String prefix = String.format("addresses[%d] = 0x%x is not a live slot of %s: %s",
                bad[0], xs[bad[0]], a, why);
        refused(IllegalArgumentException.class, java.util.regex.Pattern.quote(prefix)
                + sites(xs[bad[0]]) + java.util.regex.Pattern.quote("; nothing was freed"),
                prefix, () -> a.deallocate(xs, offset, batch));
    }

    private void badRange() {
        int length = rnd.nextInt(6);
        int offset;
        int count;
        switch (rnd.nextInt(4)) {
            case 0 -> {
                offset = -1 - rnd.nextInt(3);
                count = rnd.nextInt(3);
            }
            case 1 -> {
                offset = length + 1 + rnd.nextInt(3);
                count = 0;
            }
            case 2 -> {
                offset = rnd.nextInt(length + 1);
                count = -1 - rnd.nextInt(3);
            }
            default -> {
                offset = rnd.nextInt(length + 1);
                count = length - offset + 1 + rnd.nextInt(3);
            }
        }
        long[] xs = new long[length];
        for (int i = 0; i < length; i++) {
            xs[i] = m.live.isEmpty() ? 0 : anyLive();
        }
        String message = range(offset, count, length);
        refused(IndexOutOfBoundsException.class, message, () -> a.allocate(xs, offset, count));
        refused(IndexOutOfBoundsException.class, message, () -> a.deallocate(xs, offset, count));
    }

    private void view() {
        long x = address();
        int code = m.reason(x);
        int kind = rnd.nextInt(3);
        if (code != SlabbinNative.OK) {
            Executable call = kind == 0 ? () -> a.buffer(x) : kind == 1 ? () -> a.pointer(x)
                    : () -> a.structureAt(Word.class, x);
            refusedAddress(x, Failures.viewReason(code), call);
            return;
        }
        byte[] expected = TestSupport.pattern(m.live.get(x), size());
        if (kind == 0) {
            ByteBuffer b = a.buffer(x);
            assertEquals(size(), b.capacity());
            byte[] got = new byte[size()];
            b.get(got);
            assertArrayEquals(expected, got, "through the buffer");
        } else if (kind == 1) {
            assertArrayEquals(expected, a.pointer(x).getByteArray(0, size()),
                    "through the pointer");
        } else if (size() < 8) {
            refused(IllegalArgumentException.class, Word.class.getName()
                    + " needs 8 bytes but a slot holds " + size(),
                    () -> a.structureAt(Word.class, x));
        } else if (m.layout.alignment() < 8) {
            refused(IllegalArgumentException.class, Word.class.getName()
                    + " needs an alignment of 8 bytes but slots are aligned to "
                    + m.layout.alignment(), () -> a.structureAt(Word.class, x));
        } else {
            assertEquals(ByteBuffer.wrap(expected, 0, 8).order(java.nio.ByteOrder.nativeOrder())
                    .getLong(), a.structureAt(Word.class, x).v, "through the structure");
        }
    }

    /** The statistics and every live slot's pattern against the model. */
    private void verify() {
        SlabStats s = a.stats();
        assertEquals(m.layout.size(), s.slotSize());
        assertEquals(m.layout.alignment(), s.alignment());
        assertEquals(m.stride, s.stride());
        assertEquals(m.capacity, s.slabCapacity());
        assertEquals(m.slabCount(), s.slabCount(), "slab count");
        assertEquals(m.reservedBytes(), s.reservedBytes(), "reserved bytes");
        assertEquals(m.live.size(), s.liveSlots(), "live slots");
        assertEquals(m.peak, s.peakLiveSlots(), "peak");
        assertTrue(s.magazineSlots() >= 0 && s.magazineSlots() <= magazine, s.toString());
        for (var e : m.live.entrySet()) {
            TestSupport.assertPattern(e.getKey(), e.getValue(), size());
        }
        if (debug && steps % LIVE_SLOTS_EVERY == 0) {
            List<LiveSlot> listed = a.debugLiveSlots();
            assertEquals(List.copyOf(m.live.keySet()),
                    listed.stream().map(LiveSlot::address).toList(), "debugLiveSlots()");
            for (int i = 1; i < listed.size(); i++) {
                assertTrue(listed.get(i - 1).serial() < listed.get(i).serial(), "serials grow");
            }
        }
        assertTrue(other.isAllocated(otherSlot), "the other allocator is untouched");
    }
}

package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import io.github.slabbin.SlotLayout;
import io.github.slabbin.peers.SystemAllocator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The replay contract as the Java driver sees it: the plan, slots per slab and pattern bytes all
 * come from the C definition ({@code native/replay/replay.h}); here they are checked against the
 * rules written out independently (and against {@link SizeClasses} and {@link SlotLayout}).
 */
class ReplayContractTest {
    private static final SizeClasses DEFAULTS = SizeClasses.defaults();

    private static ReplayPlan plan(Trace t, SizeClasses classes, boolean slabs) {
        long h = NativeReplay.prepare(t.ops(), t.ids(), t.oldIds(), t.sizes(), t.eventCount(),
                t.blockCount());
        assertNotEquals(0, h);
        try {
            return ReplayPlan.of(t, h, new ReplayPlan.ClassTables(classes), slabs);
        } finally {
            NativeReplay.release(h);
        }
    }

    @Test
    void planOfTheHandmadeTraceFollowsTheReallocRule() throws IOException {
        Trace t = TraceReplayerTest.handmade();
        ReplayPlan slabs = plan(t, DEFAULTS, true);
        // e0 16 B, e1 24 B, e2 8192 B, e3 free, e4 24 -> 28 B (class 32: kept),
        // e5 28 -> 100 B (class 32 -> 112: moved), e6 256 B
        assertArrayEquals(new byte[] {NativeReplay.STEP_ALLOC, NativeReplay.STEP_ALLOC,
            NativeReplay.STEP_ALLOC, NativeReplay.STEP_FREE, NativeReplay.STEP_KEEP,
            NativeReplay.STEP_MOVE, NativeReplay.STEP_ALLOC}, slabs.step);
        assertArrayEquals(new int[] {DEFAULTS.classOf(16), DEFAULTS.classOf(32),
            NativeReplay.SYSTEM, DEFAULTS.classOf(32), DEFAULTS.classOf(112),
            DEFAULTS.classOf(256)}, slabs.blockClass);
        ReplayPlan system = plan(t, DEFAULTS, false);
        assertEquals(NativeReplay.STEP_RESIZE, system.step[4]);
        assertEquals(NativeReplay.STEP_RESIZE, system.step[5]);
        for (int c : system.blockClass) {
            assertEquals(NativeReplay.SYSTEM, c);
        }
    }

    @Test
    void routingAgreesWithSizeClassesForEverySize() throws IOException {
        for (SizeClasses classes : new SizeClasses[] {DEFAULTS, SizeClasses.of(16, 48, 64)}) {
            int top = classes.limit() + 64;
            StringBuilder text = new StringBuilder();
            for (int size = 0; size <= top; size++) {
                text.append(String.format("@ [0x1] + 0x%x 0x%x%n", 0x10000L + 16L * size, size));
            }
            Trace t = MtraceParser.parse(new ByteArrayInputStream(
                    text.toString().getBytes(StandardCharsets.US_ASCII)), "sizes");
            ReplayPlan p = plan(t, classes, true);
            for (int size = 0; size <= top; size++) {
                assertEquals(classes.classOf(size), p.blockClass[size], "size " + size);
            }
        }
    }

    @Test
    void slotsPerSlabComeFromTheLayoutsStride() {
        for (int size : DEFAULTS.classSizes()) {
            long stride = SlotLayout.of(size, SizeClasses.ALIGNMENT).stride();
            assertEquals(Math.max(1, 65536 / stride), NativeReplay.slabCapacity(size), "" + size);
        }
        assertEquals(1, NativeReplay.slabCapacity(1 << 20));
        assertEquals(0, NativeReplay.slabCapacity(0));
    }

    /** The documented pattern: word i of a full block is p + i; ends are p and ~p. */
    private static byte[] expected(long size, long event, boolean full) {
        long x = (event + 1) * 0x9E3779B97F4A7C15L;
        long pat = x ^ (x >>> 31);
        byte[] b = new byte[(int) size];
        Consumer<long[]> word = at -> {
            for (int k = 0; k < 8; k++) {
                b[(int) at[0] + k] = (byte) (at[1] >>> (8 * k));
            }
        };
        if (full) {
            int i = 0;
            for (; i + 8 <= size; i += 8) {
                word.accept(new long[] {i, pat + i});
            }
            for (; i < size; i++) {
                b[i] = (byte) (pat >>> (8 * (i & 7)));
            }
        } else if (size >= 8) {
            word.accept(new long[] {0, pat});
            word.accept(new long[] {size - 8, ~pat});
        } else {
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (pat >>> (8 * i));
            }
        }
        return b;
    }

    @Test
    void patternBytesAreTheDocumentedOnesAndEveryCoveredByteIsChecked() {
        long block = SystemAllocator.malloc(64);
        Pointer p = new Pointer(block);
        try {
            for (int size = 0; size <= 40; size++) {
                for (boolean full : new boolean[] {false, true}) {
                    p.setMemory(0, 64, (byte) 0);
                    NativeReplay.putPattern(block, size, 1234, full);
                    byte[] want = expected(size, 1234, full);
                    assertArrayEquals(want, p.getByteArray(0, size), "size " + size);
                    assertEquals(0, p.getByte(size), "nothing written past the block");
                    assertTrue(NativeReplay.checkPattern(block, size, 1234, full));
                    if (size > 0) {
                        assertFalse(NativeReplay.checkPattern(block, size, 1235, full));
                    }
                    for (int i = 0; i < size; i++) {
                        byte b = p.getByte(i);
                        p.setByte(i, (byte) ~b);
                        boolean covered = full || size < 8 || (size >= 16 && i < 8)
                                || i >= size - 8;
                        assertEquals(!covered, NativeReplay.checkPattern(block, size, 1234, full),
                                "size " + size + ", byte " + i + " flipped");
                        p.setByte(i, b);
                    }
                }
            }
        } finally {
            SystemAllocator.free(block);
        }
    }

    @Test
    void copyMovesTheBytes() {
        long from = SystemAllocator.malloc(32);
        long to = SystemAllocator.malloc(32);
        try {
            NativeReplay.putPattern(from, 32, 7, true);
            new Pointer(to).setMemory(0, 32, (byte) 0);
            NativeReplay.copy(to, from, 20);
            assertArrayEquals(new Pointer(from).getByteArray(0, 20),
                    new Pointer(to).getByteArray(0, 20));
            assertEquals(0, new Pointer(to).getByte(20), "only 20 bytes copied");
        } finally {
            SystemAllocator.free(from);
            SystemAllocator.free(to);
        }
    }
}

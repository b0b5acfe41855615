package io.github.slabbin;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Run in a child JVM by {@link DroppedAllocatorTest}: calls every public method of allocators
 * that the caller no longer references, while another thread calls {@code System.gc()} in a loop,
 * so that the Cleaner may run in the middle of any call. Slots are 32 MiB, one per slab, so a
 * slab the Cleaner releases is unmapped and any later touch of it faults. Views (buffer, pointer,
 * structure) are used after the allocator that made them is dropped: they must keep its memory.
 * The magazine scenarios also run in debug mode. A warm-up on small slots of one allocator per
 * mode first gets every method compiled, since compiled code is where the last use of
 * {@code this} can come before the end of a call.
 *
 * <p>Arguments: seconds to run after the warm-up, then optionally the scenarios to run (those
 * whose name starts with one of them; default all). Prints one line per scenario with its call
 * count, then {@code ok}; a crash kills the JVM with a fatal signal instead.
 */
public final class DroppedAllocatorMain {
    static final long SLOT = 32L << 20;
    static final SlotLayout BIG = SlotLayout.of(SLOT, 8);
    /** Calls of each method in the warm-up: enough for the optimizing compiler. */
    static final int WARM_UP_CALLS = 20_000;
    /** Debug mode captures a stack per call: fewer calls, most of the code is shared. */
    static final int WARM_UP_CALLS_DEBUG = 500;
    /**
     * Whether a scenario also runs in debug mode: the magazine ones, where debug mode adds native
     * calls of its own (poisoning and verifying the cached slots); without a magazine it only
     * records call sites around the same native calls.
     */
    static boolean isDebugScenario(String name) {
        return name.endsWith(", magazine");
    }

    /** Rounds of scenarios per debug round (debug mode poisons every 32 MiB slot it frees). */
    static final int ROUNDS_PER_DEBUG_ROUND = 4;

    /** Held strongly: java.util.logging keeps loggers only weakly. */
    static final Logger QUIET = Logger.getLogger("io.github.slabbin");

    /** Keeps results observable so that no call is optimized away. */
    static volatile long sink;

    private DroppedAllocatorMain() {}

    /** Debug mode for the allocators {@link #big} builds now. */
    static boolean debug;

    static SlabAllocator big(int magazine) {
        return SlabAllocator.builder(BIG).slabCapacity(1).magazine(magazine).debug(debug).build();
    }

    /** Writes and reads one byte per MiB of a view of a slot. */
    static long touch(ByteBuffer b) {
        long sum = 0;
        for (int off = 0; off < b.capacity(); off += 1 << 20) {
            b.put(off, (byte) off);
            sum += b.get(off);
        }
        return sum;
    }

    static long touch(Pointer p, long size) {
        long sum = 0;
        for (long off = 0; off < size; off += 1 << 20) {
            p.setByte(off, (byte) off);
            sum += p.getByte(off);
        }
        return sum;
    }

    static ByteBuffer droppedBuffer(int magazine) {
        SlabAllocator a = big(magazine);
        return a.buffer(a.allocate());
    }

    static Pointer droppedPointer(int magazine) {
        SlabAllocator a = big(magazine);
        return a.pointer(a.allocate());
    }

    static SlabAllocatorApiTest.Node droppedStructure(int magazine) {
        SlabAllocator a = big(magazine);
        return a.structureAt(SlabAllocatorApiTest.Node.class, a.allocate());
    }

    /** Every public method that touches native memory or the native handle, as a call. */
    static Map<String, LongSupplier> scenarios() {
        Map<String, LongSupplier> m = new LinkedHashMap<>();
        for (int mag : new int[] {0, 8}) {
            String w = mag == 0 ? "" : ", magazine";
            m.put("allocateZeroed" + w, () -> big(mag).allocateZeroed());
            m.put("allocate" + w, () -> big(mag).allocate());
            m.put("deallocate" + w, () -> {
                SlabAllocator a = big(mag);
                long x = a.allocate();
                long y = a.allocate();
                a.deallocate(x);
                a.deallocate(y);
                return x;
            });
            m.put("batch allocate" + w, () -> {
                long[] xs = new long[3];
                return big(mag).allocate(xs, 0, 3);
            });
            m.put("batch deallocate" + w, () -> {
                SlabAllocator a = big(mag);
                long[] xs = new long[3];
                a.allocate(xs, 0, 3);
                a.deallocate(xs, 0, 3);
                return xs[0];
            });
            m.put("trim" + w, () -> {
                SlabAllocator a = big(mag);
                a.deallocate(a.allocate());
                return a.trim();
            });
            m.put("reset" + w, () -> {
                SlabAllocator a = big(mag);
                long x = a.allocate();
                a.reset();
                return x;
            });
            m.put("stats" + w, () -> {
                SlabAllocator a = big(mag);
                a.allocate();
                return a.stats().reservedBytes();
            });
            m.put("isAllocated" + w, () -> {
                SlabAllocator a = big(mag);
                return a.isAllocated(a.allocate()) ? 1 : 0;
            });
            m.put("close" + w, () -> {
                SlabAllocator a = big(mag);
                long x = a.allocate();
                a.close();
                return x;
            });
            m.put("buffer" + w, () -> touch(droppedBuffer(mag)));
            m.put("pointer" + w, () -> touch(droppedPointer(mag), SLOT));
            m.put("structureAt" + w, () -> {
                SlabAllocatorApiTest.Node n = droppedStructure(mag);
                n.value = 7;
                n.write();
                n.read();
                return n.value;
            });
        }
        return m;
    }

    /** Calls every public method {@link #WARM_UP_CALLS} times on small slots, in every mode. */
    static void warmUp() {
        for (int mode = 0; mode < 4; mode++) {
            try (SlabAllocator a = SlabAllocator.builder(SlotLayout.of(64, 8)).slabCapacity(4)
                    .magazine(mode % 2 * 8).debug(mode >= 2).build()) {
                long[] xs = new long[3];
                for (int i = 0; i < (mode >= 2 ? WARM_UP_CALLS_DEBUG : WARM_UP_CALLS); i++) {
                    a.deallocate(a.allocateZeroed());
                    long x = a.allocate();
                    sink += a.isAllocated(x) ? 1 : 0;
                    sink += touch(a.buffer(x)) + touch(a.pointer(x), 64)
                            + a.structureAt(SlabAllocatorApiTest.Node.class, x).value;
                    a.allocate(xs, 0, 3);
                    a.deallocate(xs, 0, 3);
                    a.deallocate(x);
                    sink += a.stats().liveSlots() + a.trim();
                    if (i % 64 == 0) {
                        a.allocate();
                        a.reset();
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        long seconds = Long.parseLong(args[0]);
        // Every allocator here is dropped on purpose: no warning per allocator.
        QUIET.setLevel(Level.OFF);
        long start = System.nanoTime();
        warmUp();
        System.out.println("warm-up: " + (System.nanoTime() - start) / 1_000_000 + " ms");
        Map<String, LongSupplier> scenarios = scenarios();
        if (args.length > 1) {
            List<String> only = List.of(args).subList(1, args.length);
            scenarios.keySet().removeIf(k -> only.stream().noneMatch(k::startsWith));
        }
        Thread gc = new Thread(() -> {
            try {
                while (true) {
                    System.gc();
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gc-loop");
        gc.setDaemon(true);
        gc.start();
        Map<String, Long> calls = new LinkedHashMap<>();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        for (long round = 0; System.nanoTime() < deadline || round < ROUNDS_PER_DEBUG_ROUND;
                round++) {
            debug = round % ROUNDS_PER_DEBUG_ROUND == ROUNDS_PER_DEBUG_ROUND - 1;
            for (Map.Entry<String, LongSupplier> s : scenarios.entrySet()) {
                if (!debug || isDebugScenario(s.getKey())) {
                    sink += s.getValue().getAsLong();
                    calls.merge(s.getKey() + (debug ? ", debug" : ""), 1L, Long::sum);
                }
            }
        }
        gc.interrupt();
        calls.forEach((k, v) -> System.out.println(k + ": " + v + " calls"));
        System.out.println("ok");
    }
}

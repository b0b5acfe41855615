package io.github.slabbin.tools;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlabStats;
import io.github.slabbin.SlotLayout;
import java.io.PrintStream;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A doubly linked list whose nodes are slots, linked and unlinked by the C library's own
 * {@code insque(3)} and {@code remque(3)} (called through JNA) and walked from Java. Each node is
 * laid out as C's {@code struct qelem}: {@code {next, prev, value}}, 8 bytes each. The list is
 * circular with a sentinel node. Proves that slot addresses are real C memory that C code links
 * and Java reads.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a doubly linked list of slots with libc insque/remque, walk it from"
                + " Java, remove half the nodes in random order, refill, and report.")
public final class LinkedListDemo implements Callable<Integer> {
    static final long NEXT = 0;
    static final long PREV = 8;
    static final long VALUE = 16;
    static final SlotLayout NODE = SlotLayout.of(24, 8);

    @Option(names = "--nodes", description = "Nodes in the list (default: ${DEFAULT-VALUE}).")
    int nodes = 1_000_000;

    @Option(names = "--seed", description = "Seed of the removal order (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--pairs", description = "allocate/free pairs timed at the end"
            + " (default: ${DEFAULT-VALUE}).")
    int pairs = 10_000_000;

    /** libc through JNA direct mapping; pointers pass as 64-bit longs. */
    static final class LibC {
        static {
            Native.register("c");
        }

        private LibC() {}

        static void bind() {}

        static native void insque(long element, long previous);

        static native void remque(long element);
    }

    @Override
    public Integer call() {
        if (nodes < 2) {
            throw new IllegalArgumentException("--nodes must be at least 2");
        }
        return run(System.out) ? 0 : 1;
    }

    boolean run(PrintStream out) {
        boolean ok = true;
        try (SlabAllocator slab = SlabAllocator.create(NODE, 4096)) {
            long[] node = new long[nodes];
            LibC.bind(); // outside the timed loops
            long head = slab.allocateZeroed();
            put(head, NEXT, head);
            put(head, PREV, head);

            long t0 = System.nanoTime();
            for (int i = 0; i < nodes; i++) {
                long n = slab.allocate();
                put(n, VALUE, i + 1L);
                LibC.insque(n, get(head, PREV)); // append after the tail
                node[i] = n;
            }
            long built = System.nanoTime() - t0;
            long expected = (long) nodes * (nodes + 1) / 2;
            ok &= report(out, "built with insque", walk(head), nodes, expected, built);

            // Remove half the nodes in random order, unlinking with remque and freeing the slot.
            int[] order = shuffled(nodes, new Random(seed));
            int removed = nodes / 2;
            long[] freed = new long[removed];
            t0 = System.nanoTime();
            for (int k = 0; k < removed; k++) {
                long n = node[order[k]];
                expected -= get(n, VALUE);
                LibC.remque(n);
                slab.deallocate(n);
                freed[k] = n;
            }
            long unlinked = System.nanoTime() - t0;
            ok &= report(out, "half removed with remque", walk(head), nodes - removed, expected,
                    unlinked);

            // Refill: the freed slots come back (LIFO), new values go in at the front.
            int reused = 0;
            t0 = System.nanoTime();
            for (int k = 0; k < removed; k++) {
                long n = slab.allocate();
                reused += n == freed[removed - 1 - k] ? 1 : 0; // LIFO: last freed comes first
                long v = 2L * nodes + k;
                put(n, VALUE, v);
                expected += v;
                LibC.insque(n, head);
            }
            long refilled = System.nanoTime() - t0;
            ok &= report(out, "refilled with insque", walk(head), nodes, expected, refilled);
            out.printf("  slots reused in LIFO order: %,d of %,d%n", reused, removed);

            SlabStats s = slab.stats();
            out.printf("stats: %,d slabs of %,d slots (stride %d B), %,d bytes reserved,"
                    + " %,d live slots, peak %,d%n", s.slabCount(), s.slabCapacity(), s.stride(),
                    s.reservedBytes(), s.liveSlots(), s.peakLiveSlots());

            timePairs(out, slab);
        }
        out.println(ok ? "OK: every walk matched the expected count and sum"
                : "FAILED: a walk did not match");
        return ok;
    }

    private static int[] shuffled(int n, Random random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private void timePairs(PrintStream out, SlabAllocator slab) {
        // Warm up, then time single pairs (allocate then free at once) and a bulk pattern.
        for (int i = 0; i < 2_000_000; i++) {
            slab.deallocate(slab.allocate());
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < pairs; i++) {
            slab.deallocate(slab.allocate());
        }
        double pairNs = (System.nanoTime() - t0) / (double) pairs;
        long[] bulk = new long[nodes];
        t0 = System.nanoTime();
        for (int i = 0; i < nodes; i++) {
            bulk[i] = slab.allocate();
        }
        for (int i = 0; i < nodes; i++) {
            slab.deallocate(bulk[i]);
        }
        double bulkNs = (System.nanoTime() - t0) / (double) nodes;
        out.printf("time per allocate/free pair: %.1f ns (%,d pairs back to back),"
                + " %.1f ns (%,d allocations, then %,d frees)%n", pairNs, pairs, bulkNs, nodes,
                nodes);
    }

    private static boolean report(PrintStream out, String step, long[] walked, long count,
                                  long sum, long nanos) {
        boolean ok = walked[0] == count && walked[1] == sum;
        out.printf("%-26s nodes %,d (expected %,d), sum %,d (expected %,d) %s  [%.1f ns/node]%n",
                step + ":", walked[0], count, walked[1], sum, ok ? "ok" : "MISMATCH",
                nanos / (double) Math.max(1, count));
        return ok;
    }

    /** Walks next links from the sentinel, checking each node's prev link: {count, sum}. */
    static long[] walk(long head) {
        long count = 0;
        long sum = 0;
        long prev = head;
        for (long n = get(head, NEXT); n != head; n = get(n, NEXT)) {
            if (get(n, PREV) != prev) {
                throw new IllegalStateException(String.format(
                        "broken list: node 0x%x has prev 0x%x, expected 0x%x", n, get(n, PREV),
                        prev));
            }
            count++;
            sum += get(n, VALUE);
            prev = n;
        }
        return new long[] {count, sum};
    }

    private static long get(long address, long offset) {
        return new Pointer(address).getLong(offset);
    }

    private static void put(long address, long offset, long value) {
        new Pointer(address).setLong(offset, value);
    }
}

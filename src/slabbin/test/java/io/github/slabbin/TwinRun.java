package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Drives one sequence of operations through two allocators of the same layout, one without and
 * one with a magazine, and checks after every operation that they agree: the same slots (by
 * first-seen identity: the n-th distinct address one hands out matches the n-th of the other, and
 * every reuse of it), the same slab count, reserved bytes, live slots, peak, and the same bytes
 * released by trim. Every live slot holds a pattern, checked before it is freed.
 */
final class TwinRun {
    enum Kind { ALLOCATE, ALLOCATE_ZEROED, DEALLOCATE, BATCH_ALLOCATE, BATCH_DEALLOCATE, RESET, TRIM }

    /**
     * One operation: {@code n} is the count of a batch, {@code pick} chooses the live slots freed.
     */
    record Op(Kind kind, int n, int pick) {
        @Override
        public String toString() {
            return switch (kind) {
                case DEALLOCATE -> "DEALLOCATE#" + pick;
                case BATCH_ALLOCATE -> "BATCH_ALLOCATE(" + n + ")";
                case BATCH_DEALLOCATE -> "BATCH_DEALLOCATE(" + n + ")#" + pick;
                default -> kind.name();
            };
        }
    }

    /** A slot live in both allocators: its address in each, and its pattern seed. */
    private record Pair(long plain, long mag, long seed) {}

    private final SlabAllocator plain;
    private final SlabAllocator mag;
    private final int size;
    private final Map<Long, Integer> idPlain = new HashMap<>();
    private final Map<Long, Integer> idMag = new HashMap<>();
    private final List<Pair> live = new ArrayList<>();
    private long seed;

    private TwinRun(SlabAllocator plain, SlabAllocator mag) {
        this.plain = plain;
        this.mag = mag;
        this.size = (int) Math.min(plain.layout().size(), 64);
    }

    /**
     * Runs {@code ops} through a plain allocator and one with a magazine of {@code slots}.
     *
     * @param describe prefixed to every assertion message (the seed or the inputs)
     */
    static void run(SlotLayout layout, int capacity, boolean checked, int slots, List<Op> ops,
                    String describe) {
        run(layout, capacity, checked, slots, ops, describe, false);
    }

    /** As above, both allocators in debug mode if {@code debug}. */
    static void run(SlotLayout layout, int capacity, boolean checked, int slots, List<Op> ops,
                    String describe, boolean debug) {
        run(layout, capacity, capacity, checked, slots, ops, describe, debug);
    }

    /** As above, both allocators with slab growth from {@code initialCapacity} slots. */
    static void run(SlotLayout layout, int capacity, int initialCapacity, boolean checked,
                    int slots, List<Op> ops, String describe, boolean debug) {
        try (SlabAllocator p = SlabAllocator.builder(layout).slabCapacity(capacity)
                .initialSlabCapacity(initialCapacity).checked(checked).debug(debug).build();
             SlabAllocator m = SlabAllocator.builder(layout).slabCapacity(capacity)
                     .initialSlabCapacity(initialCapacity).checked(checked).debug(debug)
                     .magazine(slots).build()) {
            TwinRun t = new TwinRun(p, m);
            int i = 0;
            for (Op op : ops) {
                String where = describe + ", op " + i++ + " " + op;
                t.apply(op, where);
                t.compare(where);
            }
            for (Pair x : t.live) {
                TestSupport.assertPattern(x.plain(), x.seed(), t.size);
                TestSupport.assertPattern(x.mag(), x.seed(), t.size);
            }
        }
    }

    /** {@code count} random operations from a seeded generator. */
    static List<Op> randomOps(Random rnd, int count) {
        List<Op> ops = new ArrayList<>(count);
        Kind[] kinds = Kind.values();
        int[] weights = {30, 8, 30, 10, 10, 1, 3};
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        for (int i = 0; i < count; i++) {
            int r = rnd.nextInt(total);
            int k = 0;
            while (r >= weights[k]) {
                r -= weights[k++];
            }
            ops.add(new Op(kinds[k], rnd.nextInt(13), rnd.nextInt(1 << 20)));
        }
        return ops;
    }

    private void handedOut(long a, long b, String where) {
        int ia = idPlain.computeIfAbsent(a, k -> idPlain.size());
        int ib = idMag.computeIfAbsent(b, k -> idMag.size());
        assertEquals(ia, ib, where + ": plain handed out its slot #" + ia + " ("
                + TestSupport.hex(a) + "), the magazine its slot #" + ib);
        long s = ++seed;
        TestSupport.writePattern(a, s, size);
        TestSupport.writePattern(b, s, size);
        live.add(new Pair(a, b, s));
    }

    private Pair takeLive(int pick) {
        Pair x = live.get(pick % live.size());
        live.remove(x);
        TestSupport.assertPattern(x.plain(), x.seed(), size);
        TestSupport.assertPattern(x.mag(), x.seed(), size);
        return x;
    }

    private void apply(Op op, String where) {
        switch (op.kind()) {
            case ALLOCATE -> handedOut(plain.allocate(), mag.allocate(), where);
            case ALLOCATE_ZEROED -> handedOut(plain.allocateZeroed(), mag.allocateZeroed(), where);
            case DEALLOCATE -> {
                if (!live.isEmpty()) {
                    Pair x = takeLive(op.pick());
                    plain.deallocate(x.plain());
                    mag.deallocate(x.mag());
                }
            }
            case BATCH_ALLOCATE -> {
                long[] a = new long[op.n() + 2];
                long[] b = new long[op.n() + 2];
                assertEquals(op.n(), plain.allocate(a, 1, op.n()));
                assertEquals(op.n(), mag.allocate(b, 1, op.n()));
                for (int i = 1; i <= op.n(); i++) {
                    handedOut(a[i], b[i], where + " entry " + i);
                }
            }
            case BATCH_DEALLOCATE -> {
                int count = Math.min(op.n(), live.size());
                long[] a = new long[count + 1];
                long[] b = new long[count + 1];
                Random r = new Random(op.pick());
                for (int i = 0; i < count; i++) {
                    Pair x = takeLive(r.nextInt(live.size()));
                    a[i + 1] = x.plain();
                    b[i + 1] = x.mag();
                }
                plain.deallocate(a, 1, count);
                mag.deallocate(b, 1, count);
            }
            case RESET -> {
                plain.reset();
                mag.reset();
                live.clear();
            }
            case TRIM -> {
                assertEquals(plain.trim(), mag.trim(), where + ": bytes released by trim");
                forgetReleased(plain, idPlain);
                forgetReleased(mag, idMag);
            }
            default -> throw new AssertionError(op);
        }
    }

    /**
     * After a trim, a slab reserved later may lie where a released one was: the identities of
     * addresses no longer in any slab are forgotten (checked mode tells them by the refusal of a
     * free, which changes nothing; unchecked mode forgets every address not live).
     */
    private void forgetReleased(SlabAllocator a, Map<Long, Integer> ids) {
        java.util.Set<Long> liveHere = new java.util.HashSet<>();
        for (Pair x : live) {
            liveHere.add(a == plain ? x.plain() : x.mag());
        }
        ids.keySet().removeIf(addr -> !liveHere.contains(addr) && (!a.isChecked()
                || assertThrows(IllegalArgumentException.class, () -> a.deallocate(addr))
                        .getMessage().contains("foreign pointer")));
    }

    private void compare(String where) {
        SlabStats p = plain.stats();
        SlabStats m = mag.stats();
        assertEquals(p.slabCount(), m.slabCount(), where + ": slab count");
        assertEquals(p.reservedBytes(), m.reservedBytes(), where + ": reserved bytes");
        assertEquals(live.size(), p.liveSlots(), where + ": live slots (plain)");
        assertEquals(live.size(), m.liveSlots(), where + ": live slots (magazine)");
        assertEquals(p.peakLiveSlots(), m.peakLiveSlots(), where + ": peak");
        assertEquals(0, p.magazineSlots());
        assertTrue(m.magazineSlots() >= 0, where);
    }
}

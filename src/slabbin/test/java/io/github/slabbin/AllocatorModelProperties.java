package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random operation sequences against a model: the set of live slots, each filled with its own
 * byte pattern, so a slot handed out twice or overlapping another shows up as a damaged pattern.
 */
class AllocatorModelProperties {

    enum Kind { ALLOCATE, ALLOCATE_ZEROED, DEALLOCATE, RESET, TRIM }

    /** One operation; {@code pick} chooses the live slot a DEALLOCATE frees. */
    record Op(Kind kind, int pick) {
        @Override
        public String toString() {
            return kind == Kind.DEALLOCATE ? "DEALLOCATE#" + pick : kind.name();
        }
    }

    @Provide
    Arbitrary<SlotLayout> layouts() {
        Arbitrary<Long> sizes = Arbitraries.longs().between(1, 300)
                .edgeCases(c -> c.includeOnly(1L, 7L, 8L, 9L, 300L));
        Arbitrary<Long> alignments = Arbitraries.integers().between(0, 12).map(e -> 1L << e);
        return Combinators.combine(sizes, alignments).as(SlotLayout::of);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return ops(0);
    }

    @Provide
    Arbitrary<List<Op>> longOps() {
        return ops(50);
    }

    private static Arbitrary<List<Op>> ops(int minSize) {
        Arbitrary<Kind> kinds = Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.just(Kind.ALLOCATE)),
                Tuple.of(12, Arbitraries.just(Kind.ALLOCATE_ZEROED)),
                Tuple.of(40, Arbitraries.just(Kind.DEALLOCATE)),
                Tuple.of(2, Arbitraries.just(Kind.RESET)),
                Tuple.of(6, Arbitraries.just(Kind.TRIM)));
        Arbitrary<Op> op = Combinators.combine(kinds, Arbitraries.integers().between(0, 1 << 20))
                .as(Op::new);
        return op.list().ofMinSize(minSize).ofMaxSize(250);
    }

    @Property(tries = 250, shrinking = ShrinkingMode.BOUNDED)
    void allocatorAgreesWithTheModel(@ForAll("layouts") SlotLayout layout,
                                     @ForAll @IntRange(min = 1, max = 64) int capacity,
                                     @ForAll boolean checked,
                                     @ForAll("ops") List<Op> ops) {
        run(layout, capacity, checked, ops);
    }

    /** A focused variant: tiny slabs and LIFO-heavy traffic, where slab boundaries abound. */
    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void smallSlabsAgreeWithTheModel(@ForAll("layouts") SlotLayout layout,
                                     @ForAll @IntRange(min = 1, max = 3) int capacity,
                                     @ForAll boolean checked,
                                     @ForAll("longOps") List<Op> ops) {
        run(layout, capacity, checked, ops);
    }

    @Provide
    Arbitrary<List<TwinRun.Op>> twinOps() {
        Arbitrary<TwinRun.Kind> kinds = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.just(TwinRun.Kind.ALLOCATE)),
                Tuple.of(8, Arbitraries.just(TwinRun.Kind.ALLOCATE_ZEROED)),
                Tuple.of(30, Arbitraries.just(TwinRun.Kind.DEALLOCATE)),
                Tuple.of(10, Arbitraries.just(TwinRun.Kind.BATCH_ALLOCATE)),
                Tuple.of(10, Arbitraries.just(TwinRun.Kind.BATCH_DEALLOCATE)),
                Tuple.of(2, Arbitraries.just(TwinRun.Kind.RESET)),
                Tuple.of(5, Arbitraries.just(TwinRun.Kind.TRIM)));
        Arbitrary<TwinRun.Op> op = Combinators.combine(kinds, Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 1 << 20)).as(TwinRun.Op::new);
        return op.list().ofMaxSize(200);
    }

    /**
     * The magazine changes nothing observable: single and batch calls, resets and trims give the
     * same slots, slab counts, reserved bytes, live slots and peak with and without it.
     */
    @Property(tries = 200, shrinking = ShrinkingMode.BOUNDED)
    void magazineAgreesWithPlainCalls(@ForAll("layouts") SlotLayout layout,
                                      @ForAll @IntRange(min = 1, max = 9) int capacity,
                                      @ForAll boolean checked,
                                      @ForAll @IntRange(min = 2, max = 10) int magazine,
                                      @ForAll("twinOps") List<TwinRun.Op> ops) {
        TwinRun.run(layout, capacity, checked, magazine, ops, "property");
    }

    /**
     * With slab growth too: slabs of doubling capacity give the same slots, slab counts, reserved
     * bytes, live slots, peak and trim results with and without a magazine.
     */
    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void magazineAgreesWithPlainCallsUnderGrowth(@ForAll("layouts") SlotLayout layout,
                                                 @ForAll @IntRange(min = 1, max = 16) int capacity,
                                                 @ForAll @IntRange(min = 1, max = 16) int initial,
                                                 @ForAll boolean checked,
                                                 @ForAll @IntRange(min = 2, max = 10) int magazine,
                                                 @ForAll("twinOps") List<TwinRun.Op> ops) {
        int first = Math.min(initial, capacity);
        TwinRun.run(layout, capacity, first, checked, magazine, ops,
                "growth from " + first + " to " + capacity, false);
    }

    private static void run(SlotLayout layout, int capacity, boolean checked, List<Op> ops) {
        final int size = (int) layout.size();
        final long stride = layout.stride();
        try (SlabAllocator a = SlabAllocator.builder(layout).slabCapacity(capacity)
                .checked(checked).build()) {
            Map<Long, Long> live = new LinkedHashMap<>();   // address -> pattern seed
            List<Long> liveOrder = new ArrayList<>();
            Set<Long> dead = new HashSet<>();                // handed out before, not live now
            long peak = 0;
            long counter = 0;
            Long lastFreed = null;                            // LIFO: the next allocation
            for (Op op : ops) {
                counter++;
                switch (op.kind()) {
                    case ALLOCATE, ALLOCATE_ZEROED -> {
                        boolean zeroed = op.kind() == Kind.ALLOCATE_ZEROED;
                        long x = zeroed ? a.allocateZeroed() : a.allocate();
                        assertTrue(x != 0);
                        assertEquals(0, Long.remainderUnsigned(x, layout.alignment()),
                                String.format("0x%x misaligned for %s", x, layout));
                        assertFalse(live.containsKey(x),
                                String.format("0x%x handed out while live", x));
                        if (lastFreed != null) {
                            assertEquals(lastFreed.longValue(), x,
                                    "the most recently freed slot comes first");
                        }
                        if (zeroed) {
                            byte[] bytes = a.pointer(x).getByteArray(0, size);
                            for (int i = 0; i < size; i++) {
                                assertEquals(0, bytes[i], "zeroed slot byte " + i);
                            }
                        }
                        TestSupport.writePattern(x, counter, size);
                        live.put(x, counter);
                        liveOrder.add(x);
                        dead.remove(x);
                        peak = Math.max(peak, live.size());
                        lastFreed = null;
                    }
                    case DEALLOCATE -> {
                        if (liveOrder.isEmpty()) {
                            continue;
                        }
                        int i = op.pick() % liveOrder.size();
                        long x = liveOrder.get(i);
                        liveOrder.set(i, liveOrder.get(liveOrder.size() - 1));
                        liveOrder.remove(liveOrder.size() - 1);
                        TestSupport.assertPattern(x, live.remove(x), size);
                        a.deallocate(x);
                        dead.add(x);
                        if (checked) {
                            assertFalse(a.isAllocated(x), "just freed");
                        }
                        lastFreed = x;
                    }
                    case RESET -> {
                        a.reset();
                        dead.addAll(live.keySet());
                        live.clear();
                        liveOrder.clear();
                        lastFreed = null;
                    }
                    case TRIM -> {
                        SlabStats before = a.stats();
                        long released = a.trim();
                        SlabStats after = a.stats();
                        assertEquals(before.reservedBytes() - after.reservedBytes(), released);
                        assertEquals(0, released % (capacity * stride));
                        assertEquals((before.slabCount() - after.slabCount()) * capacity * stride,
                                released);
                        long minSlabs = (live.size() + capacity - 1) / capacity;
                        assertTrue(after.slabCount() >= minSlabs);
                        if (live.isEmpty()) {
                            assertEquals(0, after.slabCount(), "nothing live: every slab goes");
                        }
                        assertEquals(0, a.trim(), "a second trim finds nothing");
                        lastFreed = null;
                    }
                    default -> throw new AssertionError(op);
                }
                checkInvariants(a, layout, capacity, checked, live, dead, peak);
            }
            for (Map.Entry<Long, Long> e : live.entrySet()) {
                TestSupport.assertPattern(e.getKey(), e.getValue(), size);
            }
        }
    }

    private static void checkInvariants(SlabAllocator a, SlotLayout layout, int capacity,
                                        boolean checked, Map<Long, Long> live, Set<Long> dead,
                                        long peak) {
        SlabStats s = a.stats();
        assertEquals(layout.size(), s.slotSize());
        assertEquals(layout.alignment(), s.alignment());
        assertEquals(layout.stride(), s.stride());
        assertEquals(capacity, s.slabCapacity());
        assertEquals(live.size(), s.liveSlots());
        assertEquals(s.slabCount() * capacity * layout.stride(), s.reservedBytes());
        assertTrue(s.peakLiveSlots() >= s.liveSlots());
        assertEquals(peak, s.peakLiveSlots());
        assertTrue(s.slabCount() * capacity >= s.liveSlots());
        for (long x : live.keySet()) {
            assertTrue(a.isAllocated(x), String.format("live 0x%x", x));
        }
        if (checked) {
            for (long x : dead) {
                assertFalse(a.isAllocated(x), String.format("dead 0x%x", x));
            }
        }
    }
}

package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link AddressMap} behaves like a {@link HashMap} under any mix of puts, removes and gets. */
class AddressMapProperties {

    /** {kind 0..2, key, value}. */
    @Provide
    Arbitrary<List<long[]>> actions() {
        // Few distinct keys, some of them sharing low bits, so that probe runs collide, wrap
        // around the table end and get repaired by deletions; large keys too.
        Arbitrary<Long> keys = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 40).map(k -> k * 16),
                Arbitraries.longs().between(1, 8).map(k -> k << 40),
                Arbitraries.of(-16L, Long.MIN_VALUE, Long.MAX_VALUE, 1L));
        Arbitrary<long[]> action = Combinators.combine(
                Arbitraries.integers().between(0, 2), keys, Arbitraries.integers().between(0, 1000))
                .as((kind, key, value) -> new long[] {kind, key, value});
        return action.list().ofMaxSize(400);
    }

    @Property
    void behavesLikeHashMap(@ForAll("actions") List<long[]> actions) {
        AddressMap map = new AddressMap(2);
        Map<Long, Integer> reference = new HashMap<>();
        for (long[] a : actions) {
            long key = a[1];
            int value = (int) a[2];
            switch ((int) a[0]) {
                case 0:
                    assertEquals(reference.getOrDefault(key, -1), map.put(key, value), "put");
                    reference.put(key, value);
                    break;
                case 1:
                    Integer removed = reference.remove(key);
                    assertEquals(removed == null ? -1 : removed, map.remove(key), "remove");
                    break;
                default:
                    assertEquals(reference.getOrDefault(key, -1), map.get(key), "get");
                    break;
            }
            assertEquals(reference.size(), map.size(), "size");
        }
        for (Map.Entry<Long, Integer> e : reference.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()), "final get");
        }
        assertEquals(-1, map.get(0));
        assertEquals(-1, map.remove(0));
    }
}

package io.github.slabbin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link LongHashTable} against {@link HashSet} (keys only: the magazine's live set) and
 * {@link HashMap} (with values: the replay's address map), under any mix of operations on keys
 * crowded into few probe runs, so that runs collide, wrap around the table's end, grow and get
 * repaired by deletions.
 */
class LongHashTableProperties {

    /** Few distinct keys, some sharing low bits, some large or negative; 0 among them. */
    private static Arbitrary<Long> keys() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 60).map(k -> k * 16),
                Arbitraries.longs().between(1, 8).map(k -> k << 40),
                Arbitraries.of(-16L, Long.MIN_VALUE, Long.MAX_VALUE, 1L));
    }

    /** {kind 0..3, key, value}. */
    @Provide
    Arbitrary<List<long[]>> actions() {
        Arbitrary<long[]> action = Combinators.combine(Arbitraries.integers().between(0, 3),
                keys(), Arbitraries.integers().between(0, 1000))
                .as((kind, key, value) -> new long[] {kind, key, value});
        return action.list().ofMaxSize(600);
    }

    @Property(tries = 300)
    void keysOnlyBehaveLikeAHashSet(@ForAll("actions") List<long[]> actions) {
        LongHashTable table = new LongHashTable(2);
        Set<Long> model = new HashSet<>();
        for (long[] a : actions) {
            long key = a[1];
            switch ((int) a[0]) {
                case 0, 1 -> assertEquals(key != 0 && model.add(key), table.add(key), "add");
                case 2 -> assertEquals(model.remove(key), table.remove(key), "remove");
                default -> assertEquals(model.contains(key), table.contains(key), "contains");
            }
            assertEquals(model.size(), table.size(), "size");
        }
        for (long k = -16; k <= 61 * 16; k += 16) {
            assertEquals(model.contains(k), table.contains(k), "contains " + k);
        }
        table.clear();
        assertEquals(0, table.size());
        for (long k : model) {
            assertFalse(table.contains(k), "after clear: " + k);
        }
    }

    @Property(tries = 300)
    void withValuesBehavesLikeAHashMap(@ForAll("actions") List<long[]> actions) {
        LongHashTable table = LongHashTable.withValues(2);
        Map<Long, Integer> model = new HashMap<>();
        for (long[] a : actions) {
            long key = a[1];
            int value = (int) a[2];
            switch ((int) a[0]) {
                case 0 -> {
                    if (key == 0) {
                        assertThrows(IllegalArgumentException.class, () -> table.put(key, value));
                    } else {
                        assertEquals(model.getOrDefault(key, -1), table.put(key, value), "put");
                        model.put(key, value);
                    }
                }
                case 1 -> {
                    Integer removed = model.remove(key);
                    assertEquals(removed == null ? -1 : removed, table.take(key), "take");
                }
                case 2 -> {
                    boolean added = key != 0 && !model.containsKey(key);
                    assertEquals(added, table.add(key), "add");
                    if (added) {
                        model.put(key, 0);                 // add gives value 0
                    }
                }
                default -> assertEquals(model.getOrDefault(key, -1), table.get(key), "get");
            }
            assertEquals(model.size(), table.size(), "size");
        }
        for (Map.Entry<Long, Integer> e : model.entrySet()) {
            assertEquals(e.getValue(), table.get(e.getKey()), "final get " + e.getKey());
            assertTrue(table.contains(e.getKey()));
        }
    }

    @Test
    void keysOnlyTableHasNoValues() {
        LongHashTable set = new LongHashTable();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> set.put(16, 1));
        assertEquals("a table of keys only has no values", e.getMessage());
        assertThrows(IllegalStateException.class, () -> set.get(16));
        assertThrows(IllegalStateException.class, () -> set.take(16));
    }

    @Test
    void badArgumentsAreRefused() {
        assertEquals("capacity must be a power of two in [2, 2^30]: 3",
                assertThrows(IllegalArgumentException.class, () -> new LongHashTable(3))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> LongHashTable.withValues(1));
        LongHashTable map = LongHashTable.withValues(2);
        assertEquals("key must be nonzero and value >= 0: key 16, value -1",
                assertThrows(IllegalArgumentException.class, () -> map.put(16, -1))
                        .getMessage());
        assertEquals(0, map.size(), "nothing added");
        assertEquals(LongHashTable.ABSENT, map.get(0));
        assertEquals(LongHashTable.ABSENT, map.take(0));
    }

    @Test
    void growsPastManyKeysAndKeepsThemAll() {
        LongHashTable map = LongHashTable.withValues(2);
        for (int i = 1; i <= 100_000; i++) {
            map.put(i * 64L, i);
        }
        assertEquals(100_000, map.size());
        for (int i = 1; i <= 100_000; i += 7) {
            assertEquals(i, map.get(i * 64L));
        }
        for (int i = 1; i <= 100_000; i += 2) {
            assertEquals(i, map.take(i * 64L));
        }
        assertEquals(50_000, map.size());
        for (int i = 2; i <= 100_000; i += 2) {
            assertEquals(i, map.get(i * 64L));
        }
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveSet} against {@link HashSet} under any mix of adds (of absent slots, its contract),
 * removes, lookups and clears, so that the newest slot is freed first, freed late, freed twice,
 * and pushed into the table by later adds.
 */
class LiveSetProperties {

    /** {kind 0..3, slot}: few slots, so that they repeat; 0 (never a slot) among the lookups. */
    @Provide
    Arbitrary<List<long[]>> actions() {
        Arbitrary<long[]> action = Combinators.combine(Arbitraries.integers().between(0, 9),
                Arbitraries.longs().between(0, 40).map(k -> k * 32))
                .as((kind, slot) -> new long[] {kind, slot});
        return action.list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void behavesLikeAHashSet(@ForAll("actions") List<long[]> actions) {
        LiveSet set = new LiveSet();
        Set<Long> model = new HashSet<>();
        for (long[] a : actions) {
            long slot = a[1];
            int kind = (int) a[0];
            if (kind <= 3) {
                if (slot != 0 && !model.contains(slot)) {
                    set.add(slot);
                    model.add(slot);
                }
            } else if (kind <= 6) {
                assertEquals(model.remove(slot), set.remove(slot), "remove " + slot);
            } else if (kind <= 8) {
                assertEquals(model.contains(slot), set.contains(slot), "contains " + slot);
            } else {
                set.clear();
                model.clear();
            }
        }
        for (long k = 0; k <= 40 * 32; k += 32) {
            assertEquals(model.contains(k), set.contains(k), "contains " + k);
        }
    }

    @Test
    void theNewestSlotAndTheOlderOnesAreBothFound() {
        LiveSet set = new LiveSet();
        set.add(64);
        set.add(96);
        assertTrue(set.contains(64));
        assertTrue(set.contains(96));
        assertFalse(set.contains(0));
        assertTrue(set.remove(64));
        assertFalse(set.remove(64));
        assertTrue(set.remove(96));
        assertFalse(set.remove(96));
        assertFalse(set.contains(96));
        assertFalse(set.remove(0));
    }
}

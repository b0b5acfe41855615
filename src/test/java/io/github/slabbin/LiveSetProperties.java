package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The magazine's live set against java.util.HashSet, with keys crowded into few buckets. */
class LiveSetProperties {

    @Property(tries = 200)
    void behavesLikeAHashSet(@ForAll @Size(max = 3000) List<@LongRange(min = 0, max = 400) Long> ops) {
        LiveSet set = new LiveSet();
        Set<Long> model = new HashSet<>();
        for (long op : ops) {
            long key = (op >>> 1) * 16;                 // slot-like keys; 0 is never a member
            if ((op & 1) == 0) {
                assertEquals(key != 0 && model.add(key), set.add(key), "add " + key);
            } else {
                assertEquals(model.remove(key), set.remove(key), "remove " + key);
            }
            assertEquals(model.size(), set.size());
        }
        for (long k = 0; k <= 200 * 16; k += 16) {
            assertEquals(model.contains(k), set.contains(k), "contains " + k);
        }
        set.clear();
        assertEquals(0, set.size());
    }
}

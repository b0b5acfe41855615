package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class SizeClassesProperties {

    /** The chosen class fits the request, and the class below it would not. */
    private static void assertTightFit(SizeClasses classes, long size) {
        int c = classes.classOf(size);
        assertTrue(c >= 0 && c < classes.classCount(), "class of " + size + ": " + c);
        assertTrue(classes.classSize(c) >= size, "class " + c + " too small for " + size);
        if (c > 0) {
            assertTrue(classes.classSize(c - 1) < size,
                    "class " + (c - 1) + " would fit " + size);
        }
    }

    @Property
    void defaultClassIsSmallestThatFits(@ForAll @LongRange(min = 0, max = 4096) long size) {
        assertTightFit(SizeClasses.defaults(), size);
    }

    @Property
    void aboveLimitHasNoClass(@ForAll @LongRange(min = 4097, max = Long.MAX_VALUE) long size) {
        assertEquals(-1, SizeClasses.defaults().classOf(size));
    }

    @Provide
    Arbitrary<int[]> classLists() {
        return Arbitraries.integers().between(1, 4096).set().ofMinSize(1).ofMaxSize(40)
                .map(granules -> new TreeSet<>(granules).stream()
                        .mapToInt(g -> g * SizeClasses.ALIGNMENT).toArray());
    }

    @Property
    void customClassIsSmallestThatFits(@ForAll("classLists") int[] sizes,
            @ForAll @LongRange(min = 0, max = 70_000) long size) {
        SizeClasses classes = SizeClasses.of(sizes);
        assertTightFit(classes, size % (classes.limit() + 1L));
        if (size > classes.limit()) {
            assertEquals(-1, classes.classOf(size));
        } else {
            assertTightFit(classes, size);
        }
    }
}

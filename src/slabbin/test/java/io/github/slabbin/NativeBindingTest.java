package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The binding choice ({@link SlabAllocator#nativeBinding()}, {@code slabbin.binding}): the JDK's
 * default where the property is unset, the forced one where it is set, and a clear refusal of a
 * value that cannot be honoured. The whole suite runs with either binding (README, "Tests").
 */
class NativeBindingTest {
    private static final int FFM_FEATURE = 22;

    @Test
    void theBindingIsTheJdksDefaultOrTheForcedOne() {
        String forced = System.getProperty(NativeBinding.PROPERTY, "");
        String expected = !forced.isEmpty() ? forced
                : Runtime.version().feature() >= FFM_FEATURE ? "ffm" : "jni";
        assertEquals(expected, SlabAllocator.nativeBinding(), "JDK "
                + Runtime.version().feature() + ", " + NativeBinding.PROPERTY + "=" + forced
                + " (on JDK 22+ the tests need the JDK 22 classes first on the class path:"
                + " -Dslabbin.test.classes=<target>/classes-jdk22, README \"Tests\")");
    }

    @Test
    void anUnknownBindingIsRefusedWithItsName() throws Exception {
        ChildJvm.Result r = withBinding("panama");
        assertEquals(1, r.exit(), r.describe());
        assertEquals("IllegalStateException: slabbin.binding must be jni or ffm, got \"panama\"\n",
                r.out());
    }

    @Test
    void eachBindingCanBeForcedWhereItExists() throws Exception {
        ChildJvm.Result jni = withBinding("jni");
        assertEquals("jni\nallocate, free: OK; double free refused\n", jni.out(), jni.describe());
        ChildJvm.Result ffm = withBinding("FFM");
        if (Runtime.version().feature() >= FFM_FEATURE) {
            assertEquals("ffm\nallocate, free: OK; double free refused\n", ffm.out(),
                    ffm.describe());
        } else {
            assertEquals(1, ffm.exit(), ffm.describe());
            assertEquals("IllegalStateException: slabbin.binding=ffm needs JDK 22 or later and a JAR"
                    + " with the FFM binding (this is"
                    + " JDK " + Runtime.version().feature() + "); use jni or leave it unset\n",
                    ffm.out());
        }
    }

    private static ChildJvm.Result withBinding(String binding) throws Exception {
        return new ChildJvm(NativeBindingMain.class).jvmArgs("-Dslabbin.binding=" + binding)
                .timeout(60).run();
    }
}

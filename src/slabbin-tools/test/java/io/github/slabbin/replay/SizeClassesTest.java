package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizeClassesTest {
    private final SizeClasses classes = SizeClasses.defaults();

    @ParameterizedTest(name = "size {0} -> class {1} ({2} bytes)")
    @CsvSource({
        "0, 0, 16",
        "1, 0, 16",
        "15, 0, 16",
        "16, 0, 16",
        "17, 1, 32",
        "32, 1, 32",
        "33, 2, 48",
        "255, 15, 256",
        "256, 15, 256",
        "257, 16, 272",
        "320, 19, 320",
        "321, 20, 336",
        "512, 31, 512",
        "513, 32, 544",
        "1024, 47, 1024",
        "1025, 48, 1088",
        "2048, 63, 2048",
        "2049, 64, 2176",
        "4095, 79, 4096",
        "4096, 79, 4096",
    })
    void boundaries(long size, int expectedClass, int expectedSize) {
        assertEquals(expectedClass, classes.classOf(size));
        assertEquals(expectedSize, classes.classSize(expectedClass));
    }

    @Test
    void largerThanLimitHasNoClass() {
        assertEquals(-1, classes.classOf(4097));
        assertEquals(-1, classes.classOf(1L << 40));
        assertEquals(-1, classes.classOf(Long.MAX_VALUE));
    }

    @Test
    void negativeSizeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> classes.classOf(-1));
        assertThrows(IllegalArgumentException.class, () -> classes.classOf(Long.MIN_VALUE));
    }

    @Test
    void defaultShape() {
        assertEquals(80, classes.classCount());
        assertEquals(4096, classes.limit());
        assertEquals(16, classes.alignment());
        int[] sizes = classes.classSizes();
        assertEquals(16, sizes[0]);
        assertEquals(512, sizes[31]);                     // 32 classes in steps of 16
        assertEquals(544, sizes[32]);
        assertEquals(1024, sizes[47]);                    // 16 in steps of 32
        assertEquals(1088, sizes[48]);
        assertEquals(2048, sizes[63]);                    // 16 in steps of 64
        assertEquals(2176, sizes[64]);
        assertEquals(4096, sizes[79]);                    // 16 in steps of 128
        for (int c = 1; c < sizes.length; c++) {
            int step = sizes[c] <= 512 ? 16 : sizes[c] <= 1024 ? 32 : sizes[c] <= 2048 ? 64 : 128;
            assertEquals(step, sizes[c] - sizes[c - 1], "class " + c);
        }
        assertEquals("80 size classes (bytes): 16-512 step 16, 544-1024 step 32, "
                + "1088-2048 step 64, 2176-4096 step 128; "
                + "larger requests go to the system allocator", classes.toString());
    }

    @Test
    void classSizesAreMonotonicAlignedAndRoundTrip() {
        for (int c = 0; c < classes.classCount(); c++) {
            int size = classes.classSize(c);
            assertEquals(0, size % 16, "class " + c);
            if (c > 0) {
                assertTrue(size > classes.classSize(c - 1), "class " + c);
            }
            assertEquals(c, classes.classOf(size), "classOf(classSize(" + c + "))");
        }
    }

    @Test
    void classSizeOutOfRange() {
        assertThrows(IndexOutOfBoundsException.class, () -> classes.classSize(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> classes.classSize(80));
    }

    @Test
    void classSizesReturnsCopy() {
        classes.classSizes()[0] = 999;
        assertEquals(16, classes.classSize(0));
    }

    @Test
    void customClasses() {
        int[] sizes = {32, 48, 1024};
        SizeClasses custom = SizeClasses.of(sizes);
        sizes[0] = 16; // the factory copies its argument
        assertEquals(3, custom.classCount());
        assertEquals(1024, custom.limit());
        assertEquals(0, custom.classOf(0));
        assertEquals(0, custom.classOf(32));
        assertEquals(1, custom.classOf(33));
        assertEquals(2, custom.classOf(49));
        assertEquals(2, custom.classOf(1024));
        assertEquals(-1, custom.classOf(1025));
        assertEquals("3 size classes (bytes): 32, 48, 1024; "
                + "larger requests go to the system allocator", custom.toString());
        assertEquals("1 size class (bytes): 16; larger requests go to the system allocator",
                SizeClasses.of(16).toString());
        assertEquals(SizeClasses.of(32, 48, 1024), custom);
        assertEquals(SizeClasses.of(32, 48, 1024).hashCode(), custom.hashCode());
        assertNotEquals(SizeClasses.of(32, 48), custom);
        assertEquals(SizeClasses.defaults(), SizeClasses.of(SizeClasses.defaults().classSizes()));
    }

    @Test
    void largestAllowedClass() {
        SizeClasses big = SizeClasses.of(16, SizeClasses.MAX_CLASS_SIZE);
        assertEquals(1, big.classOf(17));
        assertEquals(1, big.classOf(SizeClasses.MAX_CLASS_SIZE));
        assertEquals(-1, big.classOf(SizeClasses.MAX_CLASS_SIZE + 1L));
    }

    @Test
    void badCustomListsAreRejected() {
        assertThrows(NullPointerException.class, () -> SizeClasses.of((int[]) null));
        assertThrows(IllegalArgumentException.class, SizeClasses::of);
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.of(0, 16));
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.of(-16, 16));
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.of(16, 24));
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.of(8));
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.of(32, 16));
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.of(16, 16));
        assertThrows(IllegalArgumentException.class,
                () -> SizeClasses.of(16, SizeClasses.MAX_CLASS_SIZE + 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SizeClasses.of(16, 64, 48));
        assertTrue(e.getMessage().contains("strictly increasing"), e.getMessage());
    }
}

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
        "257, 16, 320",
        "320, 16, 320",
        "321, 17, 384",
        "512, 19, 512",
        "513, 20, 640",
        "1024, 23, 1024",
        "1025, 24, 1280",
        "2048, 27, 2048",
        "2049, 28, 2560",
        "4095, 31, 4096",
        "4096, 31, 4096",
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
        assertEquals(32, classes.classCount());
        assertEquals(4096, classes.limit());
        assertEquals(16, classes.alignment());
        int[] expected = {16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240,
            256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072,
            3584, 4096};
        assertArrayEquals(expected, classes.classSizes());
        assertEquals("32 size classes (bytes): 16-256 step 16, 320-512 step 64, "
                + "640-1024 step 128, 1280-2048 step 256, 2560-4096 step 512; "
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
        assertThrows(IndexOutOfBoundsException.class, () -> classes.classSize(32));
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

package io.github.slabbin.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/** malloc/realloc/free behind one JNI call each. */
class SystemAllocatorTest {

    @Test
    void mallocReallocFreeKeepTheBytes() {
        long p = SystemAllocator.malloc(16);
        assertNotEquals(0, p);
        new Pointer(p).setLong(8, 0x1122334455667788L);
        long q = SystemAllocator.realloc(p, 4096);
        assertNotEquals(0, q);
        assertEquals(0x1122334455667788L, new Pointer(q).getLong(8), "realloc keeps the bytes");
        SystemAllocator.free(q);
        SystemAllocator.free(0);                                  // free(NULL) is allowed
    }

    @Test
    void negativeSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SystemAllocator.malloc(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SystemAllocator.realloc(0, -8));
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.function.Executable;

/** Shared helpers for the tests of the Java API. */
final class TestSupport {
    private TestSupport() {}

    /** Fields (uint64_t) of slabbin_stats_t: an array for slabbin_get_stats needs them all. */
    static final int C_STATS_FIELDS = 11;

    /** The C library functions the tests call on slot memory. */
    interface CLib extends Library {
        CLib INSTANCE = Native.load(Platform.C_LIBRARY_NAME, CLib.class);

        int memcmp(Pointer a, Pointer b, long n);

        Pointer memchr(Pointer s, int c, long n);

        Pointer memset(Pointer s, int c, long n);
    }

    /**
     * The C API of slabbin.h, bound through JNA to the very library file that
     * {@link SlabbinLibrary#load()} loaded for the JNI side.
     */
    interface SlabbinC extends Library {
        int slabbin_alloc(Pointer a, PointerByReference slot);

        int slabbin_alloc_zeroed(Pointer a, PointerByReference slot);

        int slabbin_free(Pointer a, Pointer slot);

        int slabbin_is_allocated(Pointer a, Pointer p);

        int slabbin_check(Pointer a, Pointer p);

        int slabbin_is_unchecked(Pointer a);

        /** slabbin_stats_t is {@link #C_STATS_FIELDS} uint64_t fields, passed as a long[]. */
        void slabbin_get_stats(Pointer a, long[] out);

        int slabbin_layout_stride(long size, long alignment, long[] stride);
    }

    /** The C formula for the stride: max(size, 8) rounded up to a multiple of the alignment. */
    static long cStride(long size, long alignment) {
        long s = Math.max(size, 8);
        long rem = s % alignment;
        return rem == 0 ? s : s + (alignment - rem);
    }

    /** Allocates {@code n} slots and returns their addresses in order. */
    static List<Long> allocateN(SlabAllocator a, int n) {
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(a.allocate());
        }
        return out;
    }

    /** A byte pattern of {@code n} bytes derived from {@code seed}; no two seeds agree often. */
    static byte[] pattern(long seed, int n) {
        byte[] b = new byte[n];
        long x = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
        for (int i = 0; i < n; i++) {
            x ^= x >>> 29;
            x *= 0xBF58476D1CE4E5B9L;
            x ^= x >>> 32;
            b[i] = (byte) x;
        }
        return b;
    }

    static void writePattern(long address, long seed, int size) {
        new Pointer(address).write(0, pattern(seed, size), 0, size);
    }

    static void assertPattern(long address, long seed, int size) {
        byte[] expected = pattern(seed, size);
        byte[] actual = new Pointer(address).getByteArray(0, size);
        for (int i = 0; i < size; i++) {
            if (expected[i] != actual[i]) {
                assertEquals(expected[i], actual[i], String.format(
                        "slot 0x%x byte %d of %d (pattern seed %d) was overwritten", address, i,
                        size, seed));
            }
        }
    }

    static String hex(long address) {
        return String.format("0x%x", address);
    }

    /**
     * Starts {@code n} threads running {@code body} (with the thread's index), waits for them
     * and fails with the first thread's failure, if any.
     */
    static void runThreads(int n, IntConsumer body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            int me = i;
            ts[i] = new Thread(() -> {
                try {
                    body.accept(me);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "worker-" + i);
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("on a worker thread", failure.get());
        }
    }

    /** Runs {@code body} on a new thread named {@code name}, waits for it, fails as it did. */
    static void onThread(String name, Executable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.execute();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("on thread " + name, failure.get());
        }
    }
}

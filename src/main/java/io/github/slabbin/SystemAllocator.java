package io.github.slabbin;

/**
 * The C library's {@code malloc}, {@code realloc} and {@code free}, each behind one JNI call into
 * slabbin's native library: the same crossing a {@link SlabAllocator} call pays, for side-by-side
 * comparisons (the replay tool, benchmarks). Nothing is validated: a bad address is undefined
 * behaviour and can crash the JVM, as in C. Thread-safe (the C library's allocator is).
 */
public final class SystemAllocator {
    static {
        SlabbinNative.ensureLoaded();
    }

    private SystemAllocator() {}

    /**
     * {@code malloc(size)}.
     *
     * @param size bytes, 0 or more
     * @return the address, or 0 if the C library refused
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public static long malloc(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        return SlabbinNative.malloc(size);
    }

    /**
     * {@code realloc(address, size)}.
     *
     * @param address 0 or an address from {@link #malloc} / {@link #realloc} not freed since
     * @param size    bytes, 0 or more
     * @return the new address, or 0 if the C library refused (the old block is then untouched)
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public static long realloc(long address, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        return SlabbinNative.realloc(address, size);
    }

    /**
     * {@code free(address)}.
     *
     * @param address 0 or an address from {@link #malloc} / {@link #realloc} not freed since
     */
    public static void free(long address) {
        SlabbinNative.free(address);
    }
}

package io.github.slabbin.peers;

/**
 * The C library's {@code malloc}, {@code realloc} and {@code free}, each behind one JNI call into
 * the tools' native library ({@code libslabbin_tools}): the same crossing a
 * {@link io.github.slabbin.SlabAllocator} call pays, for side-by-side comparisons (the replay
 * tool, benchmarks). Nothing is validated: a bad address is undefined behaviour and can crash the
 * JVM, as in C. Thread-safe (the C library's allocator is).
 */
public final class SystemAllocator {
    static {
        ToolsLibrary.load();
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
        return malloc0(nonNegative(size));
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
        return realloc0(address, nonNegative(size));
    }

    /**
     * {@code free(address)}.
     *
     * @param address 0 or an address from {@link #malloc} / {@link #realloc} not freed since
     */
    public static native void free(long address);

    private static long nonNegative(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        return size;
    }

    private static native long malloc0(long size);

    private static native long realloc0(long address, long size);
}

package io.github.slabbin;

/**
 * What a shared allocator ({@link SlabAllocator.Builder#shared(boolean)}) delegates every call
 * to, from any thread: {@link SharedSlabs} (per-thread magazines and a depot), or in debug mode
 * {@link SerialSlabs} (one lock, the core's own checks). The allocator has checked the arguments
 * it can (indexes, counts) and keeps itself reachable during each call; the methods say what the
 * public ones of {@link SlabAllocator} say, including every exception.
 */
interface SharedCalls {
    /** {@link SlabAllocator#allocate()}. */
    long allocate();

    /** {@link SlabAllocator#allocateZeroed()}. */
    long allocateZeroed();

    /** {@link SlabAllocator#deallocate(long)}. */
    void deallocate(long address);

    /** {@link SlabAllocator#allocate(long[], int, int)}, all or nothing. */
    void allocate(long[] addresses, int offset, int count);

    /** {@link SlabAllocator#deallocate(long[], int, int)}, all or nothing. */
    void deallocate(long[] addresses, int offset, int count);

    /** What {@link #deallocate(long)} would say of the address: a status; nothing changes. */
    int check(long address);

    /** Throws {@link IllegalStateException} once closed. */
    void requireOpen();

    /** Whether {@link #close} ran. */
    boolean isClosed();

    /** {@link SlabAllocator#reset()}. */
    void reset();

    /** {@link SlabAllocator#trim()}. */
    long trim();

    /** {@link SlabAllocator#stats()}. */
    SlabStats stats();

    /**
     * Closes: later calls throw, then {@code destroy} releases the native allocator (once).
     * Idempotent.
     */
    void close(Runnable destroy);
}

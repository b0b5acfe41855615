package io.github.slabbin;

/**
 * The JNI entry points of the native library ({@code native/jni/slabbin_jni.c}). Every method is a
 * direct translation of one C call in {@code slabbin.h}; none validates its arguments, so callers
 * ({@link SlabAllocator}) must. Status codes come back as negative numbers ({@code SLABBIN_E*}).
 */
final class SlabbinNative {
    static final int OK = 0;
    static final int EINVAL = -1;
    static final int ENOMEM = -2;
    static final int EFOREIGN = -3;
    static final int EINTERIOR = -4;
    static final int EDOUBLEFREE = -5;
    static final int ECORRUPT = -6;

    /** {@code SLABBIN_UNCHECKED}. */
    static final int FLAG_UNCHECKED = 1;

    /** {@code SLABBIN_DEBUG}: poisoning of freed slots (implies checked mode). */
    static final int FLAG_DEBUG = 2;

    static {
        SlabbinLibrary.load();
    }

    private SlabbinNative() {}

    /** Loads the library (the static initializer does the work). */
    static void ensureLoaded() {}

    static native long create(long size, long alignment, long capacity, int flags);

    /**
     * {@code slabbin_create_with}: as {@link #create}, with slab growth. The first slab holds
     * {@code initialCapacity} slots (1..{@code capacity}), each next slab twice the largest one
     * held, at most {@code capacity}; {@code initialCapacity == capacity} is {@link #create}.
     * Returns the handle, or {@link #EINVAL} (a size, alignment or capacity below 1, an initial
     * capacity above the capacity, a bad layout or flags, overflow) or {@link #ENOMEM}.
     */
    static native long createWith(long size, long alignment, long capacity, long initialCapacity,
                                  int flags);

    static native void destroy(long handle);

    static native long allocate(long handle);

    static native long allocateZeroed(long handle);

    static native int deallocate(long handle, long address);

    static native int allocateBatch(long handle, long[] addresses, int offset, int count);

    static native int allocateUpTo(long handle, long[] addresses, int offset, int max);

    static native long deallocateBatch(long handle, long[] addresses, int offset, int count);

    static native int check(long handle, long address);

    static native void reset(long handle);

    static native long trim(long handle);

    /** Number of values {@link #stats} can fill. */
    static final int STATS_LENGTH = 11;

    /**
     * {@code slabbin_get_stats}: fills {@code out[0 .. min(out.length, STATS_LENGTH))} with slot
     * size, alignment, stride (bytes), slab capacity (slots, the largest slab), slab count, live
     * slots, peak live slots, reserved bytes (exact: the sum of the slabs' bytes), initial slab
     * capacity (slots), reserved slots (the sum of the slabs' capacities) and peak reserved bytes.
     */
    static native void stats(long handle, long[] out);

    static native void setReserveLimit(long handle, long maxBytes);

    static native long layoutStride(long size, long alignment);

    /** {@code slabbin_poison}: fills the slot's stride with the poison byte (debug mode only). */
    static native void poison(long handle, long address);

    /**
     * {@code slabbin_poison_damage}: the first offset in [from, stride) of the slot that does not
     * hold the poison byte; -1 = intact (or not debug mode).
     */
    static native long poisonDamage(long handle, long address, long from);

    /**
     * {@code slabbin_last_corruption}: after {@link #ECORRUPT}, out[0] = the damaged slot's
     * address, out[1] = its first damaged byte offset (below 8: the free-list link; slot 0 when
     * the list was found cut short). Returns {@link #OK}, or {@link #EINVAL} when none was
     * reported (out untouched).
     */
    static native int lastCorruption(long handle, long[] out);

    static native String strerror(int status);

    static native void zero(long address, long bytes);
}

package io.github.slabbin;

/**
 * The JNI entry points of the native library ({@code native/jni/slabbin_jni.c}). Every method is a
 * direct translation of one C call in {@code slabbin.h}; none validates its arguments, so callers
 * must. The library's main code reaches them only through {@link NativeCalls}, whose JDK 22
 * version may call the same C functions through FFM instead. Status codes come back as negative
 * numbers ({@code SLABBIN_E*}).
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

    /**
     * {@code slabbin_create_with}: a native allocator of {@code capacity}-slot slabs, with slab
     * growth. The first slab holds {@code initialCapacity} slots (1..{@code capacity}), each next
     * slab twice the largest one held, at most {@code capacity}; {@code initialCapacity ==
     * capacity} is {@code slabbin_create} (no growth).
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

    /** Bits of a {@link #deallocateBatch} result below the failing index (they hold -status). */
    static final int BATCH_INDEX_SHIFT = 8;

    /**
     * {@code slabbin_free_batch}: 0, or {@code (index of the first refused entry <<
     * BATCH_INDEX_SHIFT) | -status}; decode with {@link BatchError#decode}.
     */
    static native long deallocateBatch(long handle, long[] addresses, int offset, int count);

    static native int check(long handle, long address);

    static native void reset(long handle);

    static native long trim(long handle);

    // The positions of slabbin_stats_t's fields in the array {@link #stats} fills. javac -h writes
    // these constants into the JNI header, and slabbin_jni.c stores each field at its constant, so
    // the two sides share one definition; NativeStats.read is the one Java decoder.

    /** {@code stats[STAT_SLOT_SIZE]}: the slot size, bytes. */
    static final int STAT_SLOT_SIZE = 0;
    /** {@code stats[STAT_ALIGNMENT]}: the slot alignment, bytes. */
    static final int STAT_ALIGNMENT = 1;
    /** {@code stats[STAT_STRIDE]}: bytes from one slot to the next. */
    static final int STAT_STRIDE = 2;
    /** {@code stats[STAT_SLAB_CAPACITY]}: slots of the largest slab. */
    static final int STAT_SLAB_CAPACITY = 3;
    /** {@code stats[STAT_SLAB_COUNT]}: slabs reserved now. */
    static final int STAT_SLAB_COUNT = 4;
    /** {@code stats[STAT_LIVE_SLOTS]}: slots handed out by the slabs now. */
    static final int STAT_LIVE_SLOTS = 5;
    /** {@code stats[STAT_PEAK_LIVE_SLOTS]}: the largest live slot count since creation. */
    static final int STAT_PEAK_LIVE_SLOTS = 6;
    /** {@code stats[STAT_RESERVED_BYTES]}: bytes of the slabs reserved now (exact sum). */
    static final int STAT_RESERVED_BYTES = 7;
    /** {@code stats[STAT_INITIAL_SLAB_CAPACITY]}: slots of the first slab. */
    static final int STAT_INITIAL_SLAB_CAPACITY = 8;
    /** {@code stats[STAT_RESERVED_SLOTS]}: the sum of the reserved slabs' capacities, slots. */
    static final int STAT_RESERVED_SLOTS = 9;
    /** {@code stats[STAT_PEAK_RESERVED_BYTES]}: the largest reserved bytes since creation. */
    static final int STAT_PEAK_RESERVED_BYTES = 10;
    /** Number of values {@link #stats} can fill. */
    static final int STATS_LENGTH = 11;

    /**
     * {@code slabbin_get_stats}: fills {@code out[0 .. min(out.length, STATS_LENGTH))}, each field
     * at its {@code STAT_*} index. Decode with {@link NativeStats#read}.
     */
    static native void stats(long handle, long[] out);

    static native void setReserveLimit(long handle, long maxBytes);

    /**
     * {@code slabbin_layout_stride}: the stride C derives for a layout, bytes, or {@link #EINVAL}.
     * {@link SlotLayout#stride()} must agree (checked by a property test over all layouts).
     */
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

package io.github.slabbin.replay;

import io.github.slabbin.peers.ToolsLibrary;

/**
 * JNI entry points of the replay contract and the C-driven replay ({@code native/replay/replay.h},
 * {@code native/jni/replay_jni.c}, in {@code libslabbin_tools}). The contract — the plan of a
 * trace (routing and the realloc rule), slots per slab, and the block patterns — is defined once,
 * in C; both drivers follow it: the C loop ({@link #run}) and the Java loop ({@link JavaDriver}),
 * which calls {@link #plan}, {@link #putPattern}, {@link #checkPattern} and {@link #copy}.
 * Nothing is validated here: callers pass live addresses and a handle from {@link #prepare}.
 */
final class NativeReplay {
    /** {@code REPLAY_STEP_ALLOC}: allocate block {@code id[i]} from its class, or malloc. */
    static final byte STEP_ALLOC = 0;
    /** {@code REPLAY_STEP_FREE}: check and free block {@code id[i]}. */
    static final byte STEP_FREE = 1;
    /** {@code REPLAY_STEP_KEEP}: realloc within one class: check, the slot stays. */
    static final byte STEP_KEEP = 2;
    /** {@code REPLAY_STEP_RESIZE}: realloc from malloc to malloc: check, {@code realloc()}. */
    static final byte STEP_RESIZE = 3;
    /** {@code REPLAY_STEP_MOVE}: other reallocs: check, allocate, copy min(old, new), free. */
    static final byte STEP_MOVE = 4;
    /** {@code REPLAY_FULL}: flag of {@link #run}, the pattern covers every byte. */
    static final int FULL = 1;
    /** {@code REPLAY_FOOTPRINT}: flag of {@link #run}, measure the peak footprint (untimed). */
    static final int FOOTPRINT = 2;
    /** {@code REPLAY_SYSTEM}: the class of a block served by the system allocator. */
    static final int SYSTEM = -1;

    static {
        ToolsLibrary.load();
    }

    private NativeReplay() {}

    /** Copies the events into C memory; returns a handle for {@link #run}, 0 if out of memory. */
    static native long prepare(byte[] op, int[] id, int[] oldId, long[] size, int events,
                               int blocks);

    /**
     * The plan of the prepared trace under a routing ({@code replay_plan}): {@code step} receives
     * one {@code STEP_*} per event, {@code blockClass} the class of each block ({@link #SYSTEM}
     * for the system allocator; all of them when {@code slabs} is false). Returns 0, -1 (invalid
     * argument) or -2 (out of memory).
     */
    static native int plan(long trace, long[] classSize, int[] classOf, long limit, boolean slabs,
                           byte[] step, int[] blockClass);

    /**
     * Replays once in C through {@code mode} ({@link #MALLOC}, {@link #SLABS} checked slab
     * allocators, {@link #SLABS_UNCHECKED}), slabs growing from {@code initialSlabBytes} (0: no
     * growth), with
     * {@code flags} ({@link #FULL}, {@link #FOOTPRINT}). {@code result} (7 entries) receives
     * {nanos, badEvent (-1 = none), reservedPeak bytes, reservedAfterTrim bytes, slabs,
     * peakFootprint bytes, peakSystemBytes} (the last two with {@link #FOOTPRINT}, else 0).
     * Returns 0, -1 (invalid argument) or -2 (out of memory).
     */
    static native int run(long trace, long[] classSize, int[] classOf, long limit,
                          long initialSlabBytes, int mode, int flags, long[] result);

    /** {@link #run} through the process's {@code malloc} only. */
    static final int MALLOC = 0;
    /** {@link #run} through checked slab allocators (and malloc above the classes). */
    static final int SLABS = 1;
    /** {@code REPLAY_SLABS_UNCHECKED}: {@link #run} through unchecked slab allocators. */
    static final int SLABS_UNCHECKED = 2;

    /** Frees what {@link #prepare} made. */
    static native void release(long trace);

    /** Slots per slab of a size class ({@code replay_slab_capacity}); 0 for an invalid size. */
    static native int slabCapacity(long classSize);

    /**
     * Slots of the first slab of a size class when the first slab holds about
     * {@code initialSlabBytes} bytes ({@code replay_initial_slab_capacity}; 0: no growth, the
     * slab capacity); 0 for an invalid size.
     */
    static native int initialSlabCapacity(long classSize, long initialSlabBytes);

    /** Writes the pattern of {@code event} into the {@code size} bytes at {@code address}. */
    static native void putPattern(long address, long size, long event, boolean full);

    /** Whether the {@code size} bytes at {@code address} hold the pattern of {@code event}. */
    static native boolean checkPattern(long address, long size, long event, boolean full);

    /** Copies {@code bytes} bytes from {@code from} to {@code to} (blocks that do not overlap). */
    static native void copy(long to, long from, long bytes);
}

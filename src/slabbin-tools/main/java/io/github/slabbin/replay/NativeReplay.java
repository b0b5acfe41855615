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
     * Replays once in C. {@code result} receives {nanos, badEvent (-1 = none), reservedPeak bytes,
     * reservedAfterTrim bytes, slabs}. Returns 0, -1 (invalid argument) or -2 (out of memory).
     */
    static native int run(long trace, long[] classSize, int[] classOf, long limit, boolean slabs,
                          boolean full, long[] result);

    /**
     * As {@link #run}, with the allocator as a number: 0 malloc, 1 slabbin checked,
     * {@link #SLABS_UNCHECKED} slabbin with unchecked slab allocators.
     */
    static native int runMode(long trace, long[] classSize, int[] classOf, long limit, int mode,
                              boolean full, long[] result);

    /** {@code REPLAY_SLABS_UNCHECKED}: {@link #runMode} through unchecked slab allocators. */
    static final int SLABS_UNCHECKED = 2;

    /** Frees what {@link #prepare} made. */
    static native void release(long trace);

    /** Slots per slab of a size class ({@code replay_slab_capacity}); 0 for an invalid size. */
    static native int slabCapacity(long classSize);

    /** Writes the pattern of {@code event} into the {@code size} bytes at {@code address}. */
    static native void putPattern(long address, long size, long event, boolean full);

    /** Whether the {@code size} bytes at {@code address} hold the pattern of {@code event}. */
    static native boolean checkPattern(long address, long size, long event, boolean full);

    /** Copies {@code bytes} bytes from {@code from} to {@code to} (blocks that do not overlap). */
    static native void copy(long to, long from, long bytes);
}

package io.github.slabbin.replay;

import io.github.slabbin.SlabbinLibrary;

/**
 * JNI entry points of the C replay driver ({@code native/replay/replay.h},
 * {@code native/jni/replay_jni.c}): the same event stream replayed by a C loop through the C core
 * or through {@code malloc}/{@code free}, without the JVM in the loop.
 */
final class NativeReplay {
    static {
        SlabbinLibrary.load();
    }

    private NativeReplay() {}

    /** Copies the events into C memory; returns a handle for {@link #run}, 0 if out of memory. */
    static native long prepare(byte[] op, int[] id, int[] oldId, long[] size, int events,
                               int blocks);

    /**
     * Replays once. {@code result} receives {nanos, badEvent (-1 = none), reservedPeak bytes,
     * reservedAfterTrim bytes, slabs}. Returns 0, -1 (invalid argument) or -2 (out of memory).
     */
    static native int run(long trace, long[] classSize, int[] classOf, long limit, boolean slabs,
                          boolean full, long[] result);

    /** Frees what {@link #prepare} made. */
    static native void release(long trace);
}

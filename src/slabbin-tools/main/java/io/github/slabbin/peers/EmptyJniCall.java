package io.github.slabbin.peers;

/**
 * A JNI call into the tools' native library that does nothing but return its argument: the floor
 * every JNI crossing pays, the benchmarks' yardstick for one {@link
 * io.github.slabbin.SlabAllocator} call. Thread-safe.
 */
public final class EmptyJniCall {
    static {
        ToolsLibrary.load();
    }

    private EmptyJniCall() {}

    /**
     * Crosses into native code and back.
     *
     * @param x any value
     * @return {@code x}
     */
    public static native long call(long x);
}

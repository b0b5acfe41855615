package io.github.slabbin.bench;

import com.sun.jna.Native;
import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlotLayout;
import io.github.slabbin.peers.EmptyJniCall;
import io.github.slabbin.peers.SystemAllocator;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import sun.misc.Unsafe;

/**
 * One allocation plus one free of a 32-byte block, through slabbin (its public API only) and
 * through its peers on the JVM. Every score is nanoseconds per pair (per slot for the batch cases, per call for
 * {@link #jniNop}). Forks, warm-up and measurement below are the defaults; JMH's {@code -f},
 * {@code -wi}, {@code -i}, {@code -w} and {@code -r} override them ({@code scripts/bench}).
 *
 * <p>Allocators are confined to the thread that builds them, so every state builds its allocator
 * in an iteration-level setup, which JMH runs on the thread that then runs the iteration. The
 * cases ending in {@code 2Threads} run on two threads at once ({@link Threads}); their score is
 * still nanoseconds per pair on each thread, so the throughput of two threads over one is
 * {@code 2 * score(1 thread) / score(2 threads)}. The shared allocator of {@link SharedChecked}
 * is one for all threads of a trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SlabbinBenchmarks {
    /** The block size of every case. */
    static final int SIZE = 32;
    static final SlotLayout LAYOUT = SlotLayout.of(SIZE, 8);

    /** An allocator built per iteration; subclasses choose its mode. */
    public abstract static class AllocatorState {
        SlabAllocator allocator;

        abstract SlabAllocator.Builder configure(SlabAllocator.Builder builder);

        @Setup(Level.Iteration)
        public void open() {
            allocator = configure(SlabAllocator.builder(LAYOUT)).build();
        }

        @TearDown(Level.Iteration)
        public void close() {
            allocator.close();
        }
    }

    /** Checked mode, every call one JNI crossing. */
    @State(Scope.Thread)
    public static class Checked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(true);
        }
    }

    /** Unchecked mode, every call one JNI crossing. */
    @State(Scope.Thread)
    public static class Unchecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(false);
        }
    }

    /** Checked mode with a 64-slot magazine. */
    @State(Scope.Thread)
    public static class MagazineChecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(true).magazine(64);
        }
    }

    /** Unchecked mode with a 64-slot magazine. */
    @State(Scope.Thread)
    public static class MagazineUnchecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(false).magazine(64);
        }
    }

    /** Shared mode, checked, magazines of 64 slots: one allocator for every thread. */
    @State(Scope.Benchmark)
    public static class SharedChecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(true).magazine(64).shared(true);
        }
    }

    /** Shared mode, unchecked, magazines of 64 slots: one allocator for every thread. */
    @State(Scope.Benchmark)
    public static class SharedUnchecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(false).magazine(64).shared(true);
        }
    }

    /** Debug mode (checked, poisoning, call sites), every call one JNI crossing. */
    @State(Scope.Thread)
    public static class Debug extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.debug(true);
        }
    }

    /** Debug mode with a 64-slot magazine. */
    @State(Scope.Thread)
    public static class MagazineDebug extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.debug(true).magazine(64);
        }
    }

    /** Checked mode and an address array for the batch calls. */
    @State(Scope.Thread)
    public static class Batch extends AllocatorState {
        final long[] addresses = new long[256];

        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(true);
        }
    }

    /** Unchecked mode and an address array for the batch calls. */
    @State(Scope.Thread)
    public static class BatchUnchecked extends Batch {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder builder) {
            return builder.checked(false);
        }
    }

    /** {@code sun.misc.Unsafe}. */
    @State(Scope.Benchmark)
    public static class UnsafeState {
        Unsafe unsafe;

        @Setup(Level.Trial)
        public void open() throws ReflectiveOperationException {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = (Unsafe) f.get(null);
        }
    }

    /** The argument of {@link #jniNop}, a field so that it is not a constant. */
    @State(Scope.Thread)
    public static class NopState {
        long x = 42;
    }

    // ---- slabbin through JNI, one crossing per call -----------------------------------------

    /**
     * One pair, checked mode.
     *
     * @param s the allocator
     */
    @Benchmark
    public void checkedPair(Checked s) {
        SlabAllocator a = s.allocator;
        a.deallocate(a.allocate());
    }

    /**
     * One pair, unchecked mode.
     *
     * @param s the allocator
     */
    @Benchmark
    public void uncheckedPair(Unchecked s) {
        SlabAllocator a = s.allocator;
        a.deallocate(a.allocate());
    }

    /**
     * One pair, debug mode: the checked pair plus a stack capture per call and the poisoning
     * and verification of the slot.
     *
     * @param s the allocator
     */
    @Benchmark
    public void debugPair(Debug s) {
        SlabAllocator a = s.allocator;
        a.deallocate(a.allocate());
    }

    // ---- slabbin with the Java-side magazine ----------------------------------------------

    /**
     * One pair, checked mode, magazine of 64 slots.
     *
     * @param s the allocator
     */
    @Benchmark
    public void magazineCheckedPair(MagazineChecked s) {
        SlabAllocator a = s.allocator;
        a.deallocate(a.allocate());
    }

    /**
     * One pair, unchecked mode, magazine of 64 slots.
     *
     * @param s the allocator
     */
    @Benchmark
    public void magazineUncheckedPair(MagazineUnchecked s) {
        SlabAllocator a = s.allocator;
        a.deallocate(a.allocate());
    }

    /**
     * One pair, debug mode, magazine of 64 slots (poisoned and verified through JNI calls).
     *
     * @param s the allocator
     */
    @Benchmark
    public void magazineDebugPair(MagazineDebug s) {
        SlabAllocator a = s.allocator;
        a.deallocate(a.allocate());
    }

    /**
     * The checked magazine pair on two threads, each with an allocator of its own.
     *
     * @param s the thread's allocator
     */
    @Benchmark
    @Threads(2)
    public void magazineCheckedPair2Threads(MagazineChecked s) {
        magazineCheckedPair(s);
    }

    // ---- slabbin shared mode: one allocator, per-thread magazines, a depot -----------------

    /**
     * One pair, shared mode, checked, on one thread.
     *
     * @param s the shared allocator
     */
    @Benchmark
    public void sharedCheckedPair(SharedChecked s) {
        pair(s);
    }

    /**
     * One pair, shared mode, checked, on each of two threads using one allocator.
     *
     * @param s the shared allocator
     */
    @Benchmark
    @Threads(2)
    public void sharedCheckedPair2Threads(SharedChecked s) {
        sharedCheckedPair(s);
    }

    /**
     * One pair, shared mode, unchecked, on one thread.
     *
     * @param s the shared allocator
     */
    @Benchmark
    public void sharedUncheckedPair(SharedUnchecked s) {
        pair(s);
    }

    /**
     * One pair, shared mode, unchecked, on each of two threads using one allocator.
     *
     * @param s the shared allocator
     */
    @Benchmark
    @Threads(2)
    public void sharedUncheckedPair2Threads(SharedUnchecked s) {
        sharedUncheckedPair(s);
    }

    /** One allocate/free pair on the state's allocator. */
    private static void pair(AllocatorState s) {
        SlabAllocator a = s.allocator;
        a.deallocate(a.allocate());
    }

    // ---- slabbin batch calls: N slots per crossing ------------------------------------------

    /**
     * 64 slots allocated with one call, then freed with one call; the score is per slot.
     *
     * @param s the allocator and the address array
     * @return the slots allocated
     */
    @Benchmark
    @OperationsPerInvocation(64)
    public int batch64(Batch s) {
        return batch(s, 64);
    }

    /**
     * 256 slots allocated with one call, then freed with one call; the score is per slot.
     *
     * @param s the allocator and the address array
     * @return the slots allocated
     */
    @Benchmark
    @OperationsPerInvocation(256)
    public int batch256(Batch s) {
        return batch(s, 256);
    }

    private static int batch(Batch s, int n) {
        SlabAllocator a = s.allocator;
        int got = a.allocate(s.addresses, 0, n);
        a.deallocate(s.addresses, 0, got);
        return got;
    }

    /**
     * 64 slots allocated with one call, then freed with one call, unchecked mode; per slot.
     *
     * @param s the allocator and the address array
     * @return the slots allocated
     */
    @Benchmark
    @OperationsPerInvocation(64)
    public int batch64Unchecked(BatchUnchecked s) {
        return batch(s, 64);
    }

    /**
     * 256 slots allocated with one call, then freed with one call, unchecked mode; per slot.
     *
     * @param s the allocator and the address array
     * @return the slots allocated
     */
    @Benchmark
    @OperationsPerInvocation(256)
    public int batch256Unchecked(BatchUnchecked s) {
        return batch(s, 256);
    }

    // ---- peers ------------------------------------------------------------------------------

    /**
     * {@code Unsafe.allocateMemory} then {@code freeMemory}.
     *
     * @param s the Unsafe instance
     */
    @Benchmark
    public void unsafePair(UnsafeState s) {
        Unsafe u = s.unsafe;
        u.freeMemory(u.allocateMemory(SIZE));
    }

    /**
     * {@code Unsafe.allocateMemory} then {@code freeMemory} on each of two threads.
     *
     * @param s the Unsafe instance
     */
    @Benchmark
    @Threads(2)
    public void unsafePair2Threads(UnsafeState s) {
        unsafePair(s);
    }

    /**
     * {@code ByteBuffer.allocateDirect}; the buffer's memory is freed by its cleaner after a
     * garbage collection, whose cost lands in this score.
     *
     * @param bh keeps the buffer alive until allocated
     */
    @Benchmark
    public void directBuffer(Blackhole bh) {
        bh.consume(ByteBuffer.allocateDirect(SIZE));
    }

    /** JNA's {@code Native.malloc} then {@code Native.free} (JNA's own JNI entry points). */
    @Benchmark
    public void jnaPair() {
        Native.free(Native.malloc(SIZE));
    }

    /** JNA's {@code Native.malloc} then {@code Native.free} on each of two threads. */
    @Benchmark
    @Threads(2)
    public void jnaPair2Threads() {
        jnaPair();
    }

    /** {@link SystemAllocator#malloc} then {@link SystemAllocator#free}: one JNI call each. */
    @Benchmark
    public void systemAllocatorPair() {
        SystemAllocator.free(SystemAllocator.malloc(SIZE));
    }

    /**
     * An empty JNI call ({@link EmptyJniCall}, in the tools' native library): the floor of one
     * crossing. Its score is per call.
     *
     * @param s the argument
     * @return the native function's result
     */
    @Benchmark
    public long jniNop(NopState s) {
        return EmptyJniCall.call(s.x);
    }
}

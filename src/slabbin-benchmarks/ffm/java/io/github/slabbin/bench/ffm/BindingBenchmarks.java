package io.github.slabbin.bench.ffm;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlotLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * slabbin's public API on a JDK 22+ with each binding ({@link FfmBinding}, {@link JniBinding}:
 * the same cases, forked with {@code -Dslabbin.binding=ffm} or {@code jni}), so that both
 * bindings and the FFM peers of {@link FfmBenchmarks} are measured in one run on one JDK. The
 * cases are those of {@code SlabbinBenchmarks} (32-byte slots): per-call pairs, the magazine of
 * 64 slots, batches of 64 (per slot).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public abstract class BindingBenchmarks {
    static final SlotLayout LAYOUT = SlotLayout.of(32, 8);

    /** An allocator built per iteration, in the mode the subclass chooses. */
    public abstract static class AllocatorState {
        SlabAllocator allocator;
        final long[] addresses = new long[64];

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

    @State(Scope.Thread)
    public static class Checked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder b) {
            return b;
        }
    }

    @State(Scope.Thread)
    public static class Unchecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder b) {
            return b.checked(false);
        }
    }

    @State(Scope.Thread)
    public static class MagazineChecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder b) {
            return b.magazine(64);
        }
    }

    @State(Scope.Thread)
    public static class MagazineUnchecked extends AllocatorState {
        @Override
        SlabAllocator.Builder configure(SlabAllocator.Builder b) {
            return b.checked(false).magazine(64);
        }
    }

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
     * 64 slots allocated with one call, then freed with one call, checked; per slot.
     *
     * @param s the allocator and the address array
     * @return the slots allocated
     */
    @Benchmark
    @OperationsPerInvocation(64)
    public int batch64(Checked s) {
        return batch(s);
    }

    /**
     * As {@link #batch64}, unchecked.
     *
     * @param s the allocator and the address array
     * @return the slots allocated
     */
    @Benchmark
    @OperationsPerInvocation(64)
    public int batch64Unchecked(Unchecked s) {
        return batch(s);
    }

    private static int batch(AllocatorState s) {
        SlabAllocator a = s.allocator;
        int got = a.allocate(s.addresses, 0, 64);
        a.deallocate(s.addresses, 0, got);
        return got;
    }
}

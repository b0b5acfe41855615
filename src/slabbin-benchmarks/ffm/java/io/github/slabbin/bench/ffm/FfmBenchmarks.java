package io.github.slabbin.bench.ffm;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlotLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Foreign Function and Memory API (JDK 22 and later) on the same work as
 * {@code io.github.slabbin.bench.SlabbinBenchmarks}: one allocation plus one free of 32 bytes, in
 * nanoseconds per pair; and the floors of slabbin's FFM binding: an empty critical downcall and
 * the C core's pair through critical downcalls with no Java-side check. Compiled and run with a
 * recent JDK by {@code scripts/bench} only; the Maven build never compiles this folder.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class FfmBenchmarks {
    static final long SIZE = 32;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor MALLOC =
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    private static final FunctionDescriptor FREE = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS);

    private static final MethodHandle MALLOC_HANDLE = downcall("malloc", MALLOC);
    private static final MethodHandle FREE_HANDLE = downcall("free", FREE);
    private static final MethodHandle MALLOC_CRITICAL =
            downcall("malloc", MALLOC, Linker.Option.critical(false));
    private static final MethodHandle FREE_CRITICAL =
            downcall("free", FREE, Linker.Option.critical(false));

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor fd,
                                         Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** libslabbin's functions, critical(false), as slabbin's FFM binding links them. */
    static final class Slabbin {
        static {
            // Loads libslabbin through slabbin's own loader (into this class loader).
            SlabAllocator.create(SlotLayout.of(SIZE, 8), 1).close();
        }

        static final MethodHandle ABI_VERSION = link("slabbin_abi_version",
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        static final MethodHandle CREATE = link("slabbin_create_value",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT));
        static final MethodHandle DESTROY = link("slabbin_destroy",
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
        static final MethodHandle ALLOC = link("slabbin_alloc_value",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        static final MethodHandle FREE = link("slabbin_free",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG));

        private Slabbin() {}

        @SuppressWarnings("restricted")
        private static MethodHandle link(String name, FunctionDescriptor fd) {
            MemorySegment symbol = SymbolLookup.loaderLookup().find(name)
                    .orElseThrow(() -> new IllegalStateException("no symbol " + name));
            return LINKER.downcallHandle(symbol, fd, Linker.Option.critical(false));
        }
    }

    /** A native allocator of libslabbin (32-byte slots), created per iteration. */
    @State(Scope.Thread)
    public static class RawAllocator {
        long handle;

        /**
         * Creates the allocator.
         *
         * @throws Throwable never in practice (a downcall's signature)
         */
        @Setup(Level.Iteration)
        public void open() throws Throwable {
            handle = (long) Slabbin.CREATE.invokeExact(SIZE, 8L, 2048L, 2048L, 0);
        }

        /**
         * Destroys it.
         *
         * @throws Throwable never in practice (a downcall's signature)
         */
        @TearDown(Level.Iteration)
        public void close() throws Throwable {
            Slabbin.DESTROY.invokeExact(handle);
        }
    }

    /**
     * An empty critical downcall ({@code slabbin_abi_version()}, which returns a constant): the
     * floor of one crossing of slabbin's FFM binding.
     *
     * @return the ABI number
     * @throws Throwable never in practice (a downcall's signature)
     */
    @Benchmark
    public int criticalNop() throws Throwable {
        return (int) Slabbin.ABI_VERSION.invokeExact();
    }

    /**
     * The C core's checked pair ({@code slabbin_alloc_value}, {@code slabbin_free}) through
     * critical downcalls, with no Java-side check: the floor of slabbin's checked per-call pair
     * through FFM.
     *
     * @param s the native allocator
     * @return the status of the free
     * @throws Throwable never in practice (a downcall's signature)
     */
    @Benchmark
    public int slabbinRawCheckedPair(RawAllocator s) throws Throwable {
        long p = (long) Slabbin.ALLOC.invokeExact(s.handle);
        return (int) Slabbin.FREE.invokeExact(s.handle, p);
    }

    /**
     * Downcalls to the C library's {@code malloc} and {@code free}.
     *
     * @throws Throwable never in practice (a downcall's signature)
     */
    @Benchmark
    public void mallocFree() throws Throwable {
        MemorySegment p = (MemorySegment) MALLOC_HANDLE.invokeExact(SIZE);
        FREE_HANDLE.invokeExact(p);
    }

    /**
     * The same downcalls linked with {@code Linker.Option.critical(false)}: no thread-state
     * transition around the call.
     *
     * @throws Throwable never in practice (a downcall's signature)
     */
    @Benchmark
    public void mallocFreeCritical() throws Throwable {
        MemorySegment p = (MemorySegment) MALLOC_CRITICAL.invokeExact(SIZE);
        FREE_CRITICAL.invokeExact(p);
    }

    /**
     * {@link #mallocFreeCritical} on each of two threads; the score is per pair on each thread.
     *
     * @throws Throwable never in practice (a downcall's signature)
     */
    @Benchmark
    @Threads(2)
    public void mallocFreeCritical2Threads() throws Throwable {
        mallocFreeCritical();
    }

    /**
     * A confined arena per pair: {@code Arena.ofConfined()}, {@code allocate(32)} (zeroed), then
     * {@code close()}, which frees it.
     *
     * @param bh consumes the segment
     */
    @Benchmark
    public void confinedArena(Blackhole bh) {
        try (Arena arena = Arena.ofConfined()) {
            bh.consume(arena.allocate(SIZE));
        }
    }
}

package io.github.slabbin;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The one way the library's main code reaches the C core, JDK 22 and later: every method has the
 * signature and meaning of the {@link SlabbinNative} method of the same name (none validates its
 * arguments; statuses come back as negative numbers), as in the JDK 17 version of this class. Here
 * each calls the C function through an FFM downcall ({@link Ffm}), or through JNI when
 * {@link NativeBinding#PROPERTY} is {@code jni}. The choice is a {@code static final} field, so
 * the JIT compiler folds the test away and keeps one path.
 *
 * <p>Downcalls that never block for long and never call back into Java are linked with
 * {@link Linker.Option#critical(boolean)}: no thread-state transition, the cheapest crossing the
 * JDK has (the allocation and free fast paths, checks, poisoning). The batch calls pass the
 * caller's {@code long[]} as a heap segment, which needs {@code critical(true)}, as JNI's
 * {@code GetPrimitiveArrayCritical} (the garbage collector waits for the call; the C batch path
 * runs in microseconds). Creation, destruction, reset, trim and statistics are plain downcalls.
 * Handles and addresses cross as {@code long} ({@code JAVA_LONG} for the C pointer and
 * {@code intptr_t}/{@code size_t} parameters: 64-bit platforms only, as the JNI binding).
 *
 * <p>Linking and {@code reinterpret} are restricted methods: on JDK 24 and later the JDK warns
 * once unless the application grants native access (README, "Native access").
 */
@SuppressWarnings("restricted")
final class NativeCalls {
    /**
     * The binding of this JVM ({@link NativeBinding#choose}), or null where
     * {@link NativeBinding#PROPERTY} cannot be honoured ({@link #binding()} throws then).
     */
    private static final String BINDING = NativeBinding.chooseOrNull(true);

    private static final boolean FFM = NativeBinding.FFM.equals(BINDING);

    private NativeCalls() {}

    /**
     * The binding of this JVM: {@link NativeBinding#FFM} or {@link NativeBinding#JNI}.
     *
     * @throws IllegalStateException where {@link NativeBinding#PROPERTY} cannot be honoured
     */
    static String binding() {
        return BINDING != null ? BINDING : NativeBinding.choose(true);
    }

    /** Loads the native library and, for FFM, links the downcalls. */
    static void ensureLoaded() {
        binding();
        SlabbinNative.ensureLoaded();
        if (FFM) {
            Ffm.link();
        }
    }

    static long createWith(long size, long alignment, long capacity, long initialCapacity,
                           int flags) {
        if (!FFM) {
            return SlabbinNative.createWith(size, alignment, capacity, initialCapacity, flags);
        }
        try {
            return (long) Ffm.CREATE.invokeExact(size, alignment, capacity, initialCapacity,
                    flags);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static void destroy(long handle) {
        if (!FFM) {
            SlabbinNative.destroy(handle);
            return;
        }
        try {
            Ffm.DESTROY.invokeExact(handle);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static long allocate(long handle) {
        if (!FFM) {
            return SlabbinNative.allocate(handle);
        }
        try {
            return (long) Ffm.ALLOC.invokeExact(handle);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static long allocateZeroed(long handle) {
        if (!FFM) {
            return SlabbinNative.allocateZeroed(handle);
        }
        try {
            return (long) Ffm.ALLOC_ZEROED.invokeExact(handle);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static int deallocate(long handle, long address) {
        if (!FFM) {
            return SlabbinNative.deallocate(handle, address);
        }
        try {
            return (int) Ffm.FREE.invokeExact(handle, address);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static int allocateBatch(long handle, long[] addresses, int offset, int count) {
        if (!FFM) {
            return SlabbinNative.allocateBatch(handle, addresses, offset, count);
        }
        if (count <= 0) {
            return SlabbinNative.OK;
        }
        try {
            return (int) Ffm.ALLOC_BATCH.invokeExact(handle, Ffm.slice(addresses, offset),
                    (long) count);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static int allocateUpTo(long handle, long[] addresses, int offset, int max) {
        if (!FFM) {
            return SlabbinNative.allocateUpTo(handle, addresses, offset, max);
        }
        if (max <= 0) {
            return 0;
        }
        try {
            return (int) (long) Ffm.ALLOC_UPTO.invokeExact(handle, Ffm.slice(addresses, offset),
                    (long) max);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static long deallocateBatch(long handle, long[] addresses, int offset, int count) {
        if (!FFM) {
            return SlabbinNative.deallocateBatch(handle, addresses, offset, count);
        }
        if (count <= 0) {
            return 0;
        }
        try {
            return (long) Ffm.FREE_BATCH.invokeExact(handle, Ffm.slice(addresses, offset),
                    (long) count);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static int check(long handle, long address) {
        if (!FFM) {
            return SlabbinNative.check(handle, address);
        }
        try {
            return (int) Ffm.CHECK.invokeExact(handle, address);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static void reset(long handle) {
        if (!FFM) {
            SlabbinNative.reset(handle);
            return;
        }
        try {
            Ffm.RESET.invokeExact(handle);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static long trim(long handle) {
        if (!FFM) {
            return SlabbinNative.trim(handle);
        }
        try {
            return (long) Ffm.TRIM.invokeExact(handle);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    /**
     * {@code slabbin_get_stats} into native memory, then {@code out[0 .. min(out.length,
     * STATS_LENGTH))}: {@code slabbin_stats_t}'s {@code uint64_t} fields are in the order of the
     * {@code STAT_*} positions (the JNI glue's static assertions and the statistics tests, which
     * run with both bindings, hold the two together).
     */
    static void stats(long handle, long[] out) {
        if (!FFM) {
            SlabbinNative.stats(handle, out);
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG, SlabbinNative.STATS_LENGTH);
            Ffm.GET_STATS.invokeExact(handle, s);
            int n = Math.min(out.length, SlabbinNative.STATS_LENGTH);
            MemorySegment.copy(s, ValueLayout.JAVA_LONG, 0, out, 0, n);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static void setReserveLimit(long handle, long maxBytes) {
        if (!FFM) {
            SlabbinNative.setReserveLimit(handle, maxBytes);
            return;
        }
        try {
            Ffm.SET_RESERVE_LIMIT.invokeExact(handle, Math.max(0, maxBytes));
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static long layoutStride(long size, long alignment) {
        if (!FFM) {
            return SlabbinNative.layoutStride(size, alignment);
        }
        try {
            return (long) Ffm.LAYOUT_STRIDE.invokeExact(size, alignment);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static void poison(long handle, long address) {
        if (!FFM) {
            SlabbinNative.poison(handle, address);
            return;
        }
        try {
            Ffm.POISON.invokeExact(handle, address);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static long poisonDamage(long handle, long address, long from) {
        if (!FFM) {
            return SlabbinNative.poisonDamage(handle, address, from);
        }
        if (from < 0) {
            return -1;
        }
        try {
            return (long) Ffm.POISON_DAMAGE.invokeExact(handle, address, from);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    /** {@code slabbin_last_corruption} through two native words: out[0] = slot, out[1] = offset. */
    static int lastCorruption(long handle, long[] out) {
        if (!FFM) {
            return SlabbinNative.lastCorruption(handle, out);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_LONG, 2);
            int rc = (int) Ffm.LAST_CORRUPTION.invokeExact(handle, v, v.asSlice(Long.BYTES));
            if (rc == SlabbinNative.OK) {
                MemorySegment.copy(v, ValueLayout.JAVA_LONG, 0, out, 0, 2);
            }
            return rc;
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static String strerror(int status) {
        if (!FFM) {
            return SlabbinNative.strerror(status);
        }
        try {
            MemorySegment s = (MemorySegment) Ffm.STRERROR.invokeExact(status);
            return s.reinterpret(Ffm.STRING_MAX).getString(0);
        } catch (Throwable t) {
            throw Ffm.unexpected(t);
        }
    }

    static void zero(long address, long bytes) {
        if (!FFM) {
            SlabbinNative.zero(address, bytes);
            return;
        }
        Ffm.ALL.asSlice(address, bytes).fill((byte) 0);
    }

    /**
     * The FFM downcalls, linked when this class is first used (only with the FFM binding, after
     * the library is loaded: {@link SymbolLookup#loaderLookup()} finds the symbols of the library
     * {@link SlabbinLibrary} loaded through this class loader).
     */
    private static final class Ffm {
        private static final ValueLayout.OfLong J = ValueLayout.JAVA_LONG;
        private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
        private static final Linker.Option CRITICAL = Linker.Option.critical(false);
        private static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

        /** Every address: slots are sliced out of it ({@link #zero}). */
        static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
        /** Bytes a status description may have, at most (they are short English phrases). */
        static final long STRING_MAX = 4096;

        static {
            SlabbinNative.ensureLoaded();
        }

        static final MethodHandle CREATE = plain("slabbin_create_value",
                FunctionDescriptor.of(J, J, J, J, J, I));
        static final MethodHandle DESTROY = plain("slabbin_destroy", FunctionDescriptor.ofVoid(J));
        static final MethodHandle ALLOC = critical("slabbin_alloc_value",
                FunctionDescriptor.of(J, J));
        static final MethodHandle ALLOC_ZEROED = critical("slabbin_alloc_zeroed_value",
                FunctionDescriptor.of(J, J));
        static final MethodHandle FREE = critical("slabbin_free", FunctionDescriptor.of(I, J, J));
        static final MethodHandle ALLOC_BATCH = heap("slabbin_alloc_batch",
                FunctionDescriptor.of(I, J, ValueLayout.ADDRESS, J));
        static final MethodHandle ALLOC_UPTO = heap("slabbin_alloc_upto_value",
                FunctionDescriptor.of(J, J, ValueLayout.ADDRESS, J));
        static final MethodHandle FREE_BATCH = heap("slabbin_free_batch_value",
                FunctionDescriptor.of(J, J, ValueLayout.ADDRESS, J));
        static final MethodHandle CHECK = critical("slabbin_check", FunctionDescriptor.of(I, J, J));
        static final MethodHandle RESET = plain("slabbin_reset", FunctionDescriptor.ofVoid(J));
        static final MethodHandle TRIM = plain("slabbin_trim", FunctionDescriptor.of(J, J));
        static final MethodHandle GET_STATS = plain("slabbin_get_stats",
                FunctionDescriptor.ofVoid(J, ValueLayout.ADDRESS));
        static final MethodHandle SET_RESERVE_LIMIT = critical("slabbin_set_reserve_limit",
                FunctionDescriptor.ofVoid(J, J));
        static final MethodHandle LAYOUT_STRIDE = critical("slabbin_layout_stride_value",
                FunctionDescriptor.of(J, J, J));
        static final MethodHandle POISON = critical("slabbin_poison",
                FunctionDescriptor.ofVoid(J, J));
        static final MethodHandle POISON_DAMAGE = critical("slabbin_poison_damage",
                FunctionDescriptor.of(J, J, J, J));
        static final MethodHandle LAST_CORRUPTION = plain("slabbin_last_corruption",
                FunctionDescriptor.of(I, J, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        static final MethodHandle STRERROR = critical("slabbin_strerror",
                FunctionDescriptor.of(ValueLayout.ADDRESS, I));

        private Ffm() {}

        /** Links every downcall now (the static initializer does the work). */
        static void link() {}

        /** {@code addresses[offset..]} as a heap segment, for a {@code critical(true)} call. */
        static MemorySegment slice(long[] addresses, int offset) {
            return MemorySegment.ofArray(addresses).asSlice((long) offset * Long.BYTES);
        }

        /** A downcall handle threw what none of these C functions can: a bug, reported as one. */
        static Error unexpected(Throwable t) {
            if (t instanceof Error e) {
                throw e;
            }
            if (t instanceof RuntimeException e) {
                throw e;
            }
            return new AssertionError("slabbin: FFM downcall failed", t);
        }

        private static MethodHandle plain(String name, FunctionDescriptor d) {
            return link(name, d);
        }

        private static MethodHandle critical(String name, FunctionDescriptor d) {
            return link(name, d, CRITICAL);
        }

        private static MethodHandle heap(String name, FunctionDescriptor d) {
            return link(name, d, CRITICAL_HEAP);
        }

        private static MethodHandle link(String name, FunctionDescriptor d,
                                         Linker.Option... options) {
            MemorySegment symbol = SymbolLookup.loaderLookup().find(name).orElseThrow(
                    () -> new UnsatisfiedLinkError("slabbin: the loaded native library lacks "
                            + name + " (a library of another version?)"));
            return Linker.nativeLinker().downcallHandle(symbol, d, options);
        }
    }
}

package io.github.slabbin;

/**
 * The one way the library's main code reaches the C core: every method has the signature and
 * meaning of the {@link SlabbinNative} method of the same name (none validates its arguments;
 * statuses come back as negative numbers). This is the JDK 17 version, which calls JNI; the JAR's
 * {@code META-INF/versions/22} holds the version for JDK 22 and later, which calls the same C
 * functions through FFM downcalls unless {@link NativeBinding#PROPERTY} asks for JNI. Both
 * versions have the same package-private members, so the JAR stays a valid multi-release JAR.
 */
final class NativeCalls {
    /**
     * The binding of this JVM ({@link NativeBinding#choose}), or null where
     * {@link NativeBinding#PROPERTY} cannot be honoured ({@link #binding()} throws then).
     */
    private static final String BINDING = NativeBinding.chooseOrNull(false);

    private NativeCalls() {}

    /**
     * The binding of this JVM: {@link NativeBinding#FFM} or {@link NativeBinding#JNI}.
     *
     * @throws IllegalStateException where {@link NativeBinding#PROPERTY} cannot be honoured
     */
    static String binding() {
        return BINDING != null ? BINDING : NativeBinding.choose(false);
    }

    /** Loads the native library (and, in the JDK 22 version, links the FFM downcalls). */
    static void ensureLoaded() {
        binding();
        SlabbinNative.ensureLoaded();
    }

    static long createWith(long size, long alignment, long capacity, long initialCapacity,
                           int flags) {
        return SlabbinNative.createWith(size, alignment, capacity, initialCapacity, flags);
    }

    static void destroy(long handle) {
        SlabbinNative.destroy(handle);
    }

    static long allocate(long handle) {
        return SlabbinNative.allocate(handle);
    }

    static long allocateZeroed(long handle) {
        return SlabbinNative.allocateZeroed(handle);
    }

    static int deallocate(long handle, long address) {
        return SlabbinNative.deallocate(handle, address);
    }

    static int allocateBatch(long handle, long[] addresses, int offset, int count) {
        return SlabbinNative.allocateBatch(handle, addresses, offset, count);
    }

    static int allocateUpTo(long handle, long[] addresses, int offset, int max) {
        return SlabbinNative.allocateUpTo(handle, addresses, offset, max);
    }

    static long deallocateBatch(long handle, long[] addresses, int offset, int count) {
        return SlabbinNative.deallocateBatch(handle, addresses, offset, count);
    }

    static int check(long handle, long address) {
        return SlabbinNative.check(handle, address);
    }

    static void reset(long handle) {
        SlabbinNative.reset(handle);
    }

    static long trim(long handle) {
        return SlabbinNative.trim(handle);
    }

    static void stats(long handle, long[] out) {
        SlabbinNative.stats(handle, out);
    }

    static void setReserveLimit(long handle, long maxBytes) {
        SlabbinNative.setReserveLimit(handle, maxBytes);
    }

    static long layoutStride(long size, long alignment) {
        return SlabbinNative.layoutStride(size, alignment);
    }

    static void poison(long handle, long address) {
        SlabbinNative.poison(handle, address);
    }

    static long poisonDamage(long handle, long address, long from) {
        return SlabbinNative.poisonDamage(handle, address, from);
    }

    static int lastCorruption(long handle, long[] out) {
        return SlabbinNative.lastCorruption(handle, out);
    }

    static String strerror(int status) {
        return SlabbinNative.strerror(status);
    }

    static void zero(long address, long bytes) {
        SlabbinNative.zero(address, bytes);
    }
}

/*
 * slabbin_jni.c - JNI entry points of io.github.slabbin.SlabbinNative. Thin: every function only
 * translates between Java longs/arrays and the C API in slabbin.h; the Java side turns status codes
 * into exceptions. The header io_github_slabbin_SlabbinNative.h is written by `javac -h` at build
 * time, so a signature mismatch between Java and C fails the build.
 *
 * Addresses cross as jlong. A status code crosses as a negative jlong/jint (SLABBIN_E*, -1..-6);
 * user-space addresses on the supported 64-bit platforms are positive, so the two never collide.
 */
#include <jni.h>
#include <string.h>

#include "io_github_slabbin_SlabbinNative.h"
#include "slabbin.h"

#define A(h) ((slabbin_t *)(intptr_t)(h))
#define P(x) ((void *)(intptr_t)(x))
#define J(p) ((jlong)(intptr_t)(p))

/* slabbin_create_with(): the first slab's capacity is initialCapacity (1..capacity; each next
 * slab doubles up to capacity; initialCapacity == capacity is slabbin_create). */
JNIEXPORT jlong JNICALL Java_io_github_slabbin_SlabbinNative_createWith(
    JNIEnv *env, jclass cls, jlong size, jlong alignment, jlong capacity, jlong initialCapacity,
    jint flags) {
    (void)env;
    (void)cls;
    if (size <= 0 || alignment <= 0 || capacity <= 0 || initialCapacity <= 0) {
        return SLABBIN_EINVAL;
    }
    return (jlong)slabbin_create_value((size_t)size, (size_t)alignment, (size_t)capacity,
                                       (size_t)initialCapacity, (unsigned)flags);
}

JNIEXPORT void JNICALL Java_io_github_slabbin_SlabbinNative_destroy(JNIEnv *env, jclass cls,
                                                                    jlong h) {
    (void)env;
    (void)cls;
    slabbin_destroy(A(h));
}

JNIEXPORT jlong JNICALL Java_io_github_slabbin_SlabbinNative_allocate(JNIEnv *env, jclass cls,
                                                                      jlong h) {
    (void)env;
    (void)cls;
    return (jlong)slabbin_alloc_value(A(h));
}

JNIEXPORT jlong JNICALL Java_io_github_slabbin_SlabbinNative_allocateZeroed(JNIEnv *env,
                                                                            jclass cls, jlong h) {
    (void)env;
    (void)cls;
    return (jlong)slabbin_alloc_zeroed_value(A(h));
}

JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinNative_deallocate(JNIEnv *env, jclass cls,
                                                                       jlong h, jlong address) {
    (void)env;
    (void)cls;
    return slabbin_free(A(h), P(address));
}

/* A long[] region is used as a void *[] directly: the batch calls need 64-bit pointers. */
_Static_assert(sizeof(void *) == sizeof(jlong), "slabbin's JNI binding needs 64-bit pointers");

JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinNative_allocateBatch(JNIEnv *env, jclass cls,
                                                                          jlong h, jlongArray arr,
                                                                          jint off, jint count) {
    (void)cls;
    if (count <= 0) return SLABBIN_OK;
    jlong *elems = (*env)->GetPrimitiveArrayCritical(env, arr, NULL);
    if (elems == NULL) return SLABBIN_ENOMEM;
    int rc = slabbin_alloc_batch(A(h), (void **)(elems + off), (size_t)count);
    (*env)->ReleasePrimitiveArrayCritical(env, arr, elems, rc == SLABBIN_OK ? 0 : JNI_ABORT);
    return rc;
}

/* Returns the count placed (>= 1), or a status (<= 0). */
JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinNative_allocateUpTo(JNIEnv *env, jclass cls,
                                                                         jlong h, jlongArray arr,
                                                                         jint off, jint max) {
    (void)cls;
    if (max <= 0) return 0;
    jlong *elems = (*env)->GetPrimitiveArrayCritical(env, arr, NULL);
    if (elems == NULL) return SLABBIN_ENOMEM;
    ptrdiff_t n = slabbin_alloc_upto_value(A(h), (void **)(elems + off), (size_t)max);
    (*env)->ReleasePrimitiveArrayCritical(env, arr, elems, n > 0 ? 0 : JNI_ABORT);
    return (jint)n;
}

/* A refused batch free, packed for SlabbinNative.deallocateBatch (decoded by BatchError.decode)
 * as slabbin_free_batch_value() packs it: the index of the first refused entry above
 * BATCH_INDEX_SHIFT bits holding -status. */
_Static_assert(io_github_slabbin_SlabbinNative_BATCH_INDEX_SHIFT == SLABBIN_BATCH_INDEX_SHIFT,
               "SlabbinNative.BATCH_INDEX_SHIFT must be slabbin.h's SLABBIN_BATCH_INDEX_SHIFT");

/* Returns 0, or (index of the first refused address << BATCH_INDEX_SHIFT) | -status. */
JNIEXPORT jlong JNICALL Java_io_github_slabbin_SlabbinNative_deallocateBatch(
    JNIEnv *env, jclass cls, jlong h, jlongArray arr, jint off, jint count) {
    (void)cls;
    if (count <= 0) return 0;
    jlong *elems = (*env)->GetPrimitiveArrayCritical(env, arr, NULL);
    if (elems == NULL) return -SLABBIN_ENOMEM;      /* index 0 */
    int64_t r = slabbin_free_batch_value(A(h), (void *const *)(elems + off), (size_t)count);
    (*env)->ReleasePrimitiveArrayCritical(env, arr, elems, JNI_ABORT);
    return (jlong)r;
}

JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinNative_check(JNIEnv *env, jclass cls,
                                                                  jlong h, jlong address) {
    (void)env;
    (void)cls;
    return slabbin_check(A(h), P(address));
}

JNIEXPORT void JNICALL Java_io_github_slabbin_SlabbinNative_reset(JNIEnv *env, jclass cls,
                                                                  jlong h) {
    (void)env;
    (void)cls;
    slabbin_reset(A(h));
}

JNIEXPORT jlong JNICALL Java_io_github_slabbin_SlabbinNative_trim(JNIEnv *env, jclass cls,
                                                                  jlong h) {
    (void)env;
    (void)cls;
    return (jlong)slabbin_trim(A(h));
}

/* The stats array's positions: the STAT_* constants of SlabbinNative, which javac -h writes into
 * the generated header, so Java and C share one definition. A position out of range fails to
 * compile; two fields at one position trip -Woverride-init (-Wextra, -Werror in CI). */
#define STAT(name) io_github_slabbin_SlabbinNative_STAT_##name
#define STATS_LENGTH io_github_slabbin_SlabbinNative_STATS_LENGTH
_Static_assert(STATS_LENGTH == 11, "SlabbinNative.STATS_LENGTH must count slabbin_stats_t's fields");

/* Fills out[0..min(out.length, STATS_LENGTH)) with slabbin_stats_t, each field at its STAT_*
 * position (SlabbinNative.stats; decoded by NativeStats.read). */
JNIEXPORT void JNICALL Java_io_github_slabbin_SlabbinNative_stats(JNIEnv *env, jclass cls,
                                                                  jlong h, jlongArray out) {
    (void)cls;
    slabbin_stats_t s;
    slabbin_get_stats(A(h), &s);
    jlong v[STATS_LENGTH] = {
        [STAT(SLOT_SIZE)] = (jlong)s.slot_size,
        [STAT(ALIGNMENT)] = (jlong)s.alignment,
        [STAT(STRIDE)] = (jlong)s.stride,
        [STAT(SLAB_CAPACITY)] = (jlong)s.slab_capacity,
        [STAT(SLAB_COUNT)] = (jlong)s.slab_count,
        [STAT(LIVE_SLOTS)] = (jlong)s.live_slots,
        [STAT(PEAK_LIVE_SLOTS)] = (jlong)s.peak_live_slots,
        [STAT(RESERVED_BYTES)] = (jlong)s.reserved_bytes,
        [STAT(INITIAL_SLAB_CAPACITY)] = (jlong)s.initial_slab_capacity,
        [STAT(RESERVED_SLOTS)] = (jlong)s.reserved_slots,
        [STAT(PEAK_RESERVED_BYTES)] = (jlong)s.peak_reserved_bytes,
    };
    jsize n = (*env)->GetArrayLength(env, out);
    if (n > STATS_LENGTH) n = STATS_LENGTH;
    (*env)->SetLongArrayRegion(env, out, 0, n, v);
}

JNIEXPORT void JNICALL Java_io_github_slabbin_SlabbinNative_setReserveLimit(JNIEnv *env,
                                                                            jclass cls, jlong h,
                                                                            jlong maxBytes) {
    (void)env;
    (void)cls;
    slabbin_set_reserve_limit(A(h), maxBytes < 0 ? 0 : (uint64_t)maxBytes);
}

JNIEXPORT jlong JNICALL Java_io_github_slabbin_SlabbinNative_layoutStride(JNIEnv *env,
                                                                          jclass cls, jlong size,
                                                                          jlong alignment) {
    (void)env;
    (void)cls;
    if (size <= 0 || alignment <= 0) return SLABBIN_EINVAL;
    return (jlong)slabbin_layout_stride_value((size_t)size, (size_t)alignment);
}

JNIEXPORT jstring JNICALL Java_io_github_slabbin_SlabbinNative_strerror(JNIEnv *env, jclass cls,
                                                                        jint status) {
    (void)cls;
    return (*env)->NewStringUTF(env, slabbin_strerror(status));
}

/* Debug mode (SLABBIN_DEBUG): poisons a slot the caller keeps free itself (a magazine). */
JNIEXPORT void JNICALL Java_io_github_slabbin_SlabbinNative_poison(JNIEnv *env, jclass cls,
                                                                   jlong h, jlong address) {
    (void)env;
    (void)cls;
    slabbin_poison(A(h), P(address));
}

/* The first damaged offset in [from, stride) of a poisoned slot, or -1 if intact. */
JNIEXPORT jlong JNICALL Java_io_github_slabbin_SlabbinNative_poisonDamage(JNIEnv *env,
                                                                          jclass cls, jlong h,
                                                                          jlong address,
                                                                          jlong from) {
    (void)env;
    (void)cls;
    if (from < 0) return -1;
    return (jlong)slabbin_poison_damage(A(h), P(address), (size_t)from);
}

/* After SLABBIN_ECORRUPT: out[0] = the damaged slot, out[1] = its first damaged offset. Returns
 * SLABBIN_OK, or SLABBIN_EINVAL when no corruption was reported (out untouched). */
JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinNative_lastCorruption(JNIEnv *env,
                                                                           jclass cls, jlong h,
                                                                           jlongArray out) {
    (void)cls;
    void *slot = NULL;
    size_t offset = 0;
    int rc = slabbin_last_corruption(A(h), &slot, &offset);
    if (rc == SLABBIN_OK) {
        jlong v[2] = {J(slot), (jlong)offset};
        (*env)->SetLongArrayRegion(env, out, 0, 2, v);
    }
    return rc;
}

JNIEXPORT void JNICALL Java_io_github_slabbin_SlabbinNative_zero(JNIEnv *env, jclass cls,
                                                                 jlong address, jlong bytes) {
    (void)env;
    (void)cls;
    memset(P(address), 0, (size_t)bytes);
}

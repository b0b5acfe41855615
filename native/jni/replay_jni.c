/*
 * replay_jni.c - JNI entry points of io.github.slabbin.replay.NativeReplay (in libslabbin_tools):
 * copy a decoded trace into C arrays once, plan it and replay it in C as often as asked
 * (replay.h), release it; and the replay contract's pattern and copy calls for the Java driver.
 * Thin translation: every rule lives in replay.h.
 */
#include <jni.h>
#include <stdlib.h>
#include <string.h>

#include "io_github_slabbin_replay_NativeReplay.h"
#include "replay.h"

typedef struct held {
    replay_trace_t t;
    uint8_t *op;
    int32_t *id;
    int32_t *old_id;
    int64_t *size;
} held_t;

static void release(held_t *h) {
    if (h == NULL) return;
    free(h->op);
    free(h->id);
    free(h->old_id);
    free(h->size);
    free(h);
}

JNIEXPORT jlong JNICALL Java_io_github_slabbin_replay_NativeReplay_prepare(
    JNIEnv *env, jclass cls, jbyteArray op, jintArray id, jintArray oldId, jlongArray size,
    jint events, jint blocks) {
    (void)cls;
    if (events < 0 || blocks < 0) return 0;
    size_t n = (size_t)events ? (size_t)events : 1;
    held_t *h = calloc(1, sizeof(held_t));
    if (h == NULL) return 0;
    h->op = malloc(n);
    h->id = malloc(n * sizeof(int32_t));
    h->old_id = malloc(n * sizeof(int32_t));
    h->size = malloc(n * sizeof(int64_t));
    if (h->op == NULL || h->id == NULL || h->old_id == NULL || h->size == NULL) {
        release(h);
        return 0;
    }
    (*env)->GetByteArrayRegion(env, op, 0, events, (jbyte *)h->op);
    (*env)->GetIntArrayRegion(env, id, 0, events, (jint *)h->id);
    (*env)->GetIntArrayRegion(env, oldId, 0, events, (jint *)h->old_id);
    (*env)->GetLongArrayRegion(env, size, 0, events, (jlong *)h->size);
    if ((*env)->ExceptionCheck(env)) {
        release(h);
        return 0;
    }
    h->t.events = (size_t)events;
    h->t.op = h->op;
    h->t.id = h->id;
    h->t.old_id = h->old_id;
    h->t.size = h->size;
    h->t.blocks = blocks;
    return (jlong)(intptr_t)h;
}

JNIEXPORT void JNICALL Java_io_github_slabbin_replay_NativeReplay_release(JNIEnv *env,
                                                                          jclass cls,
                                                                          jlong handle) {
    (void)env;
    (void)cls;
    release((held_t *)(intptr_t)handle);
}

/* Copies the class tables of a routing out of Java arrays; 0, or -2 when out of memory. */
typedef struct classes {
    replay_classes_t c;
    int64_t *sizes;
    int32_t *of;
} classes_t;

static int classes_in(JNIEnv *env, classes_t *k, jlongArray classSize, jintArray classOf,
                      jlong limit, jlong initialSlabBytes) {
    jsize count = (*env)->GetArrayLength(env, classSize);
    jsize lookup = (*env)->GetArrayLength(env, classOf);
    k->sizes = malloc(((size_t)count + 1) * sizeof(int64_t));
    k->of = malloc(((size_t)lookup + 1) * sizeof(int32_t));
    if (k->sizes == NULL || k->of == NULL) return -2;
    (*env)->GetLongArrayRegion(env, classSize, 0, count, (jlong *)k->sizes);
    (*env)->GetIntArrayRegion(env, classOf, 0, lookup, (jint *)k->of);
    /* the lookup table must reach the limit: (limit + 15) / 16 is its last index */
    if (limit < 0 || (limit + 15) / 16 >= lookup) return -1;
    if (initialSlabBytes < 0) return -1;
    k->c = (replay_classes_t){count, k->sizes, k->of, limit, initialSlabBytes};
    return 0;
}

static void classes_free(classes_t *k) {
    free(k->sizes);
    free(k->of);
}

JNIEXPORT jint JNICALL Java_io_github_slabbin_replay_NativeReplay_plan(
    JNIEnv *env, jclass cls, jlong handle, jlongArray classSize, jintArray classOf, jlong limit,
    jboolean slabs, jbyteArray step, jintArray blockClass) {
    (void)cls;
    held_t *h = (held_t *)(intptr_t)handle;
    classes_t k = {0};
    uint8_t *st = malloc(h->t.events + 1);
    int32_t *bc = malloc(((size_t)h->t.blocks + 1) * sizeof(int32_t));
    int rc = st != NULL && bc != NULL ? classes_in(env, &k, classSize, classOf, limit, 0) : -2;
    if (rc == 0) rc = replay_plan(&h->t, &k.c, slabs, st, bc);
    if (rc == 0) {
        (*env)->SetByteArrayRegion(env, step, 0, (jsize)h->t.events, (const jbyte *)st);
        (*env)->SetIntArrayRegion(env, blockClass, 0, h->t.blocks, (const jint *)bc);
    }
    classes_free(&k);
    free(st);
    free(bc);
    return rc;
}

/* replay_run; mode is its use_slabs: 0 malloc, 1 slabbin checked, REPLAY_SLABS_UNCHECKED. */
JNIEXPORT jint JNICALL Java_io_github_slabbin_replay_NativeReplay_run(
    JNIEnv *env, jclass cls, jlong handle, jlongArray classSize, jintArray classOf, jlong limit,
    jlong initialSlabBytes, jint mode, jint flags, jlongArray result) {
    (void)cls;
    held_t *h = (held_t *)(intptr_t)handle;
    classes_t k = {0};
    replay_result_t r;
    memset(&r, 0, sizeof(r));
    int rc = classes_in(env, &k, classSize, classOf, limit, initialSlabBytes);
    if (rc == 0) rc = replay_run(&h->t, &k.c, mode, flags, &r);
    classes_free(&k);
    jlong out[7] = {r.nanos, r.bad_event, r.reserved_peak, r.reserved_after_trim, r.slabs,
                    r.peak_footprint, r.peak_system_bytes};
    (*env)->SetLongArrayRegion(env, result, 0, 7, out);
    return rc;
}

JNIEXPORT jint JNICALL Java_io_github_slabbin_replay_NativeReplay_slabCapacity(JNIEnv *env,
                                                                             jclass cls,
                                                                             jlong classSize) {
    (void)env;
    (void)cls;
    size_t cap = replay_slab_capacity(classSize);
    return cap > INT32_MAX ? INT32_MAX : (jint)cap;
}

JNIEXPORT jint JNICALL Java_io_github_slabbin_replay_NativeReplay_initialSlabCapacity(
    JNIEnv *env, jclass cls, jlong classSize, jlong initialSlabBytes) {
    (void)env;
    (void)cls;
    replay_classes_t c = {0, NULL, NULL, 0, initialSlabBytes < 0 ? 0 : initialSlabBytes};
    size_t cap = replay_initial_slab_capacity(&c, classSize);
    return cap > INT32_MAX ? INT32_MAX : (jint)cap;
}

JNIEXPORT void JNICALL Java_io_github_slabbin_replay_NativeReplay_putPattern(
    JNIEnv *env, jclass cls, jlong address, jlong size, jlong event, jboolean full) {
    (void)env;
    (void)cls;
    replay_put_pattern((void *)(intptr_t)address, (uint64_t)size, (uint64_t)event, full);
}

JNIEXPORT jboolean JNICALL Java_io_github_slabbin_replay_NativeReplay_checkPattern(
    JNIEnv *env, jclass cls, jlong address, jlong size, jlong event, jboolean full) {
    (void)env;
    (void)cls;
    return replay_check_pattern((const void *)(intptr_t)address, (uint64_t)size, (uint64_t)event,
                                full) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_io_github_slabbin_replay_NativeReplay_copy(
    JNIEnv *env, jclass cls, jlong to, jlong from, jlong bytes) {
    (void)env;
    (void)cls;
    memcpy((void *)(intptr_t)to, (const void *)(intptr_t)from, (size_t)bytes);
}

/*
 * replay_jni.c - JNI entry points of io.github.slabbin.replay.NativeReplay: copy a decoded trace
 * into C arrays once, replay it in C as often as asked (replay.h), release it. Thin translation.
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

JNIEXPORT jint JNICALL Java_io_github_slabbin_replay_NativeReplay_run(
    JNIEnv *env, jclass cls, jlong handle, jlongArray classSize, jintArray classOf, jlong limit,
    jboolean slabs, jboolean full, jlongArray result) {
    (void)cls;
    held_t *h = (held_t *)(intptr_t)handle;
    jsize count = (*env)->GetArrayLength(env, classSize);
    jsize lookup = (*env)->GetArrayLength(env, classOf);
    int64_t *sizes = malloc(((size_t)count + 1) * sizeof(int64_t));
    int32_t *of = malloc(((size_t)lookup + 1) * sizeof(int32_t));
    int rc = -2;
    replay_result_t r;
    memset(&r, 0, sizeof(r));
    if (sizes != NULL && of != NULL) {
        (*env)->GetLongArrayRegion(env, classSize, 0, count, (jlong *)sizes);
        (*env)->GetIntArrayRegion(env, classOf, 0, lookup, (jint *)of);
        replay_classes_t c = {count, sizes, of, limit};
        rc = replay_run(&h->t, &c, slabs, full, &r);
    }
    free(sizes);
    free(of);
    jlong out[5] = {r.nanos, r.bad_event, r.reserved_peak, r.reserved_after_trim, r.slabs};
    (*env)->SetLongArrayRegion(env, result, 0, 5, out);
    return rc;
}

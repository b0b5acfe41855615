/*
 * peers_jni.c - JNI entry points of the native peers slabbin is compared with (in
 * libslabbin_tools): io.github.slabbin.peers.SystemAllocator (the C library's malloc, realloc and
 * free, one JNI call each, the crossing a SlabAllocator call pays) and
 * io.github.slabbin.peers.EmptyJniCall (a call that does nothing: the floor of every crossing).
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>

#include "io_github_slabbin_peers_EmptyJniCall.h"
#include "io_github_slabbin_peers_SystemAllocator.h"

JNIEXPORT jlong JNICALL Java_io_github_slabbin_peers_SystemAllocator_malloc0(JNIEnv *env,
                                                                            jclass cls,
                                                                            jlong size) {
    (void)env;
    (void)cls;
    return (jlong)(intptr_t)malloc((size_t)size);
}

JNIEXPORT jlong JNICALL Java_io_github_slabbin_peers_SystemAllocator_realloc0(JNIEnv *env,
                                                                             jclass cls,
                                                                             jlong address,
                                                                             jlong size) {
    (void)env;
    (void)cls;
    return (jlong)(intptr_t)realloc((void *)(intptr_t)address, (size_t)size);
}

JNIEXPORT void JNICALL Java_io_github_slabbin_peers_SystemAllocator_free(JNIEnv *env, jclass cls,
                                                                         jlong address) {
    (void)env;
    (void)cls;
    free((void *)(intptr_t)address);
}

JNIEXPORT jlong JNICALL Java_io_github_slabbin_peers_EmptyJniCall_call(JNIEnv *env, jclass cls,
                                                                       jlong x) {
    (void)env;
    (void)cls;
    return x;
}

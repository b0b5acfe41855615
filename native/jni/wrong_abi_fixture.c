/*
 * wrong_abi_fixture.c - a test fixture, never shipped: a library that answers the loader's version
 * check like slabbin's library built with another ABI number, so the Java tests can see the loader
 * refuse it (SlabbinLoaderTest).
 */
#include <jni.h>

#include "io_github_slabbin_SlabbinLibrary.h"
#include "slabbin.h"

JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinLibrary_abiVersion(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return SLABBIN_ABI_VERSION + 1;
}

JNIEXPORT jstring JNICALL Java_io_github_slabbin_SlabbinLibrary_nativeVersion(JNIEnv *env,
                                                                            jclass cls) {
    (void)cls;
    return (*env)->NewStringUTF(env, "0.0.0-wrong-abi");
}

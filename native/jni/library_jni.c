/*
 * library_jni.c - JNI entry points of io.github.slabbin.SlabbinLibrary: the version and ABI number
 * of the loaded library, which the loader checks before it accepts a library file. Thin: they only
 * pass on slabbin_abi_version() and slabbin_version().
 */
#include <jni.h>

#include "io_github_slabbin_SlabbinLibrary.h"
#include "slabbin.h"

JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinLibrary_abiVersion(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return slabbin_abi_version();
}

JNIEXPORT jstring JNICALL Java_io_github_slabbin_SlabbinLibrary_nativeVersion(JNIEnv *env,
                                                                            jclass cls) {
    (void)cls;
    return (*env)->NewStringUTF(env, slabbin_version());
}

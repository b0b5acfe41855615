/*
 * wrong_library_fixture.c - a test fixture, never shipped: a library that answers the loader's
 * version check like slabbin's library of another build, so the Java tests can see the loader
 * refuse it (SlabbinLoaderTest). CMake builds it twice: slabbin_wrong_abi answers with another ABI
 * number (FIXTURE_ABI_VERSION), slabbin_wrong_version with this ABI but another version
 * (FIXTURE_VERSION).
 */
#include <jni.h>

#include "io_github_slabbin_SlabbinLibrary.h"
#include "slabbin.h"

#ifndef FIXTURE_ABI_VERSION
#error "FIXTURE_ABI_VERSION must be defined (the ABI number the fixture reports)"
#endif
#ifndef FIXTURE_VERSION
#error "FIXTURE_VERSION must be defined (the version string the fixture reports)"
#endif

JNIEXPORT jint JNICALL Java_io_github_slabbin_SlabbinLibrary_abiVersion(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
    return FIXTURE_ABI_VERSION;
}

JNIEXPORT jstring JNICALL Java_io_github_slabbin_SlabbinLibrary_nativeVersion(JNIEnv *env,
                                                                            jclass cls) {
    (void)cls;
    return (*env)->NewStringUTF(env, FIXTURE_VERSION);
}

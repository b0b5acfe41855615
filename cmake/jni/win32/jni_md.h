/*
 * jni_md.h for Windows (x86-64 and aarch64), used when building slabbin's JNI library for Windows
 * on another platform, whose JDK carries only its own jni_md.h (see cmake/SlabbinJni.cmake).
 * It defines what the JNI specification leaves to the platform, as a Windows JVM expects it:
 * 32-bit jint and 64-bit jlong under the LLP64 model (long is 32 bits there), and exports by
 * __declspec(dllexport). JNICALL is __stdcall, which only 32-bit x86 distinguishes.
 */
#ifndef SLABBIN_JNI_MD_WIN32_H
#define SLABBIN_JNI_MD_WIN32_H

#ifndef _WIN32
#  error "this jni_md.h is for Windows targets"
#endif

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

typedef long jint;
typedef __int64 jlong;
typedef signed char jbyte;

#endif

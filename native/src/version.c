/*
 * version.c - the library's version and ABI number (see slabbin.h). SLABBIN_VERSION_STRING comes
 * from the build (CMake's SLABBIN_VERSION, which Maven sets to the project version).
 */
#include "slabbin.h"

#ifndef SLABBIN_VERSION_STRING
#  error "SLABBIN_VERSION_STRING must be defined by the build"
#endif

int slabbin_abi_version(void) {
    return SLABBIN_ABI_VERSION;
}

const char *slabbin_version(void) {
    return SLABBIN_VERSION_STRING;
}

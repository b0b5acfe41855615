# Linux aarch64 (glibc) with Debian's cross compiler (gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross). Tests run under qemu-user (qemu-aarch64) with the cross C library as its
# root: ctest does that by itself through CMAKE_CROSSCOMPILING_EMULATOR.
#   cmake -S native -B build-aarch64 --toolchain cmake/toolchains/linux-aarch64.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SLABBIN_CROSS_TRIPLE aarch64-linux-gnu)
set(SLABBIN_CROSS_SYSROOT "/usr/${SLABBIN_CROSS_TRIPLE}" CACHE PATH
    "Root of the aarch64 C library, for qemu-aarch64 -L")

set(CMAKE_C_COMPILER ${SLABBIN_CROSS_TRIPLE}-gcc)
set(CMAKE_FIND_ROOT_PATH "${SLABBIN_CROSS_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

find_program(SLABBIN_QEMU_AARCH64 qemu-aarch64)
if(SLABBIN_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${SLABBIN_QEMU_AARCH64};-L;${SLABBIN_CROSS_SYSROOT}")
endif()

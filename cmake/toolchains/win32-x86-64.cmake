# Windows x86-64 with Debian's MinGW-w64 cross compiler (gcc-mingw-w64-x86-64-win32). JNI's
# jni_md.h for Windows comes from cmake/jni/win32 (the host JDK only has its own platform's).
# Tests run under Wine (wine64) through CMAKE_CROSSCOMPILING_EMULATOR; set WINEPREFIX to keep
# Wine's configuration out of your home folder and WINEDEBUG=-all to silence it.
#   cmake -S native -B build-win64 --toolchain cmake/toolchains/win32-x86-64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SLABBIN_CROSS_TRIPLE x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${SLABBIN_CROSS_TRIPLE}-gcc)
# C99 printf (%zu, ...) from MinGW's own stdio instead of the old msvcrt.dll's. GCC still checks
# format(printf) functions against msvcrt's formats here, which lack %zu, so format checks are off
# for this target; every other build checks the same format strings.
set(CMAKE_C_FLAGS_INIT "-D__USE_MINGW_ANSI_STDIO=1 -Wno-format")
set(CMAKE_RC_COMPILER ${SLABBIN_CROSS_TRIPLE}-windres)
set(CMAKE_FIND_ROOT_PATH "/usr/${SLABBIN_CROSS_TRIPLE}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# Debian installs the 64-bit Wine loader outside PATH.
find_program(SLABBIN_WINE64 NAMES wine64 wine PATHS /usr/lib/wine /usr/lib64/wine)
if(SLABBIN_WINE64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${SLABBIN_WINE64}")
endif()

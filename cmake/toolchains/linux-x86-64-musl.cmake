# Linux x86-64 with musl instead of glibc, through Debian's musl-gcc wrapper (musl-tools). The
# library goes to the JAR folder linux-x86-64-musl, which the Java loader picks on musl systems.
# The tests are musl programs and run here directly (the musl loader is /lib/ld-musl-x86_64.so.1).
#   cmake -S native -B build-musl --toolchain cmake/toolchains/linux-x86-64-musl.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(SLABBIN_LIBC musl)
set(CMAKE_C_COMPILER musl-gcc)

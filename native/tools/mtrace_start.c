/*
 * Preload library that turns on glibc's allocation tracer for a whole program run.
 *
 * Built and used by scripts/record-trace:
 *
 *   cc -shared -fPIC -O2 -Wall -Wextra -o libmtrace_start.so native/tools/mtrace_start.c
 *   MALLOC_TRACE=out.mtrace \
 *     LD_PRELOAD=libc_malloc_debug.so.0:./libmtrace_start.so COMMAND [ARGS...]
 *
 * On glibc >= 2.34 the working mtrace() lives in libc_malloc_debug.so, which must be preloaded
 * before this library so that the call below binds to it; on older glibc mtrace() is part of
 * libc and this library alone is enough.
 *
 * mtrace() writes "= Start" and then one line per malloc, free and realloc to the file named
 * by MALLOC_TRACE; muntrace() writes "= End". The constructor removes MALLOC_TRACE from the
 * environment after starting the tracer, so that programs started by the traced one do not
 * truncate and overwrite the trace file with their own: only the top process is traced.
 */
#define _POSIX_C_SOURCE 200809L /* unsetenv */

#include <mcheck.h>
#include <stdlib.h>

__attribute__((constructor)) static void slabbin_mtrace_start(void)
{
    if (getenv("MALLOC_TRACE") == NULL) {
        return;
    }
    mtrace();
    unsetenv("MALLOC_TRACE");
}

__attribute__((destructor)) static void slabbin_mtrace_stop(void)
{
    muntrace();
}

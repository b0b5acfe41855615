/*
 * Preload library that writes one allocation trace per process in glibc's mtrace(3) format.
 *
 * Built and used by scripts/record-trace:
 *
 *   cc -shared -fPIC -O2 -pthread -Wall -Wextra -o mtrace_per_process.so \
 *     native/tools/mtrace_per_process.c -ldl
 *   SLABBIN_TRACE_DIR=/abs/dir LD_PRELOAD=./mtrace_per_process.so COMMAND [ARGS...]
 *
 * Why not glibc's own tracer (mtrace() in libc_malloc_debug.so with MALLOC_TRACE): it writes
 * every process into the one file MALLOC_TRACE names through a buffered stdio stream, so a
 * program that forks (a shell, make, a python shim) gives a torn file: a forked child inherits
 * the parent's unflushed buffer and writes it again, processes interleave partial lines, and a
 * program started by exec truncates the file. Here every process image writes its own file.
 *
 * Files: DIR/PID-NAME.mtrace, NAME the program's name (argv[0] without directories, characters
 * outside [A-Za-z0-9._+-] replaced by '_'); a second image with the same pid and name (an exec of
 * the same program) gets PID-NAME.2.mtrace, and so on. Each file starts with
 *
 *   = Start
 *   = pid PID parent PPID exec|fork       (exec: a new program image; fork: a forked copy)
 *   = command ARGV0 ARGV1 ...             (from /proc/self/cmdline, blanks for tabs/newlines)
 *
 * then one line per event, without a caller field: "+ 0xADDR 0xSIZE" (malloc, calloc,
 * memalign, posix_memalign, aligned_alloc, valloc, pvalloc), "- 0xADDR" (free), "< 0xOLD" and
 * "> 0xNEW 0xSIZE" (realloc; realloc(NULL, n) is "+", realloc(p, 0) that frees is "-"), and
 * "= End" when the process image ends: at exit(), at _exit()/_Exit(), and just before a
 * successful exec (an exec that fails takes the "= End" back). A file without "= End" belongs to
 * a process killed by a signal (its last up to 64 KiB of events are lost with it).
 *
 * Fork: the parent's pending lines are written before fork() (pthread_atfork), and the child
 * starts its own file ("fork"). vfork() children and posix_spawn() (which does not run the fork
 * handlers) only exec; the new image starts its own file.
 *
 * Progress: when SLABBIN_TRACE_PROGRESS names a file of at least 16 bytes, every process adds its
 * event count (in steps of 4096 events, and the rest at its end) to the 64-bit counter at offset
 * 0 and 1 to the process counter at offset 8, atomically, through a shared mapping.
 *
 * Events are written under one spin lock per process, so threads' lines never mix. The real
 * allocator is glibc's (__libc_malloc and friends); nothing here allocates. A program linked
 * statically, or set-user-ID (the dynamic linker ignores LD_PRELOAD), is not traced.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

#define BUFFER_BYTES (1 << 16)
#define MAX_LINE 128          /* longest line written by one event call, bytes */
#define PROGRESS_STEP 4096    /* events between updates of the shared progress counter */

/* The state of this process image's trace; guarded by `lock` (0 free, 1 held). */
static struct {
    volatile int lock;
    int state;                /* 0: not started, 1: tracing, 2: ended or off */
    int fd;                   /* the trace file, O_CLOEXEC */
    long pid;                 /* the process the trace belongs to; another pid here is a
                                 vfork() child sharing this memory, which must not touch it */
    off_t written;            /* bytes written to fd so far */
    size_t len;               /* bytes pending in buf */
    uint64_t unreported;      /* events not yet added to the progress counter */
    uint64_t *progress;       /* shared counters (events, processes), or NULL */
    char buf[BUFFER_BYTES];
} t = { .fd = -1 };

static void lock(void) {
    while (__atomic_test_and_set(&t.lock, __ATOMIC_ACQUIRE)) sched_yield();
}

static void unlock(void) {
    __atomic_clear(&t.lock, __ATOMIC_RELEASE);
}

static void flush(void) {
    size_t done = 0;
    while (done < t.len) {
        ssize_t n = write(t.fd, t.buf + done, t.len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { t.state = 2; break; }   /* disk full or similar: stop tracing */
        done += (size_t)n;
    }
    t.written += (off_t)done;
    t.len = 0;
}

static void put_str(const char *s) {
    size_t n = strlen(s);
    if (n > BUFFER_BYTES - t.len) n = BUFFER_BYTES - t.len;
    memcpy(t.buf + t.len, s, n);
    t.len += n;
}

static void put_hex(uintptr_t v) {
    char tmp[2 + 2 * sizeof v];
    int n = 0;
    do { tmp[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v != 0);
    t.buf[t.len++] = '0';
    t.buf[t.len++] = 'x';
    while (n > 0) t.buf[t.len++] = tmp[--n];
}

static void put_dec(long v) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v != 0);
    while (n > 0) t.buf[t.len++] = tmp[--n];
}

static void progress_add(uint64_t events, uint64_t processes) {
    if (t.progress == NULL) return;
    __atomic_fetch_add(&t.progress[0], events, __ATOMIC_RELAXED);
    if (processes) __atomic_fetch_add(&t.progress[1], processes, __ATOMIC_RELAXED);
}

/* The program's arguments from /proc/self/cmdline, NUL-separated, into out; their length. */
static size_t read_cmdline(char *out, size_t cap) {
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    size_t len = 0;
    ssize_t n;
    while (len < cap && (n = read(fd, out + len, cap - len)) > 0) len += (size_t)n;
    close(fd);
    return len;
}

/* Opens this image's file and writes its header; `origin` is "exec" or "fork". Lock held. */
static void start(const char *origin) {
    const char *dir = getenv("SLABBIN_TRACE_DIR");
    t.fd = -1;
    t.len = 0;
    t.written = 0;
    t.unreported = 0;
    if (dir == NULL || dir[0] == '\0') { t.state = 2; return; }
    char cmd[1024];
    size_t cmd_len = read_cmdline(cmd, sizeof cmd - 1);
    cmd[cmd_len] = '\0';
    const char *base = strrchr(cmd, '/') != NULL ? strrchr(cmd, '/') + 1 : cmd;
    char name[40];
    size_t k = 0;
    for (; base[k] != '\0' && k < 32; k++) {
        char c = base[k];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                 || c == '.' || c == '_' || c == '+' || c == '-';
        name[k] = ok ? c : '_';
    }
    name[k] = '\0';
    if (k == 0) strcpy(name, "unknown");
    char path[4096];
    long pid = (long)getpid();
    t.pid = pid;
    for (int n = 1; n < 1000 && t.fd < 0; n++) {
        t.len = 0;
        put_str(dir); put_str("/"); put_dec(pid); put_str("-"); put_str(name);
        if (n > 1) { put_str("."); put_dec(n); }
        put_str(".mtrace");
        if (t.len >= sizeof path) break;
        memcpy(path, t.buf, t.len);
        path[t.len] = '\0';
        t.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (t.fd < 0 && errno != EEXIST) break;
    }
    t.len = 0;
    if (t.fd < 0) { t.state = 2; return; }
    t.state = 1;
    put_str("= Start\n= pid "); put_dec(pid);
    put_str(" parent "); put_dec((long)getppid());
    put_str(" "); put_str(origin); put_str("\n= command");
    for (size_t i = 0; i < cmd_len && t.len < BUFFER_BYTES - MAX_LINE; i += strlen(cmd + i) + 1) {
        put_str(" ");
        size_t from = t.len;
        put_str(cmd + i);
        for (size_t j = from; j < t.len; j++) {
            if (t.buf[j] == '\n' || t.buf[j] == '\r' || t.buf[j] == '\t') t.buf[j] = ' ';
        }
    }
    put_str("\n");
    flush();
    progress_add(0, 1);
}

/* Ends this image's trace: "= End", everything written. Lock held. */
static void finish(void) {
    if (t.state != 1) return;
    put_str("= End\n");
    flush();
    progress_add(t.unreported, 0);
    t.unreported = 0;
    t.state = 2;
}

static void map_progress(void) {
    const char *file = getenv("SLABBIN_TRACE_PROGRESS");
    if (file == NULL || t.progress != NULL) return;
    int fd = open(file, O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    void *m = mmap(NULL, 16, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (m != MAP_FAILED) t.progress = m;
}

/* Takes the lock; starts the trace on first use. 1 if events are to be written (lock held),
 * else 0 (lock released). */
static int begin(void) {
    lock();
    if (t.state == 0) {
        map_progress();
        start("exec");
    }
    if (t.state != 1) { unlock(); return 0; }
    if (t.len > BUFFER_BYTES - MAX_LINE) flush();
    return 1;
}

static void end_event(void) {
    if (++t.unreported >= PROGRESS_STEP) {
        progress_add(t.unreported, 0);
        t.unreported = 0;
    }
    unlock();
}

static void log_alloc(void *p, size_t size) {
    if (!begin()) return;
    put_str("+ "); put_hex((uintptr_t)p); put_str(" "); put_hex(size); put_str("\n");
    end_event();
}

static void log_free(void *p) {
    if (!begin()) return;
    put_str("- "); put_hex((uintptr_t)p); put_str("\n");
    end_event();
}

/* ---- The allocator's entry points ---------------------------------------------------------- */

void *malloc(size_t size) {
    void *p = __libc_malloc(size);
    log_alloc(p, size);
    return p;
}

void free(void *p) {
    if (p == NULL) return;
    log_free(p);
    __libc_free(p);
}

void *calloc(size_t n, size_t size) {
    void *p = __libc_calloc(n, size);
    size_t bytes;
    log_alloc(p, __builtin_mul_overflow(n, size, &bytes) ? 0 : bytes);
    return p;
}

void *realloc(void *old, size_t size) {
    if (old == NULL) return malloc(size);
    if (size == 0) { free(old); return NULL; }   /* what glibc's realloc(p, 0) does */
    /* Logged while the lock is held, so that no other thread's malloc can report the old
     * address, freed by realloc, before this realloc is written. */
    if (!begin()) return __libc_realloc(old, size);
    void *p = __libc_realloc(old, size);
    if (p == NULL) {
        put_str("! "); put_hex((uintptr_t)old); put_str(" "); put_hex(size); put_str("\n");
    } else {
        put_str("< "); put_hex((uintptr_t)old); put_str("\n> "); put_hex((uintptr_t)p);
        put_str(" "); put_hex(size); put_str("\n");
    }
    end_event();
    return p;
}

void *memalign(size_t alignment, size_t size) {
    void *p = __libc_memalign(alignment, size);
    log_alloc(p, size);
    return p;
}

void *aligned_alloc(size_t alignment, size_t size) {
    return memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) {
        return EINVAL;
    }
    void *p = __libc_memalign(alignment, size);
    log_alloc(p, size);
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t size) {
    void *p = __libc_valloc(size);
    log_alloc(p, size);
    return p;
}

void *pvalloc(size_t size) {
    void *p = __libc_pvalloc(size);
    log_alloc(p, size);
    return p;
}

/* ---- Process image boundaries -------------------------------------------------------------- */

static void before_fork(void) {
    lock();
    if (t.state == 1) flush();
}

static void after_fork_parent(void) {
    unlock();
}

static void after_fork_child(void) {
    if (t.state == 1) {
        close(t.fd);
        t.unreported = 0;
        start("fork");
    }
    unlock();
}

__attribute__((constructor)) static void trace_init(void) {
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    if (begin()) unlock();
}

__attribute__((destructor)) static void trace_fini(void) {
    lock();
    finish();
    unlock();
}

/* Before an exec: "= End" written; returns the file length before it (to take it back if the
 * exec fails), or -1 when not tracing. */
static off_t exec_prepare(void) {
    lock();
    off_t mark = -1;
    if (t.state == 1 && t.pid == (long)getpid()) {
        flush();
        mark = t.written;
        finish();
    }
    unlock();
    return mark;
}

/* After an exec returned (it failed: rc -1): the "= End" is removed and tracing goes on; rc and
 * errno are kept for the caller. */
static int exec_returned(off_t mark, int rc) {
    int saved_errno = errno;
    if (mark >= 0) {
        lock();
        if (ftruncate(t.fd, mark) == 0 && lseek(t.fd, mark, SEEK_SET) == mark) {
            t.written = mark;
            t.state = 1;
        }
        unlock();
    }
    errno = saved_errno;
    return rc;
}

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);

static void *next(const char *name) {
    return dlsym(RTLD_NEXT, name);
}

int execve(const char *path, char *const argv[], char *const envp[]) {
    execve_fn real = (execve_fn)next("execve");
    off_t mark = exec_prepare();
    return exec_returned(mark, real(path, argv, envp));
}

int execv(const char *path, char *const argv[]) {
    execv_fn real = (execv_fn)next("execv");
    off_t mark = exec_prepare();
    return exec_returned(mark, real(path, argv));
}

int execvp(const char *file, char *const argv[]) {
    execv_fn real = (execv_fn)next("execvp");
    off_t mark = exec_prepare();
    return exec_returned(mark, real(file, argv));
}

int execvpe(const char *file, char *const argv[], char *const envp[]) {
    execve_fn real = (execve_fn)next("execvpe");
    off_t mark = exec_prepare();
    return exec_returned(mark, real(file, argv, envp));
}

int fexecve(int fd, char *const argv[], char *const envp[]) {
    int (*real)(int, char *const[], char *const[]) =
        (int (*)(int, char *const[], char *const[]))next("fexecve");
    off_t mark = exec_prepare();
    return exec_returned(mark, real(fd, argv, envp));
}

/* The execl family: the arguments after `arg0` up to NULL (and for execle the environment after
 * it), collected into an array on the stack, then the execv form above. */
#define COLLECT_ARGS(arg0, ap, argv)                                                          \
    size_t argc_ = 1;                                                                         \
    va_start(ap, arg0);                                                                       \
    while (va_arg(ap, const char *) != NULL) argc_++;                                         \
    va_end(ap);                                                                               \
    const char *argv[argc_ + 1];                                                              \
    argv[0] = arg0;                                                                           \
    va_start(ap, arg0);                                                                       \
    for (size_t i_ = 1; i_ <= argc_; i_++) argv[i_] = va_arg(ap, const char *);

int execl(const char *path, const char *arg0, ...) {
    va_list ap;
    COLLECT_ARGS(arg0, ap, argv)
    va_end(ap);
    return execv(path, (char *const *)argv);
}

int execlp(const char *file, const char *arg0, ...) {
    va_list ap;
    COLLECT_ARGS(arg0, ap, argv)
    va_end(ap);
    return execvp(file, (char *const *)argv);
}

int execle(const char *path, const char *arg0, ...) {
    va_list ap;
    COLLECT_ARGS(arg0, ap, argv)
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    return execve(path, (char *const *)argv, envp);
}

/* _exit and _Exit skip the destructors: the trace is ended here. */
void _exit(int status) {
    void (*real)(int) = (void (*)(int))next("_exit");
    lock();
    if (t.pid == (long)getpid()) finish();
    unlock();
    real(status);
    __builtin_unreachable();
}

void _Exit(int status) {
    _exit(status);
}

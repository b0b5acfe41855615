/*
 * bench.c - slabbin_bench: the C benchmark of the slabbin core.
 *
 * Allocators, all serving slots of one size (--size, 32 bytes by default; --align, 8):
 *   minimal_freelist   the floor of this design (minimal_freelist.c, a separate translation unit
 *                      behind noinline entry points: an intrusive LIFO free list plus a bump
 *                      through fixed slabs, no checks)
 *   slabbin_checked    the core, default mode (the static core library: a real call per operation)
 *   slabbin_unchecked  the core, SLABBIN_UNCHECKED
 *   malloc             the C library's malloc(size) / free(); the slab capacity means nothing to it
 *
 * Cases (times are nanoseconds per op-pair: one allocation plus one free):
 *   bulk_fresh   the shapes of the Rust crate's benchmark: N allocations (--n, 100,000), then N
 *                frees in allocation order; a fresh allocator per run (creation and destruction,
 *                hence slab reservation and release, are timed); slab capacities 100, 1,000, 10,000
 *                and 100,000
 *   bulk_warm    the same with one allocator kept across runs, so its slabs already exist
 *   pair         allocate then free at once, --pair-n times (10,000,000); capacity --capacity
 *   random_free  N allocations, then N frees in a pre-shuffled order (fixed seed), repeated on one
 *                allocator (so the free list, and hence the allocation order, ends up shuffled);
 *                the same capacities as bulk_*, or only --capacity when it is given (e.g. --size
 *                4096 --capacity 16: frees spread over many small slabs, most outside the fast
 *                window, so that checked mode's owner lookup is what is measured)
 *   batch        --batch B slots (64) allocated, then the same B freed, --pair-n / B times (the
 *                JMH batch cases without the crossing); slabbin with one slabbin_alloc_batch and
 *                one slabbin_free_batch, the others with B single calls each; capacity --capacity
 *   batch_fresh  bulk_fresh in batches: N allocations B at a time, then N frees B at a time in
 *                allocation order, a fresh allocator per run (so the batches bump); the same
 *                capacities as bulk_*
 * Times of the batch cases are nanoseconds per slot (one allocation plus one free).
 *
 * With --initial-capacity C the slabbin allocators grow their slabs (slabbin_create_with()): the
 * first slab holds min(C, capacity) slots, each next twice as many, up to the case's capacity.
 * minimal_freelist keeps fixed slabs.
 *
 * Within a case and capacity the allocators take turns, run after run, so slow drifts of the
 * machine hit them alike; every run gets a new memory layout (see sample()) and an untimed
 * warm-up. The ratios to minimal_freelist and to malloc are computed from the medians of this same
 * invocation.
 *
 * glibc is told not to give memory back to the system between runs (see --help).
 *
 * Output: a table (median, min and max over the runs, ratios), and with --json FILE an object
 * {"machine": {...}, "config": {...}, "results": [{"case", "allocator", "capacity", "median_ns",
 * "min_ns", "max_ns", "runs", "ratio_vs_freelist", "ratio_vs_malloc"}, ...]}.
 *
 * Usage: slabbin_bench [--quick] [--json FILE] [--size BYTES] [--align BYTES] [--n N]
 *                      [--pair-n N] [--capacity C] [--runs R] [--case NAME] [--allocator NAME]
 *                      [--initial-capacity C] [--batch B] [--pin CPU] [--system-trim]
 */
#if !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1   /* sched_setaffinity (Linux), clock_gettime */
#endif
#include "minimal_freelist.h"
#include "slabbin.h"

#include <errno.h>
#if defined(__GLIBC__) || defined(__linux__)
#  include <malloc.h>
#endif
#if defined(__linux__)
#  include <sched.h>
#endif
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Makes the compiler treat p as used and memory as clobbered, so no loop is optimized away. */
#define BARRIER(p) __asm__ __volatile__("" : : "r"(p) : "memory")
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define NORETURN_COLD __attribute__((noreturn, cold, noinline))
#define NOINLINE __attribute__((noinline))

enum { A_FREELIST, A_CHECKED, A_UNCHECKED, A_MALLOC, A_COUNT };
static const char *const alloc_names[A_COUNT] = {"minimal_freelist", "slabbin_checked",
                                                 "slabbin_unchecked", "malloc"};

enum { C_BULK_FRESH, C_BULK_WARM, C_PAIR, C_RANDOM, C_BATCH, C_BATCH_FRESH, C_COUNT };
static const char *const case_names[C_COUNT] = {"bulk_fresh", "bulk_warm", "pair",
                                                "random_free", "batch", "batch_fresh"};

static const size_t capacities[] = {100, 1000, 10000, 100000};
#define NCAPS (sizeof capacities / sizeof capacities[0])

typedef struct options {
    size_t size, align, n, pair_n, capacity;
    size_t batch;        /* slots per batch of the batch cases */
    size_t initial;      /* first slab's slots with growth; 0 = no growth */
    int runs_bulk, runs_pair, runs_random;
    int only_case;       /* -1 = all */
    int only_alloc;      /* -1 = all */
    int capacity_set;    /* --capacity given: random_free runs that capacity only */
    int pin;             /* -1 = no pinning */
    int system_trim;     /* leave the C library's trimming as it is */
    const char *json;
} options_t;

static options_t opt;
static size_t stride;

static NORETURN_COLD void die(const char *what, int rc) {
    fprintf(stderr, "slabbin_bench: %s failed: %s (%d)\n", what, slabbin_strerror(rc), rc);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---------------------------------------------------------------------------------------------
 * The loops, one set per allocator, each calling its allocator directly (as a C user would).
 * ------------------------------------------------------------------------------------------- */

#define SB_ALLOC(c, p)                                                                          \
    do {                                                                                        \
        int rc_ = slabbin_alloc((c), &(p));                                                     \
        if (UNLIKELY(rc_ != SLABBIN_OK)) die("slabbin_alloc", rc_);                             \
    } while (0)
#define SB_FREE(c, p)                                                                           \
    do {                                                                                        \
        int rc_ = slabbin_free((c), (p));                                                       \
        if (UNLIKELY(rc_ != SLABBIN_OK)) die("slabbin_free", rc_);                              \
    } while (0)
#define FL_ALLOC(c, p)                                                                          \
    do {                                                                                        \
        if (UNLIKELY(mfl_alloc((c), &(p)) != 0)) die("mfl_alloc", SLABBIN_ENOMEM);              \
    } while (0)
#define FL_FREE(c, p)                                                                           \
    do {                                                                                        \
        if (UNLIKELY(mfl_free((c), (p)) != 0)) die("mfl_free", SLABBIN_EINVAL);                 \
    } while (0)
#define MA_ALLOC(c, p)                                                                          \
    do {                                                                                        \
        (p) = malloc(c);                                                                        \
        if (UNLIKELY((p) == NULL)) die("malloc", SLABBIN_ENOMEM);                               \
    } while (0)
#define MA_FREE(c, p) free(p)

#define DEFINE_LOOPS(NAME, CTX, ALLOC, FREE)                                                    \
    static void NAME##_bulk(CTX c, void **ptrs, size_t n) {                                     \
        for (size_t i = 0; i < n; i++) {                                                        \
            void *p;                                                                            \
            ALLOC(c, p);                                                                        \
            ptrs[i] = p;                                                                        \
        }                                                                                       \
        for (size_t i = 0; i < n; i++) FREE(c, ptrs[i]);                                        \
    }                                                                                           \
    static void NAME##_pair(CTX c, size_t n) {                                                  \
        for (size_t i = 0; i < n; i++) {                                                        \
            void *p;                                                                            \
            ALLOC(c, p);                                                                        \
            BARRIER(p);                                                                         \
            FREE(c, p);                                                                         \
        }                                                                                       \
    }                                                                                           \
    static void NAME##_random(CTX c, void **ptrs, const uint32_t *perm, size_t n) {             \
        for (size_t i = 0; i < n; i++) {                                                        \
            void *p;                                                                            \
            ALLOC(c, p);                                                                        \
            ptrs[i] = p;                                                                        \
        }                                                                                       \
        for (size_t i = 0; i < n; i++) FREE(c, ptrs[perm[i]]);                                  \
    }

DEFINE_LOOPS(sb, slabbin_t *, SB_ALLOC, SB_FREE)

/* The batch loops: n slots, b at a time (n a multiple of b); `again` times b allocated then the
 * same b freed (batch), or n allocated then n freed, both b at a time (batch_fresh). */
static void sb_batches(slabbin_t *c, void **ptrs, size_t n, size_t b, size_t again) {
    for (size_t r = 0; r < again; r++) {
        for (size_t i = 0; i < n; i += b) {
            int rc = slabbin_alloc_batch(c, ptrs + i, b);
            if (UNLIKELY(rc != SLABBIN_OK)) die("slabbin_alloc_batch", rc);
        }
        BARRIER(ptrs);
        for (size_t i = 0; i < n; i += b) {
            int rc = slabbin_free_batch(c, ptrs + i, b, NULL);
            if (UNLIKELY(rc != SLABBIN_OK)) die("slabbin_free_batch", rc);
        }
    }
}

#define DEFINE_BATCH_LOOP(NAME, CTX, ALLOC, FREE)                                               \
    static void NAME##_batches(CTX c, void **ptrs, size_t n, size_t b, size_t again) {          \
        (void)b;                                                                                \
        for (size_t r = 0; r < again; r++) {                                                    \
            for (size_t i = 0; i < n; i++) {                                                    \
                void *p;                                                                        \
                ALLOC(c, p);                                                                    \
                ptrs[i] = p;                                                                    \
            }                                                                                   \
            BARRIER(ptrs);                                                                      \
            for (size_t i = 0; i < n; i++) FREE(c, ptrs[i]);                                    \
        }                                                                                       \
    }
DEFINE_BATCH_LOOP(fl, mfl_t *, FL_ALLOC, FL_FREE)
DEFINE_BATCH_LOOP(ma, size_t, MA_ALLOC, MA_FREE)
DEFINE_LOOPS(fl, mfl_t *, FL_ALLOC, FL_FREE)
DEFINE_LOOPS(ma, size_t, MA_ALLOC, MA_FREE)

/* ---------------------------------------------------------------------------------------------
 * One allocator instance and one timed run
 * ------------------------------------------------------------------------------------------- */

typedef struct instance {
    int alloc;
    slabbin_t *sb;
    mfl_t *fl;
} instance_t;

static void instance_open(instance_t *in, int alloc, size_t capacity) {
    in->alloc = alloc;
    in->sb = NULL;
    in->fl = NULL;
    if (alloc == A_CHECKED || alloc == A_UNCHECKED) {
        slabbin_options_t o;
        slabbin_options_init(&o, opt.size, opt.align, capacity);
        if (opt.initial != 0 && opt.initial < capacity) o.initial_slab_capacity = opt.initial;
        o.flags = alloc == A_UNCHECKED ? SLABBIN_UNCHECKED : 0;
        int rc = slabbin_create_with(&in->sb, &o);
        if (rc != SLABBIN_OK) die("slabbin_create", rc);
    } else if (alloc == A_FREELIST) {
        in->fl = mfl_create(stride, opt.align, capacity);
        if (in->fl == NULL) die("mfl_create", SLABBIN_ENOMEM);
    }
}

static void instance_close(instance_t *in) {
    if (in->sb != NULL) {
        slabbin_stats_t st;
        slabbin_get_stats(in->sb, &st);
        if (st.live_slots != 0) {
            fprintf(stderr, "slabbin_bench: %llu slots still live\n",
                    (unsigned long long)st.live_slots);
            exit(1);
        }
        slabbin_destroy(in->sb);
    }
    mfl_destroy(in->fl);
    in->sb = NULL;
    in->fl = NULL;
}

typedef struct work {
    void **ptrs;
    const uint32_t *perm;
} work_t;

static int warming_up;   /* the pair case then does a tenth of its pairs */

/* Runs the case's body once on `in`; returns the pairs done. */
static size_t body(int cs, const instance_t *in, const work_t *w) {
    switch (cs) {
    case C_BULK_FRESH:
    case C_BULK_WARM:
        if (in->sb != NULL) sb_bulk(in->sb, w->ptrs, opt.n);
        else if (in->fl != NULL) fl_bulk(in->fl, w->ptrs, opt.n);
        else ma_bulk(opt.size, w->ptrs, opt.n);
        return opt.n;
    case C_BATCH:
    case C_BATCH_FRESH: {
        size_t b = opt.batch, n = cs == C_BATCH ? b : opt.n / b * b;
        size_t again = cs == C_BATCH ? opt.pair_n / b + 1 : 1;
        if (warming_up) again = again / 10 + 1;
        if (in->sb != NULL) sb_batches(in->sb, w->ptrs, n, b, again);
        else if (in->fl != NULL) fl_batches(in->fl, w->ptrs, n, b, again);
        else ma_batches(opt.size, w->ptrs, n, b, again);
        return n * again;
    }
    case C_PAIR: {
        size_t n = warming_up ? opt.pair_n / 10 + 1 : opt.pair_n;
        if (in->sb != NULL) sb_pair(in->sb, n);
        else if (in->fl != NULL) fl_pair(in->fl, n);
        else ma_pair(opt.size, n);
        return n;
    }
    default:
        if (in->sb != NULL) sb_random(in->sb, w->ptrs, w->perm, opt.n);
        else if (in->fl != NULL) fl_random(in->fl, w->ptrs, w->perm, opt.n);
        else ma_random(opt.size, w->ptrs, w->perm, opt.n);
        return opt.n;
    }
}

/* One timed run; returns ns per pair. A fresh-allocator case creates and destroys its allocator
 * inside the timed region. */
static NOINLINE double timed_run(int cs, instance_t *in, int alloc, size_t capacity,
                                 const work_t *w) {
    uint64_t t0 = now_ns();
    int fresh = cs == C_BULK_FRESH || cs == C_BATCH_FRESH;
    if (fresh) instance_open(in, alloc, capacity);
    size_t pairs = body(cs, in, w);
    if (fresh) instance_close(in);
    uint64_t t1 = now_ns();
    return (double)(t1 - t0) / (double)pairs;
}

/* Layout variation. Timings of such short loops depend on where the allocator's header, its
 * slots and the caller's stack happen to lie, and one process gets one layout per allocator. So
 * every run gets a new one: a fresh instance behind a heap block of random size, called from a
 * stack frame moved by a random amount; medians then compare allocators, not layouts. (Where the
 * loop's code lies matters as much; CMakeLists.txt aligns every loop to a cache line.) */
static uint64_t layout_rng = UINT64_C(0x243F6A8885A308D3);

static size_t layout_random(size_t limit) {      /* a multiple of 16 below limit */
    layout_rng ^= layout_rng << 13;
    layout_rng ^= layout_rng >> 7;
    layout_rng ^= layout_rng << 17;
    return (size_t)(layout_rng % (limit / 16)) * 16;
}

static NOINLINE double run_moved(int cs, instance_t *in, int alloc, size_t capacity,
                                 const work_t *w) {
    size_t depth = layout_random(4096) + 16;
    volatile unsigned char pad[depth];             /* moves timed_run's frame */
    pad[0] = 0;
    BARRIER(pad);
    return timed_run(cs, in, alloc, capacity, w);
}

/* One sample: a new layout, an untimed warm-up of the same work, then the timed run. */
static double sample(int cs, int alloc, size_t capacity, const work_t *w) {
    void *spacer = malloc(layout_random(4096) + 16);
    if (spacer == NULL) die("malloc", SLABBIN_ENOMEM);
    BARRIER(spacer);
    instance_t in;
    int fresh = cs == C_BULK_FRESH || cs == C_BATCH_FRESH;
    if (!fresh) instance_open(&in, alloc, capacity);
    warming_up = 1;
    (void)run_moved(cs, &in, alloc, capacity, w);
    warming_up = 0;
    double ns = run_moved(cs, &in, alloc, capacity, w);
    if (!fresh) instance_close(&in);
    free(spacer);
    return ns;
}

/* ---------------------------------------------------------------------------------------------
 * Results
 * ------------------------------------------------------------------------------------------- */

typedef struct result {
    int cs;
    int alloc;
    size_t capacity;
    double median, min, max;
    int runs;
    double vs_freelist, vs_malloc;   /* < 0: not measured in this invocation */
} result_t;

static result_t *results;
static size_t nresults, results_cap;

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void add_result(int cs, int alloc, size_t capacity, double *samples, int runs) {
    if (nresults == results_cap) {
        results_cap = results_cap ? 2 * results_cap : 64;
        results = realloc(results, results_cap * sizeof *results);
        if (results == NULL) die("realloc", SLABBIN_ENOMEM);
    }
    qsort(samples, (size_t)runs, sizeof *samples, cmp_double);
    result_t *r = &results[nresults++];
    r->cs = cs;
    r->alloc = alloc;
    r->capacity = capacity;
    r->runs = runs;
    r->min = samples[0];
    r->max = samples[runs - 1];
    r->median = runs % 2 ? samples[runs / 2] : (samples[runs / 2 - 1] + samples[runs / 2]) / 2;
    r->vs_freelist = r->vs_malloc = -1;
}

/* Fills the ratios of the results [from, nresults): one case and capacity. */
static void fill_ratios(size_t from) {
    double fl = -1, ma = -1;
    for (size_t i = from; i < nresults; i++) {
        if (results[i].alloc == A_FREELIST) fl = results[i].median;
        if (results[i].alloc == A_MALLOC) ma = results[i].median;
    }
    for (size_t i = from; i < nresults; i++) {
        if (fl > 0) results[i].vs_freelist = results[i].median / fl;
        if (ma > 0) results[i].vs_malloc = results[i].median / ma;
    }
}

/* Runs every selected allocator `runs` times on one case and capacity, taking turns. */
static void run_group(int cs, size_t capacity, int runs, const work_t *w) {
    int allocs[A_COUNT], na = 0;
    for (int a = 0; a < A_COUNT; a++) {
        if (opt.only_alloc < 0 || opt.only_alloc == a) allocs[na++] = a;
    }
    double *samples = malloc((size_t)na * (size_t)runs * sizeof(double));
    if (samples == NULL) die("malloc", SLABBIN_ENOMEM);
    for (int r = 0; r < runs; r++) {
        for (int j = 0; j < na; j++) {
            int k = (j + r) % na;                                /* rotate who goes first */
            samples[k * runs + r] = sample(cs, allocs[k], capacity, w);
        }
    }
    size_t from = nresults;
    for (int k = 0; k < na; k++) {
        add_result(cs, allocs[k], capacity, samples + (size_t)k * (size_t)runs, runs);
    }
    free(samples);
    fill_ratios(from);
}

/* ---------------------------------------------------------------------------------------------
 * Machine description and output
 * ------------------------------------------------------------------------------------------- */

static char cpu_model[256] = "unknown";

static void read_cpu_model(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL) return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) != 0) continue;
        const char *v = strchr(line, ':');
        if (v == NULL) continue;
        v++;
        while (*v == ' ' || *v == '\t') v++;
        size_t len = strcspn(v, "\r\n");
        if (len >= sizeof cpu_model) len = sizeof cpu_model - 1;
        memcpy(cpu_model, v, len);
        cpu_model[len] = '\0';
        break;
    }
    fclose(f);
}

static void print_ratio(double r) {
    if (r < 0) printf(" %10s", "-");
    else printf(" %9.2fx", r);
}

static void print_table(void) {
    printf("%-12s %8s  %-18s %9s %9s %9s %5s %11s %10s\n", "case", "capacity", "allocator",
           "median", "min", "max", "runs", "/freelist", "/malloc");
    int last_cs = -1;
    size_t last_cap = 0;
    for (size_t i = 0; i < nresults; i++) {
        const result_t *r = &results[i];
        if (i > 0 && (r->cs != last_cs || r->capacity != last_cap)) printf("\n");
        last_cs = r->cs;
        last_cap = r->capacity;
        printf("%-12s %8zu  %-18s %9.2f %9.2f %9.2f %5d ", case_names[r->cs], r->capacity,
               alloc_names[r->alloc], r->median, r->min, r->max, r->runs);
        print_ratio(r->vs_freelist);
        print_ratio(r->vs_malloc);
        printf("\n");
    }
    printf("(ns per op-pair = one allocation + one free, i.e. per slot in the batch cases;\n"
           " /freelist and /malloc: median over the median of minimal_freelist or malloc in the\n"
           " same case and capacity; malloc ignores the capacity)\n");
}

static const result_t *find(int cs, int alloc) {
    for (size_t i = 0; i < nresults; i++) {
        if (results[i].cs == cs && results[i].alloc == alloc) return &results[i];
    }
    return NULL;
}

/* The hot-path goals, judged on the pair case. */
static void print_goals(void) {
    const result_t *fl = find(C_PAIR, A_FREELIST), *ck = find(C_PAIR, A_CHECKED),
                   *un = find(C_PAIR, A_UNCHECKED), *ma = find(C_PAIR, A_MALLOC);
    if (fl == NULL || ck == NULL || un == NULL || ma == NULL) return;
    double c = ck->median / fl->median, u = un->median / fl->median,
           m = ma->median / ck->median;
    printf("\npair goals: checked %.2fx freelist (goal <= 1.50: %s), unchecked %.2fx freelist "
           "(goal <= 1.15: %s), malloc %.2fx checked (goal >= 3.00: %s)\n",
           c, c <= 1.5 ? "met" : "missed", u, u <= 1.15 ? "met" : "missed", m,
           m >= 3.0 ? "met" : "missed");
}

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

static void json_ratio(FILE *f, double r) {
    if (r < 0) fprintf(f, "null");
    else fprintf(f, "%.4f", r);
}

static int write_json(const char *path) {
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "slabbin_bench: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    fprintf(f, "{\n  \"machine\": {\"cpu_model\": ");
    json_string(f, cpu_model);
    fprintf(f, ", \"cores\": %ld, \"compiler\": ", sysconf(_SC_NPROCESSORS_ONLN));
    json_string(f, __VERSION__);
    fprintf(f, "},\n  \"config\": {\"slot_size\": %zu, \"alignment\": %zu, \"stride\": %zu, "
               "\"n\": %zu, \"pair_n\": %zu, \"pair_capacity\": %zu, \"batch\": %zu, "
               "\"initial_capacity\": %zu, \"libc_trim\": %s, "
               "\"unit\": \"ns per op-pair\"},\n  \"results\": [\n",
            opt.size, opt.align, stride, opt.n, opt.pair_n, opt.capacity, opt.batch, opt.initial,
            opt.system_trim ? "true" : "false");
    for (size_t i = 0; i < nresults; i++) {
        const result_t *r = &results[i];
        fprintf(f, "    {\"case\": \"%s\", \"allocator\": \"%s\", \"capacity\": %zu, "
                   "\"median_ns\": %.4f, \"min_ns\": %.4f, \"max_ns\": %.4f, \"runs\": %d, "
                   "\"ratio_vs_freelist\": ",
                case_names[r->cs], alloc_names[r->alloc], r->capacity, r->median, r->min,
                r->max, r->runs);
        json_ratio(f, r->vs_freelist);
        fprintf(f, ", \"ratio_vs_malloc\": ");
        json_ratio(f, r->vs_malloc);
        fprintf(f, "}%s\n", i + 1 < nresults ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    if (fclose(f) != 0) {
        fprintf(stderr, "slabbin_bench: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    return 1;
}

/* ---------------------------------------------------------------------------------------------
 * Main
 * ------------------------------------------------------------------------------------------- */

static void usage(FILE *f) {
    fprintf(f,
            "usage: slabbin_bench [options]\n"
            "  --quick           a few seconds: fewer runs, --pair-n 1000000\n"
            "  --json FILE       also write the results as JSON\n"
            "  --size BYTES      slot size (default 32)\n"
            "  --align BYTES     slot alignment (default 8)\n"
            "  --n N             allocations per run of bulk_* and random_free (default 100000)\n"
            "  --pair-n N        pairs per run of pair (default 10000000)\n"
            "  --capacity C      slab capacity of the pair and batch cases (default 1000);\n"
            "                    given, also random_free's only capacity\n"
            "  --batch B         slots per batch of batch and batch_fresh (default 64)\n"
            "  --initial-capacity C\n"
            "                    slabbin grows its slabs: the first holds C slots, each next\n"
            "                    twice as many up to the capacity (default: no growth)\n"
            "  --runs R          timed runs per allocator and case (default: 41 bulk/random,\n"
            "                    21 pair)\n"
            "  --case NAME       only bulk_fresh, bulk_warm, pair, random_free, batch or\n"
            "                    batch_fresh\n"
            "  --allocator NAME  only minimal_freelist, slabbin_checked, slabbin_unchecked or\n"
            "                    malloc (ratios need minimal_freelist and malloc)\n"
            "  --pin CPU         run on that CPU only\n"
            "  --system-trim     let the C library return freed memory to the system between\n"
            "                    runs (by default it is told to keep it; see below)\n"
            "By default glibc is told (mallopt) neither to trim its heap nor to map large\n"
            "blocks separately: otherwise whether a fresh run finds its memory still mapped or\n"
            "takes a page fault per 4 KiB depends on where earlier runs left the heap's top,\n"
            "and bulk_fresh would measure the kernel more than the allocators.\n");
}

static size_t parse_uint(const char *flag, const char *v, unsigned long long min,
                         unsigned long long max) {
    char *end = NULL;
    errno = 0;
    unsigned long long x = v == NULL ? 0 : strtoull(v, &end, 10);
    if (v == NULL || *v < '0' || *v > '9' || *end != '\0' || errno != 0 || x < min || x > max) {
        fprintf(stderr, "slabbin_bench: %s needs an integer in %llu..%llu\n", flag, min, max);
        exit(2);
    }
    return (size_t)x;
}

static size_t parse_size(const char *flag, const char *v) {
    return parse_uint(flag, v, 1, SIZE_MAX / 2);
}

static int parse_name(const char *flag, const char *v, const char *const *names, int n) {
    for (int i = 0; v != NULL && i < n; i++) {
        if (strcmp(v, names[i]) == 0) return i;
    }
    fprintf(stderr, "slabbin_bench: unknown %s value\n", flag);
    exit(2);
}

int main(int argc, char **argv) {
    opt.size = 32;
    opt.align = 8;
    opt.n = 100000;
    opt.pair_n = 10000000;
    opt.capacity = 1000;
    opt.batch = 64;
    opt.runs_bulk = opt.runs_random = 41;
    opt.runs_pair = 21;
    opt.only_case = opt.only_alloc = opt.pin = -1;
    int runs = 0, quick = 0, pair_n_set = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = 1;
        if (strcmp(a, "--quick") == 0) {
            quick = 1;
            takes_value = 0;
        } else if (strcmp(a, "--system-trim") == 0) {
            opt.system_trim = 1;
            takes_value = 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0 && v != NULL) {
            opt.json = v;
        } else if (strcmp(a, "--size") == 0) {
            opt.size = parse_size(a, v);
        } else if (strcmp(a, "--align") == 0) {
            opt.align = parse_size(a, v);
        } else if (strcmp(a, "--n") == 0) {
            opt.n = parse_size(a, v);
        } else if (strcmp(a, "--pair-n") == 0) {
            opt.pair_n = parse_size(a, v);
            pair_n_set = 1;
        } else if (strcmp(a, "--capacity") == 0) {
            opt.capacity = parse_size(a, v);
            opt.capacity_set = 1;
        } else if (strcmp(a, "--batch") == 0) {
            opt.batch = parse_uint(a, v, 1, 1u << 20);
        } else if (strcmp(a, "--initial-capacity") == 0) {
            opt.initial = parse_size(a, v);
        } else if (strcmp(a, "--runs") == 0) {
            runs = (int)parse_uint(a, v, 1, 100000);
        } else if (strcmp(a, "--case") == 0) {
            opt.only_case = parse_name(a, v, case_names, C_COUNT);
        } else if (strcmp(a, "--allocator") == 0) {
            opt.only_alloc = parse_name(a, v, alloc_names, A_COUNT);
        } else if (strcmp(a, "--pin") == 0) {
            opt.pin = (int)parse_uint(a, v, 0, 1023);
        } else {
            fprintf(stderr, "slabbin_bench: unknown argument %s\n", a);
            usage(stderr);
            return 2;
        }
        i += takes_value;
    }
    if (quick) {
        opt.runs_bulk = opt.runs_random = 7;
        opt.runs_pair = 5;
        if (!pair_n_set) opt.pair_n = 1000000;
    }
    if (runs > 0) opt.runs_bulk = opt.runs_random = opt.runs_pair = runs;
    if (opt.n < opt.batch) {
        fprintf(stderr, "slabbin_bench: --n must be at least --batch\n");
        return 2;
    }
    if (opt.n > UINT32_MAX) {
        fprintf(stderr, "slabbin_bench: --n is at most %lu\n", (unsigned long)UINT32_MAX);
        return 2;
    }
    int rc = slabbin_layout_stride(opt.size, opt.align, &stride);
    if (rc != SLABBIN_OK) die("slabbin_layout_stride (--size/--align)", rc);
    if (opt.pin >= 0) {
#if defined(__linux__)
        cpu_set_t set;
        CPU_ZERO(&set);
        if (opt.pin < CPU_SETSIZE) CPU_SET(opt.pin, &set);
        if (opt.pin >= CPU_SETSIZE || sched_setaffinity(0, sizeof set, &set) != 0) {
            fprintf(stderr, "slabbin_bench: cannot pin to CPU %d: %s\n", opt.pin, strerror(errno));
            return 2;
        }
#else
        fprintf(stderr, "slabbin_bench: --pin works on Linux only\n");
        return 2;
#endif
    }
    read_cpu_model();
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
    if (!opt.system_trim) {
        mallopt(M_TRIM_THRESHOLD, INT_MAX);
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
    }
#else
    opt.system_trim = 1;
#endif

    work_t w;
    w.ptrs = malloc(opt.n * sizeof(void *));
    uint32_t *perm = malloc(opt.n * sizeof(uint32_t));
    if (w.ptrs == NULL || perm == NULL) die("malloc", SLABBIN_ENOMEM);
    for (size_t i = 0; i < opt.n; i++) perm[i] = (uint32_t)i;
    uint64_t x = UINT64_C(0x5EED5EED12345678);           /* fixed seed: splitmix64 + Fisher-Yates */
    for (size_t i = opt.n - 1; i > 0; i--) {
        x += UINT64_C(0x9E3779B97F4A7C15);
        uint64_t z = x;
        z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
        z ^= z >> 31;
        size_t j = (size_t)(z % (i + 1));
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    w.perm = perm;

    printf("slabbin_bench: %s, %ld cores; slot %zu bytes, alignment %zu, stride %zu; n %zu, "
           "pair-n %zu; C library trimming %s; slab growth ",
           cpu_model, sysconf(_SC_NPROCESSORS_ONLN), opt.size, opt.align, stride, opt.n,
           opt.pair_n, opt.system_trim ? "as is" : "off");
    if (opt.initial != 0) printf("from %zu slots\n\n", opt.initial);
    else printf("off\n\n");
    fflush(stdout);
    uint64_t t0 = now_ns();
    for (int cs = 0; cs < C_COUNT; cs++) {
        if (opt.only_case >= 0 && opt.only_case != cs) continue;
        if (cs == C_PAIR || cs == C_BATCH || (cs == C_RANDOM && opt.capacity_set)) {
            run_group(cs, opt.capacity, cs == C_RANDOM ? opt.runs_random : opt.runs_pair, &w);
        } else {
            for (size_t c = 0; c < NCAPS; c++) {
                run_group(cs, capacities[c], cs == C_RANDOM ? opt.runs_random : opt.runs_bulk, &w);
            }
        }
    }
    double secs = (double)(now_ns() - t0) / 1e9;
    print_table();
    print_goals();
    printf("\ntotal %.1f s\n", secs);
    int ok = opt.json == NULL || write_json(opt.json);
    free(w.ptrs);
    free(perm);
    free(results);
    return ok ? 0 : 1;
}

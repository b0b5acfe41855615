/*
 * fuzz_slabbin.c - libFuzzer target for the slabbin C core, checked against a shadow model that
 * predicts every result.
 *
 * Built two ways from this one file:
 *   - fuzz_slabbin: with clang, -fsanitize=fuzzer,address,undefined (scripts/fuzz);
 *   - fuzz_slabbin_replay: with any C compiler, plus fuzz_replay.c (a main that runs saved inputs
 *     through LLVMFuzzerTestOneInput); ctest runs it over corpus/, so the decoder and the model
 *     are exercised in every build, under ASan too, and crash inputs reproduce without clang.
 * Any disagreement between the allocator and the model prints the operation, the allocator's and
 * the model's view and the last operations, then abort()s (libFuzzer saves the input).
 *
 * Input format
 *   A sequence of operations, decoded until the input ends; a byte read past the end is 0. Each
 *   operation starts with one byte: bits 0-4 pick the operation (value modulo OP_COUNT, table
 *   below), bits 5-7 the allocator (value modulo 3; up to three allocators live at once). An
 *   operation on an allocator that does not exist is decoded as CREATE instead (BAD_ARGS
 *   excepted). Operands follow, little-endian; `r` is a u32 that seeds every choice the operation
 *   makes (which live slot, which slab, ...), `kind` a u8 naming an address (table further down).
 *
 *   op name        operands              call(s)
 *    0 CREATE      layout (below)        destroy the allocator if any, slabbin_create a new one
 *    1 DESTROY     -                     slabbin_destroy (every live slot's pattern checked)
 *    2 ALLOC       -                     slabbin_alloc
 *    3 ALLOC_ZERO  -                     slabbin_alloc_zeroed (first slot_size bytes must be 0)
 *    4 FREE        u16 live index        slabbin_free of a live slot
 *    5 FREE_ADDR   kind, r               slabbin_free of any address (see "Unchecked mode")
 *    6 ALLOC_BATCH u8 n (n >= 200: u16)  slabbin_alloc_batch of n % 40 (u16: % 600) slots
 *    7 ALLOC_UPTO  u8 max                slabbin_alloc_upto, max % 80
 *    8 FREE_BATCH  u8 n, r, kind, u8 at  slabbin_free_batch of n % 40 distinct live slots; bit 7
 *                                        of n adds the address `kind` at index at % (count + 1)
 *                                        (kind 1 there means: a repeat of an earlier entry); bit 6
 *                                        passes bad_index = NULL
 *    9 RESET       -                     slabbin_reset
 *   10 TRIM        -                     slabbin_trim, twice (the second releases nothing)
 *   11 CHECK       kind, r               slabbin_check and slabbin_is_allocated of an address
 *   12 LIMIT       u8 k, u32 v           slabbin_set_reserve_limit: k % 4 = 0: none; 1: the slabs
 *                                        now plus k / 4 % 4 more; 2: one byte short of one more
 *                                        slab; 3: v
 *   13 BAD_ARGS    u8 which, u64 v       a call with an invalid argument (EINVAL cases, NULL
 *                                        allocator, NULL out-parameters), the allocator unchanged
 *   14 VERIFY      r                     patterns and slabbin_is_allocated of up to 64 live slots,
 *                                        slabbin_check of every slot of one slab
 *   15 DRAIN       r                     frees every live slot, in random order, in batches
 *   16 ALLOC_MANY  u8 n                  n % 64 single allocations
 *   17 FREE_ALLOC  u16 live index        slabbin_free then slabbin_alloc (LIFO: the same slot)
 *   18 UAF         u16 j, u8 w, r        checked mode: writes into the j-th free slot from the top
 *                                        of the free list: its link (always outside debug mode;
 *                                        else if bit 0 of w is set) becomes an address inside the
 *                                        slot, in a static array, or (debug mode) NULL; or one
 *                                        poison byte changes. The allocation reaching the slot
 *                                        must fail with SLABBIN_ECORRUPT naming it and the byte
 *                                        (slabbin_last_corruption), trim must repair a damaged
 *                                        link, and slabbin_validate fails while one is damaged.
 *                                        (Outside debug mode a NULL link is the end of the list:
 *                                        it cuts the list short, found only at the next bump; the
 *                                        model does not follow that.)
 *   19 POISON      u8 w, u16 from, r     bit 0 of w: slabbin_poison of a live slot; then
 *                                        slabbin_poison_damage of a free slot (bit 1) or a live
 *                                        one, from `from` % (stride + 1) (bit 2) or 8; then
 *                                        slabbin_last_corruption
 *
 *   CREATE's layout: u8 s, size operands, u8 a, u8 c, u8 f.
 *     size: s % 8 = 0, 1: 1 + u8 % 64; 2, 3: 1 + u16 % 4096; 4..6: a common size (table, u8
 *           index); 7: 4097 + u32 % (1 MiB - 4096);
 *     alignment: 2^(a % 22) if bits 7 and 6 of a are set, 2^(a % 13) if only bit 7, else
 *                2^(a % 5);
 *     capacity: c / 64 = 0: 1 + c % 8; 1: 1 + c % 64; 2: 1 + 5 * (c % 64); 3: 64 * (1 + c % 64);
 *               then lowered (to 1 at least) so that a slab is at most 2 MiB;
 *     flags: f % 16 = 0..8: checked; 9..12: SLABBIN_UNCHECKED; 13..14: SLABBIN_DEBUG (size
 *            and alignment then lowered to at most 4096: debug mode fills and scans whole
 *            slots, so large ones would only slow the fuzzing down);
 *            15: invalid flags, SLABBIN_DEBUG | SLABBIN_UNCHECKED among them (SLABBIN_EINVAL
 *            expected, no allocator);
 *     growth: f / 128 = 1: slabbin_create_with() with initial_slab_capacity
 *            {1, 2, 3, 5, 8, 13, 32, 100}[f / 16 % 8] if below the capacity; else every slab
 *            holds the capacity.
 *
 *   Address kinds (kind % 16): 0 NULL; 1 a live slot; 2 a free slot (the top of the free list or
 *   another one); 3 inside a slot (1 .. stride - 1 bytes past its start); 4 one past the end of a
 *   slab; 5 just below a slab; 6 a heap block of the program's own; 7 a stack variable; 8 a static
 *   array; 9 a live slot (or slab start) of another allocator; 10 a u64 read from the input;
 *   11 a slot never handed out (past the bump or in an untouched slab); 12 any slot start; 13 an
 *   address of a destroyed allocator or a released slab; 14 near UINTPTR_MAX; 15 the middle of a
 *   slot. Where the kind has nothing to offer (no live slot, ...) the heap block is used. The
 *   model classifies whatever address comes out, so every kind has an exact expected result.
 *
 * The model
 *   Per allocator: the slabs in reservation order with their capacities (each slot never handed
 *   out since the last reset, live, or free; a new slab holds initial_slab_capacity slots if none
 *   is held, else min(2 x the largest held, slab_capacity): the growth rule of slabbin.h; reset
 *   bumps through them again in order, trim keeps the order of those it keeps), the bump
 *   position, the free list as a stack of known order on top of a pool of unknown order (after a
 *   trim, whose order is not promised), the live slots, the peak, the reserve limit. It predicts:
 *   the status of every call; the slot every allocation returns (the top of the free list, else a
 *   slot of the pool, else the next slot of the bump slab, else the first slot of the next kept
 *   slab, else of a new slab, whose base is learned from that slot and must be aligned and overlap
 *   no other slab); whether a call needs a new slab and whether the reserve limit refuses it;
 *   every statistics field after every operation (all allocators); the bytes trim releases;
 *   bad_index of a refused batch free. Every live slot holds a pattern derived
 *   from its id, checked before the slot is freed, reset or destroyed. A refused call must leave
 *   the statistics unchanged. slabbin_validate() runs after every operation on its allocator.
 *   Debug mode adds the poison: a freed slot holds SLABBIN_POISON_BYTE after its link, a slot
 *   taken from the free list still does (after its first slot_size bytes if zeroed), a slot handed
 *   out again by the bump after a reset does over its whole stride; and the use-after-free writes
 *   of UAF, each predicted to be reported by the allocation that reaches the slot.
 *
 * Unchecked mode
 *   SLABBIN_UNCHECKED makes any free of something other than a live slot undefined behaviour, so
 *   an unchecked allocator never receives one: FREE_ADDR calls slabbin_free only when the address
 *   is a live slot and slabbin_check otherwise (check never reads the address and is defined in
 *   both modes); FREE_BATCH leaves the bad entry out; UAF does nothing. Everything else runs as in
 *   checked mode.
 *
 * Bounds (to keep one input fast): at most 4096 live slots and 16 MiB of slabs per allocator, 2 MiB
 * per slab; an operation that would go beyond is skipped, unless the reserve limit refuses it
 * first (then the call is made and must fail with SLABBIN_ENOMEM).
 *
 * At exit, and after every million operations, the program prints the inputs and operations run
 * and how many predicted failures were met. With the environment variable SLABBIN_FUZZ_TRACE set
 * it prints every operation as it runs.
 */
#include "slabbin.h"
#include "slabbin_validate.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

enum {
    NALLOC = 3,
    MAX_LIVE = 4096,         /* live slots per allocator */
    MAX_BATCH = 600,         /* slots per batch call */
    HISTORY = 24,            /* operations printed on a failure */
    VERIFY_SAMPLE = 64,      /* live slots VERIFY looks at */
};
#define MAX_SLAB_BYTES ((size_t)2 << 20)    /* >= the largest stride the decoder makes */
#define MAX_RESERVED ((uint64_t)16 << 20)
#define MAX_DEBUG_STRIDE ((size_t)4096)
/* Slots up to PATTERN_FULL bytes carry their pattern over every byte; larger ones over their
 * first and last PATTERN_FULL / 2 bytes (which still overlap any neighbour slot). */
#define PATTERN_FULL ((size_t)1024)

/* ---------------------------------------------------------------------------------------------
 * Counters, failure reports
 * ------------------------------------------------------------------------------------------- */

static uint64_t g_inputs, g_ops;
static uint64_t g_enomem, g_corrupt, g_refused;   /* predicted failures met */
static struct timespec g_start;
static char g_history[HISTORY][96];
static uint64_t g_op_index;                 /* operations of this input so far */

static int g_trace;                         /* SLABBIN_FUZZ_TRACE set: print every operation */

static void note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_history[g_op_index % HISTORY], sizeof g_history[0], fmt, ap);
    va_end(ap);
    if (g_trace) {
        fprintf(stderr, "#%llu %s\n", (unsigned long long)g_op_index,
                g_history[g_op_index % HISTORY]);
    }
}

_Noreturn static void fail(int line, const char *cond, const char *fmt, ...) {
    fprintf(stderr, "\nfuzz_slabbin: MISMATCH at operation %llu (line %d): %s\n  ",
            (unsigned long long)g_op_index, line, cond);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  last operations, oldest first:\n");
    uint64_t first = g_op_index + 1 > HISTORY ? g_op_index + 1 - HISTORY : 0;
    for (uint64_t i = first; i <= g_op_index; i++) {
        fprintf(stderr, "    #%llu %s\n", (unsigned long long)i, g_history[i % HISTORY]);
    }
    abort();
}

#define EXPECT(cond, ...)                                                                       \
    do {                                                                                        \
        if (!(cond)) fail(__LINE__, #cond, __VA_ARGS__);                                        \
    } while (0)

static void report(void) {
    struct timespec now;
    timespec_get(&now, TIME_UTC);
    double s = (double)(now.tv_sec - g_start.tv_sec) +
               (double)(now.tv_nsec - g_start.tv_nsec) / 1e9;
    fprintf(stderr,
            "fuzz_slabbin: %llu inputs, %llu operations in %.1f s (predicted failures: %llu "
            "SLABBIN_ENOMEM, %llu SLABBIN_ECORRUPT, %llu refused frees)\n",
            (unsigned long long)g_inputs, (unsigned long long)g_ops, s,
            (unsigned long long)g_enomem, (unsigned long long)g_corrupt,
            (unsigned long long)g_refused);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    timespec_get(&g_start, TIME_UTC);
    g_trace = getenv("SLABBIN_FUZZ_TRACE") != NULL;
    atexit(report);
    return 0;
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (q == NULL) {
        fprintf(stderr, "fuzz_slabbin: out of memory in the model\n");
        abort();
    }
    return q;
}

/* ---------------------------------------------------------------------------------------------
 * Input bytes and per-operation choices
 * ------------------------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p, *end;
} input_t;

static uint8_t u8(input_t *in) { return in->p < in->end ? *in->p++ : 0; }
static uint16_t u16(input_t *in) {
    uint16_t lo = u8(in);
    return (uint16_t)(lo | (uint16_t)(u8(in) << 8));
}
static uint32_t u32(input_t *in) {
    uint32_t lo = u16(in);
    return lo | ((uint32_t)u16(in) << 16);
}
static uint64_t u64(input_t *in) {
    uint64_t lo = u32(in);
    return lo | ((uint64_t)u32(in) << 32);
}

static uint64_t mix64(uint64_t z) {        /* splitmix64's finalizer */
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

typedef struct {
    uint64_t s;
} rng_t;

static rng_t rng_from(input_t *in) { return (rng_t){mix64(u32(in))}; }
static uint64_t next(rng_t *r) { return mix64(r->s += UINT64_C(0x9E3779B97F4A7C15)); }
static size_t below(rng_t *r, size_t n) { return n == 0 ? 0 : (size_t)(next(r) % n); }

/* ---------------------------------------------------------------------------------------------
 * Slot patterns
 * ------------------------------------------------------------------------------------------- */

static uint8_t pattern_byte(uint32_t id, size_t k) {
    return (uint8_t)(mix64(((uint64_t)id << 32) ^ (k >> 3)) >> ((k & 7) * 8));
}

/* The pattern over [from, to) of a slot. */
static void fill_range(unsigned char *p, uint32_t id, size_t from, size_t to) {
    size_t k = from;
    for (; k < to && (k & 7) != 0; k++) p[k] = pattern_byte(id, k);
    for (; k + 8 <= to; k += 8) {
        uint64_t w = mix64(((uint64_t)id << 32) ^ (k >> 3));
        memcpy(p + k, &w, 8);                       /* little-endian byte order as pattern_byte */
    }
    for (; k < to; k++) p[k] = pattern_byte(id, k);
}

/* First offset in [from, to) not holding the pattern, or SIZE_MAX. */
static size_t check_range(const unsigned char *p, uint32_t id, size_t from, size_t to) {
    for (size_t k = from; k < to; k++) {
        if (p[k] != pattern_byte(id, k)) return k;
    }
    return SIZE_MAX;
}

static void pattern_fill(void *slot, size_t size, uint32_t id) {
    if (size <= PATTERN_FULL) {
        fill_range(slot, id, 0, size);
    } else {
        fill_range(slot, id, 0, PATTERN_FULL / 2);
        fill_range(slot, id, size - PATTERN_FULL / 2, size);
    }
}

/* First damaged offset of a slot's pattern, or SIZE_MAX. `edges` looks only at the first and last
 * 32 bytes (bulk checks of many slots). */
static size_t pattern_damage(const void *slot, size_t size, uint32_t id, int edges) {
    size_t part = edges ? 32 : PATTERN_FULL / 2;
    if (size <= 2 * part) return check_range(slot, id, 0, size);
    size_t d = check_range(slot, id, 0, part);
    return d != SIZE_MAX ? d : check_range(slot, id, size - part, size);
}

/* First offset in [0, n) (head and tail windows for large n) whose byte is not `value`, or
 * SIZE_MAX. */
static size_t bytes_differ(const void *slot, size_t n, unsigned char value) {
    const unsigned char *p = slot;
    size_t part = PATTERN_FULL / 2;
    for (size_t k = 0; k < n; k++) {
        if (k == part && n > 2 * part) k = n - part;
        if (p[k] != value) return k;
    }
    return SIZE_MAX;
}

/* ---------------------------------------------------------------------------------------------
 * The model
 * ------------------------------------------------------------------------------------------- */

/* Slot states. S_POOL: free, in the part of the free list whose order is not promised. */
enum { S_NEVER, S_LIVE, S_FREE, S_POOL };

typedef struct {
    uint8_t state;
    uint8_t in_batch;          /* marked while a free_batch is predicted */
    uint8_t poisoned;          /* debug mode, S_NEVER: bytes [0, stride) are the poison byte
                                  (handed out before a reset) */
    uint8_t link_damaged;      /* S_FREE/S_POOL: UAF overwrote the free-list link */
    uint32_t poison_damage;    /* S_FREE/S_POOL, debug mode: first poison byte UAF overwrote
                                  (>= sizeof(void *)), 0 = none */
    uint32_t id;               /* live: pattern id; 0 = bytes [0, stride) poisoned by
                                  slabbin_poison() instead */
    uint32_t live_pos;         /* index in model_t.live while live */
} mslot_t;

typedef struct {
    uintptr_t base;            /* 0 until the first slot of a new slab is handed out */
    size_t live;               /* live slots */
    size_t cap;                /* slots: m_next_cap() when it was reserved */
    mslot_t slot[];
} mslab_t;

typedef struct {
    uintptr_t p;
    mslot_t *slot;
} mlive_t;

typedef struct {
    slabbin_t *a;              /* NULL: no allocator */
    size_t size, align, stride, cap;
    size_t init;               /* slots of a slab reserved when none is held (growth: < cap) */
    uint64_t reserved_slots;   /* sum of the slabs' cap */
    int checked;
    mslab_t **order;           /* slabs in reservation order (the allocator's order) */
    size_t nslabs, order_cap;
    mslab_t **by_base;         /* slabs with a known base, sorted by base */
    size_t nbase;
    int bumping;               /* a bump slab exists: order[cur], `bumped` slots handed out */
    size_t cur, bumped;
    mlive_t *live;
    size_t nlive, live_cap;
    uintptr_t *stack;          /* free slots of known order, top last, above the pool */
    size_t nstack, stack_cap;
    size_t npool;              /* free slots of unknown order (S_POOL) */
    uint64_t peak, limit;
    uint64_t peak_reserved;    /* largest reserved_slots * stride after any call */
    int debug;
    size_t ndamaged;           /* free slots with link_damaged or poison_damage */
    size_t nlink_damaged;      /* free slots with link_damaged */
    int corrupt_seen;          /* what slabbin_last_corruption() must report */
    uintptr_t corrupt_slot;
    size_t corrupt_off;
} model_t;

static model_t g_m[NALLOC];
static uint32_t g_id;                       /* last pattern id handed out */
static uintptr_t g_stale;                   /* an address of a destroyed allocator or slab */
static unsigned char *g_heap;               /* a heap block of the program's own (256 bytes) */
static unsigned char g_static[256];
static unsigned char *g_stack;              /* a stack array of LLVMFuzzerTestOneInput (16 bytes) */

static mslab_t *m_find(const model_t *m, uintptr_t u) {
    size_t lo = 0, hi = m->nbase;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->by_base[mid]->base <= u) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) return NULL;
    mslab_t *s = m->by_base[lo - 1];
    return u - s->base < s->cap * m->stride ? s : NULL;
}

/* Whether any slab of m intersects [lo, hi). */
static int m_overlaps(const model_t *m, uintptr_t lo, uintptr_t hi) {
    if (m_find(m, lo) != NULL) return 1;
    for (size_t i = 0; i < m->nbase; i++) {   /* a slab starting inside the range */
        if (m->by_base[i]->base > lo && m->by_base[i]->base < hi) return 1;
    }
    return 0;
}

/* The slot starting at u, or NULL. */
static mslot_t *m_slot_at(const model_t *m, uintptr_t u) {
    mslab_t *s = m_find(m, u);
    if (s == NULL || (u - s->base) % m->stride != 0) return NULL;
    return &s->slot[(u - s->base) / m->stride];
}

/* What slabbin_check() must answer for u (a slot marked in_batch counts as free). */
static int m_expect_check(const model_t *m, uintptr_t u) {
    mslab_t *s = m_find(m, u);
    if (s == NULL) return SLABBIN_EFOREIGN;
    if ((u - s->base) % m->stride != 0) return SLABBIN_EINTERIOR;
    const mslot_t *sl = &s->slot[(u - s->base) / m->stride];
    if (m->checked) return sl->state == S_LIVE && !sl->in_batch ? SLABBIN_OK : SLABBIN_EDOUBLEFREE;
    return sl->state == S_NEVER ? SLABBIN_EDOUBLEFREE : SLABBIN_OK;   /* handed out since reset */
}

static int m_is_live(const model_t *m, uintptr_t u) {
    const mslot_t *sl = m_slot_at(m, u);
    return sl != NULL && sl->state == S_LIVE;
}

static void m_clear(model_t *m) {
    for (size_t i = 0; i < m->nslabs; i++) free(m->order[i]);
    free(m->order);
    free(m->by_base);
    free(m->live);
    free(m->stack);
    memset(m, 0, sizeof *m);
}

static void push_stack(model_t *m, uintptr_t u) {
    if (m->nstack == m->stack_cap) {
        m->stack_cap = m->stack_cap ? 2 * m->stack_cap : 256;
        m->stack = xrealloc(m->stack, m->stack_cap * sizeof *m->stack);
    }
    m->stack[m->nstack++] = u;
}

/* Slots obtainable without a new slab: free ones and ones never handed out. */
static uint64_t m_avail(const model_t *m) { return m->reserved_slots - m->nlive; }

/* Slab growth, as the API states it: a new slab holds `init` slots if no slab is held, else
 * twice the slots of the largest slab held, at most `cap`. `largest` is that slab's capacity (0:
 * none). */
static size_t m_grown(const model_t *m, size_t largest) {
    if (largest == 0) return m->init;
    return 2 * largest < m->cap ? 2 * largest : m->cap;
}

static size_t m_largest(const model_t *m) {
    size_t c = 0;
    for (size_t i = 0; i < m->nslabs; i++) {
        if (m->order[i]->cap > c) c = m->order[i]->cap;
    }
    return c;
}

/* Slots of the next slab reserved. */
static size_t m_next_cap(const model_t *m) { return m_grown(m, m_largest(m)); }

enum { PLAN_OK, PLAN_ENOMEM, PLAN_SKIP };

/* Before a call that allocates `count` slots at once: whether the reserve limit refuses the new
 * slabs it needs (PLAN_ENOMEM), whether they would exceed this program's bounds (PLAN_SKIP: the
 * call is not made), else PLAN_OK and the new slabs are appended (bases learned later). */
static int m_plan(model_t *m, size_t count) {
    uint64_t avail = m_avail(m);
    if (count <= avail) return PLAN_OK;
    size_t caps[MAX_BATCH + 1];                     /* the new slabs, each >= 1 slot */
    uint64_t need = 0, added = 0;
    for (size_t largest = m_largest(m); avail + added < count; need++) {
        if (need == MAX_BATCH + 1) return PLAN_SKIP;   /* cannot happen: each slab adds >= 1 */
        largest = m_grown(m, largest);
        caps[need] = largest;
        added += largest;
    }
    uint64_t after = (m->reserved_slots + added) * (uint64_t)m->stride;
    if (m->limit != 0 && after > m->limit) return PLAN_ENOMEM;
    if (after > MAX_RESERVED) return PLAN_SKIP;
    for (uint64_t i = 0; i < need; i++) {
        if (m->nslabs == m->order_cap) {
            m->order_cap = m->order_cap ? 2 * m->order_cap : 16;
            m->order = xrealloc(m->order, m->order_cap * sizeof *m->order);
            m->by_base = xrealloc(m->by_base, m->order_cap * sizeof *m->by_base);
        }
        mslab_t *s = calloc(1, sizeof *s + caps[i] * sizeof(mslot_t));
        if (s == NULL) abort();
        s->cap = caps[i];
        m->reserved_slots += caps[i];
        m->order[m->nslabs++] = s;
    }
    return PLAN_OK;
}

/* A new slab's first slot was handed out at u: its base. */
static void m_learn(model_t *m, mslab_t *s, uintptr_t u) {
    EXPECT(u % m->align == 0, "new slab at %#lx, alignment %zu", (unsigned long)u, m->align);
    for (int i = 0; i < NALLOC; i++) {
        if (g_m[i].a != NULL) {
            EXPECT(!m_overlaps(&g_m[i], u, u + s->cap * m->stride),
                   "new slab [%#lx, +%zu) overlaps a slab of allocator %d", (unsigned long)u,
                   s->cap * m->stride, i);
        }
    }
    size_t pos = 0;
    while (pos < m->nbase && m->by_base[pos]->base < u) pos++;
    memmove(&m->by_base[pos + 1], &m->by_base[pos], (m->nbase - pos) * sizeof *m->by_base);
    m->by_base[pos] = s;
    m->nbase++;
    s->base = u;
}

static void live_add(model_t *m, uintptr_t u, mslot_t *sl) {
    if (m->nlive == m->live_cap) {
        m->live_cap = m->live_cap ? 2 * m->live_cap : 256;
        m->live = xrealloc(m->live, m->live_cap * sizeof *m->live);
    }
    sl->live_pos = (uint32_t)m->nlive;
    m->live[m->nlive++] = (mlive_t){u, sl};
}

static void live_remove(model_t *m, mslot_t *sl) {
    size_t pos = sl->live_pos;
    m->live[pos] = m->live[--m->nlive];
    m->live[pos].slot->live_pos = (uint32_t)pos;
}

/* The allocator handed out `got` (after m_plan() returned PLAN_OK): checks it is the slot the
 * model predicts, checks zeroing, marks it live and writes its pattern. */
static void m_taken(model_t *m, void *got, int zeroed) {
    uintptr_t u = (uintptr_t)got;
    EXPECT(got != NULL && u % m->align == 0, "slot %p, alignment %zu", got, m->align);
    mslot_t *sl;
    size_t poison_from = SIZE_MAX;                 /* debug mode: poison expected from here */
    if (m->nstack > 0) {
        uintptr_t want = m->stack[--m->nstack];
        EXPECT(u == want, "LIFO: got %p, the top of the free list is %#lx", got,
               (unsigned long)want);
        sl = m_slot_at(m, u);
        poison_from = sizeof(void *);
    } else if (m->npool > 0) {
        sl = m_slot_at(m, u);
        EXPECT(sl != NULL && sl->state == S_POOL,
               "got %p, not one of the %zu free slots left by trim (state %d)", got, m->npool,
               sl != NULL ? sl->state : -1);
        m->npool--;
        poison_from = sizeof(void *);
    } else {
        if (!m->bumping || m->bumped == m->order[m->cur]->cap) {
            size_t nxt = m->bumping ? m->cur + 1 : 0;
            EXPECT(nxt < m->nslabs, "model: no slab to bump into (planned badly)");
            m->bumping = 1;
            m->cur = nxt;
            m->bumped = 0;
        }
        mslab_t *s = m->order[m->cur];
        if (s->base == 0) {
            m_learn(m, s, u);
        } else {
            uintptr_t want = s->base + m->bumped * m->stride;
            EXPECT(u == want, "bump: got %p, expected slot %zu of slab %zu (%#lx)", got, m->bumped,
                   m->cur, (unsigned long)want);
        }
        sl = &s->slot[m->bumped++];
        EXPECT(sl->state == S_NEVER, "bumped slot %p was handed out before", got);
        if (sl->poisoned) poison_from = 0;         /* poisoned by a reset */
    }
    EXPECT(sl != NULL && sl->state != S_LIVE, "slot %p handed out twice", got);
    EXPECT(!sl->link_damaged && sl->poison_damage == 0, "damaged free slot %p handed out", got);
    if (zeroed) {
        size_t d = bytes_differ(got, m->size, 0);
        EXPECT(d == SIZE_MAX, "alloc_zeroed: byte %zu of %p is not 0", d, got);
        if (poison_from < m->size) poison_from = m->size;
    }
    if (m->debug && poison_from < m->stride) {
        size_t d = bytes_differ((const unsigned char *)got + poison_from, m->stride - poison_from,
                                SLABBIN_POISON_BYTE);
        EXPECT(d == SIZE_MAX, "debug: slot %p handed out with byte %zu not poisoned", got,
               poison_from + d);
    }
    sl->poisoned = 0;
    sl->state = S_LIVE;
    sl->id = ++g_id;
    m_find(m, u)->live++;
    live_add(m, u, sl);
    if (m->nlive > m->peak) m->peak = m->nlive;
    pattern_fill(got, m->size, sl->id);
}

/* Checks a live slot's pattern, or its poison after slabbin_poison() (before it is freed, reset
 * or destroyed). */
static void m_check_pattern(const model_t *m, const mlive_t *e, int edges) {
    size_t d = e->slot->id == 0 ? bytes_differ((const void *)e->p, m->stride, SLABBIN_POISON_BYTE)
                                : pattern_damage((const void *)e->p, m->size, e->slot->id, edges);
    EXPECT(d == SIZE_MAX, "live slot %#lx: %s damaged at byte %zu", (unsigned long)e->p,
           e->slot->id == 0 ? "poison" : "pattern", d);
}

/* Live slot u was freed: it goes on top of the free list. */
static void m_freed(model_t *m, uintptr_t u) {
    mslot_t *sl = m_slot_at(m, u);
    EXPECT(sl != NULL && sl->state == S_LIVE, "model: freeing %#lx, not live", (unsigned long)u);
    live_remove(m, sl);
    sl->state = S_FREE;
    m_find(m, u)->live--;
    push_stack(m, u);
    if (m->debug) {                                /* poisoned after its link */
        size_t d = bytes_differ((const unsigned char *)u + sizeof(void *),
                                m->stride - sizeof(void *), SLABBIN_POISON_BYTE);
        EXPECT(d == SIZE_MAX, "debug: freed slot %#lx, byte %zu not poisoned", (unsigned long)u,
               sizeof(void *) + d);
    }
}

/* Forgets every use-after-free damage (the allocator repaired or overwrote it). */
static void m_clear_damage(model_t *m) {
    if (m->ndamaged == 0) return;
    for (size_t i = 0; i < m->nslabs; i++) {
        for (size_t j = 0; j < m->order[i]->cap; j++) {
            m->order[i]->slot[j].link_damaged = 0;
            m->order[i]->slot[j].poison_damage = 0;
        }
    }
    m->ndamaged = m->nlink_damaged = 0;
}

static void m_check_all_patterns(const model_t *m) {
    for (size_t i = 0; i < m->nlive; i++) m_check_pattern(m, &m->live[i], 1);
}

static void m_reset(model_t *m) {
    for (size_t i = 0; i < m->nslabs; i++) {
        mslab_t *s = m->order[i];
        s->live = 0;
        for (size_t j = 0; j < s->cap; j++) {
            uint8_t handed = s->slot[j].state != S_NEVER || s->slot[j].poisoned;
            memset(&s->slot[j], 0, sizeof(mslot_t));   /* S_NEVER */
            s->slot[j].poisoned = (uint8_t)(m->debug && handed);
        }
    }
    m->ndamaged = m->nlink_damaged = 0;
    m->nlive = m->nstack = m->npool = 0;
    m->bumping = m->nslabs > 0;
    m->cur = m->bumped = 0;
}

/* Releases the slabs without a live slot; returns the bytes slabbin_trim() must report. */
static uint64_t m_trim(model_t *m) {
    if (m->nlink_damaged > 0) m_clear_damage(m);   /* the list is rebuilt first */
    mslab_t *cur = m->bumping ? m->order[m->cur] : NULL;
    int cur_kept = 0;
    size_t kept = 0, ndamaged = 0;
    uint64_t gone = 0;                              /* slots of the slabs released */
    m->npool = 0;
    m->nstack = 0;
    size_t nb = 0;
    for (size_t i = 0; i < m->nbase; i++) {
        if (m->by_base[i]->live > 0) m->by_base[nb++] = m->by_base[i];
    }
    m->nbase = nb;
    for (size_t i = 0; i < m->nslabs; i++) {
        mslab_t *s = m->order[i];
        if (s->live == 0) {
            if (s->base != 0) g_stale = s->base;
            gone += s->cap;
            m->reserved_slots -= s->cap;
            free(s);
            continue;
        }
        if (s == cur) {
            cur_kept = 1;
            m->cur = kept;
        }
        for (size_t j = 0; j < s->cap; j++) {
            if (s->slot[j].state == S_FREE || s->slot[j].state == S_POOL) {
                s->slot[j].state = S_POOL;
                m->npool++;
                ndamaged += s->slot[j].poison_damage != 0;
            }
        }
        m->order[kept++] = s;
    }
    m->nslabs = kept;
    m->ndamaged = ndamaged;
    if (kept == 0) {
        m->bumping = 0;
        m->cur = m->bumped = 0;
    } else if (!cur_kept) {            /* every kept slab precedes the released bump slab */
        m->bumping = 1;
        m->cur = kept - 1;
        m->bumped = m->order[m->cur]->cap;
    }
    return gone * m->stride;
}

static void print_stats(char *buf, size_t n, const slabbin_stats_t *s) {
    snprintf(buf, n,
             "size %llu align %llu stride %llu cap %llu slabs %llu live %llu peak %llu "
             "reserved %llu initial %llu reserved_slots %llu peak_reserved %llu",
             (unsigned long long)s->slot_size, (unsigned long long)s->alignment,
             (unsigned long long)s->stride, (unsigned long long)s->slab_capacity,
             (unsigned long long)s->slab_count, (unsigned long long)s->live_slots,
             (unsigned long long)s->peak_live_slots, (unsigned long long)s->reserved_bytes,
             (unsigned long long)s->initial_slab_capacity, (unsigned long long)s->reserved_slots,
             (unsigned long long)s->peak_reserved_bytes);
}

static slabbin_stats_t stats_of(const model_t *m) {
    slabbin_stats_t s;
    memset(&s, 0xA5, sizeof s);
    slabbin_get_stats(m->a, &s);
    return s;
}

/* After every operation, for every allocator: the statistics; for the allocator the operation
 * worked on (`validate`) also slabbin_validate(), which fails exactly while a free slot's link is
 * damaged (it follows every link). */
static void check_state(model_t *m, int ai, int validate) {
    char why[256];
    int rc = validate ? slabbin_validate(m->a, why, sizeof why) : SLABBIN_OK;
    EXPECT(!validate || rc == (m->nlink_damaged > 0 ? SLABBIN_ECORRUPT : SLABBIN_OK),
           "allocator %d: validate %d (%s), %zu damaged links", ai, rc, why, m->nlink_damaged);
    slabbin_stats_t s = stats_of(m);
    uint64_t reserved = m->reserved_slots * m->stride;
    if (reserved > m->peak_reserved) m->peak_reserved = reserved;
    slabbin_stats_t w = {m->size,   m->align, m->stride, m->cap,
                         m->nslabs, m->nlive, m->peak,   reserved,
                         m->init,   m->reserved_slots,   m->peak_reserved};
    if (memcmp(&s, &w, sizeof s) != 0) {
        char got[256], want[256];
        print_stats(got, sizeof got, &s);
        print_stats(want, sizeof want, &w);
        EXPECT(0, "allocator %d statistics\n    got   %s\n    model %s", ai, got, want);
    }
}

static void expect_same_stats(const slabbin_stats_t *before, const model_t *m, const char *call) {
    slabbin_stats_t after = stats_of(m);
    EXPECT(memcmp(before, &after, sizeof after) == 0, "%s was refused but changed the statistics",
           call);
}

/* ---------------------------------------------------------------------------------------------
 * Addresses
 * ------------------------------------------------------------------------------------------- */

/* A learned slab of m at random, or NULL. */
static const mslab_t *any_slab(const model_t *m, rng_t *r) {
    return m->nbase == 0 ? NULL : m->by_base[below(r, m->nbase)];
}

static uintptr_t heap_address(rng_t *r) { return (uintptr_t)(g_heap + below(r, 256)); }

/* An address of the given kind (see the top of the file). */
static uintptr_t make_address(const model_t *m, int ai, unsigned kind, rng_t *r, input_t *in) {
    const mslab_t *s = any_slab(m, r);
    switch (kind % 16) {
    case 0:
        return 0;
    case 1:
        return m->nlive ? m->live[below(r, m->nlive)].p : heap_address(r);
    case 2:
        if (m->nstack > 0) {
            return (next(r) & 1) ? m->stack[m->nstack - 1] : m->stack[below(r, m->nstack)];
        }
        if (s != NULL) {                           /* a pool slot of this slab, if any */
            for (size_t j = 0; j < s->cap; j++) {
                if (s->slot[j].state == S_POOL) return s->base + j * m->stride;
            }
        }
        return heap_address(r);
    case 3:
        if (s == NULL) return heap_address(r);
        return s->base + below(r, s->cap) * m->stride + 1 + below(r, m->stride - 1);
    case 4:
        return s ? s->base + s->cap * m->stride : heap_address(r);
    case 5:
        return s ? s->base - 1 - below(r, m->stride) : heap_address(r);
    case 6:
        return heap_address(r);
    case 7:
        return (uintptr_t)(g_stack + below(r, 16));
    case 8:
        return (uintptr_t)&g_static[below(r, sizeof g_static)];
    case 9: {
        const model_t *o = &g_m[(ai + 1 + (int)below(r, NALLOC - 1)) % NALLOC];
        if (o->a == NULL) return heap_address(r);
        if (o->nlive > 0 && (next(r) & 3) != 0) return o->live[below(r, o->nlive)].p;
        return o->nbase ? o->by_base[below(r, o->nbase)]->base : heap_address(r);
    }
    case 10:
        return (uintptr_t)u64(in);
    case 11:
        if (m->bumping && m->cur < m->nslabs && m->order[m->cur]->base != 0 &&
            m->bumped < m->order[m->cur]->cap) {
            const mslab_t *b = m->order[m->cur];
            return b->base + (m->bumped + below(r, b->cap - m->bumped)) * m->stride;
        }
        if (m->bumping && m->cur + 1 < m->nslabs) {  /* a kept slab not reached since a reset */
            return m->order[m->cur + 1 + below(r, m->nslabs - m->cur - 1)]->base;
        }
        return s ? s->base + below(r, s->cap) * m->stride : heap_address(r);
    case 12:
        return s ? s->base + below(r, s->cap) * m->stride : heap_address(r);
    case 13:
        return g_stale ? g_stale + below(r, 4) * m->stride : heap_address(r);
    case 14:
        return UINTPTR_MAX - below(r, 4096);
    default:
        if (s == NULL) return heap_address(r);
        return s->base + below(r, s->cap) * m->stride + m->stride / 2;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Operations
 * ------------------------------------------------------------------------------------------- */

enum {
    OP_CREATE, OP_DESTROY, OP_ALLOC, OP_ALLOC_ZERO, OP_FREE, OP_FREE_ADDR, OP_ALLOC_BATCH,
    OP_ALLOC_UPTO, OP_FREE_BATCH, OP_RESET, OP_TRIM, OP_CHECK, OP_LIMIT, OP_BAD_ARGS, OP_VERIFY,
    OP_DRAIN, OP_ALLOC_MANY, OP_FREE_ALLOC, OP_UAF, OP_POISON, OP_COUNT
};

static void *g_slots[MAX_BATCH + 2];

static void destroy(model_t *m) {
    if (m->a == NULL) return;
    m_check_all_patterns(m);
    if (m->nlive > 0) g_stale = m->live[0].p;
    else if (m->nbase > 0) g_stale = m->by_base[0]->base;
    slabbin_destroy(m->a);
    m_clear(m);
}

static void op_create(model_t *m, int ai, input_t *in) {
    static const size_t common[16] = {8,  12, 16, 24,  32,  40,  48,  56,
                                      64, 96, 100, 128, 192, 256, 512, 1000};
    uint8_t s = u8(in);
    size_t size;
    switch (s % 8) {
    case 0: case 1: size = 1 + u8(in) % 64; break;
    case 2: case 3: size = 1 + u16(in) % 4096; break;
    case 4: case 5: case 6: size = common[u8(in) % 16]; break;
    default: size = 4097 + u32(in) % ((1u << 20) - 4096); break;
    }
    uint8_t ab = u8(in);
    unsigned shift = (ab & 0xC0) == 0xC0 ? ab % 22u : (ab & 0x80) ? ab % 13u : ab % 5u;
    size_t align = (size_t)1 << shift;
    uint8_t c = u8(in);
    size_t cap;
    switch (c / 64) {
    case 0: cap = 1 + c % 8; break;
    case 1: cap = 1 + c % 64; break;
    case 2: cap = 1 + 5 * (size_t)(c % 64); break;
    default: cap = 64 * (1 + (size_t)(c % 64)); break;
    }
    uint8_t fb = u8(in), f = fb % 16;
    /* Slab growth from bits 4-7 of the flags byte: 0-7 none, else a first slab of these slots
     * (none either when it is not below the capacity). */
    static const size_t initial[8] = {1, 2, 3, 5, 8, 13, 32, 100};
    size_t init = fb >> 7 ? initial[(fb >> 4) & 7] : 0;
    unsigned flags = f <= 8 ? 0u : f <= 12 ? SLABBIN_UNCHECKED : SLABBIN_DEBUG;
    if (flags == SLABBIN_DEBUG) {                  /* debug mode writes and reads whole strides */
        if (size > MAX_DEBUG_STRIDE) size = 1 + size % MAX_DEBUG_STRIDE;
        if (align > MAX_DEBUG_STRIDE) align = MAX_DEBUG_STRIDE;
    }
    size_t stride = 0;
    EXPECT(slabbin_layout_stride(size, align, &stride) == SLABBIN_OK, "layout_stride(%zu, %zu)",
           size, align);
    size_t want = size < sizeof(void *) ? sizeof(void *) : size;
    want = (want + align - 1) / align * align;
    EXPECT(stride == want, "stride of (%zu, %zu): %zu, expected %zu", size, align, stride, want);
    if (cap > MAX_SLAB_BYTES / stride) cap = MAX_SLAB_BYTES / stride;   /* >= 1 */
    if (init == 0 || init > cap) init = cap;
    destroy(m);
    note("a%d CREATE size %zu align %zu cap %zu initial %zu flags %u%s", ai, size, align, cap,
         init, flags, f == 15 ? " (invalid flags)" : "");
    slabbin_t *a = (slabbin_t *)&g_static;         /* must be overwritten with NULL on failure */
    if (f == 15) {
        static const unsigned bad[4] = {SLABBIN_DEBUG | SLABBIN_UNCHECKED, 4u, 0x80000000u, ~0u};
        int rc = slabbin_create(&a, size, align, cap, bad[c % 4]);
        EXPECT(rc == SLABBIN_EINVAL && a == NULL, "create with flags %#x: %d", bad[c % 4], rc);
        return;
    }
    slabbin_options_t o;
    slabbin_options_init(&o, size, align, cap);
    o.initial_slab_capacity = init;
    o.flags = flags;
    int rc = slabbin_create_with(&a, &o);
    EXPECT(rc == SLABBIN_OK && a != NULL, "create: %d", rc);
    m->a = a;
    m->size = size;
    m->align = align;
    m->stride = stride;
    m->cap = cap;
    m->init = init;
    m->checked = (flags & SLABBIN_UNCHECKED) == 0;
    m->debug = (flags & SLABBIN_DEBUG) != 0;
    EXPECT(slabbin_is_unchecked(a) == !m->checked, "is_unchecked");
}

static void op_free_live(model_t *m, int ai, size_t j) {
    if (m->nlive == 0) {
        note("a%d FREE (nothing live)", ai);
        return;
    }
    mlive_t e = m->live[j % m->nlive];
    note("a%d FREE %#lx", ai, (unsigned long)e.p);
    m_check_pattern(m, &e, 0);
    int rc = slabbin_free(m->a, (void *)e.p);
    EXPECT(rc == SLABBIN_OK, "free of live slot %#lx: %d", (unsigned long)e.p, rc);
    m_freed(m, e.p);
    int after = slabbin_check(m->a, (void *)e.p);
    EXPECT(after == (m->checked ? SLABBIN_EDOUBLEFREE : SLABBIN_OK), "check after free: %d", after);
}

static void op_free_addr(model_t *m, int ai, input_t *in) {
    unsigned kind = u8(in);
    rng_t r = rng_from(in);
    uintptr_t u = make_address(m, ai, kind, &r, in);
    int expect = m_expect_check(m, u);
    note("a%d FREE_ADDR kind %u %#lx expect %d", ai, kind % 16, (unsigned long)u, expect);
    if (!m->checked && !m_is_live(m, u)) {       /* unchecked: only check what free would do */
        int rc = slabbin_check(m->a, (void *)u);
        EXPECT(rc == expect, "unchecked check(%#lx): %d, expected %d", (unsigned long)u, rc,
               expect);
        return;
    }
    if (expect == SLABBIN_OK) m_check_pattern(m, &m->live[m_slot_at(m, u)->live_pos], 0);
    slabbin_stats_t before = stats_of(m);
    int rc = slabbin_free(m->a, (void *)u);
    EXPECT(rc == expect, "free(%#lx) kind %u: %d (%s), expected %d", (unsigned long)u, kind % 16,
           rc, slabbin_strerror(rc), expect);
    if (rc == SLABBIN_OK) {
        m_freed(m, u);
    } else {
        expect_same_stats(&before, m, "free");
        g_refused++;
    }
}

static int damaged(const mslot_t *sl) { return sl->link_damaged || sl->poison_damage != 0; }

/* Whether allocating `count` slots in one call meets a damaged free slot: 0 no, 1 surely, 2 maybe
 * (damage in the pool, whose order is unknown). *k: the slots of the stack popped before it. */
static int m_corrupt_ahead(const model_t *m, size_t count, size_t *k) {
    *k = 0;
    if (m->ndamaged == 0) return 0;
    size_t from_stack = count < m->nstack ? count : m->nstack;
    for (size_t i = 0; i < from_stack; i++) {
        if (damaged(m_slot_at(m, m->stack[m->nstack - 1 - i]))) {
            *k = i;
            return 1;
        }
    }
    if (count <= m->nstack || m->npool == 0) return 0;
    *k = m->nstack;                                /* the damage is in the pool */
    return count - m->nstack >= m->npool ? 1 : 2;
}

/* An allocation returned SLABBIN_ECORRUPT, as m_corrupt_ahead() foresaw: checks what
 * slabbin_last_corruption() names, then applies the repair. A damaged link: the list is rebuilt
 * from the bitmaps, except the k slots popped before it, which a batch pushes back on top in
 * their order (debug mode poisons every rebuilt slot again); damaged poison only: the slot is
 * poisoned again and stays where it is. */
static void m_corrupted(model_t *m, int ahead, size_t k) {
    void *slot = NULL;
    size_t off = 0;
    int rc = slabbin_last_corruption(m->a, &slot, &off);
    EXPECT(rc == SLABBIN_OK, "last_corruption after SLABBIN_ECORRUPT: %d", rc);
    uintptr_t q = (uintptr_t)slot;
    mslot_t *sl = m_slot_at(m, q);
    if (ahead == 1 && k < m->nstack) {
        EXPECT(q == m->stack[m->nstack - 1 - k],
               "corruption reported at %p, the damaged slot is %#lx", slot,
               (unsigned long)m->stack[m->nstack - 1 - k]);
    } else {
        EXPECT(sl != NULL && sl->state == S_POOL && damaged(sl),
               "corruption reported at %p, which is not a damaged free slot", slot);
    }
    size_t want = sl->link_damaged ? 0 : sl->poison_damage;
    EXPECT(off == want, "corruption of %p reported at byte %zu, expected %zu", slot, off, want);
    m->corrupt_seen = 1;
    m->corrupt_slot = q;
    m->corrupt_off = off;
    g_corrupt++;
    note("  -> SLABBIN_ECORRUPT: slot %p, byte %zu", slot, off);
    if (sl->link_damaged) {
        for (size_t i = 0; i + k < m->nstack; i++) {
            m_slot_at(m, m->stack[i])->state = S_POOL;
            m->npool++;
        }
        memmove(m->stack, m->stack + (m->nstack - k), k * sizeof *m->stack);
        m->nstack = k;
        m_clear_damage(m);
    } else {
        sl->poison_damage = 0;
        m->ndamaged--;
    }
}

/* Drops the slabs m_plan() appended whose first slot was never handed out (a batch that failed
 * releases them). */
static void m_unplan(model_t *m) {
    while (m->nslabs > 0 && m->order[m->nslabs - 1]->base == 0) {
        mslab_t *s = m->order[--m->nslabs];
        m->reserved_slots -= s->cap;
        free(s);
    }
}

enum { A_SINGLE, A_ZEROED, A_BATCH, A_UPTO };

/* One allocating call: slabbin_alloc or slabbin_alloc_zeroed (n = 1), slabbin_alloc_batch of n
 * slots, slabbin_alloc_upto with max n. Predicts the status (SLABBIN_ENOMEM from the reserve
 * limit before anything else, SLABBIN_ECORRUPT from a damaged free slot) and every slot. */
static void alloc_call(model_t *m, int ai, int how, size_t n) {
    static const char *const names[4] = {"ALLOC", "ALLOC_ZERO", "ALLOC_BATCH", "ALLOC_UPTO"};
    if (n > MAX_LIVE - m->nlive) n = MAX_LIVE - m->nlive;
    size_t count = n;
    if (how == A_UPTO && n > 0) {
        uint64_t avail = m_avail(m);
        count = avail == 0 ? m_next_cap(m) : (size_t)avail;
        if (count > n) count = n;
    }
    note("a%d %s %zu (count %zu, live %zu, avail %llu)", ai, names[how], n, count, m->nlive,
         (unsigned long long)m_avail(m));
    if (n == 0 && how <= A_ZEROED) return;
    int plan = m_plan(m, count);
    if (plan == PLAN_SKIP) return;
    size_t k = 0;
    int ahead = plan == PLAN_OK ? m_corrupt_ahead(m, count, &k) : 0;
    slabbin_stats_t before = stats_of(m);
    size_t got = 777;
    int rc;
    switch (how) {
    case A_SINGLE: rc = slabbin_alloc(m->a, &g_slots[0]); break;
    case A_ZEROED: rc = slabbin_alloc_zeroed(m->a, &g_slots[0]); break;
    case A_BATCH: rc = slabbin_alloc_batch(m->a, g_slots, n); break;
    default: rc = slabbin_alloc_upto(m->a, g_slots, n, &got); break;
    }
    if (how == A_UPTO && rc != SLABBIN_OK) EXPECT(got == 0, "alloc_upto failed, count %zu", got);
    if (plan == PLAN_ENOMEM) {
        EXPECT(rc == SLABBIN_ENOMEM, "%s over the reserve limit: %d", names[how], rc);
        g_enomem++;
        expect_same_stats(&before, m, names[how]);
        return;
    }
    if (ahead != 0 && rc == SLABBIN_ECORRUPT) {
        m_unplan(m);
        m_corrupted(m, ahead, k);
        expect_same_stats(&before, m, names[how]);
        return;
    }
    EXPECT(rc == SLABBIN_OK && ahead != 1, "%s of %zu: %d (%s), expected %s", names[how], count, rc,
           slabbin_strerror(rc), ahead == 1 ? "SLABBIN_ECORRUPT" : "SLABBIN_OK");
    if (how == A_UPTO) {
        EXPECT(got == count, "alloc_upto(max %zu): %zu slots, expected %zu", n, got, count);
    }
    for (size_t i = 0; i < count; i++) m_taken(m, g_slots[i], how == A_ZEROED);
}

/* Predicts a free_batch of g_slots[0..n): SLABBIN_OK or the first error and its index. */
static int predict_free_batch(model_t *m, size_t n, size_t *bad) {
    int rc = SLABBIN_OK;
    size_t i = 0;
    for (; i < n; i++) {
        rc = m_expect_check(m, (uintptr_t)g_slots[i]);
        if (rc != SLABBIN_OK) break;
        m_slot_at(m, (uintptr_t)g_slots[i])->in_batch = 1;
    }
    for (size_t j = 0; j < i; j++) m_slot_at(m, (uintptr_t)g_slots[j])->in_batch = 0;
    *bad = i;
    return rc;
}

/* Frees g_slots[0..n) in one call, as predicted. */
static void free_batch_call(model_t *m, size_t n, int null_bad) {
    size_t want_bad = 0;
    int expect = predict_free_batch(m, n, &want_bad);
    if (expect == SLABBIN_OK) {
        for (size_t i = 0; i < n; i++) {
            m_check_pattern(m, &m->live[m_slot_at(m, (uintptr_t)g_slots[i])->live_pos], 0);
        }
    }
    slabbin_stats_t before = stats_of(m);
    size_t bad = 4242;
    int rc = slabbin_free_batch(m->a, g_slots, n, null_bad ? NULL : &bad);
    EXPECT(rc == expect, "free_batch of %zu: %d (%s), expected %d at index %zu", n, rc,
           slabbin_strerror(rc), expect, want_bad);
    if (rc == SLABBIN_OK) {
        EXPECT(bad == 4242, "free_batch succeeded but wrote bad_index %zu", bad);
        for (size_t i = 0; i < n; i++) m_freed(m, (uintptr_t)g_slots[i]);
    } else {
        if (!null_bad) EXPECT(bad == want_bad, "bad_index %zu, expected %zu", bad, want_bad);
        expect_same_stats(&before, m, "free_batch");
        g_refused++;
    }
}

/* Moves n live slots chosen at random to the front of m->live and into g_slots[0..n). */
static void pick_live(model_t *m, size_t n, rng_t *r) {
    for (size_t i = 0; i < n; i++) {
        size_t j = i + below(r, m->nlive - i);
        mlive_t t = m->live[i];
        m->live[i] = m->live[j];
        m->live[j] = t;
        m->live[i].slot->live_pos = (uint32_t)i;
        m->live[j].slot->live_pos = (uint32_t)j;
        g_slots[i] = (void *)m->live[i].p;
    }
}

static void op_free_batch(model_t *m, int ai, input_t *in) {
    uint8_t nb = u8(in);
    rng_t r = rng_from(in);
    unsigned kind = u8(in);
    uint8_t at = u8(in);
    size_t n = (size_t)(nb % 40);
    if (n > m->nlive) n = m->nlive;
    pick_live(m, n, &r);
    int add_bad = (nb & 0x80) && m->checked;
    if (add_bad) {
        size_t pos = at % (n + 1);
        uintptr_t u = (kind % 16 == 1 && pos > 0) ? (uintptr_t)g_slots[below(&r, pos)]
                                                  : make_address(m, ai, kind, &r, in);
        memmove(&g_slots[pos + 1], &g_slots[pos], (n - pos) * sizeof g_slots[0]);
        g_slots[pos] = (void *)u;
        n++;
        note("a%d FREE_BATCH %zu, kind %u %#lx at %zu", ai, n, kind % 16, (unsigned long)u, pos);
    } else {
        note("a%d FREE_BATCH %zu", ai, n);
    }
    free_batch_call(m, n, (nb & 0x40) != 0);
}

static void op_reset(model_t *m, int ai) {
    note("a%d RESET (live %zu, slabs %zu)", ai, m->nlive, m->nslabs);
    m_check_all_patterns(m);
    slabbin_reset(m->a);
    m_reset(m);
}

static void op_trim(model_t *m, int ai) {
    note("a%d TRIM (slabs %zu)", ai, m->nslabs);
    uint64_t want = m_trim(m);
    size_t got = slabbin_trim(m->a);
    EXPECT(got == want, "trim released %zu bytes, expected %llu", got, (unsigned long long)want);
    got = slabbin_trim(m->a);
    EXPECT(got == 0, "second trim released %zu bytes", got);
}

static void check_one(const model_t *m, uintptr_t u, const char *what) {
    int expect = m_expect_check(m, u);
    int rc = slabbin_check(m->a, (const void *)u);
    EXPECT(rc == expect, "check(%#lx) %s: %d, expected %d", (unsigned long)u, what, rc, expect);
    int live = slabbin_is_allocated(m->a, (const void *)u);
    EXPECT(live == (expect == SLABBIN_OK), "is_allocated(%#lx) %s: %d", (unsigned long)u, what,
           live);
}

static void op_check(model_t *m, int ai, input_t *in) {
    unsigned kind = u8(in);
    rng_t r = rng_from(in);
    uintptr_t u = make_address(m, ai, kind, &r, in);
    note("a%d CHECK kind %u %#lx", ai, kind % 16, (unsigned long)u);
    check_one(m, u, "");
}

static void op_limit(model_t *m, int ai, input_t *in) {
    uint8_t k = u8(in);
    uint32_t v = u32(in);
    uint64_t limit;
    switch (k % 4) {
    case 0: limit = 0; break;
    case 1: limit = (m->reserved_slots + (uint64_t)(k / 4 % 4) * m_next_cap(m)) * m->stride; break;
    case 2: limit = (m->reserved_slots + m_next_cap(m)) * m->stride - 1; break;
    default: limit = v; break;
    }
    note("a%d LIMIT %llu (next slab %zu bytes, %zu slabs)", ai, (unsigned long long)limit,
         m_next_cap(m) * m->stride, m->nslabs);
    slabbin_set_reserve_limit(m->a, limit);
    m->limit = limit;
}

static void op_bad_args(model_t *m, int ai, input_t *in) {
    uint8_t which = u8(in);
    uint64_t v = u64(in);
    slabbin_t *a = m->a;                           /* may be NULL: no allocator here */
    note("a%d BAD_ARGS %u (v %#llx)", ai, which % 12, (unsigned long long)v);
    slabbin_t *out = (slabbin_t *)&g_static;
    void *p = &out;
    size_t count = 777, stride = 0;
    int rc;
    switch (which % 12) {
    case 0:
        rc = slabbin_create(&out, 0, 8, 4, 0);
        EXPECT(rc == SLABBIN_EINVAL && out == NULL, "create size 0: %d", rc);
        break;
    case 1: {
        size_t align = (size_t)(v % 4096);
        if (align != 0 && (align & (align - 1)) == 0) align *= 3;   /* not a power of two */
        rc = slabbin_create(&out, 16, align, 4, 0);
        EXPECT(rc == SLABBIN_EINVAL && out == NULL, "create alignment %zu: %d", align, rc);
        break;
    }
    case 2:
        rc = slabbin_create(&out, 16, SLABBIN_MAX_ALIGNMENT << (1 + v % 8), 4, 0);
        EXPECT(rc == SLABBIN_EINVAL && out == NULL, "create alignment over the maximum: %d", rc);
        break;
    case 3:
        rc = slabbin_create(&out, 1 + v % 100, 8, 0, 0);
        EXPECT(rc == SLABBIN_EINVAL && out == NULL, "create capacity 0: %d", rc);
        break;
    case 4: {
        size_t size = 1 + (size_t)(v % 5000);
        EXPECT(slabbin_layout_stride(size, 8, &stride) == SLABBIN_OK, "stride");
        rc = slabbin_create(&out, size, 8, (size_t)PTRDIFF_MAX / stride + 1 + v % 3, 0);
        EXPECT(rc == SLABBIN_EINVAL && out == NULL, "create with a slab over PTRDIFF_MAX: %d", rc);
        rc = slabbin_create(&out, SIZE_MAX - (size_t)(v % 64), 16, 1, 0);
        EXPECT(rc == SLABBIN_EINVAL && out == NULL, "create with a huge slot size: %d", rc);
        break;
    }
    case 5:
        EXPECT(slabbin_create(NULL, 16, 8, 4, 0) == SLABBIN_EINVAL, "create NULL out");
        EXPECT(slabbin_layout_stride(16, 8, NULL) == SLABBIN_EINVAL, "stride NULL out");
        break;
    case 6:
        EXPECT(slabbin_alloc(NULL, &p) == SLABBIN_EINVAL, "alloc NULL allocator");
        EXPECT(slabbin_alloc_zeroed(NULL, &p) == SLABBIN_EINVAL, "alloc_zeroed NULL allocator");
        if (a != NULL) {
            EXPECT(slabbin_alloc(a, NULL) == SLABBIN_EINVAL, "alloc NULL out");
            EXPECT(slabbin_alloc_zeroed(a, NULL) == SLABBIN_EINVAL, "alloc_zeroed NULL out");
        }
        break;
    case 7:
        EXPECT(slabbin_alloc_batch(NULL, g_slots, 1) == SLABBIN_EINVAL, "batch NULL allocator");
        if (a != NULL) {
            EXPECT(slabbin_alloc_batch(a, NULL, 1 + v % 100) == SLABBIN_EINVAL, "batch NULL array");
            EXPECT(slabbin_alloc_batch(a, NULL, 0) == SLABBIN_OK, "batch of 0, NULL array");
            EXPECT(slabbin_alloc_batch(a, g_slots, 0) == SLABBIN_OK, "batch of 0");
        }
        break;
    case 8:
        EXPECT(slabbin_alloc_upto(NULL, g_slots, 4, &count) == SLABBIN_EINVAL, "upto NULL");
        if (a != NULL) {
            EXPECT(slabbin_alloc_upto(a, g_slots, 4, NULL) == SLABBIN_EINVAL, "upto NULL count");
            rc = slabbin_alloc_upto(a, NULL, 1 + v % 100, &count);
            EXPECT(rc == SLABBIN_EINVAL, "upto NULL array: %d", rc);
            count = 777;
            rc = slabbin_alloc_upto(a, g_slots, 0, &count);
            EXPECT(rc == SLABBIN_OK && count == 0, "upto max 0: %d, count %zu", rc, count);
        }
        break;
    case 9:
        EXPECT(slabbin_free(NULL, p) == SLABBIN_EINVAL, "free NULL allocator");
        EXPECT(slabbin_free_batch(NULL, g_slots, 1, NULL) == SLABBIN_EINVAL, "free_batch NULL");
        if (a != NULL) {
            EXPECT(slabbin_free_batch(a, NULL, 1 + v % 100, &count) == SLABBIN_EINVAL,
                   "free_batch NULL array");
            EXPECT(slabbin_free_batch(a, NULL, 0, NULL) == SLABBIN_OK, "free_batch of 0");
        }
        break;
    case 10: {
        slabbin_stats_t s;
        memset(&s, 0x5A, sizeof s);
        slabbin_stats_t untouched = s;
        slabbin_get_stats(NULL, &s);
        EXPECT(memcmp(&s, &untouched, sizeof s) == 0, "get_stats(NULL) wrote");
        if (a != NULL) slabbin_get_stats(a, NULL);
        EXPECT(slabbin_check(NULL, p) == SLABBIN_EINVAL, "check NULL allocator");
        EXPECT(slabbin_is_allocated(NULL, p) == 0, "is_allocated NULL allocator");
        EXPECT(slabbin_is_unchecked(NULL) == 0, "is_unchecked NULL");
        EXPECT(slabbin_trim(NULL) == 0, "trim NULL");
        slabbin_poison(NULL, p);
        EXPECT(slabbin_poison_damage(NULL, p, 0) == -1, "poison_damage NULL allocator");
        EXPECT(slabbin_last_corruption(NULL, &p, &count) == SLABBIN_EINVAL, "last_corruption NULL");
        if (a != NULL) {
            slabbin_poison(a, NULL);
            EXPECT(slabbin_poison_damage(a, NULL, 0) == -1, "poison_damage NULL slot");
            EXPECT(slabbin_last_corruption(a, NULL, &count) == SLABBIN_EINVAL, "last_corruption");
            EXPECT(slabbin_last_corruption(a, &p, NULL) == SLABBIN_EINVAL, "last_corruption");
        }
        slabbin_reset(NULL);
        slabbin_set_reserve_limit(NULL, v);
        slabbin_destroy(NULL);
        for (int code = -8; code <= 1; code++) {
            EXPECT(slabbin_strerror(code) != NULL, "strerror(%d)", code);
        }
        break;
    }
    default: {                                      /* layout_stride of any size and alignment */
        size_t size = (size_t)(v & 0xFFFFFF);
        size_t align = (size_t)1 << ((v >> 24) % 64);
        if ((v >> 30) & 1) align += (v >> 31) & 7;
        if ((v >> 34) & 1) size = SIZE_MAX - (size_t)((v >> 35) & 0xFFFF);
        size_t ptr = sizeof(void *);
        int valid = size != 0 && align != 0 && (align & (align - 1)) == 0 &&
                    align <= SLABBIN_MAX_ALIGNMENT &&
                    (size < ptr ? ptr : size) <= (size_t)PTRDIFF_MAX - (align - 1);
        rc = slabbin_layout_stride(size, align, &stride);
        EXPECT(rc == (valid ? SLABBIN_OK : SLABBIN_EINVAL), "layout_stride(%zu, %zu): %d", size,
               align, rc);
        if (valid) {
            size_t s = size < ptr ? ptr : size;
            s = (s + align - 1) / align * align;
            EXPECT(stride == s, "layout_stride(%zu, %zu) = %zu, expected %zu", size, align, stride,
                   s);
        }
        break;
    }
    }
}

static void op_verify(model_t *m, int ai, input_t *in) {
    rng_t r = rng_from(in);
    note("a%d VERIFY (live %zu, slabs %zu)", ai, m->nlive, m->nslabs);
    size_t n = m->nlive < VERIFY_SAMPLE ? m->nlive : VERIFY_SAMPLE;
    for (size_t i = 0; i < n; i++) {
        const mlive_t *e = &m->live[n == m->nlive ? i : below(&r, m->nlive)];
        m_check_pattern(m, e, 0);
        check_one(m, e->p, "(live)");
    }
    const mslab_t *s = any_slab(m, &r);
    if (s != NULL) {
        size_t step = s->cap > 256 ? s->cap / 256 : 1;  /* at most about 256 slots */
        for (size_t j = below(&r, step); j < s->cap; j += step) {
            check_one(m, s->base + j * m->stride, "(slab scan)");
        }
    }
}

static void op_drain(model_t *m, int ai, input_t *in) {
    rng_t r = rng_from(in);
    note("a%d DRAIN %zu", ai, m->nlive);
    while (m->nlive > 0) {
        size_t n = m->nlive < MAX_BATCH ? m->nlive : MAX_BATCH;
        pick_live(m, n, &r);
        free_batch_call(m, n, 0);
    }
}

static void op_free_alloc(model_t *m, int ai, size_t j) {
    if (m->nlive == 0) return;
    op_free_live(m, ai, j);
    uintptr_t top = m->stack[m->nstack - 1];
    alloc_call(m, ai, A_SINGLE, 1);
    EXPECT(m->live[m->nlive - 1].p == top, "free then alloc did not return the same slot");
}

/* A use after free: a write into a free slot of known position in the free list (checked mode
 * only; unchecked mode makes it undefined behaviour). Either its link gets an address that can
 * never be a valid link (inside the slot itself, the static array, or in debug mode NULL), or in
 * debug mode one poison byte after the link is changed. */
static void op_uaf(model_t *m, int ai, input_t *in) {
    uint16_t j = u16(in);
    uint8_t what = u8(in);
    rng_t r = rng_from(in);
    if (!m->checked || m->nstack == 0) {
        note("a%d UAF (no free slot of known position, or unchecked)", ai);
        return;
    }
    uintptr_t u = m->stack[m->nstack - 1 - j % m->nstack];
    mslot_t *sl = m_slot_at(m, u);
    int was = damaged(sl);
    if (!m->debug || m->stride == sizeof(void *) || (what & 1) != 0) {
        uintptr_t v;
        switch ((what >> 1) % (m->debug ? 3u : 2u)) {
        case 0: v = u + 1 + below(&r, m->stride - 1); break;
        case 1: v = (uintptr_t)&g_static[below(&r, sizeof g_static)]; break;
        default: v = 0; break;
        }
        memcpy((void *)u, &v, sizeof v);
        note("a%d UAF link of %#lx := %#lx", ai, (unsigned long)u, (unsigned long)v);
        if (!sl->link_damaged) m->nlink_damaged++;
        sl->link_damaged = 1;
    } else {
        size_t off = sizeof(void *) + below(&r, m->stride - sizeof(void *));
        unsigned char v = (unsigned char)next(&r);
        ((unsigned char *)u)[off] = v == SLABBIN_POISON_BYTE ? 0 : v;
        note("a%d UAF byte %zu of %#lx", ai, off, (unsigned long)u);
        if (sl->poison_damage == 0 || off < sl->poison_damage) sl->poison_damage = (uint32_t)off;
    }
    m->ndamaged += !was;
}

/* First offset in [from, stride) of the slot at u that is not the poison byte, or -1: what
 * slabbin_poison_damage() must answer in debug mode. */
static ptrdiff_t poison_scan(const model_t *m, uintptr_t u, size_t from) {
    for (size_t k = from; k < m->stride; k++) {
        if (((const unsigned char *)u)[k] != SLABBIN_POISON_BYTE) return (ptrdiff_t)k;
    }
    return -1;
}

/* slabbin_poison() of a live slot (as a magazine holding freed slots does), then
 * slabbin_poison_damage() of a slot whose bytes are known (free, or poisoned), then
 * slabbin_last_corruption(). */
static void op_poison(model_t *m, int ai, input_t *in) {
    uint8_t what = u8(in);
    uint16_t from16 = u16(in);
    rng_t r = rng_from(in);
    note("a%d POISON %u from %u", ai, what, from16);
    if ((what & 1) != 0 && m->nlive > 0) {
        mlive_t *e = &m->live[below(&r, m->nlive)];
        slabbin_poison(m->a, (void *)e->p);
        if (m->debug) e->slot->id = 0;             /* else a no-op: the pattern stays */
        m_check_pattern(m, e, 0);
    }
    uintptr_t u = 0;                               /* a slot with known bytes, if any */
    if (m->nstack > 0 && (what & 2) != 0) {
        u = m->stack[below(&r, m->nstack)];
    } else if (m->nlive > 0) {
        const mlive_t *e = &m->live[below(&r, m->nlive)];
        if (e->slot->id == 0 || !m->debug) u = e->p;
    }
    if (u != 0) {
        size_t from = (what & 4) != 0 ? from16 % (m->stride + 1) : sizeof(void *);
        ptrdiff_t got = slabbin_poison_damage(m->a, (const void *)u, from);
        ptrdiff_t want = m->debug ? poison_scan(m, u, from) : -1;
        EXPECT(got == want, "poison_damage(%#lx, %zu): %td, expected %td", (unsigned long)u, from,
               got, want);
        const mslot_t *sl = m_slot_at(m, u);
        if (m->debug && from >= sizeof(void *) && sl->state != S_LIVE &&
            (sl->poison_damage == 0 || sl->poison_damage >= from)) {
            ptrdiff_t d = sl->poison_damage == 0 ? -1 : (ptrdiff_t)sl->poison_damage;
            EXPECT(got == d, "poison_damage(%#lx, %zu): %td, the first byte damaged is %td",
                   (unsigned long)u, from, got, d);
        }
    }
    void *slot = (void *)&r;
    size_t off = 12345;
    int rc = slabbin_last_corruption(m->a, &slot, &off);
    if (m->corrupt_seen) {
        EXPECT(rc == SLABBIN_OK && (uintptr_t)slot == m->corrupt_slot && off == m->corrupt_off,
               "last_corruption: %d, %p at %zu; expected %#lx at %zu", rc, slot, off,
               (unsigned long)m->corrupt_slot, m->corrupt_off);
    } else {
        EXPECT(rc == SLABBIN_EINVAL, "last_corruption with no corruption reported: %d", rc);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    input_t in = {data, data + size};
    unsigned char stack[16] = {0};
    g_stack = stack;
    g_heap = malloc(256);
    if (g_heap == NULL) abort();
    g_id = 0;
    g_stale = 0;
    g_op_index = 0;
    g_inputs++;
    while (in.p < in.end) {
        uint8_t b = u8(&in);
        int ai = (b >> 5) % NALLOC;
        model_t *m = &g_m[ai];
        unsigned op = (b & 31u) % OP_COUNT;
        if (m->a == NULL && op != OP_BAD_ARGS) op = OP_CREATE;
        switch (op) {
        case OP_CREATE: op_create(m, ai, &in); break;
        case OP_DESTROY:
            note("a%d DESTROY (live %zu)", ai, m->nlive);
            destroy(m);
            break;
        case OP_ALLOC: alloc_call(m, ai, A_SINGLE, 1); break;
        case OP_ALLOC_ZERO: alloc_call(m, ai, A_ZEROED, 1); break;
        case OP_FREE: op_free_live(m, ai, u16(&in)); break;
        case OP_FREE_ADDR: op_free_addr(m, ai, &in); break;
        case OP_ALLOC_BATCH: {
            uint8_t n = u8(&in);
            alloc_call(m, ai, A_BATCH, n < 200 ? n % 40 : u16(&in) % MAX_BATCH);
            break;
        }
        case OP_ALLOC_UPTO: alloc_call(m, ai, A_UPTO, u8(&in) % 80); break;
        case OP_FREE_BATCH: op_free_batch(m, ai, &in); break;
        case OP_RESET: op_reset(m, ai); break;
        case OP_TRIM: op_trim(m, ai); break;
        case OP_CHECK: op_check(m, ai, &in); break;
        case OP_LIMIT: op_limit(m, ai, &in); break;
        case OP_BAD_ARGS: op_bad_args(m, ai, &in); break;
        case OP_VERIFY: op_verify(m, ai, &in); break;
        case OP_DRAIN: op_drain(m, ai, &in); break;
        case OP_ALLOC_MANY: {
            unsigned n = u8(&in) % 64;
            for (unsigned i = 0; i < n; i++) alloc_call(m, ai, A_SINGLE, 1);
            break;
        }
        case OP_FREE_ALLOC: op_free_alloc(m, ai, u16(&in)); break;
        case OP_UAF: op_uaf(m, ai, &in); break;
        default: op_poison(m, ai, &in); break;
        }
        for (int i = 0; i < NALLOC; i++) {
            if (g_m[i].a != NULL) check_state(&g_m[i], i, i == ai);
        }
        g_op_index++;
        if (++g_ops % 1000000 == 0) report();       /* progress of long runs */
    }
    for (int i = 0; i < NALLOC; i++) destroy(&g_m[i]);
    free(g_heap);
    return 0;
}

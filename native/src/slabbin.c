/*
 * slabbin.c - the slab allocator core. See slabbin.h for the contract.
 *
 * Data structures
 *   - Slabs live in `slabs[0..nslabs)`, in the order they were reserved. `cur` is the slab being
 *     bumped through: slabs before it are fully handed out, slabs after it (only after a reset or
 *     a failed batch) are untouched. `bump`/`bump_end` is the never-used part of slabs[cur] and
 *     `bump_idx` the slot index of `bump` in it.
 *   - The free list is intrusive (as in the Rust crate): a free slot's first pointer-sized word
 *     holds the address of the next free slot; `head` is the top.
 *   - Checked mode adds one bit per slot (1 = allocated) in each slab's header, and an owner
 *     lookup: the address space is cut into windows of 2^shift bytes, 2^shift >= slab bytes, so a
 *     slab touches at most two windows; an open-addressing hash maps a window number to the slabs
 *     touching it (each entry holds the slab's base, so a candidate is confirmed without touching
 *     the slab). Lookup is O(1) and never reads the address being looked up. The table is kept in
 *     both modes (it changes only when slabs come and go); only checked mode consults it on the
 *     hot path. Before it, the fast paths try the slab found last (`last`), over `last_span`
 *     bytes from its base: exactly its handed-out part (the bump path extends it), so an address
 *     that passes this test is also known to be a handed-out slot's, which a popped link must be.
 *   - Checked mode, the slot on top of the free list: its bit stays 1 although the slot is free,
 *     and `head_word`/`head_bit` say where that bit is. Every other free slot has its bit 0. So
 *     a slot is allocated exactly when its bit is 1 and it is not the top. This saves every
 *     bitmap write when a slot is freed and allocated again at once: popping the top leaves its bit
 *     as it is (1 = allocated), and pushing onto an empty list leaves no old top to clear. Pushing
 *     onto a non-empty list clears the bit of the old top; popping a slot whose link is not NULL
 *     validates that link (owner, slot start, bit 0, handed out) and sets its bit.
 *   - The slot handed out last: when a pop empties the list, the slot it hands out is remembered
 *     in `last_out`. While last_out is not NULL the list is empty and that slot is allocated (in
 *     checked mode head_word/head_bit are still its); so freeing it needs no validation: it is
 *     pushed onto the empty list as the new top, its bit as it is. `live` does not count it
 *     (live_now() does). Every other push, and every change of the slots' states (reset, trim,
 *     repair), drops last_out. So allocating an object and freeing it again, one at a time, takes
 *     the same few instructions in both modes, with no mode test, no counter and no bitmap update
 *     on the way.
 *   - Slot index = offset / stride, by Lemire's multiply-based division ("Faster Remainder by
 *     Direct Computation", 2019) when offsets fit in 32 bits: the high half of one 64x64-bit
 *     product is the index, its low half tells whether the offset is a multiple of the stride.
 *     Larger slabs divide, and always take the out-of-line lookup paths.
 *
 * Hot paths
 *   slabbin_alloc() and slabbin_free() handle the pop that empties the list, the push of last_out
 *   (both modes) and the unchecked pop and push in straight-line code that needs no stack frame
 *   and takes no branch but its return; the checked pop and push of other slots (with the owner
 *   found in the slab used last), and the bump, are separate frame-less functions reached by one
 *   jump; everything else (bump refill, the hash lookup, errors, corruption repair) is further out
 *   of line. The fields these paths touch share the first cache line of the (64-byte aligned)
 *   allocator.
 *
 *   Peak tracking: between resets, every slot handed out is live or on the free list, and the bump
 *   runs only when the free list is empty, i.e. when every handed-out slot is live; so a pop can
 *   never raise `live` above a peak recorded by the bumps, and only the bump path updates `peak`.
 *   Checked mode makes sure of the premise: a bump that finds fewer live slots than were handed
 *   out means a use after free cut the list short (a link overwritten with NULL); the list is
 *   rebuilt from the bitmaps and SLABBIN_ECORRUPT returned, as for any other bad link.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#  define _POSIX_C_SOURCE 200112L   /* posix_memalign */
#endif
#include "slabbin.h"
#include "slabbin_validate.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#  include <malloc.h>
#endif

#if defined(__GNUC__)
#  define LIKELY(x) __builtin_expect(!!(x), 1)
#  define UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define NOINLINE __attribute__((noinline))
#  define COLD __attribute__((noinline, cold))
/* Entry points of the fast paths start on a cache line, so that each fast path spans as few
 * instruction fetch blocks as it can. */
#  define HOT_ENTRY __attribute__((aligned(64)))
#else
#  define LIKELY(x) (x)
#  define UNLIKELY(x) (x)
#  define NOINLINE
#  define COLD
#  define HOT_ENTRY
#endif

typedef struct slab {
    unsigned char *base;   /* first slot */
    size_t index;          /* position in slabs[] */
    uint64_t bits[];       /* checked mode: 1 bit per slot, 1 = allocated (see the top) */
} slab_t;

typedef struct owner_entry {
    uintptr_t base;        /* slab->base */
    slab_t *slab;          /* NULL = empty entry */
} owner_entry_t;

#define HOT_LINE 64

/* The `last` of an allocator that has none: no address matches it (last_span is then 0). */
static slab_t no_slab;

struct slabbin {
    /* Cache line 0 (the allocator is 64-byte aligned): the fields of the pop/push fast paths. */
    void *head;                    /* top of the free list, or NULL */
    uint64_t live;                 /* slots allocated, last_out not counted (see live_now()) */
    void *last_out;                /* see "the slot handed out last" at the top */
    slab_t *last;                  /* checked mode: the slab the owner lookup tries first; never
                                      NULL (&no_slab when there is none) */
    uint64_t *head_word;           /* checked mode: bitmap word holding head's bit */
    uint64_t div_magic;            /* Lemire: UINT64_MAX / stride + 1, 0 if slabs exceed 4 GiB */
    void *fast_end;                /* a top whose link is this is popped as the last free slot
                                      by the fast path: list_end (NULL), or in debug mode
                                      &fast_end, which no link holds, so that every pop leaves
                                      the fast path and is verified */
    uint32_t last_span;            /* bytes of `last` handed out since the last reset (0 for
                                      &no_slab, so no address matches it); fast paths only serve
                                      slabs of at most 4 GiB */
    unsigned char head_bit;        /* checked mode: head's bit number (mod 64) in *head_word */
    bool checked;

    /* Cache line 1: the bump path. */
    unsigned char *bump;           /* next never-used slot of slabs[cur] (NULL: none bumped) */
    unsigned char *bump_end;       /* end of slabs[cur] */
    size_t bump_idx;               /* slot index of bump in slabs[cur] */
    uint64_t cur_first;            /* cur * capacity: slots handed out in the slabs before cur */
    slab_t *bump_slab;             /* slabs[cur] */
    size_t stride;
    uint64_t peak;
    size_t cur;                    /* bump slab index; meaningful when bump != NULL */
    size_t capacity;

    size_t slab_bytes;             /* capacity * stride */
    size_t size;
    size_t align;
    size_t bitmap_words;

    slab_t **slabs;
    size_t nslabs;
    size_t slabs_cap;

    unsigned shift;                /* owner windows are 2^shift bytes */
    owner_entry_t *table;          /* owner hash, table_mask + 1 entries (power of two) */
    size_t table_mask;
    size_t table_used;

    uint64_t reserve_limit;        /* 0 = none */

    void *list_end;                /* the link of the bottom free slot: NULL, or in debug mode
                                      &list_end (so a link overwritten with NULL is found) */
    bool debug;                    /* SLABBIN_DEBUG: poisoning (implies checked); last stays
                                      &no_slab, last_out NULL, list_end != NULL */
    bool corrupt_seen;             /* an ECORRUPT was returned; corrupt_slot/off describe it */
    void *corrupt_slot;            /* the damaged free slot (NULL: the list was cut short) */
    size_t corrupt_off;            /* its first damaged byte (< sizeof(void *): the link) */
};

_Static_assert(offsetof(struct slabbin, checked) < HOT_LINE, "fast-path fields fit one line");

/* ---------------------------------------------------------------------------------------------
 * Arithmetic helpers
 * ------------------------------------------------------------------------------------------- */

static bool is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

int slabbin_layout_stride(size_t slot_size, size_t slot_alignment, size_t *stride) {
    if (stride == NULL || slot_size == 0 || !is_pow2(slot_alignment) ||
        slot_alignment > SLABBIN_MAX_ALIGNMENT) {
        return SLABBIN_EINVAL;
    }
    size_t s = slot_size < sizeof(void *) ? sizeof(void *) : slot_size;
    if (s > (size_t)PTRDIFF_MAX - (slot_alignment - 1)) return SLABBIN_EINVAL;
    s = (s + slot_alignment - 1) & ~(slot_alignment - 1);
    *stride = s;
    return SLABBIN_OK;
}

/* Free-list links are copied with memcpy: a slot is only slot_alignment-aligned, which can be less
 * than a pointer's alignment (e.g. stride 9 with alignment 1). An 8-byte memcpy is one move. */
static inline void *link_load(const void *slot) {
    void *next;
    memcpy(&next, slot, sizeof next);
    return next;
}

static inline void link_store(void *slot, void *next) { memcpy(slot, &next, sizeof next); }

/* Slot index of byte offset `off` inside a slab (off < slab_bytes <= UINT32_MAX, div_magic != 0):
 * sets *idx to off / stride and returns whether off is a multiple of the stride (a slot start).
 * The high half of magic * off is the quotient; the low half (the fraction) is below magic exactly
 * when the remainder is 0. */
static inline bool slot_at_fast(const slabbin_t *a, size_t off, size_t *idx) {
#if defined(__GNUC__) && defined(__x86_64__)
    /* One MUL, written out: compilers keep a 128-bit product in callee-saved registers here, which
     * would cost the fast paths a stack frame. off < 2^32 needs no zero extension. */
    uint64_t lo, hi;
    __asm__("mulq %3" : "=a"(lo), "=d"(hi) : "0"((uint64_t)off), "rm"(a->div_magic) : "cc");
    *idx = (size_t)hi;
    return lo < a->div_magic;
#elif defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 prod = (u128)a->div_magic * (uint32_t)off;
    *idx = (size_t)(prod >> 64);
    return (uint64_t)prod < a->div_magic;
#else
    *idx = off / a->stride;
    return off % a->stride == 0;
#endif
}

/* As slot_at_fast(), for any slab size. */
static bool slot_at(const slabbin_t *a, size_t off, size_t *idx) {
    if (a->div_magic != 0) return slot_at_fast(a, off, idx);
    *idx = off / a->stride;
    return off % a->stride == 0;
}

static uint64_t hash_window(uintptr_t w) {
    uint64_t h = (uint64_t)w * UINT64_C(0x9E3779B97F4A7C15);
    return h ^ (h >> 29);
}

static inline uint64_t *bit_word(slab_t *s, size_t i) { return &s->bits[i >> 6]; }
static inline uint64_t bit_mask(size_t i) { return UINT64_C(1) << (i & 63); }
static bool bit_get(const slab_t *s, size_t i) { return (s->bits[i >> 6] >> (i & 63)) & 1u; }
static void bit_set(slab_t *s, size_t i) { s->bits[i >> 6] |= bit_mask(i); }

/* SLABBIN_OK, as a value the compiler cannot see through: a fast path returning it ends in its
 * own `ret` instead of jumping to a return shared with another path (a taken branch less). */
static inline int ok_here(void) {
    int ok = SLABBIN_OK;
#if defined(__GNUC__)
    __asm__("" : "+r"(ok));
#endif
    return ok;
}


/* Slots allocated: `live` does not count last_out, so that handing it out and taking it back
 * (see the top) need not touch the counter. */
static inline uint64_t live_now(const slabbin_t *a) { return a->live + (a->last_out != NULL); }

/* Forgets last_out (it stays allocated): counts it in `live` again. */
static inline void last_out_drop(slabbin_t *a) {
    a->live += a->last_out != NULL;
    a->last_out = NULL;
}

/* The free-list node after p, or NULL at the bottom (whose link is list_end). */
static inline void *link_next(const slabbin_t *a, const void *p) {
    void *next = link_load(p);
    return next == a->list_end ? NULL : next;
}

/* The link a slot pushed on top of the list gets: the old top, or list_end. */
static inline void *link_below_head(const slabbin_t *a) {
    return a->head != NULL ? a->head : a->list_end;
}

/* ---------------------------------------------------------------------------------------------
 * Debug mode: poisoning
 * ------------------------------------------------------------------------------------------- */

static void poison_fill(const slabbin_t *a, void *slot) {
    memset(slot, SLABBIN_POISON_BYTE, a->stride);
}

/* First offset in [from, stride) of slot whose byte is not the poison byte, or -1. */
static ptrdiff_t poison_scan(const slabbin_t *a, const void *slot, size_t from) {
    const unsigned char *b = slot;
    for (size_t i = from; i < a->stride; i++) {
        if (b[i] != SLABBIN_POISON_BYTE) return (ptrdiff_t)i;
    }
    return -1;
}

/* Records what slabbin_last_corruption() reports. */
static void corruption_note(slabbin_t *a, void *slot, size_t off) {
    a->corrupt_seen = true;
    a->corrupt_slot = slot;
    a->corrupt_off = off;
}

/* ---------------------------------------------------------------------------------------------
 * System memory
 * ------------------------------------------------------------------------------------------- */

#if defined(SLABBIN_FAULT_INJECTION)
#include "slabbin_faults.h"

static uint64_t fault_countdown;   /* the allocation that fails when this reaches 0; 0 = off */
static uint64_t fault_attempts;

void slabbin_fault_arm(uint64_t n) {
    fault_countdown = n;
    fault_attempts = 0;
}

uint64_t slabbin_fault_count(void) { return fault_attempts; }

static bool fault_now(void) {
    fault_attempts++;
    return fault_countdown != 0 && --fault_countdown == 0;
}
#else
static inline bool fault_now(void) { return false; }
#endif

/* Every system allocation of the core (allocator, slab memory and headers, owner table, slabs[],
 * temporary arrays) goes through here; system_free() releases it. The fault-injection build fails
 * the n-th call on request (slabbin_faults.h). */
static void *system_alloc(size_t align, size_t bytes) {
    if (fault_now()) return NULL;
    if (align < sizeof(void *) * 2) align = sizeof(void *) * 2;
#if defined(_WIN32)
    return _aligned_malloc(bytes, align);
#else
    void *p = NULL;
    return posix_memalign(&p, align, bytes) == 0 ? p : NULL;
#endif
}

static void system_free(void *p) {
#if defined(_WIN32)
    _aligned_free(p);
#else
    free(p);
#endif
}

/* system_alloc() of `bytes` zeroed bytes, pointer-aligned. */
static void *system_zalloc(size_t bytes) {
    void *p = system_alloc(0, bytes);
    if (p != NULL) memset(p, 0, bytes);
    return p;
}

/* ---------------------------------------------------------------------------------------------
 * Owner lookup (checked mode)
 * ------------------------------------------------------------------------------------------- */

static void table_put(owner_entry_t *t, size_t mask, uintptr_t window, slab_t *s) {
    size_t i = (size_t)hash_window(window) & mask;
    while (t[i].slab != NULL) i = (i + 1) & mask;
    t[i].base = (uintptr_t)s->base;
    t[i].slab = s;
}

static void table_put_slab(slabbin_t *a, owner_entry_t *t, size_t mask, slab_t *s, size_t *used) {
    uintptr_t lo = (uintptr_t)s->base >> a->shift;
    uintptr_t hi = ((uintptr_t)s->base + a->slab_bytes - 1) >> a->shift;
    table_put(t, mask, lo, s);
    ++*used;
    if (hi != lo) {
        table_put(t, mask, hi, s);
        ++*used;
    }
}

/* Rebuilds the owner table for slabs[0..nslabs) with room for `extra` more slabs. */
/* Empties the table and inserts slabs[0..nslabs) again. Cannot fail: the caller makes sure the
 * table has room (after slabs were released it holds fewer entries than before, so the load stays
 * at most 1/2). */
static void table_refill(slabbin_t *a) {
    memset(a->table, 0, (a->table_mask + 1) * sizeof(owner_entry_t));
    a->table_used = 0;
    for (size_t i = 0; i < a->nslabs; i++) {
        table_put_slab(a, a->table, a->table_mask, a->slabs[i], &a->table_used);
    }
}

/* Rebuilds the owner table for slabs[0..nslabs) with room for `extra` more slabs; all or nothing
 * (on SLABBIN_ENOMEM the table is as it was). */
static int table_rebuild(slabbin_t *a, size_t extra) {
    size_t need = 2 * (a->nslabs + extra);          /* entries, at most 2 per slab */
    size_t cap = 16;
    while (cap < 2 * need) {                          /* load factor <= 1/2 */
        if (cap > SIZE_MAX / 4 / sizeof(owner_entry_t)) return SLABBIN_ENOMEM;
        cap *= 2;
    }
    if (a->table == NULL || cap > a->table_mask + 1) {
        owner_entry_t *t = system_zalloc(cap * sizeof(owner_entry_t));
        if (t == NULL) return SLABBIN_ENOMEM;
        system_free(a->table);
        a->table = t;
        a->table_mask = cap - 1;
    }
    table_refill(a);
    return SLABBIN_OK;
}

/* The slab holding u according to the hash table only (NULL if none); sets *off to u's offset.
 * An entry is confirmed by the base it holds, so the entries of other windows met on the way are
 * never mistaken for the owner; and entries are looked at two by two (adjacent, so mostly one
 * cache line), combined without a branch per entry: the owner is nearly always one of the first
 * two, so the one branch that matters is predictable. */
static slab_t *owner_in_table(const slabbin_t *a, uintptr_t u, size_t *off) {
    const owner_entry_t *t = a->table;
    if (t == NULL) return NULL;
    size_t mask = a->table_mask;                    /* >= 15 */
    size_t bytes = a->slab_bytes;
    for (size_t i = (size_t)hash_window(u >> a->shift) & mask;; i = (i + 2) & mask) {
        const owner_entry_t *e0 = &t[i], *e1 = &t[(i + 1) & mask];
        uintptr_t d0 = u - e0->base, d1 = u - e1->base;
        uintptr_t m0 = (uintptr_t)0 - (uintptr_t)(d0 < bytes);      /* all ones: e0 holds u */
        uintptr_t m1 = ((uintptr_t)0 - (uintptr_t)(d1 < bytes)) & ~m0;
        uintptr_t s = ((uintptr_t)e0->slab & m0) | ((uintptr_t)e1->slab & m1);
        if (LIKELY(s != 0)) {
            *off = (size_t)((d0 & m0) | (d1 & m1));
            return (slab_t *)s;
        }
        /* An empty entry ends the probe run. (An empty e0 "holding" u, base 0, means u is below
         * slab_bytes; the run is empty then, so no slab holds u.) */
        if (e0->slab == NULL || e1->slab == NULL) return NULL;
    }
}

/* The slab holding p (NULL if none), the slab used last first; sets *off to p's offset in it. */
static slab_t *owner_of(const slabbin_t *a, const void *p, size_t *off) {
    uintptr_t u = (uintptr_t)p;
    uintptr_t o = u - (uintptr_t)a->last->base;
    if (LIKELY(o < a->last_span)) {
        *off = (size_t)o;
        return a->last;
    }
    return owner_in_table(a, u, off);
}

/* Makes s the slab the fast paths try first, unless its slabs are too large for them. */
static void set_last(slabbin_t *a, slab_t *s) {
    if (a->div_magic == 0 || a->debug) return;      /* debug mode: every call takes the lookup */
    a->last = s;
    if (a->bump == NULL || s->index > a->cur) {
        a->last_span = 0;
    } else if (s->index < a->cur) {
        a->last_span = (uint32_t)a->slab_bytes;    /* div_magic != 0: at most UINT32_MAX */
    } else {
        a->last_span = (uint32_t)(a->bump - s->base);
    }
}

static void clear_last(slabbin_t *a) {
    a->last = &no_slab;
    a->last_span = 0;
}

/* Number of slots of slabs[i] handed out by bumping since the last reset. */
static size_t bumped_in(const slabbin_t *a, size_t i) {
    if (a->bump == NULL) return 0;                  /* no slab bumped into since creation/trim */
    if (i < a->cur) return a->capacity;
    if (i > a->cur) return 0;
    return a->bump_idx;
}

/* Slots handed out by bumping since the last reset, all slabs: slabs before the bump slab are
 * fully handed out. */
static uint64_t handed_total(const slabbin_t *a) {
    return a->cur_first + a->bump_idx;              /* both 0 while bump == NULL */
}

/* Whether the slot at p in slab s was handed out since the last reset: s is before the bump
 * slab, or is it and p lies below the bump. */
static inline bool handed_out(const slabbin_t *a, const slab_t *s, const void *p) {
    return s->index < a->cur || (s->index == a->cur && (uintptr_t)p < (uintptr_t)a->bump);
}

/* Checked mode: whether the slot at p, with bit i of *w, is allocated (see the top). */
static inline bool is_live(const slabbin_t *a, const uint64_t *w, size_t i, const void *p) {
    return ((*w >> (i & 63)) & 1u) != 0 && p != a->head;
}

int slabbin_check(const slabbin_t *a, const void *p) {
    if (a == NULL) return SLABBIN_EINVAL;
    size_t off = 0, idx;
    slab_t *s = owner_of(a, p, &off);
    if (s == NULL) return SLABBIN_EFOREIGN;
    if (!slot_at(a, off, &idx)) return SLABBIN_EINTERIOR;
    if (a->checked) return is_live(a, bit_word(s, idx), idx, p) ? SLABBIN_OK : SLABBIN_EDOUBLEFREE;
    return idx < bumped_in(a, s->index) ? SLABBIN_OK : SLABBIN_EDOUBLEFREE;
}

int slabbin_is_allocated(const slabbin_t *a, const void *p) {
    return slabbin_check(a, p) == SLABBIN_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Slabs
 * ------------------------------------------------------------------------------------------- */

static void slab_release(slab_t *s) {
    system_free(s->base);
    system_free(s);
}

/* Reserves one slab (memory and header) without linking it anywhere. */
static slab_t *slab_reserve(slabbin_t *a, uint64_t extra_reserved) {
    uint64_t reserved = (uint64_t)a->nslabs * a->slab_bytes + extra_reserved;
    if (a->reserve_limit != 0 &&
        (reserved > a->reserve_limit || a->reserve_limit - reserved < a->slab_bytes)) {
        return NULL;
    }
    slab_t *s = system_zalloc(sizeof(slab_t) + a->bitmap_words * sizeof(uint64_t));
    if (s == NULL) return NULL;
    s->base = system_alloc(a->align, a->slab_bytes);
    if (s->base == NULL) {
        system_free(s);
        return NULL;
    }
    return s;
}

/* Appends reserved slabs to slabs[] and the owner table; all or nothing. */
static int slabs_append(slabbin_t *a, slab_t **news, size_t n) {
    if (a->nslabs + n > a->slabs_cap) {
        size_t cap = a->slabs_cap ? a->slabs_cap : 4;
        while (cap < a->nslabs + n) {
            if (cap > SIZE_MAX / 2 / sizeof(slab_t *)) return SLABBIN_ENOMEM;
            cap *= 2;
        }
        slab_t **arr = system_alloc(0, cap * sizeof(slab_t *));
        if (arr == NULL) return SLABBIN_ENOMEM;
        if (a->nslabs > 0) memcpy(arr, a->slabs, a->nslabs * sizeof(slab_t *));
        system_free(a->slabs);
        a->slabs = arr;
        a->slabs_cap = cap;
    }
    if (a->table == NULL || 2 * (a->table_used + 2 * n) > a->table_mask + 1) {
        int rc = table_rebuild(a, n);
        if (rc != SLABBIN_OK) return rc;
    }
    for (size_t i = 0; i < n; i++) {
        news[i]->index = a->nslabs;
        a->slabs[a->nslabs++] = news[i];
        table_put_slab(a, a->table, a->table_mask, news[i], &a->table_used);
    }
    return SLABBIN_OK;
}

static void bump_into(slabbin_t *a, size_t i) {
    a->cur = i;
    a->cur_first = (uint64_t)i * a->capacity;
    a->bump_slab = a->slabs[i];
    a->bump = a->bump_slab->base;
    a->bump_end = a->bump + a->slab_bytes;
    a->bump_idx = 0;
    if (a->last == a->bump_slab) a->last_span = 0;
}

/* Makes the bump range non-empty: the next kept slab, else a new one. */
static COLD int refill_bump(slabbin_t *a) {
    size_t next = a->bump == NULL ? 0 : a->cur + 1;
    if (next < a->nslabs) {
        bump_into(a, next);
        return SLABBIN_OK;
    }
    slab_t *s = slab_reserve(a, 0);
    if (s == NULL) return SLABBIN_ENOMEM;
    int rc = slabs_append(a, &s, 1);
    if (rc != SLABBIN_OK) {
        slab_release(s);
        return rc;
    }
    bump_into(a, a->nslabs - 1);
    return SLABBIN_OK;
}

/* Checked mode: gives the top of the free list its bit 0 like every other free slot (before the
 * list is rebuilt or reordered). */
static void head_bit_release(slabbin_t *a) {
    if (a->checked && a->head != NULL) *a->head_word &= ~bit_mask(a->head_bit);
    last_out_drop(a);
}

/* Makes p (a free slot of slab s at offset off, or NULL) the top of the free list; in checked mode
 * every free slot's bit must be 0 (see head_bit_release()), and p's becomes 1 (see the top). */
static void set_head(slabbin_t *a, void *p, slab_t *s, size_t off) {
    a->head = p;
    last_out_drop(a);
    if (p != NULL && a->checked) {
        size_t idx;
        (void)slot_at(a, off, &idx);
        a->head_word = bit_word(s, idx);
        a->head_bit = (unsigned char)(idx & 63);
        *a->head_word |= bit_mask(idx);
    }
}

/* Rebuilds the free list from the bitmaps (checked mode): every handed-out slot that is not
 * allocated, pushed from the first slab's first slot on, so the last slab's last free slot is on
 * top. Debug mode poisons every free slot again, so whatever damage was found is gone. */
static void rebuild_free_list_checked(slabbin_t *a) {
    head_bit_release(a);
    void *head = a->list_end;
    slab_t *head_slab = NULL;
    size_t head_off = 0;
    for (size_t si = 0; si < a->nslabs; si++) {
        slab_t *s = a->slabs[si];
        size_t n = bumped_in(a, si);
        for (size_t i = 0; i < n; i++) {
            if (!bit_get(s, i)) {
                void *p = s->base + i * a->stride;
                if (a->debug) poison_fill(a, p);
                link_store(p, head);
                head = p;
                head_slab = s;
                head_off = i * a->stride;
            }
        }
    }
    set_head(a, head == a->list_end ? NULL : head, head_slab, head_off);
}

/* ---------------------------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------------------------- */

int slabbin_create(slabbin_t **out, size_t slot_size, size_t slot_alignment,
                   size_t slab_capacity, unsigned flags) {
    if (out == NULL) return SLABBIN_EINVAL;
    *out = NULL;
    size_t stride;
    if (slabbin_layout_stride(slot_size, slot_alignment, &stride) != SLABBIN_OK) {
        return SLABBIN_EINVAL;
    }
    if (slab_capacity == 0 || (flags & ~(SLABBIN_UNCHECKED | SLABBIN_DEBUG)) != 0 ||
        flags == (SLABBIN_UNCHECKED | SLABBIN_DEBUG)) {
        return SLABBIN_EINVAL;
    }
    if (slab_capacity > (size_t)PTRDIFF_MAX / stride) return SLABBIN_EINVAL;
    size_t slab_bytes = slab_capacity * stride;
    size_t words = (slab_capacity + 63) / 64;
    if (words > (SIZE_MAX - sizeof(slab_t)) / sizeof(uint64_t)) return SLABBIN_EINVAL;

    /* Cache-line aligned, so the fast-path fields share one line. */
    slabbin_t *a = system_alloc(HOT_LINE, sizeof(*a));
    if (a == NULL) return SLABBIN_ENOMEM;
    memset(a, 0, sizeof(*a));
    a->size = slot_size;
    a->align = slot_alignment;
    a->stride = stride;
    a->capacity = slab_capacity;
    a->slab_bytes = slab_bytes;
    a->checked = (flags & SLABBIN_UNCHECKED) == 0;
    a->debug = (flags & SLABBIN_DEBUG) != 0;
    if (a->debug) {                                 /* non-NULL addresses that are no slot */
        a->list_end = &a->list_end;
        a->fast_end = &a->fast_end;
    }
    a->bitmap_words = a->checked ? words : 0;
    unsigned shift = 0;
    while (shift < sizeof(size_t) * 8 - 1 && ((size_t)1 << shift) < slab_bytes) shift++;
    a->shift = shift;
    if (slab_bytes <= UINT32_MAX) a->div_magic = UINT64_MAX / stride + 1;   /* stride >= 8 */
    clear_last(a);
    *out = a;
    return SLABBIN_OK;
}

void slabbin_destroy(slabbin_t *a) {
    if (a == NULL) return;
    for (size_t i = 0; i < a->nslabs; i++) slab_release(a->slabs[i]);
    system_free(a->slabs);
    system_free(a->table);
    system_free(a);
}

/* Checked mode, a corrupted list (the link of slot p found bad, or with p NULL the list cut short):
 * record it, repair the list from the bitmaps. */
static COLD int pop_corrupt(slabbin_t *a, void *p) {
    corruption_note(a, p, 0);
    rebuild_free_list_checked(a);
    return SLABBIN_ECORRUPT;
}

/* Checked mode: p (the top) leaves the list, its link `next` (a slot of s with index idx, bit 0
 * checked by the caller) becomes the top and gets its bit; p keeps its bit (1: allocated). */
static inline int pop_commit(slabbin_t *a, void **slot, void *p, void *next, slab_t *s,
                             size_t idx) {
    uint64_t *w = bit_word(s, idx);
    *w |= bit_mask(idx);
    a->head_word = w;
    a->head_bit = (unsigned char)idx;               /* bit_mask() uses idx & 63 */
    a->head = next;
    a->live++;                                      /* no peak update needed: see the top */
    *slot = p;
    return SLABBIN_OK;
}

/* Debug mode, every pop (the fast window is empty, and the bottom link is list_end, not NULL):
 * validates the link as pop_checked_lookup() does, then the poison of bytes [sizeof(void *),
 * stride) of p. Damage there leaves p on top, poisoned again (its link kept): nothing changes but
 * the bytes, so the next call succeeds. */
static COLD int pop_debug(slabbin_t *a, void **slot, void *p, void *next) {
    size_t off = 0, idx = 0;
    slab_t *s = NULL;
    if (next != a->list_end) {
        s = owner_in_table(a, (uintptr_t)next, &off);
        if (s == NULL || !slot_at(a, off, &idx) || bit_get(s, idx) || !handed_out(a, s, next)) {
            return pop_corrupt(a, p);
        }
    }
    ptrdiff_t bad = poison_scan(a, p, sizeof(void *));
    if (bad >= 0) {
        memset((unsigned char *)p + sizeof(void *), SLABBIN_POISON_BYTE,
               a->stride - sizeof(void *));
        corruption_note(a, p, (size_t)bad);
        return SLABBIN_ECORRUPT;
    }
    if (next == a->list_end) {                      /* the last free slot: keeps its bit (1) */
        a->head = NULL;
        a->live++;
        *slot = p;
        return SLABBIN_OK;
    }
    return pop_commit(a, slot, p, next, s, idx);
}

/* Checked-mode pop whose link is not in the slab used last: the hash lookup (and the general slot
 * arithmetic, for slabs over 4 GiB). */
static NOINLINE int pop_checked_lookup(slabbin_t *a, void **slot, void *p, void *next) {
    if (UNLIKELY(a->debug)) return pop_debug(a, slot, p, next);
    size_t off = 0, idx;
    slab_t *s = owner_in_table(a, (uintptr_t)next, &off);
    if (UNLIKELY(s == NULL || !slot_at(a, off, &idx) || bit_get(s, idx) ||
                 !handed_out(a, s, next))) {
        return pop_corrupt(a, p);
    }
    set_last(a, s);
    return pop_commit(a, slot, p, next, s, idx);
}

static int alloc_bump(slabbin_t *a, void **slot);

/* The bump range is used up: the next slab, then the allocation. */
static COLD int alloc_refill(slabbin_t *a, void **slot) {
    if (a->checked && live_now(a) != handed_total(a)) {
        return pop_corrupt(a, NULL);                /* the list was cut short: bump_checked() */
    }
    int rc = refill_bump(a);
    if (rc != SLABBIN_OK) return rc;
    return alloc_bump(a, slot);
}

/* Checked mode, the bump: sets the slot's bit and extends last_span if the bump slab is `last`.
 * The free list is empty, so every slot handed out must be live; if not, a use after free cut the
 * list short (see the top). */
static inline bool bump_checked(slabbin_t *a, size_t idx) {
    if (UNLIKELY(live_now(a) != a->cur_first + idx)) return false;
    bit_set(a->bump_slab, idx);
    if (a->last == a->bump_slab) a->last_span += (uint32_t)a->stride;
    return true;
}

/* The free list is empty: the next never-used slot. */
static NOINLINE HOT_ENTRY int alloc_bump(slabbin_t *a, void **slot) {
    unsigned char *b = a->bump;
    if (UNLIKELY(b == a->bump_end)) return alloc_refill(a, slot);
    size_t idx = a->bump_idx;
    if (UNLIKELY(a->checked) && UNLIKELY(!bump_checked(a, idx))) return pop_corrupt(a, NULL);
    a->bump = b + a->stride;
    a->bump_idx = idx + 1;
    a->live++;
    uint64_t now = live_now(a);
    if (now > a->peak) a->peak = now;
    *slot = b;
    return SLABBIN_OK;
}

/* Checked mode, a pop whose link is not NULL. */
static NOINLINE HOT_ENTRY int alloc_pop_linked(slabbin_t *a, void **slot, void *p, void *next) {
    /* Validate the link before following it: a handed-out slot of this allocator (inside
     * last_span, see the top), a slot start, free but not the top (bit 0: this also refuses p
     * itself). */
    slab_t *s = a->last;
    uintptr_t off = (uintptr_t)next - (uintptr_t)s->base;
    if (UNLIKELY(off >= a->last_span)) return pop_checked_lookup(a, slot, p, next);
    size_t idx;
    bool start = slot_at_fast(a, (size_t)off, &idx);
    if (UNLIKELY(!start || ((*bit_word(s, idx) >> (idx & 63)) & 1u) != 0)) {
        return pop_corrupt(a, p);
    }
    return pop_commit(a, slot, p, next, s, idx);
}

static inline int alloc_one(slabbin_t *a, void **slot) {
    void *p = a->head;
    if (UNLIKELY(p == NULL)) return alloc_bump(a, slot);
    void *next = link_load(p);
    if (LIKELY(next == a->fast_end)) {
        /* The list becomes empty: nothing to validate; p becomes last_out (see the top; in
         * checked mode p keeps its bit, and head_word/head_bit stay p's). */
        a->head = NULL;
        a->last_out = p;                            /* counted by live_now(), not by live */
        *slot = p;
        return SLABBIN_OK;
    }
    if (LIKELY(!a->checked)) {
        a->head = next;
        a->live++;
        *slot = p;
        return ok_here();
    }
    return alloc_pop_linked(a, slot, p, next);
}

HOT_ENTRY int slabbin_alloc(slabbin_t *a, void **slot) {
    if (UNLIKELY(a == NULL || slot == NULL)) return SLABBIN_EINVAL;
    return alloc_one(a, slot);
}

int slabbin_alloc_zeroed(slabbin_t *a, void **slot) {
    if (UNLIKELY(a == NULL || slot == NULL)) return SLABBIN_EINVAL;
    int rc = alloc_one(a, slot);
    if (rc == SLABBIN_OK) memset(*slot, 0, a->size);
    return rc;
}

/* Checked mode: pushes a validated slot (bit i of *w, which stays 1: it is the new top) and clears
 * the old top's bit. */
static inline int push_checked(slabbin_t *a, void *slot, uint64_t *w, size_t i) {
    void *old = a->head;
    if (old != NULL) *a->head_word &= ~bit_mask(a->head_bit);
    link_store(slot, old);
    a->head = slot;
    a->live -= a->last_out == NULL;                 /* last_out_drop(), then one slot less */
    a->last_out = NULL;
    a->head_word = w;
    a->head_bit = (unsigned char)i;                 /* bit_mask() uses i & 63 */
    return SLABBIN_OK;
}

/* Debug mode, every free of a validated slot: poisons it, then pushes it (link list_end when the
 * list was empty). */
static COLD int push_debug(slabbin_t *a, void *slot, uint64_t *w, size_t i) {
    poison_fill(a, slot);
    void *below = link_below_head(a);
    push_checked(a, slot, w, i);
    link_store(slot, below);
    return SLABBIN_OK;
}

/* Checked-mode free of an address outside the slab used last: the hash lookup (and the general slot
 * arithmetic, for slabs over 4 GiB). */
static NOINLINE int free_checked_lookup(slabbin_t *a, void *slot) {
    size_t off = 0, idx;
    slab_t *s = owner_in_table(a, (uintptr_t)slot, &off);
    if (UNLIKELY(s == NULL)) return SLABBIN_EFOREIGN;
    if (UNLIKELY(!slot_at(a, off, &idx))) return SLABBIN_EINTERIOR;
    uint64_t *w = bit_word(s, idx);
    if (UNLIKELY(!is_live(a, w, idx, slot))) return SLABBIN_EDOUBLEFREE;
    if (UNLIKELY(a->debug)) return push_debug(a, slot, w, idx);
    set_last(a, s);
    return push_checked(a, slot, w, idx);
}

/* A refused free: which error (nothing was changed). */
static COLD int free_refused(slabbin_t *a, void *slot) { return slabbin_check(a, slot); }

/* Checked mode, any slot but last_out. */
static NOINLINE HOT_ENTRY int free_checked(slabbin_t *a, void *slot) {
    slab_t *s = a->last;
    uintptr_t off = (uintptr_t)slot - (uintptr_t)s->base;
    if (UNLIKELY(off >= a->last_span)) return free_checked_lookup(a, slot);
    size_t idx;
    bool start = slot_at_fast(a, (size_t)off, &idx);
    uint64_t *w = bit_word(s, idx);                 /* idx < capacity even if !start */
    if (UNLIKELY(!start || ((*w >> (idx & 63)) & 1u) == 0)) return free_refused(a, slot);
    if (UNLIKELY(slot == a->head)) return free_refused(a, slot);   /* the top: free already */
    return push_checked(a, slot, w, idx);
}

HOT_ENTRY int slabbin_free(slabbin_t *a, void *slot) {
    if (UNLIKELY(a == NULL)) return SLABBIN_EINVAL;
    if (LIKELY(slot == a->last_out && slot != NULL)) {
        /* The slot handed out last (see the top): allocated, and the list is empty. */
        link_store(slot, NULL);
        a->head = slot;
        a->last_out = NULL;                         /* was not in live */
        return SLABBIN_OK;
    }
    if (a->checked) return free_checked(a, slot);
    link_store(slot, a->head);
    a->head = slot;
    a->live -= a->last_out == NULL;                 /* last_out_drop(), then one slot less */
    a->last_out = NULL;
    return ok_here();
}

/* Releases up to n of the newest slabs that were never bumped into (the slabs reserved by a batch
 * that then failed). */
static void release_untouched(slabbin_t *a, size_t n) {
    size_t released = 0;
    while (released < n && a->nslabs > 0 && (a->bump == NULL || a->nslabs - 1 > a->cur)) {
        slab_release(a->slabs[--a->nslabs]);
        released++;
    }
    if (released > 0) {
        clear_last(a);
        table_refill(a);                            /* fewer slabs: cannot fail */
    }
}

/* Checked mode, alloc_batch: pops slots[i..count) while each link is a plain case of
 * alloc_pop_linked() (not NULL, inside the fast owner window, a slot start, bit 0), with the top,
 * its bitmap word and the word's value in registers; leaves the allocator exactly as that many
 * alloc_one() calls would and returns the index reached. Anything else (an empty list, a last pop,
 * a link elsewhere or a bad one) is left to alloc_one(). */
static NOINLINE HOT_ENTRY size_t pop_run_checked(slabbin_t *a, void **slots, size_t i, size_t count) {
    void *p = a->head;
    if (p == NULL || a->div_magic == 0) return i;   /* head != NULL: last_out is NULL */
    const uint64_t magic = a->div_magic;
    uint64_t *bits = a->last->bits;
    const uintptr_t base = (uintptr_t)a->last->base;
    const uintptr_t span = a->last_span;
    uint64_t *hw = a->head_word;                    /* the top's word, cached in hv */
    uint64_t hv = *hw;
    size_t idx = a->head_bit;
    void **out = slots + i, **end = slots + count;
    while (out != end) {
        void *next = link_load(p);
        uintptr_t off = (uintptr_t)next - base;
        if (UNLIKELY(off >= span)) break;           /* also NULL: base + span cannot wrap */
        uint64_t lo, q;
#if defined(__GNUC__) && defined(__x86_64__)
        __asm__("mulq %3" : "=a"(lo), "=d"(q) : "0"((uint64_t)off), "rm"(magic) : "cc");
#else
        size_t qi;
        lo = slot_at_fast(a, (size_t)off, &qi) ? 0 : magic;
        q = qi;
#endif
        if (UNLIKELY(lo >= magic)) break;           /* not a slot start */
        uint64_t *w = &bits[q >> 6];
        uint64_t m = bit_mask((size_t)q);
        if (w != hw) {
            uint64_t v = *w;
            if (UNLIKELY((v & m) != 0)) break;
            *hw = hv;                               /* write back the previous word */
            hw = w;
            hv = v;
        } else if (UNLIKELY((hv & m) != 0)) {
            break;
        }
        hv |= m;
        idx = (size_t)q;
        *out++ = p;
        p = next;
    }
    *hw = hv;
    size_t n = (size_t)(out - slots) - i;
    a->head = p;
    a->head_word = hw;
    a->head_bit = (unsigned char)(idx & 63);
    a->live += n;                                   /* no peak update needed: see the top */
    return i + n;
}

/* Unchecked mode, alloc_batch: pops the free list in a register: no link to validate, and no store
 * of the top per slot (single pops go through memory and the last_out shortcut; the result is the
 * same). Returns the number of slots popped. */
static NOINLINE HOT_ENTRY size_t pop_run_unchecked(slabbin_t *a, void **slots, size_t count) {
    last_out_drop(a);
    void *p = a->head;
    size_t i = 0;
    while (i < count && p != NULL) {
        slots[i++] = p;
        p = link_load(p);
    }
    a->head = p;
    a->live += i;
    return i;
}

int slabbin_alloc_batch(slabbin_t *a, void **slots, size_t count) {
    if (a == NULL || (slots == NULL && count > 0)) return SLABBIN_EINVAL;
    if (count == 0) return SLABBIN_OK;
    /* Slots obtainable without reserving: free list, bump range and untouched kept slabs. */
    uint64_t avail = (uint64_t)a->nslabs * a->capacity - live_now(a);
    size_t added = 0;                               /* slabs reserved for this batch */
    if (count > avail) {
        uint64_t missing = count - avail;
        uint64_t need = missing / a->capacity + (missing % a->capacity != 0);
        if (need > SIZE_MAX / sizeof(slab_t *)) return SLABBIN_ENOMEM;
        slab_t **news = system_alloc(0, (size_t)need * sizeof(slab_t *));
        if (news == NULL) return SLABBIN_ENOMEM;
        size_t got = 0;
        while (got < need) {
            slab_t *s = slab_reserve(a, (uint64_t)got * a->slab_bytes);
            if (s == NULL) break;
            news[got++] = s;
        }
        int rc = got == need ? slabs_append(a, news, got) : SLABBIN_ENOMEM;
        if (rc != SLABBIN_OK) {
            for (size_t i = 0; i < got; i++) slab_release(news[i]);
        }
        system_free(news);
        if (rc != SLABBIN_OK) return rc;
        added = got;
    }
    size_t i = a->checked ? 0 : pop_run_unchecked(a, slots, count);
    while (i < count) {
        if (a->checked) {
            i = pop_run_checked(a, slots, i, count);
            if (i == count) break;
        }
        int rc = alloc_one(a, &slots[i]);
        if (UNLIKELY(rc != SLABBIN_OK)) {         /* only SLABBIN_ECORRUPT: undo, newest first */
            while (i > 0) slabbin_free(a, slots[--i]);
            release_untouched(a, added);
            return rc;
        }
        i++;
    }
    return SLABBIN_OK;
}

int slabbin_alloc_upto(slabbin_t *a, void **slots, size_t max, size_t *count) {
    if (a == NULL || count == NULL || (slots == NULL && max > 0)) return SLABBIN_EINVAL;
    *count = 0;
    if (max == 0) return SLABBIN_OK;
    uint64_t avail = (uint64_t)a->nslabs * a->capacity - live_now(a);
    uint64_t n = avail == 0 ? a->capacity : avail;   /* none free: one new slab's worth */
    if (n > max) n = max;
    int rc = slabbin_alloc_batch(a, slots, (size_t)n);
    if (rc == SLABBIN_OK) *count = (size_t)n;
    return rc;
}

/* Unchecked mode, free_batch: pushes every slot, the top in a register. */
static NOINLINE HOT_ENTRY int push_run_unchecked(slabbin_t *a, void *const *slots, size_t count) {
    void *head = a->head;
    for (size_t i = 0; i < count; i++) {
        link_store(slots[i], head);
        head = slots[i];
    }
    a->head = head;
    last_out_drop(a);
    a->live -= count;
    return SLABBIN_OK;
}

int slabbin_free_batch(slabbin_t *a, void *const *slots, size_t count, size_t *bad_index) {
    if (a == NULL || (slots == NULL && count > 0)) return SLABBIN_EINVAL;
    if (count == 0) return SLABBIN_OK;
    if (!a->checked) return push_run_unchecked(a, slots, count);
    /* Validate and clear bits as we go, so a repeat inside the batch reads as a double free; on
     * failure set the cleared bits again. The bitmap word of the previous entry stays in a register
     * (cw/cv) while the entries hit it; the owner is tried in the fast window first. */
    void *top = a->head;                            /* allocated slots are never the top */
    slab_t *s = a->last;
    uintptr_t base = (uintptr_t)s->base;
    uintptr_t span = a->last_span;                  /* 0 when div_magic == 0 */
    uint64_t none = 0;
    uint64_t *cw = &none;                           /* no word cached yet */
    uint64_t cv = 0;
    size_t idx = 0;
    for (size_t i = 0; i < count; i++) {
        void *p = slots[i];
        uintptr_t off = (uintptr_t)p - base;
        int rc = SLABBIN_OK;
        bool start;
        if (LIKELY(off < span)) {
            start = slot_at_fast(a, (size_t)off, &idx);
        } else {
            size_t o = 0;
            slab_t *t = owner_in_table(a, (uintptr_t)p, &o);
            if (t == NULL) {
                rc = SLABBIN_EFOREIGN;
                start = false;
            } else {
                start = slot_at(a, o, &idx);
                set_last(a, t);                     /* the window follows the owner (if it can) */
                s = t;
                base = (uintptr_t)a->last->base;
                span = a->last_span;                /* > 0 only if a->last == t */
            }
        }
        if (LIKELY(rc == SLABBIN_OK)) {
            if (UNLIKELY(!start)) {
                rc = SLABBIN_EINTERIOR;
            } else {
                uint64_t *w = bit_word(s, idx);
                if (w != cw) {
                    *cw = cv;
                    cw = w;
                    cv = *w;
                }
                uint64_t m = bit_mask(idx);
                if (UNLIKELY((cv & m) == 0 || p == top)) {
                    rc = SLABBIN_EDOUBLEFREE;
                } else {
                    cv &= ~m;
                }
            }
        }
        if (UNLIKELY(rc != SLABBIN_OK)) {
            *cw = cv;
            for (size_t j = 0; j < i; j++) {
                size_t off_j = 0, jdx;
                slab_t *sj = owner_of(a, slots[j], &off_j);
                (void)slot_at(a, off_j, &jdx);
                bit_set(sj, jdx);
            }
            if (bad_index != NULL) *bad_index = i;
            return rc;
        }
    }
    *cw = cv;
    /* The last slot becomes the top: its bit goes back to 1, the old top's to 0. cw is its word
     * (the word of the last entry validated). */
    head_bit_release(a);
    void *head = top != NULL ? top : a->list_end;
    if (a->debug) {
        for (size_t i = 0; i < count; i++) poison_fill(a, slots[i]);
    }
    for (size_t i = 0; i < count; i++) {
        link_store(slots[i], head);
        head = slots[i];
    }
    *cw |= bit_mask(idx);
    a->head = head;
    a->head_word = cw;
    a->head_bit = (unsigned char)(idx & 63);
    a->live -= count;
    return SLABBIN_OK;
}

void slabbin_reset(slabbin_t *a) {
    if (a == NULL) return;
    if (a->debug) {                                 /* every slot handed out since the last reset */
        for (size_t i = 0; i < a->nslabs; i++) {
            memset(a->slabs[i]->base, SLABBIN_POISON_BYTE, bumped_in(a, i) * a->stride);
        }
    }
    if (a->checked) {
        for (size_t i = 0; i < a->nslabs; i++) {
            memset(a->slabs[i]->bits, 0, a->bitmap_words * sizeof(uint64_t));
        }
    }
    a->head = NULL;
    a->last_out = NULL;
    a->live = 0;
    clear_last(a);                                  /* nothing is handed out any more */
    if (a->nslabs > 0) {
        bump_into(a, 0);
    } else {
        a->bump = a->bump_end = NULL;
        a->bump_slab = NULL;
        a->bump_idx = 0;
        a->cur = 0;
        a->cur_first = 0;
    }
}

/* Walks the free list, counting free slots per slab into free_in[] (indexed by slab index).
 * In checked mode every link is validated (owned, slot start, not allocated, handed out, exactly
 * as many nodes as free slots exist); returns false on a corrupted list. */
static bool count_free(const slabbin_t *a, uint64_t *free_in) {
    uint64_t expected = handed_total(a) - live_now(a), seen = 0;
    void *head = a->head;
    for (void *p = head; p != NULL;) {
        size_t off = 0;
        slab_t *s = owner_of(a, p, &off);
        if (a->checked) {
            size_t idx;
            /* bit 1 for the top only (see the top of this file) */
            if (s == NULL || ++seen > expected || !slot_at(a, off, &idx) ||
                bit_get(s, idx) != (p == head) || !handed_out(a, s, p)) {
                return false;
            }
        }
        free_in[s->index]++;
        void *next = link_load(p);
        if (next == a->list_end) break;
        if (next == NULL) return false;             /* debug mode: a link overwritten with NULL */
        p = next;
    }
    return !a->checked || seen == expected;         /* else the list was cut short */
}

size_t slabbin_trim(slabbin_t *a) {
    if (a == NULL || a->nslabs == 0) return 0;
    size_t n = a->nslabs;
    uint64_t *free_in = system_zalloc(n * sizeof(uint64_t));
    slab_t **gone = free_in == NULL ? NULL : system_alloc(0, n * sizeof(slab_t *));
    if (gone == NULL) {                             /* nothing released; state unchanged */
        system_free(free_in);
        return 0;
    }
    if (!count_free(a, free_in)) {                  /* checked mode: repair the list first */
        rebuild_free_list_checked(a);
        memset(free_in, 0, n * sizeof(uint64_t));
        count_free(a, free_in);
    }
    size_t ngone = 0;
    for (size_t i = 0; i < n; i++) {
        if (bumped_in(a, i) == free_in[i]) {        /* no live slot */
            gone[ngone++] = a->slabs[i];
            a->slabs[i]->index = SIZE_MAX;          /* mark, for the free-list filter */
        }
    }
    system_free(free_in);
    if (ngone == 0) {
        system_free(gone);
        return 0;
    }
    /* Drop the released slabs' slots from the free list, keeping the others in order. The owner
     * lookup still knows every slab here (the table is rebuilt below). */
    head_bit_release(a);
    void *prev = NULL;                              /* last kept node */
    void *head = NULL;
    slab_t *head_slab = NULL;
    size_t head_off = 0;
    for (void *p = a->head; p != NULL; p = link_next(a, p)) {
        size_t off = 0;
        slab_t *s = owner_of(a, p, &off);
        if (s->index == SIZE_MAX) continue;
        if (prev == NULL) {
            head = p;
            head_slab = s;
            head_off = off;
        } else {
            link_store(prev, p);
        }
        prev = p;
    }
    if (prev != NULL) link_store(prev, a->list_end);
    set_head(a, head, head_slab, head_off);
    /* Compact slabs[]. Kept slabs all precede the bump slab or are it (later ones are untouched,
     * hence released), so either the bump slab is kept and stays the bump slab, or every kept
     * slab is fully handed out and the bump range is left empty. */
    slab_t *cur = a->bump != NULL ? a->slabs[a->cur] : NULL;
    bool cur_kept = cur != NULL && cur->index != SIZE_MAX;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        slab_t *s = a->slabs[i];
        if (s->index == SIZE_MAX) continue;
        s->index = kept;
        a->slabs[kept++] = s;
    }
    a->nslabs = kept;
    clear_last(a);
    if (kept == 0) {
        a->bump = a->bump_end = NULL;
        a->bump_slab = NULL;
        a->bump_idx = 0;
        a->cur = 0;
    } else if (cur_kept) {
        a->cur = cur->index;
    } else {
        a->cur = kept - 1;
        a->bump_slab = a->slabs[a->cur];
        a->bump = a->bump_end = a->bump_slab->base + a->slab_bytes;
        a->bump_idx = a->capacity;
    }
    a->cur_first = (uint64_t)a->cur * a->capacity;
    table_refill(a);                                /* fewer slabs: cannot fail */
    for (size_t i = 0; i < ngone; i++) slab_release(gone[i]);
    system_free(gone);
    return ngone * a->slab_bytes;
}

void slabbin_get_stats(const slabbin_t *a, slabbin_stats_t *out) {
    if (a == NULL || out == NULL) return;
    out->slot_size = a->size;
    out->alignment = a->align;
    out->stride = a->stride;
    out->slab_capacity = a->capacity;
    out->slab_count = a->nslabs;
    out->live_slots = live_now(a);
    out->peak_live_slots = a->peak;
    out->reserved_bytes = (uint64_t)a->nslabs * a->slab_bytes;
}

void slabbin_set_reserve_limit(slabbin_t *a, uint64_t max_bytes) {
    if (a != NULL) a->reserve_limit = max_bytes;
}

int slabbin_is_unchecked(const slabbin_t *a) { return a != NULL && !a->checked; }

void slabbin_poison(const slabbin_t *a, void *slot) {
    if (a != NULL && slot != NULL && a->debug) poison_fill(a, slot);
}

ptrdiff_t slabbin_poison_damage(const slabbin_t *a, const void *slot, size_t from) {
    if (a == NULL || slot == NULL || !a->debug) return -1;
    return poison_scan(a, slot, from);
}

int slabbin_last_corruption(const slabbin_t *a, void **slot, size_t *offset) {
    if (a == NULL || slot == NULL || offset == NULL || !a->corrupt_seen) return SLABBIN_EINVAL;
    *slot = a->corrupt_slot;
    *offset = a->corrupt_off;
    return SLABBIN_OK;
}

const char *slabbin_strerror(int status) {
    switch (status) {
    case SLABBIN_OK: return "success";
    case SLABBIN_EINVAL: return "invalid argument";
    case SLABBIN_ENOMEM: return "out of memory";
    case SLABBIN_EFOREIGN: return "not an address of this allocator";
    case SLABBIN_EINTERIOR: return "not the start of a slot (interior pointer)";
    case SLABBIN_EDOUBLEFREE: return "slot is not allocated (double free)";
    case SLABBIN_ECORRUPT: return "free list corrupted: a freed slot was written (use after free)";
    default: return "unknown status";
    }
}

/* ---------------------------------------------------------------------------------------------
 * Invariant checker (test-only, see slabbin_validate.h)
 * ------------------------------------------------------------------------------------------- */

/* Writes the description of a broken invariant; returns SLABBIN_ECORRUPT. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int broken(char *why, size_t why_len, const char *fmt, ...) {
    if (why != NULL && why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return SLABBIN_ECORRUPT;
}

#define BROKEN(...) return broken(why, why_len, __VA_ARGS__)

static int popcount64(uint64_t x) {
    int n = 0;
    for (; x != 0; x &= x - 1) n++;
    return n;
}

/* The layout-derived fields agree with the layout. */
static int validate_layout(const slabbin_t *a, char *why, size_t why_len) {
    size_t stride = 0;
    if (slabbin_layout_stride(a->size, a->align, &stride) != SLABBIN_OK || stride != a->stride) {
        BROKEN("stride %zu is not the stride of layout (%zu, %zu)", a->stride, a->size, a->align);
    }
    if (a->capacity == 0 || a->slab_bytes != a->capacity * a->stride) {
        BROKEN("slab_bytes %zu != capacity %zu * stride", a->slab_bytes, a->capacity);
    }
    uint64_t magic = a->slab_bytes <= UINT32_MAX ? UINT64_MAX / a->stride + 1 : 0;
    if (a->div_magic != magic) BROKEN("div_magic does not match the stride");
    if (a->shift >= sizeof(size_t) * 8 ||
        (((size_t)1 << a->shift) < a->slab_bytes && a->shift < sizeof(size_t) * 8 - 1) ||
        (a->shift > 0 && ((size_t)1 << (a->shift - 1)) >= a->slab_bytes)) {
        BROKEN("owner window shift %u is not the smallest covering a slab", a->shift);
    }
    if (a->bitmap_words != (a->checked ? (a->capacity + 63) / 64 : 0)) {
        BROKEN("bitmap_words %zu wrong for this mode", a->bitmap_words);
    }
    if (a->debug && !a->checked) BROKEN("debug mode without checked mode");
    if (a->list_end != (a->debug ? (const void *)&a->list_end : NULL) ||
        a->fast_end != (a->debug ? (const void *)&a->fast_end : NULL)) {
        BROKEN("list_end or fast_end is not this mode's");
    }
    return SLABBIN_OK;
}

/* slabs[], the bump state and the fast window. */
static int validate_slabs(const slabbin_t *a, char *why, size_t why_len) {
    if (a->nslabs > a->slabs_cap || (a->slabs == NULL && a->slabs_cap != 0)) {
        BROKEN("nslabs %zu above slabs_cap %zu", a->nslabs, a->slabs_cap);
    }
    for (size_t i = 0; i < a->nslabs; i++) {
        const slab_t *s = a->slabs[i];
        if (s == NULL || s->index != i || s->base == NULL) BROKEN("slabs[%zu] is not slab %zu", i, i);
        if (((uintptr_t)s->base & (a->align - 1)) != 0) BROKEN("slab %zu is misaligned", i);
    }
    if (a->bump == NULL) {
        if (a->bump_end != NULL || a->bump_slab != NULL || a->bump_idx != 0 || a->cur != 0 ||
            a->cur_first != 0) {
            BROKEN("no bump slab, but bump fields are set");
        }
    } else {
        if (a->cur >= a->nslabs || a->bump_slab != a->slabs[a->cur]) {
            BROKEN("bump slab %zu is not slabs[cur] (nslabs %zu)", a->cur, a->nslabs);
        }
        if (a->bump_idx > a->capacity ||
            a->bump != a->bump_slab->base + a->bump_idx * a->stride ||
            a->bump_end != a->bump_slab->base + a->slab_bytes) {
            BROKEN("bump %p / index %zu / end outside the bump slab", (void *)a->bump, a->bump_idx);
        }
        if (a->cur_first != (uint64_t)a->cur * a->capacity) BROKEN("cur_first != cur * capacity");
    }
    if (a->last == &no_slab) {
        if (a->last_span != 0) BROKEN("no last slab, but last_span %u", a->last_span);
    } else {
        const slab_t *s = a->last;
        if (!a->checked || a->debug || a->div_magic == 0) BROKEN("a fast window in this mode");
        if (s->index >= a->nslabs || a->slabs[s->index] != s) BROKEN("last is not a slab");
        uint64_t span = a->bump == NULL || s->index > a->cur ? 0
                        : s->index < a->cur                   ? a->slab_bytes
                                                              : (uint64_t)(a->bump - s->base);
        if (a->last_span != span) {
            BROKEN("last_span %u, but slab %zu has %llu bytes handed out", a->last_span, s->index,
                   (unsigned long long)span);
        }
    }
    return SLABBIN_OK;
}

/* The owner table maps both windows of every slab to it, and holds nothing else. */
static int validate_owner_table(const slabbin_t *a, char *why, size_t why_len) {
    if (a->table == NULL) {
        if (a->nslabs != 0 || a->table_used != 0) BROKEN("slabs but no owner table");
        return SLABBIN_OK;
    }
    size_t cap = a->table_mask + 1;
    if (cap < 16 || (cap & a->table_mask) != 0) BROKEN("owner table size %zu", cap);
    size_t used = 0, expected = 0;
    for (size_t i = 0; i < cap; i++) {
        const owner_entry_t *e = &a->table[i];
        if (e->slab == NULL) continue;
        used++;
        if (e->slab->index >= a->nslabs || a->slabs[e->slab->index] != e->slab ||
            e->base != (uintptr_t)e->slab->base) {
            BROKEN("owner entry %zu names no slab of this allocator", i);
        }
    }
    if (used != a->table_used || 2 * used > cap) {
        BROKEN("owner table holds %zu entries, table_used %zu, size %zu", used, a->table_used, cap);
    }
    for (size_t i = 0; i < a->nslabs; i++) {
        const slab_t *s = a->slabs[i];
        uintptr_t lo = (uintptr_t)s->base, hi = lo + a->slab_bytes - 1;
        expected += (lo >> a->shift) != (hi >> a->shift) ? 2 : 1;
        size_t off_lo = 1, off_hi = 0;
        if (owner_in_table(a, lo, &off_lo) != s || off_lo != 0 ||
            owner_in_table(a, hi, &off_hi) != s || off_hi != a->slab_bytes - 1) {
            BROKEN("the owner lookup does not find slab %zu at its first and last byte", i);
        }
    }
    if (expected != used) BROKEN("owner table holds %zu entries for %zu windows", used, expected);
    return SLABBIN_OK;
}

/* A handed-out slot start of this allocator: its slab and slot index. */
static int validate_slot(const slabbin_t *a, const void *p, const slab_t **s, size_t *idx) {
    size_t off = 0;
    *s = owner_in_table(a, (uintptr_t)p, &off);
    if (*s == NULL || !slot_at(a, off, idx)) return 0;
    return *idx < bumped_in(a, (*s)->index);
}

/* The free list, last_out, the counters and the bitmaps agree. */
static int validate_free_list(const slabbin_t *a, char *why, size_t why_len) {
    uint64_t handed = handed_total(a), live = live_now(a);
    if (live > handed) BROKEN("live %llu above handed out %llu", (unsigned long long)live,
                              (unsigned long long)handed);
    if (a->peak < live) BROKEN("peak below live");
    const slab_t *s;
    size_t idx;
    if (a->last_out != NULL) {
        if (a->debug || a->head != NULL) BROKEN("last_out set with a free list or in debug mode");
        if (!validate_slot(a, a->last_out, &s, &idx)) BROKEN("last_out is no handed-out slot");
        if (a->checked && (a->head_word != &s->bits[idx >> 6] ||
                           (a->head_bit & 63) != (idx & 63) || !bit_get(s, idx))) {
            BROKEN("last_out's bit is not set or not head_word/head_bit");
        }
    }
    uint64_t expected = handed - live, seen = 0;
    for (const void *p = a->head; p != NULL;) {
        if (++seen > expected) BROKEN("free list longer than the %llu free slots (a cycle?)",
                                      (unsigned long long)expected);
        if (!validate_slot(a, p, &s, &idx)) BROKEN("free-list node %p is no handed-out slot", p);
        if (a->checked && bit_get(s, idx) != (p == a->head)) {
            BROKEN("free-list node %p has bit %d", p, (int)bit_get(s, idx));
        }
        if (p == a->head && a->checked &&
            (a->head_word != &s->bits[idx >> 6] || (a->head_bit & 63) != (idx & 63))) {
            BROKEN("head_word/head_bit are not the top's bit");
        }
        void *next = link_load(p);
        if (next == a->list_end) break;
        if (next == NULL) BROKEN("free list ends in NULL, not in list_end");
        p = next;
    }
    if (seen != expected) {
        BROKEN("free list holds %llu slots, %llu handed out and %llu live",
               (unsigned long long)seen, (unsigned long long)handed, (unsigned long long)live);
    }
    if (!a->checked) return SLABBIN_OK;
    uint64_t ones = 0;
    for (size_t i = 0; i < a->nslabs; i++) {
        const slab_t *t = a->slabs[i];
        size_t n = bumped_in(a, i);
        for (size_t w = 0; w < a->bitmap_words; w++) {
            uint64_t v = t->bits[w];
            size_t first = w * 64;                  /* bits at and above n must be 0 */
            uint64_t allowed = n <= first ? 0 : n - first >= 64 ? UINT64_MAX
                                                                : (UINT64_C(1) << (n - first)) - 1;
            if ((v & ~allowed) != 0) BROKEN("slab %zu has bits set for slots never handed out", i);
            ones += (uint64_t)popcount64(v);
        }
    }
    if (ones != live + (a->head != NULL)) {
        BROKEN("%llu bits set for %llu live slots%s", (unsigned long long)ones,
               (unsigned long long)live, a->head != NULL ? " and the top" : "");
    }
    return SLABBIN_OK;
}

int slabbin_validate(const slabbin_t *a, char *why, size_t why_len) {
    if (why != NULL && why_len > 0) why[0] = '\0';
    if (a == NULL) return SLABBIN_EINVAL;
    int rc = validate_layout(a, why, why_len);
    if (rc == SLABBIN_OK) rc = validate_slabs(a, why, why_len);
    if (rc == SLABBIN_OK) rc = validate_owner_table(a, why, why_len);
    if (rc == SLABBIN_OK) rc = validate_free_list(a, why, why_len);
    slabbin_stats_t st;
    slabbin_get_stats(a, &st);
    if (rc == SLABBIN_OK && (st.reserved_bytes != (uint64_t)st.slab_count * a->slab_bytes ||
                             st.live_slots > st.slab_count * st.slab_capacity ||
                             st.peak_live_slots < st.live_slots)) {
        rc = broken(why, why_len, "statistics disagree with the allocator");
    }
    return rc;
}

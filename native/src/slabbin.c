/*
 * slabbin.c - the slab allocator core. See slabbin.h for the contract.
 *
 * Data structures
 *   - Slabs live in `slabs[0..nslabs)`, in the order they were reserved. `cur` is the slab being
 *     bumped through: slabs before it are fully handed out, slabs after it (only after a reset or
 *     a failed batch) are untouched. `bump`/`bump_end` is the never-used part of slabs[cur].
 *   - The free list is intrusive (as in the Rust crate): a free slot's first pointer-sized word
 *     holds the address of the next free slot.
 *   - Checked mode adds one bit per slot (1 = allocated) in each slab's header, and an owner
 *     lookup: the address space is cut into windows of 2^shift bytes, 2^shift >= slab bytes, so a
 *     slab touches at most two windows; an open-addressing hash maps a window number to the slabs
 *     touching it. Lookup is O(1) and never reads the address being looked up. The table is kept
 *     in both modes (it changes only when slabs come and go); only checked mode consults it on
 *     the hot path.
 *   - Slot index = offset / stride, computed with Lemire's multiply-based division
 *     ("Faster Remainder by Direct Computation", 2019) when offsets fit in 32 bits.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#  define _POSIX_C_SOURCE 200112L   /* posix_memalign */
#endif
#include "slabbin.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#  include <malloc.h>
#endif

#if defined(__GNUC__)
#  define LIKELY(x) __builtin_expect(!!(x), 1)
#  define UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define NOINLINE __attribute__((noinline))
#else
#  define LIKELY(x) (x)
#  define UNLIKELY(x) (x)
#  define NOINLINE
#endif

typedef struct slab {
    unsigned char *base;   /* first slot */
    size_t index;          /* position in slabs[] */
    uint64_t bits[];       /* checked mode: 1 bit per slot, 1 = allocated */
} slab_t;

typedef struct owner_entry {
    uintptr_t window;      /* address >> shift */
    slab_t *slab;          /* NULL = empty entry */
} owner_entry_t;

struct slabbin {
    /* hot fields first */
    void *free_head;               /* top of the free list, or NULL */
    slab_t *head_slab;             /* checked mode: the slab of free_head */
    unsigned char *bump;           /* next never-used slot of slabs[cur] */
    unsigned char *bump_end;       /* end of slabs[cur] */
    slab_t *last;                  /* checked mode: last slab found by the owner lookup */
    size_t stride;
    size_t slab_bytes;             /* capacity * stride */
    uint64_t live;
    uint64_t peak;
    uint64_t div_magic;            /* Lemire: UINT64_MAX / stride + 1, 0 if not usable */
    bool checked;

    size_t size;
    size_t align;
    size_t capacity;
    size_t bitmap_words;

    slab_t **slabs;
    size_t nslabs;
    size_t slabs_cap;
    size_t cur;                    /* bump slab index; meaningful when nslabs > 0 */

    unsigned shift;                /* owner windows are 2^shift bytes */
    owner_entry_t *table;          /* owner hash, table_mask + 1 entries (power of two) */
    size_t table_mask;
    size_t table_used;

    uint64_t reserve_limit;        /* 0 = none */
};

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
 * than a pointer's alignment (e.g. stride 9 with alignment 1). */
static inline void *link_load(const void *slot) {
    void *next;
    memcpy(&next, slot, sizeof next);
    return next;
}

static inline void link_store(void *slot, void *next) { memcpy(slot, &next, sizeof next); }

static size_t slot_index(const slabbin_t *a, size_t off) {
#if defined(__SIZEOF_INT128__)
    if (a->div_magic != 0) {
        __extension__ typedef unsigned __int128 u128;
        return (size_t)(((u128)a->div_magic * (uint32_t)off) >> 64);
    }
#endif
    return off / a->stride;
}

static uint64_t hash_window(uintptr_t w) {
    uint64_t h = (uint64_t)w * UINT64_C(0x9E3779B97F4A7C15);
    return h ^ (h >> 29);
}

/* ---------------------------------------------------------------------------------------------
 * Owner lookup (checked mode)
 * ------------------------------------------------------------------------------------------- */

static void table_put(owner_entry_t *t, size_t mask, uintptr_t window, slab_t *s) {
    size_t i = (size_t)hash_window(window) & mask;
    while (t[i].slab != NULL) i = (i + 1) & mask;
    t[i].window = window;
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
static int table_rebuild(slabbin_t *a, size_t extra) {
    size_t need = 2 * (a->nslabs + extra);          /* entries, at most 2 per slab */
    size_t cap = 16;
    while (cap < 2 * need) {                          /* load factor <= 1/2 */
        if (cap > SIZE_MAX / 4 / sizeof(owner_entry_t)) return SLABBIN_ENOMEM;
        cap *= 2;
    }
    if (a->table != NULL && cap <= a->table_mask + 1) {  /* big enough: reuse, cannot fail */
        memset(a->table, 0, (a->table_mask + 1) * sizeof(owner_entry_t));
    } else {
        owner_entry_t *t = calloc(cap, sizeof(owner_entry_t));
        if (t == NULL) return SLABBIN_ENOMEM;
        free(a->table);
        a->table = t;
        a->table_mask = cap - 1;
    }
    a->table_used = 0;
    for (size_t i = 0; i < a->nslabs; i++) {
        table_put_slab(a, a->table, a->table_mask, a->slabs[i], &a->table_used);
    }
    return SLABBIN_OK;
}

static slab_t *owner_of(const slabbin_t *a, const void *p) {
    uintptr_t u = (uintptr_t)p;
    slab_t *s = a->last;
    if (LIKELY(s != NULL && u - (uintptr_t)s->base < a->slab_bytes)) return s;
    if (a->table == NULL) return NULL;
    uintptr_t w = u >> a->shift;
    size_t mask = a->table_mask;
    for (size_t i = (size_t)hash_window(w) & mask; a->table[i].slab != NULL; i = (i + 1) & mask) {
        s = a->table[i].slab;
        if (a->table[i].window == w && u - (uintptr_t)s->base < a->slab_bytes) return s;
    }
    return NULL;
}

/* Classifies p against slab s (which holds p): sets *idx; returns a status. */
static int classify(const slabbin_t *a, const slab_t *s, const void *p, size_t *idx) {
    size_t off = (size_t)((const unsigned char *)p - s->base);
    size_t i = slot_index(a, off);
    if (UNLIKELY(i * a->stride != off)) return SLABBIN_EINTERIOR;
    *idx = i;
    return SLABBIN_OK;
}

static bool bit_get(const slab_t *s, size_t i) { return (s->bits[i >> 6] >> (i & 63)) & 1u; }
static void bit_set(slab_t *s, size_t i) { s->bits[i >> 6] |= UINT64_C(1) << (i & 63); }
static void bit_clear(slab_t *s, size_t i) { s->bits[i >> 6] &= ~(UINT64_C(1) << (i & 63)); }

/* Number of slots of slabs[i] handed out by bumping since the last reset. */
static size_t bumped_in(const slabbin_t *a, size_t i) {
    if (a->bump == NULL) return 0;                  /* no slab bumped into since creation/trim */
    if (i < a->cur) return a->capacity;
    if (i > a->cur) return 0;
    return (size_t)(a->bump - a->slabs[i]->base) / a->stride;
}

int slabbin_check(const slabbin_t *a, const void *p) {
    if (a == NULL) return SLABBIN_EINVAL;
    slab_t *s = owner_of(a, p);
    if (s == NULL) return SLABBIN_EFOREIGN;
    size_t idx;
    int rc = classify(a, s, p, &idx);
    if (rc != SLABBIN_OK) return rc;
    if (a->checked) return bit_get(s, idx) ? SLABBIN_OK : SLABBIN_EDOUBLEFREE;
    return idx < bumped_in(a, s->index) ? SLABBIN_OK : SLABBIN_EDOUBLEFREE;
}

int slabbin_is_allocated(const slabbin_t *a, const void *p) {
    return slabbin_check(a, p) == SLABBIN_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Slabs
 * ------------------------------------------------------------------------------------------- */

static void *system_alloc(size_t align, size_t bytes) {
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

static void slab_release(slab_t *s) {
    system_free(s->base);
    free(s);
}

/* Reserves one slab (memory and header) without linking it anywhere. */
static slab_t *slab_reserve(slabbin_t *a, uint64_t extra_reserved) {
    uint64_t reserved = (uint64_t)a->nslabs * a->slab_bytes + extra_reserved;
    if (a->reserve_limit != 0 &&
        (reserved > a->reserve_limit || a->reserve_limit - reserved < a->slab_bytes)) {
        return NULL;
    }
    slab_t *s = calloc(1, sizeof(slab_t) + a->bitmap_words * sizeof(uint64_t));
    if (s == NULL) return NULL;
    s->base = system_alloc(a->align, a->slab_bytes);
    if (s->base == NULL) {
        free(s);
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
        slab_t **arr = realloc(a->slabs, cap * sizeof(slab_t *));
        if (arr == NULL) return SLABBIN_ENOMEM;
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
    a->bump = a->slabs[i]->base;
    a->bump_end = a->bump + a->slab_bytes;
}

/* Makes the bump range non-empty: the next kept slab, else a new one. */
static NOINLINE int refill_bump(slabbin_t *a) {
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

/* Rebuilds the free list from the bitmaps (checked mode): every handed-out slot whose bit is
 * clear, pushed from the first slab's first slot on, so the last slab's last free slot is on top. */
static void rebuild_free_list_checked(slabbin_t *a) {
    void *head = NULL;
    slab_t *head_slab = NULL;
    for (size_t si = 0; si < a->nslabs; si++) {
        slab_t *s = a->slabs[si];
        size_t n = bumped_in(a, si);
        for (size_t i = 0; i < n; i++) {
            if (!bit_get(s, i)) {
                void *p = s->base + i * a->stride;
                link_store(p, head);
                head = p;
                head_slab = s;
            }
        }
    }
    a->free_head = head;
    a->head_slab = head_slab;
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
    if (slab_capacity == 0 || (flags & ~SLABBIN_UNCHECKED) != 0) return SLABBIN_EINVAL;
    if (slab_capacity > (size_t)PTRDIFF_MAX / stride) return SLABBIN_EINVAL;
    size_t slab_bytes = slab_capacity * stride;
    size_t words = (slab_capacity + 63) / 64;
    if (words > (SIZE_MAX - sizeof(slab_t)) / sizeof(uint64_t)) return SLABBIN_EINVAL;

    slabbin_t *a = calloc(1, sizeof(*a));
    if (a == NULL) return SLABBIN_ENOMEM;
    a->size = slot_size;
    a->align = slot_alignment;
    a->stride = stride;
    a->capacity = slab_capacity;
    a->slab_bytes = slab_bytes;
    a->checked = (flags & SLABBIN_UNCHECKED) == 0;
    a->bitmap_words = a->checked ? words : 0;
    unsigned shift = 0;
    while (shift < sizeof(size_t) * 8 - 1 && ((size_t)1 << shift) < slab_bytes) shift++;
    a->shift = shift;
    if (slab_bytes <= UINT32_MAX && stride <= UINT32_MAX) {
        a->div_magic = UINT64_MAX / stride + 1;
    }
    *out = a;
    return SLABBIN_OK;
}

void slabbin_destroy(slabbin_t *a) {
    if (a == NULL) return;
    for (size_t i = 0; i < a->nslabs; i++) slab_release(a->slabs[i]);
    free(a->slabs);
    free(a->table);
    free(a);
}

/* Checked-mode pop: validates the link of the slot on top before following it. */
static NOINLINE int pop_checked_corrupt(slabbin_t *a) {
    rebuild_free_list_checked(a);
    return SLABBIN_ECORRUPT;
}

static inline int alloc_one(slabbin_t *a, void **slot) {
    void *p = a->free_head;
    if (p != NULL) {
        void *next = link_load(p);
        if (a->checked) {
            slab_t *s = a->head_slab;
            size_t idx = slot_index(a, (size_t)((unsigned char *)p - s->base));
            slab_t *ns = NULL;
            if (next != NULL) {
                size_t nidx;
                ns = owner_of(a, next);
                if (UNLIKELY(next == p || ns == NULL ||
                             classify(a, ns, next, &nidx) != SLABBIN_OK ||
                             bit_get(ns, nidx) || nidx >= bumped_in(a, ns->index))) {
                    return pop_checked_corrupt(a);
                }
                a->last = ns;
            }
            bit_set(s, idx);
            a->head_slab = ns;
        }
        a->free_head = next;
    } else {
        if (UNLIKELY(a->bump == a->bump_end)) {
            int rc = refill_bump(a);
            if (rc != SLABBIN_OK) return rc;
        }
        p = a->bump;
        a->bump += a->stride;
        if (a->checked) {
            slab_t *s = a->slabs[a->cur];
            bit_set(s, slot_index(a, (size_t)((unsigned char *)p - s->base)));
        }
    }
    if (++a->live > a->peak) a->peak = a->live;
    *slot = p;
    return SLABBIN_OK;
}

int slabbin_alloc(slabbin_t *a, void **slot) {
    if (UNLIKELY(a == NULL || slot == NULL)) return SLABBIN_EINVAL;
    return alloc_one(a, slot);
}

int slabbin_alloc_zeroed(slabbin_t *a, void **slot) {
    if (UNLIKELY(a == NULL || slot == NULL)) return SLABBIN_EINVAL;
    int rc = alloc_one(a, slot);
    if (rc == SLABBIN_OK) memset(*slot, 0, a->size);
    return rc;
}

/* Validates a checked-mode free of p: sets *slab and *idx, returns a status. */
static inline int validate_free(slabbin_t *a, const void *p, slab_t **slab, size_t *idx) {
    slab_t *s = owner_of(a, p);
    if (UNLIKELY(s == NULL)) return SLABBIN_EFOREIGN;
    if (UNLIKELY(classify(a, s, p, idx) != SLABBIN_OK)) return SLABBIN_EINTERIOR;
    if (UNLIKELY(!bit_get(s, *idx))) return SLABBIN_EDOUBLEFREE;
    a->last = s;
    *slab = s;
    return SLABBIN_OK;
}

int slabbin_free(slabbin_t *a, void *slot) {
    if (UNLIKELY(a == NULL)) return SLABBIN_EINVAL;
    if (a->checked) {
        slab_t *s;
        size_t idx;
        int rc = validate_free(a, slot, &s, &idx);
        if (rc != SLABBIN_OK) return rc;
        bit_clear(s, idx);
        a->head_slab = s;
    }
    link_store(slot, a->free_head);
    a->free_head = slot;
    a->live--;
    return SLABBIN_OK;
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
        a->last = NULL;
        table_rebuild(a, 0);                        /* shrinking: reuses the table, cannot fail */
    }
}

int slabbin_alloc_batch(slabbin_t *a, void **slots, size_t count) {
    if (a == NULL || (slots == NULL && count > 0)) return SLABBIN_EINVAL;
    if (count == 0) return SLABBIN_OK;
    /* Slots obtainable without reserving: free list, bump range and untouched kept slabs. */
    uint64_t avail = (uint64_t)a->nslabs * a->capacity - a->live;
    size_t added = 0;                               /* slabs reserved for this batch */
    if (count > avail) {
        uint64_t missing = count - avail;
        uint64_t need = missing / a->capacity + (missing % a->capacity != 0);
        if (need > SIZE_MAX / sizeof(slab_t *)) return SLABBIN_ENOMEM;
        slab_t **news = malloc((size_t)need * sizeof(slab_t *));
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
        free(news);
        if (rc != SLABBIN_OK) return rc;
        added = got;
    }
    for (size_t i = 0; i < count; i++) {
        int rc = alloc_one(a, &slots[i]);
        if (UNLIKELY(rc != SLABBIN_OK)) {         /* only SLABBIN_ECORRUPT: undo, newest first */
            while (i > 0) slabbin_free(a, slots[--i]);
            release_untouched(a, added);
            return rc;
        }
    }
    return SLABBIN_OK;
}

int slabbin_free_batch(slabbin_t *a, void *const *slots, size_t count, size_t *bad_index) {
    if (a == NULL || (slots == NULL && count > 0)) return SLABBIN_EINVAL;
    if (count == 0) return SLABBIN_OK;
    slab_t *s = NULL;
    if (a->checked) {
        /* Validate and clear bits as we go, so a repeat inside the batch reads as a double free;
         * on failure set the cleared bits again. */
        for (size_t i = 0; i < count; i++) {
            size_t idx;
            int rc = validate_free(a, slots[i], &s, &idx);
            if (UNLIKELY(rc != SLABBIN_OK)) {
                for (size_t j = 0; j < i; j++) {
                    slab_t *sj = owner_of(a, slots[j]);
                    size_t jdx = slot_index(a, (size_t)((unsigned char *)slots[j] - sj->base));
                    bit_set(sj, jdx);
                }
                if (bad_index != NULL) *bad_index = i;
                return rc;
            }
            bit_clear(s, idx);
        }
        a->head_slab = s;
    }
    void *head = a->free_head;
    for (size_t i = 0; i < count; i++) {
        link_store(slots[i], head);
        head = slots[i];
    }
    a->free_head = head;
    a->live -= count;
    return SLABBIN_OK;
}

void slabbin_reset(slabbin_t *a) {
    if (a == NULL) return;
    if (a->checked) {
        for (size_t i = 0; i < a->nslabs; i++) {
            memset(a->slabs[i]->bits, 0, a->bitmap_words * sizeof(uint64_t));
        }
    }
    a->free_head = NULL;
    a->head_slab = NULL;
    a->live = 0;
    if (a->nslabs > 0) {
        bump_into(a, 0);
    } else {
        a->bump = a->bump_end = NULL;
        a->cur = 0;
    }
}

/* Walks the free list, counting free slots per slab into free_in[] (indexed by slab index).
 * In checked mode every link is validated (owned, slot start, bit clear, handed out, no more
 * nodes than free slots exist); returns false on a corrupted list. */
static bool count_free(const slabbin_t *a, uint64_t *free_in) {
    uint64_t handed = 0;
    for (size_t i = 0; i < a->nslabs; i++) handed += bumped_in(a, i);
    uint64_t expected = handed - a->live, seen = 0;
    for (void *p = a->free_head; p != NULL; p = link_load(p)) {
        slab_t *s = owner_of(a, p);
        if (a->checked) {
            size_t idx;
            if (s == NULL || ++seen > expected || classify(a, s, p, &idx) != SLABBIN_OK ||
                bit_get(s, idx) || idx >= bumped_in(a, s->index)) {
                return false;
            }
        }
        free_in[s->index]++;
    }
    return true;
}

size_t slabbin_trim(slabbin_t *a) {
    if (a == NULL || a->nslabs == 0) return 0;
    size_t n = a->nslabs;
    uint64_t *free_in = calloc(n, sizeof(uint64_t));
    slab_t **gone = malloc(n * sizeof(slab_t *));
    if (free_in == NULL || gone == NULL) {           /* nothing released; state unchanged */
        free(free_in);
        free(gone);
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
    free(free_in);
    if (ngone == 0) {
        free(gone);
        return 0;
    }
    /* Drop the released slabs' slots from the free list, keeping the others in order. */
    void *prev = NULL;                              /* last kept node */
    a->head_slab = NULL;
    for (void *p = a->free_head; p != NULL; p = link_load(p)) {
        slab_t *s = owner_of(a, p);
        if (s->index == SIZE_MAX) continue;
        if (prev == NULL) {
            a->free_head = p;
            a->head_slab = s;
        } else {
            link_store(prev, p);
        }
        prev = p;
    }
    if (prev == NULL) {
        a->free_head = NULL;
    } else {
        link_store(prev, NULL);
    }
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
    a->last = NULL;
    if (kept == 0) {
        a->bump = a->bump_end = NULL;
        a->cur = 0;
    } else if (cur_kept) {
        a->cur = cur->index;
    } else {
        a->cur = kept - 1;
        a->bump = a->bump_end = a->slabs[a->cur]->base + a->slab_bytes;
    }
    table_rebuild(a, 0);                            /* shrinking: reuses the table, cannot fail */
    for (size_t i = 0; i < ngone; i++) slab_release(gone[i]);
    free(gone);
    return ngone * a->slab_bytes;
}

void slabbin_get_stats(const slabbin_t *a, slabbin_stats_t *out) {
    if (a == NULL || out == NULL) return;
    out->slot_size = a->size;
    out->alignment = a->align;
    out->stride = a->stride;
    out->slab_capacity = a->capacity;
    out->slab_count = a->nslabs;
    out->live_slots = a->live;
    out->peak_live_slots = a->peak;
    out->reserved_bytes = (uint64_t)a->nslabs * a->slab_bytes;
}

void slabbin_set_reserve_limit(slabbin_t *a, uint64_t max_bytes) {
    if (a != NULL) a->reserve_limit = max_bytes;
}

int slabbin_is_unchecked(const slabbin_t *a) { return a != NULL && !a->checked; }

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

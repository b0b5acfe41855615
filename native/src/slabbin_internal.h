/*
 * slabbin_internal.h - the allocator's data structures, each invariant written on the field it
 * governs, the named predicates every path uses (each defined once, here), and the functions the
 * core's files share. Internal: not installed, never included by users.
 *
 * The core by concern:
 *   allocator.c  create (from options), destroy, the layout's stride, status strings
 *   slab.c       system memory (the one allocation function, with the fault hook), slab
 *                reservation (slab growth), bumping, release, the reserve limit
 *   owner.c      owner lookup: address -> slab (the fast window, the hash table), slabbin_check()
 *   alloc.c      single-slot allocation: the fast path and its cold slow paths
 *   free.c       single-slot free: the fast path and its cold slow paths
 *   batch.c      batch allocation and free (runs with the top and a bitmap word in registers)
 *   maintain.c   reset, trim, statistics, free-list repair
 *   debug.c      debug mode: poisoning and its verification, corruption reports
 *   validate.c   the invariant checker (test-only, slabbin_validate.h)
 *
 * Design sources: the Rust crate `slabbin` (free-list pop or bump, fast path and cold slow path
 * split); mimalloc (one header describing every field, named inline predicates such as
 * mi_is_in_same_page, one concern per file); D. Lemire, O. Kaser, N. Kurz, "Faster Remainder by
 * Direct Computation", 2019 (the slot index by multiplication).
 */
#ifndef SLABBIN_INTERNAL_H
#define SLABBIN_INTERNAL_H

#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#  define _POSIX_C_SOURCE 200112L   /* posix_memalign */
#endif
#include "slabbin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#  define LIKELY(x) __builtin_expect(!!(x), 1)
#  define UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define NOINLINE __attribute__((noinline))
#  define COLD __attribute__((noinline, cold))
#  define ALWAYS_INLINE inline __attribute__((always_inline))
/* Entry points of the fast paths start on a cache line, so that each fast path spans as few
 * instruction fetch blocks as it can. */
#  define HOT_ENTRY __attribute__((aligned(64)))
/* Functions shared between the core's files: never exported from the shared library. (A Windows
 * DLL exports only what is marked dllexport, and PE knows no visibility attribute.) */
#  if defined(_WIN32)
#    define SB_INTERNAL
#  else
#    define SB_INTERNAL __attribute__((visibility("hidden")))
#  endif
#else
#  define LIKELY(x) (x)
#  define UNLIKELY(x) (x)
#  define NOINLINE
#  define COLD
#  define ALWAYS_INLINE inline
#  define HOT_ENTRY
#  define SB_INTERNAL
#endif

/* ---------------------------------------------------------------------------------------------
 * Data structures
 * ------------------------------------------------------------------------------------------- */

/* A slab: `capacity` slots of `stride` bytes (slab_size()), reserved from the system in one
 * piece. The header is SLAB_ALIGN-aligned: its address has free low bits (see owner_entry_t), and
 * the first bitmap words share its first cache line. */
typedef struct slab {
    unsigned char *base;   /* first slot; aligned to the slot alignment */
    size_t index;          /* position in slabbin.slabs[] (SIZE_MAX only inside trim, as a mark) */
    size_t capacity;       /* slots: capacity_at(step) */
    uint32_t step;         /* growth step (see "Growth" at struct slabbin), <= full_step */
    uint64_t bits[];       /* checked mode: 1 bit per slot (bitmap_words() words). A slot is
                              allocated exactly when its bit is 1 and it is not the top of the
                              free list: the top keeps bit 1 (see slabbin.head), every other
                              free slot has bit 0. Bits of slots not handed out since the last
                              reset are 0. */
} slab_t;

#define HOT_LINE 64
#define SLAB_ALIGN 64              /* alignment of a slab header: its address has 6 low bits free,
                                      room for a growth step (<= 60, see owner_entry_t) */
#define STEP_MASK ((uintptr_t)SLAB_ALIGN - 1)

/* An owner-table entry: one window of the address space touched by one slab. Sixteen bytes, so
 * two adjacent entries mostly share a cache line. base and the step confirm a candidate without
 * touching the slab: u is in it exactly when u - base < step_bytes(step). */
typedef struct owner_entry {
    uintptr_t base;        /* slab->base; 0 in an empty entry */
    uintptr_t slab_step;   /* the slab's address | its step (< SLAB_ALIGN: full_step <= 60, as a
                              slab holds fewer than 2^60 slots of >= 8 bytes); 0 = empty entry,
                              else one of slabs[0..nslabs) (entry_slab()) */
} owner_entry_t;

/* The allocator. 64-byte aligned: its first cache line holds every field of the pop/push fast
 * paths.
 *
 * Free list: intrusive (as in the Rust crate): a free slot's first sizeof(void *) bytes hold the
 * address of the next free slot (link_load/link_store); `head` is the top; the bottom slot's link
 * is `list_end`. Every free slot was handed out since the last reset.
 *
 * Slabs: slabs[0..nslabs) in the order they were reserved; slabs before `cur` are fully handed
 * out, slabs[cur] up to `bump`, slabs after it (only after a reset or a failed batch) are
 * untouched. So between resets every handed-out slot is live or on the free list, and
 * handed_total() - live_now() slots are free.
 *
 * Growth: a slab at growth step k holds capacity_at(k) = init_capacity * 2^k slots below
 * full_step, `capacity` from full_step on (full_step: the fewest doublings of init_capacity that
 * reach `capacity`; 0 without growth). A new slab gets next_step(): 0 when no slab is held, else
 * one past the last (largest) slab's, at most full_step; so along slabs[] the steps strictly
 * increase while below full_step, then stay at full_step; trim and a failed batch remove slabs
 * without reordering, which keeps that. Hence at most full_step = ceil(log2(capacity /
 * init_capacity)) slabs are smaller than `capacity`, of distinct capacities, fewer than
 * 2 * capacity slots together. Without growth (init_capacity == capacity) every slab holds
 * `capacity` slots, at step 0. The owner lookup keys each slab with its step (owner.c), so the
 * slabs of different sizes never crowd one probe run.
 *
 * Peak: the bump runs only when the free list is empty, i.e. when every handed-out slot is live,
 * so a pop can never raise the live count above a peak the bumps recorded: only the bump path
 * updates `peak`. Checked mode makes sure of the premise: a bump that finds fewer live slots than
 * were handed out means a use after free cut the list short (a link overwritten with NULL); the
 * list is repaired and SLABBIN_ECORRUPT returned, as for any other bad link. */
struct slabbin {
    /* Cache line 0: the fields of the pop/push fast paths. */
    void *head;                    /* top of the free list, or NULL (empty). Checked mode: the
                                      top's bit stays 1 and head_word/head_bit say where it is,
                                      so popping the top and pushing onto an empty list touch no
                                      bitmap; pushing onto a non-empty list clears the old top's
                                      bit, popping a slot whose link is not fast_end validates
                                      that link and sets its bit */
    uint64_t live;                 /* slots allocated, last_out not counted (live_now() counts
                                      it), so handing last_out out and taking it back need not
                                      touch the counter */
    void *last_out;                /* the slot handed out by the pop that emptied the free list,
                                      or NULL. While set: head is NULL, the slot is allocated and
                                      (checked mode) head_word/head_bit are still its bit; so
                                      freeing it needs no validation: it becomes the top, its bit
                                      as it is. Every other push and every change of the slots'
                                      states (reset, trim, repair) drops it (last_out_drop()).
                                      Never set in debug mode */
    slab_t *last;                  /* checked mode: the slab the owner lookup tries first (the
                                      fast window); never NULL: &sb_no_slab when there is none.
                                      Always &sb_no_slab in unchecked and debug mode and when
                                      slabs exceed 4 GiB (div_magic == 0) */
    uint64_t *head_word;           /* checked mode, head or last_out set: the bitmap word
                                      holding its bit */
    uint64_t div_magic;            /* UINT64_MAX / stride + 1 (Lemire), or 0 when a slab exceeds
                                      4 GiB: slot_index_by() needs offsets below 2^32 */
    void *fast_end;                /* a top whose link is this is popped as the last free slot by
                                      the fast path, unvalidated: list_end (NULL), or in debug
                                      mode &fast_end, which no link holds, so that every pop
                                      leaves the fast path and is verified */
    uint32_t last_span;            /* bytes of `last` handed out since the last reset: all of it
                                      if it precedes the bump slab, up to `bump` if it is the
                                      bump slab (the bump extends it), 0 after it and for
                                      &sb_no_slab. So an address inside the window is a handed-out
                                      slot's (see in_last_window()) */
    unsigned char head_bit;        /* checked mode: head's (or last_out's) bit number mod 64 */
    bool checked;                  /* not SLABBIN_UNCHECKED: bitmaps kept, every address and
                                      every popped link validated */

    /* Cache line 1: the bump path. */
    unsigned char *bump;           /* next never-used slot of slabs[cur]; NULL while no slab was
                                      bumped into (creation, trim of every slab, reset with no
                                      slab): then bump_end, bump_slab are NULL and bump_idx, cur,
                                      cur_first are 0 */
    unsigned char *bump_end;       /* end of slabs[cur] (bump == bump_end: used up) */
    size_t bump_idx;               /* slot index of bump in slabs[cur], 0..its capacity */
    uint64_t cur_first;            /* slots of slabs[0..cur) (slots_before(a, cur)): all handed
                                      out */
    slab_t *bump_slab;             /* slabs[cur] */
    size_t stride;                 /* bytes between slots: slabbin_layout_stride(size, align),
                                      >= sizeof(void *) so a free slot holds its link */
    uint64_t peak;                 /* largest live_now() since creation; updated by bumps only */
    size_t cur;                    /* index of the bump slab in slabs[] */

    /* Cache line 2: the owner lookup (the hash table, the slab sizes it needs) and the flag of the
     * slow paths; so a checked call out of the fast window touches lines 0 to 2 of the allocator. */
    owner_entry_t *table;          /* owner hash (open addressing, linear probing): one entry per
                                      window a slab touches, nothing else; NULL before the first
                                      slab. Load at most 1/2, so a probe run ends soon */
    size_t table_mask;             /* entries - 1 (a power of two, >= 15) */
    size_t slab_bytes;             /* capacity * stride, <= PTRDIFF_MAX: the largest slab */
    size_t init_bytes;             /* init_capacity * stride: step_bytes(0) */
    slab_t *prev;                  /* the slab of the fast window before `last` (set_last() keeps
                                      it): the checked lookups try its window before the owner
                                      table, so frees and pops that go back and forth between
                                      two slabs take no table probe; &sb_no_slab when none */
    unsigned shift;                /* owner windows of full-size slabs are 2^shift bytes, the
                                      smallest power of two >= slab_bytes: a slab touches at
                                      most two, a window meets at most 3 slabs */
    unsigned ramp_shift;           /* with growth, a slab at step k < full_step is entered under
                                      windows of its own size, 2^(ramp_shift + k) bytes
                                      (window_shift()): ramp_shift is the smallest power of two
                                      >= init_bytes, so it too touches at most two; there is one
                                      such slab per step (see "Growth") */
    unsigned full_step;            /* the first step at `capacity`: the least k with
                                      init_capacity * 2^k >= capacity */
    uint32_t prev_span;            /* bytes at the start of `prev` all handed out: at most its
                                      handed-out bytes (its last_span when it left `last`; only
                                      the bump slab's grows after that, and whatever lowers them
                                      (reset, trim, a new bump slab) clears prev), so an address
                                      inside it is a handed-out slot's, as for last_span; 0 for
                                      &sb_no_slab */
    bool debug;                    /* SLABBIN_DEBUG (implies checked): every freed slot poisoned,
                                      every popped one verified (debug.c); last stays
                                      &sb_no_slab, so every free and pop takes the lookup path */
    size_t capacity;               /* slots per slab at most (slab_capacity), >= 1 */
    size_t init_capacity;          /* slots of a slab reserved when none is held, 1..capacity
                                      (== capacity: no growth); see "Growth" above */

    size_t size;                   /* requested slot size, bytes */
    size_t align;                  /* slot alignment, a power of two */
    slab_t **slabs;                /* slabs[0..nslabs), reservation order; slabs[i]->index == i;
                                      capacities as in "Growth" above */
    size_t nslabs;
    size_t slabs_cap;              /* room in slabs[] */
    uint64_t reserved_slots;       /* sum of slabs[0..nslabs)->capacity */
    uint64_t reserved_bytes;       /* sum of their slab_size(): reserved_slots * stride */
    uint64_t peak_reserved;        /* largest reserved_bytes at the end of a call; updated where
                                      slabs are added (refill, batch), after they are kept */
    size_t table_used;             /* owner-table entries holding a slab */
    uint64_t reserve_limit;        /* bytes of slabs at most; 0 = no limit */

    void *list_end;                /* the link of the bottom free slot: NULL, or in debug mode
                                      &list_end (so a link overwritten with NULL is found) */
    bool corrupt_seen;             /* an allocation returned SLABBIN_ECORRUPT */
    void *corrupt_slot;            /* then: the damaged free slot (NULL: the list was cut short) */
    size_t corrupt_off;            /* its first damaged byte (< sizeof(void *): the link) */
};

_Static_assert(offsetof(struct slabbin, checked) < HOT_LINE, "fast-path fields fit one line");
_Static_assert(offsetof(struct slabbin, table) == 2 * HOT_LINE &&
                   offsetof(struct slabbin, debug) < 3 * HOT_LINE,
               "owner-lookup fields fit line 2");

/* The `last` of an allocator that has none: no address matches it (last_span is then 0). */
SB_INTERNAL extern slab_t sb_no_slab;

/* ---------------------------------------------------------------------------------------------
 * Named predicates and small helpers (each defined once; every path uses these)
 * ------------------------------------------------------------------------------------------- */

/* Free-list links are copied with memcpy: a slot is only slot_alignment-aligned, which can be less
 * than a pointer's alignment (e.g. stride 9 with alignment 1). An 8-byte memcpy is one move. */
static ALWAYS_INLINE void *link_load(const void *slot) {
    void *next;
    memcpy(&next, slot, sizeof next);
    return next;
}

static ALWAYS_INLINE void link_store(void *slot, void *next) { memcpy(slot, &next, sizeof next); }

/* The free-list node after p, or NULL at the bottom. */
static inline void *link_next(const slabbin_t *a, const void *p) {
    void *next = link_load(p);
    return next == a->list_end ? NULL : next;
}

/* The link a slot pushed on top of the list gets: the old top, or list_end. */
static inline void *link_below_head(const slabbin_t *a) {
    return a->head != NULL ? a->head : a->list_end;
}

/* Slot index by multiplication: for a byte offset `off` inside a slab (off < 2^32) and
 * magic = div_magic != 0, sets *idx to off / stride and returns whether off is a multiple of the
 * stride (a slot start). The high half of magic * off is the quotient; the low half (the
 * fraction) is below magic exactly when the remainder is 0. */
static ALWAYS_INLINE bool slot_index_by(uint64_t magic, size_t off, size_t *idx) {
#if defined(__GNUC__) && defined(__x86_64__)
    /* One MUL, written out: compilers keep a 128-bit product in callee-saved registers here, which
     * would cost the fast paths a stack frame. off < 2^32 needs no zero extension. */
    uint64_t lo, hi;
    __asm__("mulq %3" : "=a"(lo), "=d"(hi) : "0"((uint64_t)off), "rm"(magic) : "cc");
    *idx = (size_t)hi;
    return lo < magic;
#elif defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 prod = (u128)magic * (uint32_t)off;
    *idx = (size_t)(prod >> 64);
    return (uint64_t)prod < magic;
#else
    uint64_t o = (uint64_t)off;                     /* the 64x32-bit product in 32-bit halves */
    uint64_t mid = (magic >> 32) * o + (((magic & UINT32_MAX) * o) >> 32);
    *idx = (size_t)(mid >> 32);
    return magic * o < magic;
#endif
}

/* slot_index_by() with this allocator's magic (div_magic != 0, off < slab_bytes). */
static ALWAYS_INLINE bool slot_at_fast(const slabbin_t *a, size_t off, size_t *idx) {
    return slot_index_by(a->div_magic, off, idx);
}

/* As slot_at_fast(), for any slab size (off < slab_bytes). */
static inline bool slot_at(const slabbin_t *a, size_t off, size_t *idx) {
    if (a->div_magic != 0) return slot_at_fast(a, off, idx);
    *idx = off / a->stride;
    return off % a->stride == 0;
}

/* The fast owner window test: whether address u lies in the `span` bytes from `base` (the fast
 * window, possibly held in registers); sets *off to its offset. NULL and addresses below base
 * wrap to huge offsets and fail; base + span cannot wrap. */
static ALWAYS_INLINE bool window_holds(uintptr_t base, uintptr_t span, uintptr_t u,
                                       uintptr_t *off) {
    *off = u - base;
    return *off < span;
}

/* Owner in the last slab: whether p is in the handed-out part of `last` (so, a handed-out slot's
 * address if it is a slot start). */
static ALWAYS_INLINE bool in_last_window(const slabbin_t *a, const void *p, uintptr_t *off) {
    return window_holds((uintptr_t)a->last->base, a->last_span, (uintptr_t)p, off);
}

static ALWAYS_INLINE uint64_t *bit_word(slab_t *s, size_t i) { return &s->bits[i >> 6]; }
static ALWAYS_INLINE uint64_t bit_mask(size_t i) { return UINT64_C(1) << (i & 63); }
static ALWAYS_INLINE bool bit_in(uint64_t word, size_t i) { return (word >> (i & 63)) & 1u; }
static inline bool bit_get(const slab_t *s, size_t i) { return bit_in(s->bits[i >> 6], i); }
static inline void bit_set(slab_t *s, size_t i) { s->bits[i >> 6] |= bit_mask(i); }

/* Bit i (mod 64) of *v, returned, and *v with it cleared. x86-64: one BTR on a register (a shift
 * by a variable count is three micro-ops there). */
static ALWAYS_INLINE bool bit_take_clear(uint64_t *v, size_t i) {
#if defined(__GNUC__) && defined(__x86_64__) && defined(__GCC_ASM_FLAG_OUTPUTS__)
    bool was;
    __asm__("btrq %2, %0" : "+r"(*v), "=@ccc"(was) : "r"((uint64_t)i));
    return was;
#else
    bool was = bit_in(*v, i);
    *v &= ~bit_mask(i);
    return was;
#endif
}

/* Link is a free slot: the check every checked pop makes of the link it follows, "a popped link
 * is a handed-out slot start whose bit is 0" (bit 0: free and not the top, which also refuses the
 * popped slot itself). Its parts: `start`, the offset is a slot start (slot_at*()); `word`, the
 * bitmap word holding the slot's bit idx (or a copy of it in a register), read only for a slot
 * start; `handed`, the slot was handed out since the last reset (always true inside the fast
 * window). */
static ALWAYS_INLINE bool link_is_free_slot(bool start, const uint64_t *word, size_t idx,
                                            bool handed) {
    return start && !bit_in(*word, idx) && handed;
}

/* Number of slots of slab s handed out by bumping since the last reset. */
static inline size_t bumped_in(const slabbin_t *a, const slab_t *s) {
    if (a->bump == NULL) return 0;                  /* no slab bumped into since creation/trim */
    if (s->index < a->cur) return s->capacity;
    if (s->index > a->cur) return 0;
    return a->bump_idx;
}

/* Slots of slabs[0..i). */
static inline uint64_t slots_before(const slabbin_t *a, size_t i) {
    uint64_t n = 0;
    for (size_t k = 0; k < i; k++) n += a->slabs[k]->capacity;
    return n;
}

/* Words of the bitmap of a slab of `capacity` slots: one bit per slot, none if unchecked. */
static inline size_t bitmap_words(const slabbin_t *a, size_t capacity) {
    return a->checked ? (capacity + 63) / 64 : 0;
}

/* Slots of a slab at growth step k (see "Growth"). */
static inline size_t capacity_at(const slabbin_t *a, unsigned k) {
    return k < a->full_step ? a->init_capacity << k : a->capacity;
}

/* Bytes of a slab at growth step k: capacity_at(k) * stride, as min(init_bytes * 2^k,
 * slab_bytes) (init_bytes * 2^k < 2 * slab_bytes for k <= full_step: no overflow). */
static ALWAYS_INLINE uintptr_t step_bytes(uintptr_t init_bytes, uintptr_t slab_bytes,
                                          uintptr_t k) {
    uintptr_t b = init_bytes << k;
    return b < slab_bytes ? b : slab_bytes;
}

/* log2 of the owner windows of the slabs at growth step k (see slabbin.ramp_shift). */
static inline unsigned window_shift(const slabbin_t *a, unsigned k) {
    return k < a->full_step ? a->ramp_shift + k : a->shift;
}

/* Bytes of slab s. */
static inline size_t slab_size(const slabbin_t *a, const slab_t *s) {
    return s->capacity * a->stride;
}

/* The growth step the next slab reserved gets: 0 when no slab is held, else one past the last
 * (largest) slab's, at most full_step. */
static inline unsigned next_step(const slabbin_t *a) {
    if (a->nslabs == 0) return 0;
    unsigned k = a->slabs[a->nslabs - 1]->step;
    return k < a->full_step ? k + 1 : k;
}

/* The slab of an owner-table entry (NULL for an empty one). */
static inline slab_t *entry_slab(const owner_entry_t *e) {
    return (slab_t *)(e->slab_step & ~STEP_MASK);
}

/* Slab s leaves slabs[] (trim, a failed batch): the sums kept over slabs[] drop it. */
static inline void reserved_drop(slabbin_t *a, const slab_t *s) {
    a->reserved_slots -= s->capacity;
    a->reserved_bytes -= slab_size(a, s);
}

/* Bytes of slab s handed out since the last reset (from its base): the fast window's span. */
static inline uint64_t handed_bytes(const slabbin_t *a, const slab_t *s) {
    return (uint64_t)bumped_in(a, s) * a->stride;
}

/* Slots handed out by bumping since the last reset, all slabs: slabs before the bump slab are
 * fully handed out. */
static inline uint64_t handed_total(const slabbin_t *a) {
    return a->cur_first + a->bump_idx;              /* both 0 while bump == NULL */
}

/* Whether the slot at p in slab s was handed out since the last reset: s is before the bump
 * slab, or is it and p lies below the bump. */
static inline bool handed_out(const slabbin_t *a, const slab_t *s, const void *p) {
    return s->index < a->cur || (s->index == a->cur && (uintptr_t)p < (uintptr_t)a->bump);
}

/* Checked mode, slot is live: whether the slot at p, with bit i in `word` (or a copy of it in a
 * register), is allocated: bit 1 and not `top`, the top of the free list (see slabbin.head). */
static ALWAYS_INLINE bool slot_is_live(uint64_t word, size_t i, const void *p, const void *top) {
    return bit_in(word, i) && p != top;
}

/* Slots allocated now: `live` does not count last_out. */
static inline uint64_t live_now(const slabbin_t *a) { return a->live + (a->last_out != NULL); }

/* Forgets last_out (it stays allocated): counts it in `live` again. */
static inline void last_out_drop(slabbin_t *a) {
    a->live += a->last_out != NULL;
    a->last_out = NULL;
}

/* SLABBIN_OK, as a value the compiler cannot see through: a fast path returning it ends in its
 * own `ret` instead of jumping to a return shared with another path (a taken branch less). */
static ALWAYS_INLINE int ok_here(void) {
    int ok = SLABBIN_OK;
#if defined(__GNUC__)
    __asm__("" : "+r"(ok));
#endif
    return ok;
}

/* ---------------------------------------------------------------------------------------------
 * Functions shared between the core's files
 * ------------------------------------------------------------------------------------------- */

/* slab.c: system memory. Every system allocation of the core goes through sb_system_alloc(). */
SB_INTERNAL void *sb_system_alloc(size_t align, size_t bytes);
SB_INTERNAL void *sb_system_zalloc(size_t bytes);
SB_INTERNAL void sb_system_free(void *p);
/* slab.c: slabs. */
SB_INTERNAL slab_t *sb_slab_reserve(slabbin_t *a, unsigned step, uint64_t extra_reserved);
SB_INTERNAL void sb_slab_release(slab_t *s);
SB_INTERNAL int sb_slabs_append(slabbin_t *a, slab_t **news, size_t n);
SB_INTERNAL int sb_reserve_slabs(slabbin_t *a, uint64_t missing, size_t *added);
SB_INTERNAL void sb_bump_into(slabbin_t *a, size_t i);
SB_INTERNAL void sb_bump_none(slabbin_t *a);
SB_INTERNAL int sb_refill_bump(slabbin_t *a);
SB_INTERNAL void sb_release_untouched(slabbin_t *a, size_t n);
SB_INTERNAL void sb_note_reserved_peak(slabbin_t *a);

/* owner.c */
SB_INTERNAL void sb_table_add(slabbin_t *a, slab_t *s);
SB_INTERNAL void sb_table_refill(slabbin_t *a);
SB_INTERNAL int sb_table_make_room(slabbin_t *a, size_t n);
SB_INTERNAL slab_t *sb_owner_grown(const slabbin_t *a, uintptr_t u, size_t *off);

/* The owner table's hash of a window key (a multiply and a fold: no division). */
static ALWAYS_INLINE uint64_t hash_window(uintptr_t w) {
    uint64_t h = (uint64_t)w * UINT64_C(0x9E3779B97F4A7C15);
    return h ^ (h >> 29);
}

/* The probe run of `key` (a window key, see owner.c) in a table t of mask + 1 entries, for the
 * slab holding u. An entry is confirmed by the base and the size it holds, so the entries of other
 * windows or slabs met on the way are never mistaken for the owner; and entries are looked at two
 * by two (adjacent, so mostly one cache line), combined without a branch per entry: the owner is
 * nearly always one of the first two, so the one branch that matters is predictable. `growth`
 * false (full_step 0: every slab at step 0, slab_bytes long) lets the compiler drop the size
 * computation. Inlined into the checked free and pop lookups (owner_in_table()), so that the
 * common case costs no call, no saved registers and no offset passed through memory. */
static ALWAYS_INLINE slab_t *owner_probe(const slabbin_t *a, const owner_entry_t *t, size_t mask,
                                         uintptr_t key, uintptr_t u, size_t *off, bool growth) {
    uintptr_t init_bytes = a->init_bytes, slab_bytes = a->slab_bytes;
    for (size_t i = (size_t)hash_window(key) & mask;; i = (i + 2) & mask) {
        const owner_entry_t *e0 = &t[i], *e1 = &t[(i + 1) & mask];
        uintptr_t t0 = e0->slab_step, t1 = e1->slab_step;
        uintptr_t d0 = u - e0->base, d1 = u - e1->base;
        uintptr_t b0 = growth ? step_bytes(init_bytes, slab_bytes, t0 & STEP_MASK) : slab_bytes;
        uintptr_t b1 = growth ? step_bytes(init_bytes, slab_bytes, t1 & STEP_MASK) : slab_bytes;
        uintptr_t m0 = (uintptr_t)0 - (uintptr_t)(d0 < b0);        /* all ones: e0 holds u */
        uintptr_t m1 = ((uintptr_t)0 - (uintptr_t)(d1 < b1)) & ~m0;
        uintptr_t s = ((t0 & m0) | (t1 & m1)) & ~STEP_MASK;
        if (LIKELY(s != 0)) {
            *off = (size_t)((d0 & m0) | (d1 & m1));
            return (slab_t *)s;
        }
        /* An empty entry ends the probe run. (An empty entry, base 0, may seem to hold a low
         * address: it selects no slab, and the run ends there, so NULL is right.) */
        if (t0 == 0 || t1 == 0) return NULL;
    }
}

/* The slab holding u according to the owner table only (NULL if none); sets *off to u's offset.
 * Without growth one probe run, inline; with growth sb_owner_grown(). */
static ALWAYS_INLINE slab_t *owner_in_table(const slabbin_t *a, uintptr_t u, size_t *off) {
    if (a->table == NULL) return NULL;
    if (a->full_step != 0) return sb_owner_grown(a, u, off);
    return owner_probe(a, a->table, a->table_mask, u >> a->shift, u, off, false);
}

/* Makes s the slab of the fast window, unless its slabs are too large for the fast paths or the
 * allocator is in debug mode (where every call takes the lookup, so every free and pop reaches
 * the debug paths). */
static inline void set_last(slabbin_t *a, slab_t *s) {
    if (a->div_magic == 0 || a->debug) return;
    if (s != a->last) {
        a->prev = a->last;
        a->prev_span = a->last_span;
    }
    a->last = s;
    a->last_span = (uint32_t)handed_bytes(a, s);    /* div_magic != 0: at most UINT32_MAX */
}

/* No fast window (no slab, or the slabs moved). */
static inline void clear_last(slabbin_t *a) {
    a->last = &sb_no_slab;
    a->last_span = 0;
    a->prev = &sb_no_slab;
    a->prev_span = 0;
}

/* The slab holding u (NULL if none) when it is not in the fast window: the window of `prev`
 * (see slabbin.prev), then the owner table; sets *off to u's offset in it. */
static ALWAYS_INLINE slab_t *owner_beyond_last(const slabbin_t *a, uintptr_t u, size_t *off) {
    uintptr_t o;
    if (window_holds((uintptr_t)a->prev->base, a->prev_span, u, &o)) {
        *off = (size_t)o;
        return a->prev;
    }
    return owner_in_table(a, u, off);
}

/* The slab holding p (NULL if none), the fast window first; sets *off to p's offset in it. */
static inline slab_t *owner_of(const slabbin_t *a, const void *p, size_t *off) {
    uintptr_t o;
    if (LIKELY(in_last_window(a, p, &o))) {
        *off = (size_t)o;
        return a->last;
    }
    return owner_beyond_last(a, (uintptr_t)p, off);
}

/* alloc.c: the out-of-line parts of allocation (see alloc_one()). */
SB_INTERNAL int sb_alloc_bump(slabbin_t *a, void **slot);
SB_INTERNAL int sb_alloc_pop_linked(slabbin_t *a, void **slot, void *p, void *next);
SB_INTERNAL int sb_pop_corrupt(slabbin_t *a, void *p);

/* maintain.c: the free list as a whole. */
SB_INTERNAL void sb_head_bit_release(slabbin_t *a);
SB_INTERNAL void sb_set_head(slabbin_t *a, void *p, slab_t *s, size_t off);
SB_INTERNAL void sb_rebuild_free_list_checked(slabbin_t *a);

/* debug.c */
SB_INTERNAL void sb_poison_fill(const slabbin_t *a, void *slot);
SB_INTERNAL void sb_poison_handed(const slabbin_t *a);
SB_INTERNAL void sb_corruption_note(slabbin_t *a, void *slot, size_t off);
SB_INTERNAL int sb_pop_debug(slabbin_t *a, void **slot, void *p, void *next);
SB_INTERNAL int sb_push_debug(slabbin_t *a, void *slot, uint64_t *w, size_t i);

/* Link is a free slot, checked out of the fast window: the owner from the table, any slab size.
 * Returns the slab holding `next` and sets *idx to its slot index if `next` is a handed-out free
 * slot start (not the top), else NULL. */
static inline slab_t *free_slot_owner(const slabbin_t *a, const void *next, size_t *idx) {
    size_t off = 0;
    slab_t *s = owner_beyond_last(a, (uintptr_t)next, &off);
    if (s == NULL) return NULL;
    bool start = slot_at(a, off, idx);
    return link_is_free_slot(start, bit_word(s, *idx), *idx, handed_out(a, s, next)) ? s : NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Pop and push, shared by the single-slot, batch and debug paths
 * ------------------------------------------------------------------------------------------- */

/* Checked mode: p (the top) leaves the list, its link `next` (a free slot of s with index idx,
 * checked by link_is_free_slot()) becomes the top and gets its bit; p keeps its bit (1:
 * allocated). */
static ALWAYS_INLINE int pop_commit(slabbin_t *a, void **slot, void *p, void *next, slab_t *s,
                                    size_t idx) {
    uint64_t *w = bit_word(s, idx);
    *w |= bit_mask(idx);
    a->head_word = w;
    a->head_bit = (unsigned char)idx;               /* bit_mask() uses idx & 63 */
    a->head = next;
    a->live++;                                      /* no peak update needed: see "Peak" above */
    *slot = p;
    return SLABBIN_OK;
}

/* One allocation: the pop that empties the list and the unchecked pop inline, the rest out of
 * line (the bump, the checked pop of a linked slot). */
static ALWAYS_INLINE int alloc_one(slabbin_t *a, void **slot) {
    void *p = a->head;
    if (UNLIKELY(p == NULL)) return sb_alloc_bump(a, slot);
    void *next = link_load(p);
    if (LIKELY(next == a->fast_end)) {
        /* The list becomes empty: nothing to validate; p becomes last_out (in checked mode p
         * keeps its bit, and head_word/head_bit stay p's). */
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
    return sb_alloc_pop_linked(a, slot, p, next);
}

/* Checked mode: pushes a validated slot (bit i of *w, which stays 1: it is the new top) and clears
 * the old top's bit. */
static ALWAYS_INLINE int push_checked(slabbin_t *a, void *slot, uint64_t *w, size_t i) {
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

#endif /* SLABBIN_INTERNAL_H */

/*
 * owner.c - owner lookup: which slab of this allocator holds an address, without reading the
 * address. The address space is cut into windows of 2^shift bytes, 2^shift >= the bytes of the
 * largest slab, so every slab (of any capacity, see "Growth" in slabbin_internal.h) touches at most
 * two windows; an open-addressing hash maps a window number to the slabs touching it, each entry
 * holding the slab's base and growth step (hence its size) so a candidate is confirmed without
 * touching the slab. A window meets at most 3 full-size slabs. With growth, each smaller slab
 * (one per growth step below full_step) is entered under windows of its own size, keyed with its
 * step (window_key()), so it too touches at most two and shares them with no other slab of this
 * allocator. The lookup probes the steps from the largest held down: a full-size slab is found in
 * one probe run as without growth, a slab at step k after the runs of the steps above it (at most
 * full_step; about 2 on average for a random slot, as every step holds twice the slots of the one
 * below). So lookup is O(1). The table is kept in both modes (it changes only when slabs come and
 * go); only checked mode consults it on the hot paths, after the fast window (the slab used last,
 * see in_last_window()) and the window of the slab used before it (owner_beyond_last()); the probe
 * itself is inline there (owner_probe(), slabbin_internal.h). Also slabbin_check(), which is the
 * lookup plus the slot's state.
 */
#include "slabbin_internal.h"

slab_t sb_no_slab;

/* The key of the window holding address u among those of the slabs at growth step k: its number
 * (u >> window_shift()), with k + 1 in the top byte below full_step so that the steps' keys differ
 * (a window number is below 2^61; keys that still meet only share a probe run). */
static uintptr_t window_key(const slabbin_t *a, uintptr_t u, unsigned k) {
    uintptr_t w = u >> window_shift(a, k);
    return k < a->full_step ? w ^ ((uintptr_t)(k + 1) << (sizeof(uintptr_t) * 8 - 8)) : w;
}

/* Enters slab s under `key` (a window_key()). */
static void table_put(owner_entry_t *t, size_t mask, uintptr_t window, slab_t *s) {
    size_t i = (size_t)hash_window(window) & mask;
    while (t[i].slab_step != 0) i = (i + 1) & mask;
    t[i].base = (uintptr_t)s->base;
    t[i].slab_step = (uintptr_t)s | s->step;        /* s is SLAB_ALIGN-aligned */
}

/* Enters the one or two windows slab s touches; the table must have room (sb_table_make_room). */
void sb_table_add(slabbin_t *a, slab_t *s) {
    uintptr_t lo = window_key(a, (uintptr_t)s->base, s->step);
    uintptr_t hi = window_key(a, (uintptr_t)s->base + slab_size(a, s) - 1, s->step);
    table_put(a->table, a->table_mask, lo, s);
    a->table_used++;
    if (hi != lo) {
        table_put(a->table, a->table_mask, hi, s);
        a->table_used++;
    }
}

/* Empties the table and enters slabs[0..nslabs) again. Cannot fail: the caller makes sure the
 * table has room (after slabs were released it holds fewer entries than before, so the load stays
 * at most 1/2). */
void sb_table_refill(slabbin_t *a) {
    memset(a->table, 0, (a->table_mask + 1) * sizeof(owner_entry_t));
    a->table_used = 0;
    for (size_t i = 0; i < a->nslabs; i++) sb_table_add(a, a->slabs[i]);
}

/* Makes room for n more slabs (at most 2n entries) at a load of at most 1/2: keeps the table if
 * it has it, else replaces it by one sized for slabs[0..nslabs) plus n. All or nothing (on
 * SLABBIN_ENOMEM the table is as it was). */
int sb_table_make_room(slabbin_t *a, size_t n) {
    if (a->table != NULL && 2 * (a->table_used + 2 * n) <= a->table_mask + 1) return SLABBIN_OK;
    size_t need = 2 * (a->nslabs + n);              /* entries, at most 2 per slab */
    size_t cap = 16;
    while (cap < 2 * need) {                          /* load factor <= 1/2 */
        if (cap > SIZE_MAX / 4 / sizeof(owner_entry_t)) return SLABBIN_ENOMEM;
        cap *= 2;
    }
    if (a->table == NULL || cap > a->table_mask + 1) {
        owner_entry_t *t = sb_system_zalloc(cap * sizeof(owner_entry_t));
        if (t == NULL) return SLABBIN_ENOMEM;
        sb_system_free(a->table);
        a->table = t;
        a->table_mask = cap - 1;
    }
    sb_table_refill(a);
    return SLABBIN_OK;
}

/* owner_in_table() with growth: the steps from the largest held down. Out of line, so that the
 * common case without growth pays for none of the registers this loop needs. */
NOINLINE slab_t *sb_owner_grown(const slabbin_t *a, uintptr_t u, size_t *off) {
    if (a->nslabs == 0) return NULL;
    const owner_entry_t *t = a->table;
    size_t mask = a->table_mask;                    /* >= 15 */
    for (unsigned k = a->slabs[a->nslabs - 1]->step;; k--) {      /* the last slab is the largest */
        slab_t *s = owner_probe(a, t, mask, window_key(a, u, k), u, off, true);
        if (s != NULL || k == 0) return s;
    }
}

int slabbin_check(const slabbin_t *a, const void *p) {
    if (a == NULL) return SLABBIN_EINVAL;
    size_t off = 0, idx;
    slab_t *s = owner_of(a, p, &off);
    if (s == NULL) return SLABBIN_EFOREIGN;
    if (!slot_at(a, off, &idx)) return SLABBIN_EINTERIOR;
    bool live = a->checked ? slot_is_live(*bit_word(s, idx), idx, p, a->head)
                           : idx < bumped_in(a, s);   /* handed out since the reset */
    return live ? SLABBIN_OK : SLABBIN_EDOUBLEFREE;
}

int slabbin_is_allocated(const slabbin_t *a, const void *p) {
    return slabbin_check(a, p) == SLABBIN_OK;
}

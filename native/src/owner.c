/*
 * owner.c - owner lookup: which slab of this allocator holds an address, without reading the
 * address. The address space is cut into windows of 2^shift bytes, 2^shift >= slab bytes, so a
 * slab touches at most two windows; an open-addressing hash maps a window number to the slabs
 * touching it, each entry holding the slab's base so a candidate is confirmed without touching
 * the slab. Lookup is O(1). The table is kept in both modes (it changes only when slabs come and
 * go); only checked mode consults it on the hot paths, after the fast window (the slab used last,
 * see in_last_window()). Also slabbin_check(), which is the lookup plus the slot's state.
 */
#include "slabbin_internal.h"

slab_t sb_no_slab;

static uint64_t hash_window(uintptr_t w) {
    uint64_t h = (uint64_t)w * UINT64_C(0x9E3779B97F4A7C15);
    return h ^ (h >> 29);
}

static void table_put(owner_entry_t *t, size_t mask, uintptr_t window, slab_t *s) {
    size_t i = (size_t)hash_window(window) & mask;
    while (t[i].slab != NULL) i = (i + 1) & mask;
    t[i].base = (uintptr_t)s->base;
    t[i].slab = s;
}

/* Enters the one or two windows slab s touches; the table must have room (sb_table_make_room). */
void sb_table_add(slabbin_t *a, slab_t *s) {
    uintptr_t lo = (uintptr_t)s->base >> a->shift;
    uintptr_t hi = ((uintptr_t)s->base + a->slab_bytes - 1) >> a->shift;
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

/* The slab holding u according to the hash table only (NULL if none); sets *off to u's offset.
 * An entry is confirmed by the base it holds, so the entries of other windows met on the way are
 * never mistaken for the owner; and entries are looked at two by two (adjacent, so mostly one
 * cache line), combined without a branch per entry: the owner is nearly always one of the first
 * two, so the one branch that matters is predictable. */
slab_t *sb_owner_in_table(const slabbin_t *a, uintptr_t u, size_t *off) {
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

int slabbin_check(const slabbin_t *a, const void *p) {
    if (a == NULL) return SLABBIN_EINVAL;
    size_t off = 0, idx;
    slab_t *s = owner_of(a, p, &off);
    if (s == NULL) return SLABBIN_EFOREIGN;
    if (!slot_at(a, off, &idx)) return SLABBIN_EINTERIOR;
    bool live = a->checked ? slot_is_live(*bit_word(s, idx), idx, p, a->head)
                           : idx < bumped_in(a, s->index);   /* handed out since the reset */
    return live ? SLABBIN_OK : SLABBIN_EDOUBLEFREE;
}

int slabbin_is_allocated(const slabbin_t *a, const void *p) {
    return slabbin_check(a, p) == SLABBIN_OK;
}

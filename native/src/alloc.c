/*
 * alloc.c - single-slot allocation. slabbin_alloc() handles the pop that empties the list and the
 * unchecked pop in straight-line code that needs no stack frame and takes no branch but its
 * return (alloc_one() in slabbin_internal.h); the checked pop of a linked slot (with the owner
 * found in the fast window) and the bump are separate frame-less functions reached by one jump;
 * everything else (bump refill, the hash lookup, corruption repair) is further out of line. The
 * fields these paths touch share the first cache line of the allocator.
 */
#include "slabbin_internal.h"

/* Checked mode, a corrupted list (the link of slot p found bad, or with p NULL the list cut
 * short): records it for slabbin_last_corruption() and repairs the list from the bitmaps. */
COLD int sb_pop_corrupt(slabbin_t *a, void *p) {
    sb_corruption_note(a, p, 0);
    sb_rebuild_free_list_checked(a);
    return SLABBIN_ECORRUPT;
}

/* Checked-mode pop whose link is not in the fast window: the previous window, the hash lookup (and the general slot
 * arithmetic, for slabs over 4 GiB); debug mode's pops all come here. */
static NOINLINE int pop_checked_lookup(slabbin_t *a, void **slot, void *p, void *next) {
    if (UNLIKELY(a->debug)) return sb_pop_debug(a, slot, p, next);
    size_t idx;
    slab_t *s = free_slot_owner(a, next, &idx);
    if (UNLIKELY(s == NULL)) return sb_pop_corrupt(a, p);
    set_last(a, s);
    return pop_commit(a, slot, p, next, s, idx);
}

/* The bump range is used up: the next slab, then the allocation. */
static COLD int alloc_refill(slabbin_t *a, void **slot) {
    if (a->checked && live_now(a) != handed_total(a)) {
        return sb_pop_corrupt(a, NULL);             /* the list was cut short: bump_checked() */
    }
    int rc = sb_refill_bump(a);
    if (rc != SLABBIN_OK) return rc;
    return sb_alloc_bump(a, slot);
}

/* Checked mode, the bump: sets the slot's bit and extends last_span if the bump slab is `last`.
 * The free list is empty, so every slot handed out must be live; if not, a use after free cut the
 * list short (see "Peak" in slabbin_internal.h). */
static ALWAYS_INLINE bool bump_checked(slabbin_t *a, size_t idx) {
    if (UNLIKELY(live_now(a) != a->cur_first + idx)) return false;
    bit_set(a->bump_slab, idx);
    if (a->last == a->bump_slab) a->last_span += (uint32_t)a->stride;
    return true;
}

/* The free list is empty: the next never-used slot. */
NOINLINE HOT_ENTRY int sb_alloc_bump(slabbin_t *a, void **slot) {
    unsigned char *b = a->bump;
    if (UNLIKELY(b == a->bump_end)) return alloc_refill(a, slot);
    size_t idx = a->bump_idx;
    if (UNLIKELY(a->checked) && UNLIKELY(!bump_checked(a, idx))) return sb_pop_corrupt(a, NULL);
    a->bump = b + a->stride;
    a->bump_idx = idx + 1;
    a->live++;
    uint64_t now = live_now(a);
    if (now > a->peak) a->peak = now;
    *slot = b;
    return SLABBIN_OK;
}

/* Checked mode, a pop whose link is not fast_end: the link must be a free slot (the fast window
 * says it is a handed-out slot's address) before it is followed. */
NOINLINE HOT_ENTRY int sb_alloc_pop_linked(slabbin_t *a, void **slot, void *p, void *next) {
    slab_t *s = a->last;
    uintptr_t off;
    if (UNLIKELY(!in_last_window(a, next, &off))) return pop_checked_lookup(a, slot, p, next);
    size_t idx;
    bool start = slot_at_fast(a, (size_t)off, &idx);
    if (UNLIKELY(!link_is_free_slot(start, bit_word(s, idx), idx, true))) {
        return sb_pop_corrupt(a, p);
    }
    return pop_commit(a, slot, p, next, s, idx);
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

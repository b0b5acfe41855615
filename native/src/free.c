/*
 * free.c - single-slot free. slabbin_free() pushes the slot handed out last (both modes) and any
 * unchecked slot in straight-line code; the checked push of other slots, with the owner found in
 * the fast window, is one frame-less function reached by one jump; the hash lookup and the refusals
 * are further out of line. Every refusal leaves the allocator unchanged.
 */
#include "slabbin_internal.h"

/* Checked-mode free of an address outside the fast window: the previous window, the hash lookup (and the general slot
 * arithmetic, for slabs over 4 GiB); debug mode's frees all come here. */
static NOINLINE int free_checked_lookup(slabbin_t *a, void *slot) {
    size_t off = 0, idx;
    slab_t *s = owner_beyond_last(a, (uintptr_t)slot, &off);
    if (UNLIKELY(s == NULL)) return SLABBIN_EFOREIGN;
    if (UNLIKELY(!slot_at(a, off, &idx))) return SLABBIN_EINTERIOR;
    uint64_t *w = bit_word(s, idx);
    if (UNLIKELY(!slot_is_live(*w, idx, slot, a->head))) return SLABBIN_EDOUBLEFREE;
    if (UNLIKELY(a->debug)) return sb_push_debug(a, slot, w, idx);
    set_last(a, s);
    return push_checked(a, slot, w, idx);
}

/* A refused free: which error (nothing was changed). */
static COLD int free_refused(slabbin_t *a, void *slot) { return slabbin_check(a, slot); }

/* Checked mode, any slot but last_out. */
static NOINLINE HOT_ENTRY int free_checked(slabbin_t *a, void *slot) {
    slab_t *s = a->last;
    uintptr_t off;
    if (UNLIKELY(!in_last_window(a, slot, &off))) return free_checked_lookup(a, slot);
    size_t idx;
    bool start = slot_at_fast(a, (size_t)off, &idx);
    uint64_t *w = bit_word(s, idx);                 /* idx < capacity even if !start */
    if (UNLIKELY(!start || !slot_is_live(*w, idx, slot, a->head))) return free_refused(a, slot);
    return push_checked(a, slot, w, idx);
}

HOT_ENTRY int slabbin_free(slabbin_t *a, void *slot) {
    if (UNLIKELY(a == NULL)) return SLABBIN_EINVAL;
    if (LIKELY(slot == a->last_out && slot != NULL)) {
        /* The slot handed out last (see slabbin.last_out): allocated, and the list is empty. */
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

/*
 * batch.c - batch allocation and free: the same results as that many single calls (same slots,
 * same order), all or nothing. The runs keep the top of the free list and the bitmap word in use
 * in registers, and fall back to the single-slot code (alloc_one()) for anything but the plain
 * case.
 */
#include "slabbin_internal.h"

/* Checked mode, alloc_batch: pops slots[i..count) while each link is a free slot inside the fast
 * window, with the top, its bitmap word and the word's value in registers; leaves the allocator
 * exactly as that many alloc_one() calls would and returns the index reached. Anything else (an
 * empty list, a last pop, a link elsewhere or a bad one) is left to alloc_one(). */
static NOINLINE HOT_ENTRY size_t pop_run_checked(slabbin_t *a, void **slots, size_t i,
                                                 size_t count) {
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
        uintptr_t off;
        if (UNLIKELY(!window_holds(base, span, (uintptr_t)next, &off))) break;   /* also NULL */
        size_t q;
        bool start = slot_index_by(magic, (size_t)off, &q);
        uint64_t *w = &bits[q >> 6];                /* q < capacity even if !start */
        if (w != hw) {
            uint64_t v = *w;
            if (UNLIKELY(!link_is_free_slot(start, &v, q, true))) break;
            *hw = hv;                               /* write back the previous word */
            hw = w;
            hv = v;
        } else if (UNLIKELY(!link_is_free_slot(start, &hv, q, true))) {
            break;
        }
        hv |= bit_mask(q);
        idx = q;
        *out++ = p;
        p = next;
    }
    *hw = hv;
    size_t n = (size_t)(out - slots) - i;
    a->head = p;
    a->head_word = hw;
    a->head_bit = (unsigned char)(idx & 63);
    a->live += n;                                   /* no peak update needed: see "Peak" */
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
    uint64_t avail = a->reserved_slots - live_now(a);
    size_t added = 0;                               /* slabs reserved for this batch */
    if (count > avail) {
        int rc = sb_reserve_slabs(a, count - avail, &added);
        if (rc != SLABBIN_OK) return rc;
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
            sb_release_untouched(a, added);
            return rc;
        }
        i++;
    }
    if (added > 0) sb_note_reserved_peak(a);
    return SLABBIN_OK;
}

int slabbin_alloc_upto(slabbin_t *a, void **slots, size_t max, size_t *count) {
    if (a == NULL || count == NULL || (slots == NULL && max > 0)) return SLABBIN_EINVAL;
    *count = 0;
    if (max == 0) return SLABBIN_OK;
    uint64_t avail = a->reserved_slots - live_now(a);
    uint64_t n = avail == 0 ? capacity_at(a, next_step(a)) : avail;   /* none free: a new slab */
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

/* Checked free_batch refused at entry `bad`: sets the bits cleared for slots[0..bad) again. */
static COLD void free_batch_undo(slabbin_t *a, void *const *slots, size_t bad) {
    for (size_t j = 0; j < bad; j++) {
        size_t off = 0, idx;
        slab_t *s = owner_of(a, slots[j], &off);
        (void)slot_at(a, off, &idx);
        bit_set(s, idx);
    }
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
        uintptr_t off;
        int rc = SLABBIN_OK;
        bool start;
        if (LIKELY(window_holds(base, span, (uintptr_t)p, &off))) {
            start = slot_at_fast(a, (size_t)off, &idx);
        } else {
            size_t o = 0;
            slab_t *t = sb_owner_in_table(a, (uintptr_t)p, &o);
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
                if (UNLIKELY(!slot_is_live(cv, idx, p, top))) {
                    rc = SLABBIN_EDOUBLEFREE;
                } else {
                    cv &= ~bit_mask(idx);
                }
            }
        }
        if (UNLIKELY(rc != SLABBIN_OK)) {
            *cw = cv;
            free_batch_undo(a, slots, i);
            if (bad_index != NULL) *bad_index = i;
            return rc;
        }
    }
    *cw = cv;
    /* The last slot becomes the top: its bit goes back to 1, the old top's to 0. cw is its word
     * (the word of the last entry validated). */
    sb_head_bit_release(a);
    void *head = top != NULL ? top : a->list_end;
    if (UNLIKELY(a->debug)) {
        for (size_t i = 0; i < count; i++) sb_poison_fill(a, slots[i]);
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

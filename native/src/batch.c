/*
 * batch.c - batch allocation and free: the same results as that many single calls (same slots,
 * same order), all or nothing. The runs keep the top of the free list and the bitmap word in use
 * in registers, and fall back to the single-slot code (alloc_one()) for anything but the plain
 * case.
 */
#include "slabbin_internal.h"

/* The word window of slot idx of slab s: the bytes of the slots sharing its bitmap word, cut to
 * the fast window (empty if s is not `last`). */
static void word_window(const slabbin_t *a, const slab_t *s, size_t idx, uintptr_t *wbase,
                        uintptr_t *wspan) {
    uintptr_t from = (uintptr_t)(idx & ~(size_t)63) * a->stride, to = from + 64 * a->stride;
    uintptr_t span = s == a->last ? a->last_span : 0;
    if (to > span) to = span;
    *wbase = (uintptr_t)s->base + from;
    *wspan = to > from ? to - from : 0;
}

/* Checked mode, alloc_batch: pops slots[i..count) while each link is a free slot inside the fast
 * window, with the top, its bitmap word and the word's value in registers; leaves the allocator
 * exactly as that many alloc_one() calls would and returns the index reached. Anything else (an
 * empty list, a last pop, a link elsewhere or a bad one) is left to alloc_one(). A link inside
 * the word window of the cached word (word_window()) needs one compare for the window and the
 * word. */
static NOINLINE HOT_ENTRY size_t pop_run_checked(slabbin_t *a, void **slots, size_t i,
                                                 size_t count) {
    void *p = a->head;
    if (p == NULL || a->div_magic == 0) return i;   /* head != NULL: last_out is NULL */
    const uint64_t magic = a->div_magic;
    slab_t *s = a->last;
    const uintptr_t base = (uintptr_t)s->base;
    const uintptr_t span = a->last_span;
    uint64_t *hw = a->head_word;                    /* the top's word, cached in hv */
    uint64_t hv = *hw;
    uintptr_t wbase = 0, wspan = 0;                 /* hw's word window: none known yet */
    size_t idx = a->head_bit;
    void **out = slots + i, **end = slots + count;
    while (out != end) {
        void *next = link_load(p);
        uintptr_t off = (uintptr_t)next - wbase;
        size_t q;
        if (LIKELY(off < wspan)) {                  /* q: the bit in hw (off < 64 strides) */
            bool start = slot_index_by(magic, (size_t)off, &q);
            if (UNLIKELY(!link_is_free_slot(start, &hv, q, true))) break;
        } else {
            if (UNLIKELY(!window_holds(base, span, (uintptr_t)next, &off))) break;   /* NULL */
            bool start = slot_index_by(magic, (size_t)off, &q);
            uint64_t *w = bit_word(s, q);           /* q < capacity even if !start */
            if (w != hw) {
                uint64_t v = *w;
                if (UNLIKELY(!link_is_free_slot(start, &v, q, true))) break;
                *hw = hv;                           /* write back the previous word */
                hw = w;
                hv = v;
            } else if (UNLIKELY(!link_is_free_slot(start, &hv, q, true))) {
                break;
            }
            word_window(a, s, q, &wbase, &wspan);
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

/* Sets bits [from, from + n) of a bitmap, a word at a time. */
static void bits_set_range(uint64_t *bits, size_t from, size_t n) {
    while (n > 0) {
        size_t b = from & 63, m = n < 64 - b ? n : 64 - b;
        bits[from >> 6] |= (m == 64 ? ~UINT64_C(0) : (UINT64_C(1) << m) - 1) << b;
        from += m;
        n -= m;
    }
}

/* alloc_batch with an empty free list: hands out slots[i..count) from the bump range as far as
 * it reaches, as that many sb_alloc_bump() calls would (bits set a word at a time); returns the
 * index reached. A used-up bump range and a list cut short are left to alloc_one(). */
static NOINLINE size_t bump_run(slabbin_t *a, void **slots, size_t i, size_t count) {
    unsigned char *b = a->bump;
    if (a->head != NULL || b == a->bump_end) return i;   /* also bump == NULL */
    size_t idx = a->bump_idx;
    if (a->checked && live_now(a) != a->cur_first + idx) return i;   /* see bump_checked() */
    size_t n = (size_t)(a->bump_end - b) / a->stride;
    if (n > count - i) n = count - i;
    const size_t stride = a->stride;
    for (size_t j = 0; j < n; j++) slots[i + j] = b + j * stride;
    if (a->checked) {
        bits_set_range(a->bump_slab->bits, idx, n);
        if (a->last == a->bump_slab) a->last_span += (uint32_t)(n * stride);
    }
    a->bump = b + n * stride;
    a->bump_idx = idx + n;
    a->live += n;
    uint64_t now = live_now(a);
    if (now > a->peak) a->peak = now;
    return i + n;
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
        i = bump_run(a, slots, i, count);
        if (i == count) break;
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

/* Checked free_batch, the common case in a loop of its own (so that its state fits in registers):
 * validates slots[i..count) while they lie in the word window [wbase, wbase + wspan) (the slots of
 * the cached bitmap word inside the fast window), are slot starts and are live; clears their bits
 * in *cv and returns the index reached. tmask is the top's bit if the top is in the word (its bit
 * is 1 but it is free), else 0: it is left out of the value tested, so the bit test refuses the top
 * too. A slot costs one compare and one bit test. */
static NOINLINE size_t free_run_window(void *const *slots, size_t i, size_t count, uintptr_t wbase,
                                       uintptr_t wspan, uint64_t magic, uint64_t tmask,
                                       uint64_t *cv) {
    uint64_t c = *cv & ~tmask;
    for (; i < count; i++) {
        uintptr_t o = (uintptr_t)slots[i] - wbase;
        if (UNLIKELY(o >= wspan)) break;
        size_t q;                                   /* o < wspan < 2^32: q < 64 */
        bool start = slot_index_by(magic, (size_t)o, &q);
        uint64_t v = c;
        bool live = bit_take_clear(&v, q);
        if (UNLIKELY(!(start & live))) break;
        c = v;
    }
    *cv = c | tmask;
    return i;
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
    uintptr_t wbase = 0, wspan = 0;                 /* the word window (free_run_window()) */
    uint64_t tmask = 0;                             /* the top's bit if it is in cw */
    size_t idx = 0;
    const uint64_t magic = a->div_magic;            /* used inside the window only: != 0 there */
    for (size_t i = 0; i < count; i++) {
        i = free_run_window(slots, i, count, wbase, wspan, magic, tmask, &cv);
        if (i == count) break;
        void *p = slots[i];
        uintptr_t off;
        int rc = SLABBIN_OK;
        bool start;
        if (LIKELY(window_holds(base, span, (uintptr_t)p, &off))) {
            start = slot_at_fast(a, (size_t)off, &idx);
        } else {
            size_t o = 0;
            slab_t *t = owner_beyond_last(a, (uintptr_t)p, &o);
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
                    word_window(a, s, idx, &wbase, &wspan);
                    tmask = top != NULL && a->head_word == w ? bit_mask(a->head_bit) : 0;
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
     * (the word of the last entry validated), s its slab. */
    (void)slot_at(a, (size_t)((uintptr_t)slots[count - 1] - (uintptr_t)s->base), &idx);
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

/*
 * validate.c - slabbin_validate(): checks every invariant written on the fields in
 * slabbin_internal.h, from the allocator's own bookkeeping (and the links of free slots), and
 * says which one is broken. Test-only (slabbin_validate.h): built into the static core libraries
 * the C tests link, not into the shared library.
 */
#include "slabbin_internal.h"
#include "slabbin_validate.h"

#include <stdarg.h>
#include <stdio.h>

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
#if defined(__GNUC__)
    return __builtin_popcountll(x);
#else
    int n = 0;
    for (; x != 0; x &= x - 1) n++;
    return n;
#endif
}

/* Whether 2^shift is the smallest power of two >= bytes (or the largest size_t power of two). */
static bool smallest_cover(unsigned shift, size_t bytes) {
    if (shift >= sizeof(size_t) * 8) return false;
    if (((size_t)1 << shift) < bytes && shift < sizeof(size_t) * 8 - 1) return false;
    return shift == 0 || ((size_t)1 << (shift - 1)) < bytes;
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
    if (!smallest_cover(a->shift, a->slab_bytes) || !smallest_cover(a->ramp_shift, a->init_bytes)) {
        BROKEN("owner window shifts %u / %u are not the smallest covering a slab", a->shift,
               a->ramp_shift);
    }
    if (a->init_capacity == 0 || a->init_capacity > a->capacity ||
        a->init_bytes != a->init_capacity * a->stride) {
        BROKEN("initial capacity %zu outside 1..%zu", a->init_capacity, a->capacity);
    }
    unsigned k = a->full_step;
    if (k >= SLAB_ALIGN || (a->init_capacity << k) < a->capacity ||
        (k > 0 && (a->init_capacity << (k - 1)) >= a->capacity)) {
        BROKEN("full_step %u is not the first step at capacity %zu", k, a->capacity);
    }
    if (a->debug && !a->checked) BROKEN("debug mode without checked mode");
    if (a->list_end != (a->debug ? (const void *)&a->list_end : NULL) ||
        a->fast_end != (a->debug ? (const void *)&a->fast_end : NULL)) {
        BROKEN("list_end or fast_end is not this mode's");
    }
    return SLABBIN_OK;
}

/* A window of the checked lookups (`last` / last_span, `prev` / prev_span): none with span 0, or
 * a slab of this allocator in checked mode with fast paths, whose span is its handed-out bytes
 * (`exact`) or at most them. */
static int validate_window(const slabbin_t *a, const slab_t *s, uint32_t span, bool exact,
                           const char *name, char *why, size_t why_len) {
    if (s == &sb_no_slab) {
        if (span != 0) BROKEN("no %s slab, but %s_span %u", name, name, span);
        return SLABBIN_OK;
    }
    if (!a->checked || a->debug || a->div_magic == 0) BROKEN("a %s window in this mode", name);
    if (s->index >= a->nslabs || a->slabs[s->index] != s) BROKEN("%s is not a slab", name);
    uint64_t handed = handed_bytes(a, s);
    if (exact ? span != handed : span > handed) {
        BROKEN("%s_span %u, but slab %zu has %llu bytes handed out", name, span, s->index,
               (unsigned long long)handed);
    }
    return SLABBIN_OK;
}

/* slabs[] (the growth sequence, the sums kept of it), the bump state and the fast window. */
static int validate_slabs(const slabbin_t *a, char *why, size_t why_len) {
    if (a->nslabs > a->slabs_cap || (a->slabs == NULL && a->slabs_cap != 0)) {
        BROKEN("nslabs %zu above slabs_cap %zu", a->nslabs, a->slabs_cap);
    }
    uint64_t slots = 0, bytes = 0;
    for (size_t i = 0; i < a->nslabs; i++) {
        const slab_t *s = a->slabs[i];
        if (s == NULL || s->index != i || s->base == NULL) {
            BROKEN("slabs[%zu] is not slab %zu", i, i);
        }
        if (((uintptr_t)s->base & (a->align - 1)) != 0) BROKEN("slab %zu is misaligned", i);
        if (((uintptr_t)s & STEP_MASK) != 0) BROKEN("slab header %zu is misaligned", i);
        if (s->step > a->full_step || s->capacity != capacity_at(a, s->step)) {
            BROKEN("slab %zu has %zu slots at growth step %u", i, s->capacity, (unsigned)s->step);
        }
        if (i > 0 && s->step <= a->slabs[i - 1]->step && s->step != a->full_step) {
            BROKEN("slab %zu (step %u) does not grow past slab %zu (step %u)", i,
                   (unsigned)s->step, i - 1, (unsigned)a->slabs[i - 1]->step);
        }
        slots += s->capacity;
        bytes += slab_size(a, s);
    }
    if (a->reserved_slots != slots || a->reserved_bytes != bytes || a->peak_reserved < bytes) {
        BROKEN("reserved %llu slots / %llu bytes (peak %llu), but the slabs hold %llu / %llu",
               (unsigned long long)a->reserved_slots, (unsigned long long)a->reserved_bytes,
               (unsigned long long)a->peak_reserved, (unsigned long long)slots,
               (unsigned long long)bytes);
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
        if (a->bump_idx > a->bump_slab->capacity ||
            a->bump != a->bump_slab->base + a->bump_idx * a->stride ||
            a->bump_end != a->bump_slab->base + slab_size(a, a->bump_slab)) {
            BROKEN("bump %p / index %zu / end outside the bump slab", (void *)a->bump, a->bump_idx);
        }
        if (a->cur_first != slots_before(a, a->cur)) BROKEN("cur_first != slots before cur");
    }
    int rc = validate_window(a, a->last, a->last_span, true, "last", why, why_len);
    if (rc != SLABBIN_OK) return rc;
    return validate_window(a, a->prev, a->prev_span, false, "prev", why, why_len);
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
        const slab_t *s = entry_slab(e);
        if (s == NULL) {
            if (e->slab_step != 0) BROKEN("owner entry %zu has a step but no slab", i);
            continue;
        }
        used++;
        if (s->index >= a->nslabs || a->slabs[s->index] != s || e->base != (uintptr_t)s->base ||
            (e->slab_step & STEP_MASK) != s->step) {
            BROKEN("owner entry %zu names no slab of this allocator", i);
        }
    }
    if (used != a->table_used || 2 * used > cap) {
        BROKEN("owner table holds %zu entries, table_used %zu, size %zu", used, a->table_used, cap);
    }
    for (size_t i = 0; i < a->nslabs; i++) {
        const slab_t *s = a->slabs[i];
        uintptr_t lo = (uintptr_t)s->base, hi = lo + slab_size(a, s) - 1;
        unsigned ws = window_shift(a, s->step);
        expected += (lo >> ws) != (hi >> ws) ? 2 : 1;
        size_t off_lo = 1, off_hi = 0;
        if (owner_in_table(a, lo, &off_lo) != s || off_lo != 0 ||
            owner_in_table(a, hi, &off_hi) != s || off_hi != slab_size(a, s) - 1) {
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
    return *idx < bumped_in(a, *s);
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
        size_t n = bumped_in(a, t);
        for (size_t w = 0; w < bitmap_words(a, t->capacity); w++) {
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
    if (rc == SLABBIN_OK && (st.reserved_bytes != st.reserved_slots * st.stride ||
                             st.live_slots > st.reserved_slots ||
                             st.peak_live_slots < st.live_slots ||
                             st.peak_reserved_bytes < st.reserved_bytes ||
                             st.initial_slab_capacity != a->init_capacity)) {
        rc = broken(why, why_len, "statistics disagree with the allocator");
    }
    return rc;
}

/*
 * slab.c - system memory and slabs: the one function through which the core allocates from the
 * system (with the fault-injection hook), slab reservation (with the capacities of the growth
 * sequence, under the reserve limit), appending to slabs[], bumping through a slab, and releasing
 * slabs.
 */
#include "slabbin_internal.h"

#include <stdlib.h>

#if defined(_WIN32)
#  include <malloc.h>
#endif

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
 * temporary arrays) goes through here; sb_system_free() releases it. The fault-injection build
 * fails the n-th call on request (slabbin_faults.h). */
void *sb_system_alloc(size_t align, size_t bytes) {
    if (fault_now()) return NULL;
    if (align < sizeof(void *) * 2) align = sizeof(void *) * 2;
#if defined(_WIN32)
    return _aligned_malloc(bytes, align);
#else
    void *p = NULL;
    return posix_memalign(&p, align, bytes) == 0 ? p : NULL;
#endif
}

/* sb_system_alloc() of `bytes` zeroed bytes, pointer-aligned. */
void *sb_system_zalloc(size_t bytes) {
    void *p = sb_system_alloc(0, bytes);
    if (p != NULL) memset(p, 0, bytes);
    return p;
}

void sb_system_free(void *p) {
#if defined(_WIN32)
    _aligned_free(p);
#else
    free(p);
#endif
}

/* ---------------------------------------------------------------------------------------------
 * Slabs
 * ------------------------------------------------------------------------------------------- */

void sb_slab_release(slab_t *s) {
    sb_system_free(s->base);
    sb_system_free(s);
}

/* Reserves one slab of growth step `step` (memory and header, bits 0) without linking it
 * anywhere; NULL when the system refuses or the reserve limit would be crossed (counting
 * `extra_reserved` bytes of slabs reserved but not yet appended). */
slab_t *sb_slab_reserve(slabbin_t *a, unsigned step, uint64_t extra_reserved) {
    size_t capacity = capacity_at(a, step);
    size_t bytes = capacity * a->stride;            /* <= slab_bytes: no overflow */
    uint64_t reserved = a->reserved_bytes + extra_reserved;
    if (a->reserve_limit != 0 &&
        (reserved > a->reserve_limit || a->reserve_limit - reserved < bytes)) {
        return NULL;
    }
    size_t header = sizeof(slab_t) + bitmap_words(a, capacity) * sizeof(uint64_t);
    slab_t *s = sb_system_alloc(SLAB_ALIGN, header);
    if (s == NULL) return NULL;
    memset(s, 0, header);
    s->base = sb_system_alloc(a->align, bytes);
    if (s->base == NULL) {
        sb_system_free(s);
        return NULL;
    }
    s->capacity = capacity;
    s->step = step;
    return s;
}

/* Appends reserved slabs to slabs[] and the owner table; all or nothing (on SLABBIN_ENOMEM only
 * the room in slabs[] may have grown). */
int sb_slabs_append(slabbin_t *a, slab_t **news, size_t n) {
    if (a->nslabs + n > a->slabs_cap) {
        size_t cap = a->slabs_cap ? a->slabs_cap : 4;
        while (cap < a->nslabs + n) {
            if (cap > SIZE_MAX / 2 / sizeof(slab_t *)) return SLABBIN_ENOMEM;
            cap *= 2;
        }
        slab_t **arr = sb_system_alloc(0, cap * sizeof(slab_t *));
        if (arr == NULL) return SLABBIN_ENOMEM;
        if (a->nslabs > 0) memcpy(arr, a->slabs, a->nslabs * sizeof(slab_t *));
        sb_system_free(a->slabs);
        a->slabs = arr;
        a->slabs_cap = cap;
    }
    int rc = sb_table_make_room(a, n);
    if (rc != SLABBIN_OK) return rc;
    for (size_t i = 0; i < n; i++) {
        news[i]->index = a->nslabs;
        a->slabs[a->nslabs++] = news[i];
        a->reserved_slots += news[i]->capacity;
        a->reserved_bytes += slab_size(a, news[i]);
        sb_table_add(a, news[i]);
    }
    return SLABBIN_OK;
}

/* Slabs were added and are kept: peak_reserved follows reserved_bytes. */
void sb_note_reserved_peak(slabbin_t *a) {
    if (a->reserved_bytes > a->peak_reserved) a->peak_reserved = a->reserved_bytes;
}

/* Slabs the next reservations need for `missing` (>= 1) more slots: the growth steps from
 * next_step() until they hold them, then full slabs. */
static uint64_t slabs_for(const slabbin_t *a, uint64_t missing) {
    uint64_t need = 0;
    for (unsigned k = next_step(a); k < a->full_step; k++) {
        size_t c = capacity_at(a, k);
        need++;
        if (missing <= c) return need;
        missing -= c;
    }
    return need + missing / a->capacity + (missing % a->capacity != 0);
}

/* Reserves and appends enough slabs for `missing` more slots (a batch), with the capacities single
 * allocations would give them; all or nothing. Sets *added to the number of slabs appended. */
int sb_reserve_slabs(slabbin_t *a, uint64_t missing, size_t *added) {
    uint64_t need = slabs_for(a, missing);
    if (need > SIZE_MAX / sizeof(slab_t *)) return SLABBIN_ENOMEM;
    slab_t **news = sb_system_alloc(0, (size_t)need * sizeof(slab_t *));
    if (news == NULL) return SLABBIN_ENOMEM;
    size_t got = 0;
    uint64_t bytes = 0;                             /* of news[0..got) */
    for (unsigned k = next_step(a); got < need; k += k < a->full_step) {
        slab_t *s = sb_slab_reserve(a, k, bytes);
        if (s == NULL) break;
        news[got++] = s;
        bytes += slab_size(a, s);
    }
    int rc = got == need ? sb_slabs_append(a, news, got) : SLABBIN_ENOMEM;
    if (rc != SLABBIN_OK) {
        for (size_t i = 0; i < got; i++) sb_slab_release(news[i]);
    }
    sb_system_free(news);
    if (rc == SLABBIN_OK) *added = got;
    return rc;
}

/* Makes slabs[i] the bump slab, from its first slot. */
void sb_bump_into(slabbin_t *a, size_t i) {
    bool after_cur = a->bump != NULL && i == a->cur + 1;   /* the usual step: no sum to redo */
    a->cur_first = after_cur ? a->cur_first + a->bump_slab->capacity : slots_before(a, i);
    a->cur = i;
    a->bump_slab = a->slabs[i];
    a->bump = a->bump_slab->base;
    a->bump_end = a->bump + slab_size(a, a->bump_slab);
    a->bump_idx = 0;
    if (a->last == a->bump_slab) a->last_span = 0;
    if (a->prev == a->bump_slab) a->prev_span = 0;
}

/* No bump slab (no slab left, or none bumped into). */
void sb_bump_none(slabbin_t *a) {
    a->bump = a->bump_end = NULL;
    a->bump_slab = NULL;
    a->bump_idx = 0;
    a->cur = 0;
    a->cur_first = 0;
}

/* Makes the bump range non-empty: the next kept slab, else a new one. */
COLD int sb_refill_bump(slabbin_t *a) {
    size_t next = a->bump == NULL ? 0 : a->cur + 1;
    if (next < a->nslabs) {
        sb_bump_into(a, next);
        return SLABBIN_OK;
    }
    slab_t *s = sb_slab_reserve(a, next_step(a), 0);
    if (s == NULL) return SLABBIN_ENOMEM;
    int rc = sb_slabs_append(a, &s, 1);
    if (rc != SLABBIN_OK) {
        sb_slab_release(s);
        return rc;
    }
    sb_note_reserved_peak(a);
    sb_bump_into(a, a->nslabs - 1);
    return SLABBIN_OK;
}

/* Releases up to n of the newest slabs that were never bumped into (the slabs reserved by a batch
 * that then failed). */
void sb_release_untouched(slabbin_t *a, size_t n) {
    size_t released = 0;
    while (released < n && a->nslabs > 0 && (a->bump == NULL || a->nslabs - 1 > a->cur)) {
        slab_t *s = a->slabs[--a->nslabs];
        reserved_drop(a, s);
        sb_slab_release(s);
        released++;
    }
    if (released > 0) {
        clear_last(a);
        sb_table_refill(a);                         /* fewer slabs: cannot fail */
    }
}

void slabbin_set_reserve_limit(slabbin_t *a, uint64_t max_bytes) {
    if (a != NULL) a->reserve_limit = max_bytes;
}

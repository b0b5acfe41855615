/* replay.c - the C-driven replay: a C loop over a trace's plan (replay.h). */
#if !defined(_POSIX_C_SOURCE)
#  define _POSIX_C_SOURCE 200112L /* clock_gettime */
#endif
#include "replay.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__GLIBC__) || defined(__linux__)
#  include <malloc.h> /* malloc_usable_size */
#endif

#include "slabbin.h"

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t replay_chunk_bytes(void *p, int64_t size) {
#if defined(__GLIBC__)
    (void)size;
    return (int64_t)malloc_usable_size(p) + (int64_t)sizeof(size_t);
#else
    (void)p;
    return ((size + 15) & ~(int64_t)15) + 16;
#endif
}

/* One run's state: per block its address, size, class and allocating event; per class its
 * allocator and (with REPLAY_FOOTPRINT) the bytes it reserves. */
typedef struct state {
    void **addr;
    int64_t *bsize;
    int32_t *bclass;
    int64_t *bevent;
    uint8_t *step;
    slabbin_t **slab;
    int64_t *reserved;     /* per class, bytes: kept up to date only when footprint is set */
    int footprint;         /* REPLAY_FOOTPRINT given: track the figures below */
    int64_t reserved_sum;  /* bytes reserved by all slabs */
    int64_t system_bytes;  /* chunk bytes of the blocks live in the system allocator */
} state_t;

/* With REPLAY_FOOTPRINT: the peaks after a change of the reserved or the system bytes. */
static void note_peak(const state_t *s, replay_result_t *r) {
    int64_t total = s->reserved_sum + s->system_bytes;
    if (total > r->peak_footprint) r->peak_footprint = total;
    if (s->system_bytes > r->peak_system_bytes) r->peak_system_bytes = s->system_bytes;
}

static void *get(state_t *s, int32_t cls, int64_t size, replay_result_t *r) {
    void *p;
    if (cls == REPLAY_SYSTEM) {
        p = malloc((size_t)(size > 0 ? size : 1));
        if (s->footprint && p != NULL) {
            s->system_bytes += replay_chunk_bytes(p, size);
            note_peak(s, r);
        }
        return p;
    }
    if (slabbin_alloc(s->slab[cls], &p) != SLABBIN_OK) return NULL;
    if (s->footprint) {                               /* slabs only grow during a run */
        slabbin_stats_t st;
        slabbin_get_stats(s->slab[cls], &st);
        s->reserved_sum += (int64_t)st.reserved_bytes - s->reserved[cls];
        s->reserved[cls] = (int64_t)st.reserved_bytes;
        note_peak(s, r);
    }
    return p;
}

/* Frees p of `size` bytes to its allocator. */
static void put(state_t *s, int32_t cls, void *p, int64_t size) {
    if (cls == REPLAY_SYSTEM) {
        if (s->footprint) s->system_bytes -= replay_chunk_bytes(p, size);
        free(p);
    } else {
        slabbin_free(s->slab[cls], p);
    }
}

/* realloc() of a block served by the system allocator. */
static void *resize(state_t *s, void *old, int64_t old_size, int64_t size, replay_result_t *r) {
    int64_t before = s->footprint ? replay_chunk_bytes(old, old_size) : 0;
    void *p = realloc(old, (size_t)(size > 0 ? size : 1));
    if (s->footprint && p != NULL) {
        s->system_bytes += replay_chunk_bytes(p, size) - before;
        note_peak(s, r);
    }
    return p;
}

/* Checks block b's pattern; on a mismatch records `event` as the bad one and returns 0. */
static int intact(const state_t *s, int32_t b, int full, int64_t event, replay_result_t *r) {
    if (replay_check_pattern(s->addr[b], (uint64_t)s->bsize[b], (uint64_t)s->bevent[b], full)) {
        return 1;
    }
    r->bad_event = event;
    return 0;
}

/* Block id is born at event i with `size` bytes at p. */
static void born(state_t *s, int32_t id, void *p, int64_t size, size_t i, int full) {
    s->addr[id] = p;
    s->bsize[id] = size;
    s->bevent[id] = (int64_t)i;
    replay_put_pattern(p, (uint64_t)size, i, full);
}

static void release(state_t *s, const replay_trace_t *t, int32_t classes) {
    free(s->reserved);
    for (int32_t b = 0; s->addr != NULL && b < t->blocks; b++) {    /* after a failure */
        if (s->addr[b] != NULL && s->bclass[b] == REPLAY_SYSTEM) free(s->addr[b]);
    }
    for (int32_t k = 0; s->slab != NULL && k < classes; k++) slabbin_destroy(s->slab[k]);
    free(s->addr);
    free(s->bsize);
    free(s->bclass);
    free(s->bevent);
    free(s->step);
    free(s->slab);
}

int replay_run(const replay_trace_t *t, const replay_classes_t *c, int use_slabs, int flags,
               replay_result_t *r) {
    if (t == NULL || c == NULL || r == NULL || t->blocks < 0 || c->count < 0) return -1;
    memset(r, 0, sizeof(*r));
    r->bad_event = -1;
    state_t s = {0};
    size_t nb = (size_t)t->blocks + 1;
    s.addr = calloc(nb, sizeof(void *));
    s.bsize = calloc(nb, sizeof(int64_t));
    s.bclass = calloc(nb, sizeof(int32_t));
    s.bevent = calloc(nb, sizeof(int64_t));
    s.step = malloc(t->events + 1);
    s.slab = calloc((size_t)(c->count > 0 ? c->count : 1), sizeof(slabbin_t *));
    s.reserved = calloc((size_t)(c->count > 0 ? c->count : 1), sizeof(int64_t));
    s.footprint = (flags & REPLAY_FOOTPRINT) != 0;
    int full = flags & REPLAY_FULL;
    int rc = (s.addr && s.bsize && s.bclass && s.bevent && s.step && s.slab && s.reserved) ? 0
                                                                                           : -2;
    if (rc == 0) rc = replay_plan(t, c, use_slabs, s.step, s.bclass);
    for (int32_t k = 0; rc == 0 && use_slabs && k < c->count; k++) {
        slabbin_options_t opt;
        slabbin_options_init(&opt, (size_t)c->class_size[k], REPLAY_ALIGNMENT,
                             replay_slab_capacity(c->class_size[k]));
        opt.initial_slab_capacity = replay_initial_slab_capacity(c, c->class_size[k]);
        opt.flags = use_slabs == REPLAY_SLABS_UNCHECKED ? SLABBIN_UNCHECKED : 0;
        if (opt.slab_capacity == 0) {
            rc = -1;
        } else if (slabbin_create_with(&s.slab[k], &opt) != SLABBIN_OK) {
            rc = -2;
        }
    }

    int64_t t0 = now_ns();
    for (size_t i = 0; rc == 0 && i < t->events; i++) {
        int32_t id = t->id[i];
        int32_t old = t->old_id[i];
        int64_t size = t->size[i];
        int64_t ev = (int64_t)i;
        void *p;
        switch (s.step[i]) {
        case REPLAY_STEP_ALLOC:
            p = get(&s, s.bclass[id], size, r);
            if (p == NULL) { rc = -2; break; }
            born(&s, id, p, size, i, full);
            break;
        case REPLAY_STEP_FREE:
            if (!intact(&s, id, full, ev, r)) break;
            put(&s, s.bclass[id], s.addr[id], s.bsize[id]);
            s.addr[id] = NULL;
            break;
        case REPLAY_STEP_KEEP:                               /* same class: the slot stays */
            if (!intact(&s, old, full, ev, r)) break;
            p = s.addr[old];
            s.addr[old] = NULL;
            born(&s, id, p, size, i, full);
            break;
        case REPLAY_STEP_RESIZE:
            if (!intact(&s, old, full, ev, r)) break;
            p = resize(&s, s.addr[old], s.bsize[old], size, r);
            if (p == NULL) { rc = -2; break; }
            s.addr[old] = NULL;
            born(&s, id, p, size, i, full);
            break;
        default: /* REPLAY_STEP_MOVE */
            if (!intact(&s, old, full, ev, r)) break;
            p = get(&s, s.bclass[id], size, r);
            if (p == NULL) { rc = -2; break; }
            memcpy(p, s.addr[old], (size_t)(s.bsize[old] < size ? s.bsize[old] : size));
            put(&s, s.bclass[old], s.addr[old], s.bsize[old]);
            s.addr[old] = NULL;
            born(&s, id, p, size, i, full);
            break;
        }
        if (r->bad_event >= 0) break;
    }
    int64_t loop_ns = now_ns() - t0;
    if (rc == 0 && r->bad_event < 0) {
        for (int32_t k = 0; use_slabs && k < c->count; k++) {
            slabbin_stats_t st;
            slabbin_get_stats(s.slab[k], &st);
            r->reserved_peak += (int64_t)st.reserved_bytes;
            r->slabs += (int64_t)st.slab_count;
            r->reserved_after_trim += (int64_t)st.reserved_bytes - (int64_t)slabbin_trim(s.slab[k]);
        }
        t0 = now_ns();                                     /* statistics and trim not timed */
        for (int32_t b = 0; b < t->blocks; b++) {          /* blocks live at the end */
            if (s.addr[b] == NULL) continue;
            if (!intact(&s, b, full, (int64_t)t->events, r)) break;
            put(&s, s.bclass[b], s.addr[b], s.bsize[b]);
            s.addr[b] = NULL;
        }
    }
    r->nanos = loop_ns + (now_ns() - t0);
    release(&s, t, c->count);
    return rc;
}

/* replay.c - see replay.h. */
#if !defined(_POSIX_C_SOURCE)
#  define _POSIX_C_SOURCE 200112L /* clock_gettime */
#endif
#include "replay.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slabbin.h"

#define SYSTEM_CLASS (-1)
#define SLAB_BYTES 65536

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t pattern_of(uint64_t event) {
    uint64_t x = (event + 1) * UINT64_C(0x9E3779B97F4A7C15);
    return x ^ (x >> 31);
}

static void put_pattern(unsigned char *p, uint64_t size, uint64_t pat, int full) {
    if (full) {
        uint64_t i = 0;
        for (; i + 8 <= size; i += 8) {
            uint64_t w = pat + i;
            memcpy(p + i, &w, 8);
        }
        for (; i < size; i++) p[i] = (unsigned char)(pat >> (8 * (i & 7)));
    } else if (size >= 8) {
        uint64_t last = ~pat;
        memcpy(p, &pat, 8);
        memcpy(p + size - 8, &last, 8);
    } else {
        for (uint64_t i = 0; i < size; i++) p[i] = (unsigned char)(pat >> (8 * i));
    }
}

static int check_pattern(const unsigned char *p, uint64_t size, uint64_t pat, int full) {
    if (full) {
        uint64_t i = 0;
        for (; i + 8 <= size; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w != pat + i) return 0;
        }
        for (; i < size; i++) {
            if (p[i] != (unsigned char)(pat >> (8 * (i & 7)))) return 0;
        }
        return 1;
    }
    if (size >= 8) {
        uint64_t first, last;
        memcpy(&last, p + size - 8, 8);
        memcpy(&first, p, 8);
        /* blocks of 8..15 bytes overlap: the last word wins over the first there */
        if (last != ~pat) return 0;
        return size >= 16 ? first == pat : 1;
    }
    for (uint64_t i = 0; i < size; i++) {
        if (p[i] != (unsigned char)(pat >> (8 * i))) return 0;
    }
    return 1;
}

typedef struct state {
    void **addr;
    int64_t *bsize;
    int32_t *bclass;
    int64_t *bevent;
    slabbin_t **slab;
    const replay_classes_t *c;
    int use_slabs;
} state_t;

static int32_t class_for(const state_t *s, int64_t size) {
    if (!s->use_slabs || size > s->c->limit) return SYSTEM_CLASS;
    return s->c->class_of[(size + 15) / 16];
}

static void *get(state_t *s, int32_t cls, int64_t size) {
    if (cls == SYSTEM_CLASS) return malloc((size_t)(size > 0 ? size : 1));
    void *p;
    return slabbin_alloc(s->slab[cls], &p) == SLABBIN_OK ? p : NULL;
}

static void put(state_t *s, int32_t cls, void *p) {
    if (cls == SYSTEM_CLASS) {
        free(p);
    } else {
        slabbin_free(s->slab[cls], p);
    }
}

int replay_run(const replay_trace_t *t, const replay_classes_t *c, int use_slabs, int full,
               replay_result_t *r) {
    if (t == NULL || c == NULL || r == NULL || t->blocks < 0) return -1;
    memset(r, 0, sizeof(*r));
    r->bad_event = -1;
    state_t s = {0};
    s.c = c;
    s.use_slabs = use_slabs;
    size_t nb = (size_t)t->blocks + 1;
    s.addr = calloc(nb, sizeof(void *));
    s.bsize = calloc(nb, sizeof(int64_t));
    s.bclass = calloc(nb, sizeof(int32_t));
    s.bevent = calloc(nb, sizeof(int64_t));
    s.slab = calloc((size_t)(c->count > 0 ? c->count : 1), sizeof(slabbin_t *));
    int rc = (s.addr && s.bsize && s.bclass && s.bevent && s.slab) ? 0 : -2;
    for (int32_t k = 0; rc == 0 && use_slabs && k < c->count; k++) {
        size_t stride;
        slabbin_layout_stride((size_t)c->class_size[k], 16, &stride);
        size_t cap = SLAB_BYTES / stride ? SLAB_BYTES / stride : 1;
        if (slabbin_create(&s.slab[k], (size_t)c->class_size[k], 16, cap, 0) != SLABBIN_OK) rc = -2;
    }

    int64_t t0 = now_ns();
    for (size_t i = 0; rc == 0 && i < t->events && r->bad_event < 0; i++) {
        int32_t id = t->id[i];
        switch (t->op[i]) {
        case REPLAY_MALLOC: {
            int32_t cls = class_for(&s, t->size[i]);
            void *p = get(&s, cls, t->size[i]);
            if (p == NULL) { rc = -2; break; }
            s.addr[id] = p;
            s.bsize[id] = t->size[i];
            s.bclass[id] = cls;
            s.bevent[id] = (int64_t)i;
            put_pattern(p, (uint64_t)t->size[i], pattern_of(i), full);
            break;
        }
        case REPLAY_FREE: {
            void *p = s.addr[id];
            if (!check_pattern(p, (uint64_t)s.bsize[id], pattern_of((uint64_t)s.bevent[id]), full)) {
                r->bad_event = (int64_t)i;
                break;
            }
            put(&s, s.bclass[id], p);
            s.addr[id] = NULL;
            break;
        }
        case REPLAY_REALLOC: {
            int32_t old = t->old_id[i];
            void *op = s.addr[old];
            if (!check_pattern(op, (uint64_t)s.bsize[old], pattern_of((uint64_t)s.bevent[old]), full)) {
                r->bad_event = (int64_t)i;
                break;
            }
            int32_t cls = class_for(&s, t->size[i]);
            void *np;
            if (cls != SYSTEM_CLASS && cls == s.bclass[old]) {
                np = op;                                  /* same class: the slot stays */
            } else if (cls == SYSTEM_CLASS && s.bclass[old] == SYSTEM_CLASS) {
                np = realloc(op, (size_t)(t->size[i] > 0 ? t->size[i] : 1));
                if (np == NULL) { rc = -2; break; }
            } else {
                np = get(&s, cls, t->size[i]);
                if (np == NULL) { rc = -2; break; }
                int64_t n = s.bsize[old] < t->size[i] ? s.bsize[old] : t->size[i];
                memcpy(np, op, (size_t)n);
                put(&s, s.bclass[old], op);
            }
            s.addr[old] = NULL;
            s.addr[id] = np;
            s.bsize[id] = t->size[i];
            s.bclass[id] = cls;
            s.bevent[id] = (int64_t)i;
            put_pattern(np, (uint64_t)t->size[i], pattern_of(i), full);
            break;
        }
        default:
            rc = -1;
        }
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
            if (!check_pattern(s.addr[b], (uint64_t)s.bsize[b], pattern_of((uint64_t)s.bevent[b]),
                               full)) {
                r->bad_event = (int64_t)t->events;
                break;
            }
            put(&s, s.bclass[b], s.addr[b]);
            s.addr[b] = NULL;
        }
    }
    r->nanos = loop_ns + (now_ns() - t0);

    for (int32_t b = 0; s.addr != NULL && b < t->blocks; b++) {    /* after a failure */
        if (s.addr[b] != NULL && s.bclass[b] == SYSTEM_CLASS) free(s.addr[b]);
    }
    for (int32_t k = 0; s.slab != NULL && k < c->count; k++) slabbin_destroy(s.slab[k]);
    free(s.addr);
    free(s.bsize);
    free(s.bclass);
    free(s.bevent);
    free(s.slab);
    return rc;
}

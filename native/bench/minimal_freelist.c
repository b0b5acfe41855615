/*
 * minimal_freelist.c - see minimal_freelist.h.
 */
#if !defined(_POSIX_C_SOURCE)
#  define _POSIX_C_SOURCE 200112L   /* posix_memalign */
#endif
#include "minimal_freelist.h"

#include <stdlib.h>
#include <string.h>

/* Entry points start on a cache line, as the core's do (HOT_ENTRY in slabbin_internal.h). */
#define MFL_NOINLINE __attribute__((noinline, aligned(64)))
#define MFL_COLD __attribute__((noinline, cold))
#define MFL_UNLIKELY(x) __builtin_expect(!!(x), 0)

struct mfl {
    void *head;              /* top of the free list */
    unsigned char *bump;     /* next never-used slot of the newest slab */
    unsigned char *end;      /* end of the newest slab */
    size_t stride;
    size_t slab_bytes;
    size_t align;
    void **slabs;
    size_t nslabs;
    size_t slabs_cap;
};

mfl_t *mfl_create(size_t stride, size_t align, size_t capacity) {
    mfl_t *f = calloc(1, sizeof *f);
    if (f == NULL) return NULL;
    f->stride = stride;
    f->align = align < sizeof(void *) ? sizeof(void *) : align;
    f->slab_bytes = stride * capacity;
    return f;
}

void mfl_destroy(mfl_t *f) {
    if (f == NULL) return;
    for (size_t i = 0; i < f->nslabs; i++) free(f->slabs[i]);
    free(f->slabs);
    free(f);
}

static MFL_COLD int mfl_new_slab(mfl_t *f, void **slot) {
    if (f->nslabs == f->slabs_cap) {
        size_t cap = f->slabs_cap ? 2 * f->slabs_cap : 16;
        void **arr = realloc(f->slabs, cap * sizeof *arr);
        if (arr == NULL) return -2;
        f->slabs = arr;
        f->slabs_cap = cap;
    }
    void *s = NULL;
    if (posix_memalign(&s, f->align, f->slab_bytes) != 0) return -2;
    f->slabs[f->nslabs++] = s;
    f->bump = (unsigned char *)s + f->stride;
    f->end = (unsigned char *)s + f->slab_bytes;
    *slot = s;
    return 0;
}

MFL_NOINLINE int mfl_alloc(mfl_t *f, void **slot) {
    void *p = f->head;
    if (p != NULL) {
        void *next;
        memcpy(&next, p, sizeof next);
        f->head = next;
        *slot = p;
        return 0;
    }
    if (MFL_UNLIKELY(f->bump == f->end)) return mfl_new_slab(f, slot);
    *slot = f->bump;
    f->bump += f->stride;
    return 0;
}

MFL_NOINLINE int mfl_free(mfl_t *f, void *slot) {
    memcpy(slot, &f->head, sizeof f->head);
    f->head = slot;
    return 0;
}

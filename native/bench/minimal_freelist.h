/*
 * minimal_freelist.h - the reference allocator of the C benchmark: the slab design of slabbin
 * reduced to its bare mechanism (an intrusive LIFO free list plus a bump through fixed slabs, no
 * validation, no statistics). Its cost is the floor for this design; slabbin is measured against
 * it.
 *
 * It has the same call shape as slabbin (status return, slot through an out-parameter) and lives in
 * its own translation unit with its entry points marked noinline, so the benchmark calls it the way
 * it calls the core: a real call that the compiler cannot inline.
 */
#ifndef SLABBIN_BENCH_MINIMAL_FREELIST_H
#define SLABBIN_BENCH_MINIMAL_FREELIST_H

#include <stddef.h>

typedef struct mfl mfl_t;

/* Creates a list serving `stride`-byte slots (stride >= sizeof(void *), a multiple of `align`),
 * reserving `capacity` slots per slab. Returns NULL when out of memory. */
mfl_t *mfl_create(size_t stride, size_t align, size_t capacity);
void mfl_destroy(mfl_t *f);

/* 0 and *slot, or -2 when out of memory. */
int mfl_alloc(mfl_t *f, void **slot);
/* Always 0. */
int mfl_free(mfl_t *f, void *slot);

#endif

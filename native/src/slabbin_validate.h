/*
 * slabbin_validate.h - the allocator's invariant checker, for tests and fuzzing. Test-only: built
 * into the static slabbin_core library (and slabbin_core_faults) that the C tests link, never
 * exported from the shared library.
 */
#ifndef SLABBIN_VALIDATE_H
#define SLABBIN_VALIDATE_H

#include <stddef.h>

#include "slabbin.h"

/** Checks every invariant of `a` (bitmaps vs free list vs counters vs owner table vs bump
 *  state). SLABBIN_OK, or SLABBIN_ECORRUPT with a description written to why[0..why_len).
 *  Reads every free slot's link: O(slabs * slab capacity). Never changes `a`. A NULL allocator
 *  is SLABBIN_EINVAL; `why` may be NULL (with why_len 0). */
int slabbin_validate(const slabbin_t *a, char *why, size_t why_len);

#endif /* SLABBIN_VALIDATE_H */

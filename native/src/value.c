/*
 * value.c - the single-value entry points (slabbin.h, "Single-value forms"): each returns its
 * result (an address, a count, a stride, a packed batch error) or a negative status in one
 * machine word and takes no out-parameter, so that a foreign-function caller (Java's FFM
 * downcalls, the JNI glue) needs no memory for the answer. Each is the call it names, nothing more:
 * the single-slot allocation inlines alloc_one() as slabbin_alloc() does.
 */
#include "slabbin_internal.h"

/* The two outcomes in one word: a user-space address is positive on the supported platforms, a
 * status (SLABBIN_E*) negative. */
static ALWAYS_INLINE intptr_t address_or_status(int rc, void *slot) {
    return rc == SLABBIN_OK ? (intptr_t)slot : (intptr_t)rc;
}

intptr_t slabbin_create_value(size_t slot_size, size_t slot_alignment, size_t slab_capacity,
                              size_t initial_slab_capacity, unsigned flags) {
    slabbin_options_t o;
    slabbin_options_init(&o, slot_size, slot_alignment, slab_capacity);
    o.initial_slab_capacity = initial_slab_capacity;
    o.flags = flags;
    slabbin_t *a = NULL;
    int rc = slabbin_create_with(&a, &o);
    return address_or_status(rc, a);
}

HOT_ENTRY intptr_t slabbin_alloc_value(slabbin_t *a) {
    if (UNLIKELY(a == NULL)) return SLABBIN_EINVAL;
    void *p = NULL;
    int rc = alloc_one(a, &p);
    return address_or_status(rc, p);
}

intptr_t slabbin_alloc_zeroed_value(slabbin_t *a) {
    void *p = NULL;
    int rc = slabbin_alloc_zeroed(a, &p);
    return address_or_status(rc, p);
}

ptrdiff_t slabbin_alloc_upto_value(slabbin_t *a, void **slots, size_t max) {
    size_t n = 0;
    int rc = slabbin_alloc_upto(a, slots, max, &n);
    return rc == SLABBIN_OK ? (ptrdiff_t)n : (ptrdiff_t)rc;
}

int64_t slabbin_free_batch_value(slabbin_t *a, void *const *slots, size_t count) {
    size_t bad = 0;
    int rc = slabbin_free_batch(a, slots, count, &bad);
    if (rc == SLABBIN_OK) return 0;
    return (int64_t)(((uint64_t)bad << SLABBIN_BATCH_INDEX_SHIFT) | (uint64_t)-rc);
}

ptrdiff_t slabbin_layout_stride_value(size_t slot_size, size_t slot_alignment) {
    size_t stride = 0;
    int rc = slabbin_layout_stride(slot_size, slot_alignment, &stride);
    return rc == SLABBIN_OK ? (ptrdiff_t)stride : (ptrdiff_t)rc;
}

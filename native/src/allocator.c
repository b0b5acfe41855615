/*
 * allocator.c - an allocator's life: the layout's stride, creation (the fields that never change
 * afterwards), destruction, and the small queries about it.
 */
#include "slabbin_internal.h"

static bool is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

int slabbin_layout_stride(size_t slot_size, size_t slot_alignment, size_t *stride) {
    if (stride == NULL || slot_size == 0 || !is_pow2(slot_alignment) ||
        slot_alignment > SLABBIN_MAX_ALIGNMENT) {
        return SLABBIN_EINVAL;
    }
    size_t s = slot_size < sizeof(void *) ? sizeof(void *) : slot_size;
    if (s > (size_t)PTRDIFF_MAX - (slot_alignment - 1)) return SLABBIN_EINVAL;
    s = (s + slot_alignment - 1) & ~(slot_alignment - 1);
    *stride = s;
    return SLABBIN_OK;
}

int slabbin_create(slabbin_t **out, size_t slot_size, size_t slot_alignment,
                   size_t slab_capacity, unsigned flags) {
    if (out == NULL) return SLABBIN_EINVAL;
    *out = NULL;
    size_t stride;
    if (slabbin_layout_stride(slot_size, slot_alignment, &stride) != SLABBIN_OK) {
        return SLABBIN_EINVAL;
    }
    if (slab_capacity == 0 || (flags & ~(SLABBIN_UNCHECKED | SLABBIN_DEBUG)) != 0 ||
        flags == (SLABBIN_UNCHECKED | SLABBIN_DEBUG)) {
        return SLABBIN_EINVAL;
    }
    if (slab_capacity > (size_t)PTRDIFF_MAX / stride) return SLABBIN_EINVAL;
    size_t slab_bytes = slab_capacity * stride;
    size_t words = (slab_capacity + 63) / 64;
    if (words > (SIZE_MAX - sizeof(slab_t)) / sizeof(uint64_t)) return SLABBIN_EINVAL;

    /* Cache-line aligned, so the fast-path fields share one line. */
    slabbin_t *a = sb_system_alloc(HOT_LINE, sizeof(*a));
    if (a == NULL) return SLABBIN_ENOMEM;
    memset(a, 0, sizeof(*a));
    a->size = slot_size;
    a->align = slot_alignment;
    a->stride = stride;
    a->capacity = slab_capacity;
    a->slab_bytes = slab_bytes;
    a->checked = (flags & SLABBIN_UNCHECKED) == 0;
    a->debug = (flags & SLABBIN_DEBUG) != 0;
    if (a->debug) {                                 /* non-NULL addresses that are no slot */
        a->list_end = &a->list_end;
        a->fast_end = &a->fast_end;
    }
    a->bitmap_words = a->checked ? words : 0;
    unsigned shift = 0;
    while (shift < sizeof(size_t) * 8 - 1 && ((size_t)1 << shift) < slab_bytes) shift++;
    a->shift = shift;
    if (slab_bytes <= UINT32_MAX) a->div_magic = UINT64_MAX / stride + 1;   /* stride >= 8 */
    clear_last(a);
    *out = a;
    return SLABBIN_OK;
}

void slabbin_destroy(slabbin_t *a) {
    if (a == NULL) return;
    for (size_t i = 0; i < a->nslabs; i++) sb_slab_release(a->slabs[i]);
    sb_system_free(a->slabs);
    sb_system_free(a->table);
    sb_system_free(a);
}

int slabbin_is_unchecked(const slabbin_t *a) { return a != NULL && !a->checked; }

const char *slabbin_strerror(int status) {
    switch (status) {
    case SLABBIN_OK: return "success";
    case SLABBIN_EINVAL: return "invalid argument";
    case SLABBIN_ENOMEM: return "out of memory";
    case SLABBIN_EFOREIGN: return "not an address of this allocator";
    case SLABBIN_EINTERIOR: return "not the start of a slot (interior pointer)";
    case SLABBIN_EDOUBLEFREE: return "slot is not allocated (double free)";
    case SLABBIN_ECORRUPT: return "free list corrupted: a freed slot was written (use after free)";
    default: return "unknown status";
    }
}

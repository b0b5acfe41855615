/*
 * allocator.c - an allocator's life: the layout's stride, creation from options (the fields that
 * never change afterwards), destruction, and the small queries about it.
 */
#include "slabbin_internal.h"

static bool is_pow2(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* The smallest k with 2^k >= x (at most the width of size_t minus 1). */
static unsigned ceil_log2(size_t x) {
    unsigned k = 0;
    while (k < sizeof(size_t) * 8 - 1 && ((size_t)1 << k) < x) k++;
    return k;
}

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

void slabbin_options_init(slabbin_options_t *opt, size_t slot_size, size_t slot_alignment,
                          size_t slab_capacity) {
    if (opt == NULL) return;
    memset(opt, 0, sizeof(*opt));
    opt->struct_size = sizeof(*opt);
    opt->slot_size = slot_size;
    opt->slot_alignment = slot_alignment;
    opt->slab_capacity = slab_capacity;
    opt->initial_slab_capacity = slab_capacity;
}

/* Copies the caller's options (struct_size bytes of them) into *o: the fields it does not have
 * stay 0; bytes past the fields this library knows must be 0. */
static bool options_read(const slabbin_options_t *opt, slabbin_options_t *o) {
    size_t n = opt->struct_size;
    if (n < sizeof(*o)) return false;               /* the first version: every field is there */
    const unsigned char *extra = (const unsigned char *)opt + sizeof(*o);
    for (size_t i = 0; i < n - sizeof(*o); i++) {
        if (extra[i] != 0) return false;
    }
    memcpy(o, opt, sizeof(*o));
    return true;
}

int slabbin_create_with(slabbin_t **out, const slabbin_options_t *opt) {
    if (out == NULL) return SLABBIN_EINVAL;
    *out = NULL;
    slabbin_options_t o;
    if (opt == NULL || !options_read(opt, &o)) return SLABBIN_EINVAL;
    size_t stride;
    if (slabbin_layout_stride(o.slot_size, o.slot_alignment, &stride) != SLABBIN_OK) {
        return SLABBIN_EINVAL;
    }
    unsigned flags = o.flags;
    if (o.slab_capacity == 0 || o.initial_slab_capacity == 0 ||
        o.initial_slab_capacity > o.slab_capacity ||
        (flags & ~(SLABBIN_UNCHECKED | SLABBIN_DEBUG)) != 0 ||
        flags == (SLABBIN_UNCHECKED | SLABBIN_DEBUG)) {
        return SLABBIN_EINVAL;
    }
    if (o.slab_capacity > (size_t)PTRDIFF_MAX / stride) return SLABBIN_EINVAL;
    size_t slab_bytes = o.slab_capacity * stride;   /* the largest slab: smaller ones fit too */
    size_t words = (o.slab_capacity + 63) / 64;
    if (words > (SIZE_MAX - sizeof(slab_t)) / sizeof(uint64_t)) return SLABBIN_EINVAL;

    /* Cache-line aligned, so the fast-path fields share one line. */
    slabbin_t *a = sb_system_alloc(HOT_LINE, sizeof(*a));
    if (a == NULL) return SLABBIN_ENOMEM;
    memset(a, 0, sizeof(*a));
    a->size = o.slot_size;
    a->align = o.slot_alignment;
    a->stride = stride;
    a->capacity = o.slab_capacity;
    a->init_capacity = o.initial_slab_capacity;
    a->init_bytes = a->init_capacity * stride;
    unsigned k = 0;                                 /* init << k < 2 * capacity: no overflow */
    while ((a->init_capacity << k) < a->capacity) k++;
    a->full_step = k;
    a->slab_bytes = slab_bytes;
    a->reserve_limit = o.reserve_limit;
    a->checked = (flags & SLABBIN_UNCHECKED) == 0;
    a->debug = (flags & SLABBIN_DEBUG) != 0;
    if (a->debug) {                                 /* non-NULL addresses that are no slot */
        a->list_end = &a->list_end;
        a->fast_end = &a->fast_end;
    }
    a->shift = ceil_log2(slab_bytes);
    a->ramp_shift = ceil_log2(a->init_bytes);
    if (slab_bytes <= UINT32_MAX) a->div_magic = UINT64_MAX / stride + 1;   /* stride >= 8 */
    clear_last(a);
    *out = a;
    return SLABBIN_OK;
}

int slabbin_create(slabbin_t **out, size_t slot_size, size_t slot_alignment,
                   size_t slab_capacity, unsigned flags) {
    slabbin_options_t o;
    slabbin_options_init(&o, slot_size, slot_alignment, slab_capacity);
    o.flags = flags;
    return slabbin_create_with(out, &o);
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

/*
 * test_value.c - the single-value entry points (value.c): each gives the same slot, count, stride
 * or error as the call it names, the address or status in one value, in both modes; corruption
 * through them is reported and repaired as through slabbin_alloc().
 */
#include "test_util.h"

static const unsigned MODES[2] = {0u, SLABBIN_UNCHECKED};

static slabbin_t *as_allocator(intptr_t v) { return (slabbin_t *)v; }

/* Creation: a handle (> 0) or the status slabbin_create_with() gives. */
static void test_create(void) {
    intptr_t h = slabbin_create_value(32, 8, 16, 4, 0);
    REQUIRE(h > 0);
    slabbin_stats_t s = t_stats(as_allocator(h));
    CHECK_EQ_U(s.slot_size, 32);
    CHECK_EQ_U(s.slab_capacity, 16);
    CHECK_EQ_U(s.initial_slab_capacity, 4);
    CHECK_EQ(slabbin_is_unchecked(as_allocator(h)), 0);
    slabbin_destroy(as_allocator(h));
    h = slabbin_create_value(32, 8, 16, 16, SLABBIN_UNCHECKED);
    REQUIRE(h > 0);
    CHECK_EQ(slabbin_is_unchecked(as_allocator(h)), 1);
    slabbin_destroy(as_allocator(h));

    CHECK_EQ(slabbin_create_value(0, 8, 16, 16, 0), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_create_value(32, 3, 16, 16, 0), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_create_value(32, 8, 0, 1, 0), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_create_value(32, 8, 16, 17, 0), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_create_value(32, 8, 16, 0, 0), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_create_value(32, 8, 16, 16, SLABBIN_UNCHECKED | SLABBIN_DEBUG),
             SLABBIN_EINVAL);
    CHECK_EQ(slabbin_create_value(32, 8, 16, 16, 4u), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_create_value(SIZE_MAX / 2, 8, SIZE_MAX / 2, 1, 0), SLABBIN_EINVAL);
}

/* The slots slabbin_alloc() would give: consecutive in a slab, a new slab after `capacity`, the
 * most recently freed one first (whichever call freed or allocated before); zeroed slots are
 * zero. */
static void test_alloc_order(unsigned flags) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 24, 8, 3, flags), SLABBIN_OK);
    void *v[4];
    for (int i = 0; i < 4; i++) {
        intptr_t r = slabbin_alloc_value(a);
        REQUIRE(r > 0);
        v[i] = (void *)r;
    }
    CHECK_PTR(v[1], t_off(v[0], 24));
    CHECK_PTR(v[2], t_off(v[0], 48));
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK_EQ_U(t_stats(a).live_slots, 4);
    CHECK_RC(slabbin_free(a, v[1]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, v[3]), SLABBIN_OK);
    CHECK_EQ(slabbin_alloc_value(a), (intptr_t)v[3]);
    void *p = NULL;
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, v[1]);
    CHECK_RC(slabbin_free(a, v[1]), SLABBIN_OK);
    memset(v[1], 0xAB, 24);
    /* The link of v[1], the top, is overwritten: checked mode refuses it once, unchecked mode
     * hands v[1] out (and would follow the bad link only on the next pop). */
    intptr_t z = slabbin_alloc_zeroed_value(a);
    if (flags == 0) {
        CHECK_EQ(z, SLABBIN_ECORRUPT);
        z = slabbin_alloc_zeroed_value(a);
        REQUIRE(z > 0);
    } else {
        CHECK_PTR((void *)z, v[1]);
    }
    unsigned char zero[24] = {0};
    CHECK(memcmp((void *)z, zero, 24) == 0);
    CHECK_EQ(slabbin_alloc_value(NULL), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_alloc_zeroed_value(NULL), SLABBIN_EINVAL);
    slabbin_destroy(a);
}

/* Out of memory through the reserve limit: the status, and the allocator unchanged. */
static void test_alloc_enomem(void) {
    intptr_t h = slabbin_create_value(64, 64, 4, 4, 0);
    REQUIRE(h > 0);
    slabbin_t *a = as_allocator(h);
    slabbin_set_reserve_limit(a, 64 * 4);
    for (int i = 0; i < 4; i++) CHECK(slabbin_alloc_value(a) > 0);
    CHECK_EQ(slabbin_alloc_value(a), SLABBIN_ENOMEM);
    CHECK_EQ(slabbin_alloc_zeroed_value(a), SLABBIN_ENOMEM);
    CHECK_EQ_U(t_stats(a).live_slots, 4);
    slabbin_destroy(a);
}

/* A use after free: SLABBIN_ECORRUPT in one value, nothing allocated, the next call succeeds. */
static void test_alloc_corrupt(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 32, 8, 8, 0), SLABBIN_OK);
    void *x = (void *)slabbin_alloc_value(a);
    void *y = (void *)slabbin_alloc_value(a);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, y), SLABBIN_OK);
    memset(y, 0x11, sizeof(void *));                /* y's link, y on top */
    CHECK_EQ(slabbin_alloc_value(a), SLABBIN_ECORRUPT);
    void *slot = NULL;
    size_t off = 99;
    CHECK_RC(slabbin_last_corruption(a, &slot, &off), SLABBIN_OK);
    CHECK_PTR(slot, y);
    CHECK_EQ_U(off, 0);
    CHECK(slabbin_alloc_value(a) > 0);
    slabbin_destroy(a);
}

/* alloc_upto: the count placed, as slabbin_alloc_upto(); errors as statuses. */
static void test_upto(unsigned flags) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 16, 8, 5, flags), SLABBIN_OK);
    void *s[8];
    CHECK_EQ(slabbin_alloc_upto_value(a, s, 8), 5);  /* one new slab, its capacity */
    CHECK_PTR(s[1], t_off(s[0], 16));
    CHECK_EQ(slabbin_alloc_upto_value(a, s, 0), 0);
    CHECK_RC(slabbin_free(a, s[3]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[4]), SLABBIN_OK);
    void *t[8];
    CHECK_EQ(slabbin_alloc_upto_value(a, t, 8), 2);  /* the free ones first, no new slab */
    CHECK_PTR(t[0], s[4]);
    CHECK_PTR(t[1], s[3]);
    CHECK_EQ(slabbin_alloc_upto_value(a, NULL, 3), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_alloc_upto_value(NULL, t, 3), SLABBIN_EINVAL);
    slabbin_set_reserve_limit(a, 16 * 5);
    CHECK_EQ(slabbin_alloc_upto_value(a, t, 3), SLABBIN_ENOMEM);
    CHECK_EQ_U(t_stats(a).live_slots, 5);
    slabbin_destroy(a);
}

/* free_batch: 0, or the first refused index and its status packed; nothing freed then. */
static void test_free_batch(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 16, 8, 300, 0), SLABBIN_OK);
    void *s[300];
    REQUIRE_RC(slabbin_alloc_batch(a, s, 300), SLABBIN_OK);
    CHECK_EQ(slabbin_free_batch_value(a, s, 2), 0);
    CHECK_EQ_U(t_stats(a).live_slots, 298);
    CHECK_EQ(slabbin_free_batch_value(a, s + 1, 2),
             ((int64_t)0 << SLABBIN_BATCH_INDEX_SHIFT) | -SLABBIN_EDOUBLEFREE);
    void *bad[3] = {s[10], (char *)s[11] + 1, s[12]};
    CHECK_EQ(slabbin_free_batch_value(a, bad, 3),
             ((int64_t)1 << SLABBIN_BATCH_INDEX_SHIFT) | -SLABBIN_EINTERIOR);
    /* An index above the status bits: entry 290 is foreign. */
    int local;
    s[290] = &local;
    CHECK_EQ(slabbin_free_batch_value(a, s + 2, 289),
             ((int64_t)288 << SLABBIN_BATCH_INDEX_SHIFT) | -SLABBIN_EFOREIGN);
    CHECK_EQ_U(t_stats(a).live_slots, 298);
    CHECK_EQ(slabbin_free_batch_value(a, NULL, 1), -SLABBIN_EINVAL);
    CHECK_EQ(slabbin_free_batch_value(a, s, 0), 0);
    slabbin_destroy(a);
}

static void test_stride(void) {
    size_t ref = 0;
    REQUIRE_RC(slabbin_layout_stride(24, 16, &ref), SLABBIN_OK);
    CHECK_EQ(slabbin_layout_stride_value(24, 16), (ptrdiff_t)ref);
    REQUIRE_RC(slabbin_layout_stride(1, 1, &ref), SLABBIN_OK);
    CHECK_EQ(slabbin_layout_stride_value(1, 1), (ptrdiff_t)ref);
    CHECK_EQ(slabbin_layout_stride_value(0, 8), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_layout_stride_value(8, 12), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_layout_stride_value(SIZE_MAX, 8), SLABBIN_EINVAL);
}

int main(void) {
    test_create();
    for (size_t m = 0; m < 2; m++) {
        test_alloc_order(MODES[m]);
        test_upto(MODES[m]);
    }
    test_alloc_enomem();
    test_alloc_corrupt();
    test_free_batch();
    test_stride();
    return test_summary();
}

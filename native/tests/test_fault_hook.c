/*
 * test_fault_hook.c - the out-of-memory injection hook of slabbin_core_faults (slabbin_faults.h):
 * the armed allocation fails with SLABBIN_ENOMEM, the allocator is left exactly as before (stats
 * and slabbin_validate()), the attempt count is exact, and disarming restores normal service.
 * The exhaustive walk over every allocation point of every API path is test_faults.c.
 */
#include "slabbin_faults.h"
#include "test_util.h"

static void test_create_fails(void) {
    slabbin_t *a = (slabbin_t *)&a;
    slabbin_fault_arm(1);
    CHECK_RC(slabbin_create(&a, 24, 8, 16, 0), SLABBIN_ENOMEM);
    CHECK_PTR(a, NULL);
    CHECK_EQ_U(slabbin_fault_count(), 1);
    CHECK_RC(slabbin_create(&a, 24, 8, 16, 0), SLABBIN_OK);   /* only the armed one fails */
    CHECK_EQ_U(slabbin_fault_count(), 2);
    slabbin_destroy(a);
    slabbin_fault_arm(0);
}

/* The first allocation reserves a slab: each of its system allocations fails in turn. */
static void test_first_alloc_each_point(unsigned flags) {
    slabbin_t *a = NULL;
    slabbin_fault_arm(0);
    REQUIRE_RC(slabbin_create(&a, 24, 8, 16, flags), SLABBIN_OK);
    slabbin_stats_t before = t_stats(a);
    uint64_t n = 1;
    void *p = NULL;
    for (;; n++) {
        slabbin_fault_arm(n);
        int rc = slabbin_alloc(a, &p);
        uint64_t tried = slabbin_fault_count();
        if (rc == SLABBIN_OK) {
            CHECK(tried < n);                          /* never reached the armed one */
            break;
        }
        CHECK_RC(rc, SLABBIN_ENOMEM);
        CHECK_EQ_U(tried, n);                          /* stopped at the failed one */
        slabbin_stats_t after = t_stats(a);
        CHECK(t_stats_equal(&before, &after));
        CHECK_VALID(a);
        if (n > 20) break;
    }
    CHECK(n > 1);                                      /* at least one point failed */
    CHECK(n <= 20);
    slabbin_fault_arm(0);
    CHECK_EQ_U(t_stats(a).live_slots, 1);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* trim's temporary arrays: a failure releases nothing and changes nothing. */
static void test_trim_fails(void) {
    slabbin_t *a = NULL;
    slabbin_fault_arm(0);
    REQUIRE_RC(slabbin_create(&a, 24, 8, 4, 0), SLABBIN_OK);
    void *p[8];
    CHECK_RC(slabbin_alloc_batch(a, p, 8), SLABBIN_OK);
    CHECK_RC(slabbin_free_batch(a, p + 4, 4, NULL), SLABBIN_OK);
    for (uint64_t n = 1; n <= 2; n++) {
        slabbin_fault_arm(n);
        CHECK_EQ_U(slabbin_trim(a), 0);
        CHECK_EQ_U(t_stats(a).slab_count, 2);
        CHECK_VALID(a);
    }
    slabbin_fault_arm(0);
    CHECK_EQ_U(slabbin_trim(a), 4 * 24);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* Releasing slabs never needs a larger owner table: for every slab count, trim with each of its
 * allocations failing in turn leaves a valid allocator, then succeeds. */
static void test_trim_every_point(void) {
    for (size_t nslabs = 2; nslabs <= 40; nslabs++) {
        slabbin_t *a = NULL;
        slabbin_fault_arm(0);
        REQUIRE_RC(slabbin_create(&a, 24, 8, 4, 0), SLABBIN_OK);
        void *p[160];
        for (size_t i = 0; i < 4 * nslabs; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        CHECK_RC(slabbin_free_batch(a, p + 4, 4, NULL), SLABBIN_OK);   /* slab 1 empty */
        for (uint64_t n = 1;; n++) {
            slabbin_fault_arm(n);
            size_t got = slabbin_trim(a);
            uint64_t tried = slabbin_fault_count();
            CHECK_VALID(a);
            if (tried < n) {
                CHECK_EQ_U(got, 4 * 24);
                break;
            }
            CHECK_EQ_U(got, 0);
            CHECK_EQ_U(t_stats(a).slab_count, nslabs);
            if (n > 10) break;
        }
        CHECK_EQ_U(t_stats(a).slab_count, nslabs - 1);
        slabbin_fault_arm(0);
        slabbin_destroy(a);
    }
}

int main(void) {
    test_create_fails();
    test_first_alloc_each_point(0);
    test_first_alloc_each_point(SLABBIN_UNCHECKED);
    test_first_alloc_each_point(SLABBIN_DEBUG);
    test_trim_fails();
    test_trim_every_point();
    return test_summary();
}

/*
 * test_growth_faults.c - slab growth under out-of-memory (slabbin_core_faults, slabbin_faults.h).
 * Creating an allocator with growth and allocating across several growth steps, with each system
 * allocation of the run failing in turn, fails cleanly at every point: SLABBIN_ENOMEM, nothing
 * changed (statistics and slabbin_validate()); and once the faults stop, growth resumes with the
 * very capacities it would have had: a failed reservation skips no step of the sequence. The same
 * for one batch across growth steps, and for the first slab reserved after a trim.
 */
#include "slabbin_faults.h"
#include "test_util.h"

/* Slabs of 1, 2, 4, 8, 16 and 16 slots; N fills the first five and 9 slots of the sixth. */
enum { SZ = 24, AL = 8, ST = 24, CAP = 16, INIT = 1, SLABS = 6, N = 1 + 2 + 4 + 8 + 16 + 9 };

/* Upper bound of the fault points of one run: a slab needs its header and its memory, plus the
 * growth of slabs[] and of the owner table now and then. */
enum { MAX_POINTS = 4 * SLABS + 4 };

/* With the faults off: allocates slots p[have..N), then checks every slab against the growth
 * sequence, frees everything and trims it all. */
static void finish(slabbin_t *a, void **p, size_t have) {
    slabbin_fault_arm(0);
    for (size_t i = have; i < N; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_EQ_U(t_check_growth_runs(p, N, ST, INIT, CAP), SLABS);
    slabbin_stats_t s = t_stats(a);
    uint64_t slots = t_grown_slots(INIT, CAP, SLABS);
    CHECK_EQ_U(s.slab_count, SLABS);
    CHECK_EQ_U(s.reserved_slots, slots);
    CHECK_EQ_U(s.peak_reserved_bytes, slots * ST);
    CHECK_EQ_U(s.live_slots, N);
    CHECK_VALID(a);
    CHECK_RC(slabbin_free_batch(a, p, N, NULL), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), slots * ST);
    CHECK_VALID(a);
}

/* Create, then N single allocations; fault point n of the whole run fails. */
static void test_singles(unsigned flags) {
    uint64_t n = 1;
    for (;; n++) {
        slabbin_t *a = (slabbin_t *)&a;
        slabbin_fault_arm(n);
        int rc = t_create_growing(&a, SZ, AL, CAP, INIT, flags);
        if (rc != SLABBIN_OK) {
            CHECK_RC(rc, SLABBIN_ENOMEM);
            CHECK_PTR(a, NULL);
            CHECK_EQ_U(slabbin_fault_count(), n);
            continue;
        }
        void *p[N];
        size_t i = 0;
        for (; i < N; i++) {
            slabbin_stats_t before = t_stats(a);
            rc = slabbin_alloc(a, &p[i]);
            if (rc == SLABBIN_OK) continue;
            CHECK_RC(rc, SLABBIN_ENOMEM);
            CHECK_EQ_U(slabbin_fault_count(), n);
            slabbin_stats_t after = t_stats(a);
            CHECK(t_stats_equal(&before, &after));
            CHECK_VALID(a);
            break;
        }
        uint64_t tried = slabbin_fault_count();
        finish(a, p, i);
        slabbin_destroy(a);
        if (i == N) {                                  /* the run never reached point n */
            CHECK(tried < n);
            break;
        }
        if (n > MAX_POINTS) break;
    }
    CHECK(n > 2 * SLABS);                              /* header and memory of every slab */
    CHECK(n <= MAX_POINTS);
}

/* One slot, then one batch of N - 1 across five growth steps; fault point n of the batch fails. */
static void test_batch(unsigned flags) {
    uint64_t n = 1;
    for (;; n++) {
        slabbin_t *a = NULL;
        slabbin_fault_arm(0);
        REQUIRE_RC(t_create_growing(&a, SZ, AL, CAP, INIT, flags), SLABBIN_OK);
        void *p[N];
        CHECK_RC(slabbin_alloc(a, &p[0]), SLABBIN_OK);
        slabbin_stats_t before = t_stats(a);
        slabbin_fault_arm(n);
        int rc = slabbin_alloc_batch(a, p + 1, N - 1);
        uint64_t tried = slabbin_fault_count();
        if (rc == SLABBIN_OK) {
            CHECK(tried < n);
            finish(a, p, N);
            slabbin_destroy(a);
            break;
        }
        CHECK_RC(rc, SLABBIN_ENOMEM);
        CHECK_EQ_U(tried, n);
        slabbin_stats_t after = t_stats(a);
        CHECK(t_stats_equal(&before, &after));
        CHECK_VALID(a);
        finish(a, p, 1);
        slabbin_destroy(a);
        if (n > MAX_POINTS) break;
    }
    CHECK(n > 2 * (SLABS - 1));
    CHECK(n <= MAX_POINTS);
}

/* After a trim kept the slab of 8: the next slab (16 slots) fails at each of its points in turn,
 * leaving the allocator as it was, then comes with 16 slots. */
static void test_regrow_after_trim(unsigned flags) {
    slabbin_t *a = NULL;
    slabbin_fault_arm(0);
    REQUIRE_RC(t_create_growing(&a, SZ, AL, CAP, INIT, flags), SLABBIN_OK);
    void *p[15], *q = NULL;
    for (int i = 0; i < 15; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    for (int i = 0; i < 7; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 7 * ST);
    slabbin_stats_t before = t_stats(a);
    uint64_t n = 1;
    for (;; n++) {
        slabbin_fault_arm(n);
        int rc = slabbin_alloc(a, &q);
        if (rc == SLABBIN_OK) {
            CHECK(slabbin_fault_count() < n);
            break;
        }
        CHECK_RC(rc, SLABBIN_ENOMEM);
        slabbin_stats_t after = t_stats(a);
        CHECK(t_stats_equal(&before, &after));
        CHECK_VALID(a);
        if (n > MAX_POINTS) break;
    }
    slabbin_fault_arm(0);
    CHECK(n > 2);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK_EQ_U(t_stats(a).reserved_slots, 8 + 16);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

int main(void) {
    static const unsigned modes[3] = {0u, SLABBIN_UNCHECKED, SLABBIN_DEBUG};
    for (int m = 0; m < 3; m++) {
        test_singles(modes[m]);
        test_batch(modes[m]);
        test_regrow_after_trim(modes[m]);
    }
    return test_summary();
}

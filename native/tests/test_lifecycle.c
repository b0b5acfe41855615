/*
 * test_lifecycle.c - reset, trim, batch allocation and freeing, the reserve limit; each in checked
 * and unchecked mode.
 */
#include "test_util.h"

static const unsigned MODES[2] = {0u, SLABBIN_UNCHECKED};

/* reset: every slot free, slabs kept, then the bump walks the kept slabs in reservation order. */
static void test_reset(unsigned flags) {
    enum { CAP = 3, N = 8, SZ = 48, AL = 16, ST = 48 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, flags), SLABBIN_OK);
    void *first[N];
    for (int i = 0; i < N; i++) CHECK_RC(slabbin_alloc(a, &first[i]), SLABBIN_OK);
    /* disturb the free list before the reset; it must not matter afterwards */
    CHECK_RC(slabbin_free(a, first[1]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, first[6]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, first[4]), SLABBIN_OK);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 3);
    CHECK_EQ_U(s.live_slots, 5);

    slabbin_reset(a);
    s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 3);
    CHECK_EQ_U(s.reserved_bytes, 3 * CAP * ST);
    CHECK_EQ_U(s.live_slots, 0);
    CHECK_EQ_U(s.peak_live_slots, N);
    if (flags == 0) {
        for (int i = 0; i < N; i++) CHECK_EQ(slabbin_is_allocated(a, first[i]), 0);
    }

    /* the first run's addresses, in order, then the rest of the last kept slab */
    for (int i = 0; i < N; i++) {
        void *p = NULL;
        CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
        CHECK_PTR(p, first[i]);
        CHECK_EQ_U(t_stats(a).slab_count, 3);
    }
    void *p = NULL;
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, t_off(first[N - 1], ST));
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);   /* only now a new slab */
    CHECK_EQ_U(t_stats(a).slab_count, 4);
    CHECK_EQ_U(t_stats(a).live_slots, N + 2);
    for (int i = 0; i < N; i++) CHECK(p != first[i]);

    /* reset twice in a row, and a batch walks the kept slabs just the same */
    slabbin_reset(a);
    slabbin_reset(a);
    void *batch[N];
    CHECK_RC(slabbin_alloc_batch(a, batch, N), SLABBIN_OK);
    for (int i = 0; i < N; i++) CHECK_PTR(batch[i], first[i]);
    CHECK_EQ_U(t_stats(a).slab_count, 4);

    /* a freed slot is reused first after a reset too */
    CHECK_RC(slabbin_free(a, batch[2]), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, first[2]);
    slabbin_destroy(a);
}

/* trim: exactly the empty slabs go; the rest keep their live slots and free slots. */
static void test_trim_partial(unsigned flags) {
    enum { CAP = 4, SZ = 24, AL = 8, ST = 24 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, flags), SLABBIN_OK);
    void *p[10];
    for (int i = 0; i < 10; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        t_fill(p[i], SZ, (uint32_t)i);
    }
    /* slab 0 = p0..p3, slab 1 = p4..p7, slab 2 = p8, p9 + two never-used slots */
    for (int i = 4; i < 8; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[1]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_EQ_U(slabbin_trim(a), 1 * CAP * ST);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 2);
    CHECK_EQ_U(s.reserved_bytes, 2 * CAP * ST);
    CHECK_EQ_U(s.live_slots, 5);
    static const int keep[] = {0, 2, 3, 8, 9};
    for (size_t k = 0; k < 5; k++) {
        int i = keep[k];
        CHECK(t_verify(p[i], SZ, (uint32_t)i));
        CHECK_RC(slabbin_check(a, p[i]), SLABBIN_OK);
    }
    CHECK_RC(slabbin_check(a, p[5]), SLABBIN_EFOREIGN);   /* its slab is gone */
    CHECK_EQ_U(slabbin_trim(a), 0);                        /* nothing more to release */
    /* the remaining free slot, then the rest of slab 2, then a new slab */
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[1]);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, t_off(p[9], ST));
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, t_off(p[9], 2 * ST));
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_EQ_U(t_stats(a).live_slots, 9);
    /* LIFO holds after a trim */
    CHECK_RC(slabbin_free(a, p[8]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
    void *r = NULL;
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK_PTR(r, p[0]);
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK_PTR(r, p[8]);
    slabbin_destroy(a);
}

/* trim releases the bump slab when it is empty; allocation then reserves a fresh one. */
static void test_trim_bump_slab(unsigned flags) {
    enum { CAP = 4, ST = 16 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 16, 16, CAP, flags), SLABBIN_OK);
    void *p[6];
    for (int i = 0; i < 6; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[4]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[5]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[2]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), CAP * ST);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[2]);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);   /* slab 0 is full: a new slab */
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK((uintptr_t)q - (uintptr_t)p[0] >= (uintptr_t)CAP * ST);
    void *r = NULL;
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK_PTR(r, t_off(q, ST));
    CHECK_EQ_U(t_stats(a).live_slots, 6);
    slabbin_destroy(a);
}

/* trim with nothing allocated, after freeing everything, twice, and after a reset. */
static void test_trim_all(unsigned flags) {
    enum { CAP = 5, ST = 64 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 64, 64, CAP, flags), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 0);
    void *p[13];
    for (int i = 0; i < 13; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 0);   /* every slab holds live slots */
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    for (int i = 12; i >= 0; i--) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 3 * CAP * ST);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 0);
    CHECK_EQ_U(s.reserved_bytes, 0);
    CHECK_EQ_U(s.live_slots, 0);
    CHECK_EQ_U(s.peak_live_slots, 13);
    CHECK_EQ_U(slabbin_trim(a), 0);
    /* usable again: bumps through a fresh slab */
    void *q[7];
    for (int i = 0; i < 7; i++) {
        CHECK_RC(slabbin_alloc(a, &q[i]), SLABBIN_OK);
        CHECK(t_aligned(q[i], 64));
        if (i % CAP != 0) CHECK_PTR(q[i], t_off(q[i - 1], ST));
    }
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    slabbin_reset(a);
    CHECK_EQ_U(slabbin_trim(a), 2 * CAP * ST);
    CHECK_EQ_U(t_stats(a).slab_count, 0);
    CHECK_EQ_U(slabbin_trim(a), 0);
    /* reset, then partly refill: only the slabs the bump has not reached are empty */
    for (int i = 0; i < 12; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    slabbin_reset(a);
    for (int i = 0; i < 6; i++) CHECK_RC(slabbin_alloc(a, &q[i]), SLABBIN_OK);
    CHECK_PTR(q[5], p[5]);
    CHECK_EQ_U(slabbin_trim(a), 1 * CAP * ST);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    void *r = NULL;
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK_PTR(r, t_off(p[5], ST));
    slabbin_destroy(a);
}

/* Batch allocation behaves as the same number of single allocations. Two allocators get the same
 * operations; addresses are compared through the order in which each allocator first handed them
 * out. */
typedef struct {
    void *seen[512];
    size_t nseen;
} canon_t;

static long canon_id(canon_t *c, void *p) {
    for (size_t i = 0; i < c->nseen; i++) {
        if (c->seen[i] == p) return (long)i;
    }
    if (c->nseen == sizeof c->seen / sizeof c->seen[0]) return -1;
    c->seen[c->nseen] = p;
    return (long)c->nseen++;
}

static void test_batch_equivalence(unsigned flags) {
    enum { CAP = 7, SZ = 40, AL = 8 };
    slabbin_t *single = NULL, *batched = NULL;
    REQUIRE_RC(slabbin_create(&single, SZ, AL, CAP, flags), SLABBIN_OK);
    REQUIRE_RC(slabbin_create(&batched, SZ, AL, CAP, flags), SLABBIN_OK);
    canon_t cs, cb;
    cs.nseen = cb.nseen = 0;
    void *ls[256], *lb[256];   /* live slots, the same index in both */
    size_t n = 0;
    uint64_t rng = 99;
    static const size_t counts[] = {1, 3, 7, 0, 12, 2, 20, 5, 1, 9, 15, 4};
    for (size_t round = 0; round < 40; round++) {
        size_t count = counts[round % (sizeof counts / sizeof counts[0])];
        if (n + count > 256) count = 256 - n;
        void *got[32];
        for (size_t i = 0; i < count; i++) CHECK_RC(slabbin_alloc(single, &ls[n + i]), SLABBIN_OK);
        CHECK_RC(slabbin_alloc_batch(batched, got, count), SLABBIN_OK);
        for (size_t i = 0; i < count; i++) {
            lb[n + i] = got[i];
            CHECK_EQ(canon_id(&cb, lb[n + i]), canon_id(&cs, ls[n + i]));
        }
        n += count;
        slabbin_stats_t s1 = t_stats(single), s2 = t_stats(batched);
        CHECK_EQ_U(s1.slab_count, s2.slab_count);
        CHECK_EQ_U(s1.live_slots, s2.live_slots);
        CHECK_EQ_U(s1.peak_live_slots, s2.peak_live_slots);
        /* free a pseudo-random subset, the same in both, one by one */
        size_t nfree = n / 3;
        for (size_t k = 0; k < nfree; k++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;
            size_t j = (size_t)(rng >> 33) % n;
            CHECK_RC(slabbin_free(single, ls[j]), SLABBIN_OK);
            CHECK_RC(slabbin_free(batched, lb[j]), SLABBIN_OK);
            ls[j] = ls[n - 1];
            lb[j] = lb[n - 1];
            n--;
        }
        if (round == 17) {
            slabbin_reset(single);
            slabbin_reset(batched);
            n = 0;
        }
        if (round == 29) {
            size_t ts = slabbin_trim(single), tb = slabbin_trim(batched);
            CHECK_EQ_U(ts, tb);
            CHECK(ts > 0);   /* with this seed a slab is empty here */
            CHECK_EQ_U(t_stats(single).slab_count, t_stats(batched).slab_count);
            /* trim does not promise an order: restart the comparison from here */
            void *drain_s[256], *drain_b[256];
            size_t nd = 0;
            for (;;) {   /* drain every free slot of the kept slabs from both */
                slabbin_stats_t st = t_stats(single);
                if (st.live_slots == st.slab_count * CAP) break;
                CHECK_RC(slabbin_alloc(single, &drain_s[nd]), SLABBIN_OK);
                CHECK_RC(slabbin_alloc(batched, &drain_b[nd]), SLABBIN_OK);
                nd++;
            }
            for (size_t i = 0; i < nd; i++) {
                ls[n] = drain_s[i];
                lb[n] = drain_b[i];
                n++;
            }
            cs.nseen = cb.nseen = 0;
            for (size_t i = 0; i < n; i++) {
                canon_id(&cs, ls[i]);
                canon_id(&cb, lb[i]);
            }
        }
    }
    slabbin_destroy(single);
    slabbin_destroy(batched);
}

/* free_batch frees in order: the next allocations return the slots in reverse. */
static void test_free_batch_order(unsigned flags) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 32, 8, 4, flags), SLABBIN_OK);
    void *p[10];
    CHECK_RC(slabbin_alloc_batch(a, p, 10), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_EQ_U(t_stats(a).live_slots, 10);
    for (int i = 1; i < 10; i++) {
        if (i % 4 != 0) CHECK_PTR(p[i], t_off(p[i - 1], 32));
    }
    void *order[5] = {p[7], p[0], p[9], p[4], p[2]};
    size_t bad = 55;
    CHECK_RC(slabbin_free_batch(a, order, 5, &bad), SLABBIN_OK);
    CHECK_EQ_U(bad, 55);   /* untouched on success */
    CHECK_EQ_U(t_stats(a).live_slots, 5);
    if (flags == 0) {
        for (int i = 0; i < 5; i++) CHECK_EQ(slabbin_is_allocated(a, order[i]), 0);
    }
    for (int i = 4; i >= 0; i--) {
        void *q = NULL;
        CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
        CHECK_PTR(q, order[i]);
    }
    /* free_batch then alloc_batch round-trips in reverse */
    CHECK_RC(slabbin_free_batch(a, order, 5, NULL), SLABBIN_OK);
    void *back[5];
    CHECK_RC(slabbin_alloc_batch(a, back, 5), SLABBIN_OK);
    for (int i = 0; i < 5; i++) CHECK_PTR(back[i], order[4 - i]);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    /* everything at once */
    CHECK_RC(slabbin_free_batch(a, p, 10, NULL), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_RC(slabbin_free_batch(a, p, 0, NULL), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 3 * 4 * 32);
    slabbin_destroy(a);
}

/* alloc_batch is all or nothing under the reserve limit. */
static void test_batch_all_or_nothing(unsigned flags) {
    enum { CAP = 4, ST = 32 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 32, 32, CAP, flags), SLABBIN_OK);
    slabbin_set_reserve_limit(a, 2 * CAP * ST);
    void *p[3], *big[16];
    for (int i = 0; i < 3; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[1]), SLABBIN_OK);
    slabbin_stats_t before = t_stats(a);
    CHECK_RC(slabbin_alloc_batch(a, big, 2 + CAP + 1), SLABBIN_ENOMEM);   /* needs 3 slabs */
    CHECK_RC(slabbin_alloc_batch(a, big, 16), SLABBIN_ENOMEM);
    slabbin_stats_t after = t_stats(a);
    CHECK(t_stats_equal(&before, &after));
    CHECK_EQ_U(after.slab_count, 1);
    CHECK_EQ_U(after.live_slots, 2);
    /* the free list and the bump are as before */
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[1]);
    CHECK_RC(slabbin_free(a, q), SLABBIN_OK);
    /* exactly what fits */
    CHECK_RC(slabbin_alloc_batch(a, big, 2 + CAP), SLABBIN_OK);
    CHECK_PTR(big[0], p[1]);
    CHECK_PTR(big[1], t_off(p[2], ST));
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK_EQ_U(t_stats(a).live_slots, 2 + 2 + CAP);
    CHECK_RC(slabbin_alloc_batch(a, big + 8, 1), SLABBIN_ENOMEM);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    CHECK_EQ_U(t_stats(a).live_slots, 2 + 2 + CAP);
    /* no limit: grows */
    slabbin_set_reserve_limit(a, 0);
    CHECK_RC(slabbin_alloc_batch(a, big + 8, 8), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 4);
    slabbin_destroy(a);
}

/* The reserve limit: exactly two slabs fit, the third is refused, raising the limit helps. */
static void test_reserve_limit(unsigned flags) {
    enum { CAP = 3, ST = 104 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 100, 8, CAP, flags), SLABBIN_OK);
    slabbin_set_reserve_limit(a, 2 * CAP * ST);
    void *p[2 * CAP], *q = NULL;
    for (int i = 0; i < 2 * CAP; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).reserved_bytes, 2 * CAP * ST);
    slabbin_stats_t before = t_stats(a);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    CHECK_RC(slabbin_alloc_zeroed(a, &q), SLABBIN_ENOMEM);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    slabbin_stats_t after = t_stats(a);
    CHECK(t_stats_equal(&before, &after));
    /* still usable */
    CHECK_RC(slabbin_free(a, p[4]), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[4]);
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[5]), SLABBIN_OK);
    CHECK_RC(slabbin_alloc_zeroed(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[5]);
    CHECK(t_all_bytes(q, 100, 0));
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[0]);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    /* one byte short of a third slab: still refused */
    slabbin_set_reserve_limit(a, 3 * CAP * ST - 1);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    /* raised: grows by exactly one slab */
    slabbin_set_reserve_limit(a, 3 * CAP * ST);
    for (int i = 0; i < CAP; i++) CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    /* a limit below what is reserved keeps the slabs, refuses new ones */
    slabbin_set_reserve_limit(a, 1);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    /* trim frees room under the limit */
    slabbin_reset(a);
    CHECK_EQ_U(slabbin_trim(a), 3 * CAP * ST);
    slabbin_set_reserve_limit(a, CAP * ST);
    for (int i = 0; i < CAP; i++) CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    slabbin_set_reserve_limit(a, 0);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    slabbin_destroy(a);
}

/* alloc_upto: takes reserved free slots first, reserves a slab only when none is free. */
static void test_alloc_upto(unsigned flags) {
    enum { CAP = 8 };
    slabbin_t *a = NULL;
    CHECK_RC(slabbin_create(&a, 32, 16, CAP, flags), SLABBIN_OK);
    void *got[32];
    size_t n = 99;
    CHECK_RC(slabbin_alloc_upto(a, got, 0, &n), SLABBIN_OK);
    CHECK_EQ_U(n, 0);
    CHECK_RC(slabbin_alloc_upto(a, got, 4, NULL), SLABBIN_EINVAL);
    CHECK_RC(slabbin_alloc_upto(NULL, got, 4, &n), SLABBIN_EINVAL);

    CHECK_RC(slabbin_alloc_upto(a, got, 5, &n), SLABBIN_OK);        /* nothing free: one slab */
    CHECK_EQ_U(n, 5);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    CHECK_EQ_U(t_stats(a).live_slots, 5);
    for (size_t i = 1; i < 5; i++) CHECK_PTR(got[i], (char *)got[0] + i * 32);
    void *first = got[0];

    CHECK_RC(slabbin_alloc_upto(a, got, 10, &n), SLABBIN_OK);       /* 3 left in the slab */
    CHECK_EQ_U(n, 3);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    CHECK_PTR(got[0], (char *)first + 5 * 32);

    CHECK_RC(slabbin_alloc_upto(a, got, 4, &n), SLABBIN_OK);        /* full: a second slab */
    CHECK_EQ_U(n, 4);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    void *second = got[0];

    CHECK_RC(slabbin_free(a, first), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, (char *)first + 32), SLABBIN_OK);
    CHECK_RC(slabbin_alloc_upto(a, got, 10, &n), SLABBIN_OK);       /* 2 freed + 4 never used */
    CHECK_EQ_U(n, 6);
    CHECK_PTR(got[0], (char *)first + 32);                          /* LIFO first */
    CHECK_PTR(got[1], first);
    CHECK_PTR(got[2], (char *)second + 4 * 32);                     /* then the bump */
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK_EQ_U(t_stats(a).live_slots, 16);

    slabbin_set_reserve_limit(a, 2 * CAP * 32);                     /* no third slab */
    n = 7;
    CHECK_RC(slabbin_alloc_upto(a, got, 4, &n), SLABBIN_ENOMEM);
    CHECK_EQ_U(n, 0);
    CHECK_EQ_U(t_stats(a).live_slots, 16);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    slabbin_destroy(a);
}

int main(void) {
    for (size_t m = 0; m < 2; m++) {
        test_reset(MODES[m]);
        test_trim_partial(MODES[m]);
        test_trim_bump_slab(MODES[m]);
        test_trim_all(MODES[m]);
        test_batch_equivalence(MODES[m]);
        test_free_batch_order(MODES[m]);
        test_batch_all_or_nothing(MODES[m]);
        test_reserve_limit(MODES[m]);
        test_alloc_upto(MODES[m]);
    }
    return test_summary();
}

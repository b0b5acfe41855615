/*
 * test_growth.c - slab growth (slabbin_create_with() with an initial slab capacity below the slab
 * capacity): the options and their errors, the doubling sequence, reset reusing the slabs in order,
 * trim then regrowth (from the largest slab kept, from the initial capacity when none is), the
 * reserve limit, batches and alloc_upto across growth steps, the checks of checked mode and the
 * poisoning of debug mode on slabs of different sizes, and the owner lookup with many small slabs.
 * slabbin_validate() is called after every step that changes the slabs.
 */
#include "test_util.h"

static const unsigned MODES[3] = {0u, SLABBIN_UNCHECKED, SLABBIN_DEBUG};

/* Allocates n slots one by one into p[0..n). */
static void alloc_n(slabbin_t *a, void **p, size_t n) {
    for (size_t i = 0; i < n; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
}

/* ---- options ---------------------------------------------------------------------------- */

/* A create_with() that must fail: EINVAL and *out NULL. */
static void refused(const slabbin_options_t *o, int line) {
    slabbin_t *a = (slabbin_t *)&a;
    int rc = slabbin_create_with(&a, o);
    if (rc != SLABBIN_EINVAL || a != NULL) {
        fprintf(stderr, "    options of line %d were accepted\n", line);
    }
    CHECK_RC(rc, SLABBIN_EINVAL);
    CHECK_PTR(a, NULL);
}

static void test_options(void) {
    slabbin_options_t o;
    memset(&o, 0x5A, sizeof o);
    slabbin_options_init(&o, 24, 8, 100);
    CHECK_EQ_U(o.struct_size, sizeof o);
    CHECK_EQ_U(o.slot_size, 24);
    CHECK_EQ_U(o.slot_alignment, 8);
    CHECK_EQ_U(o.slab_capacity, 100);
    CHECK_EQ_U(o.initial_slab_capacity, 100);
    CHECK_EQ_U(o.flags, 0);
    CHECK_EQ_U(o.reserve_limit, 0);
    slabbin_options_init(NULL, 24, 8, 100);                     /* ignored */

    CHECK_RC(slabbin_create_with(NULL, &o), SLABBIN_EINVAL);
    refused(NULL, __LINE__);
    slabbin_options_t bad = o;
    bad.initial_slab_capacity = 0;
    refused(&bad, __LINE__);
    bad.initial_slab_capacity = 101;
    refused(&bad, __LINE__);
    bad = o;
    bad.slab_capacity = 0;
    bad.initial_slab_capacity = 0;
    refused(&bad, __LINE__);
    bad = o;
    bad.slot_size = 0;
    refused(&bad, __LINE__);
    bad = o;
    bad.slot_alignment = 12;
    refused(&bad, __LINE__);
    bad = o;
    bad.flags = SLABBIN_UNCHECKED | SLABBIN_DEBUG;
    refused(&bad, __LINE__);
    bad.flags = 4u;
    refused(&bad, __LINE__);
    bad = o;
    bad.slab_capacity = (size_t)PTRDIFF_MAX / 24 + 1;           /* slab bytes overflow */
    bad.initial_slab_capacity = 1;
    refused(&bad, __LINE__);
    bad = o;
    bad.struct_size = 0;
    refused(&bad, __LINE__);
    bad.struct_size = sizeof o - 1;
    refused(&bad, __LINE__);

    /* a caller that knows a later, larger version: accepted while its extra bytes are 0 */
    struct {
        slabbin_options_t v1;
        uint64_t later[2];
    } big;
    memset(&big, 0, sizeof big);
    big.v1 = o;
    big.v1.struct_size = sizeof big;
    big.v1.initial_slab_capacity = 3;
    slabbin_t *a = NULL;
    CHECK_RC(slabbin_create_with(&a, &big.v1), SLABBIN_OK);
    void *p = NULL;
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).reserved_slots, 3);
    CHECK_EQ_U(t_stats(a).initial_slab_capacity, 3);
    slabbin_destroy(a);
    big.later[1] = 1;                                            /* an option it does not know */
    refused(&big.v1, __LINE__);

    /* initial == capacity is slabbin_create(): the same statistics after the same calls */
    slabbin_t *x = NULL, *y = NULL;
    REQUIRE_RC(slabbin_create_with(&x, &o), SLABBIN_OK);
    REQUIRE_RC(slabbin_create(&y, 24, 8, 100, 0), SLABBIN_OK);
    void *px[150], *py[150];
    alloc_n(x, px, 150);
    alloc_n(y, py, 150);
    for (size_t i = 1; i < 100; i++) CHECK_PTR(px[i], t_off(px[0], i * 24));
    slabbin_stats_t sx = t_stats(x), sy = t_stats(y);
    CHECK(t_stats_equal(&sx, &sy));
    CHECK_EQ_U(sx.slab_count, 2);
    CHECK_EQ_U(sx.initial_slab_capacity, 100);
    CHECK_EQ_U(sx.reserved_slots, 200);
    CHECK_EQ_U(sx.reserved_bytes, 200 * 24);
    CHECK_EQ_U(sx.peak_reserved_bytes, 200 * 24);
    slabbin_destroy(x);
    slabbin_destroy(y);
}

/* ---- the doubling sequence ---------------------------------------------------------------- */

/* Slot by slot: a slab is reserved exactly when the previous ones are full, with the next
 * capacity of the sequence; the statistics are exact after every allocation. */
static void doubling_case(size_t size, size_t align, size_t cap, size_t init, unsigned flags) {
    size_t stride = t_ref_stride(size, align);
    slabbin_t *a = NULL;
    REQUIRE_RC(t_create_growing(&a, size, align, cap, init, flags), SLABBIN_OK);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 0);                                /* nothing before the first */
    CHECK_EQ_U(s.reserved_bytes, 0);
    CHECK_EQ_U(s.initial_slab_capacity, init);
    CHECK_EQ_U(s.slab_capacity, cap);
    enum { SLABS = 9 };
    size_t n = t_grown_slots(init, cap, SLABS);
    void **p = malloc(n * sizeof *p);
    REQUIRE(p != NULL);
    size_t slabs = 0, slots = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == slots) slots += t_grown_capacity(init, cap, slabs++);
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        CHECK(t_aligned(p[i], align));
        s = t_stats(a);
        CHECK_EQ_U(s.slab_count, slabs);
        CHECK_EQ_U(s.reserved_slots, slots);
        CHECK_EQ_U(s.reserved_bytes, slots * stride);
        CHECK_EQ_U(s.peak_reserved_bytes, slots * stride);
        CHECK_EQ_U(s.live_slots, i + 1);
    }
    CHECK_VALID(a);
    CHECK_EQ_U(t_check_growth_runs(p, n, stride, init, cap), SLABS);
    for (size_t i = 0; i < n; i++) CHECK_RC(slabbin_check(a, p[i]), SLABBIN_OK);
    free(p);
    slabbin_destroy(a);
}

static void test_doubling(void) {
    for (int m = 0; m < 3; m++) {
        doubling_case(16, 16, 20, 1, MODES[m]);   /* 1 2 4 8 16 20 20 20 20 */
        doubling_case(9, 1, 13, 3, MODES[m]);     /* 3 6 12 13 ... (stride 9) */
        doubling_case(24, 8, 20, 19, MODES[m]);   /* 19 20 ... */
        doubling_case(100, 64, 7, 7, MODES[m]);   /* no growth */
        doubling_case(1, 1, 1, 1, MODES[m]);
        doubling_case(8, 4096, 200, 1, MODES[m]); /* stride 4096 */
    }
}

/* ---- reset ---------------------------------------------------------------------------------- */

/* reset keeps every slab; the bump walks them again in reservation order, each to its own
 * capacity, and reserves a slab (of the next capacity) only after the last kept one. */
static void test_reset_order(unsigned flags) {
    enum { SZ = 48, AL = 16, ST = 48, CAP = 8, INIT = 2, N = 2 + 4 + 8 + 3 };
    slabbin_t *a = NULL;
    REQUIRE_RC(t_create_growing(&a, SZ, AL, CAP, INIT, flags), SLABBIN_OK);
    void *first[N], *again[N], *q = NULL;
    alloc_n(a, first, N);
    CHECK_EQ_U(t_check_growth_runs(first, N, ST, INIT, CAP), 4);
    CHECK_RC(slabbin_free(a, first[1]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, first[9]), SLABBIN_OK);
    slabbin_reset(a);
    CHECK_VALID(a);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 4);
    CHECK_EQ_U(s.reserved_slots, 2 + 4 + 8 + 8);
    CHECK_EQ_U(s.live_slots, 0);
    alloc_n(a, again, N);
    for (int i = 0; i < N; i++) CHECK_PTR(again[i], first[i]);
    for (int i = 3; i < CAP; i++) {                 /* the rest of the last kept slab */
        CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
        CHECK_PTR(q, t_off(first[N - 1], (size_t)(i - 2) * ST));
    }
    CHECK_EQ_U(t_stats(a).slab_count, 4);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);   /* only now a new slab, of the capacity */
    CHECK_EQ_U(t_stats(a).slab_count, 5);
    CHECK_EQ_U(t_stats(a).reserved_slots, 2 + 4 + 8 + 8 + 8);
    CHECK_VALID(a);
    /* a batch after a reset walks the kept slabs the same way */
    slabbin_reset(a);
    CHECK_RC(slabbin_alloc_batch(a, again, N), SLABBIN_OK);
    for (int i = 0; i < N; i++) CHECK_PTR(again[i], first[i]);
    CHECK_EQ_U(t_stats(a).slab_count, 5);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* ---- trim, then growth again ------------------------------------------------------------- */

static void test_trim_regrow(unsigned flags) {
    enum { SZ = 24, AL = 8, ST = 24 };
    slabbin_t *a = NULL;
    void *p[64], *q[64];

    /* slabs 1 2 4 8; the three small ones emptied: growth continues from the 8 kept */
    REQUIRE_RC(t_create_growing(&a, SZ, AL, 64, 1, flags), SLABBIN_OK);
    alloc_n(a, p, 15);
    for (int i = 0; i < 7; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 7 * ST);
    CHECK_VALID(a);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 1);
    CHECK_EQ_U(s.reserved_slots, 8);
    CHECK_EQ_U(s.reserved_bytes, 8 * ST);
    CHECK_EQ_U(s.peak_reserved_bytes, 15 * ST);
    alloc_n(a, q, 17);                              /* a slab of 16, then one of 32 */
    for (int i = 1; i < 16; i++) CHECK_PTR(q[i], t_off(q[0], (size_t)i * ST));
    s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 3);
    CHECK_EQ_U(s.reserved_slots, 8 + 16 + 32);
    CHECK_EQ_U(s.peak_reserved_bytes, 56 * ST);
    for (int i = 7; i < 15; i++) CHECK_RC(slabbin_check(a, p[i]), SLABBIN_OK);
    CHECK_VALID(a);

    /* everything free: trim releases every slab, and growth starts from the initial capacity */
    for (int i = 7; i < 15; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    for (int i = 0; i < 17; i++) CHECK_RC(slabbin_free(a, q[i]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 56 * ST);
    CHECK_EQ_U(t_stats(a).slab_count, 0);
    CHECK_VALID(a);
    alloc_n(a, q, 3);
    CHECK_EQ_U(t_check_growth_runs(q, 3, ST, 1, 64), 2);
    CHECK_EQ_U(t_stats(a).reserved_slots, 1 + 2);
    CHECK_EQ_U(t_stats(a).peak_reserved_bytes, 56 * ST);
    slabbin_destroy(a);

    /* slabs 2 4 8; the two larger emptied, the first kept: growth continues from 2 (the largest
     * kept), so the next slabs hold 4 and 8 again */
    REQUIRE_RC(t_create_growing(&a, SZ, AL, 64, 2, flags), SLABBIN_OK);
    alloc_n(a, p, 14);
    for (int i = 2; i < 14; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 12 * ST);
    CHECK_VALID(a);
    CHECK_EQ_U(t_stats(a).reserved_slots, 2);
    alloc_n(a, q, 5);                               /* the kept slab is full: 4, then 8 */
    for (int i = 1; i < 4; i++) CHECK_PTR(q[i], t_off(q[0], (size_t)i * ST));
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_EQ_U(t_stats(a).reserved_slots, 2 + 4 + 8);
    CHECK_VALID(a);

    /* a kept bump slab keeps its never-used slots: bumping resumes in it */
    CHECK_RC(slabbin_free(a, q[4]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, q[0]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 8 * ST);            /* the slab of 8 had only q[4] */
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    void *r = NULL;
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK_PTR(r, q[0]);                             /* the one free slot first */
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).reserved_slots, 2 + 4 + 8);   /* then a new slab of 8 */
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* ---- the reserve limit ------------------------------------------------------------------ */

/* The next slab is refused when it would cross the limit, even if a smaller one would fit; a
 * refused allocation, batch or upto changes nothing. The limit comes from the options here. */
static void test_reserve_limit(unsigned flags) {
    enum { SZ = 16, AL = 16, ST = 16 };
    slabbin_options_t o;
    slabbin_options_init(&o, SZ, AL, 8);
    o.initial_slab_capacity = 1;
    o.flags = flags;
    o.reserve_limit = (1 + 2 + 4) * ST + 4 * ST;    /* room for 4 more slots, not for 8 */
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create_with(&a, &o), SLABBIN_OK);
    void *p[32], *q = NULL;
    alloc_n(a, p, 7);
    slabbin_stats_t before = t_stats(a);
    CHECK_EQ_U(before.reserved_bytes, 7 * ST);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    CHECK_RC(slabbin_alloc_batch(a, p + 7, 1), SLABBIN_ENOMEM);
    size_t n = 9;
    CHECK_RC(slabbin_alloc_upto(a, p + 7, 4, &n), SLABBIN_ENOMEM);
    CHECK_EQ_U(n, 0);
    slabbin_stats_t after = t_stats(a);
    CHECK(t_stats_equal(&before, &after));
    CHECK_VALID(a);

    slabbin_set_reserve_limit(a, (7 + 8) * ST);     /* exactly the slab of 8 */
    CHECK_RC(slabbin_alloc(a, &p[7]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).reserved_slots, 15);
    /* 7 slots left in that slab; a batch of 16 needs two more slabs of 8 but one fits */
    slabbin_set_reserve_limit(a, (15 + 8) * ST);
    before = t_stats(a);
    CHECK_RC(slabbin_alloc_batch(a, p + 8, 16), SLABBIN_ENOMEM);
    after = t_stats(a);
    CHECK(t_stats_equal(&before, &after));
    CHECK_VALID(a);
    CHECK_RC(slabbin_alloc_batch(a, p + 8, 15), SLABBIN_OK);   /* one more slab: fits */
    CHECK_EQ_U(t_stats(a).reserved_slots, 23);
    CHECK_EQ_U(t_stats(a).live_slots, 23);
    CHECK_VALID(a);
    slabbin_destroy(a);

    /* a limit below the first slab refuses even that */
    slabbin_options_init(&o, SZ, AL, 8);
    o.initial_slab_capacity = 2;
    o.flags = flags;
    o.reserve_limit = 2 * ST - 1;
    REQUIRE_RC(slabbin_create_with(&a, &o), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ENOMEM);
    CHECK_EQ_U(t_stats(a).slab_count, 0);
    CHECK_EQ_U(t_stats(a).peak_reserved_bytes, 0);
    slabbin_set_reserve_limit(a, 2 * ST);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* ---- batches and alloc_upto --------------------------------------------------------------- */

static void test_batches(unsigned flags) {
    enum { SZ = 32, AL = 16, ST = 32 };
    slabbin_t *a = NULL;
    void *p[64];
    /* one batch across growth steps: the slabs and slots singles would give */
    REQUIRE_RC(t_create_growing(&a, SZ, AL, 8, 1, flags), SLABBIN_OK);
    CHECK_RC(slabbin_alloc_batch(a, p, 20), SLABBIN_OK);
    CHECK_EQ_U(t_check_growth_runs(p, 20, ST, 1, 8), 5);        /* 1 2 4 8 and 5 of 8 */
    CHECK_EQ_U(t_stats(a).slab_count, 5);
    CHECK_EQ_U(t_stats(a).reserved_slots, 23);
    CHECK_EQ_U(t_stats(a).peak_reserved_bytes, 23 * ST);
    CHECK_VALID(a);
    CHECK_RC(slabbin_alloc_batch(a, p + 20, 3), SLABBIN_OK);    /* the bump slab's rest */
    CHECK_PTR(p[20], t_off(p[19], ST));
    CHECK_EQ_U(t_stats(a).slab_count, 5);
    CHECK_RC(slabbin_free_batch(a, p, 23, NULL), SLABBIN_OK);
    CHECK_VALID(a);
    slabbin_destroy(a);

    /* exactly the first slabs' slots: no slab more */
    REQUIRE_RC(t_create_growing(&a, SZ, AL, 64, 1, flags), SLABBIN_OK);
    CHECK_RC(slabbin_alloc_batch(a, p, 7), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_EQ_U(t_check_growth_runs(p, 7, ST, 1, 64), 3);
    slabbin_destroy(a);

    /* alloc_upto reserves one slab when nothing is free and takes that slab's capacity */
    REQUIRE_RC(t_create_growing(&a, SZ, AL, 16, 1, flags), SLABBIN_OK);
    size_t n = 0;
    size_t expect[] = {1, 2, 4};
    for (size_t k = 0; k < 3; k++) {
        CHECK_RC(slabbin_alloc_upto(a, p, 64, &n), SLABBIN_OK);
        CHECK_EQ_U(n, expect[k]);
        CHECK_EQ_U(t_stats(a).slab_count, k + 1);
    }
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[3]), SLABBIN_OK);
    void *r[64];
    CHECK_RC(slabbin_alloc_upto(a, r, 64, &n), SLABBIN_OK);     /* the 2 free ones, LIFO */
    CHECK_EQ_U(n, 2);
    CHECK_PTR(r[0], p[3]);
    CHECK_PTR(r[1], p[0]);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_RC(slabbin_alloc_upto(a, r, 3, &n), SLABBIN_OK);      /* 3 of a new slab of 8 */
    CHECK_EQ_U(n, 3);
    CHECK_EQ_U(t_stats(a).reserved_slots, 1 + 2 + 4 + 8);
    CHECK_RC(slabbin_alloc_upto(a, r + 3, 64, &n), SLABBIN_OK); /* its other 5 */
    CHECK_EQ_U(n, 5);
    for (int i = 1; i < 8; i++) CHECK_PTR(r[i], t_off(r[0], (size_t)i * ST));
    CHECK_EQ_U(t_stats(a).slab_count, 4);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* ---- checked mode on slabs of different sizes --------------------------------------------- */

/* Whether address u lies in one of the slabs (base slots[first[k]], caps[k] slots). */
static int in_some_slab(void *const *p, const size_t *first, const size_t *caps, size_t nslabs,
                        uintptr_t u, size_t stride) {
    for (size_t k = 0; k < nslabs; k++) {
        uintptr_t b = (uintptr_t)p[first[k]];
        if (u - b < caps[k] * stride) return 1;
    }
    return 0;
}

static void test_checked(void) {
    enum { SZ = 32, AL = 16, ST = 32, N = 1 + 2 + 4 + 8 + 16 + 5 };
    slabbin_t *a = NULL;
    REQUIRE_RC(t_create_growing(&a, SZ, AL, 32, 1, 0), SLABBIN_OK);
    void *p[N];
    alloc_n(a, p, N);
    size_t caps[6], first[6], nslabs = 6;
    for (size_t k = 0, i = 0; k < nslabs; k++) {
        caps[k] = t_grown_capacity(1, 32, k);
        first[k] = i;
        i += caps[k];
    }
    /* every slab: slot starts, interiors, one past its end, just before it */
    for (size_t k = 0; k < nslabs; k++) {
        unsigned char *b = p[first[k]];
        for (size_t j = 0; j < caps[k]; j++) {
            size_t i = first[k] + j;
            if (i < N) {
                CHECK_RC(slabbin_check(a, b + j * ST), SLABBIN_OK);
            } else {
                CHECK_RC(slabbin_check(a, b + j * ST), SLABBIN_EDOUBLEFREE);   /* never used */
            }
            CHECK_RC(slabbin_check(a, b + j * ST + 1), SLABBIN_EINTERIOR);
            CHECK_RC(slabbin_check(a, b + j * ST + ST - 1), SLABBIN_EINTERIOR);
        }
        void *edge[2] = {b + caps[k] * ST, b - 1};
        for (int e = 0; e < 2; e++) {
            if (in_some_slab(p, first, caps, nslabs, (uintptr_t)edge[e], ST)) continue;
            CHECK_RC(slabbin_check(a, edge[e]), SLABBIN_EFOREIGN);
            CHECK_RC(slabbin_free(a, edge[e]), SLABBIN_EFOREIGN);
        }
    }
    /* a double free in the smallest slab, however many calls later */
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
    for (size_t i = 20; i < 30; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    for (size_t i = 20; i < 30; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    slabbin_stats_t before = t_stats(a);
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_EDOUBLEFREE);
    void *batch[3] = {p[5], p[17], p[5]};           /* slabs of 4 and 16: repeat at index 2 */
    size_t bad = 0;
    CHECK_RC(slabbin_free_batch(a, batch, 3, &bad), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(bad, 2);
    slabbin_stats_t after = t_stats(a);
    CHECK(t_stats_equal(&before, &after));
    CHECK_VALID(a);
    /* use after free: the top's link pointed at a never-used slot of the last slab */
    CHECK_RC(slabbin_free(a, p[2]), SLABBIN_OK);     /* slab 1 (2 slots) */
    CHECK_RC(slabbin_free(a, p[9]), SLABBIN_OK);     /* slab 3 (8 slots): the top */
    t_poke_ptr(p[9], t_off(p[N - 1], ST));
    void *q = NULL, *where = NULL;
    size_t off = 99;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
    CHECK_RC(slabbin_last_corruption(a, &where, &off), SLABBIN_OK);
    CHECK_PTR(where, p[9]);
    CHECK_EQ_U(off, 0);
    CHECK_VALID(a);
    void *got[4];
    alloc_n(a, got, 4);                  /* the three free slots (any order), then the bump */
    for (int i = 0; i < 3; i++) {
        CHECK(got[i] == p[0] || got[i] == p[2] || got[i] == p[9]);
        for (int j = 0; j < i; j++) CHECK(got[i] != got[j]);
    }
    CHECK_PTR(got[3], t_off(p[N - 1], ST));
    CHECK_EQ_U(t_stats(a).live_slots, N + 1);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* ---- debug mode on slabs of different sizes ----------------------------------------------- */

static void test_debug(void) {
    enum { SZ = 36, AL = 4, ST = 36, N = 1 + 2 + 4 + 8 + 3 };
    slabbin_t *a = NULL;
    REQUIRE_RC(t_create_growing(&a, SZ, AL, 8, 1, SLABBIN_DEBUG), SLABBIN_OK);
    void *p[N];
    alloc_n(a, p, N);
    long failed = t_failed;
    CHECK_EQ_U(t_check_growth_runs(p, N, ST, 1, 8), 5);
    if (t_failed != failed) {                       /* the writes below rely on the slabs */
        slabbin_destroy(a);
        return;
    }
    for (int i = 0; i < N; i++) t_fill(p[i], SZ, (uint32_t)i + 1u);
    /* a free in every slab poisons the slot over its stride, after the link */
    int freed[] = {0, 2, 5, 12, 16};
    for (int k = 0; k < 5; k++) {
        CHECK_RC(slabbin_free(a, p[freed[k]]), SLABBIN_OK);
        CHECK_EQ(slabbin_poison_damage(a, p[freed[k]], sizeof(void *)), -1);
    }
    /* damage after the link in the slab of 4: reported, then handed out on the retry */
    ((unsigned char *)p[5])[20] = 0;
    CHECK_RC(slabbin_free(a, p[3]), SLABBIN_OK);     /* the top; p[5] is below p[16] */
    void *q = NULL, *where = NULL;
    size_t off = 0;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[3]);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[16]);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[12]);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
    CHECK_RC(slabbin_last_corruption(a, &where, &off), SLABBIN_OK);
    CHECK_PTR(where, p[5]);
    CHECK_EQ_U(off, 20);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[5]);
    CHECK_VALID(a);
    /* reset poisons exactly the slots handed out: every slot of the full slabs, 3 of the last */
    unsigned char *never = t_off(p[N - 1], ST);
    memset(never, 0x11, 5 * ST);
    slabbin_reset(a);
    CHECK_VALID(a);
    for (int i = 0; i < N; i++) CHECK(t_all_bytes(p[i], ST, SLABBIN_POISON_BYTE));
    CHECK(t_all_bytes(never, 5 * ST, 0x11));
    void *again[N];
    alloc_n(a, again, N);
    for (int i = 0; i < N; i++) CHECK_PTR(again[i], p[i]);
    CHECK_EQ_U(t_stats(a).slab_count, 5);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* ---- the owner lookup with many small slabs ------------------------------------------------ */

/* 1 to 4096 slots of 16 bytes: the owner windows are 64 KiB, so the twelve slabs below 4096 slots
 * (16 bytes to 32 KiB) share few windows. Every slot start, interior and edge is told right, and
 * checked frees in a scattered order all find their slab. */
static void test_owner_lookup(void) {
    enum { ST = 16, CAP = 4096 };
    size_t n = t_grown_slots(1, CAP, 14);            /* 1 .. 2048, 4096, 4096 */
    void **p = malloc(n * sizeof *p);
    REQUIRE(p != NULL);
    slabbin_t *a = NULL;
    REQUIRE_RC(t_create_growing(&a, ST, ST, CAP, 1, 0), SLABBIN_OK);
    alloc_n(a, p, n);
    CHECK_EQ_U(t_check_growth_runs(p, n, ST, 1, CAP), 14);
    CHECK_VALID(a);
    for (size_t i = 0; i < n; i++) {
        CHECK_RC(slabbin_check(a, p[i]), SLABBIN_OK);
        CHECK_RC(slabbin_check(a, t_off(p[i], 8)), SLABBIN_EINTERIOR);
    }
    /* free with a stride coprime to n: consecutive frees land in different slabs */
    size_t step = 7919;
    for (size_t k = 0, i = 0; k < n; k++, i = (i + step) % n) {
        CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    }
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_VALID(a);
    for (size_t i = 0; i < n; i += 97) CHECK_RC(slabbin_check(a, p[i]), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(slabbin_trim(a), (uint64_t)n * ST);
    free(p);
    slabbin_destroy(a);
}

int main(void) {
    test_options();
    test_doubling();
    for (int m = 0; m < 3; m++) {
        test_reset_order(MODES[m]);
        test_trim_regrow(MODES[m]);
        test_reserve_limit(MODES[m]);
        test_batches(MODES[m]);
    }
    test_checked();
    test_debug();
    test_owner_lookup();
    return test_summary();
}

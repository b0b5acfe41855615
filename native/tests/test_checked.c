/*
 * test_checked.c - checked mode: refused frees (foreign, interior, one past the end, another
 * allocator's slot, double free, never handed out), slabbin_check()/slabbin_is_allocated() and
 * checked free_batch. Use-after-free detection is test_corruption.c.
 */
#include "test_util.h"

enum { CAP = 4, SIZE = 24, ALIGN = 16, STRIDE = 32 };

/* A fixed state: two slabs, slab 0 = s[0..3] (full), slab 1 = s[4], s[5] bumped; s[2], s[4] freed,
 * so the free list is s[4] -> s[2]. Without further frees the next allocations are s[4], s[2],
 * then the bump: s[5] + 1 and + 2 strides, then a new slab. */
typedef struct {
    slabbin_t *a;
    void *s[6];
    slabbin_stats_t stats;
} fixture_t;

static int fixture_setup(fixture_t *f) {
    memset(f, 0, sizeof *f);
    if (slabbin_create(&f->a, SIZE, ALIGN, CAP, 0) != SLABBIN_OK) return 0;
    for (int i = 0; i < 6; i++) {
        if (slabbin_alloc(f->a, &f->s[i]) != SLABBIN_OK) return 0;
        t_fill(f->s[i], SIZE, (uint32_t)i + 1u);
    }
    if (slabbin_free(f->a, f->s[2]) != SLABBIN_OK) return 0;
    if (slabbin_free(f->a, f->s[4]) != SLABBIN_OK) return 0;
    f->stats = t_stats(f->a);
    return f->stats.slab_count == 2 && f->stats.live_slots == 4;
}

/* 1 if p lies inside one of the fixture's two slabs. */
static int fixture_owns(const fixture_t *f, const void *p) {
    uintptr_t u = (uintptr_t)p, b0 = (uintptr_t)f->s[0], b1 = (uintptr_t)f->s[4];
    return (u - b0 < (uintptr_t)CAP * STRIDE) || (u - b1 < (uintptr_t)CAP * STRIDE);
}

/* Asserts the fixture is exactly as set up, then consumes it (allocations in the predicted order)
 * and destroys it. */
static void fixture_verify_and_destroy(fixture_t *f, int line) {
    slabbin_stats_t now = t_stats(f->a);
    if (!t_stats_equal(&now, &f->stats)) fprintf(stderr, "  (fixture used at line %d)\n", line);
    CHECK(t_stats_equal(&now, &f->stats));
    for (int i = 0; i < 6; i++) {
        int live = i != 2 && i != 4;
        CHECK_EQ(slabbin_is_allocated(f->a, f->s[i]), live);
        if (live) CHECK(t_verify(f->s[i], SIZE, (uint32_t)i + 1u));
    }
    void *expect[4] = {f->s[4], f->s[2], t_off(f->s[5], STRIDE), t_off(f->s[5], 2 * STRIDE)};
    for (int i = 0; i < 4; i++) {
        void *p = NULL;
        CHECK_RC(slabbin_alloc(f->a, &p), SLABBIN_OK);
        if (p != expect[i]) fprintf(stderr, "  (fixture used at line %d)\n", line);
        CHECK_PTR(p, expect[i]);
    }
    CHECK_EQ_U(t_stats(f->a).slab_count, 2);
    void *p = NULL;
    CHECK_RC(slabbin_alloc(f->a, &p), SLABBIN_OK);
    CHECK_EQ_U(t_stats(f->a).slab_count, 3);
    CHECK(!fixture_owns(f, p));
    slabbin_destroy(f->a);
    f->a = NULL;
}

/* A bad free: check() and free() both report `expect`, is_allocated() says 0, nothing changes. */
static void bad_free_case(const void *bad_const, int expect, int line) {
    fixture_t f;
    if (!fixture_setup(&f)) {
        CHECK(0 && "fixture setup");
        slabbin_destroy(f.a);
        return;
    }
    void *bad = (void *)(uintptr_t)bad_const;
    int rc_check = slabbin_check(f.a, bad);
    int rc_free = slabbin_free(f.a, bad);
    if (rc_check != expect || rc_free != expect) fprintf(stderr, "  (bad free at line %d)\n", line);
    CHECK_RC(rc_check, expect);
    CHECK_RC(rc_free, expect);
    CHECK_EQ(slabbin_is_allocated(f.a, bad), 0);
    fixture_verify_and_destroy(&f, line);
}

/* As bad_free_case(), for addresses that are only known once the fixture exists. */
typedef void *(*addr_fn)(const fixture_t *f);

static void bad_free_fn(addr_fn fn, int expect, int line) {
    fixture_t f;
    if (!fixture_setup(&f)) {
        CHECK(0 && "fixture setup");
        slabbin_destroy(f.a);
        return;
    }
    void *bad = fn(&f);
    int rc_check = slabbin_check(f.a, bad);
    int rc_free = slabbin_free(f.a, bad);
    if (rc_check != expect || rc_free != expect) fprintf(stderr, "  (bad free at line %d)\n", line);
    CHECK_RC(rc_check, expect);
    CHECK_RC(rc_free, expect);
    CHECK_EQ(slabbin_is_allocated(f.a, bad), 0);
    /* the batch variant refuses it at any index and frees nothing */
    void *batch[3] = {f.s[0], f.s[1], bad};
    size_t bad_index = 99;
    CHECK_RC(slabbin_free_batch(f.a, batch, 3, &bad_index), expect);
    CHECK_EQ_U(bad_index, 2);
    void *batch2[3] = {bad, f.s[0], f.s[1]};
    bad_index = 99;
    CHECK_RC(slabbin_free_batch(f.a, batch2, 3, &bad_index), expect);
    CHECK_EQ_U(bad_index, 0);
    CHECK_RC(slabbin_free_batch(f.a, batch2, 3, NULL), expect);
    fixture_verify_and_destroy(&f, line);
}

static void *fx_interior_1(const fixture_t *f) { return t_off(f->s[0], 1); }
static void *fx_interior_half(const fixture_t *f) { return t_off(f->s[1], STRIDE / 2); }
static void *fx_interior_last(const fixture_t *f) { return t_off(f->s[5], STRIDE - 1); }
static void *fx_interior_free(const fixture_t *f) { return t_off(f->s[2], 8); }
static void *fx_interior_unused(const fixture_t *f) { return t_off(f->s[5], STRIDE + 4); }
static void *fx_double_free_a(const fixture_t *f) { return f->s[2]; }
static void *fx_double_free_b(const fixture_t *f) { return f->s[4]; }
static void *fx_never_handed_1(const fixture_t *f) { return t_off(f->s[5], STRIDE); }
static void *fx_never_handed_2(const fixture_t *f) { return t_off(f->s[5], 2 * STRIDE); }
static void *fx_slab_last_byte(const fixture_t *f) { return t_off(f->s[3], STRIDE - 1); }

/* A slot of an allocator created and destroyed after the fixture, so its memory cannot overlap
 * the fixture's slabs. */
static void *fx_dead_slot(const fixture_t *f) {
    slabbin_t *b = NULL;
    void *dead = NULL;
    (void)f;
    if (slabbin_create(&b, SIZE, ALIGN, CAP, 0) != SLABBIN_OK) return NULL;
    CHECK_RC(slabbin_alloc(b, &dead), SLABBIN_OK);
    slabbin_destroy(b);
    return dead;
}

static void test_bad_frees(void) {
    int local = 0;
    char *heap = malloc(64);
    CHECK(heap != NULL);

    bad_free_case(NULL, SLABBIN_EFOREIGN, __LINE__);
    bad_free_case(&local, SLABBIN_EFOREIGN, __LINE__);
    bad_free_case(heap, SLABBIN_EFOREIGN, __LINE__);
    bad_free_case(heap + 16, SLABBIN_EFOREIGN, __LINE__);
    bad_free_case((void *)(uintptr_t)16, SLABBIN_EFOREIGN, __LINE__);
    bad_free_case((void *)UINTPTR_MAX, SLABBIN_EFOREIGN, __LINE__);
    bad_free_case((void *)(uintptr_t)test_bad_frees, SLABBIN_EFOREIGN, __LINE__);

    bad_free_fn(fx_interior_1, SLABBIN_EINTERIOR, __LINE__);
    bad_free_fn(fx_interior_half, SLABBIN_EINTERIOR, __LINE__);
    bad_free_fn(fx_interior_last, SLABBIN_EINTERIOR, __LINE__);
    bad_free_fn(fx_interior_free, SLABBIN_EINTERIOR, __LINE__);
    bad_free_fn(fx_interior_unused, SLABBIN_EINTERIOR, __LINE__);
    bad_free_fn(fx_slab_last_byte, SLABBIN_EINTERIOR, __LINE__);
    bad_free_fn(fx_double_free_a, SLABBIN_EDOUBLEFREE, __LINE__);
    bad_free_fn(fx_double_free_b, SLABBIN_EDOUBLEFREE, __LINE__);
    bad_free_fn(fx_never_handed_1, SLABBIN_EDOUBLEFREE, __LINE__);
    bad_free_fn(fx_never_handed_2, SLABBIN_EDOUBLEFREE, __LINE__);
    free(heap);

    /* a slot of a destroyed allocator: its memory is gone, so the address must be judged without
     * being read (ASan reports any read of it) */
    bad_free_fn(fx_dead_slot, SLABBIN_EFOREIGN, __LINE__);
}

/* One past a slab's end, and just before its start: foreign unless another slab lies there. */
static void test_slab_edges(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SIZE, ALIGN, CAP, 0), SLABBIN_OK);
    void *s[CAP];
    for (int i = 0; i < CAP; i++) CHECK_RC(slabbin_alloc(a, &s[i]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    /* free and reallocate a slot, so the slab is the one looked up last */
    CHECK_RC(slabbin_free(a, s[1]), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &s[1]), SLABBIN_OK);
    void *past = t_off(s[0], CAP * STRIDE);
    void *before = (unsigned char *)s[0] - 1;
    void *before_slot = (unsigned char *)s[0] - STRIDE;
    /* with a single slab nothing else of this allocator can be there */
    CHECK_RC(slabbin_check(a, past), SLABBIN_EFOREIGN);
    CHECK_RC(slabbin_free(a, past), SLABBIN_EFOREIGN);
    CHECK_RC(slabbin_free(a, before), SLABBIN_EFOREIGN);
    CHECK_RC(slabbin_free(a, before_slot), SLABBIN_EFOREIGN);
    CHECK_EQ_U(t_stats(a).live_slots, CAP);

    /* a second slab: the address is foreign unless that slab happens to start right there */
    void *t = NULL;
    CHECK_RC(slabbin_alloc(a, &t), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    int rc = slabbin_check(a, past);
    if (past == t) {
        CHECK_RC(rc, SLABBIN_OK);
    } else if ((uintptr_t)past - (uintptr_t)t < (uintptr_t)CAP * STRIDE) {
        CHECK(rc != SLABBIN_OK);   /* inside the second slab, never handed out */
    } else {
        CHECK_RC(rc, SLABBIN_EFOREIGN);
        CHECK_RC(slabbin_free(a, past), SLABBIN_EFOREIGN);
    }
    void *past2 = t_off(t, CAP * STRIDE);
    CHECK_RC(slabbin_free(a, t), SLABBIN_OK);   /* the second slab is the one looked up last */
    CHECK_RC(slabbin_alloc(a, &t), SLABBIN_OK);
    if ((uintptr_t)past2 - (uintptr_t)s[0] >= (uintptr_t)CAP * STRIDE) {
        CHECK_RC(slabbin_check(a, past2), SLABBIN_EFOREIGN);
        CHECK_RC(slabbin_free(a, past2), SLABBIN_EFOREIGN);
    }
    CHECK_EQ_U(t_stats(a).live_slots, CAP + 1);
    for (int i = 0; i < CAP; i++) CHECK_RC(slabbin_free(a, s[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, t), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

/* A slot of another allocator with the same layout is foreign, both ways. */
static void test_other_allocator(void) {
    slabbin_t *a = NULL, *b = NULL;
    REQUIRE_RC(slabbin_create(&a, SIZE, ALIGN, CAP, 0), SLABBIN_OK);
    REQUIRE_RC(slabbin_create(&b, SIZE, ALIGN, CAP, 0), SLABBIN_OK);
    void *pa[6], *pb[6];
    for (int i = 0; i < 6; i++) {
        CHECK_RC(slabbin_alloc(a, &pa[i]), SLABBIN_OK);
        CHECK_RC(slabbin_alloc(b, &pb[i]), SLABBIN_OK);
    }
    CHECK_RC(slabbin_free(b, pb[5]), SLABBIN_OK);
    slabbin_stats_t sa = t_stats(a), sb = t_stats(b);
    for (int i = 0; i < 6; i++) {
        CHECK_RC(slabbin_check(a, pb[i]), SLABBIN_EFOREIGN);
        CHECK_RC(slabbin_free(a, pb[i]), SLABBIN_EFOREIGN);
        CHECK_RC(slabbin_free(b, pa[i]), SLABBIN_EFOREIGN);
        CHECK_EQ(slabbin_is_allocated(a, pb[i]), 0);
        CHECK_EQ(slabbin_is_allocated(b, pa[i]), 0);
    }
    slabbin_stats_t sa2 = t_stats(a), sb2 = t_stats(b);
    CHECK(t_stats_equal(&sa, &sa2));
    CHECK(t_stats_equal(&sb, &sb2));
    void *p = NULL;
    CHECK_RC(slabbin_alloc(b, &p), SLABBIN_OK);
    CHECK_PTR(p, pb[5]);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, t_off(pa[5], STRIDE));
    slabbin_destroy(a);
    slabbin_destroy(b);
}

/* Double frees: immediately, and after many other frees and allocations. */
static void test_double_free(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SIZE, ALIGN, CAP, 0), SLABBIN_OK);
    void *x = NULL, *p = NULL;
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    /* the next slot of the current slab was never handed out */
    CHECK_RC(slabbin_check(a, t_off(x, STRIDE)), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, t_off(x, STRIDE)), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, t_off(x, (CAP - 1) * STRIDE)), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(t_stats(a).live_slots, 1);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, t_off(x, STRIDE));
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);   /* LIFO: the slot just freed */
    CHECK_PTR(p, t_off(x, STRIDE));
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_check(a, x), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, x), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(t_stats(a).live_slots, 1);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, t_off(x, STRIDE));
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);

    /* x stays at the bottom of the free list while other slots come and go above it */
    enum { N = 64 };
    void *other[N];
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    for (int i = 0; i < N; i++) CHECK_RC(slabbin_alloc(a, &other[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    uint64_t rng = 12345;
    for (int round = 0; round < 2000; round++) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        int k = (int)((rng >> 33) % N);
        CHECK_RC(slabbin_free(a, other[k]), SLABBIN_OK);
        if (round % 7 == 0) CHECK_RC(slabbin_free(a, other[k]), SLABBIN_EDOUBLEFREE);
        CHECK_RC(slabbin_alloc(a, &other[k]), SLABBIN_OK);
        CHECK(other[k] != x);
    }
    slabbin_stats_t before = t_stats(a);
    CHECK_EQ_U(before.live_slots, N);
    CHECK_RC(slabbin_check(a, x), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, x), SLABBIN_EDOUBLEFREE);
    slabbin_stats_t after = t_stats(a);
    CHECK(t_stats_equal(&before, &after));
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, x);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    /* free everything, then every slot is a double free */
    for (int i = 0; i < N; i++) CHECK_RC(slabbin_free(a, other[i]), SLABBIN_OK);
    for (int i = 0; i < N; i++) CHECK_RC(slabbin_free(a, other[i]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, x), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

/* check()/is_allocated() track every state of a slot, and after reset nothing is allocated. */
static void test_check_agrees(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 100, 8, 3, 0), SLABBIN_OK);
    void *p[5];
    for (int i = 0; i < 5; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        CHECK_RC(slabbin_check(a, p[i]), SLABBIN_OK);
        CHECK_EQ(slabbin_is_allocated(a, p[i]), 1);
        CHECK_RC(slabbin_check(a, t_off(p[i], 8)), SLABBIN_EINTERIOR);
        CHECK_EQ(slabbin_is_allocated(a, t_off(p[i], 8)), 0);
    }
    void *unused = t_off(p[4], 104);
    CHECK_RC(slabbin_check(a, unused), SLABBIN_EDOUBLEFREE);
    CHECK_EQ(slabbin_is_allocated(a, unused), 0);
    CHECK_RC(slabbin_free(a, p[1]), SLABBIN_OK);
    CHECK_RC(slabbin_check(a, p[1]), SLABBIN_EDOUBLEFREE);
    CHECK_EQ(slabbin_is_allocated(a, p[1]), 0);
    CHECK_RC(slabbin_check(a, p[0]), SLABBIN_OK);
    slabbin_reset(a);
    for (int i = 0; i < 5; i++) {
        CHECK_RC(slabbin_check(a, p[i]), SLABBIN_EDOUBLEFREE);
        CHECK_RC(slabbin_free(a, p[i]), SLABBIN_EDOUBLEFREE);
    }
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    /* after trim released everything, former slots are foreign */
    CHECK_EQ_U(slabbin_trim(a), 2 * 3 * 104);
    for (int i = 0; i < 5; i++) {
        CHECK_RC(slabbin_check(a, p[i]), SLABBIN_EFOREIGN);
    }
    slabbin_destroy(a);
}

/* Checked free_batch: a bad address at index k frees nothing and reports k. */
static void test_free_batch_errors(void) {
    enum { N = 5 };   /* N + 2 slots: slab 1 keeps a never-used slot for the bump */
    for (int kind = 0; kind < 5; kind++) {
        for (size_t k = 0; k < N; k++) {
            slabbin_t *a = NULL, *other = NULL;
            REQUIRE_RC(slabbin_create(&a, SIZE, ALIGN, CAP, 0), SLABBIN_OK);
            REQUIRE_RC(slabbin_create(&other, SIZE, ALIGN, CAP, 0), SLABBIN_OK);
            void *p[N + 2], *foreign_slot = NULL, *batch[N];
            for (int i = 0; i < N + 2; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
            CHECK_RC(slabbin_alloc(other, &foreign_slot), SLABBIN_OK);
            CHECK_RC(slabbin_free(a, p[N + 1]), SLABBIN_OK);   /* freed: a double free */
            for (int i = 0; i < N; i++) batch[i] = p[i];
            int expect = SLABBIN_OK;
            int local = 0;
            switch (kind) {
            case 0: batch[k] = &local; expect = SLABBIN_EFOREIGN; break;
            case 1: batch[k] = foreign_slot; expect = SLABBIN_EFOREIGN; break;
            case 2: batch[k] = t_off(p[k], 4); expect = SLABBIN_EINTERIOR; break;
            case 3: batch[k] = p[N + 1]; expect = SLABBIN_EDOUBLEFREE; break;
            default:   /* repeated inside the batch */
                if (k == 0) {
                    batch[0] = p[N];   /* p[N] is live: the batch is valid up to its repeat */
                    batch[1] = p[N];
                } else {
                    batch[k] = batch[k - 1];
                }
                expect = SLABBIN_EDOUBLEFREE;
                break;
            }
            size_t want_index = kind == 4 && k == 0 ? 1 : k;
            slabbin_stats_t before = t_stats(a);
            size_t bad_index = 777;
            CHECK_RC(slabbin_free_batch(a, batch, N, &bad_index), expect);
            CHECK_EQ_U(bad_index, want_index);
            slabbin_stats_t after = t_stats(a);
            CHECK(t_stats_equal(&before, &after));
            for (int i = 0; i <= N; i++) {
                CHECK_EQ(slabbin_is_allocated(a, p[i]), 1);
                CHECK_RC(slabbin_check(a, p[i]), SLABBIN_OK);
            }
            CHECK_EQ(slabbin_is_allocated(a, p[N + 1]), 0);
            /* the free list is untouched: next comes p[N+1], then the bump */
            void *q = NULL;
            CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
            CHECK_PTR(q, p[N + 1]);
            CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
            CHECK_PTR(q, t_off(p[N + 1], STRIDE));
            /* every slot is still freeable exactly once */
            for (int i = 0; i < N + 2; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
            CHECK_RC(slabbin_free(a, q), SLABBIN_OK);
            CHECK_EQ_U(t_stats(a).live_slots, 0);
            slabbin_destroy(a);
            slabbin_destroy(other);
        }
    }
}

int main(void) {
    test_bad_frees();
    test_slab_edges();
    test_other_allocator();
    test_double_free();
    test_check_agrees();
    test_free_batch_errors();
    return test_summary();
}

/*
 * test_fastpath.c - the cases the core's fast paths treat apart: the slot handed out last (freed
 * without a lookup), the top of the free list (its bit stays set while it is free), the part of
 * the slab used last that the fast owner test accepts, the slot arithmetic (every byte offset of a
 * slab, many strides), a free list cut short by a use after free (found at the next bump), the
 * peak in both modes, and slabs too large for the fast paths.
 */
#include "test_util.h"

#if defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define T_ASAN 1
#  endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#  define T_ASAN 1
#endif
#if defined(T_ASAN)
/* The large-slab test asks for more than 4 GiB and copes with a refusal. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
#endif

static const unsigned MODES[2] = {0u, SLABBIN_UNCHECKED};

/* The slot handed out last: freed at once, freed twice, NULL, other slots in between. */
static void test_last_out(unsigned flags) {
    int checked = flags == 0;
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 32, 8, 8, flags), SLABBIN_OK);
    if (checked) CHECK_RC(slabbin_free(a, NULL), SLABBIN_EFOREIGN);   /* nothing handed out */

    void *p = NULL, *q = NULL, *r = NULL;
    REQUIRE_RC(slabbin_alloc(a, &p), SLABBIN_OK);                    /* bump */
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    for (int round = 0; round < 3; round++) {
        CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);                   /* empties the list */
        CHECK_PTR(q, p);
        CHECK_EQ_U(t_stats(a).live_slots, 1);
        if (checked) {
            CHECK_RC(slabbin_check(a, p), SLABBIN_OK);
            CHECK_RC(slabbin_free(a, NULL), SLABBIN_EFOREIGN);
            CHECK_RC(slabbin_free(a, t_off(p, 1)), SLABBIN_EINTERIOR);
            CHECK_RC(slabbin_free(a, t_off(p, 32)), SLABBIN_EDOUBLEFREE);   /* never handed out */
        }
        CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
        CHECK_EQ_U(t_stats(a).live_slots, 0);
        if (checked) {
            CHECK_RC(slabbin_free(a, p), SLABBIN_EDOUBLEFREE);
            CHECK_RC(slabbin_check(a, p), SLABBIN_EDOUBLEFREE);
            CHECK_EQ(slabbin_is_allocated(a, p), 0);
        }
    }

    /* p handed out last, then bumps while the list is empty, then p freed: still the fast case */
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK(q != p && r != p && q != r);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    if (checked) {
        CHECK_RC(slabbin_free(a, p), SLABBIN_EDOUBLEFREE);
        CHECK_RC(slabbin_check(a, q), SLABBIN_OK);
        CHECK_RC(slabbin_check(a, r), SLABBIN_OK);
    }
    /* p handed out last, another slot freed first, then p: LIFO order afterwards */
    void *x = NULL;
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, p);
    CHECK_RC(slabbin_free(a, q), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    if (checked) {
        CHECK_RC(slabbin_free(a, q), SLABBIN_EDOUBLEFREE);
        CHECK_RC(slabbin_free(a, p), SLABBIN_EDOUBLEFREE);
    }
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, p);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, q);
    CHECK_EQ_U(t_stats(a).live_slots, 3);

    /* the slot handed out last inside a batch, then a reset */
    CHECK_RC(slabbin_free(a, q), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);                       /* q again, list empty */
    CHECK_PTR(x, q);
    void *batch[3] = {r, q, p};
    CHECK_RC(slabbin_free_batch(a, batch, 3, NULL), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    if (checked) {
        for (int i = 0; i < 3; i++) CHECK_RC(slabbin_check(a, batch[i]), SLABBIN_EDOUBLEFREE);
        CHECK_RC(slabbin_free(a, q), SLABBIN_EDOUBLEFREE);
    }
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, p);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, q);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, r);
    CHECK_RC(slabbin_free(a, r), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);                       /* r handed out last */
    slabbin_reset(a);
    if (checked) CHECK_RC(slabbin_free(a, r), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_EQ_U(t_stats(a).peak_live_slots, 3);
    slabbin_destroy(a);
}

/* A refused batch that contains the slot handed out last leaves it allocated and fast to free. */
static void test_last_out_refused_batch(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 16, 8, 4, 0), SLABBIN_OK);
    void *p = NULL, *q = NULL, *x = NULL;
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);                       /* p handed out last */
    CHECK_PTR(x, p);
    void *bad[3] = {p, q, p};
    size_t at = 99;
    CHECK_RC(slabbin_free_batch(a, bad, 3, &at), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(at, 2);
    CHECK_RC(slabbin_check(a, p), SLABBIN_OK);
    CHECK_RC(slabbin_check(a, q), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 2);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, q), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, q);
    slabbin_destroy(a);
}

/* The top of the free list is free although its bit stays set: every way of asking agrees. */
static void test_top_of_list(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 24, 8, 5, 0), SLABBIN_OK);
    void *s[8];
    for (int i = 0; i < 8; i++) CHECK_RC(slabbin_alloc(a, &s[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[6]), SLABBIN_OK);                      /* slab 1 */
    CHECK_RC(slabbin_free(a, s[2]), SLABBIN_OK);                      /* slab 0: top */
    CHECK_RC(slabbin_check(a, s[2]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_check(a, s[6]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, s[2]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, s[6]), SLABBIN_EDOUBLEFREE);
    void *one[1] = {s[2]};
    CHECK_RC(slabbin_free_batch(a, one, 1, NULL), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, s[3]), SLABBIN_OK);                      /* s[2] no longer top */
    CHECK_RC(slabbin_free(a, s[2]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_check(a, s[3]), SLABBIN_EDOUBLEFREE);
    void *x = NULL;
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[3]);
    CHECK_RC(slabbin_check(a, s[3]), SLABBIN_OK);
    CHECK_RC(slabbin_check(a, s[2]), SLABBIN_EDOUBLEFREE);            /* the new top */
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[2]);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[6]);
    for (int i = 0; i < 8; i++) CHECK_RC(slabbin_check(a, s[i]), SLABBIN_OK);
    /* trim with the top in a slab that goes */
    for (int i = 0; i < 5; i++) CHECK_RC(slabbin_free(a, s[i]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 5 * 24);
    CHECK_RC(slabbin_check(a, s[5]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[5]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[5]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, s[0]), SLABBIN_EFOREIGN);
    slabbin_destroy(a);
}

/* The fast owner test covers exactly the handed-out part of the slab used last. */
static void test_last_span(void) {
    enum { ST = 40 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, ST, 8, 10, 0), SLABBIN_OK);
    void *s[4], *x = NULL;
    CHECK_RC(slabbin_alloc(a, &s[0]), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &s[1]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[0]), SLABBIN_OK);                      /* the slab becomes `last` */
    CHECK_RC(slabbin_free(a, t_off(s[1], ST)), SLABBIN_EDOUBLEFREE);  /* past the bump */
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[0]);
    CHECK_RC(slabbin_alloc(a, &s[2]), SLABBIN_OK);                    /* bump: the span grows */
    CHECK_PTR(s[2], t_off(s[1], ST));
    CHECK_RC(slabbin_free(a, t_off(s[2], ST)), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, t_off(s[2], 1)), SLABBIN_EINTERIOR);
    CHECK_RC(slabbin_free(a, s[1]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[2]), SLABBIN_OK);                      /* a link to s[1] below */
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[2]);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[1]);
    /* after a reset nothing is handed out: the old addresses are not allocated */
    slabbin_reset(a);
    CHECK_RC(slabbin_free(a, s[0]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, s[2]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[0]);
    CHECK_RC(slabbin_free(a, s[1]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    slabbin_destroy(a);
}

/* Every byte offset of a full slab, for many strides: slot starts are allocated, everything else
 * is interior; after freeing, slot starts are free. Also through free() itself. */
static void test_slot_arithmetic_one(size_t size, size_t align) {
    enum { CAP = 7 };
    size_t stride = t_ref_stride(size, align);
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, size, align, CAP, 0), SLABBIN_OK);
    void *s[CAP];
    for (int i = 0; i < CAP; i++) REQUIRE_RC(slabbin_alloc(a, &s[i]), SLABBIN_OK);
    for (int i = 1; i < CAP; i++) REQUIRE(s[i] == t_off(s[0], (size_t)i * stride));
    long bad = 0;
    for (size_t off = 0; off < CAP * stride; off++) {
        int expect = off % stride == 0 ? SLABBIN_OK : SLABBIN_EINTERIOR;
        if (slabbin_check(a, t_off(s[0], off)) != expect) bad++;
    }
    CHECK_EQ(bad, 0);
    CHECK_RC(slabbin_check(a, t_off(s[0], CAP * stride)), SLABBIN_EFOREIGN);
    /* frees at interior offsets are refused; each slot then frees once */
    for (int i = 0; i < CAP; i++) {
        CHECK_RC(slabbin_free(a, t_off(s[i], stride - 1)), SLABBIN_EINTERIOR);
        CHECK_RC(slabbin_free(a, t_off(s[i], stride / 2 + 1)), SLABBIN_EINTERIOR);
        CHECK_RC(slabbin_free(a, s[i]), SLABBIN_OK);
        CHECK_RC(slabbin_free(a, s[i]), SLABBIN_EDOUBLEFREE);
    }
    bad = 0;
    for (size_t off = 0; off < CAP * stride; off++) {
        int expect = off % stride == 0 ? SLABBIN_EDOUBLEFREE : SLABBIN_EINTERIOR;
        if (slabbin_check(a, t_off(s[0], off)) != expect) bad++;
    }
    CHECK_EQ(bad, 0);
    /* the free list (every link validated) gives them back newest first */
    for (int i = CAP - 1; i >= 0; i--) {
        void *x = NULL;
        CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
        CHECK_PTR(x, s[i]);
    }
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    slabbin_destroy(a);
}

static void test_slot_arithmetic(void) {
    static const size_t layouts[][2] = {
        {8, 8},    {9, 1},    {12, 4},   {24, 8},   {32, 8},    {33, 1},    {40, 8},
        {48, 16},  {56, 8},   {64, 64},  {96, 32},  {100, 4},   {127, 1},   {255, 1},
        {1000, 8}, {4096, 8}, {4104, 8}, {12345, 1}, {65536, 4096}, {3, 2},
    };
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        test_slot_arithmetic_one(layouts[i][0], layouts[i][1]);
    }
}

/* A use after free that writes NULL over a link cuts the list short; the next bump finds fewer
 * live slots than were handed out, repairs the list and says so; nothing is lost or doubled. */
static void test_truncated_list(int how) {
    enum { CAP = 4, ST = 16 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, ST, 8, CAP, 0), SLABBIN_OK);
    void *s[6];
    for (int i = 0; i < 6; i++) REQUIRE_RC(slabbin_alloc(a, &s[i]), SLABBIN_OK);
    for (int i = 0; i < 4; i++) CHECK_RC(slabbin_free(a, s[i]), SLABBIN_OK);   /* s3 s2 s1 s0 */
    t_poke_ptr(s[2], NULL);                                           /* s1, s0 cut off */
    void *x = NULL, *y = NULL;
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_PTR(x, s[3]);
    CHECK_RC(slabbin_alloc(a, &y), SLABBIN_OK);
    CHECK_PTR(y, s[2]);
    slabbin_stats_t before = t_stats(a);
    CHECK_EQ_U(before.live_slots, 4);
    if (how == 0) {
        CHECK_RC(slabbin_alloc(a, &x), SLABBIN_ECORRUPT);
    } else {
        void *batch[3];
        CHECK_RC(slabbin_alloc_batch(a, batch, 3), SLABBIN_ECORRUPT);
    }
    slabbin_stats_t after = t_stats(a);
    CHECK_EQ_U(after.live_slots, 4);
    CHECK_EQ_U(after.slab_count, before.slab_count);
    CHECK_EQ_U(after.peak_live_slots, 6);
    CHECK_RC(slabbin_check(a, s[0]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_check(a, s[1]), SLABBIN_EDOUBLEFREE);
    /* the lost slots come back before the bump resumes */
    void *got[2];
    CHECK_RC(slabbin_alloc(a, &got[0]), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &got[1]), SLABBIN_OK);
    CHECK((got[0] == s[0] && got[1] == s[1]) || (got[0] == s[1] && got[1] == s[0]));
    CHECK_EQ_U(t_stats(a).peak_live_slots, 6);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);                       /* bump: s5 + 1 stride */
    CHECK_PTR(x, t_off(s[5], ST));
    CHECK_EQ_U(t_stats(a).live_slots, 7);
    CHECK_EQ_U(t_stats(a).peak_live_slots, 7);
    for (int i = 0; i < 6; i++) CHECK_RC(slabbin_free(a, s[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

/* The peak, recorded on the bump path only, against the largest live count seen, under random
 * allocations and frees (single and batched), resets and trims. */
static void test_peak(unsigned flags) {
    enum { N = 300 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 20, 4, 7, flags), SLABBIN_OK);
    void *live[N];
    size_t n = 0;
    uint64_t peak = 0, rng = 12345;
    for (int op = 0; op < 20000; op++) {
        rng = rng * UINT64_C(6364136223846793005) + 1442695040888963407u;
        unsigned r = (unsigned)(rng >> 33) % 100;
        if (r < 1) {
            slabbin_reset(a);
            n = 0;
        } else if (r < 2) {
            (void)slabbin_trim(a);
        } else if (r < 6 && n + 5 <= N) {
            CHECK_RC(slabbin_alloc_batch(a, &live[n], 5), SLABBIN_OK);
            n += 5;
        } else if (r < 10 && n >= 5) {
            n -= 5;
            CHECK_RC(slabbin_free_batch(a, &live[n], 5, NULL), SLABBIN_OK);
        } else if ((r < 55 || n == 0) && n < N) {
            CHECK_RC(slabbin_alloc(a, &live[n]), SLABBIN_OK);
            n++;
        } else if (n > 0) {
            size_t k = (size_t)(rng >> 13) % n;                       /* any live slot */
            CHECK_RC(slabbin_free(a, live[k]), SLABBIN_OK);
            live[k] = live[--n];
        }
        if (n > peak) peak = n;
        slabbin_stats_t st = t_stats(a);
        if (st.live_slots != n || st.peak_live_slots != peak) {
            CHECK_EQ_U(st.live_slots, n);
            CHECK_EQ_U(st.peak_live_slots, peak);
            break;
        }
    }
    slabbin_destroy(a);
}

/* Slabs over 4 GiB: index arithmetic by division and the lookup paths only. Skipped when the
 * system does not lend that much address space. */
static void test_large_slab(void) {
    if (sizeof(size_t) < 8) return;
    size_t cap = ((size_t)1 << 28) + 3;                               /* 16 B slots: > 4 GiB */
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 16, 16, cap, 0), SLABBIN_OK);
    void *s[4];
    int rc = slabbin_alloc(a, &s[0]);
    if (rc == SLABBIN_ENOMEM) {
        printf("large slab: not enough address space, skipped\n");
        slabbin_destroy(a);
        return;
    }
    CHECK_RC(rc, SLABBIN_OK);
    for (int i = 1; i < 4; i++) CHECK_RC(slabbin_alloc(a, &s[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, t_off(s[1], 8)), SLABBIN_EINTERIOR);
    CHECK_RC(slabbin_free(a, t_off(s[3], 16)), SLABBIN_EDOUBLEFREE);  /* never handed out */
    /* offsets past 4 GiB (the last slots) are not taken modulo 2^32 */
    CHECK_RC(slabbin_check(a, t_off(s[0], (size_t)1 << 32)), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_check(a, t_off(s[0], ((size_t)1 << 32) + 4)), SLABBIN_EINTERIOR);
    CHECK_RC(slabbin_free(a, t_off(s[0], ((size_t)1 << 32) + 32)), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_check(a, t_off(s[0], 16 * cap)), SLABBIN_EFOREIGN);
    CHECK_RC(slabbin_free(a, s[1]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[2]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, s[1]), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_free(a, s[2]), SLABBIN_EDOUBLEFREE);
    t_poke_ptr(s[2], t_off(s[0], 4));                                 /* use after free */
    void *x = NULL;
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_ECORRUPT);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK(x == s[1] || x == s[2]);
    void *y = NULL;
    CHECK_RC(slabbin_alloc(a, &y), SLABBIN_OK);
    CHECK(y != x && (y == s[1] || y == s[2]));
    for (int i = 0; i < 4; i++) CHECK_RC(slabbin_free(a, s[i]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_EQ_U(slabbin_trim(a), 16 * cap);
    slabbin_destroy(a);
}

int main(void) {
    for (int m = 0; m < 2; m++) {
        test_last_out(MODES[m]);
        test_peak(MODES[m]);
    }
    test_last_out_refused_batch();
    test_top_of_list();
    test_last_span();
    test_slot_arithmetic();
    test_truncated_list(0);
    test_truncated_list(1);
    test_large_slab();
    return test_summary();
}

/*
 * test_api.c - reuse order, laziness and statistics, layouts and alignment, argument validation,
 * alloc_zeroed, unchecked mode, status strings.
 */
#include "test_util.h"

#include <limits.h>

static const unsigned MODES[2] = {0u, SLABBIN_UNCHECKED};

/* Rust crate scenario: capacity 2; a freed slot is the next one handed out. */
static void test_reuse_a(unsigned flags) {
    slabbin_t *a = NULL;
    void *x, *y, *p;
    REQUIRE_RC(slabbin_create(&a, 24, 16, 2, flags), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &y), SLABBIN_OK);
    CHECK(x != y);
    CHECK_PTR(y, t_off(x, 32));
    CHECK_EQ_U(t_stats(a).slab_count, 1);

    CHECK_RC(slabbin_free(a, y), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, y);

    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, x);

    CHECK_EQ_U(t_stats(a).slab_count, 1);
    CHECK_EQ_U(t_stats(a).live_slots, 2);
    slabbin_destroy(a);
}

/* Rust crate scenario: capacity 1, every slot is its own slab. */
static void test_reuse_b(unsigned flags) {
    slabbin_t *a = NULL;
    void *x, *y, *z, *p;
    REQUIRE_RC(slabbin_create(&a, 24, 16, 1, flags), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, x);
    CHECK_EQ_U(t_stats(a).slab_count, 1);

    CHECK_RC(slabbin_alloc(a, &y), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &z), SLABBIN_OK);
    CHECK(x != y && y != z && x != z);
    CHECK_EQ_U(t_stats(a).slab_count, 3);

    CHECK_RC(slabbin_free(a, y), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, x);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, y);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK_EQ_U(t_stats(a).live_slots, 3);
    slabbin_destroy(a);
}

/* Rust crate scenario: capacity 2; frees come back in reverse, then a new slab. */
static void test_reuse_c(unsigned flags) {
    slabbin_t *a = NULL;
    void *x, *y, *p, *q;
    REQUIRE_RC(slabbin_create(&a, 24, 16, 2, flags), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &y), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, y), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, y);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_PTR(p, x);
    CHECK_EQ_U(t_stats(a).slab_count, 1);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK(q != x && q != y);
    CHECK(t_aligned(q, 16));
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    /* the third slot lies in the new slab, not inside the first one */
    CHECK((uintptr_t)q < (uintptr_t)x || (uintptr_t)q >= (uintptr_t)x + 64);
    slabbin_destroy(a);
}

static void test_laziness_and_stats(unsigned flags) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 100, 8, 5, flags), SLABBIN_OK);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slot_size, 100);
    CHECK_EQ_U(s.alignment, 8);
    CHECK_EQ_U(s.stride, 104);
    CHECK_EQ_U(s.slab_capacity, 5);
    CHECK_EQ_U(s.slab_count, 0);
    CHECK_EQ_U(s.reserved_bytes, 0);
    CHECK_EQ_U(s.live_slots, 0);
    CHECK_EQ_U(s.peak_live_slots, 0);
    CHECK_EQ(slabbin_is_unchecked(a), flags == SLABBIN_UNCHECKED);

    /* trim and reset on an empty allocator reserve nothing either */
    CHECK_EQ_U(slabbin_trim(a), 0);
    slabbin_reset(a);
    s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 0);
    CHECK_EQ_U(s.reserved_bytes, 0);

    void *p[12];
    for (int i = 0; i < 12; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        s = t_stats(a);
        uint64_t slabs = (uint64_t)(i / 5 + 1);
        CHECK_EQ_U(s.slab_count, slabs);
        CHECK_EQ_U(s.reserved_bytes, slabs * 5 * 104);
        CHECK_EQ_U(s.live_slots, (uint64_t)(i + 1));
        CHECK_EQ_U(s.peak_live_slots, (uint64_t)(i + 1));
    }
    for (int i = 0; i < 7; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    s = t_stats(a);
    CHECK_EQ_U(s.live_slots, 5);
    CHECK_EQ_U(s.peak_live_slots, 12);
    CHECK_EQ_U(s.slab_count, 3);
    CHECK_EQ_U(s.reserved_bytes, 3 * 5 * 104);
    for (int i = 0; i < 3; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    s = t_stats(a);
    CHECK_EQ_U(s.live_slots, 8);
    CHECK_EQ_U(s.peak_live_slots, 12);
    slabbin_reset(a);
    s = t_stats(a);
    CHECK_EQ_U(s.live_slots, 0);
    CHECK_EQ_U(s.peak_live_slots, 12);
    CHECK_EQ_U(s.slab_count, 3);

    /* NULL arguments to the void functions are accepted */
    slabbin_get_stats(a, NULL);
    slabbin_get_stats(NULL, &s);
    slabbin_reset(NULL);
    CHECK_EQ_U(slabbin_trim(NULL), 0);
    slabbin_set_reserve_limit(NULL, 1);
    CHECK_EQ(slabbin_is_unchecked(NULL), 0);
    slabbin_destroy(NULL);
    slabbin_destroy(a);
}

typedef struct {
    size_t size, align, stride;
} layout_t;

static void test_layout(size_t size, size_t align, size_t expect_stride, unsigned flags) {
    size_t stride = 0;
    CHECK_RC(slabbin_layout_stride(size, align, &stride), SLABBIN_OK);
    CHECK_EQ_U(stride, expect_stride);
    CHECK_EQ_U(stride, t_ref_stride(size, align));

    enum { CAP = 5, N = 3 * CAP + 2 };
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, size, align, CAP, flags), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).stride, expect_stride);
    void *p[N];
    for (size_t i = 0; i < N; i++) {
        p[i] = NULL;
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        REQUIRE(p[i] != NULL);
        CHECK(t_aligned(p[i], align));
        if (i % CAP != 0) {
            /* bump inside one slab: consecutive slots are exactly stride apart */
            CHECK_PTR(p[i], t_off(p[i - 1], stride));
        }
        t_fill(p[i], size, (uint32_t)(i * 7919u + size));
    }
    CHECK_EQ_U(t_stats(a).slab_count, (N + CAP - 1) / CAP);
    for (size_t i = 0; i < N; i++) {
        CHECK(t_verify(p[i], size, (uint32_t)(i * 7919u + size)));
        CHECK_RC(slabbin_check(a, p[i]), SLABBIN_OK);
    }
    /* no two live slots overlap */
    for (size_t i = 0; i < N; i++) {
        for (size_t j = i + 1; j < N; j++) {
            uintptr_t lo = (uintptr_t)p[i], hi = (uintptr_t)p[j];
            if (lo > hi) {
                uintptr_t t = lo;
                lo = hi;
                hi = t;
            }
            CHECK(lo + size <= hi);
        }
    }
    /* freed and reused slots keep the alignment */
    for (size_t i = 0; i < N; i += 2) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    for (size_t i = 0; i < N; i += 2) {
        void *q = NULL;
        CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
        size_t k = (N - 1) / 2 * 2 - i;   /* LIFO: the last freed comes back first */
        CHECK(t_aligned(q, align));
        CHECK_PTR(q, p[k]);
        if (q == p[k]) t_fill(q, size, (uint32_t)(k * 7919u + size));
    }
    for (size_t i = 0; i < N; i++) CHECK(t_verify(p[i], size, (uint32_t)(i * 7919u + size)));
    for (size_t i = 0; i < N; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

static void test_layouts(void) {
    static const layout_t table[] = {
        {1, 1, 8},       {24, 16, 32},  {8, 64, 64},    {100, 8, 104}, {8, 4096, 4096},
        {9, 1, 9},       {12, 4, 12},   {20, 4, 20},    {3, 2, 8},     {17, 2, 18},
        {64, 64, 64},    {65, 32, 96},  {1, 128, 128},  {5000, 16, 5008},
        {1, SLABBIN_MAX_ALIGNMENT, SLABBIN_MAX_ALIGNMENT},
    };
    if (sizeof(void *) != 8) {
        fprintf(stderr, "note: layout table assumes 8-byte pointers; skipped\n");
        return;
    }
    for (size_t m = 0; m < 2; m++) {
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
            test_layout(table[i].size, table[i].align, table[i].stride, MODES[m]);
        }
    }
}

static void test_invalid_arguments(void) {
    size_t stride = 12345;
    slabbin_t *a = NULL;
    /* layout_stride */
    CHECK_RC(slabbin_layout_stride(0, 8, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, 0, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, 3, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, 6, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, 24, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, (size_t)3 << 12, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, SIZE_MAX, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, SLABBIN_MAX_ALIGNMENT * 2, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, (size_t)1 << (sizeof(size_t) * 8 - 1), &stride),
             SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(8, 8, NULL), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(SIZE_MAX, 1, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(SIZE_MAX, 8, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride(SIZE_MAX - 10, SLABBIN_MAX_ALIGNMENT, &stride),
             SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride((size_t)PTRDIFF_MAX + 1, 1, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride((size_t)PTRDIFF_MAX, 8, &stride), SLABBIN_EINVAL);
    CHECK_RC(slabbin_layout_stride((size_t)PTRDIFF_MAX - SLABBIN_MAX_ALIGNMENT + 2,
                                   SLABBIN_MAX_ALIGNMENT, &stride),
             SLABBIN_EINVAL);
    CHECK_EQ_U(stride, 12345);   /* untouched by failures */
    /* the largest valid strides */
    CHECK_RC(slabbin_layout_stride((size_t)PTRDIFF_MAX, 1, &stride), SLABBIN_OK);
    CHECK_EQ_U(stride, (size_t)PTRDIFF_MAX);
    CHECK_RC(slabbin_layout_stride((size_t)PTRDIFF_MAX - 7, 8, &stride), SLABBIN_OK);
    CHECK_EQ_U(stride, (size_t)PTRDIFF_MAX - 7);
    CHECK_RC(slabbin_layout_stride(1, SLABBIN_MAX_ALIGNMENT, &stride), SLABBIN_OK);
    CHECK_EQ_U(stride, SLABBIN_MAX_ALIGNMENT);
    for (size_t al = 1; al <= SLABBIN_MAX_ALIGNMENT; al *= 2) {
        CHECK_RC(slabbin_layout_stride(1, al, &stride), SLABBIN_OK);
        CHECK_EQ_U(stride, t_ref_stride(1, al));
    }

    /* create */
    CHECK_RC(slabbin_create(NULL, 8, 8, 4, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 0, 8, 4, 0), SLABBIN_EINVAL);
    CHECK(a == NULL);
    CHECK_RC(slabbin_create(&a, 8, 0, 4, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 3, 4, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 12, 4, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, SLABBIN_MAX_ALIGNMENT * 2, 4, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 0, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 0, SLABBIN_UNCHECKED), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, SIZE_MAX, 8, 1, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, SIZE_MAX - 100, SLABBIN_MAX_ALIGNMENT, 1, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, SIZE_MAX, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, (size_t)PTRDIFF_MAX / 8 + 1, 0), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 32, 16, (size_t)PTRDIFF_MAX / 32 + 1, SLABBIN_UNCHECKED),
             SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, (size_t)1 << (sizeof(size_t) * 8 - 2), 8, 2, 0),
             SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 4, 4u), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 4, 0x100u), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 4, 0x80000000u), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 4, UINT_MAX), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 4, SLABBIN_UNCHECKED | 4u), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 4, SLABBIN_UNCHECKED | SLABBIN_DEBUG), SLABBIN_EINVAL);
    CHECK_RC(slabbin_create(&a, 8, 8, 4, SLABBIN_DEBUG | 4u), SLABBIN_EINVAL);
    CHECK(a == NULL);

    /* the largest slabs that fit are accepted (nothing is reserved yet); a reserve limit makes
     * the first allocation fail cleanly instead of asking the system for them */
    CHECK_RC(slabbin_create(&a, 8, 8, (size_t)PTRDIFF_MAX / 8, 0), SLABBIN_OK);
    if (a != NULL) {
        void *p = NULL;
        slabbin_set_reserve_limit(a, (uint64_t)1 << 20);
        CHECK_RC(slabbin_alloc(a, &p), SLABBIN_ENOMEM);
        CHECK_RC(slabbin_alloc_batch(a, &p, 1), SLABBIN_ENOMEM);
        CHECK_EQ_U(t_stats(a).slab_count, 0);
        CHECK_EQ_U(t_stats(a).live_slots, 0);
        slabbin_destroy(a);
        a = NULL;
    }
    CHECK_RC(slabbin_create(&a, (size_t)1 << (sizeof(size_t) * 8 - 2), 8, 1, SLABBIN_UNCHECKED),
             SLABBIN_OK);
    if (a != NULL) {
        void *p = NULL;
        slabbin_set_reserve_limit(a, 4096);
        CHECK_RC(slabbin_alloc(a, &p), SLABBIN_ENOMEM);
        CHECK_EQ_U(t_stats(a).stride, (size_t)1 << (sizeof(size_t) * 8 - 2));
        slabbin_destroy(a);
        a = NULL;
    }

    /* NULL allocator / out-parameters */
    REQUIRE_RC(slabbin_create(&a, 16, 8, 4, 0), SLABBIN_OK);
    void *p = NULL, *arr[2];
    int dummy;
    CHECK_RC(slabbin_alloc(NULL, &p), SLABBIN_EINVAL);
    CHECK_RC(slabbin_alloc(a, NULL), SLABBIN_EINVAL);
    CHECK_RC(slabbin_alloc_zeroed(NULL, &p), SLABBIN_EINVAL);
    CHECK_RC(slabbin_alloc_zeroed(a, NULL), SLABBIN_EINVAL);
    CHECK_RC(slabbin_free(NULL, &dummy), SLABBIN_EINVAL);
    CHECK_RC(slabbin_alloc_batch(NULL, arr, 2), SLABBIN_EINVAL);
    CHECK_RC(slabbin_alloc_batch(a, NULL, 2), SLABBIN_EINVAL);
    CHECK_RC(slabbin_alloc_batch(a, NULL, 0), SLABBIN_OK);
    CHECK_RC(slabbin_alloc_batch(a, arr, 0), SLABBIN_OK);
    CHECK_RC(slabbin_free_batch(NULL, arr, 2, NULL), SLABBIN_EINVAL);
    CHECK_RC(slabbin_free_batch(a, NULL, 2, NULL), SLABBIN_EINVAL);
    CHECK_RC(slabbin_free_batch(a, NULL, 0, NULL), SLABBIN_OK);
    CHECK_RC(slabbin_check(NULL, &dummy), SLABBIN_EINVAL);
    CHECK_EQ(slabbin_is_allocated(NULL, &dummy), 0);
    slabbin_stats_t s = t_stats(a);
    CHECK_EQ_U(s.slab_count, 0);   /* still lazy: none of the above reserved anything */
    CHECK_EQ_U(s.live_slots, 0);
    slabbin_destroy(a);
}

static void test_alloc_zeroed(unsigned flags) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 100, 8, 4, flags), SLABBIN_OK);
    void *x = NULL, *y = NULL, *z = NULL;
    CHECK_RC(slabbin_alloc_zeroed(a, &z), SLABBIN_OK);   /* fresh slab */
    REQUIRE(z != NULL);
    CHECK(t_all_bytes(z, 100, 0));
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    REQUIRE(x != NULL);
    memset(x, 0xAB, 100);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_alloc_zeroed(a, &y), SLABBIN_OK);
    CHECK_PTR(y, x);
    CHECK(t_all_bytes(y, 100, 0));
    CHECK_EQ_U(t_stats(a).live_slots, 2);

    /* a whole slab of dirtied slots comes back zeroed, in LIFO order */
    void *p[4];
    for (int i = 0; i < 4; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        memset(p[i], 0xAB, 100);
    }
    for (int i = 0; i < 4; i++) CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
    for (int i = 3; i >= 0; i--) {
        void *q = NULL;
        CHECK_RC(slabbin_alloc_zeroed(a, &q), SLABBIN_OK);
        CHECK_PTR(q, p[i]);
        CHECK(t_all_bytes(q, 100, 0));
    }
    slabbin_destroy(a);

    /* the slot size is zeroed even when it is smaller than the link */
    REQUIRE_RC(slabbin_create(&a, 3, 1, 4, flags), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &x), SLABBIN_OK);
    memset(x, 0xAB, 3);
    CHECK_RC(slabbin_free(a, x), SLABBIN_OK);
    CHECK_RC(slabbin_alloc_zeroed(a, &y), SLABBIN_OK);
    CHECK_PTR(y, x);
    CHECK(t_all_bytes(y, 3, 0));
    slabbin_destroy(a);
}

static void test_unchecked_mode(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 40, 8, 3, SLABBIN_UNCHECKED), SLABBIN_OK);
    CHECK_EQ(slabbin_is_unchecked(a), 1);
    void *p[7];
    for (int i = 0; i < 7; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    /* check(): any slot handed out since the last reset is "OK", allocated or not */
    CHECK_RC(slabbin_free(a, p[1]), SLABBIN_OK);
    CHECK_RC(slabbin_check(a, p[1]), SLABBIN_OK);
    CHECK_RC(slabbin_check(a, p[6]), SLABBIN_OK);
    CHECK_RC(slabbin_check(a, t_off(p[6], 40)), SLABBIN_EDOUBLEFREE);   /* never handed out */
    CHECK_RC(slabbin_check(a, t_off(p[6], 80)), SLABBIN_EDOUBLEFREE);
    CHECK_RC(slabbin_check(a, t_off(p[0], 1)), SLABBIN_EINTERIOR);
    int local = 0;
    CHECK_RC(slabbin_check(a, &local), SLABBIN_EFOREIGN);
    CHECK_RC(slabbin_check(a, NULL), SLABBIN_EFOREIGN);
    CHECK_EQ(slabbin_is_allocated(a, p[0]), 1);
    CHECK_EQ(slabbin_is_allocated(a, &local), 0);
    CHECK_RC(slabbin_alloc(a, &p[1]), SLABBIN_OK);
    /* after a reset nothing counts as handed out */
    slabbin_reset(a);
    for (int i = 0; i < 7; i++) CHECK_RC(slabbin_check(a, p[i]), SLABBIN_EDOUBLEFREE);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

static void test_strerror(void) {
    static const int codes[] = {SLABBIN_OK,          SLABBIN_EINVAL,    SLABBIN_ENOMEM,
                                SLABBIN_EFOREIGN,    SLABBIN_EINTERIOR, SLABBIN_EDOUBLEFREE,
                                SLABBIN_ECORRUPT};
    enum { NC = sizeof codes / sizeof codes[0] };
    const char *msg[NC];
    for (size_t i = 0; i < NC; i++) {
        msg[i] = slabbin_strerror(codes[i]);
        CHECK(msg[i] != NULL);
        if (msg[i] == NULL) msg[i] = "";
        CHECK(strlen(msg[i]) > 0);
    }
    for (size_t i = 0; i < NC; i++) {
        for (size_t j = i + 1; j < NC; j++) CHECK(strcmp(msg[i], msg[j]) != 0);
    }
    CHECK(strstr(msg[5], "double free") != NULL);
    static const int unknown[] = {1, -7, -100, 42, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *u = slabbin_strerror(unknown[i]);
        CHECK(u != NULL);
        if (u == NULL) continue;
        CHECK(strlen(u) > 0);
        for (size_t j = 0; j < NC; j++) CHECK(strcmp(u, msg[j]) != 0);
    }
    /* the status values are part of the ABI */
    CHECK_EQ(SLABBIN_OK, 0);
    CHECK_EQ(SLABBIN_EINVAL, -1);
    CHECK_EQ(SLABBIN_ENOMEM, -2);
    CHECK_EQ(SLABBIN_EFOREIGN, -3);
    CHECK_EQ(SLABBIN_EINTERIOR, -4);
    CHECK_EQ(SLABBIN_EDOUBLEFREE, -5);
    CHECK_EQ(SLABBIN_ECORRUPT, -6);
}

int main(void) {
    for (size_t m = 0; m < 2; m++) {
        test_reuse_a(MODES[m]);
        test_reuse_b(MODES[m]);
        test_reuse_c(MODES[m]);
        test_laziness_and_stats(MODES[m]);
        test_alloc_zeroed(MODES[m]);
    }
    test_layouts();
    test_invalid_arguments();
    test_unchecked_mode();
    test_strerror();
    return test_summary();
}

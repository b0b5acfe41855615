/*
 * test_batch_runs.c - checked-mode batch calls over free lists that run through several slabs and
 * bitmap words: the order alloc_batch hands slots out in, a bad link at any depth of the list
 * (ECORRUPT, nothing allocated, the list repaired), free_batch refusing a repeat of an entry
 * after entries of other words and slabs, and the runs inside one bitmap word: a batch bumped
 * across words and slabs, the top or an interior address amid slots of its word refused.
 */
#include "test_util.h"

#define ST 32
#define MAXN 600

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n) {
    rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)((rng_state >> 33) % n);
}

static void shuffle(void **v, size_t n) {
    for (size_t i = n; i > 1; i--) {
        unsigned j = rnd((unsigned)i);
        void *t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* Allocates n + extra slots one by one, keeps `extra` of them live and frees the other n one by
 * one in random order; list[] receives the free list from its top down. */
static void build_list(slabbin_t *a, size_t n, size_t extra, void **list, void **keep) {
    static void *all[MAXN + 8];
    for (size_t i = 0; i < n + extra; i++) CHECK_RC(slabbin_alloc(a, &all[i]), SLABBIN_OK);
    shuffle(all, n + extra);
    for (size_t i = 0; i < extra; i++) keep[i] = all[n + i];
    for (size_t i = 0; i < n; i++) {
        CHECK_RC(slabbin_free(a, all[i]), SLABBIN_OK);
        list[n - 1 - i] = all[i];
    }
}

static int contains(void *const *v, size_t n, const void *p) {
    for (size_t i = 0; i < n; i++) {
        if (v[i] == p) return 1;
    }
    return 0;
}

/* A clean list: alloc_batch pops it in list order, as single pops would. */
static void test_order(size_t cap, size_t n) {
    slabbin_t *a = NULL;
    REQUIRE(slabbin_create(&a, ST, 8, cap, 0) == SLABBIN_OK);
    void *list[MAXN], *keep[4], *got[MAXN];
    build_list(a, n, 4, list, keep);
    size_t done = 0;
    while (done < n) {
        size_t k = 1 + rnd(40);
        if (k > n - done) k = n - done;
        CHECK_RC(slabbin_alloc_batch(a, got + done, k), SLABBIN_OK);
        done += k;
    }
    for (size_t i = 0; i < n; i++) CHECK(got[i] == list[i]);
    CHECK_EQ_U(t_stats(a).live_slots, n + 4);
    for (size_t i = 0; i < n; i++) CHECK_RC(slabbin_check(a, got[i]), SLABBIN_OK);
    size_t bad = 0;
    CHECK_RC(slabbin_free_batch(a, got, n, &bad), SLABBIN_OK);
    CHECK_RC(slabbin_free_batch(a, keep, 4, &bad), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

enum { B_NULL, B_INTERIOR, B_LIVE, B_POPPED, B_SELF, B_TOP, B_FOREIGN, B_UNUSED, B_KINDS };

/* The link of list[k] is overwritten; a batch reaching it fails and changes nothing. */
static void test_bad_link(size_t cap, size_t n, size_t k, int kind) {
    slabbin_t *a = NULL;
    REQUIRE(slabbin_create(&a, ST, 8, cap, 0) == SLABBIN_OK);
    void *list[MAXN], *keep[4], *got[MAXN + 8];
    build_list(a, n, 4, list, keep);
    int local = 0;
    void *extra = NULL;                             /* live too, for B_UNUSED */
    const void *garbage;
    switch (kind) {
    case B_NULL: garbage = NULL; break;
    case B_INTERIOR: garbage = t_off(list[k + 1 < n ? k + 1 : 0], 8); break;
    case B_LIVE: garbage = keep[rnd(4)]; break;
    case B_POPPED: garbage = list[k == 0 ? 0 : rnd((unsigned)k)]; break;
    case B_SELF: garbage = list[k]; break;
    case B_TOP: garbage = list[0]; break;
    case B_FOREIGN: garbage = &local; break;
    default: {
        /* a slot never handed out, in the slab being bumped through */
        CHECK_RC(slabbin_alloc_batch(a, got, n), SLABBIN_OK);
        CHECK_RC(slabbin_alloc(a, &extra), SLABBIN_OK);
        size_t bad = 0;
        CHECK_RC(slabbin_free_batch(a, got, n, &bad), SLABBIN_OK);
        for (size_t i = 0; i < n; i++) list[i] = got[n - 1 - i];
        /* the next slot, unless extra was its slab's last (n + 5 handed out) */
        garbage = (n + 5) % cap == 0 ? NULL : t_off(extra, ST);
        break;
    }
    }
    t_poke_ptr(list[k], garbage);
    slabbin_stats_t before = t_stats(a);
    /* the batch reaches list[k + 1] (or the bump, if list[k] is the last) */
    size_t count = k + 2 <= n ? k + 2 : n + 1;
    int rc = slabbin_alloc_batch(a, got, count);
    if (extra != NULL) CHECK_RC(slabbin_check(a, extra), SLABBIN_OK);
    if (garbage == NULL && k + 1 == n) {
        /* NULL is the end of the list there: nothing is wrong */
        CHECK_RC(rc, SLABBIN_OK);
        slabbin_destroy(a);
        return;
    }
    CHECK_RC(rc, SLABBIN_ECORRUPT);
    slabbin_stats_t after = t_stats(a);
    CHECK_EQ_U(after.live_slots, before.live_slots);
    CHECK_EQ_U(after.slab_count, before.slab_count);
    for (size_t i = 0; i < 4; i++) CHECK_RC(slabbin_check(a, keep[i]), SLABBIN_OK);
    for (size_t i = 0; i < n; i++) CHECK_RC(slabbin_check(a, list[i]), SLABBIN_EDOUBLEFREE);
    /* the repaired list holds exactly the free slots */
    CHECK_RC(slabbin_alloc_batch(a, got, n), SLABBIN_OK);
    for (size_t i = 0; i < n; i++) {
        CHECK(contains(list, n, got[i]));
        CHECK(!contains(got, i, got[i]));
    }
    size_t bad = 0;
    CHECK_RC(slabbin_free_batch(a, got, n, &bad), SLABBIN_OK);
    CHECK_RC(slabbin_free_batch(a, keep, 4, &bad), SLABBIN_OK);
    if (extra != NULL) CHECK_RC(slabbin_free(a, extra), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

/* free_batch: an entry repeated after entries of other words and slabs is a double free; nothing
 * changes. */
static void test_free_repeat(size_t cap, size_t n) {
    slabbin_t *a = NULL;
    REQUIRE(slabbin_create(&a, ST, 8, cap, 0) == SLABBIN_OK);
    void *live[MAXN], *batch[MAXN + 1];
    for (size_t i = 0; i < n; i++) CHECK_RC(slabbin_alloc(a, &live[i]), SLABBIN_OK);
    for (int round = 0; round < 200; round++) {
        size_t m = 2 + rnd((unsigned)(n < 64 ? n - 1 : 63));
        memcpy(batch, live, n * sizeof(void *));
        shuffle(batch, n);
        size_t first = rnd((unsigned)m), at = first + 1 + rnd((unsigned)(m - first));
        memmove(batch + at + 1, batch + at, (m - at) * sizeof(void *));
        batch[at] = batch[first];
        size_t bad = SIZE_MAX;
        CHECK_RC(slabbin_free_batch(a, batch, m + 1, &bad), SLABBIN_EDOUBLEFREE);
        CHECK_EQ_U(bad, at);
        CHECK_EQ_U(t_stats(a).live_slots, n);
        for (size_t i = 0; i < n; i++) CHECK_RC(slabbin_check(a, live[i]), SLABBIN_OK);
        /* without the repeat it goes through; allocate the slots back */
        memmove(batch + at, batch + at + 1, (m - at) * sizeof(void *));
        CHECK_RC(slabbin_free_batch(a, batch, m, &bad), SLABBIN_OK);
        for (size_t i = 0; i < m; i++) CHECK_RC(slabbin_check(a, batch[i]), SLABBIN_EDOUBLEFREE);
        void *back[MAXN];
        CHECK_RC(slabbin_alloc_batch(a, back, m), SLABBIN_OK);
        for (size_t i = 0; i < m; i++) CHECK(back[i] == batch[m - 1 - i]);
        CHECK_EQ_U(t_stats(a).live_slots, n);
    }
    size_t bad = 0;
    CHECK_RC(slabbin_free_batch(a, live, n, &bad), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    slabbin_destroy(a);
}

/* Runs inside one bitmap word: alloc_batch bumps slots in address order across words and slabs
 * (as single calls would); free_batch refuses the top of the free list and an interior address
 * met amid live slots of the same word, at their index, and changes nothing. */
static void test_word_runs(size_t cap) {
    slabbin_t *a = NULL, *b = NULL;
    REQUIRE(slabbin_create(&a, ST, 8, cap, 0) == SLABBIN_OK);
    REQUIRE(slabbin_create(&b, ST, 8, cap, 0) == SLABBIN_OK);
    enum { N = 200 };
    void *v[N], *w[N];
    CHECK_RC(slabbin_alloc_batch(a, v, N), SLABBIN_OK);
    for (size_t i = 0; i < N; i++) CHECK_RC(slabbin_alloc(b, &w[i]), SLABBIN_OK);
    for (size_t i = 0; i < N; i++) {
        CHECK_EQ_U((uintptr_t)v[i] - (uintptr_t)v[i / cap * cap], (i % cap) * ST);
        CHECK_RC(slabbin_check(a, v[i]), SLABBIN_OK);
    }
    slabbin_stats_t sa = t_stats(a), sb = t_stats(b);
    CHECK(t_stats_equal(&sa, &sb));
    CHECK_EQ_U(sa.peak_live_slots, N);
    CHECK_VALID(a);
    /* v[100] becomes the top; a batch of slots of its word holding it is a double free */
    CHECK_RC(slabbin_free(a, v[100]), SLABBIN_OK);
    for (size_t at = 0; at < 8; at++) {
        void *batch[9];
        size_t k = 0, bad = SIZE_MAX;
        for (size_t j = 0; j < 9; j++) batch[j] = j == at ? v[100] : v[90 + k++];
        CHECK_RC(slabbin_free_batch(a, batch, 9, &bad), SLABBIN_EDOUBLEFREE);
        CHECK_EQ_U(bad, at);
        batch[at] = (unsigned char *)v[99] + 8;     /* an interior address */
        CHECK_RC(slabbin_free_batch(a, batch, 9, &bad), SLABBIN_EINTERIOR);
        CHECK_EQ_U(bad, at);
        CHECK_EQ_U(t_stats(a).live_slots, N - 1);
        for (size_t j = 90; j < 99; j++) CHECK_RC(slabbin_check(a, v[j]), SLABBIN_OK);
    }
    CHECK_VALID(a);
    /* everything but v[100], in one batch; then back in one batch, in list order */
    void *rest[N - 1];
    size_t k = 0;
    for (size_t i = 0; i < N; i++) {
        if (i != 100) rest[k++] = v[i];
    }
    size_t bad = SIZE_MAX;
    CHECK_RC(slabbin_free_batch(a, rest, N - 1, &bad), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_RC(slabbin_alloc_batch(a, w, N), SLABBIN_OK);
    for (size_t i = 0; i < N - 1; i++) CHECK(w[i] == rest[N - 2 - i]);
    CHECK(w[N - 1] == v[100]);
    CHECK_VALID(a);
    slabbin_destroy(a);
    slabbin_destroy(b);
}

int main(void) {
    static const size_t wcaps[] = {7, 64, 100, 1000};
    for (size_t c = 0; c < sizeof wcaps / sizeof wcaps[0]; c++) test_word_runs(wcaps[c]);
    static const size_t caps[] = {3, 7, 64, 100, 2048};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        size_t cap = caps[c];
        size_t n = cap < 100 ? 40 : 300;
        test_order(cap, n);
        test_free_repeat(cap, n);
        for (int kind = 0; kind < B_KINDS; kind++) {
            for (size_t k = 0; k < n; k += 1 + k / 8) test_bad_link(cap, n, k, kind);
            test_bad_link(cap, n, n - 1, kind);
        }
    }
    return test_summary();
}

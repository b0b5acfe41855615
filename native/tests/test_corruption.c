/*
 * test_corruption.c - use after free in checked mode: a freed slot's free-list link overwritten
 * with every kind of garbage (foreign, interior, live, itself, never handed out, another
 * allocator's slot, small integers, one past a slab, NULL), on the top of the list or deeper, in a
 * cycle, found by single, zeroed and batch allocation or by trim. Each is SLABBIN_ECORRUPT (or a
 * silent repair in trim), slabbin_last_corruption() names the slot, nothing live is ever handed
 * out, and the allocator stays usable. Debug mode's poisoning is test_debug.c.
 */
#include "test_util.h"

/* Simple live set for the corruption tests. */
typedef struct {
    void *p[512];
    size_t n;
} liveset_t;

static int live_has(const liveset_t *s, const void *p) {
    for (size_t i = 0; i < s->n; i++) {
        if (s->p[i] == p) return 1;
    }
    return 0;
}

static void live_add(liveset_t *s, void *p) {
    if (s->n < sizeof s->p / sizeof s->p[0]) s->p[s->n++] = p;
}

static void live_remove(liveset_t *s, const void *p) {
    for (size_t i = 0; i < s->n; i++) {
        if (s->p[i] == p) {
            s->p[i] = s->p[--s->n];
            return;
        }
    }
}

/* After an ECORRUPT: allocations succeed, never hand out a live slot, and everything frees. */
static void after_corruption(slabbin_t *a, liveset_t *live, const void *victim, size_t stride,
                             size_t align) {
    int victim_back = 0;
    for (int i = 0; i < 40; i++) {
        void *p = NULL;
        CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
        if (p == NULL) return;
        CHECK(!live_has(live, p));
        CHECK(t_aligned(p, align));
        memset(p, 0x5A, stride < 64 ? stride : 64);
        live_add(live, p);
        if (p == victim) victim_back = 1;
        CHECK_EQ_U(t_stats(a).live_slots, live->n);
    }
    if (victim != NULL) CHECK(victim_back);   /* the slot written after free is not lost */
    for (size_t i = 0; i < live->n; i++) CHECK_RC(slabbin_free(a, live->p[i]), SLABBIN_OK);
    for (size_t i = 0; i < live->n; i++) CHECK_RC(slabbin_free(a, live->p[i]), SLABBIN_EDOUBLEFREE);
    live->n = 0;
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    void *p = NULL;
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_VALID(a);
}

enum garbage_kind {
    G_FOREIGN, G_LIVE_INTERIOR, G_LIVE, G_SELF, G_UNUSED, G_OTHER_ALLOC, G_SMALL_INT,
    G_PAST_END, G_FREE_INTERIOR, G_COUNT
};

static void test_use_after_free_kind(int kind, int how) {
    enum { C = 8, SZ = 40, AL = 8, ST = 40 };
    slabbin_t *a = NULL, *other = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, C, 0), SLABBIN_OK);
    REQUIRE_RC(slabbin_create(&other, SZ, AL, C, 0), SLABBIN_OK);
    liveset_t live;
    live.n = 0;
    void *p[5];
    for (int i = 0; i < 5; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        live_add(&live, p[i]);
    }
    void *oslot = NULL;
    CHECK_RC(slabbin_alloc(other, &oslot), SLABBIN_OK);
    int local = 0;
    /* free p[3], then p[1] (top); the victim is the one whose link gets overwritten */
    CHECK_RC(slabbin_free(a, p[3]), SLABBIN_OK);
    live_remove(&live, p[3]);
    CHECK_RC(slabbin_free(a, p[1]), SLABBIN_OK);
    live_remove(&live, p[1]);
    void *victim = p[1];
    const void *garbage = NULL;
    switch (kind) {
    case G_FOREIGN: garbage = &local; break;
    case G_LIVE_INTERIOR: garbage = t_off(p[2], 3); break;
    case G_LIVE: garbage = p[4]; break;
    case G_SELF: garbage = victim; break;
    case G_UNUSED: garbage = t_off(p[4], 2 * ST); break;
    case G_OTHER_ALLOC: garbage = oslot; break;
    case G_SMALL_INT: garbage = (const void *)(uintptr_t)0x1001; break;
    case G_PAST_END: garbage = t_off(p[0], C * ST); break;
    default: garbage = t_off(p[3], 8); break;
    }
    t_poke_ptr(victim, garbage);
    slabbin_stats_t before = t_stats(a);
    void *q = NULL;
    switch (how) {
    case 0: CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT); break;
    case 1: CHECK_RC(slabbin_alloc_zeroed(a, &q), SLABBIN_ECORRUPT); break;
    default: {
        /* a batch large enough to need new slabs: all or nothing, those slabs released */
        void *batch[20];
        CHECK_RC(slabbin_alloc_batch(a, batch, 20), SLABBIN_ECORRUPT);
        for (int i = 0; i < 5; i++) CHECK_EQ(slabbin_is_allocated(a, p[i]), i != 1 && i != 3);
        break;
    }
    }
    void *named = NULL;
    size_t off = 99;
    CHECK_RC(slabbin_last_corruption(a, &named, &off), SLABBIN_OK);
    CHECK_PTR(named, victim);
    CHECK_EQ_U(off, 0);
    CHECK_VALID(a);
    slabbin_stats_t after = t_stats(a);
    CHECK_EQ_U(after.live_slots, before.live_slots);
    CHECK_EQ_U(after.slab_count, before.slab_count);
    CHECK_EQ_U(after.reserved_bytes, before.reserved_bytes);
    CHECK_EQ(slabbin_is_allocated(a, victim), 0);
    CHECK_RC(slabbin_free(a, victim), SLABBIN_EDOUBLEFREE);
    if (how == 2) {
        void *batch[20];
        CHECK_RC(slabbin_alloc_batch(a, batch, 20), SLABBIN_OK);
        for (int i = 0; i < 20; i++) {
            CHECK(!live_has(&live, batch[i]));
            live_add(&live, batch[i]);
        }
        for (int i = 0; i < 20; i++) {
            for (int j = i + 1; j < 20; j++) CHECK(batch[i] != batch[j]);
        }
        CHECK_EQ_U(t_stats(a).live_slots, live.n);
        /* the batch took the two free slots back */
        CHECK(live_has(&live, victim));
        CHECK(live_has(&live, p[3]));
    }
    after_corruption(a, &live, how == 2 ? NULL : victim, ST, AL);
    slabbin_destroy(a);
    slabbin_destroy(other);
}

/* The corrupted link is deeper in the list: found when that slot reaches the top. */
static void test_use_after_free_deep(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 16, 8, 16, 0), SLABBIN_OK);
    liveset_t live;
    live.n = 0;
    void *p[8];
    for (int i = 0; i < 8; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        live_add(&live, p[i]);
    }
    for (int i = 0; i < 4; i++) {
        CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);   /* list: p3 p2 p1 p0 */
        live_remove(&live, p[i]);
    }
    t_poke_ptr(p[1], p[6]);   /* p1's link now names a live slot */
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[3]);
    live_add(&live, q);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[2]);
    live_add(&live, q);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
    void *named = NULL;
    size_t off = 99;
    CHECK_RC(slabbin_last_corruption(a, &named, &off), SLABBIN_OK);
    CHECK_PTR(named, p[1]);                         /* the slot whose link was bad */
    CHECK_EQ_U(off, 0);
    CHECK_EQ_U(t_stats(a).live_slots, 6);
    after_corruption(a, &live, p[1], 16, 8);
    slabbin_destroy(a);
}

/* Corruption on a slot that is in a free list cycle of length two: caught on the second pop. */
static void test_use_after_free_cycle(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 16, 8, 16, 0), SLABBIN_OK);
    liveset_t live;
    live.n = 0;
    void *p[4];
    for (int i = 0; i < 4; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        live_add(&live, p[i]);
    }
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[1]), SLABBIN_OK);   /* list: p1 -> p0 */
    live_remove(&live, p[0]);
    live_remove(&live, p[1]);
    t_poke_ptr(p[0], p[1]);                         /* p1 -> p0 -> p1 -> ... */
    void *q = NULL, *r = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[1]);
    live_add(&live, q);
    int rc = slabbin_alloc(a, &r);
    if (rc == SLABBIN_OK) {
        /* p0 may be handed out, but then p1 (live) must never come back */
        CHECK_PTR(r, p[0]);
        live_add(&live, r);
        CHECK_RC(slabbin_alloc(a, &r), SLABBIN_ECORRUPT);
    } else {
        CHECK_RC(rc, SLABBIN_ECORRUPT);
    }
    after_corruption(a, &live, p[0], 16, 8);
    slabbin_destroy(a);
}

/* trim() repairs a corrupted free list before releasing slabs. */
static void test_trim_after_corruption(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 32, 8, 4, 0), SLABBIN_OK);
    liveset_t live;
    live.n = 0;
    void *p[12];
    for (int i = 0; i < 12; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        live_add(&live, p[i]);
    }
    for (int i = 4; i < 8; i++) {   /* slab 1 empty */
        CHECK_RC(slabbin_free(a, p[i]), SLABBIN_OK);
        live_remove(&live, p[i]);
    }
    CHECK_RC(slabbin_free(a, p[9]), SLABBIN_OK);
    live_remove(&live, p[9]);
    t_poke_ptr(p[9], p[0]);        /* top of the list now names a live slot */
    CHECK_EQ_U(slabbin_trim(a), 4 * 32);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK_EQ_U(t_stats(a).live_slots, 7);
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[9]);             /* the only free slot left */
    live_add(&live, q);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).slab_count, 3);
    CHECK(!live_has(&live, q));
    live_add(&live, q);
    for (size_t i = 0; i < live.n; i++) CHECK_RC(slabbin_free(a, live.p[i]), SLABBIN_OK);
    CHECK_EQ_U(t_stats(a).live_slots, 0);
    CHECK_EQ_U(slabbin_trim(a), 3 * 4 * 32);
    slabbin_destroy(a);
}

static void test_use_after_free(void) {
    for (int kind = 0; kind < G_COUNT; kind++) {
        for (int how = 0; how < 3; how++) test_use_after_free_kind(kind, how);
    }
    test_use_after_free_deep();
    test_use_after_free_cycle();
    test_trim_after_corruption();
}

/* Checked mode without debug reports its link corruption through slabbin_last_corruption() too. */
static void test_checked_mode_reports(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 36, 4, 8, 0), SLABBIN_OK);
    void *p[4];
    for (int i = 0; i < 4; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[2]), SLABBIN_OK);
    t_poke_ptr(p[2], p[1]);                        /* a live slot */
    void *q = NULL, *bad = NULL;
    size_t off = 5;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
    CHECK_RC(slabbin_last_corruption(a, &bad, &off), SLABBIN_OK);
    CHECK_PTR(bad, p[2]);
    CHECK_EQ_U(off, 0);
    CHECK_VALID(a);
    /* the list cut short (the bottom link set to NULL): found at the bump, slot unknown */
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, q), SLABBIN_OK);
    void *r = NULL;
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);
    CHECK_PTR(r, q);
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);   /* the last free slot */
    CHECK_RC(slabbin_free(a, r), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, q), SLABBIN_OK);      /* list: q -> r */
    t_poke_ptr(q, NULL);
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_OK);   /* q, as the last free slot */
    CHECK_RC(slabbin_alloc(a, &r), SLABBIN_ECORRUPT);
    CHECK_RC(slabbin_last_corruption(a, &bad, &off), SLABBIN_OK);
    CHECK_PTR(bad, NULL);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

int main(void) {
    test_use_after_free();
    test_checked_mode_reports();
    return test_summary();
}

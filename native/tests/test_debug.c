/*
 * test_debug.c - debug mode (SLABBIN_DEBUG): every free path poisons the slot, every pop from the
 * free list verifies the poison, a damaged slot is reported by SLABBIN_ECORRUPT with
 * slabbin_last_corruption() naming it and its first damaged byte, and the allocator stays usable
 * with its counts unchanged. slabbin_validate() is called after every step.
 */
#include "test_util.h"

enum { SZ = 36, AL = 4, CAP = 8, ST = 36 };

/* The ways an allocation pops the free list. */
enum pop_path { P_ALLOC, P_ZEROED, P_BATCH, P_UPTO, P_COUNT };

static const char *const path_names[P_COUNT] = {"alloc", "alloc_zeroed", "alloc_batch",
                                                "alloc_upto"};

/* One allocation through `path` (batch and upto ask for `n` slots); *first gets the first slot. */
static int pop_via(slabbin_t *a, int path, size_t n, void **first) {
    void *arr[16] = {NULL};
    size_t got = 99;
    int rc;
    switch (path) {
    case P_ALLOC: rc = slabbin_alloc(a, &arr[0]); break;
    case P_ZEROED: rc = slabbin_alloc_zeroed(a, &arr[0]); break;
    case P_BATCH: rc = slabbin_alloc_batch(a, arr, n); break;
    default:
        rc = slabbin_alloc_upto(a, arr, n, &got);
        CHECK_EQ_U(got, rc == SLABBIN_OK ? n : 0);
        break;
    }
    *first = arr[0];
    return rc;
}

static void test_flags(void) {
    slabbin_t *a = NULL;
    CHECK_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG | SLABBIN_UNCHECKED), SLABBIN_EINVAL);
    CHECK_PTR(a, NULL);
    CHECK_RC(slabbin_create(&a, SZ, AL, CAP, 4u), SLABBIN_EINVAL);
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG), SLABBIN_OK);
    CHECK_EQ(slabbin_is_unchecked(a), 0);
    void *p = NULL, *q = NULL;
    size_t off = 7;
    CHECK_RC(slabbin_last_corruption(a, &q, &off), SLABBIN_EINVAL);   /* none reported yet */
    CHECK_EQ_U(off, 7);
    /* debug implies checked: refused frees as in checked mode */
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, t_off(p, 4)), SLABBIN_EINTERIOR);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_EDOUBLEFREE);
    CHECK_VALID(a);
    CHECK_RC(slabbin_last_corruption(NULL, &q, &off), SLABBIN_EINVAL);
    slabbin_destroy(a);
}

/* Outside debug mode the poison calls do nothing. */
static void test_poison_calls_outside_debug(void) {
    for (unsigned flags = 0; flags <= SLABBIN_UNCHECKED; flags++) {
        slabbin_t *a = NULL;
        REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, flags), SLABBIN_OK);
        void *p = NULL;
        CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
        t_fill(p, SZ, 11);
        slabbin_poison(a, p);
        CHECK(t_verify(p, SZ, 11));
        CHECK_EQ(slabbin_poison_damage(a, p, 0), -1);
        slabbin_destroy(a);
    }
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG), SLABBIN_OK);
    void *p = NULL;
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    t_fill(p, SZ, 12);
    slabbin_poison(a, p);
    CHECK(t_all_bytes(p, ST, SLABBIN_POISON_BYTE));
    CHECK_EQ(slabbin_poison_damage(a, p, 0), -1);
    ((unsigned char *)p)[5] = 1;
    ((unsigned char *)p)[20] = 2;
    CHECK_EQ(slabbin_poison_damage(a, p, 0), 5);
    CHECK_EQ(slabbin_poison_damage(a, p, 6), 20);
    CHECK_EQ(slabbin_poison_damage(a, p, 21), -1);
    CHECK_EQ(slabbin_poison_damage(a, p, ST), -1);
    CHECK_EQ(slabbin_poison_damage(NULL, p, 0), -1);
    slabbin_poison(a, NULL);                        /* no-op */
    slabbin_destroy(a);
}

/* Every free path leaves bytes [sizeof(void *), stride) poisoned. */
static void test_free_paths_poison(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG), SLABBIN_OK);
    void *p[6];
    for (int i = 0; i < 6; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        t_fill(p[i], SZ, (uint32_t)i + 1u);
    }
    CHECK_RC(slabbin_free(a, p[5]), SLABBIN_OK);   /* the slot handed out last */
    CHECK_EQ(slabbin_poison_damage(a, p[5], sizeof(void *)), -1);
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);   /* onto a non-empty list */
    CHECK_EQ(slabbin_poison_damage(a, p[0], sizeof(void *)), -1);
    void *batch[2] = {p[2], p[3]};
    CHECK_RC(slabbin_free_batch(a, batch, 2, NULL), SLABBIN_OK);
    CHECK_EQ(slabbin_poison_damage(a, p[2], sizeof(void *)), -1);
    CHECK_EQ(slabbin_poison_damage(a, p[3], sizeof(void *)), -1);
    CHECK(t_verify(p[1], SZ, 2));                  /* the live slot is untouched */
    CHECK_VALID(a);
    /* popped again intact, LIFO as always */
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[3]);
    CHECK_RC(slabbin_alloc_zeroed(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[2]);
    CHECK(t_all_bytes(q, SZ, 0));
    /* alloc and free one at a time: every round poisons and verifies */
    for (int i = 0; i < 3; i++) {
        CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
        CHECK_PTR(q, p[0]);
        t_fill(q, SZ, 99);
        CHECK_RC(slabbin_free(a, q), SLABBIN_OK);
        CHECK_EQ(slabbin_poison_damage(a, q, sizeof(void *)), -1);
        CHECK_VALID(a);
    }
    slabbin_destroy(a);
}

/* A byte at `off` of a freed slot is damaged; the pop through `path` that reaches it reports it.
 * deep = 0: the slot is the top of the list; 1: below the top (the first pop succeeds); 2: the
 * only free slot (the pop that empties the list). */
static void damage_case(int path, int deep, size_t off) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG), SLABBIN_OK);
    void *p[6];
    for (int i = 0; i < 6; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    void *victim;
    if (deep == 2) {
        CHECK_RC(slabbin_free(a, p[4]), SLABBIN_OK);
        victim = p[4];
    } else {
        CHECK_RC(slabbin_free(a, p[1]), SLABBIN_OK);
        CHECK_RC(slabbin_free(a, p[3]), SLABBIN_OK);   /* list: p3 -> p1 */
        victim = deep ? p[1] : p[3];
    }
    ((unsigned char *)victim)[off] = 0x42;
    void *q = NULL;
    if (deep == 1 && path != P_BATCH && path != P_UPTO) {
        CHECK_RC(pop_via(a, path, 1, &q), SLABBIN_OK);
        CHECK_PTR(q, p[3]);
    }
    slabbin_stats_t before = t_stats(a);
    size_t n = path == P_UPTO ? (deep == 2 ? 3 : 4) : 3;   /* upto: every free slot reserved */
    int rc = pop_via(a, path, n, &q);
    if (rc != SLABBIN_ECORRUPT) {
        fprintf(stderr, "  path %s, deep %d, offset %zu\n", path_names[path], deep, off);
    }
    CHECK_RC(rc, SLABBIN_ECORRUPT);
    void *bad = NULL;
    size_t bad_off = 12345;
    CHECK_RC(slabbin_last_corruption(a, &bad, &bad_off), SLABBIN_OK);
    CHECK_PTR(bad, victim);
    CHECK_EQ_U(bad_off, off);
    slabbin_stats_t after = t_stats(a);
    CHECK(t_stats_equal(&before, &after));         /* nothing allocated */
    CHECK_EQ(slabbin_is_allocated(a, victim), 0);
    CHECK_EQ(slabbin_poison_damage(a, victim, sizeof(void *)), -1);   /* poisoned again */
    CHECK_VALID(a);
    /* the next call succeeds and hands out the same slots as before the damage */
    rc = pop_via(a, path, n, &q);
    CHECK_RC(rc, SLABBIN_OK);
    CHECK_PTR(q, deep == 1 && (path == P_BATCH || path == P_UPTO) ? p[3] : victim);
    CHECK_EQ(slabbin_is_allocated(a, victim), 1);
    if (path == P_ZEROED) CHECK(t_all_bytes(q, SZ, 0));
    CHECK_VALID(a);
    /* the reported corruption stays until the next one */
    CHECK_RC(slabbin_last_corruption(a, &bad, &bad_off), SLABBIN_OK);
    CHECK_PTR(bad, victim);
    slabbin_destroy(a);
}

static void test_damage_every_path(void) {
    const size_t offs[] = {sizeof(void *), sizeof(void *) + 1, ST / 2, ST - 1};
    for (int path = 0; path < P_COUNT; path++) {
        for (int deep = 0; deep < 3; deep++) {
            for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
                damage_case(path, deep, offs[i]);
            }
        }
    }
}

/* A damaged link (a write in the first sizeof(void *) bytes) is reported at offset 0; the list
 * is rebuilt and poisoned again, so the next call succeeds. */
static void test_damaged_link(void) {
    const void *garbage[3] = {NULL, (const void *)(uintptr_t)0x1001, NULL};
    for (int k = 0; k < 3; k++) {
        slabbin_t *a = NULL;
        REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG), SLABBIN_OK);
        void *p[4];
        for (int i = 0; i < 4; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
        CHECK_RC(slabbin_free(a, p[2]), SLABBIN_OK);   /* list: p2 -> p0 */
        void *victim = k == 2 ? p[0] : p[2];           /* k = 2: the bottom's link set to NULL */
        t_poke_ptr(victim, garbage[k]);
        ((unsigned char *)victim)[ST - 1] = 0;         /* and a byte after the link too */
        slabbin_stats_t before = t_stats(a);
        void *q = NULL;
        if (k == 2) {
            CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
            CHECK_PTR(q, p[2]);
        }
        CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
        void *bad = NULL;
        size_t off = 99;
        CHECK_RC(slabbin_last_corruption(a, &bad, &off), SLABBIN_OK);
        CHECK_PTR(bad, victim);
        CHECK_EQ_U(off, 0);
        if (k != 2) {
            slabbin_stats_t after = t_stats(a);
            CHECK(t_stats_equal(&before, &after));
        }
        CHECK_VALID(a);
        CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);   /* every free slot poisoned again */
        CHECK(q == p[0] || q == p[2]);
        CHECK_VALID(a);
        slabbin_destroy(a);
    }
}

/* free_batch poisons every slot; the damaged one is found when its pop comes. */
static void test_batch_free_then_damage(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG), SLABBIN_OK);
    void *p[8];
    CHECK_RC(slabbin_alloc_batch(a, p, 8), SLABBIN_OK);
    for (int i = 0; i < 8; i++) t_fill(p[i], SZ, (uint32_t)i);
    void *batch[3] = {p[0], p[2], p[4]};
    CHECK_RC(slabbin_free_batch(a, batch, 3, NULL), SLABBIN_OK);   /* list: p4 -> p2 -> p0 */
    ((unsigned char *)p[2])[ST / 2] ^= 1;
    CHECK_VALID(a);
    void *q[3] = {NULL};
    CHECK_RC(slabbin_alloc_batch(a, q, 3), SLABBIN_ECORRUPT);
    CHECK_EQ(slabbin_is_allocated(a, p[4]), 0);   /* the batch took nothing */
    CHECK_EQ_U(t_stats(a).live_slots, 5);
    CHECK_VALID(a);
    CHECK_RC(slabbin_alloc_batch(a, q, 3), SLABBIN_OK);
    CHECK_PTR(q[0], p[4]);
    CHECK_PTR(q[1], p[2]);
    CHECK_PTR(q[2], p[0]);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* reset poisons every slot handed out before it; slots bumped afresh are not checked. */
static void test_reset_poisons(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, CAP, SLABBIN_DEBUG), SLABBIN_OK);
    void *p[11];
    for (int i = 0; i < 11; i++) {
        CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
        t_fill(p[i], SZ, (uint32_t)i + 7u);
    }
    CHECK_RC(slabbin_free(a, p[3]), SLABBIN_OK);
    unsigned char *never = t_off(p[10], ST);       /* never handed out: left as it is */
    memset(never, 0x11, ST);
    slabbin_reset(a);
    CHECK_VALID(a);
    for (int i = 0; i < 11; i++) CHECK(t_all_bytes(p[i], ST, SLABBIN_POISON_BYTE));
    CHECK(t_all_bytes(never, ST, 0x11));
    /* reuse: the bump walks the kept slabs again; written slots are handed out unchecked */
    ((unsigned char *)p[0])[ST - 1] = 0;
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[0]);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[1]);
    CHECK_RC(slabbin_free(a, p[0]), SLABBIN_OK);
    ((unsigned char *)p[0])[sizeof(void *)] = 0;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[0]);
    CHECK_EQ_U(t_stats(a).live_slots, 2);
    CHECK_EQ_U(t_stats(a).slab_count, 2);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* trim keeps the free slots of kept slabs poisoned; the list it rebuilds still verifies. */
static void test_trim_keeps_poison(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, SZ, AL, 2, SLABBIN_DEBUG), SLABBIN_OK);
    void *p[6];
    for (int i = 0; i < 6; i++) CHECK_RC(slabbin_alloc(a, &p[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[2]), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p[3]), SLABBIN_OK);   /* slab 1 empty */
    CHECK_RC(slabbin_free(a, p[5]), SLABBIN_OK);
    CHECK_EQ_U(slabbin_trim(a), 2 * ST);
    CHECK_VALID(a);
    CHECK_EQ(slabbin_poison_damage(a, p[5], sizeof(void *)), -1);
    ((unsigned char *)p[5])[9] = 3;
    void *q = NULL;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p[5]);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

/* The smallest strides: 8 (nothing after the link) and 9 (one byte after it). */
static void test_small_strides(void) {
    slabbin_t *a = NULL;
    REQUIRE_RC(slabbin_create(&a, 1, 1, 4, SLABBIN_DEBUG), SLABBIN_OK);
    void *p = NULL, *q = NULL;
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_PTR(q, p);
    slabbin_destroy(a);
    REQUIRE_RC(slabbin_create(&a, 9, 1, 4, SLABBIN_DEBUG), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &p), SLABBIN_OK);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_RC(slabbin_free(a, p), SLABBIN_OK);
    ((unsigned char *)p)[8] = 0;
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_ECORRUPT);
    void *bad = NULL;
    size_t off = 0;
    CHECK_RC(slabbin_last_corruption(a, &bad, &off), SLABBIN_OK);
    CHECK_PTR(bad, p);
    CHECK_EQ_U(off, 8);
    CHECK_RC(slabbin_alloc(a, &q), SLABBIN_OK);
    CHECK_VALID(a);
    slabbin_destroy(a);
}

int main(void) {
    test_flags();
    test_poison_calls_outside_debug();
    test_free_paths_poison();
    test_damage_every_path();
    test_damaged_link();
    test_batch_free_then_damage();
    test_reset_poisons();
    test_trim_keeps_poison();
    test_small_strides();
    return test_summary();
}

/*
 * test_faults.c - native out-of-memory injection over every system allocation of every API path,
 * against slabbin_core_faults (slabbin_faults.h).
 *
 * Each scenario builds an allocator in a given state (faults off), then makes one API call. A first
 * run counts the system allocations that call makes (T). Then for every N in 1..T, on a fresh
 * allocator in the same state, the N-th allocation fails, and:
 *   - the call reports it: SLABBIN_ENOMEM (create: and *out == NULL; trim: 0 bytes released);
 *   - slabbin_validate() passes and the statistics are exactly as before the call;
 *   - with faults off again, the same call succeeds with the statistics of the first run;
 *   - the allocator is fully usable: a round of allocations (single, zeroed, batch) across new
 *     slabs with a pattern in every slot, frees (single and batch), trim, all validated, then
 *     destroy (the ASan build of this test reports any block left behind).
 * Calls that need no system allocation (free_batch, reset, a debug-mode pop) must make none.
 * Prints the number of fault points exercised.
 */
#include "slabbin_faults.h"
#include "slabbin_validate.h"
#include "test_util.h"

enum { MAX_SLOTS = 1024 };

typedef struct {
    slabbin_t *a;
    void *live[MAX_SLOTS];
    size_t nlive;
    size_t expect_trim;        /* trim scenarios: bytes the trim releases */
} ctx_t;

typedef struct scenario {
    const char *name;
    unsigned flags;
    size_t size, align, cap;
    size_t setup_live;         /* slots allocated (one at a time) before the call */
    size_t setup_free;         /* of those, the last ones freed again */
    int allocates;             /* the call needs at least one system allocation */
    int (*call)(ctx_t *c, const struct scenario *sc);
    size_t arg;                /* scenario-specific (batch size, ...) */
} scenario_t;

static uint64_t g_points;

static void check_valid(const slabbin_t *a) {
    char why[200];
    int rc = slabbin_validate(a, why, sizeof why);
    if (rc != SLABBIN_OK) fprintf(stderr, "    validate: %s\n", why);
    CHECK_RC(rc, SLABBIN_OK);
}

static void add_live(ctx_t *c, void *p) {
    if (c->nlive < MAX_SLOTS) c->live[c->nlive++] = p;
}

/* ---- the calls under test (each one API call; the slots it hands out join c->live) ---- */

static int call_create(ctx_t *c, const scenario_t *sc) {
    c->a = (slabbin_t *)&c->a;                     /* must become NULL on failure */
    int rc = slabbin_create(&c->a, sc->size, sc->align, sc->cap, sc->flags);
    if (rc != SLABBIN_OK) CHECK_PTR(c->a, NULL);
    return rc;
}

static int call_alloc(ctx_t *c, const scenario_t *sc) {
    (void)sc;
    void *p = NULL;
    int rc = slabbin_alloc(c->a, &p);
    if (rc == SLABBIN_OK) add_live(c, p);
    return rc;
}

static int call_alloc_zeroed(ctx_t *c, const scenario_t *sc) {
    void *p = NULL;
    int rc = slabbin_alloc_zeroed(c->a, &p);
    if (rc == SLABBIN_OK) {
        CHECK(t_all_bytes(p, sc->size, 0));
        add_live(c, p);
    }
    return rc;
}

static int call_alloc_batch(ctx_t *c, const scenario_t *sc) {
    void *slots[MAX_SLOTS];
    int rc = slabbin_alloc_batch(c->a, slots, sc->arg);
    if (rc == SLABBIN_OK) {
        for (size_t i = 0; i < sc->arg; i++) add_live(c, slots[i]);
    }
    return rc;
}

static int call_alloc_upto(ctx_t *c, const scenario_t *sc) {
    void *slots[MAX_SLOTS];
    size_t n = 99;
    int rc = slabbin_alloc_upto(c->a, slots, sc->arg, &n);
    if (rc == SLABBIN_OK) {
        CHECK(n >= 1 && n <= sc->arg);
        for (size_t i = 0; i < n; i++) add_live(c, slots[i]);
    } else {
        CHECK_EQ_U(n, 0);
    }
    return rc;
}

static int call_free_batch(ctx_t *c, const scenario_t *sc) {
    size_t n = sc->arg < c->nlive ? sc->arg : c->nlive;
    int rc = slabbin_free_batch(c->a, c->live + (c->nlive - n), n, NULL);
    if (rc == SLABBIN_OK) c->nlive -= n;
    return rc;
}

static int call_reset(ctx_t *c, const scenario_t *sc) {
    (void)sc;
    slabbin_reset(c->a);
    c->nlive = 0;
    return SLABBIN_OK;
}

/* trim has no status: all it promised (expect_trim bytes), or nothing and SLABBIN_ENOMEM. */
static int call_trim(ctx_t *c, const scenario_t *sc) {
    (void)sc;
    size_t got = slabbin_trim(c->a);
    if (got == c->expect_trim) return SLABBIN_OK;
    CHECK_EQ_U(got, 0);
    return SLABBIN_ENOMEM;
}

/* ---- state, usability, one scenario ---- */

/* A fresh allocator in the scenario's state (faults off); 0 if that failed. */
static int setup(ctx_t *c, const scenario_t *sc) {
    memset(c, 0, sizeof *c);
    slabbin_fault_arm(0);
    if (sc->call == call_create) return 1;
    if (slabbin_create(&c->a, sc->size, sc->align, sc->cap, sc->flags) != SLABBIN_OK) return 0;
    for (size_t i = 0; i < sc->setup_live; i++) {
        void *p;
        if (slabbin_alloc(c->a, &p) != SLABBIN_OK) return 0;
        add_live(c, p);
    }
    if (slabbin_free_batch(c->a, c->live + (c->nlive - sc->setup_free), sc->setup_free, NULL) !=
        SLABBIN_OK) {
        return 0;
    }
    c->nlive -= sc->setup_free;
    if (sc->call == call_trim) {
        /* empty every other slab: trim then releases those (and the untouched ones) */
        slabbin_stats_t st = t_stats(c->a);
        size_t kept = 0, empty = 0;
        for (size_t i = 0; i < c->nlive; i++) {
            if ((i / sc->cap) % 2 == 1) {
                if (slabbin_free(c->a, c->live[i]) != SLABBIN_OK) return 0;
            } else {
                c->live[kept++] = c->live[i];
            }
        }
        for (size_t s = 0; s < st.slab_count; s++) empty += s % 2 == 1 || s * sc->cap >= c->nlive;
        c->nlive = kept;
        c->expect_trim = empty * sc->cap * (size_t)st.stride;
    }
    return 1;
}

static void teardown(ctx_t *c) {
    slabbin_fault_arm(0);
    slabbin_destroy(c->a);
    c->a = NULL;
}

/* After a fault: allocations across new slabs (single, zeroed, batch), patterns, frees (single
 * and batch), trim, each validated. */
static void exercise(ctx_t *c, const scenario_t *sc) {
    size_t base = c->nlive;
    size_t want = 2 * sc->cap + 3;
    if (base + want > MAX_SLOTS) want = MAX_SLOTS - base;
    for (size_t i = 0; i < want; i++) {
        void *p = NULL;
        int rc = i % 3 == 0 ? slabbin_alloc_batch(c->a, &p, 1)
                 : i % 3 == 1 ? slabbin_alloc_zeroed(c->a, &p)
                              : slabbin_alloc(c->a, &p);
        CHECK_RC(rc, SLABBIN_OK);
        if (rc != SLABBIN_OK) return;
        CHECK(t_aligned(p, sc->align));
        t_fill(p, sc->size, (uint32_t)i);
        add_live(c, p);
    }
    check_valid(c->a);
    for (size_t i = 0; i < want; i++) CHECK(t_verify(c->live[base + i], sc->size, (uint32_t)i));
    size_t half = c->nlive / 2;
    for (size_t i = 0; i < half; i++) CHECK_RC(slabbin_free(c->a, c->live[i]), SLABBIN_OK);
    CHECK_RC(slabbin_free_batch(c->a, c->live + half, c->nlive - half, NULL), SLABBIN_OK);
    c->nlive = 0;
    CHECK_EQ_U(t_stats(c->a).live_slots, 0);
    slabbin_trim(c->a);
    CHECK_EQ_U(t_stats(c->a).slab_count, 0);
    check_valid(c->a);
}

static void run(const scenario_t *sc) {
    ctx_t c;
    if (!setup(&c, sc)) {
        CHECK(0 && "scenario setup failed");
        fprintf(stderr, "    scenario %s\n", sc->name);
        teardown(&c);
        return;
    }
    slabbin_fault_arm(0);
    int rc = sc->call(&c, sc);
    uint64_t total = slabbin_fault_count();
    CHECK_RC(rc, SLABBIN_OK);
    if (sc->allocates) {
        CHECK(total > 0);
    } else {
        CHECK_EQ_U(total, 0);
    }
    slabbin_stats_t reference = t_stats(c.a);
    teardown(&c);
    long failed_before = t_failed;
    for (uint64_t n = 1; n <= total && t_failed == failed_before; n++) {
        if (!setup(&c, sc)) {
            CHECK(0 && "scenario setup failed");
            teardown(&c);
            return;
        }
        slabbin_stats_t before = t_stats(c.a);
        slabbin_fault_arm(n);
        rc = sc->call(&c, sc);
        uint64_t tried = slabbin_fault_count();
        slabbin_fault_arm(0);
        g_points++;
        CHECK(tried >= n);                         /* the armed allocation was reached */
        CHECK_RC(rc, SLABBIN_ENOMEM);
        if (c.a != NULL) {
            check_valid(c.a);
            slabbin_stats_t after = t_stats(c.a);
            CHECK(t_stats_equal(&before, &after));
        }
        CHECK_RC(sc->call(&c, sc), SLABBIN_OK);    /* the same call, faults off */
        slabbin_stats_t again = t_stats(c.a);
        CHECK(t_stats_equal(&again, &reference));
        exercise(&c, sc);
        teardown(&c);
        if (t_failed != failed_before) {
            fprintf(stderr, "    scenario %s, allocation %llu of %llu failing\n", sc->name,
                    (unsigned long long)n, (unsigned long long)total);
        }
    }
}

int main(void) {
    static const unsigned modes[3] = {0, SLABBIN_UNCHECKED, SLABBIN_DEBUG};
    static const char *const mode_names[3] = {"checked", "unchecked", "debug"};
    uint64_t scenarios = 0;
    for (int m = 0; m < 3; m++) {
        unsigned f = modes[m];
        const scenario_t list[] = {
            {"create", f, 24, 8, 4, 0, 0, 1, call_create, 0},
            {"first alloc", f, 24, 8, 4, 0, 0, 1, call_alloc, 0},
            {"alloc needing a new slab", f, 40, 16, 4, 8, 0, 1, call_alloc, 0},
            {"alloc from the free list", f, 40, 16, 4, 6, 2, 0, call_alloc, 0},
            {"alloc_zeroed, first", f, 100, 4, 3, 0, 0, 1, call_alloc_zeroed, 0},
            {"alloc_zeroed needing a new slab", f, 9, 1, 5, 5, 0, 1, call_alloc_zeroed, 0},
            {"alloc_batch crossing slabs", f, 24, 8, 4, 7, 2, 1, call_alloc_batch, 23},
            {"alloc_batch within the free list", f, 24, 8, 4, 8, 5, 0, call_alloc_batch, 4},
            {"alloc_upto, none free", f, 32, 32, 6, 12, 0, 1, call_alloc_upto, 4},
            {"alloc_upto, some free", f, 32, 32, 6, 10, 3, 0, call_alloc_upto, 9},
            {"free_batch", f, 24, 8, 4, 13, 0, 0, call_free_batch, 9},
            {"trim", f, 24, 8, 4, 24, 3, 1, call_trim, 0},
            {"trim, many slabs", f, 16, 8, 1, 70, 0, 1, call_trim, 0},
            {"reset", f, 24, 8, 4, 13, 2, 0, call_reset, 0},
            /* slabs[] and owner-table growth: one slot per slab */
            {"alloc at 4 slabs", f, 8, 8, 1, 4, 0, 1, call_alloc, 0},
            {"alloc at 8 slabs", f, 8, 8, 1, 8, 0, 1, call_alloc, 0},
            {"alloc at 15 slabs", f, 8, 8, 1, 15, 0, 1, call_alloc, 0},
            {"alloc at 16 slabs", f, 8, 8, 1, 16, 0, 1, call_alloc, 0},
            {"alloc at 32 slabs", f, 8, 8, 1, 32, 0, 1, call_alloc, 0},
            {"alloc_batch of 200 one-slot slabs", f, 8, 8, 1, 3, 0, 1, call_alloc_batch, 200},
            {"alloc_batch, 2 MiB alignment", f, 64, SLABBIN_MAX_ALIGNMENT, 2, 1, 0, 1,
             call_alloc_batch, 5},
        };
        for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
            long before = t_failed;
            run(&list[i]);
            scenarios++;
            if (t_failed != before) fprintf(stderr, "  (%s mode)\n", mode_names[m]);
        }
    }
    printf("test_faults: %llu fault points exercised in %llu scenarios\n",
           (unsigned long long)g_points, (unsigned long long)scenarios);
    CHECK(g_points > 0);
    return test_summary();
}

/*
 * test_model.c - randomized model test. A fixed-seed PRNG drives allocations (single, zeroed,
 * batch), frees (single, batch, some refused ones in checked mode), resets and trims, against a
 * model that predicts every address:
 *   - the free list is LIFO: the slot freed last comes back first;
 *   - otherwise the bump hands out the next never-used slot, walking the slabs in the order they
 *     were reserved, and only then reserves a new slab;
 *   - with growth, a new slab holds the initial capacity if no slab is held, else twice the slots
 *     of the last (largest) slab held, at most the slab capacity: the model knows every slab's
 *     capacity, hence where each slab ends and the next begins;
 *   - after a trim the order of the remaining free slots is not promised: the model only requires
 *     that they come back (any order) before the bump resumes, and LIFO holds for later frees.
 * Every live slot carries a pattern over its whole slot size, checked before it is freed (catches
 * overlapping slots); every address is checked for alignment; statistics are checked after every
 * operation (reserved bytes and slots exact, their peak); trim must release exactly the slabs
 * without a live slot and return their bytes. slabbin_validate() checks
 * every internal invariant after every operation. In debug mode every slot freed must be
 * poisoned, and stay so while it is free.
 */
#include "test_util.h"

enum { ST_UNUSED = 0, ST_LIVE = 1, ST_FREE = 2, ST_FREE_UNORDERED = 3 };

typedef struct mslab {
    uintptr_t base;
    size_t cap, bytes;       /* slots, and cap * stride */
    size_t live;
    unsigned char state[];   /* per slot, ST_* */
} mslab_t;

typedef struct {
    void *p;
    uint32_t tag;
} mlive_t;

typedef struct {
    size_t size, align, cap, init, stride;
    uint64_t peak_reserved;
    int checked;
    int debug;
    slabbin_t *a;

    mslab_t **by_addr;   /* sorted by base */
    mslab_t **by_order;  /* reservation order */
    size_t nslabs, slabs_cap;
    long cur;            /* bump slab in by_order, -1 = none */
    size_t bumped;       /* slots of by_order[cur] handed out by the bump */

    mlive_t *live;
    size_t nlive, live_cap;
    uint64_t peak;

    void **stack;        /* free slots in LIFO order (top = last) */
    size_t nstack, stack_cap;
    size_t unordered;    /* free slots of unknown order, below the stack (after a trim) */

    uint32_t tag;
    uint64_t rng;
    uint64_t ops;
    char history[16][48];   /* the last operations, printed when the model stops */
    unsigned nhistory;
} model_t;

static void note(model_t *m, const char *what, size_t n) {
    snprintf(m->history[m->nhistory++ % 16], sizeof m->history[0], "op %llu: %s %zu",
             (unsigned long long)m->ops, what, n);
}

static uint64_t rnd(model_t *m) {   /* splitmix64 */
    uint64_t z = (m->rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static size_t rnd_below(model_t *m, size_t n) { return (size_t)(rnd(m) % (uint64_t)n); }

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (q == NULL) {
        fprintf(stderr, "out of memory in the test model\n");
        exit(2);
    }
    return q;
}

/* Index in by_addr of the slab holding address u, or -1. */
static long find_slab(const model_t *m, uintptr_t u) {
    size_t lo = 0, hi = m->nslabs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->by_addr[mid]->base <= u) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) return -1;
    const mslab_t *s = m->by_addr[lo - 1];
    return u - s->base < s->bytes ? (long)(lo - 1) : -1;
}

static mslab_t *slab_of(const model_t *m, const void *p) {
    long i = find_slab(m, (uintptr_t)p);
    return i < 0 ? NULL : m->by_addr[i];
}

/* The capacity of the next slab reserved: growth from the last (largest) slab held. */
static size_t next_cap(const model_t *m) {
    if (m->nslabs == 0) return m->init;
    size_t last = m->by_order[m->nslabs - 1]->cap;
    return 2 * last < m->cap ? 2 * last : m->cap;
}

/* Adds a slab reserved at `base` (of next_cap() slots); 0 if it would overlap a known slab. */
static int add_slab(model_t *m, uintptr_t base) {
    size_t cap = next_cap(m), bytes = cap * m->stride;
    size_t pos = 0;
    while (pos < m->nslabs && m->by_addr[pos]->base < base) pos++;   /* rare: new slabs only */
    if (pos > 0 && m->by_addr[pos - 1]->base + m->by_addr[pos - 1]->bytes > base) return 0;
    if (pos < m->nslabs && base + bytes > m->by_addr[pos]->base) return 0;
    if (m->nslabs == m->slabs_cap) {
        m->slabs_cap = m->slabs_cap ? 2 * m->slabs_cap : 64;
        m->by_addr = xrealloc(m->by_addr, m->slabs_cap * sizeof *m->by_addr);
        m->by_order = xrealloc(m->by_order, m->slabs_cap * sizeof *m->by_order);
    }
    mslab_t *s = calloc(1, sizeof *s + cap);
    if (s == NULL) exit(2);
    s->base = base;
    s->cap = cap;
    s->bytes = bytes;
    memmove(&m->by_addr[pos + 1], &m->by_addr[pos], (m->nslabs - pos) * sizeof *m->by_addr);
    m->by_addr[pos] = s;
    m->by_order[m->nslabs] = s;
    m->nslabs++;
    return 1;
}

static void push_stack(model_t *m, void *p) {
    if (m->nstack == m->stack_cap) {
        m->stack_cap = m->stack_cap ? 2 * m->stack_cap : 256;
        m->stack = xrealloc(m->stack, m->stack_cap * sizeof *m->stack);
    }
    m->stack[m->nstack++] = p;
}

/* Checks one address handed out by the allocator against the model and records it as live.
 * Returns 0 (after reporting) when the model and the allocator disagree. */
static int model_alloc(model_t *m, void *p, int zeroed) {
    long before = t_failed;
    CHECK(p != NULL);
    if (p == NULL) return 0;
    CHECK(t_aligned(p, m->align));
    if (m->nstack > 0) {
        CHECK_PTR(p, m->stack[m->nstack - 1]);   /* LIFO */
        m->nstack--;
    } else if (m->unordered > 0) {
        mslab_t *s = slab_of(m, p);
        CHECK(s != NULL);
        if (s == NULL) return 0;
        size_t off = (size_t)((uintptr_t)p - s->base);
        CHECK(off % m->stride == 0 && s->state[off / m->stride] == ST_FREE_UNORDERED);
        m->unordered--;
    } else {
        /* the bump: the rest of the current slab, the next kept slab, or a new slab */
        if (m->cur >= 0 && m->bumped < m->by_order[m->cur]->cap) {
            CHECK_PTR(p, m->by_order[m->cur]->base + m->bumped * m->stride);
            m->bumped++;
        } else if ((size_t)(m->cur + 1) < m->nslabs) {
            m->cur++;
            CHECK_PTR(p, m->by_order[m->cur]->base);
            m->bumped = 1;
        } else {
            CHECK(slab_of(m, p) == NULL);
            CHECK(add_slab(m, (uintptr_t)p));
            m->cur = (long)m->nslabs - 1;
            m->bumped = 1;
        }
    }
    if (t_failed != before) return 0;
    mslab_t *s = slab_of(m, p);
    CHECK(s != NULL);
    if (s == NULL) return 0;
    size_t off = (size_t)((uintptr_t)p - s->base);
    size_t idx = off / m->stride;
    CHECK(off % m->stride == 0);
    CHECK(s->state[idx] != ST_LIVE);   /* never a slot that is live */
    if (t_failed != before) return 0;
    s->state[idx] = ST_LIVE;
    s->live++;
    if (zeroed) CHECK(t_all_bytes(p, m->size, 0));
    uint32_t tag = ++m->tag;
    t_fill(p, m->size, tag);
    if (m->nlive == m->live_cap) {
        m->live_cap = m->live_cap ? 2 * m->live_cap : 1024;
        m->live = xrealloc(m->live, m->live_cap * sizeof *m->live);
    }
    m->live[m->nlive].p = p;
    m->live[m->nlive].tag = tag;
    m->nlive++;
    if (m->nlive > m->peak) m->peak = m->nlive;
    return t_failed == before;
}

/* Takes live entry j out of the model's live set (pattern checked), marking the slot free. */
static void *model_take(model_t *m, size_t j) {
    mlive_t e = m->live[j];
    m->live[j] = m->live[--m->nlive];
    CHECK(t_verify(e.p, m->size, e.tag));
    if (m->checked) CHECK_RC(slabbin_check(m->a, e.p), SLABBIN_OK);
    mslab_t *s = slab_of(m, e.p);
    CHECK(s != NULL);
    if (s != NULL) {
        s->state[((uintptr_t)e.p - s->base) / m->stride] = ST_FREE;
        s->live--;
    }
    return e.p;
}

static int op_alloc(model_t *m, int zeroed) {
    void *p = NULL;
    note(m, zeroed ? "alloc_zeroed, live" : "alloc, live", m->nlive);
    int rc = zeroed ? slabbin_alloc_zeroed(m->a, &p) : slabbin_alloc(m->a, &p);
    CHECK_RC(rc, SLABBIN_OK);
    return rc == SLABBIN_OK && model_alloc(m, p, zeroed);
}

/* Debug mode: a free slot holds the poison after its link. */
static void check_poisoned(const model_t *m, const void *p) {
    if (m->debug) CHECK_EQ(slabbin_poison_damage(m->a, p, sizeof(void *)), -1);
}

static int op_free(model_t *m) {
    if (m->nlive == 0) return 1;
    note(m, "free, live", m->nlive);
    void *p = model_take(m, rnd_below(m, m->nlive));
    CHECK_RC(slabbin_free(m->a, p), SLABBIN_OK);
    check_poisoned(m, p);
    push_stack(m, p);
    if (m->checked) {
        CHECK_EQ(slabbin_is_allocated(m->a, p), 0);
    } else {
        CHECK_RC(slabbin_check(m->a, p), SLABBIN_OK);   /* handed out since the last reset */
    }
    return 1;
}

static int op_alloc_batch(model_t *m) {
    void *arr[24];
    size_t k = 1 + rnd_below(m, 24);
    note(m, "alloc_batch", k);
    CHECK_RC(slabbin_alloc_batch(m->a, arr, k), SLABBIN_OK);
    for (size_t i = 0; i < k; i++) {
        if (!model_alloc(m, arr[i], 0)) return 0;
    }
    return 1;
}

static int op_free_batch(model_t *m) {
    if (m->nlive == 0) return 1;
    void *arr[24];
    size_t k = 1 + rnd_below(m, 24);
    if (k > m->nlive) k = m->nlive;
    note(m, "free_batch", k);
    for (size_t i = 0; i < k; i++) arr[i] = model_take(m, rnd_below(m, m->nlive));
    size_t bad = 12345;
    CHECK_RC(slabbin_free_batch(m->a, arr, k, &bad), SLABBIN_OK);
    CHECK_EQ_U(bad, 12345);
    for (size_t i = 0; i < k; i++) {
        check_poisoned(m, arr[i]);
        push_stack(m, arr[i]);
    }
    return 1;
}

/* Checked mode: refused frees change nothing. */
static int op_bad_frees(model_t *m) {
    slabbin_stats_t before = t_stats(m->a);
    if (m->nstack > 0) CHECK_RC(slabbin_free(m->a, m->stack[m->nstack - 1]), SLABBIN_EDOUBLEFREE);
    if (m->nlive > 0) {
        void *p = m->live[rnd_below(m, m->nlive)].p;
        CHECK_RC(slabbin_free(m->a, t_off(p, 1 + rnd_below(m, m->stride - 1))),
                 SLABBIN_EINTERIOR);
        void *arr[3] = {p, p, p};
        size_t bad = 99;
        CHECK_RC(slabbin_free_batch(m->a, arr, 3, &bad), SLABBIN_EDOUBLEFREE);
        CHECK_EQ_U(bad, 1);
        CHECK_RC(slabbin_check(m->a, p), SLABBIN_OK);
    }
    if (m->nlive > 0) {
        /* just before and one past the end of a live slot's slab: foreign unless another slab of
         * this allocator lies there */
        const mslab_t *s = slab_of(m, m->live[rnd_below(m, m->nlive)].p);
        CHECK(s != NULL);
        if (s != NULL) {
            void *edge[2] = {(void *)(s->base + s->bytes), (void *)(s->base - 1)};
            for (int i = 0; i < 2; i++) {
                if (slab_of(m, edge[i]) != NULL) continue;
                CHECK_RC(slabbin_check(m->a, edge[i]), SLABBIN_EFOREIGN);
                CHECK_RC(slabbin_free(m->a, edge[i]), SLABBIN_EFOREIGN);
            }
        }
    }
    int local = 0;
    CHECK_RC(slabbin_free(m->a, &local), SLABBIN_EFOREIGN);
    slabbin_stats_t after = t_stats(m->a);
    CHECK(t_stats_equal(&before, &after));
    return 1;
}

static int op_reset(model_t *m) {
    note(m, "reset, live", m->nlive);
    slabbin_reset(m->a);
    for (size_t i = 0; i < m->nslabs; i++) {
        memset(m->by_order[i]->state, ST_UNUSED, m->by_order[i]->cap);
        m->by_order[i]->live = 0;
    }
    m->nlive = 0;
    m->nstack = 0;
    m->unordered = 0;
    m->cur = m->nslabs > 0 ? 0 : -1;
    m->bumped = 0;
    return 1;
}

static int op_trim(model_t *m) {
    size_t empty = 0, empty_bytes = 0;
    for (size_t i = 0; i < m->nslabs; i++) {
        if (m->by_order[i]->live == 0) {
            empty++;
            empty_bytes += m->by_order[i]->bytes;
        }
    }
    note(m, "trim, empty slabs", empty);
    size_t got = slabbin_trim(m->a);
    CHECK_EQ_U(got, empty_bytes);
    CHECK_EQ_U(slabbin_trim(m->a), 0);
    note(m, "  unordered free slots", m->unordered);
    if (got != empty_bytes) return 0;
    /* drop the empty slabs, keeping both orders; follow the bump slab */
    const mslab_t *cur = m->cur >= 0 ? m->by_order[m->cur] : NULL;
    size_t kept = 0, kept_addr = 0;
    long new_cur = -1;
    m->unordered = 0;
    for (size_t i = 0; i < m->nslabs; i++) {
        mslab_t *s = m->by_addr[i];
        if (s->live > 0) m->by_addr[kept_addr++] = s;
    }
    for (size_t i = 0; i < m->nslabs; i++) {
        mslab_t *s = m->by_order[i];
        if (s->live == 0) {
            free(s);
            continue;
        }
        if (s == cur) new_cur = (long)kept;
        m->by_order[kept++] = s;
        /* free slots of kept slabs stay free, in an order not promised */
        for (size_t j = 0; j < s->cap; j++) {
            if (s->state[j] == ST_FREE || s->state[j] == ST_FREE_UNORDERED) {
                s->state[j] = ST_FREE_UNORDERED;
                m->unordered++;
            }
        }
    }
    m->nslabs = kept;
    m->nstack = 0;
    if (new_cur < 0) {
        /* the bump slab was released: the kept slabs are all fully handed out */
        m->cur = (long)kept - 1;
        m->bumped = kept > 0 ? m->by_order[kept - 1]->cap : 0;
    } else {
        m->cur = new_cur;
    }
    return 1;
}

static void check_stats(model_t *m) {
    slabbin_stats_t s = t_stats(m->a);
    uint64_t slots = 0;
    for (size_t i = 0; i < m->nslabs; i++) slots += m->by_order[i]->cap;
    if (slots * m->stride > m->peak_reserved) m->peak_reserved = slots * m->stride;
    CHECK_EQ_U(s.live_slots, m->nlive);
    CHECK_EQ_U(s.peak_live_slots, m->peak);
    CHECK(s.peak_live_slots >= s.live_slots);
    CHECK_EQ_U(s.slab_count, m->nslabs);
    CHECK_EQ_U(s.reserved_slots, slots);
    CHECK_EQ_U(s.reserved_bytes, slots * m->stride);
    CHECK_EQ_U(s.peak_reserved_bytes, m->peak_reserved);
    CHECK_EQ_U(s.slab_capacity, m->cap);
    CHECK_EQ_U(s.initial_slab_capacity, m->init);
    if (m->init == m->cap) {
        CHECK_EQ_U(s.reserved_bytes, s.slab_count * s.slab_capacity * s.stride);
    }
    CHECK(s.live_slots <= s.reserved_slots);
    CHECK_EQ_U(s.stride, m->stride);
}

static void check_all_live(model_t *m) {
    for (size_t i = 0; i < m->nstack; i++) check_poisoned(m, m->stack[i]);
    size_t sum = 0;
    for (size_t i = 0; i < m->nslabs; i++) sum += m->by_order[i]->live;
    CHECK_EQ_U(sum, m->nlive);
    for (size_t i = 0; i < m->nlive; i++) {
        CHECK(t_verify(m->live[i].p, m->size, m->live[i].tag));
        CHECK_EQ(slabbin_is_allocated(m->a, m->live[i].p), 1);
    }
    /* every slot of every slab, as check() sees it: checked mode knows exactly which are
     * allocated; unchecked mode knows which were handed out since the last reset */
    for (size_t i = 0; i < m->nslabs; i++) {
        const mslab_t *s = m->by_order[i];
        for (size_t j = 0; j < s->cap; j++) {
            const void *p = (const void *)(s->base + j * m->stride);
            int expect;
            if (s->state[j] == ST_LIVE) {
                expect = SLABBIN_OK;
            } else if (m->checked || s->state[j] == ST_UNUSED) {
                expect = SLABBIN_EDOUBLEFREE;
            } else {
                expect = SLABBIN_OK;
            }
            CHECK_RC(slabbin_check(m->a, p), expect);
        }
    }
}

static void run_model(size_t size, size_t align, size_t cap, size_t init, unsigned flags,
                      uint64_t seed, uint64_t nops, size_t max_live) {
    model_t m;
    memset(&m, 0, sizeof m);
    m.size = size;
    m.align = align;
    m.cap = cap;
    m.init = init;
    m.checked = (flags & SLABBIN_UNCHECKED) == 0;
    m.debug = (flags & SLABBIN_DEBUG) != 0;
    m.cur = -1;
    m.rng = seed;
    REQUIRE_RC(slabbin_layout_stride(size, align, &m.stride), SLABBIN_OK);
    if (init == cap) {
        REQUIRE_RC(slabbin_create(&m.a, size, align, cap, flags), SLABBIN_OK);
    } else {
        REQUIRE_RC(t_create_growing(&m.a, size, align, cap, init, flags), SLABBIN_OK);
    }

    long failed_at_start = t_failed;
    size_t target = max_live / 2;
    int ok = 1;
    for (uint64_t op = 0; op < nops && ok; op++) {
        m.ops = op;
        if (op % 8192 == 0) target = rnd_below(&m, max_live + 1);
        uint64_t r = rnd(&m) % 10000;
        if (r < 2) {
            ok = op_reset(&m);
        } else if (r < 30) {
            ok = op_trim(&m);
        } else if (r < 500) {
            ok = m.nlive + 24 <= max_live ? op_alloc_batch(&m) : op_free_batch(&m);
        } else if (r < 1000) {
            ok = op_free_batch(&m);
        } else if (r < 1100 && m.checked) {
            ok = op_bad_frees(&m);
        } else {
            int want_alloc = (rnd(&m) % 100) < (m.nlive < target ? 60u : 40u);
            if (m.nlive == 0) want_alloc = 1;
            if (m.nlive >= max_live) want_alloc = 0;
            ok = want_alloc ? op_alloc(&m, (rnd(&m) & 3) == 0) : op_free(&m);
            /* LIFO right after a single free */
            if (ok && !want_alloc && (rnd(&m) & 1) == 0) ok = op_alloc(&m, 0);
        }
        check_stats(&m);
        CHECK_VALID(m.a);
        if ((op & 4095) == 0) check_all_live(&m);
        if (t_failed != failed_at_start) ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "model: layout (%zu, %zu) capacity %zu from %zu %s: stopped at op %llu\n",
                size, align, cap, init, m.debug ? "debug" : m.checked ? "checked" : "unchecked",
                (unsigned long long)m.ops);
        unsigned first = m.nhistory > 16 ? m.nhistory - 16 : 0;
        for (unsigned i = first; i < m.nhistory; i++) fprintf(stderr, "  %s\n", m.history[i % 16]);
    } else {
        check_all_live(&m);
        /* drain: free everything, then every slab is empty */
        while (m.nlive > 0) op_free(&m);
        check_stats(&m);
        CHECK_VALID(m.a);
        uint64_t all = t_stats(m.a).reserved_bytes;
        CHECK_EQ_U(slabbin_trim(m.a), all);
        CHECK_EQ_U(t_stats(m.a).slab_count, 0);
    }
    slabbin_destroy(m.a);
    for (size_t i = 0; i < m.nslabs; i++) free(m.by_order[i]);
    free(m.by_addr);
    free(m.by_order);
    free(m.live);
    free(m.stack);
}

/* slabbin_validate() after every operation is O(slots handed out): the configurations keep
 * ops * max_live near 20 million (7 million with growth), small live sets running longer. An
 * initial capacity equal to the capacity is no growth (slabbin_create()). */
int main(void) {
    static const struct {
        size_t size, align, cap, init;
        unsigned flags;
        size_t max_live;
        uint64_t nops;
    } configs[] = {
        {24, 16, 64, 64, 0, 3000, 8000},
        {24, 16, 64, 64, 0, 300, 60000},
        {24, 16, 64, 64, SLABBIN_UNCHECKED, 3000, 8000},
        {24, 16, 64, 64, SLABBIN_UNCHECKED, 300, 60000},
        {1, 1, 1, 1, 0, 300, 60000},
        {100, 8, 7, 7, SLABBIN_UNCHECKED, 300, 60000},
        {9, 1, 13, 13, 0, 300, 60000},
        {8, 4096, 3, 3, 0, 200, 60000},
        {40, 8, 1000, 1000, SLABBIN_UNCHECKED, 4000, 5000},
        {17, 2, 5, 5, SLABBIN_UNCHECKED, 300, 60000},
        {24, 8, 16, 16, SLABBIN_DEBUG, 300, 60000},
        {9, 1, 5, 5, SLABBIN_DEBUG, 200, 60000},
        /* growth: slabs of init, 2 init, 4 init, ... slots up to the capacity */
        {24, 16, 64, 1, 0, 300, 30000},
        {24, 16, 64, 1, SLABBIN_UNCHECKED, 3000, 2500},
        {9, 1, 13, 3, 0, 300, 25000},
        {8, 4096, 3, 1, 0, 200, 25000},
        {40, 8, 1000, 7, SLABBIN_UNCHECKED, 3000, 2500},
        {17, 2, 5, 2, SLABBIN_UNCHECKED, 300, 25000},
        {1, 1, 100, 1, 0, 150, 25000},
        {24, 8, 16, 1, SLABBIN_DEBUG, 300, 25000},
        {9, 1, 6, 2, SLABBIN_DEBUG, 200, 25000},
    };
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++) {
        run_model(configs[i].size, configs[i].align, configs[i].cap, configs[i].init,
                  configs[i].flags, UINT64_C(0x5EED) + i, t_iterations(configs[i].nops),
                  configs[i].max_live);
    }
    return test_summary();
}

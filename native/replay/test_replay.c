/*
 * test_replay.c - the replay contract (replay.h): pattern bytes, routing, the realloc rule, the
 * plan, and replay_run on small handmade traces, including one whose routing makes blocks overlap
 * (the patterns must catch it).
 */
#include "replay.h"
#include "test_util.h"

/* Two classes (16 and 32 bytes), sizes up to 32 routed to them. */
static const int64_t SIZES[] = {16, 32};
static const int32_t OF[] = {0, 0, 1};
static const replay_classes_t CLASSES = {2, SIZES, OF, 32, 0};

static uint64_t word_at(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static void test_pattern_bytes(void) {
    CHECK(replay_pattern_of(0) != replay_pattern_of(1));
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15) * 8;                /* event 7 */
    CHECK(replay_pattern_of(7) == (x ^ (x >> 31)));
    unsigned char b[64];
    for (uint64_t size = 0; size <= 40; size++) {
        uint64_t pat = replay_pattern_of(5);
        for (int full = 0; full <= 1; full++) {
            memset(b, 0xEE, sizeof b);
            replay_put_pattern(b, size, 5, full);
            CHECK(b[size] == 0xEE);                                 /* nothing past the block */
            CHECK(replay_check_pattern(b, size, 5, full));
            if (size > 0) CHECK(!replay_check_pattern(b, size, 6, full));
            if (full) {
                for (uint64_t i = 0; i + 8 <= size; i += 8) CHECK(word_at(b + i) == pat + i);
                for (uint64_t i = size & ~UINT64_C(7); i < size; i++) {
                    CHECK(b[i] == (unsigned char)(pat >> (8 * (i & 7))));
                }
            } else if (size >= 8) {
                CHECK(word_at(b + size - 8) == ~pat);
                if (size >= 16) CHECK(word_at(b) == pat);
                if (size >= 17) CHECK(b[8] == 0xEE);                /* the middle is not written */
            } else {
                for (uint64_t i = 0; i < size; i++) CHECK(b[i] == (unsigned char)(pat >> (8 * i)));
            }
            /* every covered byte is checked: flip each, the check fails; uncovered, it passes */
            for (uint64_t i = 0; i < size; i++) {
                b[i] ^= 1;
                int covered = full || size < 8 || (size >= 16 && i < 8) || i >= size - 8;
                CHECK_EQ(replay_check_pattern(b, size, 5, full), !covered);
                b[i] ^= 1;
            }
        }
    }
}

static void test_routing_and_realloc_rule(void) {
    CHECK_EQ(replay_route(&CLASSES, 0), 0);
    CHECK_EQ(replay_route(&CLASSES, 16), 0);
    CHECK_EQ(replay_route(&CLASSES, 17), 1);
    CHECK_EQ(replay_route(&CLASSES, 32), 1);
    CHECK_EQ(replay_route(&CLASSES, 33), REPLAY_SYSTEM);
    CHECK_EQ(replay_route(&CLASSES, -1), REPLAY_SYSTEM);
    static const int32_t GAP[] = {0, 0, -1};                      /* 17..32: no class */
    replay_classes_t gap = {2, SIZES, GAP, 32, 0};
    CHECK_EQ(replay_route(&gap, 16), 0);
    CHECK_EQ(replay_route(&gap, 20), REPLAY_SYSTEM);

    CHECK_EQ(replay_slab_capacity(16), 4096);
    CHECK_EQ(replay_slab_capacity(100), 65536 / 112);              /* stride 112 */
    CHECK_EQ(replay_slab_capacity(100000), 1);                     /* bigger than a slab */
    CHECK_EQ(replay_slab_capacity(0), 0);

    CHECK_EQ(replay_realloc_step(0, 0), REPLAY_STEP_KEEP);
    CHECK_EQ(replay_realloc_step(REPLAY_SYSTEM, REPLAY_SYSTEM), REPLAY_STEP_RESIZE);
    CHECK_EQ(replay_realloc_step(0, 1), REPLAY_STEP_MOVE);
    CHECK_EQ(replay_realloc_step(REPLAY_SYSTEM, 0), REPLAY_STEP_MOVE);
    CHECK_EQ(replay_realloc_step(1, REPLAY_SYSTEM), REPLAY_STEP_MOVE);
}

/* b0 = malloc(10); b1 = realloc(b0, 12); b2 = realloc(b1, 30); b3 = malloc(100);
 * b4 = realloc(b3, 200); b5 = realloc(b4, 20); free(b5); (b2 live at the end) */
static const uint8_t OP[] = {REPLAY_MALLOC, REPLAY_REALLOC, REPLAY_REALLOC, REPLAY_MALLOC,
                             REPLAY_REALLOC, REPLAY_REALLOC, REPLAY_FREE};
static const int32_t ID[] = {0, 1, 2, 3, 4, 5, 5};
static const int32_t OLD[] = {0, 0, 1, 0, 3, 4, 0};
static const int64_t SZ[] = {10, 12, 30, 100, 200, 20, 0};
static const replay_trace_t TRACE = {7, OP, ID, OLD, SZ, 6};

static void test_plan(void) {
    uint8_t step[7];
    int32_t cls[6];
    REQUIRE(replay_plan(&TRACE, &CLASSES, 1, step, cls) == 0);
    static const uint8_t want[] = {REPLAY_STEP_ALLOC, REPLAY_STEP_KEEP, REPLAY_STEP_MOVE,
                                   REPLAY_STEP_ALLOC, REPLAY_STEP_RESIZE, REPLAY_STEP_MOVE,
                                   REPLAY_STEP_FREE};
    static const int32_t want_cls[] = {0, 0, 1, REPLAY_SYSTEM, REPLAY_SYSTEM, 1};
    for (int i = 0; i < 7; i++) CHECK_EQ(step[i], want[i]);
    for (int b = 0; b < 6; b++) CHECK_EQ(cls[b], want_cls[b]);
    /* without slabs every block is the system allocator's, every realloc a resize */
    REQUIRE(replay_plan(&TRACE, &CLASSES, 0, step, cls) == 0);
    for (int b = 0; b < 6; b++) CHECK_EQ(cls[b], REPLAY_SYSTEM);
    CHECK_EQ(step[1], REPLAY_STEP_RESIZE);
    CHECK_EQ(step[2], REPLAY_STEP_RESIZE);
    /* invalid: an unknown op, a block id out of range, null arrays */
    uint8_t bad_op[] = {REPLAY_MALLOC, 7};
    replay_trace_t t1 = {2, bad_op, ID, OLD, SZ, 6};
    CHECK_EQ(replay_plan(&t1, &CLASSES, 1, step, cls), -1);
    int32_t bad_id[] = {0, 6};
    replay_trace_t t2 = {2, OP, bad_id, OLD, SZ, 6};
    CHECK_EQ(replay_plan(&t2, &CLASSES, 1, step, cls), -1);
    CHECK_EQ(replay_plan(&TRACE, &CLASSES, 1, NULL, cls), -1);
}

static void test_run(void) {
    for (int full = 0; full <= 1; full++) {
        replay_result_t r;
        REQUIRE(replay_run(&TRACE, &CLASSES, 1, full, &r) == 0);
        CHECK_EQ(r.bad_event, -1);
        /* one slab per class: 4096 slots of 16 bytes, 2048 of 32 */
        CHECK_EQ(r.slabs, 2);
        CHECK_EQ(r.reserved_peak, 2 * 65536);
        CHECK_EQ(r.reserved_after_trim, 65536);                  /* b2 (30 bytes) stays live */
        CHECK(r.nanos >= 0);
        REQUIRE(replay_run(&TRACE, &CLASSES, 0, full, &r) == 0);
        CHECK_EQ(r.bad_event, -1);
        CHECK_EQ(r.slabs, 0);
        CHECK_EQ(r.reserved_peak, 0);
    }
}

/* Blocks of 24 bytes routed to 16-byte slots: the second block's first word lands on the first
 * block's last word, and the free of the first block (event 2) must report it. */
static void test_overlap_is_caught(void) {
    static const int64_t one[] = {16};
    static const int32_t of[] = {0, 0, 0};
    replay_classes_t small = {1, one, of, 32, 0};
    static const uint8_t op[] = {REPLAY_MALLOC, REPLAY_MALLOC, REPLAY_FREE, REPLAY_FREE};
    static const int32_t id[] = {0, 1, 0, 1};
    static const int32_t old[] = {0, 0, 0, 0};
    static const int64_t sz[] = {24, 24, 0, 0};
    replay_trace_t t = {4, op, id, old, sz, 2};
    replay_result_t r;
    REQUIRE(replay_run(&t, &small, 1, 0, &r) == 0);
    CHECK_EQ(r.bad_event, 2);
    REQUIRE(replay_run(&t, &small, 0, 0, &r) == 0);               /* malloc: no overlap */
    CHECK_EQ(r.bad_event, -1);
}

/* Growth: the first slab of each class holds about initial_slab_bytes, then slabs double. Six
 * 16-byte blocks live at once with a 32-byte first slab: slabs of 2, 4 slots (6 slots, 96 bytes).
 * The footprint run sees the peak of slabs plus malloc's chunk bytes (a 100-byte block). */
static void test_growth_and_footprint(void) {
    replay_classes_t grow = {2, SIZES, OF, 32, 32};
    CHECK_EQ(replay_initial_slab_capacity(&grow, 16), 2);
    CHECK_EQ(replay_initial_slab_capacity(&grow, 32), 1);
    CHECK_EQ(replay_initial_slab_capacity(&CLASSES, 16), 4096);   /* no growth: full slabs */
    replay_classes_t big = {2, SIZES, OF, 32, 1 << 20};
    CHECK_EQ(replay_initial_slab_capacity(&big, 16), 4096);       /* at most the slab capacity */
    CHECK_EQ(replay_initial_slab_capacity(&grow, 0), 0);
    static const uint8_t op[] = {REPLAY_MALLOC, REPLAY_MALLOC, REPLAY_MALLOC, REPLAY_MALLOC,
                                 REPLAY_MALLOC, REPLAY_MALLOC, REPLAY_MALLOC, REPLAY_FREE};
    static const int32_t id[] = {0, 1, 2, 3, 4, 5, 6, 6};
    static const int32_t old[] = {0, 0, 0, 0, 0, 0, 0, 0};
    static const int64_t sz[] = {16, 16, 16, 16, 16, 10, 100, 0};
    replay_trace_t t = {8, op, id, old, sz, 7};
    replay_result_t r;
    REQUIRE(replay_run(&t, &grow, 1, REPLAY_FOOTPRINT, &r) == 0);
    CHECK_EQ(r.bad_event, -1);
    CHECK_EQ(r.slabs, 2);
    CHECK_EQ(r.reserved_peak, 6 * 16);
    int64_t chunk = r.peak_system_bytes;                          /* the 100-byte block's */
    CHECK(chunk >= 100 + 8 && chunk <= 100 + 8 + 32);
    CHECK_EQ(r.peak_footprint, 6 * 16 + chunk);
    REQUIRE(replay_run(&t, &grow, 1, 0, &r) == 0);                /* not measured: 0 */
    CHECK_EQ(r.peak_footprint, 0);
    CHECK_EQ(r.reserved_peak, 6 * 16);
    REQUIRE(replay_run(&t, &CLASSES, 1, 0, &r) == 0);             /* no growth: a full slab */
    CHECK_EQ(r.reserved_peak, 65536);
    REQUIRE(replay_run(&t, &grow, 0, REPLAY_FOOTPRINT, &r) == 0); /* malloc: its chunks only */
    CHECK_EQ(r.reserved_peak, 0);
    CHECK_EQ(r.peak_footprint, r.peak_system_bytes);
    CHECK(r.peak_system_bytes >= 5 * 16 + 10 + 100 + 7 * 8);
}

int main(void) {
    test_pattern_bytes();
    test_routing_and_realloc_rule();
    test_plan();
    test_run();
    test_overlap_is_caught();
    test_growth_and_footprint();
    return test_summary();
}

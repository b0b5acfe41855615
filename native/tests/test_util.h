/*
 * test_util.h - a minimal check harness for the slabbin C tests (no framework).
 *
 * CHECK* macros count passes and failures and print file:line and the failed expression.
 * REQUIRE* macros do the same and return from the calling void function on failure.
 * test_summary() prints "N passed, N failed" and gives main()'s exit status.
 */
#ifndef SLABBIN_TEST_UTIL_H
#define SLABBIN_TEST_UTIL_H

#include "slabbin.h"
#include "slabbin_validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long t_passed;
static long t_failed;

#define T_MAX_REPORTS 60

static inline void t_fail_report(const char *file, int line, const char *what) {
    if (++t_failed <= T_MAX_REPORTS) {
        fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, what);
    } else if (t_failed == T_MAX_REPORTS + 1) {
        fprintf(stderr, "(further failures not printed)\n");
    }
}

#define CHECK(expr)                                                                             \
    do {                                                                                        \
        if (expr) {                                                                             \
            t_passed++;                                                                         \
        } else {                                                                                \
            t_fail_report(__FILE__, __LINE__, #expr);                                           \
        }                                                                                       \
    } while (0)

#define REQUIRE(expr)                                                                           \
    do {                                                                                        \
        if (expr) {                                                                             \
            t_passed++;                                                                         \
        } else {                                                                                \
            t_fail_report(__FILE__, __LINE__, #expr);                                           \
            return;                                                                             \
        }                                                                                       \
    } while (0)

/* Integer equality, printing both values. */
#define CHECK_EQ(actual, expected)                                                              \
    do {                                                                                        \
        long long t_a_ = (long long)(actual), t_e_ = (long long)(expected);                     \
        if (t_a_ == t_e_) {                                                                     \
            t_passed++;                                                                         \
        } else {                                                                                \
            t_fail_report(__FILE__, __LINE__, #actual " == " #expected);                        \
            if (t_failed <= T_MAX_REPORTS)                                                      \
                fprintf(stderr, "    got %lld, expected %lld\n", t_a_, t_e_);                   \
        }                                                                                       \
    } while (0)

/* Unsigned 64-bit equality, printing both values. */
#define CHECK_EQ_U(actual, expected)                                                            \
    do {                                                                                        \
        unsigned long long t_a_ = (unsigned long long)(actual);                                 \
        unsigned long long t_e_ = (unsigned long long)(expected);                               \
        if (t_a_ == t_e_) {                                                                     \
            t_passed++;                                                                         \
        } else {                                                                                \
            t_fail_report(__FILE__, __LINE__, #actual " == " #expected);                        \
            if (t_failed <= T_MAX_REPORTS)                                                      \
                fprintf(stderr, "    got %llu, expected %llu\n", t_a_, t_e_);                   \
        }                                                                                       \
    } while (0)

/* Pointer equality, printing both values. */
#define CHECK_PTR(actual, expected)                                                             \
    do {                                                                                        \
        const void *t_a_ = (const void *)(actual), *t_e_ = (const void *)(expected);            \
        if (t_a_ == t_e_) {                                                                     \
            t_passed++;                                                                         \
        } else {                                                                                \
            t_fail_report(__FILE__, __LINE__, #actual " == " #expected);                        \
            if (t_failed <= T_MAX_REPORTS)                                                      \
                fprintf(stderr, "    got %p, expected %p\n", t_a_, t_e_);                       \
        }                                                                                       \
    } while (0)

/* Status code equality, printing both codes and their descriptions. */
#define CHECK_RC(call, expected)                                                                \
    do {                                                                                        \
        int t_a_ = (call), t_e_ = (expected);                                                   \
        if (t_a_ == t_e_) {                                                                     \
            t_passed++;                                                                         \
        } else {                                                                                \
            t_fail_report(__FILE__, __LINE__, #call " == " #expected);                          \
            if (t_failed <= T_MAX_REPORTS)                                                      \
                fprintf(stderr, "    got %d (%s), expected %d (%s)\n", t_a_,                    \
                        slabbin_strerror(t_a_), t_e_, slabbin_strerror(t_e_));                  \
        }                                                                                       \
    } while (0)

#define REQUIRE_RC(call, expected)                                                              \
    do {                                                                                        \
        long t_before_ = t_failed;                                                              \
        CHECK_RC(call, expected);                                                               \
        if (t_failed != t_before_) return;                                                      \
    } while (0)

static inline int test_summary(void) {
    printf("%ld passed, %ld failed\n", t_passed, t_failed);
    return t_failed == 0 ? 0 : 1;
}

/* ---- helpers shared by the test programs ---- */

/* The iteration count of a long randomized loop: n scaled by the environment variable
 * SLABBIN_TEST_PERCENT (1..100, default 100), at least 1. scripts/memcheck lowers it so that the
 * tests run under valgrind in bounded time. */
static inline uint64_t t_iterations(uint64_t n) {
    const char *e = getenv("SLABBIN_TEST_PERCENT");
    long percent = e != NULL ? strtol(e, NULL, 10) : 100;
    if (percent < 1 || percent > 100) percent = 100;
    uint64_t scaled = n / 100 * (uint64_t)percent + n % 100 * (uint64_t)percent / 100;
    return scaled > 0 ? scaled : 1;
}

static inline slabbin_stats_t t_stats(const slabbin_t *a) {
    slabbin_stats_t s;
    memset(&s, 0xEE, sizeof s);
    slabbin_get_stats(a, &s);
    return s;
}

static inline int t_stats_equal(const slabbin_stats_t *x, const slabbin_stats_t *y) {
    return x->slot_size == y->slot_size && x->alignment == y->alignment &&
           x->stride == y->stride && x->slab_capacity == y->slab_capacity &&
           x->slab_count == y->slab_count && x->live_slots == y->live_slots &&
           x->peak_live_slots == y->peak_live_slots && x->reserved_bytes == y->reserved_bytes &&
           x->initial_slab_capacity == y->initial_slab_capacity &&
           x->reserved_slots == y->reserved_slots &&
           x->peak_reserved_bytes == y->peak_reserved_bytes;
}

/* slabbin_create_with() with growth: slabs from `initial` slots doubling up to `capacity`. */
static inline int t_create_growing(slabbin_t **out, size_t size, size_t align, size_t capacity,
                                   size_t initial, unsigned flags) {
    slabbin_options_t o;
    slabbin_options_init(&o, size, align, capacity);
    o.initial_slab_capacity = initial;
    o.flags = flags;
    return slabbin_create_with(out, &o);
}

/* Slots of the k-th slab (k = 0, 1, ...) a fresh allocator with growth reserves: the initial
 * capacity doubled k times, at most the capacity. */
static inline size_t t_grown_capacity(size_t initial, size_t capacity, size_t k) {
    size_t c = initial;
    for (; k > 0 && c < capacity; k--) c = 2 * c < capacity ? 2 * c : capacity;
    return c;
}

/* Slots of the first `slabs` slabs of a fresh allocator with growth. */
static inline size_t t_grown_slots(size_t initial, size_t capacity, size_t slabs) {
    size_t n = 0;
    for (size_t k = 0; k < slabs; k++) n += t_grown_capacity(initial, capacity, k);
    return n;
}

/* slots[0..n), handed out in that order by a fresh allocator with growth (nothing freed): the
 * slots of slab k are consecutive from its first, t_grown_capacity(initial, capacity, k) of them.
 * Returns the number of slabs they span. */
static inline size_t t_check_growth_runs(void *const *slots, size_t n, size_t stride,
                                         size_t initial, size_t capacity) {
    size_t slabs = 0;
    for (size_t i = 0; i < n; slabs++) {
        size_t c = t_grown_capacity(initial, capacity, slabs);
        for (size_t j = 1; j < c && i + j < n; j++) {
            CHECK_PTR(slots[i + j], (unsigned char *)slots[i] + j * stride);
        }
        i += c;
    }
    return slabs;
}

/* Reference stride: max(size, sizeof(void *)) rounded up to the alignment. */
static inline size_t t_ref_stride(size_t size, size_t align) {
    size_t s = size < sizeof(void *) ? sizeof(void *) : size;
    return (s + align - 1) / align * align;
}

static inline unsigned char t_pattern_byte(uint32_t tag, size_t i) {
    uint32_t x = tag ^ (uint32_t)(i * 0x9E3779B1u);
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return (unsigned char)(x ^ (tag >> ((i & 3u) * 8u)));
}

/* Writes a pattern derived from `tag` over n bytes at p. */
static inline void t_fill(void *p, size_t n, uint32_t tag) {
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++) b[i] = t_pattern_byte(tag, i);
}

/* 1 if the n bytes at p still hold the pattern of `tag`. */
static inline int t_verify(const void *p, size_t n, uint32_t tag) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != t_pattern_byte(tag, i)) return 0;
    }
    return 1;
}

static inline int t_all_bytes(const void *p, size_t n, unsigned char v) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != v) return 0;
    }
    return 1;
}

/* slabbin_validate(): every internal invariant holds (the broken one is printed). */
#define CHECK_VALID(a)                                                                          \
    do {                                                                                        \
        char t_why_[200];                                                                       \
        int t_rc_ = slabbin_validate((a), t_why_, sizeof t_why_);                               \
        if (t_rc_ != SLABBIN_OK && t_failed < T_MAX_REPORTS)                                    \
            fprintf(stderr, "    validate: %s\n", t_why_);                                      \
        CHECK_RC(t_rc_, SLABBIN_OK);                                                            \
    } while (0)

static inline void *t_off(void *p, size_t bytes) { return (unsigned char *)p + bytes; }

static inline int t_aligned(const void *p, size_t align) {
    return ((uintptr_t)p & (uintptr_t)(align - 1)) == 0;
}

/* Writes a pointer value into the first pointer-sized bytes of p (any alignment). */
static inline void t_poke_ptr(void *p, const void *value) { memcpy(p, &value, sizeof value); }

#endif /* SLABBIN_TEST_UTIL_H */

/* contract.c - the replay contract: patterns, routing, the realloc rule, the plan (replay.h). */
#include "replay.h"

#include <string.h>

#include "slabbin.h"

uint64_t replay_pattern_of(uint64_t event) {
    uint64_t x = (event + 1) * UINT64_C(0x9E3779B97F4A7C15);
    return x ^ (x >> 31);
}

void replay_put_pattern(void *block, uint64_t size, uint64_t event, int full) {
    unsigned char *p = block;
    uint64_t pat = replay_pattern_of(event);
    if (full) {
        uint64_t i = 0;
        for (; i + 8 <= size; i += 8) {
            uint64_t w = pat + i;
            memcpy(p + i, &w, 8);
        }
        for (; i < size; i++) p[i] = (unsigned char)(pat >> (8 * (i & 7)));
    } else if (size >= 8) {
        uint64_t last = ~pat;
        memcpy(p, &pat, 8);
        memcpy(p + size - 8, &last, 8);
    } else {
        for (uint64_t i = 0; i < size; i++) p[i] = (unsigned char)(pat >> (8 * i));
    }
}

int replay_check_pattern(const void *block, uint64_t size, uint64_t event, int full) {
    const unsigned char *p = block;
    uint64_t pat = replay_pattern_of(event);
    if (full) {
        uint64_t i = 0;
        for (; i + 8 <= size; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w != pat + i) return 0;
        }
        for (; i < size; i++) {
            if (p[i] != (unsigned char)(pat >> (8 * (i & 7)))) return 0;
        }
        return 1;
    }
    if (size >= 8) {
        uint64_t first, last;
        memcpy(&last, p + size - 8, 8);
        memcpy(&first, p, 8);
        /* blocks of 8..15 bytes overlap: the last word wins over the first there */
        if (last != ~pat) return 0;
        return size >= 16 ? first == pat : 1;
    }
    for (uint64_t i = 0; i < size; i++) {
        if (p[i] != (unsigned char)(pat >> (8 * i))) return 0;
    }
    return 1;
}

int32_t replay_route(const replay_classes_t *c, int64_t size) {
    if (size < 0 || size > c->limit) return REPLAY_SYSTEM;
    int32_t cls = c->class_of[(size + 15) / 16];
    return cls >= 0 && cls < c->count ? cls : REPLAY_SYSTEM;
}

size_t replay_slab_capacity(int64_t class_size) {
    size_t stride;
    if (class_size < 1
        || slabbin_layout_stride((size_t)class_size, REPLAY_ALIGNMENT, &stride) != SLABBIN_OK) {
        return 0;
    }
    return REPLAY_SLAB_BYTES / stride ? REPLAY_SLAB_BYTES / stride : 1;
}

size_t replay_initial_slab_capacity(const replay_classes_t *c, int64_t class_size) {
    size_t cap = replay_slab_capacity(class_size);
    if (cap == 0 || c->initial_slab_bytes <= 0) return cap;
    size_t stride;
    slabbin_layout_stride((size_t)class_size, REPLAY_ALIGNMENT, &stride); /* valid: cap > 0 */
    size_t first = (size_t)c->initial_slab_bytes / stride;
    return first < 1 ? 1 : first > cap ? cap : first;
}

int replay_realloc_step(int32_t old_class, int32_t new_class) {
    if (new_class != REPLAY_SYSTEM && new_class == old_class) return REPLAY_STEP_KEEP;
    if (new_class == REPLAY_SYSTEM && old_class == REPLAY_SYSTEM) return REPLAY_STEP_RESIZE;
    return REPLAY_STEP_MOVE;
}

static int valid_block(const replay_trace_t *t, int32_t b) {
    return b >= 0 && b < t->blocks;
}

int replay_plan(const replay_trace_t *t, const replay_classes_t *c, int use_slabs,
                uint8_t *step, int32_t *block_class) {
    if (t == NULL || c == NULL || step == NULL || block_class == NULL || t->blocks < 0) return -1;
    for (int32_t b = 0; b < t->blocks; b++) block_class[b] = REPLAY_SYSTEM;
    for (size_t i = 0; i < t->events; i++) {
        int32_t id = t->id[i];
        if (!valid_block(t, id)) return -1;
        switch (t->op[i]) {
        case REPLAY_MALLOC:
            block_class[id] = use_slabs ? replay_route(c, t->size[i]) : REPLAY_SYSTEM;
            step[i] = REPLAY_STEP_ALLOC;
            break;
        case REPLAY_FREE:
            step[i] = REPLAY_STEP_FREE;
            break;
        case REPLAY_REALLOC:
            if (!valid_block(t, t->old_id[i])) return -1;
            block_class[id] = use_slabs ? replay_route(c, t->size[i]) : REPLAY_SYSTEM;
            step[i] = (uint8_t)replay_realloc_step(block_class[t->old_id[i]], block_class[id]);
            break;
        default:
            return -1;
        }
    }
    return 0;
}

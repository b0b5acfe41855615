/*
 * debug.c - debug mode (SLABBIN_DEBUG): poisoning. Every freed slot is filled with
 * SLABBIN_POISON_BYTE over its stride before its link is written; every slot popped from the free
 * list has the bytes after its link verified. In debug mode the fast window stays empty and the
 * fast pop never matches (slabbin.fast_end), so every free reaches sb_push_debug() and every pop
 * sb_pop_debug(); the other modes never come here. Also the corruption report of
 * slabbin_last_corruption(), which checked mode fills too.
 */
#include "slabbin_internal.h"

void sb_poison_fill(const slabbin_t *a, void *slot) {
    memset(slot, SLABBIN_POISON_BYTE, a->stride);
}

/* Poisons every slot handed out since the last reset (slabbin_reset()). */
void sb_poison_handed(const slabbin_t *a) {
    for (size_t i = 0; i < a->nslabs; i++) {
        memset(a->slabs[i]->base, SLABBIN_POISON_BYTE, handed_bytes(a, a->slabs[i]));
    }
}

/* First offset in [from, stride) of slot whose byte is not the poison byte, or -1. */
static ptrdiff_t poison_scan(const slabbin_t *a, const void *slot, size_t from) {
    const unsigned char *b = slot;
    for (size_t i = from; i < a->stride; i++) {
        if (b[i] != SLABBIN_POISON_BYTE) return (ptrdiff_t)i;
    }
    return -1;
}

/* Records what slabbin_last_corruption() reports. */
void sb_corruption_note(slabbin_t *a, void *slot, size_t off) {
    a->corrupt_seen = true;
    a->corrupt_slot = slot;
    a->corrupt_off = off;
}

/* Debug mode, every pop: the link must be a free slot (or list_end: p is the last free slot),
 * then the poison of bytes [sizeof(void *), stride) of p intact. Damage there leaves p on top,
 * poisoned again (its link kept): nothing changes but those bytes, so the next call succeeds. */
COLD int sb_pop_debug(slabbin_t *a, void **slot, void *p, void *next) {
    size_t idx = 0;
    slab_t *s = NULL;
    if (next != a->list_end && (s = free_slot_owner(a, next, &idx)) == NULL) {
        return sb_pop_corrupt(a, p);
    }
    ptrdiff_t bad = poison_scan(a, p, sizeof(void *));
    if (bad >= 0) {
        memset((unsigned char *)p + sizeof(void *), SLABBIN_POISON_BYTE,
               a->stride - sizeof(void *));
        sb_corruption_note(a, p, (size_t)bad);
        return SLABBIN_ECORRUPT;
    }
    if (next == a->list_end) {                      /* the last free slot: keeps its bit (1) */
        a->head = NULL;
        a->live++;
        *slot = p;
        return SLABBIN_OK;
    }
    return pop_commit(a, slot, p, next, s, idx);
}

/* Debug mode, every free of a validated slot: poisons it, then pushes it (link list_end when the
 * list was empty). */
COLD int sb_push_debug(slabbin_t *a, void *slot, uint64_t *w, size_t i) {
    sb_poison_fill(a, slot);
    void *below = link_below_head(a);
    push_checked(a, slot, w, i);
    link_store(slot, below);
    return SLABBIN_OK;
}

void slabbin_poison(const slabbin_t *a, void *slot) {
    if (a != NULL && slot != NULL && a->debug) sb_poison_fill(a, slot);
}

ptrdiff_t slabbin_poison_damage(const slabbin_t *a, const void *slot, size_t from) {
    if (a == NULL || slot == NULL || !a->debug) return -1;
    return poison_scan(a, slot, from);
}

int slabbin_last_corruption(const slabbin_t *a, void **slot, size_t *offset) {
    if (a == NULL || slot == NULL || offset == NULL || !a->corrupt_seen) return SLABBIN_EINVAL;
    *slot = a->corrupt_slot;
    *offset = a->corrupt_off;
    return SLABBIN_OK;
}

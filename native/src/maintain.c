/*
 * maintain.c - the slots' states as a whole: reset (every slot free), trim (release the slabs
 * without a live slot), statistics, and the free list's own upkeep (making a slot the top,
 * rebuilding the list from the bitmaps after a corruption).
 */
#include "slabbin_internal.h"

/* ---------------------------------------------------------------------------------------------
 * The free list as a whole
 * ------------------------------------------------------------------------------------------- */

/* Checked mode: gives the top of the free list its bit 0 like every other free slot (before the
 * list is rebuilt or reordered); drops last_out. */
void sb_head_bit_release(slabbin_t *a) {
    if (a->checked && a->head != NULL) *a->head_word &= ~bit_mask(a->head_bit);
    last_out_drop(a);
}

/* Makes p (a free slot of slab s at offset off, or NULL) the top of the free list; in checked mode
 * every free slot's bit must be 0 (see sb_head_bit_release()), and p's becomes 1 (see
 * slabbin.head). */
void sb_set_head(slabbin_t *a, void *p, slab_t *s, size_t off) {
    a->head = p;
    last_out_drop(a);
    if (p != NULL && a->checked) {
        size_t idx;
        (void)slot_at(a, off, &idx);
        a->head_word = bit_word(s, idx);
        a->head_bit = (unsigned char)(idx & 63);
        *a->head_word |= bit_mask(idx);
    }
}

/* Rebuilds the free list from the bitmaps (checked mode): every handed-out slot that is not
 * allocated, pushed from the first slab's first slot on, so the last slab's last free slot is on
 * top. Debug mode poisons every free slot again, so whatever damage was found is gone. */
void sb_rebuild_free_list_checked(slabbin_t *a) {
    sb_head_bit_release(a);
    void *head = a->list_end;
    slab_t *head_slab = NULL;
    size_t head_off = 0;
    for (size_t si = 0; si < a->nslabs; si++) {
        slab_t *s = a->slabs[si];
        size_t n = bumped_in(a, s);
        for (size_t i = 0; i < n; i++) {
            if (!bit_get(s, i)) {
                void *p = s->base + i * a->stride;
                if (a->debug) sb_poison_fill(a, p);
                link_store(p, head);
                head = p;
                head_slab = s;
                head_off = i * a->stride;
            }
        }
    }
    sb_set_head(a, head == a->list_end ? NULL : head, head_slab, head_off);
}

/* ---------------------------------------------------------------------------------------------
 * Reset
 * ------------------------------------------------------------------------------------------- */

void slabbin_reset(slabbin_t *a) {
    if (a == NULL) return;
    if (a->debug) sb_poison_handed(a);
    if (a->checked) {
        for (size_t i = 0; i < a->nslabs; i++) {
            slab_t *s = a->slabs[i];
            memset(s->bits, 0, bitmap_words(a, s->capacity) * sizeof(uint64_t));
        }
    }
    a->head = NULL;
    a->last_out = NULL;
    a->live = 0;
    clear_last(a);                                  /* nothing is handed out any more */
    if (a->nslabs > 0) {
        sb_bump_into(a, 0);
    } else {
        sb_bump_none(a);
    }
}

/* ---------------------------------------------------------------------------------------------
 * Trim
 * ------------------------------------------------------------------------------------------- */

/* Walks the free list, counting free slots per slab into free_in[] (indexed by slab index).
 * In checked mode every link is validated (a free slot, and exactly as many nodes as free slots
 * exist); returns false on a corrupted list. The top itself is the allocator's own, validated
 * when it was pushed. */
static bool count_free(const slabbin_t *a, uint64_t *free_in) {
    uint64_t expected = handed_total(a) - live_now(a), seen = 0;
    for (void *p = a->head; p != NULL;) {
        size_t off = 0, idx;
        slab_t *s;
        if (!a->checked || p == a->head) {
            s = owner_of(a, p, &off);
        } else if ((s = free_slot_owner(a, p, &idx)) == NULL) {
            return false;
        }
        if (a->checked && ++seen > expected) return false;
        free_in[s->index]++;
        void *next = link_load(p);
        if (next == a->list_end) break;
        if (next == NULL) return false;             /* debug mode: a link overwritten with NULL */
        p = next;
    }
    return !a->checked || seen == expected;         /* else the list was cut short */
}

/* Drops the free slots of the slabs marked for release (index SIZE_MAX) from the free list,
 * keeping the others in order. The owner lookup still knows every slab here. */
static void drop_released_from_list(slabbin_t *a) {
    sb_head_bit_release(a);
    void *prev = NULL;                              /* last kept node */
    void *head = NULL;
    slab_t *head_slab = NULL;
    size_t head_off = 0;
    for (void *p = a->head; p != NULL; p = link_next(a, p)) {
        size_t off = 0;
        slab_t *s = owner_of(a, p, &off);
        if (s->index == SIZE_MAX) continue;
        if (prev == NULL) {
            head = p;
            head_slab = s;
            head_off = off;
        } else {
            link_store(prev, p);
        }
        prev = p;
    }
    if (prev != NULL) link_store(prev, a->list_end);
    sb_set_head(a, head, head_slab, head_off);
}

/* Compacts slabs[] over the marked slabs. Kept slabs all precede the bump slab or are it (later
 * ones are untouched, hence released), so either the bump slab is kept and stays the bump slab,
 * or every kept slab is fully handed out and the bump range is left empty. */
static void compact_slabs(slabbin_t *a) {
    size_t n = a->nslabs;
    slab_t *cur = a->bump != NULL ? a->slabs[a->cur] : NULL;
    bool cur_kept = cur != NULL && cur->index != SIZE_MAX;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        slab_t *s = a->slabs[i];
        if (s->index == SIZE_MAX) continue;
        s->index = kept;
        a->slabs[kept++] = s;
    }
    a->nslabs = kept;
    clear_last(a);
    if (kept == 0) {
        sb_bump_none(a);
    } else if (cur_kept) {
        a->cur = cur->index;
    } else {
        a->cur = kept - 1;
        a->bump_slab = a->slabs[a->cur];
        a->bump = a->bump_end = a->bump_slab->base + slab_size(a, a->bump_slab);
        a->bump_idx = a->bump_slab->capacity;
    }
    a->cur_first = slots_before(a, a->cur);
}

size_t slabbin_trim(slabbin_t *a) {
    if (a == NULL || a->nslabs == 0) return 0;
    size_t n = a->nslabs;
    uint64_t *free_in = sb_system_zalloc(n * sizeof(uint64_t));
    slab_t **gone = free_in == NULL ? NULL : sb_system_alloc(0, n * sizeof(slab_t *));
    if (gone == NULL) {                             /* nothing released; state unchanged */
        sb_system_free(free_in);
        return 0;
    }
    if (!count_free(a, free_in)) {                  /* checked mode: repair the list first */
        sb_rebuild_free_list_checked(a);
        memset(free_in, 0, n * sizeof(uint64_t));
        count_free(a, free_in);
    }
    size_t ngone = 0, released = 0;
    for (size_t i = 0; i < n; i++) {
        slab_t *s = a->slabs[i];
        if (bumped_in(a, s) == free_in[i]) {        /* no live slot */
            gone[ngone++] = s;
            released += slab_size(a, s);
            reserved_drop(a, s);
            s->index = SIZE_MAX;                    /* mark, for the free-list filter */
        }
    }
    sb_system_free(free_in);
    if (ngone > 0) {
        drop_released_from_list(a);
        compact_slabs(a);
        sb_table_refill(a);                         /* fewer slabs: cannot fail */
        for (size_t i = 0; i < ngone; i++) sb_slab_release(gone[i]);
    }
    sb_system_free(gone);
    return released;
}

/* ---------------------------------------------------------------------------------------------
 * Statistics
 * ------------------------------------------------------------------------------------------- */

void slabbin_get_stats(const slabbin_t *a, slabbin_stats_t *out) {
    if (a == NULL || out == NULL) return;
    out->slot_size = a->size;
    out->alignment = a->align;
    out->stride = a->stride;
    out->slab_capacity = a->capacity;
    out->slab_count = a->nslabs;
    out->live_slots = live_now(a);
    out->peak_live_slots = a->peak;
    out->reserved_bytes = a->reserved_bytes;
    out->initial_slab_capacity = a->init_capacity;
    out->reserved_slots = a->reserved_slots;
    out->peak_reserved_bytes = a->peak_reserved;
}

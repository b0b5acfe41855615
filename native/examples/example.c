/* The C usage example of the README: a pool of fixed-size nodes, then one whose slabs grow.
 * Built and run by ctest. */
#include <stdio.h>
#include <string.h>

#include "slabbin.h"

struct node {
    struct node *next;
    double value;
};

int main(void) {
    slabbin_t *pool;
    int rc = slabbin_create(&pool, sizeof(struct node), _Alignof(struct node), 1024, 0);
    if (rc != SLABBIN_OK) {
        fprintf(stderr, "create: %s\n", slabbin_strerror(rc));
        return 1;
    }
    struct node *list = NULL;
    for (int i = 0; i < 10000; i++) {
        void *slot;
        if ((rc = slabbin_alloc(pool, &slot)) != SLABBIN_OK) {
            fprintf(stderr, "alloc: %s\n", slabbin_strerror(rc));
            return 1;
        }
        struct node *n = slot;
        n->value = i;
        n->next = list;
        list = n;
    }
    double sum = 0;
    for (struct node *n = list; n != NULL; n = n->next) sum += n->value;

    struct node *second = list->next;
    slabbin_free(pool, list);                   /* OK */
    rc = slabbin_free(pool, list);              /* the same slot again */
    printf("second free: %s\n", slabbin_strerror(rc));
    rc = slabbin_free(pool, (char *)second + 1); /* not the start of a slot */
    printf("interior free: %s\n", slabbin_strerror(rc));

    slabbin_stats_t st;
    slabbin_get_stats(pool, &st);
    printf("sum %.0f, %llu live slots in %llu slabs, %llu bytes reserved\n", sum,
           (unsigned long long)st.live_slots, (unsigned long long)st.slab_count,
           (unsigned long long)st.reserved_bytes);
    slabbin_destroy(pool); /* releases every slab */
    int ok = sum == 49995000.0 && st.live_slots == 9999 && rc == SLABBIN_EINTERIOR;

    /* Slabs that grow: 4, 8, 16, ... 2048 slots, then 4096 each. */
    slabbin_options_t opt;
    slabbin_options_init(&opt, sizeof(struct node), _Alignof(struct node), 4096);   /* defaults */
    opt.initial_slab_capacity = 4;
    opt.reserve_limit = 1 << 20;                /* optional: at most 1 MiB of slabs */
    if ((rc = slabbin_create_with(&pool, &opt)) != SLABBIN_OK) {
        fprintf(stderr, "create_with: %s\n", slabbin_strerror(rc));
        return 1;
    }
    for (int i = 0; i < 20; i++) {
        void *slot;
        if ((rc = slabbin_alloc(pool, &slot)) != SLABBIN_OK) return 1;
    }
    slabbin_get_stats(pool, &st);
    printf("growth: %llu live slots in %llu slabs, %llu slots and %llu bytes reserved\n",
           (unsigned long long)st.live_slots, (unsigned long long)st.slab_count,
           (unsigned long long)st.reserved_slots, (unsigned long long)st.reserved_bytes);
    slabbin_destroy(pool);
    ok = ok && st.slab_count == 3 && st.reserved_slots == 4 + 8 + 16 &&
         st.reserved_bytes == 28 * sizeof(struct node);
    return ok ? 0 : 1;
}

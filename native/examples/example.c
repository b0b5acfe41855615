/* The C usage example of the README: a pool of fixed-size nodes. Built and run by ctest. */
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
    return sum == 49995000.0 && st.live_slots == 9999 && rc == SLABBIN_EINTERIOR ? 0 : 1;
}

/*
 * replay.h - replays a pre-decoded allocation trace through slabbin (one allocator per size class)
 * or through the system allocator (malloc/free), in a C loop: the allocator cost without the JVM.
 * Used by the `replay` tool (io.github.slabbin.replay) through JNI; plain C, no JNI here.
 *
 * Events: op[i] is REPLAY_MALLOC, REPLAY_FREE or REPLAY_REALLOC; id[i] is the block (for REALLOC
 * the new block), old_id[i] the old block of a REALLOC, size[i] the requested bytes (MALLOC,
 * REALLOC). Block ids are dense, 0..blocks-1, each allocated at most once.
 *
 * Routing: a request of `size` bytes goes to size class class_of[(size + 15) / 16] when
 * size <= limit and that entry is >= 0, else to malloc. Class c has slots of class_size[c] bytes,
 * aligned to 16 bytes, in slabs of about 64 KiB. A realloc within one class keeps the slot; across
 * classes it moves and copies min(old, new) bytes. The system run sends every request to malloc.
 *
 * Verification: every block gets a pattern derived from the number of the event that allocated it:
 * its first and last 8 bytes (fewer for blocks under 8 bytes), or every byte when `full` is set,
 * written on allocation and checked before the block is freed or moved. The first mismatch stops
 * the replay and is reported by event number. Blocks still live after the last event are checked
 * and freed at the end; before that, every slab allocator is trimmed and the bytes it still
 * reserves are reported.
 *
 * Not thread-safe; each call owns everything it creates.
 */
#ifndef SLABBIN_REPLAY_H
#define SLABBIN_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define REPLAY_MALLOC 0
#define REPLAY_FREE 1
#define REPLAY_REALLOC 2

typedef struct replay_trace {
    size_t events;
    const uint8_t *op;
    const int32_t *id;
    const int32_t *old_id;
    const int64_t *size;
    int32_t blocks;
} replay_trace_t;

typedef struct replay_classes {
    int32_t count;              /* number of size classes */
    const int64_t *class_size;  /* bytes per slot of each class */
    const int32_t *class_of;    /* class index by (size + 15) / 16, -1 = system allocator */
    int64_t limit;              /* largest size routed to a class, bytes */
} replay_classes_t;

typedef struct replay_result {
    int64_t nanos;              /* wall time of the event loop (incl. final frees) */
    int64_t bad_event;          /* first event whose block failed verification, or -1 */
    int64_t reserved_peak;      /* bytes reserved by slabs after the last event (slabs never
                                   shrink during the run, so this is the peak) */
    int64_t reserved_after_trim;/* bytes reserved by slabs after trimming, live blocks kept */
    int64_t slabs;              /* slabs reserved after the last event */
} replay_result_t;

/**
 * Replays the trace once. use_slabs != 0 routes through slabbin, else everything goes to malloc.
 * @return 0, -1 for an invalid argument, -2 when an allocator refused memory
 */
int replay_run(const replay_trace_t *t, const replay_classes_t *c, int use_slabs, int full,
               replay_result_t *r);

#endif

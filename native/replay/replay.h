/*
 * replay.h - the replay contract and the C-driven replay of a pre-decoded allocation trace.
 *
 * The contract (contract.c) is the one definition of what a replay does, for both drivers: the
 * C loop here (replay_run) and the Java loop of io.github.slabbin.replay.TraceReplayer, which
 * calls these functions through JNI (native/jni/replay_jni.c) for its plan and its patterns.
 *
 * Events: op[i] is REPLAY_MALLOC, REPLAY_FREE or REPLAY_REALLOC; id[i] is the block (for REALLOC
 * the new block), old_id[i] the old block of a REALLOC, size[i] the requested bytes (MALLOC,
 * REALLOC). Block ids are dense, 0..blocks-1, each allocated at most once.
 *
 * Routing (replay_route): a request of `size` bytes goes to size class class_of[(size + 15) / 16]
 * when size <= limit and that entry is >= 0, else to the system allocator (REPLAY_SYSTEM). Class c
 * has slots of class_size[c] bytes, aligned to REPLAY_ALIGNMENT bytes, in slabs of about
 * REPLAY_SLAB_BYTES. With growth (initial_slab_bytes > 0) the first slab of a class holds about
 * initial_slab_bytes (replay_initial_slab_capacity) and each next one doubles up to that slab
 * capacity (slabbin.h, "Slab growth"). A run without slabs sends every request to the system
 * allocator.
 *
 * Realloc (replay_realloc_step): within one class the slot stays (KEEP); from the system
 * allocator to the system allocator it is realloc() (RESIZE); otherwise the block moves: a new
 * block from the new class or malloc, min(old, new) bytes copied, the old block freed (MOVE).
 *
 * Patterns (replay_put_pattern, replay_check_pattern): every block gets a pattern derived from
 * the number of the event that allocated it: its first and last 8 bytes (every byte of blocks
 * under 8 bytes; blocks of 8 to 15 bytes are checked on their last 8 bytes, which overlap the
 * first 8), or every byte when `full` is set, written on allocation and checked before the block
 * is freed or moved.
 * The first mismatch stops the replay and is reported by event number. Blocks still live after the
 * last event are checked and freed at the end; before that, every slab allocator is trimmed and
 * the bytes it still reserves are reported.
 *
 * Not thread-safe; each call owns everything it creates. Plain C, no JNI here.
 */
#ifndef SLABBIN_REPLAY_H
#define SLABBIN_REPLAY_H

#include <stddef.h>
#include <stdint.h>

/* Event kinds (the op array). */
#define REPLAY_MALLOC 0
#define REPLAY_FREE 1
#define REPLAY_REALLOC 2

/* Steps of a plan: what an event does under one routing (the step array). */
#define REPLAY_STEP_ALLOC 0  /* allocate block id[i] from its class, or malloc */
#define REPLAY_STEP_FREE 1   /* check and free block id[i] */
#define REPLAY_STEP_KEEP 2   /* realloc within one class: check, the slot stays */
#define REPLAY_STEP_RESIZE 3 /* realloc from malloc to malloc: check, realloc() */
#define REPLAY_STEP_MOVE 4   /* realloc otherwise: check, allocate, copy min(old, new), free */

/* use_slabs of replay_run: through slabbin with its slab allocators created SLABBIN_UNCHECKED
 * (any other non-zero value: checked, the default). */
#define REPLAY_SLABS_UNCHECKED 2

/* The class of a block served by the system allocator. */
#define REPLAY_SYSTEM (-1)
/* Slot alignment of every size class, bytes. */
#define REPLAY_ALIGNMENT 16
/* Slab size every class aims at, bytes: slots per slab = max(1, REPLAY_SLAB_BYTES / stride). */
#define REPLAY_SLAB_BYTES 65536

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
    const int32_t *class_of;    /* class index by (size + 15) / 16, REPLAY_SYSTEM = malloc;
                                   limit / 16 + 1 entries */
    int64_t limit;              /* largest size routed to a class, bytes */
    int64_t initial_slab_bytes; /* growth: bytes of each class's first slab, about (see
                                   replay_initial_slab_capacity); 0 = no growth, every slab
                                   holds replay_slab_capacity slots */
} replay_classes_t;

/* Flags of replay_run. */
#define REPLAY_FULL 1      /* the pattern covers every byte, else the ends */
#define REPLAY_FOOTPRINT 2 /* measure peak_footprint and peak_system_bytes (costs time: a run
                              to measure memory, not a timed one) */

typedef struct replay_result {
    int64_t nanos;              /* wall time of the event loop (incl. final frees) */
    int64_t bad_event;          /* first event whose block failed verification, or -1; the
                                   event count when a block live at the end failed */
    int64_t reserved_peak;      /* bytes reserved by slabs after the last event (slabs never
                                   shrink during the run, so this is the peak) */
    int64_t reserved_after_trim;/* bytes reserved by slabs after trimming, live blocks kept */
    int64_t slabs;              /* slabs reserved after the last event */
    int64_t peak_footprint;     /* with REPLAY_FOOTPRINT: the peak, after any event, of the
                                   bytes reserved by slabs plus the chunk bytes of the blocks
                                   live in the system allocator (replay_chunk_bytes); else 0 */
    int64_t peak_system_bytes;  /* with REPLAY_FOOTPRINT: the peak of those chunk bytes alone;
                                   else 0 */
} replay_result_t;

/* ---- The contract ---------------------------------------------------------------------- */

/** The pattern word of the block allocated by event `event`. */
uint64_t replay_pattern_of(uint64_t event);

/** Writes the pattern of event `event` into the `size` bytes at p (see the header comment). */
void replay_put_pattern(void *p, uint64_t size, uint64_t event, int full);

/** 1 if the `size` bytes at p still hold the pattern of event `event`, else 0. */
int replay_check_pattern(const void *p, uint64_t size, uint64_t event, int full);

/** The class of a request of `size` bytes (>= 0), or REPLAY_SYSTEM. */
int32_t replay_route(const replay_classes_t *c, int64_t size);

/** Slots per slab of a class of `class_size` bytes: max(1, REPLAY_SLAB_BYTES / stride), or 0
 *  when the size has no stride (slabbin_layout_stride refuses it). */
size_t replay_slab_capacity(int64_t class_size);

/** Slots of the first slab of a class of `class_size` bytes: replay_slab_capacity() without
 *  growth (c->initial_slab_bytes == 0), else max(1, initial_slab_bytes / stride) and at most
 *  replay_slab_capacity(); 0 when the size has no stride. */
size_t replay_initial_slab_capacity(const replay_classes_t *c, int64_t class_size);

/** The bytes the system allocator holds for a live block of `size` bytes at p: with glibc (or an
 *  allocator preloaded in its place) malloc_usable_size(p) plus the 8-byte chunk header, i.e.
 *  the chunk size (https://sourceware.org/glibc/wiki/MallocInternals); elsewhere `size` rounded up
 *  to 16 bytes plus 16. */
int64_t replay_chunk_bytes(void *p, int64_t size);

/** REPLAY_STEP_KEEP, _RESIZE or _MOVE for a realloc from a block of old_class to new_class. */
int replay_realloc_step(int32_t old_class, int32_t new_class);

/**
 * The plan of a trace under a routing: step[i] for each of the t->events events, and
 * block_class[b] (a class or REPLAY_SYSTEM) for each of the t->blocks blocks. use_slabs == 0
 * routes everything to the system allocator.
 * @return 0, or -1 for an invalid argument (a null pointer, an unknown op, an id out of range)
 */
int replay_plan(const replay_trace_t *t, const replay_classes_t *c, int use_slabs,
                uint8_t *step, int32_t *block_class);

/* ---- The C driver ---------------------------------------------------------------------- */

/**
 * Replays the trace once, following its plan. use_slabs != 0 routes through slabbin (one
 * allocator per class, growing as c->initial_slab_bytes says; checked, or unchecked when use_slabs
 * is REPLAY_SLABS_UNCHECKED), else everything goes to malloc.
 * flags: REPLAY_FULL, REPLAY_FOOTPRINT (or 0; 1 is REPLAY_FULL, so a boolean `full` works).
 * @return 0, -1 for an invalid argument, -2 when an allocator refused memory
 */
int replay_run(const replay_trace_t *t, const replay_classes_t *c, int use_slabs, int flags,
               replay_result_t *r);

#endif

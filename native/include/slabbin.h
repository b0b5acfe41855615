/*
 * slabbin.h - a slab allocator for fixed-size, fixed-alignment slots of native memory.
 *
 * An allocator serves slots of one layout (slot size and slot alignment, in bytes). It reserves
 * memory from the system in slabs of `slab_capacity` slots each. Allocation takes the most recently
 * freed slot if there is one (LIFO free list), otherwise the next never-used slot of the current
 * slab (a bump), otherwise it reserves a new slab. Freeing pushes the slot on the free list. A
 * slot's address never moves while it is allocated. Nothing is reserved before the first
 * allocation; every slab is released by slabbin_destroy().
 *
 * Slab growth (slabbin_create_with(), initial_slab_capacity below slab_capacity): slabs start
 * small and double. A new slab holds initial_slab_capacity slots if the allocator holds no slab,
 * else twice the slots of the largest slab it holds, at most slab_capacity. So the slabs, in the
 * order they were reserved, hold initial, 2 x initial, 4 x initial, ... slots up to slab_capacity,
 * then slab_capacity each; after slabbin_trim() released slabs, growth continues from the largest
 * slab still held (from initial_slab_capacity again if none is). slabbin_create() and an
 * initial_slab_capacity equal to slab_capacity give every slab slab_capacity slots. Everything
 * else (LIFO reuse, bumping, reset, trim, the checks of checked mode, the O(1) owner lookup) is
 * the same with slabs of different sizes. Design source: rustc's arena (`rustc_arena::TypedArena`:
 * the first chunk one page, each next twice the last, up to 2 MiB).
 *
 * Design sources: the Rust crate `slabbin` (free-list pop or bump in the newest slab, push on
 * free, all slabs released at drop); J. Bonwick, "The Slab Allocator: An Object-Caching Kernel
 * Memory Allocator", USENIX Summer 1994; J. Bonwick and J. Adams, "Magazines and Vmem", USENIX
 * 2001; the Linux SLUB allocator; mimalloc (free-list sharding, owner lookup by address).
 *
 * Modes
 *   Checked (the default, flags = 0): every free is validated before it changes anything. An
 *   address that is not the start of a currently allocated slot of this allocator - NULL, a
 *   foreign pointer, an address inside a slot, one past a slab's end, a slot of another allocator,
 *   or a slot that is already free (a double free, however many frees happened in between) - is
 *   refused with an error code and leaves the allocator exactly as it was. The owner lookup
 *   (address -> slab) is O(1): a hash of address windows, with the last slab used checked first.
 *   A per-slab bitmap records which slots are allocated. Foreign addresses are never read.
 *   Allocation validates the free-list link it pops, so a write into a freed slot (use after
 *   free) is reported as SLABBIN_ECORRUPT instead of handing out a wild pointer.
 *   Debug (SLABBIN_DEBUG): checked mode, plus poisoning, for hunting use-after-free bugs in the
 *   caller. Every slot freed (slabbin_free, slabbin_free_batch, slabbin_reset for the slots
 *   handed out before it) has bytes [0, stride) filled with SLABBIN_POISON_BYTE, then its
 *   free-list link written in its first sizeof(void *) bytes. Every slot popped from the free
 *   list (slabbin_alloc, slabbin_alloc_zeroed, slabbin_alloc_batch, slabbin_alloc_upto) has bytes
 *   [sizeof(void *), stride) verified; a damaged one makes the allocation return SLABBIN_ECORRUPT
 *   (nothing allocated; the slot is poisoned again and stays free, so the next call succeeds) and
 *   slabbin_last_corruption() names the slot and the first damaged byte. Slots never handed out
 *   (bumped fresh) are not checked. Cost: a free writes the whole stride, an allocation from the
 *   free list reads it, and every free and pop takes the owner-lookup path (no fast window).
 *   Unchecked (SLABBIN_UNCHECKED): no validation and no bitmap. Freeing anything but a currently
 *   allocated slot of this allocator, or writing to a slot after freeing it, is undefined
 *   behaviour, exactly as in the Rust crate.
 *
 * Slot stride
 *   stride = max(slot_size, sizeof(void *)) rounded up to a multiple of slot_alignment, so that a
 *   free slot can hold the free-list link and every slot address (the first slot of every slab
 *   included) is a multiple of the alignment. A slab of c slots occupies c * stride bytes.
 *
 * Threads
 *   An allocator is not thread-safe: calls on one allocator must not overlap. Any thread may make
 *   them as long as the caller orders them (e.g. one owner thread, or a lock). Distinct
 *   allocators are independent.
 *
 * Error codes
 *   Functions that can fail return an int: SLABBIN_OK (0) or one of the negative codes below.
 *   Nothing in this library aborts or prints.
 */
#ifndef SLABBIN_H
#define SLABBIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  define SLABBIN_API __declspec(dllexport)
#elif defined(__GNUC__)
#  define SLABBIN_API __attribute__((visibility("default")))
#else
#  define SLABBIN_API
#endif

/** Largest slot alignment accepted, in bytes (2 MiB). Every power of two from 1 up to it works. */
#define SLABBIN_MAX_ALIGNMENT ((size_t)1 << 21)

/** Flag for slabbin_create(): skip every validation (see "Modes" above). */
#define SLABBIN_UNCHECKED 1u

/** Flag for slabbin_create(): debug mode. Implies checked validation; combined with
 *  SLABBIN_UNCHECKED it is SLABBIN_EINVAL. */
#define SLABBIN_DEBUG 2u
/** The byte debug mode writes over every freed slot. */
#define SLABBIN_POISON_BYTE 0xDB

/** Status codes. */
enum slabbin_status {
    /** Success. */
    SLABBIN_OK = 0,
    /** Invalid argument: slot size 0, alignment not a power of two or above SLABBIN_MAX_ALIGNMENT,
     *  slab capacity 0, an initial slab capacity of 0 or above the slab capacity, a slab or its
     *  bookkeeping larger than the address space (overflow), a NULL out-parameter or allocator,
     *  unknown flags, an options struct_size the library does not accept. */
    SLABBIN_EINVAL = -1,
    /** Out of memory: the system refused a slab or bookkeeping, or the reserve limit set with
     *  slabbin_set_reserve_limit() would be exceeded. The allocator is unchanged and usable. */
    SLABBIN_ENOMEM = -2,
    /** Not an address inside any slab of this allocator (NULL, foreign, one past a slab's end, a
     *  slot of another allocator). Checked mode only. */
    SLABBIN_EFOREIGN = -3,
    /** Inside a slab of this allocator but not the start of a slot (an interior pointer).
     *  Checked mode only. */
    SLABBIN_EINTERIOR = -4,
    /** The start of a slot of this allocator that is not currently allocated: freed already
     *  (double free) or never handed out. Checked mode only. */
    SLABBIN_EDOUBLEFREE = -5,
    /** A free slot's free-list link was overwritten, or in debug mode any byte of a free slot:
     *  the slot was written after it was freed (use after free). Returned by allocation in
     *  checked mode; nothing is allocated, the free list is rebuilt from the bitmaps (a damaged
     *  link) or the slot poisoned again (debug mode, damage after the link), so the allocator
     *  stays usable and the next call succeeds. slabbin_last_corruption() tells which slot. */
    SLABBIN_ECORRUPT = -6
};

/** An allocator. Opaque. */
typedef struct slabbin slabbin_t;

/** Statistics, a snapshot. Sizes in bytes, counts in slots or slabs. */
typedef struct slabbin_stats {
    uint64_t slot_size;       /**< requested slot size, bytes */
    uint64_t alignment;       /**< slot alignment, bytes */
    uint64_t stride;          /**< distance between consecutive slots, bytes */
    uint64_t slab_capacity;   /**< slots per slab: the most a slab holds (every slab without
                                   growth) */
    uint64_t slab_count;      /**< slabs reserved now */
    uint64_t live_slots;      /**< slots allocated now */
    uint64_t peak_live_slots; /**< largest live_slots since creation */
    uint64_t reserved_bytes;  /**< bytes reserved from the system for slabs now: reserved_slots *
                                   stride (slab_count * slab_capacity * stride without growth);
                                   bookkeeping not included */
    uint64_t initial_slab_capacity; /**< slots of the first slab (see "Slab growth"); equal to
                                         slab_capacity without growth */
    uint64_t reserved_slots;  /**< slots in the slabs reserved now (the sum of their capacities):
                                   reserved_slots - live_slots slots are free or never used */
    uint64_t peak_reserved_bytes; /**< largest reserved_bytes at the end of any call since
                                       creation (slabs a failed batch reserved and released again
                                       are not counted) */
} slabbin_stats_t;

/**
 * Options of slabbin_create_with(). Extensible: the caller sets struct_size to
 * sizeof(slabbin_options_t) as compiled against its header, and a later version of the library
 * that adds fields at the end takes the missing ones as 0 (their default). A struct_size larger
 * than this library knows is accepted only if every byte past the fields it knows is 0 (so a
 * request for a feature this library lacks is refused, not ignored). Design source: the Linux
 * extensible system-call structs (clone3, openat2: copy_struct_from_user()). slabbin_options_init()
 * fills every field with its default.
 */
typedef struct slabbin_options {
    size_t struct_size;           /**< sizeof(slabbin_options_t); below the size of this first
                                       version: SLABBIN_EINVAL */
    size_t slot_size;             /**< bytes per slot, >= 1 */
    size_t slot_alignment;        /**< bytes, a power of two, 1..SLABBIN_MAX_ALIGNMENT */
    size_t slab_capacity;         /**< slots per slab at most, >= 1; slab_capacity * stride must
                                       fit in PTRDIFF_MAX */
    size_t initial_slab_capacity; /**< slots of the first slab, 1..slab_capacity; each next slab
                                       doubles up to slab_capacity (see "Slab growth"); equal to
                                       slab_capacity (the default): every slab full size */
    unsigned flags;               /**< 0 (checked, the default), SLABBIN_UNCHECKED or
                                       SLABBIN_DEBUG (not both) */
    uint64_t reserve_limit;       /**< bytes of slabs at most, as slabbin_set_reserve_limit();
                                       0 (the default) = no limit */
} slabbin_options_t;

/**
 * Computes the stride of a layout without creating an allocator.
 * @return SLABBIN_OK and *stride, or SLABBIN_EINVAL for a size of 0, a bad alignment, overflow or
 *         a NULL out-parameter.
 */
SLABBIN_API int slabbin_layout_stride(size_t slot_size, size_t slot_alignment, size_t *stride);

/**
 * Creates an allocator. Reserves no slab yet (only a small header).
 * @param out            receives the allocator
 * @param slot_size      bytes per slot, >= 1
 * @param slot_alignment power of two, 1..SLABBIN_MAX_ALIGNMENT
 * @param slab_capacity  slots per slab, >= 1; capacity * stride must fit in PTRDIFF_MAX
 * @param flags          0 (checked), SLABBIN_UNCHECKED or SLABBIN_DEBUG (not both: EINVAL)
 * @return SLABBIN_OK, SLABBIN_EINVAL or SLABBIN_ENOMEM
 */
SLABBIN_API int slabbin_create(slabbin_t **out, size_t slot_size, size_t slot_alignment,
                               size_t slab_capacity, unsigned flags);

/**
 * Fills *opt with the defaults for a layout and a slab capacity: struct_size =
 * sizeof(slabbin_options_t), initial_slab_capacity = slab_capacity (no growth), flags 0 (checked),
 * reserve_limit 0 (none). Nothing is validated here (slabbin_create_with() does). NULL is ignored.
 */
SLABBIN_API void slabbin_options_init(slabbin_options_t *opt, size_t slot_size,
                                      size_t slot_alignment, size_t slab_capacity);

/**
 * Creates an allocator from options (see slabbin_options_t); slabbin_create() is this with
 * initial_slab_capacity = slab_capacity and no reserve limit. Reserves no slab yet.
 * @param out receives the allocator (NULL on failure)
 * @param opt the options; read only during the call
 * @return SLABBIN_OK; SLABBIN_EINVAL for a NULL out or opt, a struct_size below the first
 *         version's or with non-zero bytes past the fields this library knows, and every invalid
 *         field (as slabbin_create(), plus an initial_slab_capacity of 0 or above slab_capacity);
 *         SLABBIN_ENOMEM
 */
SLABBIN_API int slabbin_create_with(slabbin_t **out, const slabbin_options_t *opt);

/** Releases every slab and the allocator itself. NULL is accepted. Every slot becomes invalid. */
SLABBIN_API void slabbin_destroy(slabbin_t *a);

/**
 * Allocates one slot: the most recently freed slot, else the next never-used slot of the current
 * slab, else the first slot of a newly reserved slab (with growth: of the next capacity, see
 * "Slab growth"). The slot's contents are unspecified.
 * @return SLABBIN_OK and *slot (never NULL), SLABBIN_ENOMEM, or SLABBIN_ECORRUPT (checked mode:
 *         use after free detected; nothing allocated; retrying succeeds)
 */
SLABBIN_API int slabbin_alloc(slabbin_t *a, void **slot);

/** As slabbin_alloc(), with the slot's first slot_size bytes set to zero. */
SLABBIN_API int slabbin_alloc_zeroed(slabbin_t *a, void **slot);

/**
 * Frees a slot: it goes on top of the free list and is the next one allocated.
 * @return SLABBIN_OK, or in checked mode SLABBIN_EFOREIGN, SLABBIN_EINTERIOR, SLABBIN_EDOUBLEFREE
 *         (allocator unchanged). Unchecked mode always returns SLABBIN_OK.
 */
SLABBIN_API int slabbin_free(slabbin_t *a, void *slot);

/**
 * Allocates `count` slots into slots[0..count-1], in the order slabbin_alloc() would return them.
 * All or nothing: on failure no slot is allocated (slabs reserved for the batch are released).
 * @return SLABBIN_OK, SLABBIN_EINVAL (NULL array with count > 0), SLABBIN_ENOMEM, SLABBIN_ECORRUPT
 */
SLABBIN_API int slabbin_alloc_batch(slabbin_t *a, void **slots, size_t count);

/**
 * Allocates between 1 and `max` slots into slots[0..*count-1], in the order slabbin_alloc() would
 * return them, without reserving a slab while any reserved slot is free: it takes min(max, free
 * slots already reserved) slots, and only when there are none reserves one slab and takes
 * min(max, that slab's capacity) from it (slab_capacity, or with growth the next capacity). So the
 * slab count and the slabs' capacities grow exactly as under single allocations.
 * Meant for refilling a cache of free slots (a magazine).
 * @return SLABBIN_OK and *count >= 1 (0 when max is 0), SLABBIN_EINVAL (NULL allocator or count,
 *         NULL array with max > 0), SLABBIN_ENOMEM or SLABBIN_ECORRUPT (*count = 0: nothing
 *         allocated)
 */
SLABBIN_API int slabbin_alloc_upto(slabbin_t *a, void **slots, size_t max, size_t *count);

/**
 * Frees slots[0..count-1] in that order, as `count` calls of slabbin_free(). In checked mode the
 * whole batch is validated first (an address repeated inside the batch is a double free): on the
 * first bad address nothing is freed, *bad_index (if not NULL) receives its index and its error is
 * returned.
 * @return SLABBIN_OK, SLABBIN_EINVAL (NULL array with count > 0), or a free error code
 */
SLABBIN_API int slabbin_free_batch(slabbin_t *a, void *const *slots, size_t count,
                                   size_t *bad_index);

/**
 * What slabbin_free() would say of an address, without freeing it: SLABBIN_OK for the start of a
 * currently allocated slot, else SLABBIN_EFOREIGN, SLABBIN_EINTERIOR or SLABBIN_EDOUBLEFREE.
 * Unchecked mode has no bitmap: it answers SLABBIN_OK for the start of any slot handed out since
 * the last reset, allocated or free. The address is never read.
 */
SLABBIN_API int slabbin_check(const slabbin_t *a, const void *p);

/** 1 if p is the start of a currently allocated slot of `a` (see slabbin_check()), else 0. */
SLABBIN_API int slabbin_is_allocated(const slabbin_t *a, const void *p);

/**
 * Frees every slot at once. Slabs are kept for reuse: allocation then bumps through them in the
 * order they were reserved (each to its own capacity) before reserving more. Every slot address
 * becomes invalid.
 */
SLABBIN_API void slabbin_reset(slabbin_t *a);

/**
 * Releases every slab that holds no allocated slot, keeping the others in their order. The free
 * list is rebuilt (lowest slab and slot first on top is not promised; LIFO holds again from then).
 * With growth, the next slab reserved doubles the largest slab kept (see "Slab growth").
 * @return bytes released to the system: the sum of the released slabs' capacity * stride
 */
SLABBIN_API size_t slabbin_trim(slabbin_t *a);

/** Fills *out with a snapshot of the statistics. */
SLABBIN_API void slabbin_get_stats(const slabbin_t *a, slabbin_stats_t *out);

/**
 * Caps the bytes this allocator may reserve for slabs (0 = no cap, the default). A slab that would
 * cross the cap is refused with SLABBIN_ENOMEM; with growth no smaller slab is tried instead (the
 * capacities stay as described in "Slab growth"). Slabs already reserved are kept.
 */
SLABBIN_API void slabbin_set_reserve_limit(slabbin_t *a, uint64_t max_bytes);

/** 1 if the allocator was created with SLABBIN_UNCHECKED, else 0. */
SLABBIN_API int slabbin_is_unchecked(const slabbin_t *a);

/** Fills bytes [0, stride) of `slot` with SLABBIN_POISON_BYTE. No-op unless debug mode (and for
 *  a NULL allocator or slot). `slot` must be the start of a slot of `a`; it is not validated.
 *  Meant for callers that keep freed slots themselves (a magazine) and check them with
 *  slabbin_poison_damage() before handing them out again. */
SLABBIN_API void slabbin_poison(const slabbin_t *a, void *slot);

/** First offset in [from, stride) of `slot` whose byte is not SLABBIN_POISON_BYTE, or -1 if
 *  all are intact (or not debug mode, or a NULL allocator or slot). Bytes only are read. */
SLABBIN_API ptrdiff_t slabbin_poison_damage(const slabbin_t *a, const void *slot, size_t from);

/**
 * After a call returned SLABBIN_ECORRUPT: the freed slot found damaged and the first damaged
 * byte offset in it (an offset below sizeof(void *) means the free-list link; a damaged link is
 * reported at offset 0). *slot is NULL when a bump found the free list cut short (a link
 * overwritten with NULL, checked mode without debug): the damaged slot was handed out by then
 * and cannot be named. Later successful calls do not clear it.
 * @return SLABBIN_OK, or SLABBIN_EINVAL when no corruption has been reported by this allocator
 *         (or a NULL argument)
 */
SLABBIN_API int slabbin_last_corruption(const slabbin_t *a, void **slot, size_t *offset);

/*
 * Single-value forms (value.c). Each returns its whole answer in one machine word and takes no
 * out-parameter: for callers that cross a language boundary per call (Java's FFM downcalls and
 * JNI glue), where an answer through memory costs a scratch buffer and a load. Each does exactly
 * what the call it names does (same checks, same errors, same thread rules: one thread at a time
 * per allocator). Addresses are returned as intptr_t: a slot's address is positive on every
 * supported platform (64-bit user space), a status (SLABBIN_E*) is negative, so the sign tells
 * them apart.
 */

/**
 * slabbin_create_with() with the options of slabbin_options_init() and the given initial slab
 * capacity and flags (no reserve limit).
 * @return the allocator's address (> 0), SLABBIN_EINVAL (every invalid argument of
 *         slabbin_create_with()) or SLABBIN_ENOMEM
 */
SLABBIN_API intptr_t slabbin_create_value(size_t slot_size, size_t slot_alignment,
                                          size_t slab_capacity, size_t initial_slab_capacity,
                                          unsigned flags);

/**
 * slabbin_alloc() in one value: the same slot (the most recently freed, else the next never-used
 * one), the same checks.
 * @return the slot's address (> 0), SLABBIN_EINVAL (NULL allocator), SLABBIN_ENOMEM or
 *         SLABBIN_ECORRUPT (checked mode: use after free detected; nothing allocated; retrying
 *         succeeds)
 */
SLABBIN_API intptr_t slabbin_alloc_value(slabbin_t *a);

/** slabbin_alloc_zeroed() in one value: as slabbin_alloc_value(), the slot's first slot_size
 *  bytes set to zero. */
SLABBIN_API intptr_t slabbin_alloc_zeroed_value(slabbin_t *a);

/**
 * slabbin_alloc_upto() in one value: fills slots[0..n-1], 1 <= n <= max.
 * @return n (>= 1; 0 when max is 0), or SLABBIN_EINVAL (NULL allocator, NULL array with max > 0),
 *         SLABBIN_ENOMEM or SLABBIN_ECORRUPT (nothing allocated)
 */
SLABBIN_API ptrdiff_t slabbin_alloc_upto_value(slabbin_t *a, void **slots, size_t max);

/** Bits of a slabbin_free_batch_value() result that hold -status; the index of the refused entry
 *  sits above them. */
#define SLABBIN_BATCH_INDEX_SHIFT 8

/**
 * slabbin_free_batch() in one value: frees slots[0..count-1] in that order, or (checked mode, a
 * bad address) nothing.
 * @return 0 when every slot was freed; else (index of the first refused entry <<
 *         SLABBIN_BATCH_INDEX_SHIFT) | -status, a positive value, where status is SLABBIN_EINVAL
 *         (NULL allocator, NULL array with count > 0; index 0) or the free error of that entry
 *         (SLABBIN_EFOREIGN, SLABBIN_EINTERIOR, SLABBIN_EDOUBLEFREE)
 */
SLABBIN_API int64_t slabbin_free_batch_value(slabbin_t *a, void *const *slots, size_t count);

/**
 * slabbin_layout_stride() in one value.
 * @return the stride in bytes (> 0), or SLABBIN_EINVAL (size 0, a bad alignment, overflow)
 */
SLABBIN_API ptrdiff_t slabbin_layout_stride_value(size_t slot_size, size_t slot_alignment);

/** A short English description of a status code ("double free", ...); never NULL. */
SLABBIN_API const char *slabbin_strerror(int status);

/**
 * ABI number of this header and the library built from it. It changes whenever a function's
 * signature or meaning, a status code, a flag or slabbin_stats_t changes incompatibly, so that a
 * caller can refuse a library built from another version (the Java loader does).
 */
#define SLABBIN_ABI_VERSION 1

/** The ABI number the library was built with (SLABBIN_ABI_VERSION of its slabbin.h). */
SLABBIN_API int slabbin_abi_version(void);

/** The library's version, e.g. "0.1.0" (the project version it was built as); never NULL. */
SLABBIN_API const char *slabbin_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SLABBIN_H */

package io.github.slabbin;

/**
 * The magazine of a {@link SlabAllocator} ({@link SlabAllocator.Builder#magazine(int)}): free
 * slots cached on the Java side so that most single allocations and frees make no native call
 * (Bonwick and Adams, "Magazines and Vmem", USENIX 2001). It refills through one batch call
 * ({@link SlabbinNative#allocateUpTo}) and returns its older half through another
 * ({@link SlabbinNative#deallocateBatch}); in checked mode a set of the live slots tells live
 * from free, so every refusal happens at the call that breaks the rules; in debug mode the slots
 * entering the cache are poisoned and those leaving it verified.
 *
 * <p>The allocator checks its state (open, owner thread) before every call here and keeps itself
 * reachable during it; {@code h} is its native allocator. Confined to the owner thread.
 */
final class Magazine {
    /**
     * Free slots, top at {@code count - 1}. The cache sits on top of the core's free list:
     * together they are one LIFO stack, with the slots a refill bumped ahead at its bottom, so
     * every call sees the order that single native calls would.
     */
    private final long[] cache;
    /** Slots in {@link #cache}: 0 to {@code cache.length}. The core counts them as allocated. */
    private int count;
    /**
     * Checked mode: the slots handed out and not freed since, exactly the live slots (the core
     * cannot tell them from the cached ones); null in unchecked mode.
     */
    private final LiveSet liveSet;
    /** Slots handed out and not freed since (the core's count minus {@link #count}). */
    private long live;
    /** The largest {@link #live} since creation (never lowered by reset). */
    private long peak;
    /** Debug mode: the allocator's call sites; null otherwise (debug takes the slow paths). */
    private final CallSites sites;
    private final Failures failures;

    /**
     * @param slots    the cache size, 2 to 65,536 slots
     * @param checked  whether to keep the live set
     * @param sites    debug mode's call sites, or null
     * @param failures the allocator's exceptions
     */
    Magazine(int slots, boolean checked, CallSites sites, Failures failures) {
        this.cache = new long[slots];
        this.liveSet = checked ? new LiveSet() : null;
        this.sites = sites;
        this.failures = failures;
    }

    /** The cache size, slots. */
    int size() {
        return cache.length;
    }

    /** Slots cached now. */
    int cached() {
        return count;
    }

    /** Slots handed out now. */
    long live() {
        return live;
    }

    /** The largest {@link #live()} since creation. */
    long peak() {
        return peak;
    }

    // ---- single slots -----------------------------------------------------------------------

    /**
     * The fast pop: the top cached slot, handed out; 0 when the slow path must run (cache empty,
     * or debug mode).
     */
    long pop() {
        if (count == 0 || sites != null) {
            return 0;
        }
        return take();
    }

    /** The slow pop: refills an empty cache, verifies the slot in debug mode, hands it out. */
    long allocate(long h) {
        if (count == 0) {
            count = refill(h);
        }
        if (sites != null) {
            verify(h, count - 1, count);
        }
        return take();
    }

    /** Takes the top cached slot (there is one) and hands it out. */
    private long take() {
        long address = cache[--count];
        handOut(address);
        return address;
    }

    /**
     * The fast push: caches a live slot; false, changing nothing, when the slow path must run
     * (cache full, debug mode, or not in the live set).
     */
    boolean push(long address) {
        int n = count;
        if (n < cache.length && sites == null && (liveSet == null || liveSet.remove(address))) {
            cache[n] = address;
            count = n + 1;
            live--;
            return true;
        }
        return false;
    }

    /**
     * The slow push: refuses a slot that is not live (checked mode), returns the older half to
     * the slabs when full, caches the slot (poisoned and its free site recorded in debug mode).
     */
    void deallocate(long h, long address) {
        if (liveSet != null && !liveSet.contains(address)) {
            throw failures.address(reason(h, address), address);
        }
        int n = count;
        if (n == cache.length) {
            if (sites != null) {
                verify(h, 0, n >>> 1);
            }
            n = flush(h, n, n >>> 1);
            count = n;
        }
        if (liveSet != null) {
            liveSet.remove(address);
        }
        cache[n] = address;
        if (sites != null) {
            poison(h, n, n + 1);
            sites.freed(address);
        }
        count = n + 1;
        live--;
    }

    // ---- batches ----------------------------------------------------------------------------

    /**
     * The first part of a batch allocation: how many of {@code wanted} slots the cache gives
     * (they come first in the batch), verified in debug mode; nothing is taken yet, so that a
     * refusal of the rest leaves the cache as it was.
     */
    int reserve(long h, int wanted) {
        int take = Math.min(count, wanted);
        if (sites != null && take > 0) {
            verify(h, count - take, count);
        }
        return take;
    }

    /**
     * The second part: writes the {@code take} reserved slots to {@code addresses[offset ..]},
     * top first, and hands out all {@code total} slots of the batch (the rest came from the
     * slabs).
     */
    void handOut(long[] addresses, int offset, int take, int total) {
        for (int i = 0; i < take; i++) {
            addresses[offset + i] = cache[--count];
        }
        for (int i = 0; i < total; i++) {
            handOut(addresses[offset + i]);
        }
    }

    /**
     * A batch free: in checked mode validates the whole batch first (refusing it unchanged);
     * then caches it if it fits, or else returns the cache and then the batch to the slabs.
     */
    void deallocate(long h, long[] addresses, int offset, int total) {
        int n = count;
        boolean fits = total <= cache.length - n;
        if (sites != null && !fits) {
            verify(h, 0, n);
        }
        if (liveSet != null) {
            for (int i = 0; i < total; i++) {
                long a = addresses[offset + i];
                if (!liveSet.remove(a)) {
                    for (int j = 0; j < i; j++) {
                        liveSet.add(addresses[offset + j]);
                    }
                    throw failures.batch(addresses, offset, i, reason(h, a));
                }
            }
        }
        if (fits) {
            System.arraycopy(addresses, offset, cache, n, total);
            if (sites != null) {
                poison(h, n, n + total);
            }
            count = n + total;
        } else {
            count = flush(h, n, n);
            failures.requireBatchFreed(
                    NativeCalls.deallocateBatch(h, addresses, offset, total), addresses, offset);
        }
        live -= total;
    }

    // ---- whole allocator --------------------------------------------------------------------

    /** What {@link SlabAllocator#deallocate(long)} would say of an address; changes nothing. */
    int check(long h, long address) {
        if (liveSet != null && !liveSet.contains(address)) {
            return reason(h, address);
        }
        return NativeCalls.check(h, address);
    }

    /** {@link SlabAllocator#reset()}: every slot is free, none cached. */
    void clear() {
        count = 0;
        live = 0;
        if (liveSet != null) {
            liveSet.clear();
        }
    }

    /** {@link SlabAllocator#trim()}: returns every cached slot to the slabs. */
    void flushAll(long h) {
        if (sites != null) {
            verify(h, 0, count);
        }
        count = flush(h, count, count);
    }

    // ---- inside -----------------------------------------------------------------------------

    /** Magazine mode: a slot handed out to the caller. */
    private void handOut(long address) {
        if (liveSet != null) {
            liveSet.add(address);
        }
        if (++live > peak) {
            peak = live;
        }
        if (sites != null) {
            sites.allocated(address);
        }
    }

    /**
     * Why a checked magazine refuses an address that is not in its live set: the core's reason,
     * or a double free when the core still counts it allocated (it sits in the cache).
     */
    private static int reason(long h, long address) {
        return Failures.cachedReason(NativeCalls.check(h, address));
    }

    /** Fills the empty cache with up to half its size of slots; returns how many. */
    private int refill(long h) {
        long[] c = cache;
        int got = NativeCalls.allocateUpTo(h, c, 0, Math.max(1, c.length >>> 1));
        if (got <= 0) {
            throw failures.allocation(h, got);
        }
        // The first slot the core handed out goes on top, as single allocations would see it.
        for (int i = 0, j = got - 1; i < j; i++, j--) {
            long t = c[i];
            c[i] = c[j];
            c[j] = t;
        }
        if (sites != null) {
            poison(h, 0, got);
        }
        return got;
    }

    /**
     * Returns the bottom {@code k} of {@code n} cached slots to the slabs, bottom first, so that
     * they stay below the rest in LIFO order; returns n - k.
     */
    private int flush(long h, int n, int k) {
        if (k > 0) {
            long r = NativeCalls.deallocateBatch(h, cache, 0, k);
            if (r != 0) {
                throw failures.magazineRefused(BatchError.decode(r).status());
            }
            System.arraycopy(cache, k, cache, 0, n - k);
        }
        return n - k;
    }

    /** Debug mode: poisons {@code cache[from .. to)}, slots entering the cache. */
    private void poison(long h, int from, int to) {
        for (int i = from; i < to; i++) {
            NativeCalls.poison(h, cache[i]);
        }
    }

    /**
     * Debug mode: verifies that {@code cache[from .. to)}, about to leave the cache, are still
     * all poison, top first. The first damaged slot is poisoned again, stays cached, and is
     * reported as a use after free; nothing else changes.
     */
    private void verify(long h, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            long slot = cache[i];
            long offset = NativeCalls.poisonDamage(h, slot, 0);
            if (offset >= 0) {
                NativeCalls.poison(h, slot);
                throw failures.useAfterFree(slot, offset);
            }
        }
    }
}

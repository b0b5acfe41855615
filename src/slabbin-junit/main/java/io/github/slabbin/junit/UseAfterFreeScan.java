package io.github.slabbin.junit;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlabStats;

/**
 * Finds a write into a freed slot that nothing found during the test: debug mode verifies a freed
 * slot's poison only when the slot is handed out again (or leaves the magazine), and
 * {@code close()} does not verify. So at the end of a scope the scan allocates the allocator's
 * free slots, which verifies each, and frees them again (so that they are not reported as leaks).
 *
 * <p>How many: a slot is bumped fresh from a slab only when no freed slot is free, so the slots
 * ever handed out in the slabs held number at most the peak of live slots, plus what a magazine
 * refill bumped ahead (at most the magazine size). The scan allocates that many, never more than
 * the free slots already reserved, so it reserves no slab. It stops at the first use after free.
 * Its cost is one debug-mode allocation (a stack capture, about 10 µs) per slot scanned.
 */
final class UseAfterFreeScan {
    private UseAfterFreeScan() {
    }

    /**
     * Scans a debug-mode allocator.
     *
     * @param allocator     open, in debug mode, called from its owner
     * @param magazineSlots its magazine size, 0 without
     * @return the use-after-free exception of the first damaged slot, or null if none; either
     *     way the allocator holds the same live slots as before
     */
    static IllegalStateException scan(SlabAllocator allocator, int magazineSlots) {
        SlabStats s = allocator.stats();
        long free = s.slabCount() * s.slabCapacity() - s.liveSlots();
        long[] taken = new long[Math.toIntExact(Math.min(free, s.peakLiveSlots() + magazineSlots))];
        int n = 0;
        try {
            while (n < taken.length) {
                long a = allocator.allocate();
                taken[n++] = a;
            }
            return null;
        } catch (IllegalStateException e) {
            return e;
        } finally {
            allocator.deallocate(taken, 0, n);
        }
    }
}

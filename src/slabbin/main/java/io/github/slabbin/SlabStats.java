package io.github.slabbin;

/**
 * A snapshot of an allocator's statistics ({@link SlabAllocator#stats()}).
 *
 * @param slotSize      bytes a slot holds (the layout's size)
 * @param alignment     alignment of every slot address, bytes
 * @param stride        bytes from one slot to the next
 * @param slabCapacity  slots per slab
 * @param slabCount     slabs reserved now
 * @param liveSlots     slots allocated now (handed to the caller and not yet freed)
 * @param peakLiveSlots the largest {@code liveSlots} since the allocator was created
 * @param reservedBytes bytes reserved from the system for slabs:
 *                      {@code slabCount * slabCapacity * stride} (bookkeeping not included)
 * @param magazineSlots free slots held in the allocator's magazine
 *                      ({@link SlabAllocator.Builder#magazine(int)}), not counted in
 *                      {@code liveSlots}; 0 without a magazine
 */
public record SlabStats(long slotSize, long alignment, long stride, long slabCapacity,
                        long slabCount, long liveSlots, long peakLiveSlots, long reservedBytes,
                        long magazineSlots) {

    /**
     * Statistics of an allocator without a magazine ({@code magazineSlots} 0).
     *
     * @param slotSize      bytes a slot holds
     * @param alignment     alignment of every slot address, bytes
     * @param stride        bytes from one slot to the next
     * @param slabCapacity  slots per slab
     * @param slabCount     slabs reserved now
     * @param liveSlots     slots allocated now
     * @param peakLiveSlots the largest {@code liveSlots} since creation
     * @param reservedBytes bytes reserved for slabs
     */
    public SlabStats(long slotSize, long alignment, long stride, long slabCapacity,
                     long slabCount, long liveSlots, long peakLiveSlots, long reservedBytes) {
        this(slotSize, alignment, stride, slabCapacity, slabCount, liveSlots, peakLiveSlots,
                reservedBytes, 0);
    }
}

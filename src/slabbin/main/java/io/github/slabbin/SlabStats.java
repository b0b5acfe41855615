package io.github.slabbin;

/**
 * A snapshot of an allocator's statistics ({@link SlabAllocator#stats()}).
 *
 * @param slotSize            bytes a slot holds (the layout's size)
 * @param alignment           alignment of every slot address, bytes
 * @param stride              bytes from one slot to the next
 * @param slabCapacity        slots per slab (with growth, of the largest slab; see
 *                            {@link SlabAllocator.Builder#initialSlabCapacity(int)})
 * @param slabCount           slabs reserved now
 * @param liveSlots           slots allocated now (handed to the caller and not yet freed)
 * @param peakLiveSlots       the largest {@code liveSlots} since the allocator was created
 * @param reservedBytes       bytes reserved from the system for slabs: the sum over the reserved
 *                            slabs of their capacity times {@code stride}, that is
 *                            {@code slabCount * slabCapacity * stride} without growth
 *                            (bookkeeping not included)
 * @param magazineSlots       free slots held in the allocator's magazine
 *                            ({@link SlabAllocator.Builder#magazine(int)}), not counted in
 *                            {@code liveSlots}; 0 without a magazine
 * @param initialSlabCapacity slots of the first slab: {@code slabCapacity} without growth,
 *                            1 to {@code slabCapacity} with it
 */
public record SlabStats(long slotSize, long alignment, long stride, long slabCapacity,
                        long slabCount, long liveSlots, long peakLiveSlots, long reservedBytes,
                        long magazineSlots, long initialSlabCapacity) {

    /**
     * Statistics of an allocator without growth ({@code initialSlabCapacity} equal to
     * {@code slabCapacity}).
     *
     * @param slotSize      bytes a slot holds
     * @param alignment     alignment of every slot address, bytes
     * @param stride        bytes from one slot to the next
     * @param slabCapacity  slots per slab
     * @param slabCount     slabs reserved now
     * @param liveSlots     slots allocated now
     * @param peakLiveSlots the largest {@code liveSlots} since creation
     * @param reservedBytes bytes reserved for slabs
     * @param magazineSlots free slots held in the magazine
     */
    public SlabStats(long slotSize, long alignment, long stride, long slabCapacity,
                     long slabCount, long liveSlots, long peakLiveSlots, long reservedBytes,
                     long magazineSlots) {
        this(slotSize, alignment, stride, slabCapacity, slabCount, liveSlots, peakLiveSlots,
                reservedBytes, magazineSlots, slabCapacity);
    }

    /**
     * Statistics of an allocator without a magazine ({@code magazineSlots} 0) and without growth.
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

    /**
     * Slots the reserved slabs hold together, free or not: {@code reservedBytes / stride}.
     *
     * @return the sum of the reserved slabs' capacities, slots
     */
    public long reservedSlots() {
        return reservedBytes / stride;
    }
}

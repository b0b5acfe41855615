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
 */
public record SlabStats(long slotSize, long alignment, long stride, long slabCapacity,
                        long slabCount, long liveSlots, long peakLiveSlots, long reservedBytes) {}

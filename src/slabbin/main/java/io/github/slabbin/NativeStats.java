package io.github.slabbin;

import static io.github.slabbin.SlabbinNative.STATS_LENGTH;
import static io.github.slabbin.SlabbinNative.STAT_ALIGNMENT;
import static io.github.slabbin.SlabbinNative.STAT_INITIAL_SLAB_CAPACITY;
import static io.github.slabbin.SlabbinNative.STAT_LIVE_SLOTS;
import static io.github.slabbin.SlabbinNative.STAT_PEAK_LIVE_SLOTS;
import static io.github.slabbin.SlabbinNative.STAT_PEAK_RESERVED_BYTES;
import static io.github.slabbin.SlabbinNative.STAT_RESERVED_BYTES;
import static io.github.slabbin.SlabbinNative.STAT_RESERVED_SLOTS;
import static io.github.slabbin.SlabbinNative.STAT_SLAB_CAPACITY;
import static io.github.slabbin.SlabbinNative.STAT_SLAB_COUNT;
import static io.github.slabbin.SlabbinNative.STAT_SLOT_SIZE;
import static io.github.slabbin.SlabbinNative.STAT_STRIDE;

/**
 * The C core's statistics ({@code slabbin_stats_t}), decoded by name from the array
 * {@link SlabbinNative#stats} fills: the one place that knows the {@code STAT_*} positions.
 *
 * @param slotSize            bytes a slot holds
 * @param alignment           alignment of every slot address, bytes
 * @param stride              bytes from one slot to the next
 * @param slabCapacity        slots of the largest slab
 * @param slabCount           slabs reserved now
 * @param liveSlots           slots handed out by the slabs now (including a magazine's)
 * @param peakLiveSlots       the largest {@code liveSlots} since creation
 * @param reservedBytes       bytes of the slabs reserved now (the exact sum over the slabs)
 * @param initialSlabCapacity slots of the first slab (equal to {@code slabCapacity} without growth)
 * @param reservedSlots       the sum of the reserved slabs' capacities, slots
 * @param peakReservedBytes   the largest {@code reservedBytes} since creation
 */
record NativeStats(long slotSize, long alignment, long stride, long slabCapacity, long slabCount,
                   long liveSlots, long peakLiveSlots, long reservedBytes,
                   long initialSlabCapacity, long reservedSlots, long peakReservedBytes) {

    /**
     * Reads the statistics of a live native allocator.
     *
     * @param handle the native allocator (not destroyed)
     * @return its statistics
     */
    static NativeStats read(long handle) {
        long[] v = new long[STATS_LENGTH];
        NativeCalls.stats(handle, v);
        return new NativeStats(v[STAT_SLOT_SIZE], v[STAT_ALIGNMENT], v[STAT_STRIDE],
                v[STAT_SLAB_CAPACITY], v[STAT_SLAB_COUNT], v[STAT_LIVE_SLOTS],
                v[STAT_PEAK_LIVE_SLOTS], v[STAT_RESERVED_BYTES], v[STAT_INITIAL_SLAB_CAPACITY],
                v[STAT_RESERVED_SLOTS], v[STAT_PEAK_RESERVED_BYTES]);
    }

    /**
     * These statistics as the public ones of an allocator without magazines: the core's live
     * and peak counts, no magazine slots.
     */
    SlabStats slabStats() {
        return new SlabStats(slotSize, alignment, stride, slabCapacity, slabCount, liveSlots,
                peakLiveSlots, reservedBytes, 0, initialSlabCapacity);
    }
}

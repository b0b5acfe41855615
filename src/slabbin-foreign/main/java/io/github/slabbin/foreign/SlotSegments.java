package io.github.slabbin.foreign;

import io.github.slabbin.SlabAllocator;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Slots as {@link MemorySegment}s (JDK 22 and later). A slot segment is a native segment of
 * exactly the slot's {@link io.github.slabbin.SlotLayout#size() size} in bytes, made from the
 * slot's {@link SlabAllocator#buffer(long) buffer view}, so it is checked as that view is (in
 * checked mode the address must be a currently allocated slot) and bounded: an access outside the
 * slot throws {@link IndexOutOfBoundsException} instead of touching a neighbour.
 *
 * <p><b>Lifetime.</b> The segment does not own the slot. It is valid until the slot is freed or
 * the allocator is reset or closed; after that, using it is a use after free (the segment's
 * bounds still hold, the memory is another slot's or released). While the segment is reachable
 * the allocator's memory is not released by the allocator's Cleaner (as with the buffer view), so
 * a segment that outlives an allocator dropped without {@code close()} never points into memory
 * returned to the system. Its scope is global: {@link MemorySegment#isAccessibleBy(Thread)} is true
 * for every thread, though the allocator's own calls stay confined to its owner.
 *
 * <p>Uses no restricted method: no {@code --enable-native-access} is needed for it beyond what
 * slabbin itself needs.
 */
public final class SlotSegments {
    private SlotSegments() {}

    /**
     * A segment over exactly one slot.
     *
     * @param allocator the allocator that handed the slot out, not null
     * @param address   a currently allocated slot of that allocator
     * @return a native segment of {@code allocator.layout().size()} bytes at {@code address}
     * @throws IllegalArgumentException (checked mode) if the address is not a live slot; if the
     *     slot size exceeds {@link Integer#MAX_VALUE} bytes (as {@link SlabAllocator#buffer})
     * @throws IllegalStateException if the allocator is closed or this thread is not its owner
     * @throws NullPointerException if {@code allocator} is null
     */
    public static MemorySegment slot(SlabAllocator allocator, long address) {
        Objects.requireNonNull(allocator, "allocator");
        return MemorySegment.ofBuffer(allocator.buffer(address));
    }
}

package io.github.slabbin.foreign;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlotLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Objects;

/**
 * A {@link SegmentAllocator} backed by a {@link SlabAllocator} (JDK 22 and later): every request
 * takes one slot ({@link SlabAllocator#allocate()}) and returns a {@link SlotSegments#slot slot
 * segment} sliced to the requested size. FFM APIs that take an allocator place their results in
 * slots with it: a downcall returning a struct by value, {@code allocateFrom} of a value, an array
 * or a string that fits the slot.
 *
 * <p>A request fits if its size is at most the slot size and its alignment at most the slot
 * alignment (a slot's address is a multiple of the layout's alignment); any other request is
 * refused with {@link IllegalArgumentException} before a slot is taken. The contents of a new
 * segment are unspecified, as those of {@link SlabAllocator#allocate()} (FFM's
 * {@code allocateFrom} methods write every byte they return).
 *
 * <p><b>Lifetime.</b> A segment is valid until its slot is freed ({@link #free} or
 * {@link SlabAllocator#deallocate(long)} of its {@link MemorySegment#address() address}) or the
 * allocator is reset or closed. Nothing frees a slot automatically: the caller frees each, or
 * resets or closes the allocator. Threads: as the slab allocator (its owner only).
 */
public final class SlotAllocator implements SegmentAllocator {
    private final SlabAllocator allocator;
    private final SlotLayout layout;

    private SlotAllocator(SlabAllocator allocator) {
        this.allocator = allocator;
        this.layout = allocator.layout();
    }

    /**
     * A segment allocator that takes its segments from slots of {@code allocator}.
     *
     * @param allocator the slab allocator, not null; it stays the caller's to close
     * @return the segment allocator
     * @throws NullPointerException if {@code allocator} is null
     */
    public static SlotAllocator of(SlabAllocator allocator) {
        return new SlotAllocator(Objects.requireNonNull(allocator, "allocator"));
    }

    /**
     * The slab allocator the slots come from.
     *
     * @return the slab allocator given to {@link #of(SlabAllocator)}
     */
    public SlabAllocator slabAllocator() {
        return allocator;
    }

    /**
     * Takes one slot for a request of {@code byteSize} bytes aligned to {@code byteAlignment}.
     *
     * @param byteSize      bytes, 0 to the slot size
     * @param byteAlignment bytes, a power of two up to the slot alignment
     * @return a segment of exactly {@code byteSize} bytes at the start of a new slot
     * @throws IllegalArgumentException if the size is negative or above the slot size, or the
     *     alignment is not a power of two or above the slot alignment (nothing is allocated)
     * @throws OutOfMemoryError as {@link SlabAllocator#allocate()}
     * @throws IllegalStateException as {@link SlabAllocator#allocate()}
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteSize < 0 || byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) {
            throw new IllegalArgumentException("slabbin: invalid request of " + byteSize
                    + " bytes aligned to " + byteAlignment + " (the size must be 0 or more, the"
                    + " alignment a power of two)");
        }
        if (byteSize > layout.size() || byteAlignment > layout.alignment()) {
            throw new IllegalArgumentException("slabbin: a request of " + byteSize
                    + " bytes aligned to " + byteAlignment + " does not fit a slot of " + layout
                    + " (at most " + layout.size() + " bytes aligned to " + layout.alignment()
                    + ")");
        }
        long address = allocator.allocate();
        return SlotSegments.slot(allocator, address).asSlice(0, byteSize);
    }

    /**
     * Frees the slot of a segment this allocator returned.
     *
     * @param segment a segment from {@link #allocate(long, long)} whose slot is still allocated
     * @throws IllegalArgumentException as {@link SlabAllocator#deallocate(long)} (checked mode:
     *     not the start of a live slot, e.g. freed already)
     * @throws IllegalStateException as {@link SlabAllocator#deallocate(long)}
     */
    public void free(MemorySegment segment) {
        allocator.deallocate(segment.address());
    }
}

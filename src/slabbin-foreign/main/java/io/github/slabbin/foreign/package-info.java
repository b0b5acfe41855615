/**
 * FFM interop for slabbin on JDK 22 and later: {@link io.github.slabbin.foreign.SlotSegments} (a
 * {@link java.lang.foreign.MemorySegment} over one slot) and
 * {@link io.github.slabbin.foreign.SlotAllocator} (a {@link java.lang.foreign.SegmentAllocator}
 * that places FFM results in slots). Built on the public API of {@code io.github.slabbin} only.
 */
package io.github.slabbin.foreign;

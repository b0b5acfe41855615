package io.github.slabbin;

import java.util.List;

/**
 * A slot still allocated in a debug-mode allocator, with where it was allocated
 * ({@link SlabAllocator#debugLiveSlots()}). Meant for tools that look for leaks, e.g. a test
 * extension that compares the live slots before and after a test.
 *
 * @param address     the slot's address
 * @param serial      the allocation's number: 1 for the first slot the allocator handed out, one
 *                    more for each slot handed out after it (a slot allocated again gets a new
 *                    number), so slots handed out after a moment are those with a larger serial
 * @param allocatedAt the allocating thread's stack at the allocation, innermost frame first,
 *                    without slabbin's own frames; unmodifiable
 */
public record LiveSlot(long address, long serial, List<StackTraceElement> allocatedAt) {
    /**
     * Copies the frames.
     *
     * @param address     the slot's address
     * @param serial      the allocation's number, from 1
     * @param allocatedAt the allocating thread's stack at the allocation, innermost frame first
     * @throws NullPointerException if {@code allocatedAt} is or holds null
     */
    public LiveSlot {
        allocatedAt = List.copyOf(allocatedAt);
    }

    @Override
    public String toString() {
        return String.format("slot 0x%x (allocation #%d) allocated at %s", address, serial,
                allocatedAt.isEmpty() ? "?" : allocatedAt.get(0));
    }
}

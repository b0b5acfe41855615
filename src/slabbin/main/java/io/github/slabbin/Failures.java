package io.github.slabbin;

/**
 * Every exception a {@link SlabAllocator} throws, with its message, built here and nowhere else
 * (the README's errors table and the allocator's Javadoc describe them): the creation and
 * argument failures (static, before an allocator exists), and for one allocator its state
 * failures (closed, wrong thread), address failures (a single address that is not a live slot),
 * batch failures (an entry of a batch free), allocation failures (out of memory, use after free
 * found by the core) and use after free found in a magazine. Messages name the allocator by its
 * {@code toString()}; in debug mode they add where the slot was allocated and freed, and the
 * exception carries those stacks as suppressed exceptions ({@link CallSites#attach}).
 *
 * <p>Building a message reads only the allocator's bookkeeping (statistics, call sites, the
 * core's last corruption), never a slot. Used from the owner thread only.
 */
final class Failures {
    private final SlabAllocator allocator;
    private final Thread owner;
    /** Debug mode: the allocator's call sites; null otherwise. */
    private final CallSites sites;
    /** The cap on reserved bytes, 0 for none (the core enforces it; named in messages). */
    private final long maxReservedBytes;

    Failures(SlabAllocator allocator, Thread owner, CallSites sites, long maxReservedBytes) {
        this.allocator = allocator;
        this.owner = owner;
        this.sites = sites;
        this.maxReservedBytes = maxReservedBytes;
    }

    // ---- creation and arguments ------------------------------------------------------------

    static IllegalArgumentException slabCapacity(int slots) {
        return new IllegalArgumentException("slab capacity must be at least 1 slot, got " + slots);
    }

    static IllegalArgumentException initialSlabCapacity(int slots) {
        return new IllegalArgumentException(
                "initial slab capacity must be at least 1 slot, got " + slots);
    }

    static IllegalArgumentException initialSlabCapacity(int slots, int slabCapacity) {
        return new IllegalArgumentException("initial slab capacity must be 1 to the slab"
                + " capacity of " + slabCapacity + " slots, got " + slots);
    }

    static IllegalArgumentException maxReservedBytes(long bytes) {
        return new IllegalArgumentException(
                "maxReservedBytes must be 0 (no cap) or positive, got " + bytes);
    }

    static IllegalArgumentException magazineSize(int slots) {
        return new IllegalArgumentException(
                "magazine size must be 0 (off) or 2 to 65536 slots, got " + slots);
    }

    static IllegalArgumentException debugWithoutChecks() {
        return new IllegalArgumentException("debug mode implies checked mode:"
                + " debug(true) cannot be combined with checked(false)");
    }

    static OutOfMemoryError noAllocatorHeader() {
        return new OutOfMemoryError("slabbin: no native memory for an allocator header");
    }

    static IllegalArgumentException slabOverflow(int slabCapacity, SlotLayout layout) {
        return new IllegalArgumentException("slab capacity " + slabCapacity + " with " + layout
                + " does not fit in the address space (" + slabCapacity + " * "
                + layout.stride() + " bytes overflows)");
    }

    static IllegalArgumentException bufferTooLarge(long slotSize) {
        return new IllegalArgumentException("slot size " + slotSize
                + " bytes is too large for a ByteBuffer");
    }

    static IllegalArgumentException structureTooLarge(Class<?> type, long needs, long slotSize) {
        return new IllegalArgumentException(type.getName() + " needs " + needs
                + " bytes but a slot holds " + slotSize);
    }

    static IllegalArgumentException structureMisaligned(Class<?> type, long needs, long aligned) {
        return new IllegalArgumentException(type.getName() + " needs an alignment of " + needs
                + " bytes but slots are aligned to " + aligned);
    }

    // ---- one allocator ---------------------------------------------------------------------

    /**
     * Closed, or called from a thread other than the owner (checked before any argument); a
     * shared allocator (no owner) only gets the first.
     */
    IllegalStateException state() {
        Thread current = Thread.currentThread();
        if (owner != null && current != owner) {
            return new IllegalStateException(allocator + " is confined to thread \""
                    + owner.getName() + "\" (id " + owner.getId() + ") but was called from"
                    + " thread \"" + current.getName() + "\" (id " + current.getId() + ")");
        }
        return new IllegalStateException(allocator + " is closed");
    }

    /** {@link SlabAllocator#debugLiveSlots()} without debug mode. */
    IllegalStateException notDebug() {
        return new IllegalStateException(allocator + " is not in debug mode (Builder.debug(true)"
                + " or -D" + SlabAllocator.Builder.DEBUG_PROPERTY + "=true)");
    }

    /**
     * A refused allocation: {@code code} is the native status, {@code SLABBIN_ECORRUPT} (use
     * after free, the free list rebuilt) or out of memory.
     *
     * @param h the native allocator, open
     * @return the use-after-free exception
     * @throws OutOfMemoryError for any other status (an error, so it is thrown here)
     */
    RuntimeException allocation(long h, long code) {
        if (code == SlabbinNative.ECORRUPT) {
            long[] found = new long[2];
            long slot = NativeCalls.lastCorruption(h, found) == SlabbinNative.OK ? found[0] : 0;
            if (slot != 0 && found[1] >= SlotLayout.LINK_BYTES) {
                return useAfterFree(slot, found[1]);          // debug mode: the poison
            }
            IllegalStateException e = new IllegalStateException("use after free detected in "
                    + allocator + ": " + (slot == 0 ? "a freed slot was written after it was"
                    + " freed, damaging the free list" : String.format("slot 0x%x was written"
                    + " after it was freed, damaging its free-list link%s", slot,
                    describeSites(slot)))
                    + "; nothing was allocated and the free list was rebuilt");
            return sites == null || slot == 0 ? e : sites.attach(e, slot);
        }
        NativeStats s = NativeStats.read(h);
        throw new OutOfMemoryError("slabbin: cannot reserve a slab of "
                + (s.initialSlabCapacity() < s.slabCapacity() ? "at most " : "")
                + Math.multiplyExact(s.slabCapacity(), s.stride()) + " bytes for " + allocator
                + " (" + s.reservedBytes() + " bytes in " + s.slabCount() + " slabs reserved"
                + (maxReservedBytes > 0 ? ", cap " + maxReservedBytes + " bytes" : "") + ")");
    }

    /** An address that is not a live slot of this allocator; {@code code} says why. */
    IllegalArgumentException address(int code, long address) {
        return notLive(reason(code), address);
    }

    /**
     * A view ({@code pointer}, {@code buffer}, {@code structureAt}) of an address that is not a
     * live slot; {@code code} says why.
     */
    IllegalArgumentException view(int code, long address) {
        return notLive(viewReason(code), address);
    }

    private IllegalArgumentException notLive(String reason, long address) {
        IllegalArgumentException e = new IllegalArgumentException(String.format(
                "0x%x is not a live slot of %s: %s%s", address, allocator, reason,
                describeSites(address)));
        return sites == null ? e : sites.attach(e, address);
    }

    /**
     * Entry {@code i} of a batch free ({@code addresses[offset + i]}) is not a live slot; a
     * double free of an entry that repeats an earlier one of the batch says so.
     */
    IllegalArgumentException batch(long[] addresses, int offset, int i, int code) {
        long a = addresses[offset + i];
        String why = reason(code);
        if (code == SlabbinNative.EDOUBLEFREE) {
            for (int j = 0; j < i; j++) {
                if (addresses[offset + j] == a) {
                    why = "repeated inside the batch (also at addresses[" + (offset + j) + "])";
                    break;
                }
            }
        }
        IllegalArgumentException e = new IllegalArgumentException(String.format(
                "addresses[%d] = 0x%x is not a live slot of %s: %s%s; nothing was freed",
                offset + i, a, allocator, why, describeSites(a)));
        return sites == null ? e : sites.attach(e, a);
    }

    /**
     * Throws the batch failure of a refused native batch free of {@code addresses[offset ..]}.
     *
     * @param result what {@link SlabbinNative#deallocateBatch} returned: 0 (all freed) or the
     *               packed refusal ({@link BatchError})
     */
    void requireBatchFreed(long result, long[] addresses, int offset) {
        if (result != 0) {
            BatchError e = BatchError.decode(result);
            throw batch(addresses, offset, e.index(), e.status());
        }
    }

    /** The slabs refused a slot the magazine returned to them ({@code status}: why). */
    IllegalStateException magazineRefused(int status) {
        return new IllegalStateException("magazine of " + allocator + " held a slot the slabs"
                + " refused: " + reason(status) + " (was a slot freed from C through"
                + " nativeHandle()?)");
    }

    /**
     * Debug mode: a freed slot whose poison was damaged at {@code offset} (bytes), found when it
     * was about to be handed out or returned to the slabs.
     */
    IllegalStateException useAfterFree(long slot, long offset) {
        IllegalStateException e = new IllegalStateException(String.format(
                "use after free detected in %s: slot 0x%x was written after it was freed (first"
                        + " damaged byte at offset %d)%s; nothing was allocated or freed, and the"
                        + " slot was poisoned again and stays free",
                allocator, slot, offset, describeSites(slot)));
        return sites == null ? e : sites.attach(e, slot);
    }

    /** Why an address is refused, in words, for a native status. */
    static String reason(int code) {
        switch (code) {
            case SlabbinNative.EFOREIGN:
                return "foreign pointer (not inside any slab of this allocator)";
            case SlabbinNative.EINTERIOR:
                return "interior pointer (inside a slab but not the start of a slot)";
            case SlabbinNative.EDOUBLEFREE:
                return "double free (the slot is not allocated)";
            default:
                return NativeCalls.strerror(code);
        }
    }

    /**
     * Why a Java-side cache of free slots (a magazine, shared or confined) refuses an address it
     * does not hold as live, from the core's status for it: the core's reason, or a double free
     * when the core counts the slot allocated (it sits free in a cache, which the core cannot see).
     */
    static int cachedReason(int coreStatus) {
        return coreStatus == SlabbinNative.OK ? SlabbinNative.EDOUBLEFREE : coreStatus;
    }

    /**
     * Why a view of an address is refused: as {@link #reason}, but a slot that is not allocated is
     * not a double free when only viewed.
     */
    static String viewReason(int code) {
        return code == SlabbinNative.EDOUBLEFREE ? "not allocated (freed, or never handed out)"
                : reason(code);
    }

    /** Debug mode: where a slot was allocated and freed, for a message; "" otherwise. */
    private String describeSites(long address) {
        return sites == null ? "" : sites.describe(address);
    }
}

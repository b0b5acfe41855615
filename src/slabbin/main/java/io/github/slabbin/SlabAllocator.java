package io.github.slabbin;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.github.slabbin.internal.LongHashTable;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A slab allocator: hands out slots of native memory of one {@link SlotLayout}, each at an address
 * that stays valid until the slot is freed or the allocator is reset or closed.
 *
 * <p>Memory is reserved from the system in slabs of {@link #slabCapacity()} slots. Allocation
 * takes the most recently freed slot if there is one (LIFO), otherwise the next never-used slot of
 * the newest slab, otherwise it reserves a new slab. Freeing puts the slot back on the free list.
 * Nothing is reserved before the first allocation; {@link #close()} releases every slab. This is
 * the design of the Rust crate {@code slabbin}, after Bonwick's slab allocator (USENIX 1994); the
 * core is C, reached through JNI.
 *
 * <h2>Checked and unchecked mode</h2>
 * In checked mode (the default) every address passed in is validated against the allocator's own
 * bookkeeping, never by reading the address: an address that is not the start of a currently
 * allocated slot of this allocator gets an {@link IllegalArgumentException} naming the reason
 * (foreign pointer, interior pointer, double free) and changes nothing. A write into a freed slot
 * that damages the free list (use after free) is detected by the next allocation, which throws
 * {@link IllegalStateException} and repairs the list. In unchecked mode
 * ({@link Builder#checked(boolean) checked(false)}) the native core skips every validation for
 * speed: passing anything but a live slot of this allocator, or writing to a freed slot, is
 * undefined behaviour and can crash the JVM.
 *
 * <h2>Batches and the magazine</h2>
 * {@link #allocate(long[], int, int)} and {@link #deallocate(long[], int, int)} move many slots
 * with one native call. {@link Builder#magazine(int)} adds a Java-side cache of free slots so that
 * most {@link #allocate()}/{@link #deallocate(long)} calls make no native call at all, with the
 * same observable behaviour (LIFO reuse, lazy slabs, exact statistics, checked-mode refusals).
 *
 * <h2>Threads</h2>
 * An allocator is confined to the thread that created it (its owner): a call from any other
 * thread throws {@link IllegalStateException} naming both threads. The memory of a slot may be
 * read and written from any thread, with the usual need for a happens-before edge.
 *
 * <h2>Lifecycle</h2>
 * After {@link #close()} every method but {@code close()}, {@link #isClosed()}, {@link #owner()}
 * and {@code toString()} throws {@link IllegalStateException}.
 * An allocator that becomes unreachable without being closed releases its native memory through a
 * {@link Cleaner} and logs a warning (logger {@code io.github.slabbin}, level WARNING).
 *
 * <h2>Errors</h2>
 * <table>
 *   <caption>Exceptions</caption>
 *   <tr><th>Exception</th><th>When</th></tr>
 *   <tr><td>{@link IllegalArgumentException}</td><td>bad layout or capacity at creation; an
 *       address that is not a live slot of this allocator (checked mode)</td></tr>
 *   <tr><td>{@link OutOfMemoryError}</td><td>the system refused a slab, or
 *       {@link Builder#maxReservedBytes(long)} would be exceeded; the allocator stays usable</td></tr>
 *   <tr><td>{@link IllegalStateException}</td><td>closed; wrong thread; use after free detected
 *       (checked mode)</td></tr>
 *   <tr><td>{@link UnsatisfiedLinkError}</td><td>no native library for this platform
 *       ({@link SlabbinLibrary})</td></tr>
 * </table>
 */
public final class SlabAllocator implements AutoCloseable {
    /** Bytes per slab that {@link Builder} aims at when no capacity is given: 64 KiB. */
    public static final long DEFAULT_SLAB_BYTES = 64 * 1024;

    private static final Cleaner CLEANER = Cleaner.create();
    private static final System.Logger LOG = System.getLogger("io.github.slabbin");

    private final SlotLayout layout;
    private final int slabCapacity;
    private final boolean checked;
    /** The cap on reserved bytes, 0 for none (for messages; the core enforces it). */
    private final long maxReservedBytes;
    private final Thread owner;
    private final NativeState state;
    private final Cleaner.Cleanable cleanable;
    /** The native allocator, or 0 once closed. */
    private long handle;
    /** Magazine: free slots cached on the Java side, top at {@code cached - 1}; null when off. */
    private final long[] magazine;
    private int cached;
    /** Checked magazine mode: the slots handed out and not freed since; null otherwise. */
    private final LongHashTable liveSet;
    /** Magazine mode: live slots and their peak, kept here (the core counts cached slots). */
    private long live;
    private long peak;

    private SlabAllocator(SlotLayout layout, int slabCapacity, boolean checked, long maxReserved,
                          int magazineSlots) {
        this.layout = Objects.requireNonNull(layout, "layout");
        if (slabCapacity < 1) {
            throw new IllegalArgumentException(
                    "slab capacity must be at least 1 slot, got " + slabCapacity);
        }
        if (maxReserved < 0) {
            throw new IllegalArgumentException(
                    "maxReservedBytes must be 0 (no cap) or positive, got " + maxReserved);
        }
        SlabbinNative.ensureLoaded();
        long h = SlabbinNative.create(layout.size(), layout.alignment(), slabCapacity,
                checked ? 0 : SlabbinNative.FLAG_UNCHECKED);
        if (h == SlabbinNative.ENOMEM) {
            throw new OutOfMemoryError("slabbin: no native memory for an allocator header");
        }
        if (h <= 0) {
            throw new IllegalArgumentException("slab capacity " + slabCapacity + " with " + layout
                    + " does not fit in the address space (" + slabCapacity + " * "
                    + layout.stride() + " bytes overflows)");
        }
        if (maxReserved > 0) {
            SlabbinNative.setReserveLimit(h, maxReserved);
        }
        this.slabCapacity = slabCapacity;
        this.checked = checked;
        this.maxReservedBytes = maxReserved;
        this.magazine = magazineSlots > 0 ? new long[magazineSlots] : null;
        this.liveSet = magazineSlots > 0 && checked ? new LongHashTable() : null;
        this.owner = Thread.currentThread();
        this.handle = h;
        this.state = new NativeState(h, layout, slabCapacity);
        this.cleanable = CLEANER.register(this, state);
    }

    /**
     * Creates a checked allocator confined to the calling thread.
     *
     * @param layout       the slot layout
     * @param slabCapacity slots per slab, 1 or more; {@code slabCapacity * layout.stride()} must fit
     *                     in the address space
     * @return a new allocator; it reserves no memory until the first allocation
     * @throws IllegalArgumentException if the capacity is below 1 or the slab would overflow
     * @throws UnsatisfiedLinkError if the native library cannot be loaded
     */
    public static SlabAllocator create(SlotLayout layout, int slabCapacity) {
        return builder(layout).slabCapacity(slabCapacity).build();
    }

    /**
     * A builder for an allocator of the given layout; by default checked, with slabs of about
     * {@link #DEFAULT_SLAB_BYTES} and no cap on reserved bytes.
     *
     * @param layout the slot layout, not null
     * @return a builder
     */
    public static Builder builder(SlotLayout layout) {
        return new Builder(Objects.requireNonNull(layout, "layout"));
    }

    /**
     * Allocates a slot. Its contents are unspecified (a reused slot keeps old bytes, its first 8
     * bytes overwritten by the free-list link).
     *
     * @return the slot's address, never 0, a multiple of the layout's alignment
     * @throws OutOfMemoryError if a new slab was needed and the system (or the reserve cap)
     *     refused it; nothing is allocated and the allocator stays usable
     * @throws IllegalStateException if closed, called from a thread other than the owner, or (checked
     *     mode) a freed slot was written after it was freed (nothing allocated; the free list is
     *     repaired, so the next call succeeds)
     */
    public long allocate() {
        // Kept small so that it inlines: one native call, or the magazine pop; the rest of the
        // magazine path is in allocateSlow().
        long[] mag = magazine;
        if (mag == null) {
            long h = handle;
            if (Thread.currentThread() != owner || h == 0) {
                throw stateFailure();
            }
            long address = SlabbinNative.allocate(h);
            Reference.reachabilityFence(this);
            if (address <= 0) {
                throw allocationFailure(address);
            }
            return address;
        }
        int n = cached;
        if (n > 0 && Thread.currentThread() == owner && handle != 0) {
            long address = mag[--n];
            cached = n;
            handOut(address);
            return address;
        }
        return allocateSlow();
    }

    private void handOut(long address) {
        if (liveSet != null) {
            liveSet.add(address);
        }
        if (++live > peak) {
            peak = live;
        }
    }

    private long allocateSlow() {
        long h = handle;
        if (Thread.currentThread() != owner || h == 0) {
            throw stateFailure();
        }
        long[] mag = magazine;
        int n = cached;
        if (n == 0) {
            n = refill(h, mag);
        }
        long address = mag[--n];
        cached = n;
        handOut(address);
        return address;
    }

    /**
     * Allocates a slot whose first {@link SlotLayout#size() size} bytes are zero.
     *
     * @return the slot's address, as {@link #allocate()}
     * @throws OutOfMemoryError as {@link #allocate()}
     * @throws IllegalStateException as {@link #allocate()}
     */
    public long allocateZeroed() {
        long h = handle;
        if (Thread.currentThread() != owner || h == 0) {
            throw stateFailure();
        }
        if (magazine != null) {
            long address = allocate();
            SlabbinNative.zero(address, layout.size());
            return address;
        }
        long address = SlabbinNative.allocateZeroed(h);
        Reference.reachabilityFence(this);
        if (address <= 0) {
            throw allocationFailure(address);
        }
        return address;
    }

    /**
     * Frees a slot: it goes on top of the free list and is the next one {@link #allocate()}
     * returns. The address must not be used afterwards.
     *
     * @param address the start of a slot allocated by this allocator and not freed since
     * @throws IllegalArgumentException (checked mode) if the address is not the start of a
     *     currently allocated slot of this allocator: a foreign pointer (0, memory not from this
     *     allocator, one past a slab's end, a slot of another allocator), an interior pointer, or
     *     a slot already free (double free); the allocator is left unchanged
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public void deallocate(long address) {
        // Kept small so that it inlines: one native call, or the magazine push; the rest of the
        // magazine path is in deallocateSlow().
        long[] mag = magazine;
        if (mag == null) {
            long h = handle;
            if (Thread.currentThread() != owner || h == 0) {
                throw stateFailure();
            }
            int rc = SlabbinNative.deallocate(h, address);
            Reference.reachabilityFence(this);
            if (rc != 0) {
                throw addressFailure(rc, address);
            }
            return;
        }
        int n = cached;
        if (n < mag.length && Thread.currentThread() == owner && handle != 0
                && (liveSet == null || liveSet.remove(address))) {
            mag[n] = address;
            cached = n + 1;
            live--;
            return;
        }
        deallocateSlow(address);
    }

    private void deallocateSlow(long address) {
        long h = handle;
        if (Thread.currentThread() != owner || h == 0) {
            throw stateFailure();
        }
        long[] mag = magazine;
        if (liveSet != null && !liveSet.remove(address)) {
            throw addressFailure(magazineReason(h, address), address);
        }
        int n = cached;
        if (n == mag.length) {
            n = flush(h, mag, n, n >>> 1);
        }
        mag[n] = address;
        cached = n + 1;
        live--;
    }

    /**
     * Allocates {@code count} slots with one native call, writing their addresses to
     * {@code addresses[offset .. offset + count - 1]} in the order {@link #allocate()} would
     * return them (with a magazine, its cached slots come first).
     *
     * @param addresses receives the addresses, not null
     * @param offset    first index written, {@code 0 <= offset <= addresses.length}
     * @param count     slots to allocate, {@code 0 <= count <= addresses.length - offset}
     * @return {@code count}: all of them are allocated, or none
     * @throws IndexOutOfBoundsException if offset or count are out of range
     * @throws OutOfMemoryError if the slabs needed could not be reserved; nothing is allocated
     * @throws IllegalStateException as {@link #allocate()}
     */
    public int allocate(long[] addresses, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, addresses.length);
        long h = liveHandle();
        if (count == 0) {
            return 0;
        }
        long[] mag = magazine;
        int take = mag == null ? 0 : Math.min(cached, count);
        for (int i = 0; i < take; i++) {
            addresses[offset + i] = mag[--cached];
        }
        if (take < count) {
            int rc = SlabbinNative.allocateBatch(h, addresses, offset + take, count - take);
            Reference.reachabilityFence(this);
            if (rc != 0) {
                for (int i = take - 1; i >= 0; i--) {
                    mag[cached++] = addresses[offset + i];
                }
                throw allocationFailure(rc);
            }
        }
        if (mag != null) {
            if (liveSet != null) {
                for (int i = 0; i < count; i++) {
                    liveSet.add(addresses[offset + i]);
                }
            }
            live += count;
            peak = Math.max(peak, live);
        }
        return count;
    }

    /**
     * Frees {@code addresses[offset .. offset + count - 1]} with one native call, in that order,
     * as that many {@link #deallocate(long)} calls would (with a magazine, they go straight back to
     * the slabs, not into the magazine). In checked mode the whole batch is validated before
     * anything is freed.
     *
     * @param addresses the slots to free, not null
     * @param offset    first index read, {@code 0 <= offset <= addresses.length}
     * @param count     slots to free, {@code 0 <= count <= addresses.length - offset}
     * @throws IndexOutOfBoundsException if offset or count are out of range
     * @throws IllegalArgumentException (checked mode) if an entry is not a live slot of this
     *     allocator or repeats an earlier entry of the batch; the message names its index and the
     *     reason, and nothing is freed
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public void deallocate(long[] addresses, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, addresses.length);
        long h = liveHandle();
        if (count == 0) {
            return;
        }
        if (liveSet != null) {
            for (int i = 0; i < count; i++) {
                long a = addresses[offset + i];
                if (!liveSet.remove(a)) {
                    for (int j = 0; j < i; j++) {
                        liveSet.add(addresses[offset + j]);
                    }
                    throw batchFailure(addresses, offset, i, magazineReason(h, a));
                }
            }
        }
        long r = SlabbinNative.deallocateBatch(h, addresses, offset, count);
        Reference.reachabilityFence(this);
        if (r != 0) {
            throw batchFailure(addresses, offset, (int) (r >>> 8), -(int) (r & 0xff));
        }
        if (magazine != null) {
            live -= count;
        }
    }

    /**
     * Tells whether an address is the start of a currently allocated slot of this allocator. The
     * address is never read. In unchecked mode there is no per-slot state: the answer is true for
     * the start of any slot handed out since the last reset, allocated or free (or cached in the
     * magazine).
     *
     * @param address any value
     * @return true if {@link #deallocate(long)} would accept it
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public boolean isAllocated(long address) {
        return check(address) == SlabbinNative.OK;
    }

    /**
     * Frees every slot at once. Slabs are kept: later allocations bump through them in the order
     * they were reserved before any new slab is reserved. Every slot address handed out before
     * becomes invalid.
     *
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public void reset() {
        long h = liveHandle();
        if (magazine != null) {
            cached = 0;
            live = 0;
            if (liveSet != null) {
                liveSet.clear();
            }
        }
        SlabbinNative.reset(h);
        Reference.reachabilityFence(this);
    }

    /**
     * Releases every slab that holds no allocated slot to the system; slabs with a live slot stay
     * where they are.
     *
     * @return bytes released, a multiple of {@code slabCapacity * stride} (0 if none)
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public long trim() {
        long h = liveHandle();
        if (magazine != null) {
            cached = flush(h, magazine, cached, cached);
        }
        long released = SlabbinNative.trim(h);
        Reference.reachabilityFence(this);
        return released;
    }

    /**
     * A snapshot of the statistics.
     *
     * @return the statistics, never null
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public SlabStats stats() {
        long[] v = new long[8];
        SlabbinNative.stats(liveHandle(), v);
        Reference.reachabilityFence(this);
        if (magazine != null) {
            return new SlabStats(v[0], v[1], v[2], v[3], v[4], live, peak, v[7], cached);
        }
        return new SlabStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /**
     * The slot layout.
     *
     * @return the layout given at creation
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public SlotLayout layout() {
        liveHandle();
        return layout;
    }

    /**
     * Slots per slab.
     *
     * @return the capacity, 1 or more
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public int slabCapacity() {
        liveHandle();
        return slabCapacity;
    }

    /**
     * Whether addresses are validated (checked mode).
     *
     * @return true in checked mode
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public boolean isChecked() {
        liveHandle();
        return checked;
    }

    /**
     * The thread this allocator is confined to.
     *
     * @return the thread that created it
     */
    public Thread owner() {
        return owner;
    }

    /**
     * The native allocator ({@code slabbin_t *} of {@code slabbin.h}) for C code that allocates or
     * frees slots of this allocator directly, in the same native library. C code must follow the
     * same rules as Java: calls only while this allocator is open, never overlapping calls from
     * Java.
     *
     * @return the {@code slabbin_t *} as a long
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public long nativeHandle() {
        return liveHandle();
    }

    /**
     * A JNA pointer to a slot, for reading and writing it without {@code Unsafe}. It does not own
     * the slot: it dangles once the slot is freed.
     *
     * @param address a currently allocated slot of this allocator
     * @return a pointer to the slot's first byte
     * @throws IllegalArgumentException (checked mode) if the address is not a live slot
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public Pointer pointer(long address) {
        requireSlot(address);
        return new Pointer(address);
    }

    /**
     * A direct {@link ByteBuffer} over exactly one slot: capacity {@link SlotLayout#size()} bytes,
     * native byte order. It does not own the slot: it dangles once the slot is freed, and using it
     * then is a use after free.
     *
     * @param address a currently allocated slot of this allocator
     * @return a view of the slot's bytes
     * @throws IllegalArgumentException (checked mode) if the address is not a live slot, or the
     *     slot size exceeds {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public ByteBuffer buffer(long address) {
        requireSlot(address);
        if (layout.size() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("slot size " + layout.size()
                    + " bytes is too large for a ByteBuffer");
        }
        return new Pointer(address).getByteBuffer(0, layout.size()).order(ByteOrder.nativeOrder());
    }

    /**
     * A JNA {@link Structure} of the given class backed by a slot: reads the slot into the
     * structure's fields ({@link Structure#read()}); call {@link Structure#write()} to store them.
     *
     * @param type    a Structure class whose size fits the slot, e.g. the one the layout was made
     *                from with {@link SlotLayout#of(Class)}
     * @param address a currently allocated slot of this allocator
     * @param <T>     the structure type
     * @return the structure, backed by the slot's memory
     * @throws IllegalArgumentException if the structure is larger than the slot, or (checked mode)
     *     the address is not a live slot
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public <T extends Structure> T structureAt(Class<T> type, long address) {
        requireSlot(address);
        T s = Structure.newInstance(type, new Pointer(address));
        if (s.size() > layout.size()) {
            throw new IllegalArgumentException(type.getName() + " needs " + s.size()
                    + " bytes but a slot holds " + layout.size());
        }
        s.read();
        return s;
    }

    /**
     * Releases every slab; every slot address becomes invalid. Idempotent: closing again does
     * nothing.
     *
     * @throws IllegalStateException if called from a thread other than the owner
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw stateFailure();
        }
        if (handle != 0) {
            handle = 0;
            state.closed = true;
            cleanable.clean();
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return handle == 0;
    }

    @Override
    public String toString() {
        return describe(layout, slabCapacity) + (checked ? "" : " unchecked")
                + (magazine == null ? "" : " magazine=" + magazine.length)
                + (handle == 0 ? " (closed)" : "");
    }

    // ---------------------------------------------------------------------------------------

    private long liveHandle() {
        long h = handle;
        if (Thread.currentThread() != owner || h == 0) {
            throw stateFailure();
        }
        return h;
    }

    private int check(long address) {
        long h = liveHandle();
        if (liveSet != null && !liveSet.contains(address)) {
            return magazineReason(h, address);
        }
        int rc = SlabbinNative.check(h, address);
        Reference.reachabilityFence(this);
        return rc;
    }

    /**
     * Why a checked magazine allocator refuses an address that is not in its live set: the core's
     * reason, or a double free when the core still counts it allocated (it sits in the magazine).
     */
    private int magazineReason(long h, long address) {
        int rc = SlabbinNative.check(h, address);
        Reference.reachabilityFence(this);
        return rc == SlabbinNative.OK ? SlabbinNative.EDOUBLEFREE : rc;
    }

    /** Fills an empty magazine with up to half its size of slots; returns how many. */
    private int refill(long h, long[] mag) {
        int got = SlabbinNative.allocateUpTo(h, mag, 0, Math.max(1, mag.length >>> 1));
        Reference.reachabilityFence(this);
        if (got <= 0) {
            throw allocationFailure(got);
        }
        // The first slot the core handed out goes on top, as single allocations would see it.
        for (int i = 0, j = got - 1; i < j; i++, j--) {
            long t = mag[i];
            mag[i] = mag[j];
            mag[j] = t;
        }
        return got;
    }

    /** Returns the bottom {@code k} of {@code n} cached slots to the slabs; returns n - k. */
    private int flush(long h, long[] mag, int n, int k) {
        if (k > 0) {
            long r = SlabbinNative.deallocateBatch(h, mag, 0, k);
            Reference.reachabilityFence(this);
            if (r != 0) {
                throw new IllegalStateException("magazine of " + this + " held a slot the slabs"
                        + " refused: " + reason(-(int) (r & 0xff)) + " (was a slot freed from C"
                        + " through nativeHandle()?)");
            }
            System.arraycopy(mag, k, mag, 0, n - k);
        }
        return n - k;
    }

    private IllegalArgumentException batchFailure(long[] addresses, int offset, int i, int code) {
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
        return new IllegalArgumentException(String.format(
                "addresses[%d] = 0x%x is not a live slot of %s: %s; nothing was freed",
                offset + i, a, this, why));
    }

    private void requireSlot(long address) {
        int rc = check(address);
        if (rc != SlabbinNative.OK && checked) {
            throw addressFailure(rc, address);
        }
    }

    private IllegalStateException stateFailure() {
        Thread current = Thread.currentThread();
        if (current != owner) {
            return new IllegalStateException(this + " is confined to thread \"" + owner.getName()
                    + "\" (id " + owner.getId() + ") but was called from thread \""
                    + current.getName() + "\" (id " + current.getId() + ")");
        }
        return new IllegalStateException(this + " is closed");
    }

    private RuntimeException allocationFailure(long code) {
        if (code == SlabbinNative.ECORRUPT) {
            return new IllegalStateException("use after free detected in " + this
                    + ": a freed slot was written after it was freed, damaging the free list;"
                    + " nothing was allocated and the free list was rebuilt");
        }
        SlabStats s = stats();
        throw new OutOfMemoryError("slabbin: cannot reserve a slab of "
                + Math.multiplyExact(s.slabCapacity(), s.stride()) + " bytes for " + this
                + " (" + s.reservedBytes() + " bytes in " + s.slabCount() + " slabs reserved"
                + (maxReservedBytes > 0 ? ", cap " + maxReservedBytes + " bytes" : "") + ")");
    }

    private IllegalArgumentException addressFailure(int code, long address) {
        return new IllegalArgumentException(String.format("0x%x is not a live slot of %s: %s",
                address, this, reason(code)));
    }

    static String reason(int code) {
        switch (code) {
            case SlabbinNative.EFOREIGN:
                return "foreign pointer (not inside any slab of this allocator)";
            case SlabbinNative.EINTERIOR:
                return "interior pointer (inside a slab but not the start of a slot)";
            case SlabbinNative.EDOUBLEFREE:
                return "double free (the slot is not allocated)";
            default:
                return SlabbinNative.strerror(code);
        }
    }

    private static String describe(SlotLayout layout, int capacity) {
        return "SlabAllocator[size=" + layout.size() + " B, alignment=" + layout.alignment()
                + " B, stride=" + layout.stride() + " B, slabCapacity=" + capacity + "]";
    }

    /** What the Cleaner needs: no reference to the allocator itself. */
    private static final class NativeState implements Runnable {
        private final long handle;
        private final SlotLayout layout;
        private final int capacity;
        volatile boolean closed;

        NativeState(long handle, SlotLayout layout, int capacity) {
            this.handle = handle;
            this.layout = layout;
            this.capacity = capacity;
        }

        @Override
        public void run() {
            if (!closed) {
                long[] v = new long[8];
                SlabbinNative.stats(handle, v);
                LOG.log(System.Logger.Level.WARNING, () -> describe(layout, capacity)
                        + " became unreachable without close(): releasing " + v[7]
                        + " bytes of native memory in " + v[4] + " slabs (" + v[5]
                        + " slots still allocated). Close allocators, e.g. with try-with-resources.");
            }
            SlabbinNative.destroy(handle);
        }
    }

    /**
     * Configures and creates a {@link SlabAllocator}. Not thread-safe; the allocator is confined to
     * the thread that calls {@link #build()}.
     */
    public static final class Builder {
        private final SlotLayout layout;
        private int slabCapacity;
        private boolean checked = true;
        private long maxReservedBytes;
        private int magazineSlots;

        private Builder(SlotLayout layout) {
            this.layout = layout;
            this.slabCapacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                    DEFAULT_SLAB_BYTES / layout.stride()));
        }

        /**
         * Slots per slab. Default: as many as fit in {@link #DEFAULT_SLAB_BYTES}, at least 1.
         *
         * @param slots 1 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code slots < 1}
         */
        public Builder slabCapacity(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException(
                        "slab capacity must be at least 1 slot, got " + slots);
            }
            this.slabCapacity = slots;
            return this;
        }

        /**
         * Checked mode (default true): validate every address passed in. False skips validation
         * for speed; misuse is then undefined behaviour and can crash the JVM.
         *
         * @param checked whether to validate
         * @return this builder
         */
        public Builder checked(boolean checked) {
            this.checked = checked;
            return this;
        }

        /**
         * A cap on the bytes the allocator may reserve for slabs; a slab that would cross it is
         * refused with {@link OutOfMemoryError}. Default 0: no cap.
         *
         * @param bytes 0 (no cap) or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxReservedBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException(
                        "maxReservedBytes must be 0 (no cap) or positive, got " + bytes);
            }
            this.maxReservedBytes = bytes;
            return this;
        }

        /**
         * A magazine of {@code slots} free slot addresses kept on the Java side (Bonwick and
         * Adams, "Magazines and Vmem", USENIX 2001): {@link #allocate()} pops it and
         * {@link #deallocate(long)} pushes it, crossing into native code only to refill it (with
         * up to half its size, through one batch call) or to return its older half when full.
         * Default 0: no magazine.
         *
         * <p>What stays the same: LIFO reuse, lazy slab reservation (a refill takes reserved
         * free slots and reserves a slab only when none is free, so slab counts and reserved
         * bytes grow as without a magazine), exact statistics (cached slots are reported in
         * {@link SlabStats#magazineSlots()}, not as live), and in checked mode every refusal at
         * the call that breaks the rules: a set of live slots on the Java heap (about 16 bytes
         * per live slot) tells live from free. What changes: a write into a slot that sits in the
         * magazine is not detected as a use after free (slots returned to the slabs still are);
         * and C code must not free slots of a magazine allocator through
         * {@link SlabAllocator#nativeHandle()}, nor allocate ones that Java then frees.
         *
         * @param slots magazine size in slots: 0 (off) or 2 to 65,536
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder magazine(int slots) {
            if (slots != 0 && (slots < 2 || slots > 65_536)) {
                throw new IllegalArgumentException(
                        "magazine size must be 0 (off) or 2 to 65536 slots, got " + slots);
            }
            this.magazineSlots = slots;
            return this;
        }

        /**
         * Creates the allocator, confined to the calling thread.
         *
         * @return a new allocator; it reserves no memory until the first allocation
         * @throws IllegalArgumentException if {@code slabCapacity * stride} overflows the address
         *     space
         * @throws UnsatisfiedLinkError if the native library cannot be loaded
         */
        public SlabAllocator build() {
            return new SlabAllocator(layout, slabCapacity, checked, maxReservedBytes,
                    magazineSlots);
        }
    }
}

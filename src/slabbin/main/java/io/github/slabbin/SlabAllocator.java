package io.github.slabbin;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slab allocator: hands out slots of native memory of one {@link SlotLayout}, each at an address
 * that stays valid until the slot is freed or the allocator is reset or closed.
 *
 * <p>Memory is reserved from the system in slabs of {@link #slabCapacity()} slots. Allocation
 * takes the most recently freed slot if there is one (LIFO), otherwise the next never-used slot of
 * the newest slab, otherwise it reserves a new slab. Freeing puts the slot back on the free list.
 * Nothing is reserved before the first allocation; {@link #close()} releases every slab. This is
 * the design of the Rust crate {@code slabbin}, after Bonwick's slab allocator (USENIX 1994); the
 * core is C, reached through FFM downcalls on JDK 22 and later and through JNI before (see
 * {@link #nativeBinding()}).
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
 * <h2>Debug mode</h2>
 * {@link Builder#debug(boolean) debug(true)}, or the system property {@code slabbin.debug=true},
 * adds to checked mode what hunting a bug in the calling code needs: freed slots are poisoned and
 * verified when handed out again (a write anywhere in a freed slot is reported as a use after
 * free, with the slot, the offset and the call sites), every allocation and free records its
 * stack (a double free names both), and the slots still allocated at {@link #close()} or when the
 * Cleaner runs are logged as leaks; {@link #debugLiveSlots()} lists them.
 *
 * <h2>Batches and the magazine</h2>
 * {@link #allocate(long[], int, int)} and {@link #deallocate(long[], int, int)} move many slots
 * with one native call. {@link Builder#magazine(int)} adds a Java-side cache of free slots so that
 * most {@link #allocate()}/{@link #deallocate(long)} calls make no native call at all, with the
 * same observable behaviour (LIFO reuse, lazy slabs, exact statistics, checked-mode refusals).
 *
 * <h2>Threads</h2>
 * An allocator is confined to the thread that created it (its owner): a call from any other
 * thread throws {@link IllegalStateException} naming both threads. A shared allocator
 * ({@link Builder#shared(boolean) shared(true)}) may be used by any number of threads, with
 * per-thread magazines and a depot in front of the slabs. The memory of a slot may be
 * read and written from any thread, with the usual need for a happens-before edge.
 *
 * <h2>Lifecycle and the lifetime of addresses and views</h2>
 * After {@link #close()} every method but {@code close()}, {@link #isClosed()}, {@link #owner()}
 * and {@code toString()} throws {@link IllegalStateException}. Closing releases every slab at once,
 * whatever views of it are still reachable.
 *
 * <p>An allocator that becomes unreachable without being closed releases its native memory through
 * a {@link Cleaner} and logs a warning (logger {@code io.github.slabbin}, level WARNING). What keeps
 * it, and so its memory, reachable:
 * <ul>
 *   <li>a call in progress: every method keeps the allocator reachable until its last touch of
 *       native memory or of the native allocator ({@link Reference#reachabilityFence}), so an
 *       allocator dropped by its caller during a call is released after the call, never within;
 *   <li>a view: the {@link Pointer} of {@link #pointer(long)} (and every {@code share} of it), the
 *       {@link Structure} of {@link #structureAt(Class, long)} and the {@link ByteBuffer} of
 *       {@link #buffer(long)} (and every slice or duplicate of it) keep the allocator's memory
 *       from the Cleaner while they are reachable, as JNA's {@code Memory} and its buffers do;
 *   <li>not an address: a slot address is a {@code long} and keeps nothing reachable. Code that
 *       holds addresses, or hands them to C, must hold the allocator too (or close it explicitly
 *       when done), as for {@link #nativeHandle()}.
 * </ul>
 * No view owns its slot: after the slot is freed, or the allocator is reset or closed, using a
 * view is a use after free.
 *
 * <h2>Errors</h2>
 * <table>
 *   <caption>Exceptions</caption>
 *   <tr><th>Exception</th><th>When</th></tr>
 *   <tr><td>{@link IllegalArgumentException}</td><td>bad layout or capacity at creation; an
 *       address that is not a live slot of this allocator (checked mode); a structure that does
 *       not fit a slot</td></tr>
 *   <tr><td>{@link IndexOutOfBoundsException}</td><td>a batch's offset or count out of range; an
 *       access through a view outside its slot</td></tr>
 *   <tr><td>{@link OutOfMemoryError}</td><td>the system refused a slab, or
 *       {@link Builder#maxReservedBytes(long)} would be exceeded; the allocator stays usable</td></tr>
 *   <tr><td>{@link IllegalStateException}</td><td>closed; wrong thread (both checked before any
 *       argument, in every method); use after free detected (checked mode; debug mode names the
 *       slot, the offset and the call sites); {@link #debugLiveSlots()} without debug
 *       mode</td></tr>
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
    /**
     * The thread every call must come from; null for a shared allocator, so the confined fast
     * paths' owner test never passes there and they need no shared-mode test of their own.
     */
    private final Thread owner;
    private final NativeState state;
    private final Cleaner.Cleanable cleanable;
    /** The native allocator, or 0 once closed. */
    private long handle;
    /**
     * The magazine ({@link Builder#magazine(int)}), null when off: with it, the live and peak
     * counts are its own (the core counts its cached slots as allocated).
     */
    private final Magazine magazine;
    /**
     * Debug mode: where every slot was allocated and freed (shared with the Cleaner's state and
     * the magazine); null otherwise.
     */
    private final CallSites sites;
    /** Every exception this allocator throws. */
    private final Failures failures;
    /**
     * Shared mode: where every call goes ({@link SharedSlabs}, or {@link SerialSlabs} without
     * magazines: debug mode or {@code magazine(0)}); null when confined. Package-private for the
     * shared mode's race tests.
     */
    final SharedCalls shared;

    private SlabAllocator(SlotLayout layout, int slabCapacity, int initialSlabCapacity,
                          boolean checked, boolean debug, long maxReserved, int magazineSlots,
                          boolean shared) {
        // The builder has checked each argument on its own; what is left is how they combine.
        this.layout = Objects.requireNonNull(layout, "layout");
        if (initialSlabCapacity < 1 || initialSlabCapacity > slabCapacity) {
            throw Failures.initialSlabCapacity(initialSlabCapacity, slabCapacity);
        }
        NativeCalls.ensureLoaded();
        long h = NativeCalls.createWith(layout.size(), layout.alignment(), slabCapacity,
                initialSlabCapacity, !checked ? SlabbinNative.FLAG_UNCHECKED : debug ? SlabbinNative.FLAG_DEBUG : 0);
        if (h == SlabbinNative.ENOMEM) {
            throw Failures.noAllocatorHeader();
        }
        if (h <= 0) {
            throw Failures.slabOverflow(slabCapacity, layout);
        }
        if (maxReserved > 0) {
            NativeCalls.setReserveLimit(h, maxReserved);
        }
        this.slabCapacity = slabCapacity;
        this.checked = checked;
        this.owner = shared ? null : Thread.currentThread();
        this.handle = h;
        this.sites = debug ? new CallSites() : null;
        this.failures = new Failures(this, owner, sites, maxReserved);
        this.magazine = magazineSlots > 0 && !shared
                ? new Magazine(magazineSlots, checked, sites, failures) : null;
        this.state = new NativeState(h, layout, slabCapacity, sites);
        this.cleanable = CLEANER.register(this, state::release);
        this.shared = !shared ? null
                : debug || magazineSlots == 0 ? new SerialSlabs(failures, h, sites)
                : new SharedSlabs(failures, h, layout.size(), checked, magazineSlots);
    }

    /**
     * The binding through which every allocator of this JVM reaches the C core, for bug reports
     * and checks: {@code "ffm"} (FFM downcalls, the default on JDK 22 and later) or {@code "jni"}
     * (the default on JDK 17 to 21). The system property {@code slabbin.binding} ({@code jni} or
     * {@code ffm}), read once, forces one. Both give the same results, exceptions and messages
     * (which is why no message, nor {@link #toString()}, names the binding). Calling this loads
     * nothing.
     *
     * @return {@code "ffm"} or {@code "jni"}
     * @throws IllegalStateException if {@code slabbin.binding} has another value, or is
     *     {@code ffm} on a JDK before 22 (every allocator creation then fails the same way)
     */
    public static String nativeBinding() {
        return NativeCalls.binding();
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
     * bytes overwritten by the free-list link; in debug mode, the poison byte {@code 0xDB}).
     *
     * @return the slot's address, never 0, a multiple of the layout's alignment
     * @throws OutOfMemoryError if a new slab was needed and the system (or the reserve cap)
     *     refused it; nothing is allocated and the allocator stays usable
     * @throws IllegalStateException if closed, called from a thread other than the owner, or (checked
     *     mode) a freed slot was written after it was freed (nothing allocated; the free list is
     *     repaired, so the next call succeeds; debug mode names the slot, the first damaged byte
     *     and where the slot was allocated and freed)
     */
    public long allocate() {
        // Kept small so that it inlines: one native call, or the magazine's pop; the rest of the
        // magazine path is in allocateSlow().
        Magazine m = magazine;
        if (m == null) {
            long h = handle;
            try {
                if (Thread.currentThread() == owner && h != 0) {
                    return allocated(h, NativeCalls.allocate(h));
                }
                if (shared != null) {           // no owner: never taken above
                    return shared.allocate();
                }
            } finally {
                Reference.reachabilityFence(this);
            }
            throw failures.state();
        }
        if (Thread.currentThread() == owner && handle != 0) {
            long address = m.pop();
            if (address != 0) {
                return address;
            }
        }
        return allocateSlow();
    }

    /** The result of a native single allocation of this allocator: see the static one. */
    private long allocated(long h, long result) {
        return allocated(failures, sites, h, result);
    }

    /**
     * The result of a native single allocation on {@code h}: the address (recorded in
     * {@code sites}, debug mode, else null), or a status that becomes the exception of
     * {@code failures}. Also for the shared mode's {@link SerialSlabs}.
     */
    static long allocated(Failures failures, CallSites sites, long h, long result) {
        if (result <= 0) {
            throw failures.allocation(h, result);
        }
        if (sites != null) {
            sites.allocated(result);
        }
        return result;
    }

    private long allocateSlow() {
        long h = liveHandle();
        try {
            return magazine.allocate(h);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Allocates a slot whose first {@link SlotLayout#size() size} bytes are zero.
     *
     * @return the slot's address, as {@link #allocate()}
     * @throws OutOfMemoryError as {@link #allocate()}
     * @throws IllegalStateException as {@link #allocate()}
     */
    public long allocateZeroed() {
        if (shared != null) {
            try {
                return shared.allocateZeroed();
            } finally {
                Reference.reachabilityFence(this);
            }
        }
        long h = liveHandle();
        try {
            if (magazine != null) {
                long address = allocate();
                NativeCalls.zero(address, layout.size());
                return address;
            }
            return allocated(h, NativeCalls.allocateZeroed(h));
        } finally {
            Reference.reachabilityFence(this);
        }
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
        // Kept small so that it inlines: one native call, or the magazine's push; the rest of
        // the magazine path is in deallocateSlow().
        Magazine m = magazine;
        if (m == null) {
            long h = handle;
            try {
                if (Thread.currentThread() == owner && h != 0) {
                    int rc = NativeCalls.deallocate(h, address);
                    if (rc != 0) {
                        throw failures.address(rc, address);
                    }
                    if (sites != null) {
                        sites.freed(address);
                    }
                    return;
                }
                if (shared != null) {           // no owner: never taken above
                    shared.deallocate(address);
                    return;
                }
            } finally {
                Reference.reachabilityFence(this);
            }
            throw failures.state();
        }
        if (Thread.currentThread() != owner || handle == 0 || !m.push(address)) {
            deallocateSlow(address);
        }
    }

    private void deallocateSlow(long address) {
        long h = liveHandle();
        try {
            magazine.deallocate(h, address);
        } finally {
            Reference.reachabilityFence(this);
        }
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
     * @throws NullPointerException if {@code addresses} is null
     * @throws OutOfMemoryError if the slabs needed could not be reserved; nothing is allocated
     *     and the array is left as it was
     * @throws IllegalStateException as {@link #allocate()}, before any argument is looked at
     */
    public int allocate(long[] addresses, int offset, int count) {
        long h = liveHandle();
        Objects.checkFromIndexSize(offset, count, addresses.length);
        if (count == 0) {
            return 0;
        }
        try {
            if (shared != null) {
                shared.allocate(addresses, offset, count);
                return count;
            }
            Magazine m = magazine;
            // The magazine's slots come first; the slabs' follow. They are taken in the other
            // order so that a refused batch leaves the array and the magazine as they were.
            int take = m == null ? 0 : m.reserve(h, count);
            if (take < count) {
                int rc = NativeCalls.allocateBatch(h, addresses, offset + take, count - take);
                if (rc != 0) {
                    throw failures.allocation(h, rc);
                }
            }
            if (m != null) {
                m.handOut(addresses, offset, take, count);
            } else if (sites != null) {
                sites.allocated(addresses, offset, count);
            }
            return count;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Frees {@code addresses[offset .. offset + count - 1]}, in that order, as that many
     * {@link #deallocate(long)} calls would: the last one is on top of the free list. Without a
     * magazine it is one native call; with one, a batch that fits in the magazine's free room goes
     * there, and a larger one goes to the slabs after the magazine's slots. In checked mode the
     * whole batch is validated before anything is freed.
     *
     * @param addresses the slots to free, not null
     * @param offset    first index read, {@code 0 <= offset <= addresses.length}
     * @param count     slots to free, {@code 0 <= count <= addresses.length - offset}
     * @throws IndexOutOfBoundsException if offset or count are out of range
     * @throws NullPointerException if {@code addresses} is null
     * @throws IllegalArgumentException (checked mode) if an entry is not a live slot of this
     *     allocator or repeats an earlier entry of the batch; the message names its index and the
     *     reason, and nothing is freed
     * @throws IllegalStateException if closed or called from a thread other than the owner, before
     *     any argument is looked at
     */
    public void deallocate(long[] addresses, int offset, int count) {
        long h = liveHandle();
        Objects.checkFromIndexSize(offset, count, addresses.length);
        if (count == 0) {
            return;
        }
        try {
            if (shared != null) {
                shared.deallocate(addresses, offset, count);
                return;
            }
            if (magazine == null) {
                long refused = NativeCalls.deallocateBatch(h, addresses, offset, count);
                failures.requireBatchFreed(refused, addresses, offset);
            } else {
                magazine.deallocate(h, addresses, offset, count);
            }
            if (sites != null) {
                sites.freed(addresses, offset, count);
            }
        } finally {
            Reference.reachabilityFence(this);
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
        long h = liveHandle();
        try {
            return check(h, address) == SlabbinNative.OK;
        } finally {
            Reference.reachabilityFence(this);
        }
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
        try {
            if (shared != null) {
                shared.reset();
                return;
            }
            if (magazine != null) {
                magazine.clear();
            }
            NativeCalls.reset(h);
            if (sites != null) {
                sites.freedByReset();
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Releases every slab that holds no allocated slot to the system; slabs with a live slot stay
     * where they are. The magazine's slots go back to the slabs first.
     *
     * @return bytes released: the sum of the released slabs' capacity times the stride, a
     *     multiple of {@code slabCapacity * stride} without growth (0 if none)
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public long trim() {
        long h = liveHandle();
        try {
            if (shared != null) {
                return shared.trim();
            }
            if (magazine != null) {
                magazine.flushAll(h);
            }
            long released = NativeCalls.trim(h);
            if (sites != null) {
                sites.forgetReleased(h, released);
            }
            return released;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * A snapshot of the statistics.
     *
     * @return the statistics, never null
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public SlabStats stats() {
        long h = liveHandle();
        if (shared != null) {
            try {
                return shared.stats();
            } finally {
                Reference.reachabilityFence(this);
            }
        }
        NativeStats n;
        try {
            n = NativeStats.read(h);
        } finally {
            Reference.reachabilityFence(this);
        }
        if (magazine != null) {
            return new SlabStats(n.slotSize(), n.alignment(), n.stride(), n.slabCapacity(),
                    n.slabCount(), magazine.live(), magazine.peak(), n.reservedBytes(),
                    magazine.cached(),
                    n.initialSlabCapacity());
        }
        return n.slabStats();
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
     * Whether the allocator is in debug mode ({@link Builder#debug(boolean)}).
     *
     * @return true in debug mode
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public boolean isDebug() {
        liveHandle();
        return sites != null;
    }

    /**
     * Debug mode: the slots allocated now, oldest allocation first, each with its allocation
     * number and the stack of its allocation (what the leak report at {@link #close()} prints).
     * A snapshot: later calls do not change the list. Meant for tools that hunt leaks, e.g. a
     * test extension that reports the slots a test allocated (a serial above the largest seen
     * before the test) and did not free.
     *
     * @return the live slots, unmodifiable
     * @throws IllegalStateException if closed, called from a thread other than the owner, or not
     *     in debug mode
     */
    public List<LiveSlot> debugLiveSlots() {
        liveHandle();
        if (sites == null) {
            throw failures.notDebug();
        }
        return Collections.unmodifiableList(sites.liveSlots());
    }

    /**
     * The thread this allocator is confined to.
     *
     * @return the thread that created it; null for a shared allocator
     */
    public Thread owner() {
        return owner;
    }

    /**
     * The native allocator ({@code slabbin_t *} of {@code slabbin.h}) for C code that allocates or
     * frees slots of this allocator directly, in the same native library. C code must follow the
     * same rules as Java: calls only while this allocator is open, never overlapping calls from
     * Java. The handle is a {@code long}: it does not keep this allocator reachable, so the Java
     * code must hold the allocator for as long as C uses the handle or its slots.
     *
     * @return the {@code slabbin_t *} as a long
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public long nativeHandle() {
        return liveHandle();
    }

    /**
     * A JNA pointer to a slot, for reading and writing it without {@code Unsafe}: a bounded
     * {@link com.sun.jna.Memory} of exactly the slot's {@link SlotLayout#size() size} bytes, so an
     * access outside the slot throws {@link IndexOutOfBoundsException} instead of touching a
     * neighbour. While the pointer (or a {@code share} of it) is reachable the allocator's memory
     * is not released by the Cleaner. It does not own the slot: it dangles once the slot is freed
     * or the allocator is reset or closed ({@code close()} on the pointer only forgets the
     * address).
     *
     * @param address a currently allocated slot of this allocator
     * @return a pointer to the slot's first byte, bounded to the slot
     * @throws IllegalArgumentException (checked mode) if the address is not a live slot
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public Pointer pointer(long address) {
        long h = liveHandle();
        try {
            requireSlot(h, address);
            return new SlotMemory(this, address, layout.size());
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * A direct {@link ByteBuffer} over exactly one slot: capacity {@link SlotLayout#size()} bytes,
     * native byte order. While the buffer (or a slice, duplicate or view of it) is reachable the
     * allocator's memory is not released by the Cleaner. It does not own the slot: it dangles once
     * the slot is freed or the allocator is reset or closed, and using it then is a use after free.
     *
     * @param address a currently allocated slot of this allocator
     * @return a view of the slot's bytes
     * @throws IllegalArgumentException (checked mode) if the address is not a live slot; if the
     *     slot size exceeds {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public ByteBuffer buffer(long address) {
        long h = liveHandle();
        try {
            requireSlot(h, address);
            if (layout.size() > Integer.MAX_VALUE) {
                throw Failures.bufferTooLarge(layout.size());
            }
            ByteBuffer b = new Pointer(address).getByteBuffer(0, layout.size())
                    .order(ByteOrder.nativeOrder());
            CLEANER.register(b, state.hold());
            return b;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * A JNA {@link Structure} of the given class backed by a slot: reads the slot into the
     * structure's fields ({@link Structure#read()}); call {@link Structure#write()} to store them.
     * The structure's size and alignment ({@link SlotLayout#of(Class)}, computed once per class
     * without reading the slot) are checked against the layout before the structure is built on
     * the slot, so a structure that does not fit never reads or writes a byte. Its memory is a
     * {@link #pointer(long) pointer} to the slot, bounded and keeping the allocator's memory from
     * the Cleaner as that one does.
     *
     * @param type    a Structure class whose size and alignment fit the slot, e.g. the one the
     *                layout was made from with {@link SlotLayout#of(Class)}
     * @param address a currently allocated slot of this allocator
     * @param <T>     the structure type
     * @return the structure, backed by the slot's memory
     * @throws IllegalArgumentException (checked mode) if the address is not a live slot; if the
     *     structure is larger than the slot, needs a larger alignment than the layout's, or cannot
     *     be instantiated by JNA
     * @throws NullPointerException if {@code type} is null
     * @throws IllegalStateException if closed or called from a thread other than the owner
     */
    public <T extends Structure> T structureAt(Class<T> type, long address) {
        long h = liveHandle();
        try {
            requireSlot(h, address);
            SlotLayout need = SlotLayout.of(type);
            if (need.size() > layout.size()) {
                throw Failures.structureTooLarge(type, need.size(), layout.size());
            }
            if (need.alignment() > layout.alignment()) {
                throw Failures.structureMisaligned(type, need.alignment(), layout.alignment());
            }
            T s = Structure.newInstance(type, new SlotMemory(this, address, layout.size()));
            s.read();
            return s;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Releases every slab; every slot address and every view becomes invalid. Idempotent: closing
     * again does nothing. Shared mode: any thread may close; other threads' calls that start
     * afterwards throw {@link IllegalStateException}, and no thread may still read or write slot
     * memory once {@code close()} is called (see {@link Builder#shared(boolean)}).
     *
     * @throws IllegalStateException if called from a thread other than the owner (confined mode)
     */
    @Override
    public void close() {
        if (shared != null) {
            String described = toString();
            shared.close(() -> {
                handle = 0;
                state.close(described);
                cleanable.clean();
            });
            return;
        }
        if (Thread.currentThread() != owner) {
            throw failures.state();
        }
        if (handle != 0) {
            String described = toString();
            handle = 0;
            state.close(described);
            cleanable.clean();
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return shared != null ? shared.isClosed() : handle == 0;
    }

    @Override
    public String toString() {
        return describe(layout, slabCapacity) + (checked ? "" : " unchecked")
                + (sites == null ? "" : " debug")
                + (magazine == null ? "" : " magazine=" + magazine.size())
                + (shared == null ? "" : " shared")
                + (isClosed() ? " (closed)" : "");
    }

    // ---------------------------------------------------------------------------------------

    /**
     * The state check of every method, before any argument is looked at: the native allocator,
     * if open and called from the owner.
     */
    private long liveHandle() {
        long h = handle;
        if (shared != null) {
            shared.requireOpen();
            return h;
        }
        if (Thread.currentThread() != owner || h == 0) {
            throw failures.state();
        }
        return h;
    }

    /** What {@link #deallocate(long)} would say of an address; nothing is read or changed. */
    private int check(long h, long address) {
        if (shared != null) {
            return shared.check(address);
        }
        return magazine != null ? magazine.check(h, address) : NativeCalls.check(h, address);
    }

    /** The address check of every view (checked mode), before any byte is read or written. */
    private void requireSlot(long h, long address) {
        if (checked) {
            int rc = check(h, address);
            if (rc != SlabbinNative.OK) {
                throw failures.view(rc, address);
            }
        }
    }

    private static String describe(SlotLayout layout, int capacity) {
        return "SlabAllocator[size=" + layout.size() + " B, alignment=" + layout.alignment()
                + " B, stride=" + layout.stride() + " B, slabCapacity=" + capacity + "]";
    }

    /**
     * What the Cleaner needs to release the native allocator, and nothing that refers to the
     * allocator itself (or the allocator would never become unreachable).
     */
    private static final class NativeState {
        private final long handle;
        private final SlotLayout layout;
        private final int capacity;
        /** Debug mode: the allocator's call sites, for the leak reports; null otherwise. */
        private final CallSites sites;
        /**
         * Holders of the native memory: the allocator (the initial 1) and every
         * {@link #buffer(long)} view not yet collected, each released by the Cleaner; the
         * native allocator is destroyed when the count reaches 0, unless closed before.
         */
        private final AtomicInteger holders = new AtomicInteger(1);
        /** Set once, by close() or by the last release: the native allocator goes exactly once. */
        private final AtomicBoolean destroyed = new AtomicBoolean();

        NativeState(long handle, SlotLayout layout, int capacity, CallSites sites) {
            this.handle = handle;
            this.layout = layout;
            this.capacity = capacity;
            this.sites = sites;
        }

        /**
         * One more holder (called only while the allocator is reachable, so the count is above 0).
         *
         * @return its release, for the Cleaner
         */
        Runnable hold() {
            holders.incrementAndGet();
            return this::release;
        }

        /** A holder became unreachable (or the allocator was closed). */
        void release() {
            if (holders.decrementAndGet() == 0 && destroyed.compareAndSet(false, true)) {
                NativeStats n = NativeStats.read(handle);
                LOG.log(System.Logger.Level.WARNING, () -> describe(layout, capacity)
                        + " became unreachable without close(): releasing " + n.reservedBytes()
                        + " bytes of native memory in " + n.slabCount() + " slabs ("
                        + n.liveSlots()
                        + " slots still allocated). Close allocators, e.g. with try-with-resources."
                        + (sites == null ? "" : " Debug mode: " + sites.leakReport()));
                NativeCalls.destroy(handle);
            }
        }

        /**
         * {@link SlabAllocator#close()}: destroys the native allocator now; in debug mode, first
         * reports the slots still allocated as leaks.
         *
         * @param described the allocator's {@code toString()}
         */
        void close(String described) {
            if (destroyed.compareAndSet(false, true)) {
                if (sites != null && sites.liveCount() > 0) {
                    LOG.log(System.Logger.Level.WARNING, () -> described + " closed with "
                            + sites.leakReport());
                }
                NativeCalls.destroy(handle);
            }
        }
    }

    /**
     * Configures and creates a {@link SlabAllocator}. Not thread-safe; the allocator is confined to
     * the thread that calls {@link #build()}, unless built {@link #shared(boolean) shared}.
     */
    public static final class Builder {
        /**
         * The system property that turns debug mode on for every allocator built afterwards
         * (value {@code true}, any case) that is not built with {@code checked(false)} or
         * {@code debug(false)}.
         */
        public static final String DEBUG_PROPERTY = "slabbin.debug";

        private final SlotLayout layout;
        private int slabCapacity;
        /** Slots of the first slab; 0: {@link #slabCapacity} (no growth). */
        private int initialSlabCapacity;
        private boolean checked = true;
        /** Debug mode as set by {@link #debug(boolean)}; null: {@link #DEBUG_PROPERTY} decides. */
        private Boolean debug;
        private long maxReservedBytes;
        /** Slots per magazine: 0 off, -1 not given (confined: off; shared: 64). */
        private int magazineSlots = -1;
        private boolean shared;

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
                throw Failures.slabCapacity(slots);
            }
            this.slabCapacity = slots;
            return this;
        }

        /**
         * Slab growth: the first slab holds {@code slots} slots, each next slab twice as many as
         * the largest slab held, at most {@link #slabCapacity(int) slabCapacity} (for example 4,
         * 8, 16, ... up to the capacity). Small pools then reserve little memory; large ones reach
         * full slabs after a few doublings. After {@link SlabAllocator#trim()} released slabs,
         * doubling continues from the largest slab kept (from {@code slots} when none is kept);
         * {@link SlabAllocator#reset()} keeps every slab and reuses them in order. LIFO reuse,
         * the checks of checked mode and the O(1) owner lookup are the same with growth. Default:
         * the slab capacity (every slab full size, no growth).
         *
         * @param slots slots of the first slab, 1 to the slab capacity (checked by
         *              {@link #build()}, since the capacity may be set after this)
         * @return this builder
         * @throws IllegalArgumentException if {@code slots < 1}
         */
        public Builder initialSlabCapacity(int slots) {
            if (slots < 1) {
                throw Failures.initialSlabCapacity(slots);
            }
            this.initialSlabCapacity = slots;
            return this;
        }

        /**
         * Checked mode (default true): validate every address passed in. False skips validation
         * for speed; misuse is then undefined behaviour and can crash the JVM. False cannot be
         * combined with {@link #debug(boolean) debug(true)}.
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
                throw Failures.maxReservedBytes(bytes);
            }
            this.maxReservedBytes = bytes;
            return this;
        }

        /**
         * A magazine of {@code slots} free slot addresses kept on the Java side (Bonwick and
         * Adams, "Magazines and Vmem", USENIX 2001): {@link #allocate()} pops it and
         * {@link #deallocate(long)} pushes it, crossing into native code only to refill it (with
         * up to half its size, through one batch call) or to return its older half when full.
         * Default: no magazine for a confined allocator; for a shared one, magazines of 64 slots
         * per thread (see {@link #shared(boolean)}), which {@code magazine(0)} turns off.
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
                throw Failures.magazineSize(slots);
            }
            this.magazineSlots = slots;
            return this;
        }

        /**
         * Shared mode (default false: confined to the thread that calls {@link #build()}): every
         * method, {@code close()} included, may be called from any thread, and a slot allocated on
         * one thread may be freed on another. The layer of Bonwick and Adams ("Magazines and
         * Vmem", USENIX 2001) sits in front of the slabs: each platform thread keeps a loaded and
         * a previous magazine of {@link #magazine(int) magazine} slots (default 64; with
         * {@code magazine(0)} there are none, and every call runs under one lock straight on the
         * slabs, as in debug mode below), exchanges
         * whole magazines with a depot guarded by one lock (a locked stack pair, so free of ABA),
         * and the depot refills and flushes magazines with one batch call each. Most calls take
         * no lock and make no native call.
         *
         * <ul>
         *   <li>Threads: up to {@code max(16, 4 * processors)} platform threads get a pair of
         *       their own; virtual threads (JDK 21+) and threads beyond the bound share one
         *       striped pair per processor, each used under a lock, so no virtual thread pins a
         *       magazine. The slots of a thread that ended go back at the latest on
         *       {@link SlabAllocator#trim()}, {@link SlabAllocator#reset()} or
         *       {@link SlabAllocator#close()}, or when a new thread needs a pair at the bound.
         *   <li>Checked mode: a per-slot state (live or free) that every thread sees, changed by
         *       compare-and-set, refuses a foreign or interior address and a double free at the
         *       call that makes it, with the messages of confined mode, also for a slot that sits
         *       in some thread's magazine; of two racing frees of one slot exactly one wins.
         *   <li>No lock and no fence per call: a call compares the allocator's current epoch
         *       (one volatile load) with its thread's. {@link SlabAllocator#close()} installs a
         *       closed epoch: calls that start afterwards throw {@link IllegalStateException}, a
         *       call already running finishes on the Java heap or throws at the depot, whose lock
         *       guards every native call; only {@code allocateZeroed}, which writes slot memory,
         *       marks itself and is waited for (by {@code close()} and {@code reset()}, so it
         *       never writes a released slab or a slot the reset gave to another caller). The
         *       slabs are released when {@code close()} returns, and every slot address is then
         *       invalid: the application must make sure that no thread still reads or writes
         *       slot memory once it calls {@code close()} (the allocator's own calls are safe;
         *       raw addresses cannot be checked). {@link SlabAllocator#reset()} begins a new epoch:
         *       every magazine's older slots are dropped (by the reset, or by their thread at its
         *       next call); a call overlapping the reset is ordered before it, so a slot it
         *       returns is freed by the reset. {@link SlabAllocator#trim()} returns the magazines
         *       of the depot, of ended threads, of virtual threads and of the caller to the slabs
         *       (other running threads keep theirs), then releases every empty slab.
         *       {@code close()}, {@code reset()}, {@code trim()} and {@code stats()} run one at a
         *       time.
         *   <li>{@link SlabStats#liveSlots()} counts the slots held by callers;
         *       {@link SlabStats#magazineSlots()} the free slots in all magazines (threads' and
         *       depot's), exact when no call runs meanwhile; {@link SlabStats#peakLiveSlots()}
         *       is the core's peak of slots out of the slabs, those in magazines included (an
         *       upper bound of the callers' peak).
         *   <li>Debug mode ({@link #debug(boolean)}) in shared mode has no magazines: every call
         *       of every thread runs under one lock, straight on the slabs, with the poisoning,
         *       call sites, double-free stacks and leak reports of a confined debug allocator
         *       without a magazine (a slot allocated on one thread and freed twice on others
         *       names all those places). Threads take turns, so it is for hunting bugs, not for
         *       speed; {@link #magazine(int)} is ignored.
         *   <li>With {@link #maxReservedBytes(long)}, free slots cached in magazines count as
         *       reserved: a refill that meets the cap first returns the magazines of ended
         *       threads to the slabs and tries again, but the magazines of running threads keep
         *       their slots (up to two magazines per thread, plus the depot's), so an allocation
         *       can fail with {@link OutOfMemoryError} while some sit there; {@code magazine(0)}
         *       avoids that.
         *   <li>{@link SlabAllocator#owner()} is null. The native handle must not be used by C
         *       while Java threads call the allocator.
         * </ul>
         *
         * @param on whether the allocator is shared
         * @return this builder
         */
        public Builder shared(boolean on) {
            this.shared = on;
            return this;
        }

        /**
         * Debug mode, for hunting bugs in the code that uses the allocator (default: off, or on
         * when the system property {@value #DEBUG_PROPERTY} is {@code true} at {@link #build()}
         * and {@code checked(false)} was not asked for). Debug mode implies checked mode and adds:
         * <ul>
         *   <li>poisoning: every freed slot, also one cached in the magazine, is filled with the
         *       byte {@code 0xDB} ({@code SLABBIN_POISON_BYTE}), and the poison is verified when
         *       the slot is handed out again (or leaves the magazine): a write anywhere in a
         *       freed slot makes that call throw {@link IllegalStateException} naming the slot,
         *       the first damaged byte offset and the slot's allocation and free sites; the slot
         *       is poisoned again and stays free, and the allocator stays usable (a damaged
         *       free-list link, the first 8 bytes of a slot free in the slabs, is named as such,
         *       and the free list is rebuilt);
         *   <li>call sites: every allocation records its stack (as LWJGL's debug allocator does)
         *       and every free its free site; a double free names where the slot was allocated
         *       and where it was freed first (in the message, and as suppressed exceptions with
         *       the full stacks);
         *   <li>leak reports: {@link SlabAllocator#close()}, and the Cleaner for an allocator
         *       dropped without it, log the slots still allocated (WARNING, logger
         *       {@code io.github.slabbin}: their count and the first few with their allocation
         *       stacks); {@link SlabAllocator#debugLiveSlots()} lists them.
         * </ul>
         * Its cost: a stack capture per allocation and per free, and every freed slot written
         * and read in full; see the README for measurements. Slot contents after allocation are
         * the poison (bytes beyond the free-list link), or, for a slot never handed out before,
         * whatever the system gave. With {@link #shared(boolean) shared(true)}, every call runs
         * under one lock (see there).
         *
         * @param on whether to turn debug mode on
         * @return this builder
         */
        public Builder debug(boolean on) {
            this.debug = on;
            return this;
        }

        /**
         * Creates the allocator, confined to the calling thread (unless {@link #shared(boolean)
         * shared}).
         *
         * @return a new allocator; it reserves no memory until the first allocation
         * @throws IllegalArgumentException if {@code slabCapacity * stride} overflows the address
         *     space, if the initial slab capacity exceeds the slab capacity, or if
         *     {@code debug(true)} is combined with {@code checked(false)}
         * @throws UnsatisfiedLinkError if the native library cannot be loaded
         */
        public SlabAllocator build() {
            boolean debugOn = debug != null ? debug
                    : checked && Boolean.getBoolean(DEBUG_PROPERTY);
            if (debugOn && !checked) {
                throw Failures.debugWithoutChecks();
            }
            return new SlabAllocator(layout, slabCapacity,
                    initialSlabCapacity == 0 ? slabCapacity : initialSlabCapacity, checked,
                    debugOn, maxReservedBytes, magazineSlots, shared);
        }
    }
}

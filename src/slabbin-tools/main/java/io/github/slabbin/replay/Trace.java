package io.github.slabbin.replay;

/**
 * An allocation trace ready for replay: the replayable events in order, with every address
 * replaced by a dense block id, plus statistics about the trace.
 *
 * <p>Events are stored in parallel primitive arrays indexed by event number
 * {@code 0 <= i < eventCount()}:
 * <ul>
 *   <li>{@link #ops()}: {@link #MALLOC}, {@link #FREE} or {@link #REALLOC};</li>
 *   <li>{@link #ids()}: the block allocated ({@code MALLOC}), freed ({@code FREE}) or newly
 *       created ({@code REALLOC});</li>
 *   <li>{@link #oldIds()}: for {@code REALLOC} the block it replaces, otherwise -1;</li>
 *   <li>{@link #sizes()}: requested size in bytes for {@code MALLOC} and {@code REALLOC}
 *       ({@code 0 <= size <= Long.MAX_VALUE}), 0 for {@code FREE};</li>
 *   <li>{@link #lines()}: 1-based source line of the event (for {@code REALLOC}, the line of
 *       its {@code <} half), for error messages.</li>
 * </ul>
 *
 * <p>Block ids run from 0 to {@code blockCount() - 1} in order of creation: every
 * {@code MALLOC} and every {@code REALLOC} creates exactly one new id, so a replay can keep its
 * blocks in an array indexed by id. A realloc always gets a new id, even when the traced program
 * got the same address back; whether the replayed allocator keeps the slot is the replay's
 * decision. Each id is created once, then freed at most once, either by a {@code FREE} or as the
 * {@code oldId} of a {@code REALLOC}; the ids never freed are listed by {@link #liveAtEndIds()},
 * and the replay frees them after the last event.
 *
 * <p>"Live" in the statistics means: created by an event and not yet freed by a later event, as
 * the replay sees it (so a block whose address was allocated again without a free in between
 * stays live, see {@link #duplicateAllocations()}).
 *
 * <p>Instances are immutable as long as nobody writes into the arrays returned by the array
 * accessors; they are returned without copying for speed and must not be modified. Instances are
 * created by {@link MtraceParser}.
 */
public final class Trace {
    /** Op code of an allocation ({@code malloc}, {@code calloc}, {@code memalign}...). */
    public static final byte MALLOC = 0;
    /** Op code of a deallocation ({@code free}). */
    public static final byte FREE = 1;
    /** Op code of a {@code realloc} that moved or resized a known block. */
    public static final byte REALLOC = 2;

    private final String name;
    private final int eventCount;
    private final byte[] ops;
    private final int[] ids;
    private final int[] oldIds;
    private final long[] sizes;
    private final int[] lines;
    private final long[] blockSizes;
    private final int[] liveAtEndIds;
    private final int allocations;
    private final int frees;
    private final int reallocs;
    private final int unmatchedFrees;
    private final int unmatchedReallocs;
    private final int failedAllocations;
    private final int duplicateAllocations;
    private final int nullFrees;
    private final long peakLiveBytes;
    private final int peakLiveBlocks;
    private final long totalRequestedBytes;

    Trace(String name, byte[] ops, int[] ids, int[] oldIds, long[] sizes, int[] lines,
            long[] blockSizes, int[] liveAtEndIds, int allocations, int frees, int reallocs,
            int unmatchedFrees, int unmatchedReallocs, int failedAllocations,
            int duplicateAllocations, int nullFrees, long peakLiveBytes, int peakLiveBlocks,
            long totalRequestedBytes) {
        int n = ops.length;
        if (ids.length != n || oldIds.length != n || sizes.length != n || lines.length != n) {
            throw new IllegalArgumentException("event arrays differ in length");
        }
        if (allocations + frees + reallocs != n) {
            throw new IllegalArgumentException("event counters do not add up to " + n);
        }
        this.name = name;
        this.eventCount = n;
        this.ops = ops;
        this.ids = ids;
        this.oldIds = oldIds;
        this.sizes = sizes;
        this.lines = lines;
        this.blockSizes = blockSizes;
        this.liveAtEndIds = liveAtEndIds;
        this.allocations = allocations;
        this.frees = frees;
        this.reallocs = reallocs;
        this.unmatchedFrees = unmatchedFrees;
        this.unmatchedReallocs = unmatchedReallocs;
        this.failedAllocations = failedAllocations;
        this.duplicateAllocations = duplicateAllocations;
        this.nullFrees = nullFrees;
        this.peakLiveBytes = peakLiveBytes;
        this.peakLiveBlocks = peakLiveBlocks;
        this.totalRequestedBytes = totalRequestedBytes;
    }

    /**
     * Returns the display name the trace was parsed under (a file name such as
     * {@code jq-group.mtrace.gz}).
     *
     * @return the name, never {@code null}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the number of replayable events.
     *
     * @return {@code allocations() + frees() + reallocs()}, at least 0
     */
    public int eventCount() {
        return eventCount;
    }

    /**
     * Returns the op code of every event; must not be modified.
     *
     * @return an array of length {@link #eventCount()} holding {@link #MALLOC}, {@link #FREE} or
     *     {@link #REALLOC}
     */
    public byte[] ops() {
        return ops;
    }

    /**
     * Returns the block id of every event; must not be modified.
     *
     * @return an array of length {@link #eventCount()}; each value is in
     *     {@code [0, blockCount())}: the block allocated, freed, or created by the realloc
     */
    public int[] ids() {
        return ids;
    }

    /**
     * Returns, for every event, the block a realloc replaces; must not be modified.
     *
     * @return an array of length {@link #eventCount()}; for {@link #REALLOC} a block id in
     *     {@code [0, blockCount())}, otherwise -1
     */
    public int[] oldIds() {
        return oldIds;
    }

    /**
     * Returns the requested size of every event; must not be modified.
     *
     * @return an array of length {@link #eventCount()}; size in bytes for {@link #MALLOC} and
     *     {@link #REALLOC} (in {@code [0, Long.MAX_VALUE]}), 0 for {@link #FREE}
     */
    public long[] sizes() {
        return sizes;
    }

    /**
     * Returns the source line of every event; must not be modified.
     *
     * @return an array of length {@link #eventCount()} of 1-based line numbers, increasing; for
     *     a {@link #REALLOC} the line of its {@code <} half
     */
    public int[] lines() {
        return lines;
    }

    /**
     * Returns the op code of one event.
     *
     * @param event event index in {@code [0, eventCount())}
     * @return {@link #MALLOC}, {@link #FREE} or {@link #REALLOC}
     * @throws IndexOutOfBoundsException if {@code event} is out of range
     */
    public byte op(int event) {
        return ops[checkEvent(event)];
    }

    /**
     * Returns the block id of one event (see {@link #ids()}).
     *
     * @param event event index in {@code [0, eventCount())}
     * @return a block id in {@code [0, blockCount())}
     * @throws IndexOutOfBoundsException if {@code event} is out of range
     */
    public int id(int event) {
        return ids[checkEvent(event)];
    }

    /**
     * Returns the replaced block of one event (see {@link #oldIds()}).
     *
     * @param event event index in {@code [0, eventCount())}
     * @return a block id for a {@link #REALLOC}, otherwise -1
     * @throws IndexOutOfBoundsException if {@code event} is out of range
     */
    public int oldId(int event) {
        return oldIds[checkEvent(event)];
    }

    /**
     * Returns the requested size of one event (see {@link #sizes()}).
     *
     * @param event event index in {@code [0, eventCount())}
     * @return the size in bytes, 0 for a {@link #FREE}
     * @throws IndexOutOfBoundsException if {@code event} is out of range
     */
    public long size(int event) {
        return sizes[checkEvent(event)];
    }

    /**
     * Returns the 1-based source line of one event (see {@link #lines()}).
     *
     * @param event event index in {@code [0, eventCount())}
     * @return the line number, at least 1
     * @throws IndexOutOfBoundsException if {@code event} is out of range
     */
    public int line(int event) {
        return lines[checkEvent(event)];
    }

    private int checkEvent(int event) {
        if (event < 0 || event >= eventCount) {
            throw new IndexOutOfBoundsException("event " + event + " not in [0, " + eventCount
                    + ")");
        }
        return event;
    }

    /**
     * Returns the requested size of a block.
     *
     * @param id block id in {@code [0, blockCount())}
     * @return the size in bytes requested by the event that created the block
     * @throws IndexOutOfBoundsException if {@code id} is out of range
     */
    public long blockSize(int id) {
        if (id < 0 || id >= blockSizes.length) {
            throw new IndexOutOfBoundsException("block " + id + " not in [0, "
                    + blockSizes.length + ")");
        }
        return blockSizes[id];
    }

    /**
     * Returns the number of {@link #MALLOC} events: successful allocations, including reallocs
     * of an address that was not live (see {@link #unmatchedReallocs()}).
     *
     * @return the count, at least 0
     */
    public int allocations() {
        return allocations;
    }

    /**
     * Returns the number of {@link #FREE} events: frees of a live address, including a realloc
     * of a live address that returned the null address ({@code > 0x0}).
     *
     * @return the count, at least 0
     */
    public int frees() {
        return frees;
    }

    /**
     * Returns the number of {@link #REALLOC} events: reallocs of a live address that returned a
     * non-null address.
     *
     * @return the count, at least 0
     */
    public int reallocs() {
        return reallocs;
    }

    /**
     * Returns the number of frees skipped because their address was not live (never allocated
     * in the trace, for example allocated before tracing started, or already freed); a realloc
     * of such an address that returned the null address is counted here as well. Frees of the
     * null address are not included, see {@link #nullFrees()}.
     *
     * @return the count, at least 0
     */
    public int unmatchedFrees() {
        return unmatchedFrees;
    }

    /**
     * Returns the number of reallocs whose old address was not live; each became a
     * {@link #MALLOC} of the new address. A realloc of the null address is a plain allocation
     * and is not counted here.
     *
     * @return the count, at least 0
     */
    public int unmatchedReallocs() {
        return unmatchedReallocs;
    }

    /**
     * Returns the number of failed allocations, which produce no event: allocations that
     * returned the null address ({@code + 0x0 SIZE} or {@code + (nil) SIZE}) and failed reallocs
     * ({@code ! OLD SIZE}, after which the old block stays live).
     *
     * @return the count, at least 0
     */
    public int failedAllocations() {
        return failedAllocations;
    }

    /**
     * Returns the number of allocations (or realloc results) of an address that was already
     * live, meaning the trace misses a free. The earlier block is treated as leaked: it stays
     * live (and is freed at the end of the replay) and the address now names the new block.
     *
     * @return the count, at least 0
     */
    public int duplicateAllocations() {
        return duplicateAllocations;
    }

    /**
     * Returns the number of frees of the null address ({@code - 0x0}); they produce no event and
     * are not counted in {@link #unmatchedFrees()}. glibc does not log {@code free(NULL)}, so
     * recorded traces normally have none.
     *
     * @return the count, at least 0
     */
    public int nullFrees() {
        return nullFrees;
    }

    /**
     * Returns the number of block ids.
     *
     * @return {@code allocations() + reallocs()}, at least 0
     */
    public int blockCount() {
        return blockSizes.length;
    }

    /**
     * Returns the number of blocks never freed by an event; the replay frees them at the end.
     *
     * @return {@code blockCount() - frees() - reallocs()}, at least 0
     */
    public int liveAtEnd() {
        return liveAtEndIds.length;
    }

    /**
     * Returns the ids of the blocks never freed by an event, in increasing order.
     *
     * @return a new array of length {@link #liveAtEnd()}
     */
    public int[] liveAtEndIds() {
        return liveAtEndIds.clone();
    }

    /**
     * Returns the largest sum of requested sizes of live blocks, taken after each event.
     * A realloc is counted after it completed (old block gone, new block live), so the moment
     * in which a moving realloc holds both blocks is not included.
     *
     * @return the peak in bytes, at least 0
     */
    public long peakLiveBytes() {
        return peakLiveBytes;
    }

    /**
     * Returns the largest number of live blocks, taken after each event.
     *
     * @return the peak block count, at least 0
     */
    public int peakLiveBlocks() {
        return peakLiveBlocks;
    }

    /**
     * Returns the sum of the sizes requested by all {@link #MALLOC} and {@link #REALLOC} events.
     *
     * @return the total in bytes, in {@code [0, Long.MAX_VALUE]}
     */
    public long totalRequestedBytes() {
        return totalRequestedBytes;
    }

    /**
     * Returns a one-line summary with the name and all counters.
     *
     * @return the summary, never {@code null}
     */
    @Override
    public String toString() {
        return name + ": " + eventCount + " events (" + allocations + " allocations, " + frees
                + " frees, " + reallocs + " reallocs), " + blockCount() + " blocks, "
                + liveAtEnd() + " live at end, peak " + peakLiveBytes + " bytes in "
                + peakLiveBlocks + " blocks, " + totalRequestedBytes + " bytes requested; "
                + unmatchedFrees + " unmatched frees, " + unmatchedReallocs
                + " unmatched reallocs, " + failedAllocations + " failed allocations, "
                + duplicateAllocations + " duplicate allocations, " + nullFrees + " null frees";
    }
}

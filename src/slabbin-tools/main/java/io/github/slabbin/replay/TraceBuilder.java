package io.github.slabbin.replay;

import io.github.slabbin.internal.LongHashTable;
import java.util.Arrays;

/**
 * Turns address-level allocation events into a {@link Trace}: maps addresses to dense block ids,
 * appends replayable events to growing primitive arrays and keeps the statistics. The caller
 * validates syntax; this class applies the semantics documented on {@link Trace} and
 * {@link MtraceParser}.
 */
final class TraceBuilder {
    /** Largest array length the JVM reliably supports. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private final String name;
    private final LongHashTable addresses = LongHashTable.withValues();

    private byte[] ops = new byte[1024];
    private int[] ids = new int[1024];
    private int[] oldIds = new int[1024];
    private long[] sizes = new long[1024];
    private int[] lines = new int[1024];
    private int events;

    private long[] blockSizes = new long[1024];
    /** One bit per block id: set while the block is live. */
    private long[] live = new long[16];
    private int blocks;

    private int allocations;
    private int frees;
    private int reallocs;
    private int unmatchedFrees;
    private int unmatchedReallocs;
    private int failedAllocations;
    private int duplicateAllocations;
    private int nullFrees;

    private long liveBytes;
    private int liveBlocks;
    private long peakLiveBytes;
    private int peakLiveBlocks;
    private long totalRequestedBytes;

    TraceBuilder(String name) {
        this.name = name;
    }

    /**
     * A successful allocation of {@code size} bytes at {@code address}.
     *
     * @param address non-zero address
     * @param size requested bytes, {@code >= 0}
     * @param line source line
     * @throws TraceFormatException if the totals overflow or the trace is too long
     */
    void malloc(long address, long size, int line) throws TraceFormatException {
        int id = newBlock(size, line);
        if (addresses.put(address, id) >= 0) {
            duplicateAllocations++;
        }
        allocations++;
        append(Trace.MALLOC, id, -1, size, line);
        liveBytes += size;
        liveBlocks++;
        updatePeaks();
    }

    /**
     * A free of {@code address}; the null address is counted in {@code nullFrees}.
     *
     * @param address any address
     * @param line source line
     * @throws TraceFormatException if the trace is too long
     */
    void free(long address, int line) throws TraceFormatException {
        if (address == 0) {
            nullFrees++;
            return;
        }
        int id = addresses.take(address);
        if (id < 0) {
            unmatchedFrees++;
            return;
        }
        frees++;
        append(Trace.FREE, id, -1, 0, line);
        kill(id);
    }

    /**
     * A realloc of {@code oldAddress} that returned {@code newAddress} for {@code size} bytes.
     * A null new address frees the old block; a null old address is a plain allocation; an old
     * address that is not live is an unmatched realloc, replayed as an allocation.
     *
     * @param oldAddress any address
     * @param newAddress any address
     * @param size requested bytes, {@code >= 0}
     * @param line source line of the {@code <} half
     * @throws TraceFormatException if the totals overflow or the trace is too long
     */
    void realloc(long oldAddress, long newAddress, long size, int line)
            throws TraceFormatException {
        if (newAddress == 0) {
            free(oldAddress, line);
            return;
        }
        if (oldAddress == 0) {
            malloc(newAddress, size, line);
            return;
        }
        int oldId = addresses.take(oldAddress);
        if (oldId < 0) {
            unmatchedReallocs++;
            malloc(newAddress, size, line);
            return;
        }
        int id = newBlock(size, line);
        if (addresses.put(newAddress, id) >= 0) {
            duplicateAllocations++;
        }
        reallocs++;
        append(Trace.REALLOC, id, oldId, size, line);
        kill(oldId);
        liveBytes += size;
        liveBlocks++;
        updatePeaks();
    }

    /** An allocation or realloc that returned the null address. */
    void failedAllocation() {
        failedAllocations++;
    }

    private int newBlock(long size, int line) throws TraceFormatException {
        if (blocks == MAX_LENGTH) {
            throw new TraceFormatException(name, line, "more than " + MAX_LENGTH + " blocks");
        }
        try {
            totalRequestedBytes = Math.addExact(totalRequestedBytes, size);
        } catch (ArithmeticException e) {
            throw new TraceFormatException(name, line,
                    "total requested size exceeds " + Long.MAX_VALUE + " bytes");
        }
        if (blocks == blockSizes.length) {
            blockSizes = Arrays.copyOf(blockSizes, grow(blocks));
        }
        if ((blocks >>> 6) == live.length) {
            live = Arrays.copyOf(live, live.length * 2);
        }
        int id = blocks++;
        blockSizes[id] = size;
        live[id >>> 6] |= 1L << id;
        return id;
    }

    private void kill(int id) {
        live[id >>> 6] &= ~(1L << id);
        liveBytes -= blockSizes[id];
        liveBlocks--;
    }

    private void updatePeaks() {
        if (liveBytes > peakLiveBytes) {
            peakLiveBytes = liveBytes;
        }
        if (liveBlocks > peakLiveBlocks) {
            peakLiveBlocks = liveBlocks;
        }
    }

    private void append(byte op, int id, int oldId, long size, int line)
            throws TraceFormatException {
        if (events == ops.length) {
            if (events == MAX_LENGTH) {
                throw new TraceFormatException(name, line, "more than " + MAX_LENGTH + " events");
            }
            int capacity = grow(events);
            ops = Arrays.copyOf(ops, capacity);
            ids = Arrays.copyOf(ids, capacity);
            oldIds = Arrays.copyOf(oldIds, capacity);
            sizes = Arrays.copyOf(sizes, capacity);
            lines = Arrays.copyOf(lines, capacity);
        }
        ops[events] = op;
        ids[events] = id;
        oldIds[events] = oldId;
        sizes[events] = size;
        lines[events] = line;
        events++;
    }

    private static int grow(int length) {
        return (int) Math.min((long) length * 2, MAX_LENGTH);
    }

    /** Trims the arrays and returns the finished trace; the builder must not be used after. */
    Trace build() {
        int[] liveIds = new int[liveBlocks];
        int n = 0;
        for (int word = 0; word < live.length; word++) {
            long bits = live[word];
            while (bits != 0) {
                liveIds[n++] = (word << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        return new Trace(name, Arrays.copyOf(ops, events), Arrays.copyOf(ids, events),
                Arrays.copyOf(oldIds, events), Arrays.copyOf(sizes, events),
                Arrays.copyOf(lines, events), Arrays.copyOf(blockSizes, blocks), liveIds,
                allocations, frees, reallocs, unmatchedFrees, unmatchedReallocs,
                failedAllocations, duplicateAllocations, nullFrees, peakLiveBytes,
                peakLiveBlocks, totalRequestedBytes);
    }
}

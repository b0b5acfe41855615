package io.github.slabbin.replay;

/**
 * The figures of one trace replayed through slabbin and the system allocator.
 *
 * @param trace                 the trace's name
 * @param events                replayed events (malloc, free, realloc)
 * @param allocations           malloc events (incl. reallocs of unknown addresses)
 * @param frees                 matched frees
 * @param reallocs              matched reallocs
 * @param unmatchedFrees        frees of addresses not live in the trace, skipped
 * @param unmatchedReallocs     reallocs of addresses not live, replayed as mallocs
 * @param liveAtEnd             blocks never freed by the trace; freed at the end of each run
 * @param slabRequests          allocation requests (malloc and realloc) routed to a size class
 * @param requests              all allocation requests (malloc and realloc)
 * @param slabRequestedBytes    bytes requested by the requests routed to a size class
 * @param requestedBytes        bytes requested by all requests
 * @param peakLiveBytes         peak of live requested bytes, all sizes
 * @param peakLiveSlabBytes     peak of live requested bytes in size classes
 * @param peakReservedBytes     bytes reserved by the slabs at the end of the trace (they never
 *                              shrink during a run, so this is the peak)
 * @param reservedAfterTrimBytes bytes still reserved by the slabs after trim(), blocks live at
 *                              the end of the trace still held
 * @param slabsPerClass         slabs reserved per size class at the end of the trace
 * @param classSizes            the size classes, bytes
 * @param javaSlabbin           Java-driven, slabbin
 * @param javaSystem            Java-driven, malloc/free
 * @param cSlabbin              C-driven, slabbin
 * @param cSystem               C-driven, malloc/free
 * @param repeats               timed runs per combination
 * @param warmups               untimed runs before them
 * @param verify                pattern coverage: "ends" or "full"
 */
public record ReplayReport(String trace, int events, int allocations, int frees, int reallocs,
                           int unmatchedFrees, int unmatchedReallocs, int liveAtEnd,
                           long slabRequests, long requests, long slabRequestedBytes,
                           long requestedBytes, long peakLiveBytes, long peakLiveSlabBytes,
                           long peakReservedBytes, long reservedAfterTrimBytes,
                           int[] slabsPerClass, int[] classSizes, Timing javaSlabbin,
                           Timing javaSystem, Timing cSlabbin, Timing cSystem, int repeats,
                           int warmups, String verify) {

    /**
     * Java-driven slabbin time over system time (medians): below 1 means slabbin is faster.
     *
     * @return the ratio
     */
    public double javaRatio() {
        return javaSlabbin.nsPerEvent() / javaSystem.nsPerEvent();
    }

    /**
     * C-driven slabbin time over system time (medians): below 1 means slabbin is faster.
     *
     * @return the ratio
     */
    public double cRatio() {
        return cSlabbin.nsPerEvent() / cSystem.nsPerEvent();
    }

    /**
     * Peak bytes reserved by slabs over peak live requested bytes in size classes: the memory
     * overhead of slabs (size-class rounding plus free slots). 0 when no request went to a class.
     *
     * @return the ratio
     */
    public double overhead() {
        return peakLiveSlabBytes == 0 ? 0 : peakReservedBytes / (double) peakLiveSlabBytes;
    }

    /**
     * Share of allocation requests served by slabs.
     *
     * @return 0..1
     */
    public double slabRequestShare() {
        return requests == 0 ? 0 : slabRequests / (double) requests;
    }

    /**
     * Share of requested bytes served by slabs.
     *
     * @return 0..1
     */
    public double slabByteShare() {
        return requestedBytes == 0 ? 0 : slabRequestedBytes / (double) requestedBytes;
    }
}

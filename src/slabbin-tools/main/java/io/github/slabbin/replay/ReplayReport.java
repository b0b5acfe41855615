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
 * @param peakLiveSlotBytes     peak of the slot bytes (class sizes) of the blocks live in size
 *                              classes
 * @param peakReservedBytes     bytes reserved by the slabs at the end of the trace (they never
 *                              shrink during a run, so this is the peak)
 * @param reservedAfterTrimBytes bytes still reserved by the slabs after trim(), blocks live at
 *                              the end of the trace still held
 * @param peakFootprintBytes    slabbin's peak footprint in the C-driven run: bytes reserved by
 *                              slabs plus the chunk bytes of the blocks live in the system
 *                              allocator (larger requests), the peak after any event
 * @param systemFootprintBytes  the system allocator's peak footprint for the same blocks in the
 *                              system run: the peak of its live chunk bytes ({@code
 *                              malloc_usable_size} plus the 8-byte chunk header per live block,
 *                              summed after every event; free chunks inside its heap not
 *                              counted, so a lower bound of its footprint)
 * @param initialSlabBytes      about the bytes of each class's first slab, slabs doubling from
 *                              there up to about 64 KiB; 0: no growth, every slab about 64 KiB
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
                           long peakLiveSlotBytes, long peakReservedBytes,
                           long reservedAfterTrimBytes, long peakFootprintBytes,
                           long systemFootprintBytes, long initialSlabBytes,
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
     * Lower end of the Java-driven ratio's interval: slabbin's interval low over malloc's high
     * (each the 95% confidence interval of a median, {@link Timing}).
     *
     * @return the ratio
     */
    public double javaRatioLow() {
        return javaSlabbin.lowNanos() / (double) javaSystem.highNanos();
    }

    /**
     * Upper end of the Java-driven ratio's interval.
     *
     * @return the ratio
     */
    public double javaRatioHigh() {
        return javaSlabbin.highNanos() / (double) javaSystem.lowNanos();
    }

    /**
     * Lower end of the C-driven ratio's interval (as {@link #javaRatioLow()}).
     *
     * @return the ratio
     */
    public double cRatioLow() {
        return cSlabbin.lowNanos() / (double) cSystem.highNanos();
    }

    /**
     * Upper end of the C-driven ratio's interval.
     *
     * @return the ratio
     */
    public double cRatioHigh() {
        return cSlabbin.highNanos() / (double) cSystem.lowNanos();
    }

    /**
     * Whether a ratio interval calls a winner: it lies wholly below or wholly above 1.
     *
     * @param low  the interval's lower end
     * @param high its upper end
     * @return false when the interval holds 1 (too wide to call a winner)
     */
    public static boolean decided(double low, double high) {
        return high < 1 || low > 1;
    }

    /**
     * Peak bytes reserved by slabs over peak live requested bytes in size classes: the whole
     * memory overhead of slabs, {@link #classRounding()} times {@link #slabOverhead()}. 0 when no
     * request went to a class.
     *
     * @return the ratio
     */
    public double overhead() {
        return peakLiveSlabBytes == 0 ? 0 : peakReservedBytes / (double) peakLiveSlabBytes;
    }

    /**
     * Peak bytes reserved by slabs over peak slot bytes live in them: the slabs' own waste (free
     * and never-used slots). 0 when no request went to a class.
     *
     * @return the ratio, 1 or more
     */
    public double slabOverhead() {
        return peakLiveSlotBytes == 0 ? 0 : peakReservedBytes / (double) peakLiveSlotBytes;
    }

    /**
     * Peak live slot bytes over peak live requested bytes in size classes: what rounding a
     * request up to its class costs. 0 when no request went to a class.
     *
     * @return the ratio, 1 or more
     */
    public double classRounding() {
        return peakLiveSlabBytes == 0 ? 0 : peakLiveSlotBytes / (double) peakLiveSlabBytes;
    }

    /**
     * slabbin's peak footprint over the system allocator's ({@link #peakFootprintBytes()} /
     * {@link #systemFootprintBytes()}); 0 when the system run held nothing.
     *
     * @return the ratio
     */
    public double footprintRatio() {
        return systemFootprintBytes == 0 ? 0 : peakFootprintBytes / (double) systemFootprintBytes;
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

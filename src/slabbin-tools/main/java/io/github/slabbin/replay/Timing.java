package io.github.slabbin.replay;

import java.util.Arrays;

/**
 * Timed runs of one allocator and driver over one trace.
 *
 * @param medianNanos   median wall time of a run, nanoseconds
 * @param minNanos      fastest run, nanoseconds
 * @param maxNanos      slowest run, nanoseconds
 * @param nsPerEvent    median nanoseconds per event
 * @param runs          number of timed runs
 */
public record Timing(long medianNanos, long minNanos, long maxNanos, double nsPerEvent, int runs) {

    /**
     * Summarises run times.
     *
     * @param nanos  the runs' wall times in nanoseconds, at least one
     * @param events events per run, 1 or more (0 is treated as 1)
     * @return the summary
     */
    public static Timing of(long[] nanos, int events) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int n = s.length;
        long median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        return new Timing(median, s[0], s[n - 1], median / (double) Math.max(1, events), n);
    }
}

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
 * @param lowNanos      lower end of the 95% confidence interval of the median, nanoseconds
 *                      (order statistics; for fewer than 9 runs the fastest run)
 * @param highNanos     upper end of that interval, nanoseconds (for fewer than 9 runs the
 *                      slowest run)
 * @param warmups       untimed runs before them
 * @param settled       whether the warm-up times settled (true when not checked; see
 *                      {@link Calibration})
 */
public record Timing(long medianNanos, long minNanos, long maxNanos, double nsPerEvent, int runs,
                     long lowNanos, long highNanos, int warmups, boolean settled) {

    /**
     * Summarises run times measured without a settle check and without warm-up count.
     *
     * @param nanos  the runs' wall times in nanoseconds, at least one
     * @param events events per run, 1 or more (0 is treated as 1)
     * @return the summary
     */
    public static Timing of(long[] nanos, int events) {
        return of(nanos, events, 0, true);
    }

    /**
     * Summarises run times.
     *
     * @param nanos   the runs' wall times in nanoseconds, at least one
     * @param events  events per run, 1 or more (0 is treated as 1)
     * @param warmups untimed runs before them
     * @param settled whether the warm-up settled
     * @return the summary
     */
    public static Timing of(long[] nanos, int events, int warmups, boolean settled) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int n = s.length;
        long median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        int j = medianIntervalRank(n);
        return new Timing(median, s[0], s[n - 1], median / (double) Math.max(1, events), n,
                s[j - 1], s[n - j], warmups, settled);
    }

    /**
     * The 1-based rank j such that [x(j), x(n+1-j)] of n sorted runs covers the median with at
     * least 95% confidence (the largest j with 2 P(Binomial(n, 1/2) &lt; j) &le; 0.05); 1 when no
     * rank reaches it (n below 9).
     *
     * @param n runs, 1 or more
     * @return the rank, 1..(n+1)/2
     */
    static int medianIntervalRank(int n) {
        // P(B <= k) for B ~ Binomial(n, 1/2), accumulated in log space to stay finite for large n.
        double cumulative = 0;
        int j = 1;
        double logHalfN = n * Math.log(0.5);
        double logChoose = 0;                               // log C(n, 0)
        for (int k = 0; k < n; k++) {
            cumulative += Math.exp(logChoose + logHalfN);   // P(B <= k)
            if (2 * cumulative > 0.05) {
                break;
            }
            j = k + 1;                                      // P(B < j) = P(B <= k) <= 0.025
            logChoose += Math.log(n - k) - Math.log(k + 1);
        }
        return Math.min(j, (n + 1) / 2);
    }

    /**
     * Half the width of the confidence interval over the median: ± this share.
     *
     * @return 0 or more
     */
    public double relativeInterval() {
        return medianNanos == 0 ? 0 : (highNanos - lowNanos) / 2.0 / medianNanos;
    }
}

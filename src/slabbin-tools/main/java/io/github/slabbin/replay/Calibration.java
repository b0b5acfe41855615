package io.github.slabbin.replay;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * How long one allocator and driver is measured on one trace, as a benchmark harness does
 * (design source: JMH's warm-up and measurement phases; the settle rule after Georges, Buytaert
 * and Eeckhout, "Statistically Rigorous Java Performance Evaluation", OOPSLA 2007):
 * <ol>
 *   <li><b>Warm-up</b>: at least {@code minWarmups} untimed runs; then more until the last
 *       {@link #SETTLE_WINDOW} runs lie within {@code settle} of each other (max / min - 1), or
 *       until the warm-up has taken {@code maxWarmupNanos}. Whether it settled is reported.</li>
 *   <li><b>Measurement</b>: at least {@code minRuns} timed runs, and more until the measurement
 *       has taken {@code minNanos} of wall time (the runs with their set-up, so that a tiny trace
 *       stays as quick as a large one), at most {@code maxRuns} runs.</li>
 * </ol>
 * The result ({@link Timing}) has the median, the min–max spread and a 95% confidence interval
 * of the median from order statistics.
 *
 * @param minWarmups     untimed runs at least, 0 or more
 * @param maxWarmupNanos warm-up time at most, nanoseconds, 0 or more (0: exactly
 *                       {@code minWarmups} runs, no settle check)
 * @param settle         the relative spread of the last warm-up runs that counts as settled,
 *                       0 or more (0.05: within 5%)
 * @param minRuns        timed runs at least, 1 or more
 * @param minNanos       measurement time at least, nanoseconds, 0 or more
 * @param maxRuns        timed runs at most, {@code minRuns} or more
 */
public record Calibration(int minWarmups, long maxWarmupNanos, double settle, int minRuns,
                          long minNanos, int maxRuns) {
    /** Warm-up runs whose spread decides that the times settled. */
    public static final int SETTLE_WINDOW = 3;

    /**
     * Checks the settings.
     *
     * @param minWarmups     untimed runs at least, 0 or more
     * @param maxWarmupNanos warm-up time at most, nanoseconds, 0 or more
     * @param settle         the relative spread that counts as settled, 0 or more
     * @param minRuns        timed runs at least, 1 or more
     * @param minNanos       measurement time at least, nanoseconds, 0 or more
     * @param maxRuns        timed runs at most, {@code minRuns} or more
     * @throws IllegalArgumentException if a setting is out of its range
     */
    public Calibration {
        if (minWarmups < 0 || maxWarmupNanos < 0 || !(settle >= 0) || minRuns < 1
                || minNanos < 0 || maxRuns < minRuns) {
            throw new IllegalArgumentException("calibration needs warm-ups >= 0, a warm-up time"
                    + " >= 0, a settle margin >= 0, runs >= 1, a minimum time >= 0 and at most"
                    + " runs >= runs; got " + minWarmups + ", " + maxWarmupNanos + " ns, "
                    + settle + ", " + minRuns + ", " + minNanos + " ns, " + maxRuns);
        }
    }

    /**
     * Exactly {@code warmups} untimed and {@code repeats} timed runs.
     *
     * @param repeats timed runs, 1 or more
     * @param warmups untimed runs, 0 or more
     * @return the calibration
     * @throws IllegalArgumentException if {@code repeats < 1} or {@code warmups < 0}
     */
    public static Calibration fixed(int repeats, int warmups) {
        return new Calibration(warmups, 0, 0, repeats, 0, repeats);
    }

    /**
     * Whether the warm-up checks that times settled (a warm-up time limit is set).
     *
     * @return true when settling is checked
     */
    public boolean checksSettling() {
        return maxWarmupNanos > 0;
    }

    /**
     * Measures one allocator and driver.
     *
     * @param run    one run; returns its wall time in nanoseconds (the loop only, as the drivers
     *               time it)
     * @param events events per run, for {@link Timing#nsPerEvent()}
     * @param after  called after every run, warm-up or timed, with the runs done so far
     * @return the timing
     */
    Timing measure(LongSupplier run, int events, IntConsumer after) {
        long[] window = new long[SETTLE_WINDOW];
        int warmups = 0;
        boolean settled = !checksSettling();
        long start = System.nanoTime();
        while (warmups < minWarmups || (checksSettling() && !settled
                && System.nanoTime() - start < maxWarmupNanos)) {
            window[warmups % SETTLE_WINDOW] = run.getAsLong();
            warmups++;
            after.accept(warmups);
            if (checksSettling() && warmups >= SETTLE_WINDOW) {
                settled = settled(window, settle);
            }
        }
        long[] nanos = new long[Math.min(maxRuns, Math.max(minRuns, 16))];
        int runs = 0;
        long measuring = System.nanoTime();
        while (runs < minRuns
                || (System.nanoTime() - measuring < minNanos && runs < maxRuns)) {
            if (runs == nanos.length) {
                nanos = Arrays.copyOf(nanos, (int) Math.min(maxRuns, 2L * nanos.length));
            }
            nanos[runs++] = run.getAsLong();
            after.accept(warmups + runs);
        }
        return Timing.of(Arrays.copyOf(nanos, runs), events, warmups, settled);
    }

    /** Whether the runs lie within {@code margin} of each other: max / min - 1. */
    static boolean settled(long[] runs, double margin) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long r : runs) {
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        return max <= (1 + margin) * Math.max(1, min);
    }
}

package io.github.slabbin.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The calibration's rules on run times given by the test (no clock asserted): when warm-up ends,
 * how many runs are timed, and the median's confidence interval.
 */
class CalibrationTest {
    /** Returns the given times in turn, then the last one again. */
    private static LongSupplier times(long... t) {
        int[] i = {0};
        return () -> t[Math.min(i[0]++, t.length - 1)];
    }

    @Test
    void fixedRunsExactlyTheCounts() {
        List<Integer> seen = new ArrayList<>();
        Timing t = Calibration.fixed(3, 2).measure(times(9, 9, 30, 10, 20), 10, seen::add);
        assertEquals(List.of(1, 2, 3, 4, 5), seen);
        assertEquals(3, t.runs());
        assertEquals(2, t.warmups());
        assertTrue(t.settled(), "not checked: counts as settled");
        assertEquals(20, t.medianNanos());                   // of 30, 10, 20
        assertEquals(10, t.minNanos());
        assertEquals(30, t.maxNanos());
        assertEquals(2.0, t.nsPerEvent(), 1e-12);
        assertEquals(10, t.lowNanos());                      // 3 runs: the interval is min-max
        assertEquals(30, t.highNanos());
        assertEquals(0.5, t.relativeInterval(), 1e-12);      // (30 - 10) / 2 / 20
    }

    @Test
    void warmUpGoesOnUntilThreeRunsSettle() {
        // Within 5%: 100, 50, 40 no; 50, 40, 40 no (50 > 42); 40, 41, 40 yes, after 5 runs.
        Calibration c = new Calibration(1, Long.MAX_VALUE, 0.05, 2, 0, 2);
        Timing t = c.measure(times(100, 50, 40, 40, 41, 7, 9), 1, runs -> { });
        assertEquals(5, t.warmups());
        assertTrue(t.settled());
        assertEquals(8, t.medianNanos());                    // (7 + 9) / 2
    }

    @Test
    void warmUpStopsAtItsTimeLimitUnsettled() {
        // 1 ns of warm-up time at most: the first run exceeds it; times never settle anyway.
        Calibration c = new Calibration(2, 1, 0.05, 1, 0, 1);
        long[] clock = {0};
        Timing t = c.measure(() -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 10 * ++clock[0];
        }, 1, runs -> { });
        assertEquals(2, t.warmups(), "at least the minimum");
        assertFalse(t.settled());
    }

    @Test
    void measurementRunsAtMostMaxRuns() {
        Calibration c = new Calibration(0, 0, 0, 3, Long.MAX_VALUE, 7);
        Timing t = c.measure(times(5), 1, runs -> { });
        assertEquals(7, t.runs());
    }

    @Test
    void medianIntervalRanksFollowTheBinomial() {
        assertEquals(1, Timing.medianIntervalRank(1));
        assertEquals(1, Timing.medianIntervalRank(5));
        assertEquals(1, Timing.medianIntervalRank(8));       // 2 P(B <= 1) = 0.070
        assertEquals(2, Timing.medianIntervalRank(9));       // 2 P(B <= 1) = 0.039
        assertEquals(2, Timing.medianIntervalRank(10));
        assertEquals(6, Timing.medianIntervalRank(20));      // 2 P(B <= 5) = 0.041
        assertEquals(40, Timing.medianIntervalRank(100));    // 2 P(B <= 39) = 0.035
        long[] runs = new long[20];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = 100 + i;                              // 100..119
        }
        Timing t = Timing.of(runs, 1);
        assertEquals(105, t.lowNanos());                     // the 6th smallest
        assertEquals(114, t.highNanos());                    // the 6th largest
    }

    @Test
    void rejectsSettingsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new Calibration(-1, 0, 0, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Calibration(0, 0, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Calibration(0, 0, 0, 2, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Calibration(0, 0, Double.NaN, 1, 0, 1));
    }
}

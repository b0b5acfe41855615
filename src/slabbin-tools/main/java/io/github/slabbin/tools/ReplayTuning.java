package io.github.slabbin.tools;

import io.github.slabbin.replay.Calibration;
import picocli.CommandLine.Option;

/**
 * The replay's options for how long it measures, how slabs grow and what it says while it runs
 * (a picocli mixin of {@link ReplayCommand}). The defaults keep a run on the three bundled traces
 * within about 30 seconds on 2 cores; {@code --min-time 5 --max-warmup 5} gives a longer, tighter
 * run.
 */
final class ReplayTuning {
    /**
     * Bytes of each class's first slab by default, chosen by measuring the bundled traces with
     * first slabs of 256 B, 1 KiB, 4 KiB, 16 KiB and none (README, "Replay your own workload"):
     * slab overhead 1.04-1.08 at 256 B and 1 KiB, up to 1.12 at 4 KiB and 1.30 at 16 KiB
     * (sqlite3); the few more slabs of a smaller first slab made no difference in time that the
     * runs' spread could show.
     */
    static final long DEFAULT_FIRST_SLAB_BYTES = 1024;

    @Option(names = "--min-time", paramLabel = "SECONDS",
            description = "Measurement time at least, per trace, driver and allocator; timed"
                    + " runs are repeated until it is reached (default: ${DEFAULT-VALUE}).")
    double minTime = 0.5;

    @Option(names = "--max-warmup", paramLabel = "SECONDS",
            description = "Warm-up time at most, per trace, driver and allocator: warm-up runs"
                    + " go on until the last 3 times settle within --settle or this time has"
                    + " passed; 0: exactly --warmup runs (default: ${DEFAULT-VALUE}).")
    double maxWarmup = 1.0;

    @Option(names = "--settle", paramLabel = "PERCENT",
            description = "Warm-up times count as settled when the last 3 lie within this"
                    + " percentage of each other (default: ${DEFAULT-VALUE}).")
    double settle = 5;

    @Option(names = "--max-runs", paramLabel = "N",
            description = "Timed runs at most, per trace, driver and allocator"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxRuns = 100_000;

    @Option(names = "--first-slab", paramLabel = "BYTES",
            description = "Slab growth: the first slab of each size class holds about BYTES"
                    + " (at least one slot), each next one twice as many, up to about 64 KiB"
                    + " (default: ${DEFAULT-VALUE}).")
    long firstSlab = DEFAULT_FIRST_SLAB_BYTES;

    @Option(names = "--no-growth",
            description = "Every slab about 64 KiB from the first (for comparison).")
    boolean noGrowth;

    @Option(names = {"-q", "--quiet"},
            description = "No progress on standard error (it is shown only on a terminal).")
    boolean quiet;

    /**
     * The first slab size the replayer gets: 0 for no growth.
     *
     * @return bytes
     * @throws IllegalArgumentException if {@code --first-slab} is below 1
     */
    long initialSlabBytes() {
        if (firstSlab < 1) {
            throw new IllegalArgumentException("--first-slab must be >= 1 byte, got "
                    + firstSlab);
        }
        return noGrowth ? 0 : firstSlab;
    }

    /**
     * The calibration of these options with the command's minimum counts.
     *
     * @param repeat timed runs at least
     * @param warmup warm-up runs at least
     * @return the calibration
     * @throws IllegalArgumentException if an option is out of its range (the message names it)
     */
    Calibration calibration(int repeat, int warmup) {
        if (repeat < 1 || warmup < 0) {
            throw new IllegalArgumentException("--repeat must be >= 1 and --warmup >= 0");
        }
        if (!(minTime >= 0) || !(maxWarmup >= 0) || !(settle >= 0) || maxRuns < repeat) {
            throw new IllegalArgumentException("--min-time, --max-warmup and --settle must be"
                    + " >= 0 and --max-runs >= --repeat");
        }
        return new Calibration(warmup, (long) (maxWarmup * 1e9), settle / 100, repeat,
                (long) (minTime * 1e9), maxRuns);
    }
}

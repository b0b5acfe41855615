package io.github.slabbin.tools;

import io.github.slabbin.replay.BundledTraces;
import io.github.slabbin.replay.CDrivenComparison;
import io.github.slabbin.replay.MtraceParser;
import io.github.slabbin.replay.ReplayException;
import io.github.slabbin.replay.SizeClasses;
import io.github.slabbin.replay.Timing;
import io.github.slabbin.replay.Trace;
import io.github.slabbin.replay.TraceReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The process {@link SystemAllocators} starts for one system allocator (preloaded with
 * {@code LD_PRELOAD} by its parent): replays traces C-driven through that malloc and through
 * checked and unchecked slabbin ({@link CDrivenComparison}) and prints one tab-separated line per
 * trace to standard output.
 *
 * <p>Arguments: {@code REPEAT WARMUP ends|full CLASSES|default FIRST_SLAB_BYTES LIBRARY|- [TRACE...]}
 * (FIRST_SLAB_BYTES 0: slabs do not grow); no TRACE:
 * the bundled traces. LIBRARY is the preloaded library's file, checked against
 * {@code /proc/self/maps} (exit status 3 when it is not mapped: the preload did not work).
 * Output lines: {@code trace events} and, for malloc, checked and unchecked slabbin, the median,
 * minimum and maximum run time in nanoseconds. Exit status 2 for a trace that cannot be read, 1
 * for a failed replay.
 */
public final class SystemAllocatorWorker {
    private SystemAllocatorWorker() {}

    /**
     * Runs the worker.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        int repeat = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        TraceReplayer.Verify verify = TraceReplayer.Verify.valueOf(args[2].toUpperCase(Locale.ROOT));
        SizeClasses classes = args[3].equals("default") ? SizeClasses.defaults()
                : SizeClasses.of(Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt)
                        .toArray());
        long firstSlab = Long.parseLong(args[4]);
        String library = args[5];
        if (!library.equals("-") && !mapped(library)) {
            System.err.println("slabbin replay: " + library + " is not mapped in the process"
                    + " it was preloaded into (LD_PRELOAD ignored?)");
            return 3;
        }
        List<Trace> traces = new ArrayList<>();
        try {
            if (args.length == 6) {
                for (String name : BundledTraces.names()) {
                    traces.add(BundledTraces.load(name));
                }
            } else {
                for (int i = 6; i < args.length; i++) {
                    traces.add(MtraceParser.parse(Path.of(args[i])));
                }
            }
        } catch (IOException e) {
            System.err.println("slabbin replay: " + e.getMessage());
            return 2;
        }
        try {
            for (Trace t : traces) {
                CDrivenComparison.Result r = CDrivenComparison.measure(t, classes, firstSlab, verify,
                        repeat, warmup);
                System.out.println(r.trace() + "\t" + r.events() + "\t" + times(r.malloc())
                        + "\t" + times(r.checked()) + "\t" + times(r.unchecked()));
            }
        } catch (ReplayException e) {
            System.err.println("slabbin replay: FAILED: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static String times(Timing t) {
        return t.medianNanos() + "\t" + t.minNanos() + "\t" + t.maxNanos();
    }

    /** Whether a file of the library's name is mapped into this process. */
    private static boolean mapped(String library) {
        String name = Path.of(library).getFileName().toString();
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .anyMatch(l -> l.endsWith("/" + name) || l.contains("/" + name + "."));
        } catch (IOException e) {
            return false;
        }
    }
}

package io.github.slabbin.tools;

import io.github.slabbin.replay.Timing;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code replay --system glibc,jemalloc,mimalloc}: the C-driven replay of every trace in one
 * process per system allocator, each a JVM running {@link SystemAllocatorWorker} with the
 * allocator's library preloaded ({@code LD_PRELOAD}; none for glibc), so that {@code malloc} in
 * that process — for the replay's malloc run and for slabbin's requests above its size classes —
 * is that allocator. Each process times malloc, checked and unchecked slabbin on the same events.
 *
 * <p>Known names and the library file looked for (Debian package in brackets): {@code glibc}
 * (nothing preloaded), {@code jemalloc} {@code libjemalloc.so.2} ({@code libjemalloc2}),
 * {@code mimalloc} {@code libmimalloc.so.2} ({@code libmimalloc2.0}), {@code tcmalloc}
 * {@code libtcmalloc_minimal.so.4} ({@code libtcmalloc-minimal4}); {@code NAME=/path/lib.so}
 * names any other. A library that is not found is skipped with a message.
 */
final class SystemAllocators {
    /** Library file names of the known allocators. */
    private static final Map<String, String> KNOWN = Map.of(
            "jemalloc", "libjemalloc.so.2",
            "mimalloc", "libmimalloc.so.2",
            "tcmalloc", "libtcmalloc_minimal.so.4");
    private static final Map<String, String> PACKAGES = Map.of(
            "jemalloc", "libjemalloc2",
            "mimalloc", "libmimalloc2.0",
            "tcmalloc", "libtcmalloc-minimal4");
    /** Where Debian and other distributions keep shared libraries. */
    private static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/usr/local/lib");

    /**
     * A system allocator to measure.
     *
     * @param name    its name as given
     * @param library the library to preload, or null for glibc's malloc
     */
    record Choice(String name, Path library) {}

    /**
     * One trace's times in one allocator's process.
     *
     * @param allocator the allocator's name
     * @param trace     the trace's name
     * @param events    events per run
     * @param malloc    that allocator's malloc
     * @param checked   checked slabbin
     * @param unchecked unchecked slabbin
     */
    record Row(String allocator, String trace, int events, Timing malloc, Timing checked,
               Timing unchecked) {
        double checkedRatio() {
            return checked.medianNanos() / (double) Math.max(1, malloc.medianNanos());
        }

        double uncheckedRatio() {
            return unchecked.medianNanos() / (double) Math.max(1, malloc.medianNanos());
        }
    }

    private SystemAllocators() {}

    /**
     * Resolves names to libraries; says on {@code err} which ones are skipped and why.
     *
     * @param names allocator names, or NAME=/path/lib.so
     * @param err   where to say what is skipped
     * @return the allocators found
     * @throws IllegalArgumentException for an unknown name without a path
     */
    static List<Choice> resolve(List<String> names, PrintStream err) {
        List<Choice> found = new ArrayList<>();
        for (String name : names) {
            int eq = name.indexOf('=');
            if (eq > 0) {
                Path lib = Path.of(name.substring(eq + 1));
                if (Files.isRegularFile(lib)) {
                    found.add(new Choice(name.substring(0, eq), lib.toAbsolutePath()));
                } else {
                    err.println("slabbin replay: skipping " + name.substring(0, eq) + ": no file "
                            + lib);
                }
            } else if (name.equals("glibc")) {
                found.add(new Choice(name, null));
            } else if (KNOWN.containsKey(name)) {
                Path lib = find(KNOWN.get(name));
                if (lib == null) {
                    err.println("slabbin replay: skipping " + name + ": " + KNOWN.get(name)
                            + " not found (Debian package " + PACKAGES.get(name)
                            + "; scripts/replay installs it when run as root)");
                } else {
                    found.add(new Choice(name, lib));
                }
            } else {
                throw new IllegalArgumentException("--system: unknown allocator '" + name
                        + "' (known: glibc, jemalloc, mimalloc, tcmalloc, or NAME=/path/lib.so)");
            }
        }
        return found;
    }

    private static Path find(String file) {
        for (String dir : LIBRARY_DIRS) {
            Path p = Path.of(dir, file);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Runs the worker for one allocator and reads its rows.
     *
     * @param choice the allocator
     * @param args   the worker's arguments after LIBRARY: the traces (none: the bundled ones)
     * @param head   the worker's first five arguments (repeat, warmup, verify, classes, first
     *               slab bytes)
     * @return its rows, one per trace
     * @throws IOException if the worker cannot start or fails (its message in the exception)
     * @throws InterruptedException if interrupted while waiting
     */
    static List<Row> measure(Choice choice, List<String> head, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SystemAllocatorWorker.class.getName());
        command.addAll(head);
        command.add(choice.library() == null ? "-" : choice.library().toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        if (choice.library() != null) {
            String old = System.getenv("LD_PRELOAD");
            pb.environment().put("LD_PRELOAD", choice.library()
                    + (old == null || old.isEmpty() ? "" : ":" + old));
        } else {
            pb.environment().remove("LD_PRELOAD");
        }
        pb.redirectErrorStream(false);
        Process p = pb.start();
        p.getOutputStream().close();
        String out;
        String err;
        try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
            out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
            err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
        }
        int status = p.waitFor();
        if (status != 0) {
            throw new IOException(choice.name() + " process failed (exit " + status + "): "
                    + err.strip());
        }
        List<Row> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            int events = Integer.parseInt(f[1]);
            rows.add(new Row(choice.name(), f[0], events, timing(f, 2, events),
                    timing(f, 5, events), timing(f, 8, events)));
        }
        return rows;
    }

    private static Timing timing(String[] f, int at, int events) {
        long median = Long.parseLong(f[at]);
        long min = Long.parseLong(f[at + 1]);
        long max = Long.parseLong(f[at + 2]);
        // The worker sends median, minimum and maximum only: the interval is the whole range.
        return new Timing(median, min, max, median / (double) Math.max(1, events), 0, min, max, 0,
                true);
    }

    /**
     * Prints the rows as a table: per trace and allocator, ns/event of malloc, checked and
     * unchecked slabbin and the two ratios.
     *
     * @param out  where to print
     * @param rows the rows, in allocator order per trace
     */
    static void printTable(PrintStream out, List<Row> rows) {
        out.println();
        out.println("C-driven, each system allocator in its own process (LD_PRELOAD), ns/event"
                + " (median); ratio = slabbin / that malloc:");
        out.printf("%-22s %-10s %9s %9s %9s %8s %9s%n", "trace", "malloc", "malloc", "slabbin",
                "unchecked", "ratio", "unchecked");
        List<String> traces = rows.stream().map(Row::trace).distinct().toList();
        for (String trace : traces) {
            for (Row r : rows) {
                if (!r.trace().equals(trace)) {
                    continue;
                }
                out.printf("%-22s %-10s %9.1f %9.1f %9.1f %7.2fx %8.2fx%n", trace, r.allocator(),
                        r.malloc().nsPerEvent(), r.checked().nsPerEvent(),
                        r.unchecked().nsPerEvent(), r.checkedRatio(), r.uncheckedRatio());
            }
        }
    }
}

package io.github.slabbin.tools;

import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * Progress of a replay on one line of standard error, rewritten in place: the trace (k of n),
 * the driver and allocator being measured, its runs so far, the time spent and an estimate of the
 * time left. Shown only when standard error is a terminal and not turned off ({@code --quiet}).
 * The estimate assumes each remaining step (a driver and allocator on a trace, weighted by the
 * trace's events) takes as long per event as the steps done so far.
 */
final class ProgressLine {
    private final PrintStream err;
    private final boolean enabled;
    private final long totalWork;
    private final long start = System.nanoTime();
    private long doneWork;
    private boolean shown;

    /**
     * @param err       where to write
     * @param enabled   whether to write at all
     * @param totalWork events over all traces times steps per trace
     */
    ProgressLine(PrintStream err, boolean enabled, long totalWork) {
        this.err = err;
        this.enabled = enabled;
        this.totalWork = Math.max(1, totalWork);
    }

    /**
     * Whether the console is a terminal (on JDK 22 and later {@code System.console()} exists
     * also when it is not, and {@code Console.isTerminal()} tells).
     *
     * @return true for an interactive terminal
     */
    static boolean terminal() {
        Object console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = console.getClass().getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;                                     // JDK 21 and older: a terminal
        }
    }

    /**
     * Shows the current step.
     *
     * @param trace     k/n and the trace's name
     * @param step      the driver and allocator
     * @param runs      its runs so far
     */
    void show(String trace, String step, int runs) {
        if (!enabled) {
            return;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        String left = doneWork == 0 ? "" : String.format(", about %.0f s left",
                elapsed * (totalWork - doneWork) / doneWork);
        String text = String.format("%s: %s, run %d, %.0f s%s", trace, step, runs, elapsed, left);
        err.print("\r" + pad(text));
        err.flush();
        shown = true;
    }

    /**
     * Counts a step as done.
     *
     * @param work the step's weight (the trace's events)
     */
    void stepDone(long work) {
        doneWork += work;
    }

    /** Removes the line. */
    void clear() {
        if (shown) {
            err.print("\r" + " ".repeat(WIDTH) + "\r");
            err.flush();
            shown = false;
        }
    }

    private static final int WIDTH = 100;

    private static String pad(String s) {
        return s.length() >= WIDTH ? s.substring(0, WIDTH) : s + " ".repeat(WIDTH - s.length());
    }
}

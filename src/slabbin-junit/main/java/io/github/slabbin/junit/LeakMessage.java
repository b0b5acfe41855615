package io.github.slabbin.junit;

import io.github.slabbin.LiveSlot;
import java.util.List;

/**
 * The failure message for slots still allocated at the end of a scope: their count and the first
 * {@link #SLOTS_SHOWN} slots with their addresses and allocation call sites, trimmed to the
 * frames of the test (the frames below the test framework's reflective call are dropped).
 */
final class LeakMessage {
    /** Leaked slots the message shows with their call sites. */
    static final int SLOTS_SHOWN = 5;
    /** Frames the message shows of each call site, innermost first. */
    static final int FRAMES_SHOWN = 8;
    /** Where the test's own frames end: the first frame of one of these packages. */
    private static final List<String> FRAMEWORK_PACKAGES = List.of("org.junit.",
            "jdk.internal.reflect.", "java.lang.reflect.", "java.lang.invoke.", "sun.reflect.",
            "org.apache.maven.surefire.");

    private LeakMessage() {
    }

    /**
     * The message.
     *
     * @param where     the end the slots outlived, e.g. "the end of test Foo.bar()"
     * @param parameter the parameter the allocator was resolved for, e.g.
     *                  {@code parameter "slab" of bar}
     * @param allocator the allocator's description ({@code toString()})
     * @param leaked    the live slots, oldest allocation first, not empty
     */
    static String of(String where, String parameter, String allocator, List<LiveSlot> leaked) {
        int n = leaked.size();
        StringBuilder b = new StringBuilder()
                .append(n).append(n == 1 ? " slot" : " slots")
                .append(" still allocated at ").append(where).append(" (leaked) from ")
                .append(allocator).append(", ").append(parameter).append(':');
        for (LiveSlot s : leaked.subList(0, Math.min(SLOTS_SHOWN, n))) {
            b.append(String.format("%n  slot 0x%x (allocation #%d) allocated at", s.address(),
                    s.serial()));
            List<StackTraceElement> frames = testFrames(s.allocatedAt());
            for (StackTraceElement e : frames.subList(0, Math.min(FRAMES_SHOWN, frames.size()))) {
                b.append(String.format("%n    at %s", e));
            }
        }
        if (n > SLOTS_SHOWN) {
            b.append(String.format("%n  ... and %d more", n - SLOTS_SHOWN));
        }
        return b.append(String.format("%nFree every slot before the end, or allow leaks with"
                + " @Slots(allowLeaks = true).")).toString();
    }

    /**
     * The innermost frames up to the first frame of the test framework (the test method and
     * whatever it called), or all frames if the innermost one already is the framework's.
     */
    static List<StackTraceElement> testFrames(List<StackTraceElement> all) {
        int end = 0;
        while (end < all.size() && !isFramework(all.get(end))) {
            end++;
        }
        return end == 0 ? all : all.subList(0, end);
    }

    private static boolean isFramework(StackTraceElement e) {
        String c = e.getClassName();
        for (String p : FRAMEWORK_PACKAGES) {
            if (c.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}

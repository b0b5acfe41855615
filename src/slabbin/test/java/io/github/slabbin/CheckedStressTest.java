package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checked mode under random valid and invalid calls ({@link CheckedStressMain}), in a child JVM so
 * that a crash fails this test. Runs {@value #SECONDS} s by default; the system property
 * {@code slabbin.stress.seconds} changes it and {@code slabbin.stress.seed} replays a seed.
 */
class CheckedStressTest {
    static final int SECONDS = 24;

    @Test
    void randomCallsAgreeWithTheModelAndNeverCrash() throws Exception {
        List<String> args = new ArrayList<>(List.of(
                Integer.toString(Integer.getInteger("slabbin.stress.seconds", SECONDS))));
        String seed = System.getProperty("slabbin.stress.seed");
        if (seed != null) {
            args.add(seed);
        }
        ChildJvm.Result r = new ChildJvm(CheckedStressMain.class).jvmArgs("-Xmx256m").timeout(300)
                .run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.describe());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("seed "), r.describe());
        assertEquals("ok", lines.get(lines.size() - 1), r.describe());
        for (String config : List.of("magazine 0: ", "magazine 8: ", "magazine 64: ",
                "magazine 0, debug: ", "magazine 8, debug: ")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(config)), r.describe());
        }
    }
}

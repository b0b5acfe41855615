package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * An allocator the caller no longer references may be collected while one of its calls runs:
 * every public method keeps it reachable until its last touch of native memory, and every view
 * keeps its memory. {@link DroppedAllocatorMain} runs each call on dropped allocators with 32 MiB
 * slots while a thread loops {@code System.gc()}, in a child JVM, so that a crash fails this test.
 */
class DroppedAllocatorTest {
    @Test
    void noCallOfADroppedAllocatorCrashes() throws Exception {
        ChildJvm.Result r = new ChildJvm(DroppedAllocatorMain.class).jvmArgs("-Xmx64m").timeout(120)
                .run("3");
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().endsWith("ok" + System.lineSeparator()), r.describe());
        for (String scenario : DroppedAllocatorMain.scenarios().keySet()) {
            for (String mode : DroppedAllocatorMain.isDebugScenario(scenario)
                    ? new String[] {"", ", debug"} : new String[] {""}) {
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith(scenario + mode + ": ")),
                        scenario + mode + " never ran: " + r.describe());
            }
        }
    }
}

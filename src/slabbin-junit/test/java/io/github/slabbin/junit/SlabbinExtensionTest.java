package io.github.slabbin.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.github.slabbin.SlabAllocator;
import io.github.slabbin.junit.examples.QsortExampleTest;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * {@link SlabbinExtension} seen from the outside: each case runs fixtures of
 * {@link ExtensionFixtures} through the JUnit Platform's EngineTestKit and checks their outcome,
 * their failure messages and, through the fixtures' static hooks, their allocators.
 */
class SlabbinExtensionTest {
    private static final String NL = System.lineSeparator();

    @BeforeEach
    void clearHooks() {
        ExtensionFixtures.clear();
    }

    @Test
    void aLeakingTestFailsWithTheLeakedSlotsAndTheirCallSites() {
        Throwable t = onlyFailure(run(ExtensionFixtures.Leaking.class).testEvents());

        assertInstanceOf(AssertionFailedError.class, t);
        List<Long> a = ExtensionFixtures.ADDRESSES;
        String leaks = ExtensionFixtures.class.getName() + "$Leaking.leaks(ExtensionFixtures.java:";
        String[] lines = t.getMessage().split(NL);
        assertEquals("2 slots still allocated at the end of test Leaking.leaks() (leaked) from"
                + " SlabAllocator[size=16 B, alignment=8 B, stride=16 B, slabCapacity=4096]"
                + " debug, parameter \"slab\" of leaks:", lines[0]);
        assertEquals(String.format("  slot 0x%x (allocation #1) allocated at", a.get(0)), lines[1]);
        assertTrue(lines[2].startsWith("    at " + ExtensionFixtures.class.getName()
                + ".allocate(ExtensionFixtures.java:"), lines[2]);
        assertTrue(lines[3].startsWith("    at " + leaks), lines[3]);
        assertEquals(String.format("  slot 0x%x (allocation #3) allocated at", a.get(2)), lines[4]);
        assertTrue(lines[6].startsWith("    at " + leaks), lines[6]);
        assertEquals("Free every slot before the end, or allow leaks with"
                + " @Slots(allowLeaks = true).", lines[7]);
        assertEquals(8, lines.length, "the test's frames only: " + t.getMessage());
        assertTrue(ExtensionFixtures.SEEN.get(0).isClosed());
    }

    @Test
    void aCleanTestPassesAndPublishesItsPeak() {
        assertPassesWithReport(ExtensionFixtures.Clean.class, "peak live slots 2, slabs reserved 1"
                + " (65536 bytes), live slots at the end 0");
    }

    @Test
    void anAllowedLeakPassesAndIsStillClosed() {
        assertPassesWithReport(ExtensionFixtures.AllowedLeak.class, "peak live slots 1, slabs"
                + " reserved 1 (65536 bytes), live slots at the end 1");
    }

    /** The fixture's one test passes, publishes this report entry, and its allocator is closed. */
    private static void assertPassesWithReport(Class<?> fixture, String report) {
        EngineExecutionResults r = run(fixture);

        r.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertEquals(List.of(Map.of("slabbin.slab", report)), reports(r));
        assertTrue(ExtensionFixtures.SEEN.get(0).isClosed());
    }

    @Test
    void aThrowingTestKeepsItsExceptionAndIsClosed() {
        Throwable t = onlyFailure(run(ExtensionFixtures.Throwing.class).testEvents());

        assertInstanceOf(IllegalStateException.class, t);
        assertEquals("the code under test failed", t.getMessage());
        assertEquals(1, t.getSuppressed().length, "the leak, as a suppressed failure");
        String leak = t.getSuppressed()[0].getMessage();
        assertTrue(leak.startsWith("1 slot still allocated at the end of test"
                + " Throwing.throwsWithASlotAllocated()"), leak);
        assertTrue(ExtensionFixtures.SEEN.get(0).isClosed());
    }

    @Test
    void anAbortedTestIsClosedWithoutALeakCheck() {
        Events tests = run(ExtensionFixtures.Aborted.class).testEvents();

        tests.assertStatistics(s -> s.started(1).aborted(1).failed(0));
        Throwable t = tests.aborted().list().get(0).getRequiredPayload(TestExecutionResult.class)
                .getThrowable().orElseThrow();
        assertInstanceOf(TestAbortedException.class, t);
        assertEquals(0, t.getSuppressed().length);
        assertTrue(ExtensionFixtures.SEEN.get(0).isClosed());
    }

    @Test
    void aDoubleFreeFailsTheTestWithTheSlotAndBothCallSites() {
        Throwable t = onlyFailure(run(ExtensionFixtures.DoubleFree.class).testEvents());

        long a = ExtensionFixtures.ADDRESSES.get(0);
        assertInstanceOf(IllegalArgumentException.class, t);
        String at = ExtensionFixtures.class.getName();
        assertTrue(t.getMessage().startsWith(String.format("0x%x is not a live slot of", a)),
                t.getMessage());
        assertTrue(t.getMessage().contains("double free (the slot is not allocated); allocated at "
                + at + ".allocate(ExtensionFixtures.java:"), t.getMessage());
        assertTrue(t.getMessage().contains("), freed at " + at
                + "$DoubleFree.freesTwice("), t.getMessage());
        assertEquals(2, t.getSuppressed().length, "the allocation and free stacks");
        assertTrue(ExtensionFixtures.SEEN.get(0).isClosed());
    }

    @Test
    void aWriteAfterFreeRunIntoByTheTestFailsItThere() {
        Throwable t = onlyFailure(run(ExtensionFixtures.WriteAfterFreeCaughtInTest.class)
                .testEvents());

        assertInstanceOf(IllegalStateException.class, t);
        assertTrue(t.getMessage().contains(String.format("slot 0x%x was written after it was"
                + " freed (first damaged byte at offset 9)", ExtensionFixtures.ADDRESSES.get(0))),
                t.getMessage());
        assertTrue(ExtensionFixtures.SEEN.get(0).isClosed());
    }

    @Test
    void aWriteAfterFreeNobodyRanIntoIsFoundAtTheEnd() {
        Throwable t = onlyFailure(run(ExtensionFixtures.WriteAfterFreeFoundAtTheEnd.class)
                .testEvents());

        assertInstanceOf(AssertionFailedError.class, t);
        String m = t.getMessage();
        assertTrue(m.startsWith("use after free found at the end of test"
                + " WriteAfterFreeFoundAtTheEnd.writesAndLeaves() in SlabAllocator[size=16 B,"
                + " alignment=8 B, stride=16 B, slabCapacity=4096] debug magazine=8, parameter"
                + " \"slab\" of writesAndLeaves: use after free detected in "), m);
        assertTrue(m.contains(String.format("slot 0x%x was written after it was freed (first"
                + " damaged byte at offset 12); allocated at ",
                ExtensionFixtures.ADDRESSES.get(0))), m);
        assertTrue(m.contains(", freed at " + ExtensionFixtures.class.getName()
                + "$WriteAfterFreeFoundAtTheEnd.writesAndLeaves("), m);
        assertInstanceOf(IllegalStateException.class, t.getCause());
        assertTrue(ExtensionFixtures.SEEN.get(0).isClosed());
    }

    @Test
    void lifecycleMethodsShareTheTestsAllocatorWhenTheirSlotsAreEqual() {
        EngineExecutionResults r = run(ExtensionFixtures.BeforeEachShares.class);

        Throwable t = onlyFailure(r.testEvents());
        assertTrue(t.getMessage().startsWith("1 slot still allocated at the end of test"
                + " BeforeEachShares.usesIt()"), t.getMessage());
        assertTrue(t.getMessage().contains("$BeforeEachShares.prepare("), t.getMessage());
        List<SlabAllocator> seen = ExtensionFixtures.SEEN;
        assertNotSame(seen.get(0), seen.get(1));
        assertTrue(seen.get(0).isClosed() && seen.get(1).isClosed());
    }

    @Test
    void perClassAllocatorsLiveThroughTheClassAndAreCheckedAtItsEnd() {
        EngineExecutionResults r = run(ExtensionFixtures.PerClass.class);

        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        Throwable t = onlyFailure(r.containerEvents());
        assertInstanceOf(AssertionFailedError.class, t);
        assertTrue(t.getMessage().startsWith("1 slot still allocated at the end of class PerClass"
                + " (leaked) from SlabAllocator[size=32 B"), t.getMessage());
        assertTrue(t.getMessage().contains(String.format("slot 0x%x (allocation #1)",
                ExtensionFixtures.ADDRESSES.get(0))), t.getMessage());
        assertTrue(t.getMessage().contains("$PerClass.setUp("), t.getMessage());
        List<SlabAllocator> seen = ExtensionFixtures.SEEN;
        assertEquals(2, seen.size());
        assertNotSame(seen.get(0), seen.get(1), "a test parameter gets the test's own allocator");
        assertTrue(seen.get(0).isClosed() && seen.get(1).isClosed());
    }

    @Test
    void anUnannotatedParameterIsAResolutionError() {
        Throwable t = onlyFailure(run(ExtensionFixtures.Unannotated.class).testEvents());

        assertInstanceOf(ParameterResolutionException.class, t);
        assertEquals("SlabAllocator parameter \"slab\" of noSlots needs @Slots with the slot"
                + " layout, e.g. @Slots(size = 24, alignment = 8) or"
                + " @Slots(structure = Point.class)", t.getMessage());
    }

    @Test
    void slotsWithSizeAndStructureAreAResolutionError() {
        Throwable t = onlyFailure(run(ExtensionFixtures.SizeAndStructure.class).testEvents());

        assertInstanceOf(ParameterResolutionException.class, t);
        assertEquals("@Slots of SlabAllocator parameter \"slab\" of both must give exactly one of"
                + " size and structure, got both", t.getMessage());
    }

    @Test
    void aLayoutTheLibraryRefusesIsAResolutionErrorWithItsReason() {
        Throwable t = onlyFailure(run(ExtensionFixtures.BadAlignment.class).testEvents());

        assertInstanceOf(ParameterResolutionException.class, t);
        assertInstanceOf(IllegalArgumentException.class, t.getCause());
        assertEquals("@Slots of SlabAllocator parameter \"slab\" of alignedToThree: "
                + t.getCause().getMessage(), t.getMessage());
    }

    @Test
    void parallelTestsGetTheirOwnAllocatorsConfinedToTheirThreads() {
        EngineExecutionResults r = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy",
                        "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism",
                        "4")
                .selectors(selectClass(ExtensionFixtures.Parallel.class))
                .execute();

        r.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
        Map<SlabAllocator, Thread> threads = ExtensionFixtures.Parallel.THREADS;
        assertEquals(3, threads.size(), "three allocators");
        assertEquals(3, new HashSet<>(threads.values()).size(), "in three threads at once");
        threads.forEach((slab, thread) -> {
            assertSame(thread, slab.owner());
            assertTrue(slab.isClosed());
        });
    }

    @Test
    void theReadmeLeakExampleFailsWithTheQuotedMessage() {
        EngineExecutionResults r = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate",
                        "org.junit.*DisabledCondition")
                .selectors(selectMethod(QsortExampleTest.class, "forgetsToFreeTheProbe",
                        "io.github.slabbin.SlabAllocator,io.github.slabbin.SlabAllocator"))
                .execute();

        Throwable t = onlyFailure(r.testEvents());
        String[] lines = t.getMessage().split(NL);
        assertTrue(lines[0].matches("1 slot still allocated at the end of test"
                + " QsortExampleTest.forgetsToFreeTheProbe\\(\\) \\(leaked\\) from"
                + " SlabAllocator\\[size=8 B, alignment=4 B, stride=8 B, slabCapacity=8192\\]"
                + " debug, parameter \"entries\" of forgetsToFreeTheProbe:"), lines[0]);
        assertTrue(lines[1].matches("  slot 0x[0-9a-f]+ \\(allocation #65\\) allocated at"),
                lines[1]);
        assertTrue(lines[2].startsWith("    at " + QsortExampleTest.class.getName()
                + ".forgetsToFreeTheProbe(QsortExampleTest.java:"), lines[2]);
        assertEquals(4, lines.length, t.getMessage());
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    /** The throwable of the one failed event among these. */
    private static Throwable onlyFailure(Events events) {
        List<Event> failed = events.failed().list();
        assertEquals(1, failed.size(), () -> "one failure, got " + failed);
        return failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable()
                .orElseThrow();
    }

    /** The report entries published, as key-value maps. */
    private static List<Map<String, String>> reports(EngineExecutionResults r) {
        return r.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
                .collect(Collectors.toList());
    }
}

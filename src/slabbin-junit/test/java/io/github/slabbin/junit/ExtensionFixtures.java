package io.github.slabbin.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;


import io.github.slabbin.SlabAllocator;
import io.github.slabbin.junit.examples.Entry;


import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Test classes that {@link SlabbinExtensionTest} runs through the EngineTestKit (nested classes:
 * the build's own test run skips them). Static fields are the hooks through which the kit's test
 * sees the allocators and addresses a fixture had.
 */
final class ExtensionFixtures {
    /** The allocators the fixtures were given, in resolution order. */
    static final List<SlabAllocator> SEEN = new CopyOnWriteArrayList<>();
    /** Addresses the fixtures allocated, in order. */
    static final List<Long> ADDRESSES = new CopyOnWriteArrayList<>();

    private ExtensionFixtures() {
    }

    static void clear() {
        SEEN.clear();
        ADDRESSES.clear();
        Parallel.THREADS.clear();
    }

    private static long allocate(SlabAllocator slab) {
        long a = slab.allocate();
        ADDRESSES.add(a);
        return a;
    }

    static class Leaking {
        @SlabbinTest
        void leaks(@Slots(size = 16) SlabAllocator slab) {
            SEEN.add(slab);
            allocate(slab);
            slab.deallocate(allocate(slab));
            allocate(slab);
        }
    }

    static class Clean {
        @SlabbinTest
        void freesEverything(@Slots(size = 16) SlabAllocator slab) {
            SEEN.add(slab);
            long a = allocate(slab);
            long b = allocate(slab);
            slab.deallocate(a);
            slab.deallocate(b);
        }
    }

    static class AllowedLeak {
        @SlabbinTest
        void leaksOnPurpose(@Slots(size = 16, allowLeaks = true) SlabAllocator slab) {
            SEEN.add(slab);
            allocate(slab);
        }
    }

    static class Throwing {
        @SlabbinTest
        void throwsWithASlotAllocated(@Slots(size = 16) SlabAllocator slab) {
            SEEN.add(slab);
            allocate(slab);
            throw new IllegalStateException("the code under test failed");
        }
    }

    static class Aborted {
        @SlabbinTest
        void assumptionFails(@Slots(size = 16) SlabAllocator slab) {
            SEEN.add(slab);
            allocate(slab);
            assumeTrue(false, "not on this machine");
        }
    }

    static class DoubleFree {
        @SlabbinTest
        void freesTwice(@Slots(size = 16) SlabAllocator slab) {
            SEEN.add(slab);
            long a = allocate(slab);
            slab.deallocate(a);
            slab.deallocate(a);
        }
    }

    static class WriteAfterFreeCaughtInTest {
        @SlabbinTest
        void allocatesTheDamagedSlot(@Slots(size = 16) SlabAllocator slab) {
            SEEN.add(slab);
            long a = allocate(slab);
            ByteBuffer view = slab.buffer(a);
            slab.deallocate(a);
            view.put(9, (byte) 1);
            slab.allocate();
        }
    }

    static class WriteAfterFreeFoundAtTheEnd {
        @SlabbinTest
        void writesAndLeaves(@Slots(size = 16, magazine = 8) SlabAllocator slab) {
            SEEN.add(slab);
            long a = allocate(slab);
            long b = allocate(slab);
            ByteBuffer view = slab.buffer(a);
            slab.deallocate(a);
            slab.deallocate(b);
            view.put(12, (byte) 1);
        }
    }

    /** Lifecycle methods and the test share an allocator when their annotations are equal. */
    static class BeforeEachShares {
        private SlabAllocator fromBeforeEach;
        private long prepared;

        @BeforeEach
        void prepare(@Slots(size = 16) SlabAllocator slab) {
            fromBeforeEach = slab;
            prepared = allocate(slab);
        }

        @SlabbinTest
        void usesIt(@Slots(size = 16) SlabAllocator slab, @Slots(size = 32) SlabAllocator other) {
            SEEN.add(slab);
            SEEN.add(other);
            assertSame(fromBeforeEach, slab);
            assertEquals(32, other.layout().size());
            assertTrue(slab.isAllocated(prepared));
        }
    }

    @ExtendWith(SlabbinExtension.class)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClass {
        private final SlabAllocator shared;

        PerClass(@Slots(size = 32) SlabAllocator shared) {
            this.shared = shared;
            SEEN.add(shared);
        }

        @BeforeAll
        void setUp(@Slots(size = 32) SlabAllocator same) {
            assertSame(shared, same);
            allocate(same);                           // never freed: the class leaks it
        }

        @Test
        void first(@Slots(size = 32) SlabAllocator perTest) {
            SEEN.add(perTest);
            assertTrue(shared.isAllocated(ADDRESSES.get(0)));
            slabStillOpen();
        }

        @Test
        void second() {
            slabStillOpen();
        }

        private void slabStillOpen() {
            assertTrue(!shared.isClosed(), "the class-scope allocator is open during the tests");
        }
    }

    static class Unannotated {
        @SlabbinTest
        void noSlots(SlabAllocator slab) {
        }
    }

    static class SizeAndStructure {
        @SlabbinTest
        void both(@Slots(size = 8, structure = Entry.class) SlabAllocator slab) {
        }
    }

    static class BadAlignment {
        @SlabbinTest
        void alignedToThree(@Slots(size = 8, alignment = 3) SlabAllocator slab) {
        }
    }

    /** Three tests that must all run at once; each sees only its own allocator. */
    @Execution(ExecutionMode.CONCURRENT)
    static class Parallel {
        static final int TESTS = 3;
        static final Map<SlabAllocator, Thread> THREADS = new ConcurrentHashMap<>();
        private static final CyclicBarrier ALL_RUNNING = new CyclicBarrier(TESTS);

        @SlabbinTest
        void a(@Slots(size = 16) SlabAllocator slab) throws Exception {
            run(slab, 1);
        }

        @SlabbinTest
        void b(@Slots(size = 16) SlabAllocator slab) throws Exception {
            run(slab, 2);
        }

        @SlabbinTest
        void c(@Slots(size = 16) SlabAllocator slab) throws Exception {
            run(slab, 3);
        }

        private static void run(SlabAllocator slab, long id) throws Exception {
            SEEN.add(slab);
            THREADS.put(slab, Thread.currentThread());
            long a = slab.allocate();
            slab.buffer(a).putLong(0, id);
            ALL_RUNNING.await(30, TimeUnit.SECONDS);
            for (SlabAllocator other : THREADS.keySet()) {
                if (other != slab) {
                    IllegalStateException e = assertThrows(IllegalStateException.class,
                            other::allocate);
                    assertTrue(e.getMessage().contains("is confined to thread"), e.getMessage());
                }
            }
            assertEquals(id, slab.buffer(a).getLong(0));
            slab.deallocate(a);
        }
    }
}

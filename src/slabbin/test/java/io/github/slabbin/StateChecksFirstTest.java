package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The state checks (closed, owner thread) come before any argument check in every method: a call
 * with bad arguments from the wrong thread, or after close, is an {@link IllegalStateException},
 * never the argument's exception.
 */
class StateChecksFirstTest {
    private static final SlotLayout L = SlotLayout.of(24, 8);

    /** Every public instance method but close, isClosed, owner and toString, each with bad arguments. */
    private static Map<String, Executable> badCalls(SlabAllocator a) {
        Map<String, Executable> m = new LinkedHashMap<>();
        m.put("allocate()", a::allocate);
        m.put("allocateZeroed()", a::allocateZeroed);
        m.put("deallocate(long)", () -> a.deallocate(0));
        m.put("allocate(long[],int,int)", () -> a.allocate(new long[2], 1, 5));
        m.put("allocate(long[],int,int) null", () -> a.allocate(null, 0, 1));
        m.put("deallocate(long[],int,int)", () -> a.deallocate(new long[] {0, 1}, -1, 1));
        m.put("deallocate(long[],int,int) bad address", () -> a.deallocate(new long[] {8}, 0, 1));
        m.put("deallocate(long[],int,int) null", () -> a.deallocate(null, 0, 1));
        m.put("isAllocated(long)", () -> a.isAllocated(-1));
        m.put("reset()", a::reset);
        m.put("trim()", a::trim);
        m.put("stats()", a::stats);
        m.put("layout()", a::layout);
        m.put("slabCapacity()", a::slabCapacity);
        m.put("isChecked()", a::isChecked);
        m.put("nativeHandle()", a::nativeHandle);
        m.put("isDebug()", a::isDebug);
        m.put("debugLiveSlots()", a::debugLiveSlots);
        m.put("pointer(long)", () -> a.pointer(0));
        m.put("buffer(long)", () -> a.buffer(Long.MIN_VALUE));
        m.put("structureAt(java.lang.Class,long)",
                () -> a.structureAt(SlabAllocatorApiTest.Big.class, 1));
        m.put("structureAt(java.lang.Class,long) null", () -> a.structureAt(null, 1));
        return m;
    }

    /** Every public instance method of SlabAllocator is in {@link #badCalls}. */
    @Test
    void everyPublicMethodIsCovered() {
        Set<String> exempt = Set.of("close()", "isClosed()", "owner()", "toString()");
        Set<String> declared = Arrays.stream(SlabAllocator.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers())
                        && !Modifier.isStatic(m.getModifiers()))
                .map(StateChecksFirstTest::signature)
                .filter(s -> !exempt.contains(s))
                .collect(Collectors.toCollection(TreeSet::new));
        try (SlabAllocator a = SlabAllocator.create(L, 4)) {
            Set<String> covered = badCalls(a).keySet().stream()
                    .map(k -> k.split(" ")[0])
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(declared, covered);
        }
    }

    private static String signature(Method m) {
        return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    @Test
    void fromAnotherThreadEveryBadCallIsAStateFailure() throws InterruptedException {
        for (int magazine : new int[] {0, 8}) {
            try (SlabAllocator a = SlabAllocator.builder(L).slabCapacity(4).magazine(magazine)
                    .build()) {
                long x = a.allocate();
                SlabStats before = a.stats();
                for (Map.Entry<String, Executable> c : badCalls(a).entrySet()) {
                    AtomicReference<Throwable> thrown = new AtomicReference<>();
                    Thread t = new Thread(() -> {
                        try {
                            c.getValue().execute();
                        } catch (Throwable e) {
                            thrown.set(e);
                        }
                    }, "intruder");
                    t.start();
                    t.join();
                    Throwable e = thrown.get();
                    assertNotNull(e, c.getKey());
                    assertSame(IllegalStateException.class, e.getClass(), c.getKey() + ": " + e);
                    assertTrue(e.getMessage().contains("confined to thread \""
                            + Thread.currentThread().getName() + "\"")
                            && e.getMessage().contains("\"intruder\""), e.getMessage());
                }
                Thread intruder = new Thread(() -> {
                    try {
                        a.close();
                    } catch (IllegalStateException e) {
                        // expected; the assertions below check that nothing happened
                    }
                }, "intruder");
                intruder.start();
                intruder.join();
                assertTrue(!a.isClosed(), "close from another thread did nothing");
                assertEquals(before, a.stats(), "nothing changed");
                assertTrue(a.isAllocated(x));
                assertEquals(x + L.stride(), a.allocate(), "the next slot, as before");
            }
        }
    }

    @Test
    void afterCloseEveryBadCallIsAStateFailure() {
        for (int magazine : new int[] {0, 8}) {
            SlabAllocator a = SlabAllocator.builder(L).slabCapacity(4).magazine(magazine).build();
            a.allocate();
            a.close();
            a.close();
            assertTrue(a.isClosed());
            assertSame(Thread.currentThread(), a.owner());
            assertTrue(a.toString().endsWith(" (closed)"), a.toString());
            for (Map.Entry<String, Executable> c : badCalls(a).entrySet()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, c.getValue(),
                        c.getKey());
                assertEquals(a + " is closed", e.getMessage(), c.getKey());
                assertTrue(a.toString().startsWith("SlabAllocator[size=24 B"), a.toString());
            }
        }
    }

    /** The same calls from the owner of an open allocator get their argument's exception. */
    @Test
    void fromTheOwnerTheArgumentsAreChecked() {
        try (SlabAllocator a = SlabAllocator.create(L, 4)) {
            Map<String, Executable> calls = badCalls(a);
            assertThrows(IndexOutOfBoundsException.class, calls.get("allocate(long[],int,int)"));
            assertThrows(NullPointerException.class, calls.get("allocate(long[],int,int) null"));
            assertThrows(IndexOutOfBoundsException.class,
                    calls.get("deallocate(long[],int,int)"));
            assertThrows(IllegalArgumentException.class,
                    calls.get("deallocate(long[],int,int) bad address"));
            assertThrows(IllegalArgumentException.class, calls.get("deallocate(long)"));
            assertThrows(IllegalArgumentException.class, calls.get("pointer(long)"));
            assertThrows(IllegalArgumentException.class, calls.get("buffer(long)"));
            assertThrows(IllegalArgumentException.class,
                    calls.get("structureAt(java.lang.Class,long)"));
            assertEquals(0, a.stats().liveSlots());
        }
    }
}

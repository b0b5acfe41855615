package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared mode under load: many threads allocating and freeing at random, slots freed on other
 * threads, {@code close()} racing running threads, and threads that end holding full magazines.
 * Every test is bounded in time ({@link Timeout}).
 */
class SharedStressTest {
    private static final SlotLayout LAYOUT = SlotLayout.of(16, 8);
    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 1_000_000;
    /** Live slots a thread keeps at most before it only frees. */
    private static final int MAX_LIVE = 512;

    /** A live slot and the stamp its allocating thread wrote into it. */
    private record Stamped(long address, long owner, long sequence) {
        static Stamped write(long address, long owner, long sequence) {
            Pointer p = new Pointer(address);
            p.setLong(0, owner);
            p.setLong(8, sequence);
            return new Stamped(address, owner, sequence);
        }

        /** Whether the slot still holds its stamp (another holder would have overwritten it). */
        boolean intact() {
            Pointer p = new Pointer(address);
            return p.getLong(0) == owner && p.getLong(8) == sequence;
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void eightThreadsOfRandomOpsWithCrossThreadFreesLoseAndShareNoSlot() throws Exception {
        long seed = Long.getLong("slabbin.stress.seed", new Random().nextLong());
        SlabAllocator a = SlabAllocator.builder(LAYOUT).slabCapacity(1024)
                .initialSlabCapacity(16).magazine(32).shared(true).build();
        List<ConcurrentLinkedQueue<Stamped>> inboxes = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            inboxes.add(new ConcurrentLinkedQueue<>());
        }
        AtomicLong allocations = new AtomicLong();
        AtomicLong frees = new AtomicLong();
        AtomicLong clashes = new AtomicLong();
        AtomicLong crossFrees = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[THREADS];
        long start = System.nanoTime();
        for (int i = 0; i < THREADS; i++) {
            int me = i;
            ts[i] = new Thread(() -> {
                try {
                    go.await();
                    SplittableRandom rnd = new SplittableRandom(seed + me);
                    List<Stamped> live = new ArrayList<>();
                    long sequence = 0;
                    long allocated = 0;
                    long freed = 0;
                    long clash = 0;
                    long cross = 0;
                    for (int op = 0; op < OPS_PER_THREAD; op++) {
                        Stamped in = inboxes.get(me).poll();
                        if (in != null) {                       // a slot of another thread
                            clash += in.intact() ? 0 : 1;
                            a.deallocate(in.address());
                            freed++;
                            cross++;
                        } else if (live.isEmpty() || live.size() < MAX_LIVE && rnd.nextBoolean()) {
                            live.add(Stamped.write(a.allocate(), me, ++sequence));
                            allocated++;
                        } else {
                            int k = rnd.nextInt(live.size());
                            Stamped s = live.get(k);
                            live.set(k, live.get(live.size() - 1));
                            live.remove(live.size() - 1);
                            if (rnd.nextInt(4) == 0) {          // hand it to another thread
                                inboxes.get((me + 1 + rnd.nextInt(THREADS - 1)) % THREADS)
                                        .add(s);
                                op--;                           // not an allocator call
                            } else {
                                clash += s.intact() ? 0 : 1;
                                a.deallocate(s.address());
                                freed++;
                            }
                        }
                    }
                    for (Stamped s : live) {
                        clash += s.intact() ? 0 : 1;
                        a.deallocate(s.address());
                        freed++;
                    }
                    allocations.addAndGet(allocated);
                    frees.addAndGet(freed);
                    clashes.addAndGet(clash);
                    crossFrees.addAndGet(cross);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stress-" + i);
            ts[i].start();
        }
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertNull(failure.get(), () -> "seed " + seed + ": " + failure.get());
        long left = 0;
        for (ConcurrentLinkedQueue<Stamped> q : inboxes) {     // handed over after their end
            for (Stamped s : q) {
                clashes.addAndGet(s.intact() ? 0 : 1);
                a.deallocate(s.address());
                left++;
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("shared stress: %d threads, %d calls, %d allocations, %d cross-thread"
                + " frees, %d ms, seed %d%n", THREADS, allocations.get() + frees.get() + left,
                allocations.get(), crossFrees.get() + left, seconds, seed);
        assertEquals(0, clashes.get(), "clashes, seed " + seed);
        assertEquals(allocations.get(), frees.get() + left, "lost slots, seed " + seed);
        assertTrue(crossFrees.get() > 0);
        SlabStats st = a.stats();
        assertEquals(0, st.liveSlots(), "seed " + seed);
        assertTrue(a.trim() > 0);
        st = a.stats();
        assertEquals(0, st.slabCount(), "seed " + seed);
        assertEquals(0, st.reservedBytes());
        assertEquals(0, st.magazineSlots());
        a.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void closeRacingRunningThreadsMakesThemThrowAndNeverCrashes() throws Exception {
        for (int round = 0; round < 40; round++) {
            SlabAllocator a = SlabAllocator.builder(LAYOUT).slabCapacity(64).magazine(8)
                    .shared(true).build();
            int threads = 4;
            AtomicReference<Throwable> wrong = new AtomicReference<>();
            AtomicLong stopped = new AtomicLong();
            CountDownLatch running = new CountDownLatch(threads);
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                int me = i;
                ts[i] = new Thread(() -> {
                    List<Long> live = new ArrayList<>();
                    SplittableRandom rnd = new SplittableRandom(me);
                    running.countDown();
                    try {
                        for (long n = 0; ; n++) {
                            // No write to slot memory here: once close() may have begun,
                            // a slot must not be touched (the slabs go when it returns). The
                            // allocator's own write, allocateZeroed, is the one raced.
                            if (live.size() < 100 && rnd.nextBoolean()) {
                                live.add(a.allocateZeroed());
                            } else if (!live.isEmpty()) {
                                a.deallocate(live.remove(live.size() - 1));
                            }
                            if (me == 0 && n % 1000 == 0) {
                                a.stats();
                                a.trim();
                            }
                        }
                    } catch (IllegalStateException e) {
                        if (e.getMessage().equals(a + " is closed")) {
                            stopped.incrementAndGet();
                        } else {
                            wrong.compareAndSet(null, e);
                        }
                    } catch (Throwable e) {
                        wrong.compareAndSet(null, e);
                    }
                });
                ts[i].start();
            }
            running.await();
            Thread.sleep(round % 5);
            a.close();
            for (Thread t : ts) {
                t.join();
            }
            assertNull(wrong.get());
            assertEquals(threads, stopped.get());
            assertTrue(a.isClosed());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void resetRacingRunningThreadsStrandsAndDuplicatesNothing() throws Exception {
        try (SlabAllocator a = SlabAllocator.builder(LAYOUT).slabCapacity(64).magazine(8)
                .shared(true).build()) {
            java.util.concurrent.atomic.AtomicBoolean stop =
                    new java.util.concurrent.atomic.AtomicBoolean();
            AtomicLong refusedAfterReset = new AtomicLong();
            AtomicReference<Throwable> wrong = new AtomicReference<>();
            Thread[] ts = new Thread[4];
            for (int i = 0; i < ts.length; i++) {
                int me = i;
                ts[i] = new Thread(() -> {
                    List<Long> live = new ArrayList<>();
                    SplittableRandom rnd = new SplittableRandom(me);
                    try {
                        while (!stop.get()) {
                            if (live.size() < 50 && rnd.nextBoolean()) {
                                live.add(a.allocate());
                            } else if (!live.isEmpty()) {
                                try {
                                    a.deallocate(live.remove(live.size() - 1));
                                } catch (IllegalArgumentException e) {
                                    // a slot the reset freed: refused as a double free
                                    if (!e.getMessage().endsWith(Failures.reason(
                                            SlabbinNative.EDOUBLEFREE))) {
                                        throw e;
                                    }
                                    refusedAfterReset.incrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        wrong.compareAndSet(null, e);
                    }
                });
                ts[i].start();
            }
            for (int r = 0; r < 200; r++) {
                Thread.sleep(1);
                a.reset();
            }
            stop.set(true);
            for (Thread t : ts) {
                t.join();
            }
            assertNull(wrong.get());
            assertTrue(refusedAfterReset.get() > 0);
            a.reset();
            SlabStats st = a.stats();
            assertEquals(0, st.liveSlots());
            assertEquals(0, st.magazineSlots());
            // Every slot is free in the slabs again: a full batch takes them all, no duplicate.
            long[] all = new long[(int) st.reservedSlots()];
            a.allocate(all, 0, all.length);
            assertEquals(all.length, java.util.Arrays.stream(all).distinct().count());
            assertEquals(st.slabCount(), a.stats().slabCount());
            a.deallocate(all, 0, all.length);
            a.trim();
            assertEquals(0, a.stats().reservedBytes());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void threadsEndingWithFullMagazinesStrandNoSlot() throws Exception {
        int rounds = 32;
        try (SlabAllocator a = SlabAllocator.builder(LAYOUT).slabCapacity(256).magazine(rounds)
                .shared(true).build()) {
            // Each thread frees more than it allocated from its own refill: both its magazines
            // end full and the depot gets the rest.
            TestSupport.runThreads(8,
                    me -> TestSupport.allocateN(a, 3 * rounds).forEach(a::deallocate));
            SlabStats st = a.stats();
            assertEquals(0, st.liveSlots());
            // Each ended thread's pair holds at least one full magazine; the depot keeps a few
            // more full ones and returned the rest to the slabs.
            assertTrue(st.magazineSlots() >= 8L * rounds, st.toString());
            assertTrue(st.magazineSlots() <= 8L * 2 * rounds + SharedSlabs.maxFull() * rounds,
                    st.toString());
            assertEquals(st.reservedBytes(), a.trim());
            st = a.stats();
            assertEquals(0, st.magazineSlots());
            assertEquals(0, st.slabCount());
            // Beyond the bound on pairs, the ended threads' pairs give their slots back to the
            // slabs when new threads arrive, one thread after the other.
            for (int i = 0; i < 100; i++) {
                TestSupport.runThreads(1,
                        me -> TestSupport.allocateN(a, 2 * rounds).forEach(a::deallocate));
            }
            st = a.stats();
            int maxPairs = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
            assertTrue(st.magazineSlots() <= 2L * rounds * (maxPairs + 1)
                    + SharedSlabs.maxFull() * (long) rounds, st.toString());
            assertEquals(0, st.liveSlots());
            a.trim();
            assertEquals(0, a.stats().reservedBytes());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void virtualThreadsShareStripedMagazines() throws Exception {
        Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException e) {
            Assumptions.abort("virtual threads need JDK 21+; running on "
                    + Runtime.version());
            return;
        }
        Object builder = ofVirtual.invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start",
                Runnable.class);
        try (SlabAllocator a = SlabAllocator.builder(LAYOUT).slabCapacity(256).magazine(16)
                .shared(true).build()) {
            List<Thread> ts = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int i = 0; i < 10_000; i++) {
                ts.add((Thread) start.invoke(builder, (Runnable) () -> {
                    try {
                        TestSupport.allocateN(a, 3).forEach(a::deallocate);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertNull(failure.get());
            SlabStats st = a.stats();
            assertEquals(0, st.liveSlots());
            // No virtual thread has a pair: only the stripes (2 magazines each) and the depot.
            int cpus = Runtime.getRuntime().availableProcessors();
            assertTrue(st.magazineSlots() <= 16L * (2 * cpus + SharedSlabs.maxFull()),
                    st.toString());
            a.trim();
            assertEquals(0, a.stats().reservedBytes());
        }
    }
}

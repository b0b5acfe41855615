package io.github.slabbin.junit;

import io.github.slabbin.LiveSlot;
import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlabStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * The allocators of one scope (a test, or a test class), by their {@link Slots} annotation:
 * parameters with equal annotations share an allocator. {@link #finish} checks and closes them at
 * the end of the scope; {@link #close()} (the extension store's clean-up) closes whatever is still
 * open, so an allocator is closed even when the end-of-scope callback never ran.
 *
 * <p>Synchronized: a class scope can be reached from the threads of several tests.
 */
final class ScopedAllocators implements AutoCloseable {
    /** One allocator and the parameter it was first resolved for. */
    private static final class Entry {
        final SlabAllocator allocator;
        final Slots slots;
        /** E.g. {@code parameter "slab" of leaks}. */
        final String parameter;
        /** E.g. {@code slab}, for the report entry's key. */
        final String name;

        Entry(SlabAllocator allocator, Slots slots, String parameter, String name) {
            this.allocator = allocator;
            this.slots = slots;
            this.parameter = parameter;
            this.name = name;
        }
    }

    /** E.g. "the end of test QsortExample.leaks()". */
    private final String end;
    /** In the order of first resolution. Invariant: every allocator is one this scope built. */
    private final Map<Slots, Entry> entries = new LinkedHashMap<>();

    ScopedAllocators(String end) {
        this.end = end;
    }

    /** The scope's allocator for {@code slots}, built by {@code build} on first use. */
    synchronized SlabAllocator get(Slots slots, String parameter, String name,
                                   Supplier<SlabAllocator> build) {
        Entry e = entries.get(slots);
        if (e == null) {
            e = new Entry(build.get(), slots, parameter, name);
            entries.put(slots, e);
        }
        return e.allocator;
    }

    /**
     * The end of the scope: for every allocator still open, publishes its statistics, then (if
     * {@code check}) fails on leaked slots unless allowed and on a use after free found by
     * {@link UseAfterFreeScan}, frees the slots still allocated (reported or allowed, so the
     * allocator's own leak log at close stays quiet) and closes it whatever happened.
     *
     * @param check  false when the scope was aborted: only the statistics and the close
     * @param report where the statistics go (key, value)
     * @return the failures, first one first; empty if none
     */
    synchronized List<Throwable> finish(boolean check, BiConsumer<String, String> report) {
        List<Throwable> failures = new ArrayList<>();
        for (Entry e : entries.values()) {
            SlabAllocator a = e.allocator;
            if (a.isClosed()) {
                continue;                         // closed by the test itself: nothing to check
            }
            if (Thread.currentThread() != a.owner()) {
                failures.add(new AssertionFailedError("cannot check or close " + a + ", "
                        + e.parameter + ", at " + end + ": it is confined to thread \""
                        + a.owner().getName() + "\" and the end ran in thread \""
                        + Thread.currentThread().getName() + "\""));
                continue;
            }
            try {
                String described = a.toString();
                SlabStats s = a.stats();
                report.accept("slabbin." + e.name, "peak live slots " + s.peakLiveSlots()
                        + ", slabs reserved " + s.slabCount() + " (" + s.reservedBytes()
                        + " bytes), live slots at the end " + s.liveSlots());
                List<LiveSlot> live = a.debugLiveSlots();
                if (check) {
                    if (!live.isEmpty() && !e.slots.allowLeaks()) {
                        failures.add(new AssertionFailedError(
                                LeakMessage.of(end, e.parameter, described, live)));
                    }
                    IllegalStateException uaf = UseAfterFreeScan.scan(a, e.slots.magazine());
                    if (uaf != null) {
                        failures.add(new AssertionFailedError("use after free found at " + end
                                + " in " + described + ", " + e.parameter + ": "
                                + uaf.getMessage(), uaf));
                    }
                }
                // Reported above (or allowed): freed, so that close() does not log them again.
                long[] addresses = live.stream().mapToLong(LiveSlot::address).toArray();
                a.deallocate(addresses, 0, addresses.length);
            } catch (RuntimeException ex) {
                failures.add(ex);
            } finally {
                a.close();
            }
        }
        return failures;
    }

    /** Closes every allocator still open that this thread may close. */
    @Override
    public synchronized void close() {
        for (Entry e : entries.values()) {
            if (Thread.currentThread() == e.allocator.owner()) {
                e.allocator.close();
            }
        }
    }
}

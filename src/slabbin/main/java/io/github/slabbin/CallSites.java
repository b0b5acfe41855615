package io.github.slabbin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Debug mode's table of call sites: for every slot handed out, where it was allocated and, once
 * freed, where it was freed first, as LWJGL's debug allocator records them. A slot's record lives
 * from its allocation until it is allocated again or its slab is released. It feeds the
 * double-free and use-after-free messages, {@link SlabAllocator#debugLiveSlots()} and the leak
 * reports at {@code close()} and in the Cleaner, which is why the Cleaner's state holds this table
 * (and never the allocator).
 *
 * <p>Written by the allocator's owner thread, or (shared mode) by any thread under the
 * {@link SerialSlabs} lock, which orders the records as the core's calls; read by the Cleaner
 * once the allocator is unreachable. Every method is synchronized, so a reader on another
 * thread ({@link SlabAllocator#debugLiveSlots()} of a shared allocator) sees a consistent table.
 */
final class CallSites {
    /** Leaked slots a report shows with their stacks. */
    static final int REPORTED_LEAKS = 5;
    /** Frames a report shows of each stack. */
    static final int REPORTED_FRAMES = 12;

    /**
     * The stack of a thread at an allocation or a free, captured by the constructor
     * ({@link Throwable#fillInStackTrace()}, which defers decoding the frames until they are
     * asked for). Attached to exceptions as a suppressed exception, it prints as "slot 0x...
     * allocated here" followed by the stack.
     */
    static final class Site extends Throwable {
        private static final long serialVersionUID = 1L;
        /** What happened here, e.g. "allocated here". */
        private final String what;
        /** The slot, or 0 for a site shared by several slots (a batch, a reset). */
        private final long address;
        private transient boolean trimmed;

        /** A site of one slot; the message is formatted only if it is asked for. */
        Site(long address, String what) {
            this.address = address;
            this.what = what;
        }

        /** A site shared by several slots. */
        Site(String what) {
            this(0, what);
        }

        @Override
        public String getMessage() {
            return address == 0 ? what : String.format("slot 0x%x %s", address, what);
        }

        /** The frames outside slabbin's allocator, innermost first; removes the others once. */
        List<StackTraceElement> frames() {
            if (!trimmed) {
                StackTraceElement[] all = getStackTrace();
                int i = 0;
                while (i < all.length && isOwn(all[i])) {
                    i++;
                }
                setStackTrace(Arrays.copyOfRange(all, i, all.length));
                trimmed = true;
            }
            return Arrays.asList(getStackTrace());
        }

        /** The innermost frame outside slabbin's allocator, or "?" if there is none. */
        String top() {
            List<StackTraceElement> f = frames();
            return f.isEmpty() ? "?" : f.get(0).toString();
        }

        private static boolean isOwn(StackTraceElement e) {
            String c = e.getClassName();
            return c.equals(SlabAllocator.class.getName()) || c.equals(Magazine.class.getName())
                    || c.equals(SerialSlabs.class.getName())
                    || c.startsWith(CallSites.class.getName());
        }
    }

    /** One slot's history: its allocation (number and stack) and, once freed, its first free. */
    private static final class Record {
        final long serial;
        final Site allocated;
        Site freed;

        Record(long serial, Site allocated) {
            this.serial = serial;
            this.allocated = allocated;
        }
    }

    /**
     * Records by slot address, in allocation order (a slot allocated again moves to the end).
     * Invariant: {@code live} is the number of records with {@code freed == null}.
     */
    private final Map<Long, Record> records = new LinkedHashMap<>();
    private int live;
    /** The serial of the last allocation. */
    private long serial;

    /** A slot was handed out (from the owner thread, which this captures). */
    synchronized void allocated(long address) {
        Record old = records.remove(address);
        if (old != null && old.freed == null) {
            live--;
        }
        records.put(address, new Record(++serial, new Site(address, "allocated here")));
        live++;
    }

    /** A live slot was freed here (the caller's stack). */
    synchronized void freed(long address) {
        freed(address, new Site(address, "freed here"));
    }

    /** A live slot was freed at {@code site}. */
    synchronized void freed(long address, Site site) {
        Record r = records.get(address);
        if (r != null && r.freed == null) {
            r.freed = site;
            live--;
        }
    }

    /** Slots handed out by one batch, {@code addresses[offset .. offset + count - 1]}. */
    synchronized void allocated(long[] addresses, int offset, int count) {
        for (int i = 0; i < count; i++) {
            allocated(addresses[offset + i]);
        }
    }

    /** Live slots freed by one batch here, {@code addresses[offset .. offset + count - 1]}. */
    synchronized void freed(long[] addresses, int offset, int count) {
        Site site = new Site("batch of " + count + " slots freed here");
        for (int i = 0; i < count; i++) {
            freed(addresses[offset + i], site);
        }
    }

    /** Every live slot was freed here by a reset. */
    synchronized void freedByReset() {
        freedAll(new Site("every slot freed here by reset()"));
    }

    /**
     * A trim of native allocator {@code h} released {@code released} bytes: forgets the freed
     * slots of the slabs it released (the core no longer knows them).
     */
    synchronized void forgetReleased(long h, long released) {
        if (released > 0) {
            forget(a -> NativeCalls.check(h, a) == SlabbinNative.EFOREIGN);
        }
    }

    /** Every live slot was freed at once (reset). */
    synchronized void freedAll(Site site) {
        for (Record r : records.values()) {
            if (r.freed == null) {
                r.freed = site;
            }
        }
        live = 0;
    }

    /** Forgets the freed slots for which {@code gone} holds (their slab was released). */
    synchronized void forget(LongPredicate gone) {
        for (Iterator<Map.Entry<Long, Record>> it = records.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Record> e = it.next();
            if (e.getValue().freed != null && gone.test(e.getKey())) {
                it.remove();
            }
        }
    }

    synchronized int liveCount() {
        return live;
    }

    /** The live slots, oldest allocation first. */
    synchronized List<LiveSlot> liveSlots() {
        List<LiveSlot> out = new ArrayList<>(live);
        for (Map.Entry<Long, Record> e : records.entrySet()) {
            Record r = e.getValue();
            if (r.freed == null) {
                out.add(new LiveSlot(e.getKey(), r.serial, r.allocated.frames()));
            }
        }
        return out;
    }

    /**
     * What the table knows of a slot, for a message: "; allocated at F" and, if freed,
     * ", freed at F" (innermost frames outside slabbin), or "" if it never was handed out.
     */
    synchronized String describe(long address) {
        Record r = records.get(address);
        if (r == null) {
            return "";
        }
        return "; allocated at " + r.allocated.top()
                + (r.freed == null ? "" : ", freed at " + r.freed.top());
    }

    /** Attaches the slot's allocation and free stacks to {@code t} as suppressed exceptions. */
    synchronized <T extends Throwable> T attach(T t, long address) {
        Record r = records.get(address);
        if (r != null) {
            r.allocated.frames();
            t.addSuppressed(r.allocated);
            if (r.freed != null) {
                r.freed.frames();
                t.addSuppressed(r.freed);
            }
        }
        return t;
    }

    /**
     * A leak report: the number of live slots and the first {@link #REPORTED_LEAKS} with their
     * allocation stacks ({@link #REPORTED_FRAMES} frames each), one line per frame.
     */
    synchronized String leakReport() {
        StringBuilder b = new StringBuilder().append(live)
                .append(live == 1 ? " slot" : " slots").append(" still allocated (leaked)");
        List<LiveSlot> slots = liveSlots();
        if (!slots.isEmpty()) {
            b.append("; the first ").append(Math.min(REPORTED_LEAKS, slots.size()))
                    .append(" by allocation:");
        }
        for (LiveSlot s : slots.subList(0, Math.min(REPORTED_LEAKS, slots.size()))) {
            b.append(String.format("%n  slot 0x%x (allocation #%d) allocated at", s.address(),
                    s.serial()));
            List<StackTraceElement> f = s.allocatedAt();
            for (StackTraceElement e : f.subList(0, Math.min(REPORTED_FRAMES, f.size()))) {
                b.append(String.format("%n\tat %s", e));
            }
            if (f.size() > REPORTED_FRAMES) {
                b.append(String.format("%n\t... %d more", f.size() - REPORTED_FRAMES));
            }
        }
        return b.toString();
    }
}

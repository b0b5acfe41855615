package io.github.slabbin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An executable model of a checked allocator, as {@code slabbin.h} and the README specify it:
 * slabs in reservation order, a LIFO free list, the bump through the current slab (and through
 * kept slabs after a reset), the reserve cap, reset and trim. It predicts every address handed out
 * (a new slab's base excepted: it is learnt from the first slot bumped in it), every statistic and
 * every refusal with its reason. Addresses are never read.
 */
final class CoreModel {
    final SlotLayout layout;
    final int capacity;
    final long stride;
    final long slabBytes;
    /** The reserve cap in bytes, 0 for none. */
    final long capBytes;
    /** Slab bases in reservation order; null: reserved by a batch, not bumped into yet. */
    private final List<Long> slabs = new ArrayList<>();
    /** The free list, top first. */
    private final Deque<Long> free = new ArrayDeque<>();
    /** The slab being bumped through, -1 before the first (or after every slab went). */
    private int cur = -1;
    /** The next never-used slot index in slabs[cur]. */
    private long bumpIdx;
    /** Live slots and the seed of the pattern each holds, in allocation order. */
    final Map<Long, Long> live = new LinkedHashMap<>();
    long peak;
    /**
     * What debug mode's call-site table knows: every slot handed out whose slab was not released
     * since, and whether it is free now (true) or live (false).
     */
    final Map<Long, Boolean> handedOut = new java.util.HashMap<>();

    CoreModel(SlotLayout layout, int capacity, long capBytes) {
        this.layout = layout;
        this.capacity = capacity;
        this.stride = layout.stride();
        this.slabBytes = capacity * stride;
        this.capBytes = capBytes;
    }

    int slabCount() {
        return slabs.size();
    }

    long reservedBytes() {
        return slabs.size() * slabBytes;
    }

    /** Slots obtainable without reserving: free list, bump range and untouched kept slabs. */
    private long available() {
        return (long) slabs.size() * capacity - live.size();
    }

    /** Whether the cap refuses {@code more} further slabs. */
    private boolean capRefuses(long more) {
        return capBytes > 0 && (slabs.size() + more) * slabBytes > capBytes;
    }

    /** The OutOfMemoryError message of an allocation refused by the cap, or null if none is. */
    String oomForSingle() {
        return available() == 0 && capRefuses(1) ? oomMessage() : null;
    }

    /** As {@link #oomForSingle()} for a batch of {@code count}. */
    String oomForBatch(int count) {
        long missing = count - available();
        if (missing <= 0) {
            return null;
        }
        long need = (missing + capacity - 1) / capacity;
        return capRefuses(need) ? oomMessage() : null;
    }

    /** The message part after "for <allocator>". */
    private String oomMessage() {
        return " (" + reservedBytes() + " bytes in " + slabs.size() + " slabs reserved, cap "
                + capBytes + " bytes)";
    }

    /** Reserves the slabs a batch of {@code count} needs (its caller checked the cap). */
    void reserveForBatch(int count) {
        long missing = count - available();
        for (long i = 0; i < missing; i += capacity) {
            slabs.add(null);
        }
    }

    /**
     * One slot handed out: checks that {@code actual} is the predicted address (or, for a slot
     * bumped into a new slab, a fresh aligned address outside every known slab) and records it.
     *
     * @return null, or what is wrong
     */
    String allocated(long actual, long seed) {
        String wrong = null;
        if (!free.isEmpty()) {
            long expected = free.pop();
            wrong = expected == actual ? null : expect("the top of the free list", expected, actual);
        } else if (cur >= 0 && bumpIdx < capacity) {
            long expected = slabs.get(cur) + bumpIdx * stride;
            bumpIdx++;
            wrong = expected == actual ? null : expect("the bump", expected, actual);
        } else {
            int next = cur + 1;
            if (next == slabs.size()) {
                slabs.add(null);
            }
            cur = next;
            bumpIdx = 1;
            Long base = slabs.get(next);
            if (base == null) {
                if (Long.remainderUnsigned(actual, layout.alignment()) != 0
                        || reason(actual) != SlabbinNative.EFOREIGN) {
                    wrong = String.format("0x%x as the first slot of a new slab", actual);
                }
                slabs.set(next, actual);
            } else {
                wrong = base == actual ? null : expect("a kept slab's first slot", base, actual);
            }
        }
        live.put(actual, seed);
        handedOut.put(actual, false);
        peak = Math.max(peak, live.size());
        return wrong;
    }

    private static String expect(String what, long expected, long actual) {
        return String.format("expected 0x%x (%s), got 0x%x", expected, what, actual);
    }

    /** A valid free of a live slot. */
    void freed(long address) {
        live.remove(address);
        free.push(address);
        handedOut.put(address, true);
    }

    /**
     * What a checked free of {@code address} answers: {@link SlabbinNative#OK} for a live slot,
     * else the reason of the refusal.
     */
    int reason(long address) {
        if (live.containsKey(address)) {
            return SlabbinNative.OK;
        }
        for (Long base : slabs) {
            if (base != null && Long.compareUnsigned(address - base, slabBytes) < 0) {
                return (address - base) % stride == 0 ? SlabbinNative.EDOUBLEFREE
                        : SlabbinNative.EINTERIOR;
            }
        }
        return SlabbinNative.EFOREIGN;
    }

    /**
     * The first bad entry of a batch free and its reason, as {@code {index, code, repeatOf}}
     * ({@code repeatOf} -1 unless the entry repeats a live one earlier in the batch), or null if
     * the whole batch is valid.
     */
    int[] batchRefusal(long[] addresses, int offset, int count) {
        Map<Long, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long a = addresses[offset + i];
            Integer before = seen.putIfAbsent(a, offset + i);
            if (before != null) {
                return new int[] {offset + i, SlabbinNative.EDOUBLEFREE, before};
            }
            int code = reason(a);
            if (code != SlabbinNative.OK) {
                return new int[] {offset + i, code, -1};
            }
        }
        return null;
    }

    void reset() {
        free.clear();
        live.clear();
        handedOut.replaceAll((a, wasFree) -> true);
        cur = slabs.isEmpty() ? -1 : 0;
        bumpIdx = 0;
    }

    /** Releases the slabs without a live slot; returns the bytes released. */
    long trim() {
        if (slabs.isEmpty()) {
            return 0;
        }
        boolean[] keep = new boolean[slabs.size()];
        for (long a : live.keySet()) {
            keep[slabOf(a)] = true;
        }
        for (Iterator<Long> it = free.iterator(); it.hasNext(); ) {
            if (!keep[slabOf(it.next())]) {
                it.remove();
            }
        }
        boolean curKept = cur >= 0 && keep[cur];
        List<Long> kept = new ArrayList<>();
        int newCur = -1;
        for (int i = 0; i < slabs.size(); i++) {
            if (keep[i]) {
                if (i == cur) {
                    newCur = kept.size();
                }
                kept.add(slabs.get(i));
            }
        }
        long released = (slabs.size() - kept.size()) * slabBytes;
        slabs.clear();
        slabs.addAll(kept);
        if (kept.isEmpty()) {
            cur = -1;
            bumpIdx = 0;
        } else if (curKept) {
            cur = newCur;
        } else {
            cur = kept.size() - 1;
            bumpIdx = capacity;
        }
        handedOut.keySet().removeIf(a -> reason(a) == SlabbinNative.EFOREIGN);
        return released;
    }

    private int slabOf(long address) {
        for (int i = 0; i < slabs.size(); i++) {
            Long base = slabs.get(i);
            if (base != null && Long.compareUnsigned(address - base, slabBytes) < 0) {
                return i;
            }
        }
        throw new AssertionError(String.format("0x%x is in no slab", address));
    }

    /** A slot start of a known slab that is not live (freed or never handed out), or 0. */
    long deadSlot(long pick) {
        List<Long> bases = slabs.stream().filter(b -> b != null).toList();
        if (bases.isEmpty()) {
            return 0;
        }
        for (int tries = 0; tries < 8; tries++, pick = pick * 31 + 7) {
            long base = bases.get((int) Math.floorMod(pick, (long) bases.size()));
            long slot = base + Math.floorMod(pick >>> 8, (long) capacity) * stride;
            if (!live.containsKey(slot)) {
                return slot;
            }
        }
        return 0;
    }

    /** One past the end of a known slab, or 0. */
    long pastSlabEnd(long pick) {
        List<Long> bases = slabs.stream().filter(b -> b != null).toList();
        return bases.isEmpty() ? 0 : bases.get((int) Math.floorMod(pick, (long) bases.size()))
                + slabBytes;
    }
}

package io.github.slabbin.replay;

/**
 * Routing figures of a trace under a plan (independent of the allocator and the driver): how many
 * requests and requested bytes the size classes serve, and the peaks of the bytes live in them:
 * requested bytes and slot bytes (a block in a class takes a whole slot of the class's size).
 */
final class Routing {
    long requests;
    long slabRequests;
    long bytes;
    long slabBytes;
    long peakLiveSlabBytes;
    /** Peak of the slot bytes (class sizes) of the blocks live in classes. */
    long peakLiveSlotBytes;

    private Routing() {}

    /**
     * Counts the figures.
     *
     * @param t    the trace
     * @param plan its plan with slabs (which blocks the size classes serve)
     * @param classes the size classes of the plan
     * @return the figures
     */
    static Routing of(Trace t, ReplayPlan plan, SizeClasses classes) {
        Routing r = new Routing();
        long live = 0;
        long slots = 0;
        for (int i = 0; i < t.eventCount(); i++) {
            byte op = t.op(i);
            if (op == Trace.REALLOC && inClass(plan, t.oldId(i))) {
                live -= t.blockSize(t.oldId(i));
                slots -= classes.classSize(plan.blockClass[t.oldId(i)]);
            }
            if (op == Trace.FREE) {
                if (inClass(plan, t.id(i))) {
                    live -= t.blockSize(t.id(i));
                    slots -= classes.classSize(plan.blockClass[t.id(i)]);
                }
                continue;
            }
            long size = t.size(i);
            r.requests++;
            r.bytes += size;
            if (inClass(plan, t.id(i))) {
                r.slabRequests++;
                r.slabBytes += size;
                live += size;
                slots += classes.classSize(plan.blockClass[t.id(i)]);
                r.peakLiveSlabBytes = Math.max(r.peakLiveSlabBytes, live);
                r.peakLiveSlotBytes = Math.max(r.peakLiveSlotBytes, slots);
            }
        }
        return r;
    }

    private static boolean inClass(ReplayPlan plan, int block) {
        return plan.blockClass[block] != NativeReplay.SYSTEM;
    }
}

package io.github.slabbin.replay;

/**
 * Routing figures of a trace under a plan (independent of the allocator and the driver): how many
 * requests and requested bytes the size classes serve, and the peak of the bytes live in them.
 */
final class Routing {
    long requests;
    long slabRequests;
    long bytes;
    long slabBytes;
    long peakLiveSlabBytes;

    private Routing() {}

    /**
     * Counts the figures.
     *
     * @param t    the trace
     * @param plan its plan with slabs (which blocks the size classes serve)
     * @return the figures
     */
    static Routing of(Trace t, ReplayPlan plan) {
        Routing r = new Routing();
        long live = 0;
        for (int i = 0; i < t.eventCount(); i++) {
            byte op = t.op(i);
            if (op == Trace.REALLOC && inClass(plan, t.oldId(i))) {
                live -= t.blockSize(t.oldId(i));
            }
            if (op == Trace.FREE) {
                if (inClass(plan, t.id(i))) {
                    live -= t.blockSize(t.id(i));
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
                r.peakLiveSlabBytes = Math.max(r.peakLiveSlabBytes, live);
            }
        }
        return r;
    }

    private static boolean inClass(ReplayPlan plan, int block) {
        return plan.blockClass[block] != NativeReplay.SYSTEM;
    }
}

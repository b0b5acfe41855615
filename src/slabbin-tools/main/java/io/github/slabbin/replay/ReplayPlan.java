package io.github.slabbin.replay;

/**
 * The plan of one trace under one routing, computed by the C contract
 * ({@code replay_plan}, {@link NativeReplay#plan}): what each event does
 * ({@code NativeReplay.STEP_*}) and which allocator serves each block (a size class, or {@link NativeReplay#SYSTEM}). The Java
 * driver follows it; the C driver computes the same plan itself.
 */
final class ReplayPlan {
    /** One {@code NativeReplay.STEP_*} per event. */
    final byte[] step;
    /** Per block: its size class, or {@link NativeReplay#SYSTEM}. */
    final int[] blockClass;

    private ReplayPlan(byte[] step, int[] blockClass) {
        this.step = step;
        this.blockClass = blockClass;
    }

    /**
     * Plans a prepared trace.
     *
     * @param t       the trace
     * @param handle  its C copy, from {@link NativeReplay#prepare}
     * @param tables  the routing's class tables
     * @param slabs   false: every block to the system allocator
     * @return the plan
     * @throws ReplayException if the C side refused (out of memory, an inconsistent trace)
     */
    static ReplayPlan of(Trace t, long handle, ClassTables tables, boolean slabs) {
        byte[] step = new byte[t.eventCount()];
        int[] blockClass = new int[t.blockCount()];
        int rc = NativeReplay.plan(handle, tables.sizes, tables.classOf, tables.limit, slabs, step,
                blockClass);
        if (rc != 0) {
            throw new ReplayException(t.name() + ": the replay plan failed: "
                    + (rc == -2 ? "out of memory" : "invalid argument"));
        }
        return new ReplayPlan(step, blockClass);
    }

    /** The size classes as the C side takes them. */
    static final class ClassTables {
        final long[] sizes;
        final int[] classOf;
        final long limit;

        ClassTables(SizeClasses classes) {
            int[] s = classes.classSizes();
            sizes = new long[s.length];
            for (int i = 0; i < s.length; i++) {
                sizes[i] = s[i];
            }
            classOf = classes.classTable();
            limit = classes.limit();
        }
    }
}

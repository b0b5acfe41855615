package io.github.slabbin.consumer;

import com.sun.jna.Structure;
import io.github.slabbin.SlabAllocator;
import io.github.slabbin.SlabbinVersion;
import io.github.slabbin.SlotLayout;
import java.lang.module.ModuleDescriptor;
import java.nio.ByteOrder;
import java.util.TreeSet;

/**
 * Uses slabbin as an application that depends on it does, with no setup: the native library must
 * load from the JAR by itself. Run on the class path or on the module path; prints what it found
 * and what it checked, one fact a line, and ends with {@code OK}. Any check that fails ends it with
 * an exception (exit status 1).
 *
 * <p>Argument: the slabbin version expected.
 */
public final class Main {
    private Main() {}

    /** A C {@code struct point { int64_t x, y; }} described for JNA. */
    @Structure.FieldOrder({"x", "y"})
    public static final class Point extends Structure {
        /** The first coordinate. */
        public long x;
        /** The second coordinate. */
        public long y;
    }

    /**
     * Runs the checks.
     *
     * @param args the expected slabbin version
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Main EXPECTED_SLABBIN_VERSION");
        }
        check(SlabbinVersion.version().equals(args[0]),
                "version " + SlabbinVersion.version() + ", expected " + args[0]);
        System.out.println("slabbin " + SlabbinVersion.version());
        Module library = SlabAllocator.class.getModule();
        if (library.isNamed()) {
            ModuleDescriptor d = library.getDescriptor();
            TreeSet<String> exports = new TreeSet<>();
            d.exports().forEach(e -> exports.add(e.source()
                    + (e.isQualified() ? " to " + new TreeSet<>(e.targets()) : "")));
            System.out.println("module " + d.name() + " exports " + exports);
            check(!library.isExported("io.github.slabbin.internal", Main.class.getModule()),
                    "io.github.slabbin.internal is exported to " + Main.class.getModule());
        } else {
            System.out.println("class path");
        }

        try (SlabAllocator slab = SlabAllocator.create(SlotLayout.of(16, 8), 64)) {
            long a = slab.allocate();
            check(a != 0 && a % 8 == 0, "slot address " + a);
            slab.buffer(a).order(ByteOrder.nativeOrder()).putLong(8, 0x5AB_B1B0L);
            long read = slab.pointer(a).getLong(8);
            check(read == 0x5AB_B1B0L, "read back " + Long.toHexString(read));
            slab.deallocate(a);
            check(!slab.isAllocated(a), "slot still allocated after deallocate");
            try {
                slab.deallocate(a);
                check(false, "a double free was accepted");
            } catch (IllegalArgumentException e) {
                check(e.getMessage().contains("double free"), "message: " + e.getMessage());
            }
            System.out.println("allocate, write, read, free: OK; double free refused");
        }

        SlabAllocator points = SlabAllocator.create(SlotLayout.of(Point.class), 16);
        long p = points.allocateZeroed();
        Point pt = points.structureAt(Point.class, p);
        pt.x = 3;
        pt.y = 4;
        pt.write();
        check(points.buffer(p).getLong(8) == 4, "structure field y not in the slot");
        points.close();
        check(points.isClosed(), "not closed");
        try {
            points.allocate();
            check(false, "allocate after close was accepted");
        } catch (IllegalStateException e) {
            check(e.getMessage().contains("closed"), "message: " + e.getMessage());
        }
        System.out.println("structure in a slot: OK; close: OK");
        System.out.println("OK");
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException("slabbin consumer check failed: " + failure);
        }
    }
}

package io.github.slabbin.tools.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The merged figures of one benchmark run: the cases (stable ids, labels and groups, in the order
 * of the table and the chart), the machine and how each part was run; the ratios between cases of
 * the same run and the performance targets.
 */
final class BenchReport {
    /** The case every ratio is taken against, unless {@code --reference} names another. */
    static final String DEFAULT_REFERENCE = "java.checkedPair";
    private static final String FFM_CHECKED = "ffmbinding.checkedPair";
    private static final String FFM_MALLOC = "ffm.mallocFreeCritical";
    /** The C minimal free list: the C cases' second ratio is taken against it. */
    static final String C_FREELIST = "c.pair.minimal_freelist";

    /** Groups of cases, in display order. */
    enum Group {
        SLABBIN_JAVA("slabbin from Java (JNI)", "#1f77b4"),
        SLABBIN_BINDINGS("slabbin on JDK 22+, FFM and JNI bindings", "#9467bd"),
        JVM_PEER("JVM peers", "#ff7f0e"),
        FFM("FFM (java.lang.foreign)", "#2ca02c"),
        C("C, no JVM", "#7f7f7f");

        final String title;
        final String color;

        Group(String title, String color) {
            this.title = title;
            this.color = color;
        }
    }

    /** A case this report knows by id: its label and group. */
    record Known(String id, String label, Group group) {}

    private static final List<Known> KNOWN = List.of(
            new Known("java.checkedPair", "slabbin checked, per-call pair", Group.SLABBIN_JAVA),
            new Known("java.uncheckedPair", "slabbin unchecked, per-call pair", Group.SLABBIN_JAVA),
            new Known("java.magazineCheckedPair", "slabbin checked, magazine 64",
                    Group.SLABBIN_JAVA),
            new Known("java.magazineUncheckedPair", "slabbin unchecked, magazine 64",
                    Group.SLABBIN_JAVA),
            new Known("java.magazineCheckedPair2Threads", "slabbin checked, magazine 64, 2 threads",
                    Group.SLABBIN_JAVA),
            new Known("java.sharedCheckedPair", "slabbin shared checked, 1 thread",
                    Group.SLABBIN_JAVA),
            new Known("java.sharedCheckedPair2Threads", "slabbin shared checked, 2 threads",
                    Group.SLABBIN_JAVA),
            new Known("java.sharedUncheckedPair", "slabbin shared unchecked, 1 thread",
                    Group.SLABBIN_JAVA),
            new Known("java.sharedUncheckedPair2Threads", "slabbin shared unchecked, 2 threads",
                    Group.SLABBIN_JAVA),
            new Known("java.debugPair", "slabbin debug, per-call pair", Group.SLABBIN_JAVA),
            new Known("java.magazineDebugPair", "slabbin debug, magazine 64",
                    Group.SLABBIN_JAVA),
            new Known("java.batch64", "slabbin batch 64 (per slot)", Group.SLABBIN_JAVA),
            new Known("java.batch256", "slabbin batch 256 (per slot)", Group.SLABBIN_JAVA),
            new Known("java.batch64Unchecked", "slabbin unchecked batch 64 (per slot)",
                    Group.SLABBIN_JAVA),
            new Known("java.batch256Unchecked", "slabbin unchecked batch 256 (per slot)",
                    Group.SLABBIN_JAVA),
            new Known("ffmbinding.checkedPair", "FFM binding: checked, per-call pair",
                    Group.SLABBIN_BINDINGS),
            new Known("jnibinding.checkedPair", "JNI binding: checked, per-call pair",
                    Group.SLABBIN_BINDINGS),
            new Known("ffmbinding.uncheckedPair", "FFM binding: unchecked, per-call pair",
                    Group.SLABBIN_BINDINGS),
            new Known("jnibinding.uncheckedPair", "JNI binding: unchecked, per-call pair",
                    Group.SLABBIN_BINDINGS),
            new Known("ffmbinding.magazineCheckedPair", "FFM binding: checked, magazine 64",
                    Group.SLABBIN_BINDINGS),
            new Known("jnibinding.magazineCheckedPair", "JNI binding: checked, magazine 64",
                    Group.SLABBIN_BINDINGS),
            new Known("ffmbinding.magazineUncheckedPair", "FFM binding: unchecked, magazine 64",
                    Group.SLABBIN_BINDINGS),
            new Known("jnibinding.magazineUncheckedPair", "JNI binding: unchecked, magazine 64",
                    Group.SLABBIN_BINDINGS),
            new Known("ffmbinding.batch64", "FFM binding: batch 64 (per slot)",
                    Group.SLABBIN_BINDINGS),
            new Known("jnibinding.batch64", "JNI binding: batch 64 (per slot)",
                    Group.SLABBIN_BINDINGS),
            new Known("ffmbinding.batch64Unchecked", "FFM binding: unchecked batch 64 (per slot)",
                    Group.SLABBIN_BINDINGS),
            new Known("jnibinding.batch64Unchecked", "JNI binding: unchecked batch 64 (per slot)",
                    Group.SLABBIN_BINDINGS),
            new Known("jnibinding.jniNop", "empty JNI call on JDK 22+ (one call)",
                    Group.SLABBIN_BINDINGS),
            new Known("java.jniNop", "empty JNI call (one call)", Group.JVM_PEER),
            new Known("java.systemAllocatorPair", "SystemAllocator malloc/free (JNI)",
                    Group.JVM_PEER),
            new Known("java.jnaPair", "JNA Native.malloc/free", Group.JVM_PEER),
            new Known("java.jnaPair2Threads", "JNA Native.malloc/free, 2 threads",
                    Group.JVM_PEER),
            new Known("java.unsafePair", "Unsafe allocateMemory/freeMemory", Group.JVM_PEER),
            new Known("java.unsafePair2Threads", "Unsafe allocateMemory/freeMemory, 2 threads",
                    Group.JVM_PEER),
            new Known("java.directBuffer", "ByteBuffer.allocateDirect (GC-freed)",
                    Group.JVM_PEER),
            new Known("ffm.mallocFree", "FFM downcalls malloc/free", Group.FFM),
            new Known("ffm.mallocFreeCritical", "FFM malloc/free, critical(false)", Group.FFM),
            new Known("ffm.mallocFreeCritical2Threads",
                    "FFM malloc/free, critical(false), 2 threads", Group.FFM),
            new Known("ffm.confinedArena", "FFM Arena.ofConfined allocate+close", Group.FFM),
            new Known("ffm.criticalNop", "FFM empty critical downcall (one call)", Group.FFM),
            new Known("ffm.slabbinRawCheckedPair", "FFM critical C slabbin pair, no Java check",
                    Group.FFM),
            new Known("c.pair.minimal_freelist", "C minimal free list", Group.C),
            new Known("c.pair.slabbin_checked", "C slabbin checked", Group.C),
            new Known("c.pair.slabbin_unchecked", "C slabbin unchecked", Group.C),
            new Known("c.pair.malloc", "C malloc/free", Group.C));

    /** The known case of an id, or null. */
    static Known known(String id) {
        for (Known k : KNOWN) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        return null;
    }

    /** One measured case. Ratios are filled by {@link #computeRatios()}. */
    static final class Case {
        final String id;
        final String label;
        final Group group;
        final double value;
        final double min;
        final double max;
        final int samples;
        final String source;
        final String detail;
        final String jdk;
        double vsReference = Double.NaN;
        double vsFreelist = Double.NaN;

        Case(String id, String label, Group group, double value, double min, double max,
             int samples, String source, String detail, String jdk) {
            this.id = id;
            this.label = label;
            this.group = group;
            this.value = value;
            this.min = min;
            this.max = max;
            this.samples = samples;
            this.source = source;
            this.detail = detail;
            this.jdk = jdk;
        }
    }

    /** A performance target: value = numerator / denominator (or an absolute time). */
    record Target(String name, double value, double limit, boolean atMost, String unit) {
        boolean measured() {
            return !Double.isNaN(value);
        }

        boolean met() {
            return measured() && (atMost ? value <= limit : value >= limit);
        }

        /** Positive: the share of the limit to spare; negative: the share missed by. */
        double margin() {
            return atMost ? 1 - value / limit : value / limit - 1;
        }

        String verdict() {
            if (!measured()) {
                return "not measured";
            }
            double m = Math.abs(margin()) * 100;
            if (met()) {
                return String.format(Locale.ROOT, "met (%s%s, %.0f%% %s)", BenchTable.fmt(value),
                        unit, m,
                        atMost ? "under the limit" : "beyond the minimum");
            }
            return String.format(Locale.ROOT, "MISSED (%s%s, %.0f%% %s)", BenchTable.fmt(value),
                    unit, m,
                    atMost ? "over the limit" : "short");
        }
    }

    String date;
    boolean quick;
    String reference = DEFAULT_REFERENCE;
    final JsonObject machine = new JsonObject();
    final JsonObject config = new JsonObject();
    final List<Case> cases = new ArrayList<>();
    JsonArray cResults = new JsonArray();

    Case find(String id) {
        for (Case c : cases) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        return null;
    }

    double value(String id) {
        Case c = find(id);
        return c == null ? Double.NaN : c.value;
    }

    void computeRatios() {
        double ref = value(reference);
        double fl = value(C_FREELIST);
        for (Case c : cases) {
            c.vsReference = c.value / ref;
            c.vsFreelist = c.group == Group.C ? c.value / fl : Double.NaN;
        }
    }

    /** The ratios are taken as stated: a / b. */
    private double ratio(String a, String b) {
        return value(a) / value(b);
    }

    List<Target> targets() {
        return List.of(
                new Target("C checked pair <= 1.5x minimal free list",
                        ratio("c.pair.slabbin_checked", C_FREELIST), 1.5, true, "x"),
                new Target("C unchecked pair <= 1.15x minimal free list",
                        ratio("c.pair.slabbin_unchecked", C_FREELIST), 1.15, true, "x"),
                new Target("C checked pair >= 3x faster than malloc",
                        ratio("c.pair.malloc", "c.pair.slabbin_checked"), 3, false, "x"),
                new Target("Java checked per-call pair <= 2.3x empty JNI call",
                        ratio("java.checkedPair", "java.jniNop"), 2.3, true, "x"),
                new Target("Java checked per-call pair >= 2.5x faster than Unsafe",
                        ratio("java.unsafePair", "java.checkedPair"), 2.5, false, "x"),
                new Target("magazine unchecked pair <= 1.5 ns",
                        value("java.magazineUncheckedPair"), 1.5, true, " ns"),
                new Target("magazine unchecked pair >= 6x faster than FFM malloc critical",
                        ratio("ffm.mallocFreeCritical", "java.magazineUncheckedPair"), 6,
                        false, "x"),
                new Target("magazine checked pair <= 0.5x FFM malloc critical",
                        ratio("java.magazineCheckedPair", "ffm.mallocFreeCritical"), 0.5,
                        true, "x"),
                new Target("checked batch 64 <= 1.6 ns per slot", value("java.batch64"), 1.6,
                        true, " ns"),
                new Target("unchecked batch 64 <= 1.6 ns per slot",
                        value("java.batch64Unchecked"), 1.6, true, " ns"),
                // The FFM binding (#10), JDK 22+, all in one run.
                new Target("FFM binding checked pair <= 0.8x FFM malloc critical",
                        ratio(FFM_CHECKED, FFM_MALLOC), 0.8, true, "x"),
                new Target("FFM binding checked pair <= 1.3x two empty critical downcalls",
                        value(FFM_CHECKED) / (2 * value("ffm.criticalNop")), 1.3, true, "x"),
                new Target("FFM binding unchecked pair <= 0.75x FFM malloc critical",
                        ratio("ffmbinding.uncheckedPair", FFM_MALLOC), 0.75, true, "x"),
                new Target("FFM binding checked magazine pair <= 0.4x FFM malloc critical",
                        ratio("ffmbinding.magazineCheckedPair", FFM_MALLOC), 0.4, true, "x"),
                new Target("FFM binding checked batch 64 <= 2.5 ns per slot",
                        value("ffmbinding.batch64"), 2.5, true, " ns"),
                new Target("FFM binding unchecked batch 64 <= 1.5 ns per slot",
                        value("ffmbinding.batch64Unchecked"), 1.5, true, " ns"),
                // Shared mode (#12).
                new Target("shared checked pair, 1 thread <= 1.5x checked magazine pair",
                        ratio("java.sharedCheckedPair", "java.magazineCheckedPair"), 1.5, true,
                        "x"),
                // Scores are ns per pair on each thread: 2 threads do 2 / score pairs per ns.
                new Target("shared checked throughput, 2 threads >= 1.7x 1 thread",
                        2 * ratio("java.sharedCheckedPair", "java.sharedCheckedPair2Threads"),
                        1.7, false, "x"),
                new Target("shared checked, 2 threads >= 4x the throughput of Unsafe",
                        ratio("java.unsafePair2Threads", "java.sharedCheckedPair2Threads"), 4,
                        false, "x"),
                new Target("shared checked, 2 threads >= 2x the throughput of FFM malloc"
                        + " critical", ratio("ffm.mallocFreeCritical2Threads",
                        "java.sharedCheckedPair2Threads"), 2, false, "x"));
    }

    void sortCases() {
        List<String> order = new ArrayList<>();
        for (Known k : KNOWN) {
            order.add(k.id);
        }
        List<Case> sorted = new ArrayList<>(cases);
        sorted.sort((a, b) -> {
            int ga = a.group.ordinal();
            int gb = b.group.ordinal();
            if (ga != gb) {
                return Integer.compare(ga, gb);
            }
            int ia = order.indexOf(a.id);
            int ib = order.indexOf(b.id);
            ia = ia < 0 ? Integer.MAX_VALUE : ia;
            ib = ib < 0 ? Integer.MAX_VALUE : ib;
            return ia != ib ? Integer.compare(ia, ib) : a.id.compareTo(b.id);
        });
        cases.clear();
        cases.addAll(sorted);
    }
}

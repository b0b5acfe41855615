package io.github.slabbin.replay;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a decoded trace and the size classes to a file that the C program
 * {@code slabbin_replay_file} ({@code native/replay/replay_file.c}, which defines the format)
 * replays outside the JVM, for profilers and preloaded allocators ({@code scripts/profile-replay}).
 */
public final class TraceDump {
    private TraceDump() {}

    /**
     * Writes one trace.
     *
     * @param t       the trace
     * @param classes the size classes
     * @param out     the file to write
     * @throws IOException if the file cannot be written
     */
    public static void write(Trace t, SizeClasses classes, Path out) throws IOException {
        ReplayPlan.ClassTables k = new ReplayPlan.ClassTables(classes);
        int n = t.eventCount();
        ByteBuffer b = ByteBuffer.allocate(8 + 8 + 4 + 4 + 8 + 4 + n * (1 + 4 + 4 + 8)
                + k.sizes.length * 8 + k.classOf.length * 4).order(ByteOrder.nativeOrder());
        b.put("SLBRPLY1".getBytes(StandardCharsets.US_ASCII)).putLong(n).putInt(t.blockCount())
                .putInt(k.sizes.length).putLong(k.limit).putInt(k.classOf.length);
        b.put(t.ops(), 0, n);
        for (int i = 0; i < n; i++) {
            b.putInt(t.ids()[i]);
        }
        for (int i = 0; i < n; i++) {
            b.putInt(t.oldIds()[i]);
        }
        for (int i = 0; i < n; i++) {
            b.putLong(t.sizes()[i]);
        }
        for (long s : k.sizes) {
            b.putLong(s);
        }
        for (int c : k.classOf) {
            b.putInt(c);
        }
        try (OutputStream os = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(out)))) {
            os.write(b.array(), 0, b.position());
        }
    }

    /**
     * {@code TraceDump OUTDIR [TRACE...]}: writes OUTDIR/NAME.replay for every trace (none: the
     * bundled ones), NAME the trace's file name without {@code .gz} and {@code .mtrace}, with the
     * default size classes; prints "FILE EVENTS" per trace.
     *
     * @param args the output directory and the traces
     * @throws IOException if a trace cannot be read or a file written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        List<Trace> traces = new ArrayList<>();
        if (args.length == 1) {
            for (String name : BundledTraces.names()) {
                traces.add(BundledTraces.load(name));
            }
        } else {
            for (Path p : TraceInputs.expand(List.of(args).subList(1, args.length).stream()
                    .map(Path::of).toList())) {
                traces.add(MtraceParser.parse(p));
            }
        }
        for (Trace t : traces) {
            Path out = dir.resolve(t.name().replaceFirst("\\.gz$", "").replaceFirst("\\.mtrace$", "")
                    + ".replay");
            write(t, SizeClasses.defaults(), out);
            System.out.println(out + " " + t.eventCount());
        }
    }
}

package io.github.slabbin.tools;

import io.github.slabbin.replay.BundledTraces;
import io.github.slabbin.replay.MtraceParser;
import io.github.slabbin.replay.ReadFailure;
import io.github.slabbin.replay.Trace;
import io.github.slabbin.replay.TraceFormatException;
import io.github.slabbin.replay.TraceInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One input of a replay: its trace, or why it cannot be replayed (in words, without the name).
 * An input that cannot be read, is malformed, or holds no allocation event is refused; the other
 * inputs are replayed all the same. A directory stands for its trace files
 * ({@link TraceInputs#expand}); one that holds none is refused as an input of its own.
 *
 * @param file  the trace file, or null for a bundled trace or a refused directory
 * @param name  the input's name (file name without folders, or the bundled trace's)
 * @param trace the trace, or null when refused
 * @param error why it is refused, or null
 */
record TraceInput(Path file, String name, Trace trace, String error) {

    /**
     * Loads the inputs: the files and directories given, or the bundled traces when none is.
     *
     * @param files the trace files and directories of them
     * @return one input per file (a directory's files in name order), in order
     */
    static List<TraceInput> load(List<Path> files) {
        List<TraceInput> inputs = new ArrayList<>();
        if (files.isEmpty()) {
            for (String name : BundledTraces.names()) {
                inputs.add(bundled(name));
            }
        } else {
            for (Path p : files) {
                if (!Files.isDirectory(p)) {
                    inputs.add(of(p));
                    continue;
                }
                try {
                    for (Path f : TraceInputs.expand(List.of(p))) {
                        inputs.add(of(f));
                    }
                } catch (IOException e) {
                    inputs.add(new TraceInput(null, p.toString(), null,
                            "cannot read: " + ReadFailure.describe(e)));
                }
            }
        }
        return inputs;
    }

    /**
     * Loads a trace file.
     *
     * @param file the file
     * @return the input, with its trace or its error
     */
    static TraceInput of(Path file) {
        Path fileName = file.getFileName();
        String name = fileName == null ? file.toString() : fileName.toString();
        try {
            return checked(file, name, MtraceParser.parse(file), Files.size(file) == 0);
        } catch (TraceFormatException e) {
            return new TraceInput(file, name, null, "malformed trace: line " + e.line() + ": "
                    + e.reason());
        } catch (IOException e) {
            String m = e.getMessage();
            // The parser's read failures name the input and the line already.
            return new TraceInput(file, name, null,
                    m != null && m.startsWith(name + ": cannot read") ? m.substring(name.length() + 2) : "cannot read: " + ReadFailure.describe(e));
        }
    }

    private static TraceInput bundled(String name) {
        try {
            Trace t = BundledTraces.load(name);
            return checked(null, t.name(), t, false);
        } catch (IOException e) {
            return new TraceInput(null, name, null, "cannot read the bundled trace: "
                    + ReadFailure.describe(e));
        }
    }

    private static TraceInput checked(Path file, String name, Trace t, boolean noBytes) {
        if (t.eventCount() == 0) {
            return new TraceInput(file, name, null, noBytes
                    ? "empty trace: the file is empty (0 bytes), nothing to replay"
                    : "empty trace: no allocation events, nothing to replay");
        }
        return new TraceInput(file, name, t, null);
    }
}

package io.github.slabbin.tools;

import io.github.slabbin.replay.BundledTraces;
import io.github.slabbin.replay.MtraceParser;
import io.github.slabbin.replay.ReadFailure;
import io.github.slabbin.replay.Trace;
import io.github.slabbin.replay.TraceFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One input of a replay: its trace, or why it cannot be replayed (in words, without the name).
 * An input that cannot be read, is malformed, or holds no allocation event is refused; the other
 * inputs are replayed all the same.
 *
 * @param name  the input's name (file name without folders, or the bundled trace's)
 * @param trace the trace, or null when refused
 * @param error why it is refused, or null
 */
record TraceInput(String name, Trace trace, String error) {

    /**
     * Loads the inputs: the files given, or the bundled traces when none is.
     *
     * @param files the trace files
     * @return one input per file, in order
     */
    static List<TraceInput> load(List<Path> files) {
        List<TraceInput> inputs = new ArrayList<>();
        if (files.isEmpty()) {
            for (String name : BundledTraces.names()) {
                inputs.add(bundled(name));
            }
        } else {
            for (Path p : files) {
                inputs.add(of(p));
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
            return checked(name, MtraceParser.parse(file), Files.size(file) == 0);
        } catch (TraceFormatException e) {
            return new TraceInput(name, null, "malformed trace: line " + e.line() + ": "
                    + e.reason());
        } catch (IOException e) {
            String m = e.getMessage();
            // The parser's read failures name the input and the line already.
            return new TraceInput(name, null, m != null && m.startsWith(name + ": cannot read")
                    ? m.substring(name.length() + 2) : "cannot read: " + ReadFailure.describe(e));
        }
    }

    private static TraceInput bundled(String name) {
        try {
            Trace t = BundledTraces.load(name);
            return checked(t.name(), t, false);
        } catch (IOException e) {
            return new TraceInput(name, null, "cannot read the bundled trace: "
                    + ReadFailure.describe(e));
        }
    }

    private static TraceInput checked(String name, Trace t, boolean noBytes) {
        if (t.eventCount() == 0) {
            return new TraceInput(name, null, noBytes
                    ? "empty trace: the file is empty (0 bytes), nothing to replay"
                    : "empty trace: no allocation events, nothing to replay");
        }
        return new TraceInput(name, t, null);
    }
}

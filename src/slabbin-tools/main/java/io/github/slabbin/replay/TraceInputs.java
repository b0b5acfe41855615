package io.github.slabbin.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The trace files named on a command line: a file stands for itself, a directory (as written by
 * {@code scripts/record-trace}, one trace per process) for every {@code *.mtrace} and
 * {@code *.mtrace.gz} file directly in it, in name order (its {@code index.tsv} and other files
 * are skipped).
 */
public final class TraceInputs {
    private TraceInputs() {}

    /**
     * Expands directories into their trace files, keeping the order of the arguments.
     *
     * @param args files and directories
     * @return the trace files
     * @throws NoSuchFileException if an argument does not exist
     * @throws IOException if a directory cannot be listed or holds no trace file
     */
    public static List<Path> expand(List<Path> args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path arg : args) {
            if (!Files.isDirectory(arg)) {
                files.add(arg);
                continue;
            }
            List<Path> found;
            try (Stream<Path> listing = Files.list(arg)) {
                found = listing.filter(TraceInputs::isTraceFile).sorted().toList();
            }
            if (found.isEmpty()) {
                throw new IOException("no *.mtrace or *.mtrace.gz file in directory " + arg);
            }
            files.addAll(found);
        }
        return files;
    }

    private static boolean isTraceFile(Path p) {
        String name = p.getFileName().toString();
        return Files.isRegularFile(p) && (name.endsWith(".mtrace") || name.endsWith(".mtrace.gz"));
    }
}

package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link LoadLibraryMain} on the test class path (optionally with entries
 * before it), bounded in time: {@link #run} waits at most {@value #TIMEOUT_SECONDS} seconds.
 */
final class LoaderChildJvm {
    static final int TIMEOUT_SECONDS = 60;

    record Result(int exit, String out, String err) {
        /** Everything the child printed, for assertion messages. */
        String all() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }

        /** Whether the child printed exactly this line on standard output. */
        boolean printed(String line) {
            return out.lines().anyMatch(line::equals);
        }
    }

    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> classPathBefore = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());

    /** Runs with the {@code java} of another JDK. */
    LoaderChildJvm java(Path javaExecutable) {
        java = javaExecutable.toString();
        return this;
    }

    LoaderChildJvm jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** Puts {@code entry} on the class path before the test class path. */
    LoaderChildJvm classPathFirst(Path entry) {
        classPathBefore.add(entry.toString());
        return this;
    }

    LoaderChildJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Starts the child; the caller must end it. */
    Process start(String... mainArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        List<String> cp = new ArrayList<>(classPathBefore);
        cp.add(System.getProperty("java.class.path"));
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add(LoadLibraryMain.class.getName());
        cmd.addAll(List.of(mainArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs the child to its end (at most {@value #TIMEOUT_SECONDS} s). */
    Result run(String... mainArgs) throws Exception {
        Process p = start(mainArgs);
        CompletableFuture<String> out =
                CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err =
                CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("child JVM timed out after " + TIMEOUT_SECONDS + " s: " + p.info().commandLine()
                    .orElse(java));
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    /**
     * Starts the child, waits for its first output line (at most {@value #TIMEOUT_SECONDS} s)
     * and kills it with SIGKILL ({@link Process#destroyForcibly()}), as {@code kill -9} does.
     */
    String killAfterFirstLine(String... mainArgs) throws Exception {
        Process p = start(mainArgs);
        try {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(p.getInputStream(),
                            StandardCharsets.UTF_8)).readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String first = line.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertTrue(first != null, () -> "child printed nothing: " + drain(p.getErrorStream()));
            return first;
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "killed child did not end");
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

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
 * A child JVM running a main class of the tests with the test class path (optionally with entries
 * before it), bounded in time: so that a crash of the JVM (SIGSEGV in native code) fails a test
 * instead of killing the test run, and so that the loader can be seen from a fresh JVM. A crash
 * report goes to the temporary directory, not to the working directory. {@link #exec} runs any
 * other command the same way.
 */
final class ChildJvm {
    /** Seconds a child may run unless {@link #timeout} says otherwise. */
    static final int TIMEOUT_SECONDS = 60;

    /**
     * What the child did: its exit code (134 or 139 after a fatal signal) and its output.
     *
     * @param exit the exit code
     * @param out  standard output
     * @param err  standard error
     */
    record Result(int exit, String out, String err) {
        /** Everything the child printed, for assertion messages. */
        String all() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }

        /** As {@link #all()}, with the last 4,000 characters of each stream only. */
        String describe() {
            return "exit " + exit + "\n--- stdout\n" + tail(out) + "\n--- stderr\n" + tail(err);
        }

        /** Whether the child printed exactly this line on standard output. */
        boolean printed(String line) {
            return out.lines().anyMatch(line::equals);
        }

        private static String tail(String s) {
            return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
        }
    }

    private final Class<?> main;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> classPathBefore = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private long timeoutSeconds = TIMEOUT_SECONDS;

    /** A child that runs {@code main}'s {@code main} method. */
    ChildJvm(Class<?> main) {
        this.main = main;
    }

    /** Runs with the {@code java} of another JDK (default: the running JVM's executable). */
    ChildJvm java(Path javaExecutable) {
        java = javaExecutable.toString();
        return this;
    }

    /** JVM options, e.g. {@code -Xmx64m}. */
    ChildJvm jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** Puts {@code entry} on the class path before the test class path. */
    ChildJvm classPathFirst(Path entry) {
        classPathBefore.add(entry.toString());
        return this;
    }

    /** Sets an environment variable of the child. */
    ChildJvm env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Seconds to wait before the child is killed and the test fails. */
    ChildJvm timeout(long seconds) {
        timeoutSeconds = seconds;
        return this;
    }

    /** Starts the child; the caller must end it. */
    Process start(String... mainArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + File.separator
                + "slabbin-child-hs_err_%p.log");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        List<String> cp = new ArrayList<>(classPathBefore);
        cp.add(System.getProperty("java.class.path"));
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add(main.getName());
        cmd.addAll(List.of(mainArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs the child to its end (at most the timeout). */
    Result run(String... mainArgs) throws IOException, InterruptedException {
        return waitFor(start(mainArgs), timeoutSeconds);
    }

    /**
     * Starts the child, waits for its first output line (at most the timeout) and kills it with
     * SIGKILL ({@link Process#destroyForcibly()}), as {@code kill -9} does.
     *
     * @return the first line
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
            String first = line.get(timeoutSeconds, TimeUnit.SECONDS);
            assertTrue(first != null, () -> "child printed nothing: " + drain(p.getErrorStream()));
            return first;
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), "killed child did not end");
        }
    }

    /**
     * Runs a command (any program, e.g. another JDK's {@code java}) and waits for it.
     *
     * @param cmd      the program and its arguments
     * @param timeoutS seconds to wait before it is killed and the test fails
     */
    static Result exec(List<String> cmd, long timeoutS) throws IOException, InterruptedException {
        return waitFor(new ProcessBuilder(cmd).start(), timeoutS);
    }

    /** Collects a started process's output until it ends; fails the test after the timeout. */
    private static Result waitFor(Process p, long timeoutS) throws InterruptedException {
        CompletableFuture<String> out =
                CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err =
                CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("child still running after " + timeoutS + " s, killed: "
                    + p.info().commandLine().orElse(p.toString()));
        }
        return new Result(p.exitValue(), out.join(), err.join());
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

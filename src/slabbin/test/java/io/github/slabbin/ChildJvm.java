package io.github.slabbin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the tests in a child JVM with the test class path, so that a crash of the
 * JVM (SIGSEGV in native code) fails a test instead of killing the test run; or any other command
 * ({@link #exec}).
 */
final class ChildJvm {
    private ChildJvm() {}

    /** What the child did: its exit code (134 or 139 after a fatal signal) and its output. */
    record Result(int exit, String out, String err) {
        /** A description for assertion messages: exit code, then the tail of both streams. */
        String describe() {
            return "exit " + exit + "\n--- stdout\n" + tail(out) + "\n--- stderr\n" + tail(err);
        }

        private static String tail(String s) {
            return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
        }
    }

    /**
     * Runs {@code main} in a new JVM (the running JVM's executable) and waits for it. A crash
     * report goes to the temporary directory, not to the working directory.
     *
     * @param jvmArgs  JVM options, e.g. {@code -Xmx64m}
     * @param main     the class whose {@code main} runs
     * @param timeoutS seconds to wait before the child is killed and the test fails
     * @param args     program arguments
     */
    static Result run(List<String> jvmArgs, Class<?> main, long timeoutS, String... args)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator
                        + "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-XX:ErrorFile=" + System.getProperty("java.io.tmpdir") + File.separator
                + "slabbin-child-hs_err_%p.log");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return exec(cmd, timeoutS);
    }

    /**
     * Runs a command (any program, e.g. another JDK's {@code java}) and waits for it.
     *
     * @param cmd      the program and its arguments
     * @param timeoutS seconds to wait before it is killed and the test fails
     */
    static Result exec(List<String> cmd, long timeoutS) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        boolean exited = p.waitFor(timeoutS, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        assertTrue(exited, "child JVM still running after " + timeoutS + " s: " + cmd);
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

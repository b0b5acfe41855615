package io.github.slabbin.tools;

import com.google.gson.JsonObject;
import io.github.slabbin.SlabbinVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where and how a replay ran, for its JSON output ({@code "run"}): the slabbin version, the JDK,
 * the operating system and CPU, and the options used (filled in by the command).
 */
final class RunInfo {
    private RunInfo() {}

    /**
     * The run's description.
     *
     * @param options the options used, as the command names them
     * @return {@code {slabbin, jdk, os, cpu, cpus, options}}
     */
    static JsonObject of(JsonObject options) {
        JsonObject o = new JsonObject();
        o.addProperty("slabbin", SlabbinVersion.version());
        o.addProperty("jdk", System.getProperty("java.vm.vendor") + " "
                + System.getProperty("java.vm.name") + " " + Runtime.version());
        o.addProperty("os", System.getProperty("os.name") + " "
                + System.getProperty("os.version"));
        o.addProperty("cpu", System.getProperty("os.arch") + cpuModel());
        o.addProperty("cpus", Runtime.getRuntime().availableProcessors());
        o.add("options", options);
        return o;
    }

    /** ", MODEL" from Linux's /proc/cpuinfo, or nothing. */
    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return ", " + line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the architecture alone
        }
        return "";
    }
}

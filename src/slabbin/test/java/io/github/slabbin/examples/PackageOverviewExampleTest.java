package io.github.slabbin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example in the package overview ({@code io/github/slabbin/package-info.java}, shown by the
 * Javadoc) is the README's first Java example, line for line, which {@link ReadmeExampleTest}
 * runs.
 */
class PackageOverviewExampleTest {

    @Test
    void packageOverviewShowsTheReadmeExample() throws IOException {
        Path root = Path.of(System.getProperty("slabbin.root"));
        List<String> readme = Files.readAllLines(root.resolve("README.md"));
        int start = readme.indexOf("## Java usage");
        assertTrue(start >= 0, "README has a \"## Java usage\" section");
        List<String> expected = block(readme.subList(start, readme.size()), "```java", "```");

        List<String> overview = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve(
                "src/slabbin/main/java/io/github/slabbin/package-info.java"))) {
            overview.add(line.equals(" *") ? ""
                    : line.startsWith(" * ") ? line.substring(3) : line);
        }
        List<String> shown = block(overview, "<pre>{@code", "}</pre>");
        assertEquals(expected, shown);
    }

    /** The lines strictly between the first line equal to {@code open} and the next close. */
    private static List<String> block(List<String> lines, String open, String close) {
        int from = lines.indexOf(open);
        assertTrue(from >= 0, "no " + open);
        int to = lines.subList(from + 1, lines.size()).indexOf(close);
        assertTrue(to >= 0, "no " + close + " after " + open);
        return lines.subList(from + 1, from + 1 + to);
    }
}

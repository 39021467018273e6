package org.amfkeys.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's promises: two quick-start commands, the test command being what CI runs, and a
 * derivation table that matches the catalog.
 */
class ReadmeTest
{
    private static Path root()
    {
        final String configured = System.getProperty("amfkeys.root.dir");
        return configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
    }

    private static String readme() throws IOException
    {
        return Files.readString(root().resolve("README.md"));
    }

    @Test
    void quickStartHoldsExactlyTheMainJobAndTheTestCommandThatCiRuns() throws IOException
    {
        final String readme = readme();
        final int section = readme.indexOf("## Quick start");
        assertTrue(section >= 0, "no Quick start section");
        final int open = readme.indexOf("```", section);
        final int close = readme.indexOf("```", open + 3);
        final List<String> commands = Arrays.stream(readme.substring(readme.indexOf('\n', open) + 1, close).split("\n"))
            .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertEquals(2, commands.size(), commands.toString());
        assertEquals("./amfkeys loadtest", commands.get(0));
        final List<String> ci = Files.readAllLines(root().resolve(".ci/run")).stream()
            .map(String::strip).filter(line -> line.startsWith("mvn ")).toList();
        assertEquals(List.of(commands.get(1)), ci, ".ci/run must run the README's test command");
    }

    @Test
    void derivationTableMatchesTheCatalog() throws IOException
    {
        assertTrue(readme().contains(DeriveCommand.markdownTable()),
            "README's derivation table differs from `amfkeys derive --table`:\n" + DeriveCommand.markdownTable());
    }
}

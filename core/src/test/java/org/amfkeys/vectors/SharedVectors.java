package org.amfkeys.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cross-checked vectors in {@code ../shared/vectors/}, read at test time. Found through the
 * {@code amfkeys.shared.dir} system property (set by the build) or by walking up from the working
 * directory; a missing folder fails the test rather than skipping it.
 */
public final class SharedVectors
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private SharedVectors()
    {
    }

    /**
     * @return the vectors folder.
     */
    public static Path directory()
    {
        final String configured = System.getProperty("amfkeys.shared.dir");
        if (configured != null && Files.isDirectory(Paths.get(configured, "vectors")))
        {
            return Paths.get(configured, "vectors").toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolveSibling("shared").resolve("vectors");
            if (Files.isDirectory(candidate))
            {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException(
            "../shared/vectors not found (amfkeys.shared.dir=" + configured + ", working directory " +
            Paths.get("").toAbsolutePath() + ")");
    }

    /**
     * @return every vector file ({@code *.json} except {@code summary.json}), sorted by name.
     */
    public static List<Path> files()
    {
        try (Stream<Path> listing = Files.list(directory()))
        {
            final List<Path> files = listing
                .filter(path -> path.getFileName().toString().endsWith(".json"))
                .filter(path -> !path.getFileName().toString().equals("summary.json"))
                .sorted()
                .toList();
            if (files.isEmpty())
            {
                throw new IllegalStateException("no vector files in " + directory());
            }
            return files;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param file a vector file.
     * @return its parsed content.
     */
    public static JsonNode read(final Path file)
    {
        try
        {
            return JSON.readTree(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}

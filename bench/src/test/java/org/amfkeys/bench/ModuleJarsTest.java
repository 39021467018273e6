package org.amfkeys.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jars keep to their modules: the library an AMF embeds carries no simulation, and the tool's jar
 * none of what only the benchmarks compare against. Runs here because the benchmark module is built
 * after both.
 */
class ModuleJarsTest
{
    private static final Path ROOT = Path.of(System.getProperty("amfkeys.root.dir", "..")).toAbsolutePath().normalize();

    @Test
    void coreCarriesNoSimulationClass() throws IOException
    {
        final Path jar = onlyJar(ROOT.resolve("core/target"), "amfkeys-core-", "-tests.jar");
        final List<String> simulation = entries(jar, name -> name.startsWith("org/amfkeys/sim/") ||
            name.matches(".*/(Simulated\\w*|UeMirror|RanNode|ProcedureMix|TablePopulation)\\.class"));
        assertEquals(List.of(), simulation, jar + " holds simulation classes");
        assertFalse(entries(jar, name -> name.startsWith("org/amfkeys/procedures/")).isEmpty(), "the procedures are in core");
    }

    @Test
    void theToolCarriesNoBenchmarkHarnessNorAlternative() throws IOException
    {
        final Path jar = ROOT.resolve("cli/target/amfkeys.jar");
        // mvn test stops before package; mvn verify (CI) builds the tool's jar before this module.
        assumeTrue(Files.isRegularFile(jar), jar + " is not packaged in this build");
        final List<String> foreign = entries(jar, name -> name.startsWith("org/openjdk/jmh/") ||
            name.startsWith("org/bouncycastle/") || name.startsWith("com/amazon/corretto/") ||
            name.startsWith("org/amfkeys/bench/"));
        assertEquals(List.of(), foreign, jar + " carries what only the benchmarks need");
        assertFalse(entries(jar, name -> name.equals("org/amfkeys/cli/Main.class")).isEmpty(), "the tool is in its jar");
    }

    private static Path onlyJar(final Path folder, final String prefix, final String excludedSuffix) throws IOException
    {
        assumeTrue(Files.isDirectory(folder), folder + " is not built");
        try (Stream<Path> files = Files.list(folder))
        {
            final List<Path> jars = files.filter(file ->
            {
                final String name = file.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(".jar") && !name.endsWith(excludedSuffix);
            }).toList();
            assumeTrue(!jars.isEmpty(), "no " + prefix + "*.jar packaged in " + folder);
            assertEquals(1, jars.size(), "one " + prefix + "*.jar in " + folder + ": " + jars);
            return jars.get(0);
        }
    }

    private static List<String> entries(final Path jar, final java.util.function.Predicate<String> wanted) throws IOException
    {
        final List<String> found = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile()))
        {
            file.stream().map(entry -> entry.getName()).filter(wanted).forEach(found::add);
        }
        return found;
    }
}

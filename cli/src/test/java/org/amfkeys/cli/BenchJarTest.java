package org.amfkeys.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench} and {@code bench-report} run in the benchmark jar; without it they say how to build it.
 */
class BenchJarTest
{
    @Test
    void aMissingBenchmarkJarIsReportedWithHowToBuildIt()
    {
        final String previous = System.getProperty(BenchJar.JAR_PROPERTY);
        System.setProperty(BenchJar.JAR_PROPERTY, Path.of("no-such-folder", BenchJar.JAR_NAME).toString());
        try
        {
            for (final String command : new String[] {"bench", "bench-report"})
            {
                final Cli.Result result = Cli.run(command, "-l");
                assertEquals(1, result.exitCode(), result.err());
                assertTrue(result.err().startsWith("amfkeys " + command + ": the benchmark jar amfkeys-bench.jar is not built"),
                    result.err());
                assertTrue(result.err().contains("mvn -B -DskipTests -pl bench -am package"), result.err());
                assertEquals(1, result.err().split("\n").length, result.err());
            }
        }
        finally
        {
            if (previous == null)
            {
                System.clearProperty(BenchJar.JAR_PROPERTY);
            }
            else
            {
                System.setProperty(BenchJar.JAR_PROPERTY, previous);
            }
        }
    }
}

package org.amfkeys.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The benchmark jar ({@value #JAR_NAME}, the bench module) run in a JVM of its own: JMH, Bouncy Castle
 * and ACCP live only there, so the tool's jar carries none of them. {@code amfkeys bench} and
 * {@code amfkeys bench-report} hand their arguments to it and return its exit status.
 * <p>
 * The jar is looked for at the path in {@value #JAR_PROPERTY}, then next to the tool's jar, then where
 * the source tree builds it ({@code bench/target/}, beside {@code cli/target/}).
 */
final class BenchJar
{
    /** System property: the benchmark jar to run instead of the one found next to the tool. */
    static final String JAR_PROPERTY = "amfkeys.bench.jar";

    /** File name of the benchmark jar. */
    static final String JAR_NAME = "amfkeys-bench.jar";

    private static final String BUILD = "mvn -B -DskipTests -pl bench -am package";

    private BenchJar()
    {
    }

    /**
     * Runs one command of the benchmark jar with the standard streams of this process.
     *
     * @param command   {@code bench} or {@code bench-report}.
     * @param arguments its arguments, untouched.
     * @return its exit status.
     */
    static int run(final String command, final List<String> arguments) throws IOException, InterruptedException
    {
        final Path jar = find();
        final List<String> line = new ArrayList<>();
        line.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // The same JVM options (-D engine choices, heap, opens) as the tool was started with.
        line.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        line.add("-jar");
        line.add(jar.toString());
        line.add(command);
        line.addAll(arguments);
        final Process process = new ProcessBuilder(line).inheritIO().start();
        try
        {
            return process.waitFor();
        }
        finally
        {
            process.destroy();
        }
    }

    private static Path find()
    {
        final String configured = System.getProperty(JAR_PROPERTY);
        final List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank())
        {
            candidates.add(Path.of(configured));
        }
        else
        {
            final Path tool = toolLocation();
            if (tool != null)
            {
                final Path folder = Files.isDirectory(tool) ? tool : tool.getParent();
                candidates.add(folder.resolve(JAR_NAME));
                candidates.add(folder.resolveSibling("bench").resolve(JAR_NAME));
                candidates.add(folder.getParent().resolveSibling("bench").resolve("target").resolve(JAR_NAME));
            }
        }
        for (final Path candidate : candidates)
        {
            if (Files.isRegularFile(candidate))
            {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("the benchmark jar " + JAR_NAME + " is not built (looked for it " +
            (configured != null && !configured.isBlank() ? "at -D" + JAR_PROPERTY : "next to the tool and in bench/target") +
            "); build it with: " + BUILD + ", or run ./amfkeys, which builds it");
    }

    private static Path toolLocation()
    {
        try
        {
            final var source = Main.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
        }
        catch (final URISyntaxException | SecurityException | IllegalArgumentException ex)
        {
            return null;
        }
    }

    /**
     * {@code amfkeys bench}: the JMH benchmarks, every argument passed to JMH.
     */
    @Command(
        name = "bench",
        description = {
            "Runs the JMH benchmarks against the alternatives.",
            "",
            "Runs the JMH benchmarks of the benchmark jar (" + JAR_NAME + ", built by ./amfkeys on first use).",
            "Every argument is passed to JMH, for example:",
            "  amfkeys bench HmacBenchmark -prof gc",
            "  amfkeys bench -l        (list the benchmarks)",
            "  amfkeys bench -h        (JMH's own options)"})
    static final class BenchCommand implements Callable<Integer>
    {
        @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
        private boolean help;

        @Parameters(arity = "0..*", paramLabel = "JMH-ARGS", description = "arguments for JMH")
        private List<String> arguments = new ArrayList<>();

        public Integer call() throws IOException, InterruptedException
        {
            return run("bench", arguments);
        }
    }

    /**
     * {@code amfkeys bench-report}: one derivation on every path, as a table; its options are the
     * benchmark jar's ({@code amfkeys bench-report --help}).
     */
    @Command(
        name = "bench-report",
        description = {
            "Measures one derivation on every path in one JMH run and prints a table.",
            "Runs in the benchmark jar (" + JAR_NAME + "); amfkeys bench-report --help lists its options."})
    static final class BenchReportCommand implements Callable<Integer>
    {
        @Parameters(arity = "0..*", paramLabel = "OPTIONS", description = "options of bench-report")
        private List<String> arguments = new ArrayList<>();

        public Integer call() throws IOException, InterruptedException
        {
            return run("bench-report", arguments);
        }
    }
}

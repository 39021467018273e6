package org.amfkeys.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code amfkeys bench}: runs the JMH benchmarks of the benchmark jar; every argument goes to JMH.
 */
@Command(
    name = "bench",
    description = {
        "Runs the JMH benchmarks against the alternatives.",
        "",
        "Runs the JMH benchmarks packed in the benchmark jar. Every argument is passed to JMH, for example:",
        "  amfkeys bench HmacBenchmark -prof gc",
        "  amfkeys bench -l        (list the benchmarks)",
        "  amfkeys bench -h        (JMH's own options)"})
public final class BenchCommand implements Callable<Integer>
{
    @Option(names = "--help", usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Parameters(arity = "0..*", paramLabel = "JMH-ARGS", description = "arguments for JMH")
    private List<String> arguments = new ArrayList<>();

    public Integer call() throws Exception
    {
        org.openjdk.jmh.Main.main(arguments.toArray(new String[0]));
        return 0;
    }
}

package org.amfkeys.cli;

import org.amfkeys.bench.DerivationCostBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code amfkeys bench-report}: runs {@link DerivationCostBenchmark} (every path, in one JMH run) and
 * prints the cost per derivation with each path's ratio to SunJCE, as a Markdown table.
 */
@Command(
    name = "bench-report",
    mixinStandardHelpOptions = true,
    description = {
        "Measures one derivation on every path in one JMH run and prints a table.",
        "SunJCE, Bouncy Castle, Amazon Corretto Crypto Provider, OpenSSL through JNA and every amfkeys",
        "engine and native kernel, with a new key per derivation and with a precomputed key; the native",
        "batch engine at batch sizes 1, 8, 64 and 256. Ratios are to SunJCE in the same key mode."})
public final class BenchReportCommand implements Callable<Integer>
{
    @Option(names = "--forks", description = "JMH forks per benchmark (default ${DEFAULT-VALUE})")
    private int forks = 1;

    @Option(names = "--iterations", description = "measurement iterations of 1 s (default ${DEFAULT-VALUE})")
    private int iterations = 5;

    @Option(names = "--warmups", description = "warm-up iterations of 1 s (default ${DEFAULT-VALUE})")
    private int warmups = 3;

    @Option(names = "--include", description = "only benchmarks whose parameters match this regex (e.g. avx512)")
    private String include;

    @Spec
    private CommandSpec spec;

    /**
     * One measured path.
     *
     * @param path      what was measured.
     * @param key       new or precomputed.
     * @param batch     derivations per call.
     * @param nanos     ns per derivation.
     * @param error     its 99.9% error, ns per derivation.
     */
    record Row(String path, String key, int batch, double nanos, double error)
    {
    }

    public Integer call() throws Exception
    {
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include(DerivationCostBenchmark.class.getName())
            .forks(forks)
            .warmupIterations(warmups)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(1))
            .verbosity(VerboseMode.SILENT);
        final List<Row> rows = new ArrayList<>();
        for (final RunResult result : new Runner(options.build()).run())
        {
            final var params = result.getParams();
            final boolean batch = params.getBenchmark().endsWith("nativeBatch");
            final String path = batch ? "amfkeys-native-batch/" + params.getParam("kernel") : params.getParam("path");
            final int size = batch ? Integer.parseInt(params.getParam("size")) : 1;
            if (include != null && !(path + " " + params.getParam("key")).matches(".*(" + include + ").*"))
            {
                continue;
            }
            final var score = result.getPrimaryResult();
            final double error = Double.isNaN(score.getScoreError()) ? 0 : score.getScoreError();
            rows.add(new Row(path, params.getParam("key"), size, score.getScore() / size, error / size));
        }
        print(spec.commandLine().getOut(), rows);
        return 0;
    }

    static void print(final PrintWriter out, final List<Row> rows)
    {
        final Map<String, Double> sunjce = new LinkedHashMap<>();
        rows.stream().filter(row -> row.path().equals("sunjce")).forEach(row -> sunjce.put(row.key(), row.nanos()));
        out.println("| path | key | batch | ns/derivation | x SunJCE |");
        out.println("|---|---|---:|---:|---:|");
        rows.sort(Comparator.comparing(Row::key).thenComparing(Row::nanos, Comparator.reverseOrder()));
        for (final Row row : rows)
        {
            final Double reference = sunjce.get(row.key());
            out.printf("| %s | %s | %d | %.1f +- %.1f | %s |%n", row.path(), row.key(), row.batch(), row.nanos(), row.error(),
                reference == null ? "" : String.format("%.1f", reference / row.nanos()));
        }
        out.flush();
    }
}

package org.amfkeys.bench;

import org.amfkeys.InvalidParameterException;
import org.openjdk.jmh.annotations.Param;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
    private static final String BATCH_PATH = "amfkeys-native-batch/";

    @Option(names = "--forks", description = "JMH forks per benchmark (default ${DEFAULT-VALUE})")
    private int forks = 1;

    @Option(names = "--iterations", description = "measurement iterations of 1 s (default ${DEFAULT-VALUE})")
    private int iterations = 5;

    @Option(names = "--warmups", description = "warm-up iterations of 1 s (default ${DEFAULT-VALUE})")
    private int warmups = 3;

    @Option(names = "--include", description = "only the paths whose name contains a match of this regex, e.g. " +
        "'avx512|sha-ni' (SunJCE always runs: it is the reference of the ratios)")
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
     * @param error     its 99.9% error, ns per derivation; NaN when JMH has none (one iteration).
     */
    record Row(String path, String key, int batch, double nanos, double error)
    {
    }

    public Integer call() throws Exception
    {
        InvalidParameterException.requireInRange("forks", forks, 1, 100);
        InvalidParameterException.requireInRange("iterations", iterations, 1, 1000);
        InvalidParameterException.requireInRange("warmups", warmups, 0, 1000);
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include(DerivationCostBenchmark.class.getName())
            .forks(forks)
            .warmupIterations(warmups)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(1))
            .verbosity(VerboseMode.SILENT);
        if (include != null)
        {
            restrict(options, include);
        }
        final List<Row> rows = new ArrayList<>();
        for (final RunResult result : new Runner(options.build()).run())
        {
            final var params = result.getParams();
            final boolean batch = params.getBenchmark().endsWith("nativeBatch");
            final String path = batch ? BATCH_PATH + params.getParam("kernel") : params.getParam("path");
            final int size = batch ? Integer.parseInt(params.getParam("size")) : 1;
            final var score = result.getPrimaryResult();
            rows.add(new Row(path, params.getParam("key"), size, score.getScore() / size, score.getScoreError() / size));
        }
        print(spec.commandLine().getOut(), rows);
        return 0;
    }

    /** Runs only the paths and kernels whose report name the regex finds, and SunJCE. */
    private static void restrict(final ChainedOptionsBuilder options, final String regex) throws NoSuchFieldException
    {
        final Pattern pattern;
        try
        {
            pattern = Pattern.compile(regex);
        }
        catch (final PatternSyntaxException ex)
        {
            throw new InvalidParameterException("include", InvalidParameterException.quote(regex) + " is not a regular expression",
                "a java.util.regex pattern");
        }
        final String[] paths = Arrays.stream(params(DerivationCostBenchmark.PerCall.class, "path"))
            .filter(path -> path.equals("sunjce") || pattern.matcher(path).find())
            .toArray(String[]::new);
        final String[] kernels = Arrays.stream(params(DerivationCostBenchmark.Batch.class, "kernel"))
            .filter(kernel -> pattern.matcher(BATCH_PATH + kernel).find())
            .toArray(String[]::new);
        options.param("path", paths);
        if (kernels.length == 0)
        {
            options.exclude(Pattern.quote(DerivationCostBenchmark.class.getName()) + "\\.nativeBatch");
        }
        else
        {
            options.param("kernel", kernels);
        }
    }

    private static String[] params(final Class<?> state, final String field) throws NoSuchFieldException
    {
        return state.getField(field).getAnnotation(Param.class).value();
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
            // One iteration has no error estimate (NaN): the mean alone.
            final String nanos = Double.isNaN(row.error()) ?
                String.format(Locale.ROOT, "%.1f", row.nanos()) : String.format(Locale.ROOT, "%.1f +- %.1f", row.nanos(), row.error());
            out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s |%n", row.path(), row.key(), row.batch(), nanos,
                reference == null ? "" : String.format(Locale.ROOT, "%.1f", reference / row.nanos()));
        }
        out.flush();
    }
}

package org.amfkeys.cli;

import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.engine.EngineCounters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code amfkeys stat}: the counters of a running engine, read from its counters file by another
 * process, as AeronStat reads Aeron's.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = {
        "Prints the counters of a running engine from its counters file.",
        "Each worker's requests, completions by status and by rule, batches and their sizes, passes,",
        "kernel calls and fallbacks and queue depth; the producers' back-pressured submits; errors.",
        "Prints every --interval milliseconds, --count times (0: until stopped)."})
public final class StatCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--counters-file", required = true, paramLabel = "FILE",
        description = "the engine's counters file (KeyEngine.Options.countersFile, loadtest --counters-file)")
    private File countersFile;

    @Option(names = "--interval", defaultValue = "1000", paramLabel = "MS", description = "milliseconds between prints, 100..60000")
    private long interval;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "prints to make, 0 for until stopped")
    private int count;

    @Option(names = "--errors", description = "also print the distinct errors the engine recorded (first line and count)")
    private boolean errors;

    public Integer call() throws InterruptedException
    {
        if (interval < 100 || interval > 60_000)
        {
            throw InvalidParameterException.outOfRange("interval", interval, 100, 60_000);
        }
        if (count < 0)
        {
            throw InvalidParameterException.outOfRange("count", count, 0, Integer.MAX_VALUE);
        }
        final EngineCounters.CountersFile file = EngineCounters.open(countersFile);
        final PrintWriter out = spec.commandLine().getOut();
        for (int printed = 0; count == 0 || printed < count; printed++)
        {
            if (printed > 0)
            {
                Thread.sleep(interval);
            }
            print(out, file);
        }
        return 0;
    }

    private void print(final PrintWriter out, final EngineCounters.CountersFile file)
    {
        out.println(Instant.now() + " - amfkeys engine of process " + file.pid() + ", started " +
            Instant.ofEpochMilli(file.startTimeMs()));
        out.println("======================================================================");
        final CountersReader counters = file.counters();
        counters.forEach((value, id, label) -> out.printf("%3d: %,20d - %s%n", id, value, label));
        if (errors)
        {
            final int distinct = ErrorLogReader.read(file.errorLog(), (observations, first, last, encoded) ->
                out.printf("%,d x %s (last %s)%n", observations, firstLine(encoded), Instant.ofEpochMilli(last)));
            out.println(distinct + " distinct error(s)");
        }
        out.println("--");
        out.flush();
    }

    /**
     * The exception's class and message, not its stack trace.
     */
    private static String firstLine(final String encoded)
    {
        final int end = encoded.indexOf('\n');
        return end < 0 ? encoded : encoded.substring(0, end);
    }
}

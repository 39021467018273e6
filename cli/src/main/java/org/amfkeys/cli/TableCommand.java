package org.amfkeys.cli;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.TablePopulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code amfkeys table}: builds a context table of simulated UEs, reads every one back, and reports
 * its memory per UE and insert rate.
 */
@Command(
    name = "table",
    mixinStandardHelpOptions = true,
    description = {
        "Creates a context table of N UEs with random contexts, inserting from every thread, then reads",
        "every UE back and checks it against its context. Prints bytes-per-ue (the table's memory over",
        "its capacity, empty slots included) and inserts-per-second on lines of their own.",
        "Exit status 0 when every UE read back equal."})
public final class TableCommand implements Callable<Integer>
{
    /** Most UEs the command builds a table for. */
    static final long MAX_UES = 200_000_000L;

    @Spec
    private CommandSpec spec;

    @Option(names = "--ues", required = true, paramLabel = "N", description = "UEs in the table, 1.." + MAX_UES + ".")
    private long ues;

    @Option(names = "--threads", paramLabel = "T", description = "Threads inserting and reading (default: all cores).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--load-factor", paramLabel = "F",
        description = "Share of entries in use at capacity, 0.25..0.9 (default: ${DEFAULT-VALUE}).")
    private double loadFactor = ContextTable.DEFAULT_LOAD_FACTOR;

    @Option(names = "--lock-in-ram", description = "mlock the table's memory.")
    private boolean lockInRam;

    @Option(names = "--seed", paramLabel = "S", description = "Picks the random contexts (default: ${DEFAULT-VALUE}).")
    private long seed = 33501;

    public Integer call() throws InterruptedException
    {
        if (ues < 1 || ues > MAX_UES)
        {
            throw InvalidParameterException.outOfRange("ues", ues, 1, MAX_UES);
        }
        InvalidParameterException.requireInRange("threads", threads, 1, 1024);
        final PrintWriter out = spec.commandLine().getOut();

        try (ContextTable table = new ContextTable(ues, loadFactor, lockInRam))
        {
            out.printf("table: %d UEs, load factor %.2f, %d entries of %d bytes, %d bytes mapped%n",
                ues, table.loadFactor(), table.entries(), table.memoryBytes() / table.entries(), table.memoryBytes());
            out.printf("memory: excluded from core dumps %s, locked in RAM %s%n",
                table.excludedFromCoreDumps() ? "yes" : "no", table.lockedInRam() ? "yes" : "no");
            out.flush();

            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicLong mismatches = new AtomicLong();
            final long insertStart = System.nanoTime();
            inParallel(failure, (population, from, to) -> population.insert(table, from, to));
            final long insertNanos = System.nanoTime() - insertStart;

            final long readStart = System.nanoTime();
            inParallel(failure, (population, from, to) -> mismatches.addAndGet(readBack(table, population, from, to)));
            final long readNanos = System.nanoTime() - readStart;
            if (failure.get() != null)
            {
                throw new IllegalStateException("a worker failed: " + failure.get(), failure.get());
            }

            out.printf("bytes-per-ue: %.1f%n", table.bytesPerUe());
            out.printf("inserts-per-second: %d%n", Math.round(ues * 1e9 / insertNanos));
            out.printf("reads-per-second: %d (each read checked against a regenerated context)%n",
                Math.round(ues * 1e9 / readNanos));
            out.printf("longest-probe: %d%n", table.longestProbe());
            out.printf("read back: %d of %d UEs equal%n", ues - mismatches.get(), ues);
            out.flush();
            return mismatches.get() == 0 && table.size() == ues ? 0 : 1;
        }
    }

    private static long readBack(final ContextTable table, final TablePopulation population, final long from, final long to)
    {
        final SecurityContext snapshot = new SecurityContext();
        long mismatches = 0;
        for (long index = from; index < to; index++)
        {
            final SecurityContext expected = population.context(index);
            if (!table.read(TablePopulation.ueId(index), snapshot) ||
                !snapshot.buffer().equals(expected.buffer()))
            {
                mismatches++;
            }
        }
        snapshot.clear();
        return mismatches;
    }

    private interface Work
    {
        void run(TablePopulation population, long from, long to);
    }

    private void inParallel(final AtomicReference<Throwable> failure, final Work work) throws InterruptedException
    {
        final List<Thread> workers = new ArrayList<>();
        final long share = (ues + threads - 1) / threads;
        for (int t = 0; t < threads; t++)
        {
            final long from = Math.min(ues, t * share);
            final long to = Math.min(ues, from + share);
            final Thread worker = new Thread(() ->
            {
                try (Kdf kdf = new Kdf())
                {
                    final TablePopulation population = new TablePopulation(seed, kdf);
                    work.run(population, from, to);
                    population.clear();
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "table-" + t);
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
    }
}

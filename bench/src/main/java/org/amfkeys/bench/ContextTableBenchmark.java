package org.amfkeys.bench;

import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.TablePopulation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Lookups and updates on a context table of ten million UEs, each call on a UE picked at random, so
 * nearly every call misses the caches as an AMF's would. Throughput is for all threads together: run
 * with {@code -t 1} and {@code -t 2} and divide by the threads for the rate per thread. The setup prints
 * the table's {@code bytes-per-ue}.
 * <p>
 * The batched forms handle {@value #BATCH} UEs per call and count each UE as one operation: a single
 * lookup waits for two dependent cache misses (index entry, then slot), a batch overlaps them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class ContextTableBenchmark
{
    /** UEs per call of the batched forms. */
    public static final int BATCH = 16;

    /** UEs in the table. */
    @Param("10000000")
    public int ues;

    /**
     * Share of the index in use: a lower one keeps more UEs at their home entry, which a lookup finds
     * with one probe, for more memory per UE (the setup prints both).
     */
    @Param("0.75")
    public double loadFactor;

    private ContextTable table;

    /**
     * Builds the table at its capacity.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        table = new ContextTable(ues, loadFactor, false);
        try (Kdf kdf = new Kdf())
        {
            final TablePopulation population = new TablePopulation(33501, kdf);
            population.insert(table, 0, ues);
            population.clear();
        }
        System.out.printf("%nbytes-per-ue: %.1f (%d UEs, load factor %.2f, %d bytes)%n",
            table.bytesPerUe(), table.size(), table.loadFactor(), table.memoryBytes());
    }

    /**
     * Zeroes and frees the table.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    /**
     * One caller thread: its cursor, its snapshot, and its own random UE picks.
     */
    @State(Scope.Thread)
    public static class Caller
    {
        final byte[] nh = new byte[32];
        final long[] batch = new long[BATCH];
        final int[] hints = new int[BATCH];
        final int[] nccs = new int[BATCH];
        final byte[] nhs = new byte[32 * BATCH];
        final SecurityContext snapshot = new SecurityContext();
        ContextCursor cursor;
        SplittableRandom random;

        /**
         * A cursor and a random stream per thread.
         */
        @Setup(Level.Trial)
        public void setUp()
        {
            cursor = new ContextCursor(new Kdf());
            random = new SplittableRandom(Thread.currentThread().getId());
        }

        /**
         * Zeroes the cursor.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            cursor.close();
            snapshot.clear();
        }

        long nextUe(final int ues)
        {
            return TablePopulation.ueId(random.nextInt(ues));
        }

        long[] nextBatch(final int ues)
        {
            for (int i = 0; i < BATCH; i++)
            {
                batch[i] = nextUe(ues);
            }
            return batch;
        }

        long[] nextLocatedBatch(final int ues, final int[] entries)
        {
            for (int i = 0; i < BATCH; i++)
            {
                final int index = random.nextInt(ues);
                batch[i] = TablePopulation.ueId(index);
                hints[i] = entries[index];
            }
            return batch;
        }
    }

    /**
     * Each UE's entry, as {@link ContextTable#locate} gave it after the table was filled: what an AMF
     * would keep in its own record of the UE. Read at random with the UE, so its miss is counted.
     */
    @State(Scope.Benchmark)
    public static class Located
    {
        int[] entries;

        /**
         * Locates every UE.
         *
         * @param benchmark the filled table.
         */
        @Setup(Level.Trial)
        public void setUp(final ContextTableBenchmark benchmark)
        {
            entries = new int[benchmark.ues];
            for (int index = 0; index < benchmark.ues; index++)
            {
                entries[index] = benchmark.table.locate(TablePopulation.ueId(index));
            }
        }
    }

    /**
     * A handover's read: NH and NCC together, lock-free.
     *
     * @param caller the thread's state.
     * @return NCC.
     */
    @Benchmark
    public int lookupNextHop(final Caller caller)
    {
        return table.readNextHop(caller.nextUe(ues), caller.nh, 0);
    }

    /**
     * A consistent snapshot of a whole context, lock-free.
     *
     * @param caller the thread's state.
     * @return whether found.
     */
    @Benchmark
    public boolean lookupContext(final Caller caller)
    {
        return table.read(caller.nextUe(ues), caller.snapshot);
    }

    /**
     * A Path Switch's update: NH stepped by a real KDF derivation and NCC advanced, in place under the slot lock.
     *
     * @param caller the thread's state.
     * @return the new NCC.
     */
    @Benchmark
    public int advanceNextHop(final Caller caller)
    {
        return table.advanceNextHop(caller.nextUe(ues), caller.cursor);
    }

    /**
     * A downlink NAS message's COUNT, taken under the slot lock.
     *
     * @param caller the thread's state.
     * @return the COUNT.
     */
    @Benchmark
    public long takeDownlinkNasCount(final Caller caller)
    {
        return table.takeDownlinkNasCount(caller.nextUe(ues));
    }

    /**
     * {@value #BATCH} handover reads in one call.
     *
     * @param caller the thread's state.
     * @return the NCCs.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] lookupNextHopBatch(final Caller caller)
    {
        table.readNextHops(caller.nextBatch(ues), BATCH, caller.nccs, caller.nhs);
        return caller.nccs;
    }

    /**
     * {@value #BATCH} handover reads in one call, each UE read at the entry its caller kept
     * ({@link ContextTable#locate}) instead of probed for.
     *
     * @param caller  the thread's state.
     * @param located every UE's entry.
     * @return the NCCs.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] lookupNextHopBatchLocated(final Caller caller, final Located located)
    {
        table.readNextHops(caller.nextLocatedBatch(ues, located.entries), caller.hints, BATCH, caller.nccs, caller.nhs);
        return caller.nccs;
    }

    /**
     * {@value #BATCH} Path Switch updates in one call, each UE locked at the entry its caller kept.
     *
     * @param caller  the thread's state.
     * @param located every UE's entry.
     * @return the new NCCs.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] advanceNextHopBatchLocated(final Caller caller, final Located located)
    {
        table.advanceNextHops(caller.nextLocatedBatch(ues, located.entries), caller.hints, BATCH, caller.cursor, caller.nccs);
        return caller.nccs;
    }

    /**
     * {@value #BATCH} Path Switch updates in one call.
     *
     * @param caller the thread's state.
     * @return the new NCCs.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] advanceNextHopBatch(final Caller caller)
    {
        table.advanceNextHops(caller.nextBatch(ues), BATCH, caller.cursor, caller.nccs);
        return caller.nccs;
    }
}

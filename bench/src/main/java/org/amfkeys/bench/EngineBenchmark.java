package org.amfkeys.bench;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.amfkeys.context.ContextTable;
import org.amfkeys.engine.CompletionHandler;
import org.amfkeys.engine.CompletionStatus;
import org.amfkeys.engine.EngineOperation;
import org.amfkeys.engine.EngineProducer;
import org.amfkeys.engine.KeyEngine;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.UeContextTransfer;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Key procedures through the batching engine (one producer thread, one worker thread: the two cores)
 * against the direct calls on two threads, on the same table of connected UEs: Path Switch; the source
 * AMF's N2 handover to another AMF with a horizontal KAMF, each followed by its failure so the UE can
 * hand over again; and Initial Context Setup, each after a release of the connected UE (one operation
 * is the pair), with a fresh UL NAS COUNT per UE each time. Each engine invocation submits
 * {@value #IN_FLIGHT} procedures and takes completions as they come; in the steady state the rate of
 * submissions is the rate of completions.
 * <p>
 * {@code amfkeys bench EngineBenchmark -prof gc}; compare each procedure's two rows. The engine's
 * counters (batch sizes, passes, kernel calls) are printed at the end of its trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class EngineBenchmark
{
    /** Requests an engine invocation submits. */
    static final int IN_FLIGHT = 1024;

    /** UEs in the table. */
    @Param("1000000")
    public int ues;

    /** The procedure: {@code path-switch}, {@code horizontal-handover} or {@code initial-context-setup}. */
    @Param({"path-switch", "horizontal-handover", "initial-context-setup"})
    public String procedure;

    /** Smallest batch the engine runs in stages through the batch kernel; 1025 derives every other step at once. */
    @Param("1025")
    public int stagingThreshold;

    /** Most requests a worker takes per batch ({@link KeyEngine.Options#maxBatch(int)}). */
    @Param("64")
    public int maxBatch;

    /** Whether stages run on the native batch kernel (else on the engine for derivations at once). */
    @Param("true")
    public boolean nativeBatch;

    private ContextTable table;
    private KeyEngine engine;
    /** The last UL NAS COUNT each UE sent, for the direct threads' Initial Context Setups (each its own UEs). */
    private int[] uplinkCounts;

    /**
     * Registers every UE with its NAS SMC done and an AS security context, and starts the engine.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        table = connectedUes(ues);
        // Registration's Initial Context Setup used UL NAS COUNT 1; connecting again needs a later one.
        uplinkCounts = new int[ues];
        Arrays.fill(uplinkCounts, 1);
        engine = new KeyEngine(table, new KeyEngine.Options().idleStrategy(BusySpinIdleStrategy::new)
            .stagingThreshold(stagingThreshold).nativeBatch(nativeBatch).maxBatch(maxBatch)
            .responseRingCapacity(1 << 17).requestRingCapacity(1 << 17));
        System.out.println("engine: " + engine);
    }

    /**
     * @param ues UEs to register.
     * @return a table of {@code ues} UEs ({@link ProcedureBenchmark#ueId}), each registered with its NAS
     *         SMC done and an AS security context, as a connected UE an AMF serves.
     */
    static ContextTable connectedUes(final int ues)
    {
        final ContextTable table = new ContextTable(ues);
        final SplittableRandom random = new SplittableRandom(33501);
        final byte[] kamf = new byte[Kdf.KEY_LENGTH];
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        final NextHopPair kgnb = new NextHopPair();
        try (AmfProcedures amf = new AmfProcedures(table, new Kdf()))
        {
            for (int i = 0; i < ues; i++)
            {
                random.nextBytes(kamf);
                final long ueId = ProcedureBenchmark.ueId(i);
                amf.authenticated(ueId, kamf, 1, 0);
                amf.nasSecurityModeCommand(ueId, 1, 2, command);
                amf.nasSecurityModeComplete(ueId, 0);
                amf.initialContextSetup(ueId, 1, kgnb);
            }
        }
        finally
        {
            Arrays.fill(kamf, (byte)0);
            kgnb.clear();
        }
        return table;
    }

    /**
     * Stops the engine, zeroes and frees the table.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        engine.close();
        final StringBuilder counters = new StringBuilder("engine counters:");
        engine.counters().reader().forEach((value, id, label) ->
        {
            if (value != 0)
            {
                counters.append(System.lineSeparator()).append("  ").append(label).append(": ").append(value);
            }
        });
        System.out.println(counters);
        table.close();
    }

    /**
     * One engine producer thread.
     */
    @State(Scope.Thread)
    public static class Producer implements CompletionHandler
    {
        EngineProducer producer;
        SplittableRandom random;
        int[] uplinkCounts;
        long correlationId;
        long done;
        int ues;

        /**
         * @param benchmark the engine.
         */
        @Setup(Level.Trial)
        public void setUp(final EngineBenchmark benchmark)
        {
            producer = benchmark.engine.newProducer();
            random = new SplittableRandom(1);
            ues = benchmark.ues;
            uplinkCounts = benchmark.uplinkCounts;
        }

        /**
         * Stops the producer.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            while (producer.inFlight() > 0)
            {
                producer.poll(this, Integer.MAX_VALUE);
            }
            producer.close();
        }

        public void onCompletion(final org.amfkeys.engine.Completion completion)
        {
            if (completion.status() == CompletionStatus.DONE)
            {
                done++;
            }
        }
    }

    /**
     * One direct caller thread.
     */
    @State(Scope.Thread)
    public static class Caller
    {
        AmfProcedures amf;
        final NextHopPair pair = new NextHopPair();
        final UeContextTransfer transfer = new UeContextTransfer();
        SplittableRandom random;
        int firstUe;
        int ues;

        /**
         * @param benchmark the table.
         * @param thread    this thread's index.
         */
        @Setup(Level.Trial)
        public void setUp(final EngineBenchmark benchmark, final ThreadParams thread)
        {
            amf = new AmfProcedures(benchmark.table, new Kdf());
            random = new SplittableRandom(thread.getThreadIndex() + 7);
            // Each thread its own UEs: a horizontal handover and its failure never race another thread's.
            ues = benchmark.ues / thread.getThreadCount();
            firstUe = thread.getThreadIndex() * ues;
        }

        /**
         * Zeroes the carrier and closes the procedures.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            pair.clear();
            transfer.clear();
            amf.close();
        }
    }

    /**
     * The procedure through the engine, in a steady flow: {@value #IN_FLIGHT} procedures submitted per
     * invocation, completions taken as they come, so the worker never waits for the producer to drain.
     *
     * @param benchmark the procedure.
     * @param producer  the producer thread's state.
     * @return the requests done so far.
     */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(IN_FLIGHT)
    public long engine(final EngineBenchmark benchmark, final Producer producer)
    {
        final String procedure = benchmark.procedure;
        for (int submitted = 0; submitted < IN_FLIGHT; submitted++)
        {
            final int ue = producer.random.nextInt(producer.ues);
            final long ueId = ProcedureBenchmark.ueId(ue);
            switch (procedure)
            {
                case "path-switch" -> submit(producer, EngineOperation.PATH_SWITCH, ueId);
                case "horizontal-handover" ->
                {
                    submit(producer, EngineOperation.HANDOVER_TO_AMF_WITH_HORIZONTAL_KAMF, ueId);
                    submit(producer, EngineOperation.HANDOVER_FAILED, ueId);
                }
                default ->
                {
                    submit(producer, EngineOperation.RELEASE, ueId);
                    final long ulCount = ++producer.uplinkCounts[ue];
                    while (producer.producer.submitInitialContextSetup(producer.correlationId, ueId, ulCount) !=
                        EngineProducer.SUBMITTED)
                    {
                        producer.producer.poll(producer, 256);
                    }
                    producer.correlationId++;
                }
            }
            if ((submitted & 31) == 0)
            {
                producer.producer.poll(producer, 256);
            }
        }
        return producer.done;
    }

    private static void submit(final Producer producer, final EngineOperation operation, final long ueId)
    {
        final EngineProducer engineProducer = producer.producer;
        while (engineProducer.submit(operation, producer.correlationId, ueId) != EngineProducer.SUBMITTED)
        {
            engineProducer.poll(producer, 256);
        }
        producer.correlationId++;
    }

    /**
     * The procedure by the direct calls, on each of two threads.
     *
     * @param benchmark the procedure.
     * @param caller    the calling thread's state.
     * @return the pair.
     */
    @Benchmark
    @Threads(2)
    public NextHopPair direct(final EngineBenchmark benchmark, final Caller caller)
    {
        final int ue = caller.firstUe + caller.random.nextInt(caller.ues);
        final long ueId = ProcedureBenchmark.ueId(ue);
        switch (benchmark.procedure)
        {
            case "path-switch" -> caller.amf.pathSwitch(ueId, caller.pair);
            case "horizontal-handover" ->
            {
                caller.amf.handoverToAmf(ueId, true, caller.transfer);
                caller.amf.handoverFailed(ueId);
            }
            default ->
            {
                caller.amf.release(ueId);
                caller.amf.initialContextSetup(ueId, ++benchmark.uplinkCounts[ue], caller.pair);
            }
        }
        return caller.pair;
    }
}

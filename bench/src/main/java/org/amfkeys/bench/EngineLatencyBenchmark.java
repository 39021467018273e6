package org.amfkeys.bench;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.amfkeys.context.ContextTable;
import org.amfkeys.engine.Completion;
import org.amfkeys.engine.CompletionHandler;
import org.amfkeys.engine.EngineOperation;
import org.amfkeys.engine.EngineProducer;
import org.amfkeys.engine.KeyEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The engine's latency, submit to completion, for Path Switch offered in open loop at a fraction of
 * the engine's peak throughput (one producer thread, one worker thread: the two cores). The peak is
 * measured first, flat out, in the trial's set-up, after as long again to compile the paths; each
 * iteration then offers {@code load} times it at a constant rate for {@code seconds}, and every
 * completion's latency is taken from the time its request was due, not from when it could be sent,
 * so a stall of the engine counts for every request it delayed (no coordinated omission). The
 * percentiles of all measured iterations are printed at the end of the trial; JMH's own score is
 * only the iteration's length.
 * <p>
 * {@code amfkeys bench EngineLatencyBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class EngineLatencyBenchmark
{
    /** UEs in the table. */
    @Param("1000000")
    public int ues;

    /** The offered rate as a fraction of the peak. */
    @Param({"0.5", "0.9"})
    public double load;

    /** Seconds each iteration offers requests for. */
    @Param("3")
    public int seconds;

    /**
     * The worker's idle strategy: {@code busy-spin} keeps its core, {@code backoff} (the engine's
     * default) spins, yields, then parks while the ring is empty, which leaves the core to whatever
     * else the machine runs instead of having it preempt the worker.
     */
    @Param({"busy-spin", "backoff"})
    public String idle;

    /**
     * Where the worker runs: {@code worker-thread}, its own thread beside the producer's (the two cores
     * both spinning); {@code invoker}, the producer's own thread, which runs the worker's duty cycle
     * through the engine's {@link AgentInvoker} in its loop, as an AMF with its own event loop would,
     * leaving the other core to the rest of the machine ({@code idle} does not apply then).
     */
    @Param({"worker-thread", "invoker"})
    public String threads;

    private ContextTable table;
    private KeyEngine engine;
    private EngineProducer producer;
    /** The worker's duty cycle on the producer's thread, or null when the worker has its own. */
    private AgentInvoker invoker;
    private final LatencyRecorder recorder = new LatencyRecorder();
    private double peakPerSecond;
    private boolean measuring;

    /**
     * Fills the table, starts the engine and measures its peak.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        table = EngineBenchmark.connectedUes(ues);
        final KeyEngine.Options options = new KeyEngine.Options();
        if ("busy-spin".equals(idle))
        {
            options.idleStrategy(BusySpinIdleStrategy::new);
        }
        final boolean invoked = "invoker".equals(threads);
        engine = new KeyEngine(table, options.invoked(invoked)
            .responseRingCapacity(1 << 17).requestRingCapacity(1 << 17));
        invoker = invoked ? engine.invoker(0) : null;
        producer = engine.newProducer();
        // Once to compile the worker's and the producer's paths, once to measure them compiled.
        peak(producer, invoker, new SplittableRandom(7), ues);
        peakPerSecond = peak(producer, invoker, new SplittableRandom(8), ues);
        System.out.printf("%npeak: %.0f Path Switches per second; offering %.0f per second%n", peakPerSecond, load * peakPerSecond);
    }

    /**
     * The histogram keeps the measured iterations only: it is emptied at the start of every warm-up
     * and of the first measurement.
     *
     * @param iteration this iteration's parameters.
     */
    @Setup(Level.Iteration)
    public void startIteration(final IterationParams iteration)
    {
        final boolean warmUp = iteration.getType() == IterationType.WARMUP;
        if (warmUp || !measuring)
        {
            recorder.reset();
        }
        measuring = !warmUp;
    }

    /**
     * Prints the percentiles and stops the engine.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        final Histogram histogram = recorder.histogram;
        System.out.printf("%nlatency with a " + (invoker == null ? idle + " worker thread" : "worker on the producer's thread") +
            " at %.0f%% of peak (%.0f/s offered), %d requests: " +
            "p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n", load * 100, load * peakPerSecond, histogram.getTotalCount(),
            histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
            histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3);
        // A thread the machine takes off its core for milliseconds delays every request due meanwhile.
        System.out.printf("longest stop of the producer's loop %.1f us, longest wait for a completion with requests " +
            "in flight %.1f us%n", recorder.longestProducerGap / 1e3, recorder.longestCompletionGap / 1e3);
        producer.close();
        engine.close();
        table.close();
    }

    /**
     * Offers Path Switches at the iteration's rate for its seconds, then takes every completion.
     *
     * @return requests completed.
     */
    @Benchmark
    public long openLoop()
    {
        final SplittableRandom random = new SplittableRandom(System.nanoTime());
        final long interval = (long)(1e9 / (load * peakPerSecond));
        final long requests = (long)(seconds * load * peakPerSecond);
        final long start = System.nanoTime();
        final long completedBefore = recorder.completed;
        recorder.start = start;
        recorder.interval = interval;
        long next = 0;
        long lastTurn = start;
        recorder.lastCompletion = 0;
        while (next < requests || producer.inFlight() > 0)
        {
            final long now = System.nanoTime();
            recorder.longestProducerGap = Math.max(recorder.longestProducerGap, now - lastTurn);
            lastTurn = now;
            if (producer.inFlight() == 0)
            {
                // Nothing in flight: a pause between completions now is no stop of the worker.
                recorder.lastCompletion = 0;
            }
            while (next < requests && start + next * interval <= now)
            {
                final long ueId = ProcedureBenchmark.ueId(random.nextInt(ues));
                if (producer.submit(EngineOperation.PATH_SWITCH, next, ueId) != EngineProducer.SUBMITTED)
                {
                    // Back-pressured: it goes later, and its latency still counts from when it was due.
                    break;
                }
                next++;
            }
            invokeWorker(invoker);
            producer.poll(recorder, 256);
        }
        return recorder.completed - completedBefore;
    }

    /**
     * @return completions per second with the producer submitting as fast as the engine takes them.
     */
    private static double peak(
        final EngineProducer producer, final AgentInvoker invoker, final SplittableRandom random, final int ues)
    {
        final CompletionHandler ignore = EngineLatencyBenchmark::ignore;
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(5);
        long completed = 0;
        long correlationId = 0;
        while (System.nanoTime() < end)
        {
            while (producer.submit(EngineOperation.PATH_SWITCH, correlationId, ProcedureBenchmark.ueId(random.nextInt(ues))) ==
                EngineProducer.SUBMITTED)
            {
                correlationId++;
            }
            invokeWorker(invoker);
            completed += producer.poll(ignore, Integer.MAX_VALUE);
        }
        final long elapsed = System.nanoTime() - start;
        while (producer.inFlight() > 0)
        {
            invokeWorker(invoker);
            producer.poll(ignore, Integer.MAX_VALUE);
        }
        return completed * 1e9 / elapsed;
    }

    /** One duty cycle of the worker on this thread, when it has no thread of its own. */
    private static void invokeWorker(final AgentInvoker invoker)
    {
        if (invoker != null)
        {
            invoker.invoke();
        }
    }

    private static void ignore(final Completion completion)
    {
        // The peak counts completions only.
    }

    /**
     * Records each completion's latency from the time its request was due: request {@code n} of an
     * iteration was due at {@code start + n * interval}.
     */
    static final class LatencyRecorder implements CompletionHandler
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long start;
        long interval;
        long completed;
        /** Longest time between two completions while requests were in flight: the worker stopped. */
        long longestCompletionGap;
        /** Longest time between two turns of the producer's loop: the producer stopped. */
        long longestProducerGap;
        long lastCompletion;

        public void onCompletion(final Completion completion)
        {
            final long now = System.nanoTime();
            final long due = start + completion.correlationId() * interval;
            histogram.recordValue(Math.min(Math.max(0, now - due), histogram.getHighestTrackableValue()));
            if (lastCompletion != 0)
            {
                longestCompletionGap = Math.max(longestCompletionGap, now - lastCompletion);
            }
            lastCompletion = now;
            completed++;
        }

        void reset()
        {
            histogram.reset();
            longestCompletionGap = 0;
            longestProducerGap = 0;
        }
    }
}

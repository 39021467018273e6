package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.engine.KeyEngine;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.sim.ProcedureMix;
import org.amfkeys.sim.ProcedureMix.Procedure;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The mixed load: simulated UEs registered at two AMFs and an MME run random key lifecycle procedures
 * that fit each UE's state ({@link ProcedureMix#pickFitting}), from every thread over the thread's own
 * UEs, with a share of deliberate overlaps ({@link ProcedureMix#runOverlap}); after every step the UE's
 * keys are compared with the AMF's and the gNB's. As fast as the threads can, or at an offered rate
 * ({@link OpenLoop}); each procedure's latency goes to a histogram of its own.
 */
public final class MixedLoad
{
    /** Index of the overlaps' histogram, after one per procedure. */
    public static final int OVERLAPS = Procedure.values().length;

    private MixedLoad()
    {
    }

    /**
     * What to run.
     *
     * @param ues        simulated UEs, at least 1.
     * @param threads    threads, 1..ues.
     * @param procedures steps in all, at least 1.
     * @param seed       draws keys, UEs and procedures.
     * @param overlap    share of steps that are deliberate overlaps, 0..1.
     * @param rate       steps offered per second, Poisson arrivals spread over the threads; 0 runs as fast
     *                   as the threads can.
     * @param seconds    longest run in seconds, 0 for no limit.
     * @param mix        the procedures picked from ({@link ProcedureMix#ALL}, or {@link ProcedureMix#MOBILITY}
     *                   for the mobility scenario).
     */
    public record Settings(
        int ues, int threads, long procedures, long seed, double overlap, double rate, double seconds, Set<Procedure> mix)
    {
        /**
         * @param ues        simulated UEs, at least 1.
         * @param threads    threads, 1..ues.
         * @param procedures steps in all, 1..10^12.
         * @param seed       draws keys, UEs and procedures.
         * @param overlap    share of deliberate overlaps, 0..1.
         * @param rate       steps offered per second, 0 or more (0: as fast as the threads can).
         * @param seconds    longest run in seconds, 0 or more (0: no limit).
         * @param mix        the procedures picked from, a procedure for every state of a UE among them.
         * @throws InvalidParameterException naming the setting out of range.
         */
        public Settings
        {
            new ProcedureMix(mix);
            mix = Collections.unmodifiableSet(EnumSet.copyOf(mix));
            InvalidParameterException.requireInRange("ues", ues, 1, Integer.MAX_VALUE);
            InvalidParameterException.requireInRange("threads", threads, 1, ues);
            if (procedures < 1 || procedures > 1_000_000_000_000L)
            {
                throw InvalidParameterException.outOfRange("procedures", procedures, 1, 1_000_000_000_000L);
            }
            if (!(overlap >= 0 && overlap <= 1))
            {
                throw new InvalidParameterException("overlap", overlap + " is out of range", "0..1");
            }
            if (!(rate >= 0) || Double.isInfinite(rate))
            {
                throw new InvalidParameterException("rate", rate + " is out of range", "0 (as fast as it can) or more");
            }
            if (!(seconds >= 0) || Double.isInfinite(seconds))
            {
                throw new InvalidParameterException("duration", seconds + " is out of range", "0 (no limit) or more seconds");
            }
        }
    }

    /**
     * How the run went.
     *
     * @param ran        procedures run, by {@link Procedure#ordinal()}.
     * @param refused    procedures refused, by {@link Procedure#ordinal()}.
     * @param refusals   refusals other than the overlaps', by the rule's clause or the state met.
     * @param overlaps   overlaps, by the rule that stopped the second procedure and what it did.
     * @param outOfSync  steps after which the UE's keys differed from the network's.
     * @param setupNanos time to register every UE.
     * @param runNanos   time from the first step's start to the last one's end.
     * @param latency    each step's latency in nanoseconds, by procedure, then {@link #OVERLAPS}.
     * @param perSecond  steps done in each whole second of the run, in order.
     */
    public record Result(
        long[] ran, long[] refused, Map<String, Long> refusals, Map<String, Long> overlaps, long outOfSync, long setupNanos,
        long runNanos, Histogram[] latency, long[] perSecond)
    {
        /**
         * @return every step run, refused or overlapped.
         */
        public long steps()
        {
            return Arrays.stream(ran).sum() + Arrays.stream(refused).sum() + overlaps.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Runs the mixed load on the caller's tables.
     *
     * @param settings what to run.
     * @param amfs     the two AMFs' tables.
     * @param mme      the MME's table.
     * @param engines  a batching engine per AMF for the AS key steps, or null for direct calls.
     * @param progress receives the run's progress each second, from the calling thread (null for none).
     * @return how it went.
     * @throws InterruptedException when interrupted while waiting for the threads.
     */
    public static Result run(
        final Settings settings, final ContextTable[] amfs, final ContextTable mme, final KeyEngine[] engines,
        final Consumer<Progress> progress) throws InterruptedException
    {
        final int threads = settings.threads();
        final int kinds = Procedure.values().length;
        final long[][] ran = new long[threads][];
        final long[][] refused = new long[threads][];
        final long[] outOfSync = new long[threads];
        final Histogram[][] latencies = new Histogram[threads][];
        final SingleWriterRecorder[] steps = ScenarioThreads.recorders(threads);
        final long[] done = new long[threads];
        final long[] setupNanos = new long[threads];
        final Map<String, Long> refusals = new ConcurrentSkipListMap<>();
        final Map<String, Long> overlaps = new ConcurrentSkipListMap<>();
        for (int t = 0; t < threads; t++)
        {
            ran[t] = new long[kinds];
            refused[t] = new long[kinds];
            latencies[t] = ScenarioThreads.histograms(kinds + 1);
        }
        final ScenarioThreads.Timing timing = ScenarioThreads.run("loadtest", threads, done, steps,
            () -> Arrays.stream(outOfSync).sum(), null, progress,
            (thread, ready, go) -> steps(settings, thread, amfs, mme, engines, new Tallies(ran[thread], refused[thread], outOfSync,
                latencies[thread], steps[thread], refusals, overlaps, done, setupNanos), ready, go));
        final long[] ranTotal = new long[kinds];
        final long[] refusedTotal = new long[kinds];
        final Histogram[] latency = new Histogram[kinds + 1];
        for (int k = 0; k <= kinds; k++)
        {
            latency[k] = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        }
        for (int t = 0; t < threads; t++)
        {
            for (int k = 0; k < kinds; k++)
            {
                ranTotal[k] += ran[t][k];
                refusedTotal[k] += refused[t][k];
            }
            for (int k = 0; k <= kinds; k++)
            {
                latency[k].add(latencies[t][k]);
            }
        }
        return new Result(ranTotal, refusedTotal, refusals, overlaps, Arrays.stream(outOfSync).sum(),
            Arrays.stream(setupNanos).max().orElse(0), timing.runNanos(), latency, timing.perSecond());
    }

    /** Where one thread counts; its own slots of the shared arrays, the maps shared. */
    private record Tallies(
        long[] ran, long[] refused, long[] outOfSync, Histogram[] latency, SingleWriterRecorder steps, Map<String, Long> refusals,
        Map<String, Long> overlaps, long[] done, long[] setupNanos)
    {
    }

    private static void steps(
        final Settings settings, final int thread, final ContextTable[] amfs, final ContextTable mme, final KeyEngine[] engines,
        final Tallies tallies, final CountDownLatch ready, final CountDownLatch go) throws InterruptedException
    {
        final SplittableRandom random = new SplittableRandom(settings.seed() + thread);
        final ProcedureMix mix = new ProcedureMix(settings.mix());
        final int first = ScenarioThreads.firstOf(settings.ues(), settings.threads(), thread);
        final int last = ScenarioThreads.firstOf(settings.ues(), settings.threads(), thread + 1);
        try (SimulatedCore core = new SimulatedCore(amfs, new ContextTable[] {mme}, Kdf::new, engines))
        {
            final long setUpStart = System.nanoTime();
            final SimulatedUe[] mine = new SimulatedUe[last - first];
            final byte[] kamf = new byte[Kdf.KEY_LENGTH];
            try
            {
                for (int i = 0; i < mine.length; i++)
                {
                    random.nextBytes(kamf);
                    mine[i] = new SimulatedUe(first + i + 1, core, kamf, random.nextInt(NgKsi.MAX_KEY_SET_IDENTIFIER + 1), 1, 2);
                }
            }
            finally
            {
                // Counted down even when registration failed, so the run never waits for this thread.
                Arrays.fill(kamf, (byte)0);
                tallies.setupNanos()[thread] = System.nanoTime() - setUpStart;
                ready.countDown();
            }
            go.await();
            final long share = settings.procedures() / settings.threads() +
                (thread < settings.procedures() % settings.threads() ? 1 : 0);
            final long deadline = settings.seconds() == 0 ? Long.MAX_VALUE : System.nanoTime() + (long)(settings.seconds() * 1e9);
            // The arrivals draw from a stream of their own, so a rate does not change what the UEs do.
            final SplittableRandom arrivals = new SplittableRandom(~settings.seed() + thread);
            OpenLoop.run(share, settings.rate() / settings.threads(), arrivals, OpenLoop.SYSTEM, (item, due) ->
            {
                final SimulatedUe ue = mine[random.nextInt(mine.length)];
                final int kind = step(mix, ue, random, settings.overlap(), tallies);
                final long latency = OpenLoop.latencySince(OpenLoop.SYSTEM, due);
                tallies.latency()[kind].recordValue(latency);
                tallies.steps().recordValue(latency);
                if (!ue.inSync())
                {
                    tallies.outOfSync()[thread]++;
                }
                // A plain write: the progress line may lag a little, the final counts come from the tallies.
                tallies.done()[thread] = item + 1;
                return System.nanoTime() < deadline;
            });
            for (final SimulatedUe ue : mine)
            {
                ue.close();
            }
        }
    }

    /**
     * One step: a deliberate overlap, or a procedure that fits the UE's state.
     *
     * @return the histogram it belongs to: the procedure's ordinal, or {@link #OVERLAPS}.
     */
    private static int step(
        final ProcedureMix mix, final SimulatedUe ue, final SplittableRandom random, final double overlap, final Tallies tallies)
    {
        if (overlap > 0 && random.nextDouble() < overlap)
        {
            final ConcurrencyRule rule = mix.runOverlap(ue, random);
            tallies.overlaps().merge(rule == null ? "ran" : rule.clause() + ", " + actionOf(rule), 1L, Long::sum);
            return OVERLAPS;
        }
        final Procedure procedure = mix.pickFitting(random, ue);
        try
        {
            mix.runFitting(procedure, ue, random);
            tallies.ran()[procedure.ordinal()]++;
        }
        catch (final ProcedureNotAllowedException refused)
        {
            tallies.refused()[procedure.ordinal()]++;
            tallies.refusals().merge(refusalReason(refused), 1L, Long::sum);
        }
        return procedure.ordinal();
    }

    private static String actionOf(final ConcurrencyRule rule)
    {
        return switch (rule.action())
        {
            case REFUSE -> "refused";
            case WAIT -> "waited for the SMC, then ran";
            default -> rule.action().toString().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * @return the rule a refusal names (its clause), or the state it found.
     */
    private static String refusalReason(final ProcedureNotAllowedException refused)
    {
        return refused.rule() != null ? refused.rule().clause() : "state: " + refused.getMessage().replaceAll("[0-9]+", "N");
    }
}

package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.procedures.AmfChange;
import org.amfkeys.procedures.HorizontalKamfPolicy;
import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.subscriber.SubscriberDescriptor;
import org.amfkeys.sim.subscriber.Subscribers;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * An AMF taken out of service (planned removal, or load re-balancing within an AMF set: TS 23.501
 * 5.21.2): every UE it serves moves to another AMF at once, idle UEs by context transfer (their
 * mobility registration), CONNECTED ones by N2 handover, the source deciding on a horizontal KAMF by the
 * operator's policy. Every UE first registers at the source by 5G AKA on both sides (as in the
 * {@link RegistrationStorm}, not timed), then the moves are timed and each UE's keys checked against
 * the target's.
 */
public final class AmfRemoval
{
    /** Default warm-up moves per thread. */
    public static final int DEFAULT_WARM_UP = 30_000;

    /** The policies {@link Settings#policy} names. */
    public static final List<String> POLICIES = List.of("always", "never", "when-amf-set-changes", "when-storage-not-shared");

    /** How the UEs move: {@link Settings#via}. */
    public static final List<String> VIAS = List.of("context-transfer", "n2-handover");

    /** The AMF set of the AMF being removed; the target's is this one or the next. */
    private static final int SOURCE_AMF_SET = 1;

    private AmfRemoval()
    {
    }

    /**
     * What to run.
     *
     * @param ues          simulated UEs, every one served by the AMF being removed.
     * @param threads      threads, 1..ues.
     * @param seed         draws credentials and RANDs.
     * @param via          {@code context-transfer} (idle UEs) or {@code n2-handover} (CONNECTED UEs).
     * @param policy       the source AMF's horizontal KAMF policy, one of {@link #POLICIES}.
     * @param otherAmfSet  whether the target AMF is in another AMF set (which shares no secure storage
     *                     with the source's); otherwise both are in one set and share it.
     * @param aes          MILENAGE's AES-128 path of the registrations before: {@code aes-ni} or {@code jdk}.
     * @param rate         moves offered per second, Poisson arrivals spread over the threads; 0 moves as
     *                     fast as the threads can.
     * @param seconds      longest run of the moves in seconds, 0 for no limit.
     * @param warmUp       registrations and moves each thread runs first on UEs and AMFs of its own.
     */
    public record Settings(
        int ues, int threads, long seed, String via, String policy, boolean otherAmfSet, String aes, double rate,
        double seconds, int warmUp)
    {
        /**
         * @param ues         simulated UEs, 1..{@value Subscribers#MAX_COUNT}.
         * @param threads     threads, 1..ues.
         * @param seed        draws credentials and RANDs.
         * @param via         {@code context-transfer} or {@code n2-handover}.
         * @param policy      one of {@link #POLICIES}.
         * @param otherAmfSet whether the target is in another AMF set.
         * @param aes         {@code aes-ni} or {@code jdk}.
         * @param rate        moves offered per second, 0 or more.
         * @param seconds     longest run in seconds, 0 or more.
         * @param warmUp      warm-up moves per thread, 0..{@value RegistrationStorm#MAX_WARM_UP}.
         * @throws InvalidParameterException naming the setting out of range.
         */
        public Settings
        {
            new RegistrationStorm.Settings(ues, threads, seed, 0, aes, rate, seconds, warmUp, 1);
            if (!VIAS.contains(via))
            {
                throw new InvalidParameterException("via", InvalidParameterException.quote(via) + " is not a way to move",
                    String.join(" or ", VIAS));
            }
            if (!POLICIES.contains(policy))
            {
                throw new InvalidParameterException("horizontal-kamf", InvalidParameterException.quote(policy) +
                    " is not a policy", String.join(", ", POLICIES));
            }
        }

        /**
         * @return the policy {@link #policy} names.
         */
        public HorizontalKamfPolicy horizontalKamfPolicy()
        {
            return switch (policy)
            {
                case "always" -> HorizontalKamfPolicy.always();
                case "never" -> HorizontalKamfPolicy.never();
                case "when-amf-set-changes" -> HorizontalKamfPolicy.whenAmfSetChanges();
                default -> HorizontalKamfPolicy.whenSecureStorageNotShared();
            };
        }

        /**
         * @return the source and target AMF sets, sharing secure storage when they are one set.
         */
        public AmfChange sets()
        {
            final AmfChange.Kind kind = via.equals("n2-handover") ? AmfChange.Kind.N2_HANDOVER : AmfChange.Kind.CONTEXT_TRANSFER;
            return new AmfChange(kind, SOURCE_AMF_SET, otherAmfSet ? SOURCE_AMF_SET + 1 : SOURCE_AMF_SET, !otherAmfSet);
        }
    }

    /**
     * How the removal went.
     *
     * @param moved            UEs moved with the KAMF they had, their keys equal to the target's.
     * @param movedHorizontal  UEs moved with a horizontal KAMF, their keys equal to the target's.
     * @param outOfSync        UEs whose keys differ from the target AMF's or gNB's.
     * @param refused          UEs with a step an AMF refused (or whose registration before failed).
     * @param setupNanos       time to warm up, provision and register every UE at the source.
     * @param moveNanos        time from the first move's start to the last one's end.
     * @param latency          each move's latency in nanoseconds, every side: from its start, or under an
     *                         offered rate from when it was due.
     * @param subscriberBytes  octets of the subscribers' records.
     * @param tableBytes       octets of both AMFs' context tables.
     * @param perSecond        moves done in each whole second, in order.
     */
    public record Result(
        long moved, long movedHorizontal, long outOfSync, long refused, long setupNanos, long moveNanos, Histogram latency,
        long subscriberBytes, long tableBytes, long[] perSecond)
    {
        /**
         * @return every UE the removal moved or tried to.
         */
        public long ues()
        {
            return moved + movedHorizontal + outOfSync + refused;
        }

        /**
         * @param ues the UEs simulated.
         * @return octets per UE, every side: subscribers' records and both AMFs' tables.
         */
        public double bytesPerUe(final int ues)
        {
            return (subscriberBytes + tableBytes) / (double)ues;
        }
    }

    /**
     * Runs a removal.
     *
     * @param settings what to run.
     * @param progress receives the run's progress each second, from the calling thread (null for none).
     * @return how it went.
     * @throws InterruptedException when interrupted while waiting for the threads.
     */
    public static Result run(final Settings settings, final Consumer<Progress> progress) throws InterruptedException
    {
        RegistrationStorm.requireUsable(settings.aes());
        final int threads = settings.threads();
        final long[][] outcomes = new long[threads][AmfMove.Outcome.values().length];
        final SingleWriterRecorder[] latencies = ScenarioThreads.recorders(threads);
        final long[] done = new long[threads];
        try (Subscribers subscribers = new Subscribers(settings.ues());
            ContextTable source = new ContextTable(settings.ues());
            ContextTable target = new ContextTable(settings.ues()))
        {
            final Runnable prefault = () ->
            {
                source.prefault();
                target.prefault();
            };
            final ScenarioThreads.Timing timing = ScenarioThreads.run("amf-removal", threads, done, latencies,
                () -> ScenarioThreads.sumOf(outcomes, AmfMove.Outcome.OUT_OF_SYNC.ordinal()), prefault, progress,
                (thread, ready, go) -> remove(
                    settings, thread, subscribers, source, target, outcomes[thread], latencies[thread], done, ready, go));
            final long[] total = ScenarioThreads.sum(outcomes);
            return new Result(
                total[AmfMove.Outcome.MOVED.ordinal()],
                total[AmfMove.Outcome.MOVED_WITH_HORIZONTAL_KAMF.ordinal()],
                total[AmfMove.Outcome.OUT_OF_SYNC.ordinal()],
                total[AmfMove.Outcome.REFUSED.ordinal()],
                timing.setupNanos(), timing.runNanos(), timing.latency(),
                (long)settings.ues() * SubscriberDescriptor.LENGTH, source.memoryBytes() + target.memoryBytes(),
                timing.perSecond());
        }
    }

    private static void remove(
        final Settings settings, final int thread, final Subscribers subscribers, final ContextTable source,
        final ContextTable target, final long[] outcomes, final SingleWriterRecorder latency, final long[] done,
        final CountDownLatch ready, final CountDownLatch go) throws InterruptedException
    {
        final int first = ScenarioThreads.firstOf(settings.ues(), settings.threads(), thread);
        final int last = ScenarioThreads.firstOf(settings.ues(), settings.threads(), thread + 1);
        final SplittableRandom random = new SplittableRandom(settings.seed() + thread);
        warmUp(settings, random);
        try (AmfMove move = new AmfMove(subscribers, source, target, settings.sets(), settings.horizontalKamfPolicy()))
        {
            try
            {
                registerAtSource(settings, subscribers, source, move, first, last, random);
            }
            finally
            {
                ready.countDown();
            }
            go.await();
            final long deadline = settings.seconds() == 0 ? Long.MAX_VALUE : System.nanoTime() + (long)(settings.seconds() * 1e9);
            final SplittableRandom arrivals = new SplittableRandom(~settings.seed() + thread);
            OpenLoop.run(last - first, settings.rate() / settings.threads(), arrivals, OpenLoop.SYSTEM, (item, due) ->
            {
                final AmfMove.Outcome outcome = move.move(first + (int)item);
                latency.recordValue(OpenLoop.latencySince(OpenLoop.SYSTEM, due));
                outcomes[outcome.ordinal()]++;
                done[thread] = item + 1;
                return System.nanoTime() < deadline;
            });
        }
    }

    /**
     * Every UE of {@code first..last-1} provisioned and registered at the source by 5G AKA, and
     * CONNECTED there for an N2 handover. A UE whose registration failed stays unknown to the source, so
     * its move is refused and counted.
     */
    private static void registerAtSource(
        final Settings settings, final Subscribers subscribers, final ContextTable source, final AmfMove move,
        final int first, final int last, final SplittableRandom random)
    {
        final boolean connected = settings.via().equals("n2-handover");
        final int batch = RegistrationStorm.DEFAULT_BATCH;
        try (Registration registration = new Registration(
            subscribers, source, new Milenage(RegistrationStorm.aesOf(settings.aes())), batch, true))
        {
            for (int index = first; index < last; index++)
            {
                registration.provision(index, random, 0);
            }
            final Registration.Outcome[] outcomes = new Registration.Outcome[batch];
            for (int index = first; index < last; index += batch)
            {
                final int count = Math.min(batch, last - index);
                registration.register(index, count, random, outcomes);
                for (int i = 0; connected && i < count; i++)
                {
                    if (outcomes[i] == Registration.Outcome.REGISTERED)
                    {
                        move.connect(index + i);
                    }
                }
            }
        }
    }

    /** The removal's code, on UEs and AMFs of the thread's own, until the JIT compiled it. */
    private static void warmUp(final Settings settings, final SplittableRandom random)
    {
        if (settings.warmUp() == 0)
        {
            return;
        }
        try (Subscribers subscribers = new Subscribers(settings.warmUp());
            ContextTable source = new ContextTable(settings.warmUp());
            ContextTable target = new ContextTable(settings.warmUp());
            AmfMove move = new AmfMove(subscribers, source, target, settings.sets(), settings.horizontalKamfPolicy()))
        {
            registerAtSource(settings, subscribers, source, move, 0, settings.warmUp(), random);
            for (int index = 0; index < settings.warmUp(); index++)
            {
                move.move(index);
            }
        }
    }
}

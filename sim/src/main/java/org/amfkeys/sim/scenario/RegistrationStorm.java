package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.sim.aka.Aes128;
import org.amfkeys.sim.aka.JdkAes128;
import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.aka.NativeAes128;
import org.amfkeys.sim.subscriber.SubscriberDescriptor;
import org.amfkeys.sim.subscriber.Subscribers;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The registration storm: every simulated UE registers at once (a core's restart, a network's
 * recovery), each by 5G AKA on both sides and a NAS Security Mode Command, from every thread, each
 * thread over its own share of the subscribers. Subscribers live off-heap ({@link Subscribers}), the
 * AMF's contexts in the core's {@link ContextTable}.
 */
public final class RegistrationStorm
{
    /** Most warm-up registrations per thread. */
    public static final int MAX_WARM_UP = 1_000_000;

    /**
     * Default warm-up registrations per thread. The JIT compiles a batch's methods after thousands of
     * batches, not registrations: with 30,000 registrations (about a thousand batches) a storm's first
     * three seconds still ran at half, three quarters and nine tenths of its steady rate while the
     * compiler worked (measured: 2 threads, 4,000,000 UEs, batches of 32); from about 400,000 they run
     * at the steady rate.
     */
    public static final int DEFAULT_WARM_UP = 400_000;

    /**
     * Subscribers a thread's warm-up registers, again and again: a warm-up as long as the default on
     * subscribers of its own would hold as much memory as the storm's first 400,000 UEs per thread.
     */
    private static final int WARM_UP_SUBSCRIBERS = 50_000;

    /**
     * Default registrations a thread computes together: enough to fill the batch kernel's lanes in every
     * stage (the smallest, the ME's KAMF, has one derivation per UE), few enough that a full batch
     * takes about a tenth of a millisecond (measured: 16 to 64 register equally fast).
     */
    public static final int DEFAULT_BATCH = 32;

    private RegistrationStorm()
    {
    }

    /**
     * What to run.
     *
     * @param ues         simulated UEs, at least 1.
     * @param threads     threads, 1..ues.
     * @param seed        draws credentials and RANDs.
     * @param aheadUsims  share of USIMs ahead of their home network, which resynchronise first, 0..1.
     * @param aes         the AES-128 path of MILENAGE: {@code aes-ni} or {@code jdk}.
     * @param rate        registrations offered per second, Poisson arrivals spread over the threads;
     *                    0 registers as fast as the threads can.
     * @param seconds     longest run in seconds, 0 for no limit: UEs not registered by then are left.
     * @param warmUp      registrations each thread runs first, on subscribers and an AMF of its own that
     *                    the storm never sees, so the storm does not measure the JIT compiling its code.
     * @param batch       most registrations a thread computes together, their key derivations stage by
     *                    stage on the native batch kernel ({@link Registration}); 1 registers one UE at a
     *                    time on the fastest single-derivation engine.
     */
    public record Settings(
        int ues, int threads, long seed, double aheadUsims, String aes, double rate, double seconds, int warmUp, int batch)
    {
        /**
         * @param ues        simulated UEs, 1..{@value Subscribers#MAX_COUNT}.
         * @param threads    threads, 1..ues.
         * @param seed       draws credentials and RANDs.
         * @param aheadUsims share of USIMs ahead of their home network, 0..1.
         * @param aes        {@code aes-ni} or {@code jdk}.
         * @param rate       registrations offered per second, 0 or more (0: as fast as the threads can).
         * @param seconds    longest run in seconds, 0 or more (0: no limit).
         * @param warmUp     warm-up registrations per thread, 0..{@value #MAX_WARM_UP}.
         * @param batch      registrations computed together, 1..{@value Registration#MAX_BATCH}.
         * @throws InvalidParameterException naming the setting out of range.
         */
        public Settings
        {
            InvalidParameterException.requireInRange("warm-up", warmUp, 0, MAX_WARM_UP);
            InvalidParameterException.requireInRange("batch", batch, 1, Registration.MAX_BATCH);
            if (!(rate >= 0) || Double.isInfinite(rate))
            {
                throw new InvalidParameterException("rate", rate + " is out of range", "0 (as fast as it can) or more");
            }
            if (!(seconds >= 0) || Double.isInfinite(seconds))
            {
                throw new InvalidParameterException("duration", seconds + " is out of range", "0 (no limit) or more seconds");
            }
            InvalidParameterException.requireInRange("ues", ues, 1, Subscribers.MAX_COUNT);
            InvalidParameterException.requireInRange("threads", threads, 1, ues);
            if (!(aheadUsims >= 0 && aheadUsims <= 1))
            {
                throw new InvalidParameterException("ahead-usims", aheadUsims + " is out of range", "0..1");
            }
            if (!aes.equals("aes-ni") && !aes.equals("jdk"))
            {
                throw new InvalidParameterException("aes", InvalidParameterException.quote(aes) + " is not a path", "aes-ni or jdk");
            }
        }
    }

    /**
     * How the storm went.
     *
     * @param registered            UEs registered at the first authentication.
     * @param resynchronised        UEs registered after a synch failure and resynchronisation.
     * @param outOfSync             UEs whose KAMF or NAS keys differ from the AMF's.
     * @param authenticationFailed  UEs whose authentication failed.
     * @param refused               UEs with a step the AMF refused.
     * @param setupNanos            time to warm up and provision every subscriber.
     * @param stormNanos            time from the first registration's start to the last one's end.
     * @param latency               each registration's latency in nanoseconds, every side included: from
     *                              its start, or under an offered rate from when it was due.
     * @param subscriberBytes       octets of the subscribers' records (home network, USIM, ME).
     * @param tableBytes            octets of the AMF's context table.
     * @param perSecond             registrations done in each whole second of the storm, in order.
     * @param tablePrefaulted       whether the AMF's table was faulted in before the storm
     *                              ({@link ContextTable#prefault}).
     * @param kernel                what computed the stages of the key derivations
     *                              ({@link Registration#kernelName()}).
     * @param batchSizes            at index n, how many batches of n registrations ran.
     * @param authentication        each registration's authentication in nanoseconds: from its start (or
     *                              when it was due) until both sides held KSEAF and the home network
     *                              had checked RES* and HRES*.
     * @param securityMode          each registration's NAS security mode in nanoseconds: from the end of
     *                              its authentication (KAMF at the AMF, the SMC) until the UE's keys were
     *                              checked against the AMF's after the Security Mode Complete.
     */
    public record Result(
        long registered, long resynchronised, long outOfSync, long authenticationFailed, long refused, long setupNanos,
        long stormNanos, Histogram latency, long subscriberBytes, long tableBytes, long[] perSecond, boolean tablePrefaulted,
        String kernel, long[] batchSizes, Histogram authentication, Histogram securityMode)
    {
        /**
         * @return every UE the storm ran.
         */
        public long ues()
        {
            return registered + resynchronised + outOfSync + authenticationFailed + refused;
        }

        /**
         * @param ues the UEs simulated.
         * @return octets per UE, every side: subscribers' records and the AMF's table.
         */
        public double bytesPerUe(final int ues)
        {
            return (subscriberBytes + tableBytes) / (double)ues;
        }
    }

    /**
     * Runs a storm.
     *
     * @param settings what to run.
     * @param progress receives the run's progress each second, from the calling thread (null for none).
     * @return how it went.
     * @throws InterruptedException when interrupted while waiting for the threads.
     */
    public static Result run(final Settings settings, final Consumer<Progress> progress) throws InterruptedException
    {
        requireUsable(settings.aes());
        final int threads = settings.threads();
        final long[][] outcomes = new long[threads][Registration.Outcome.values().length];
        final SingleWriterRecorder[] latencies = ScenarioThreads.recorders(threads);
        final long[] done = new long[threads];
        try (Subscribers subscribers = new Subscribers(settings.ues());
            ContextTable table = new ContextTable(settings.ues()))
        {
            final boolean[] prefaulted = new boolean[1];
            final String[] kernel = new String[threads];
            final long[][] batchSizes = new long[threads][settings.batch() + 1];
            final Histogram[] authentication = ScenarioThreads.histograms(threads);
            final Histogram[] securityMode = ScenarioThreads.histograms(threads);
            // Beside the provisioning threads: the storm's first inserts then take no page faults.
            final ScenarioThreads.Timing timing = ScenarioThreads.run("registration-storm", threads, done, latencies,
                () -> ScenarioThreads.sumOf(outcomes, Registration.Outcome.OUT_OF_SYNC.ordinal()),
                () -> prefaulted[0] = table.prefault(), progress,
                (thread, provisioned, go) ->
                    storm(settings, thread, subscribers, table, outcomes[thread],
                        new StepLatencies(latencies[thread], authentication[thread], securityMode[thread]), done, kernel,
                        batchSizes[thread], provisioned, go));
            final long[] total = ScenarioThreads.sum(outcomes);
            return new Result(
                total[Registration.Outcome.REGISTERED.ordinal()],
                total[Registration.Outcome.REGISTERED_AFTER_RESYNCHRONISATION.ordinal()],
                total[Registration.Outcome.OUT_OF_SYNC.ordinal()],
                total[Registration.Outcome.AUTHENTICATION_FAILED.ordinal()],
                total[Registration.Outcome.REFUSED.ordinal()],
                timing.setupNanos(), timing.runNanos(), timing.latency(),
                (long)settings.ues() * SubscriberDescriptor.LENGTH, table.memoryBytes(), timing.perSecond(), prefaulted[0],
                kernel[0], ScenarioThreads.sum(batchSizes), ScenarioThreads.merge(authentication),
                ScenarioThreads.merge(securityMode));
        }
    }

    private static void storm(
        final Settings settings, final int thread, final Subscribers subscribers, final ContextTable table,
        final long[] outcomes, final StepLatencies latency, final long[] done, final String[] kernel, final long[] batchSizes,
        final CountDownLatch provisioned, final CountDownLatch go) throws InterruptedException
    {
        final int first = ScenarioThreads.firstOf(settings.ues(), settings.threads(), thread);
        final int last = ScenarioThreads.firstOf(settings.ues(), settings.threads(), thread + 1);
        final SplittableRandom random = new SplittableRandom(settings.seed() + thread);
        warmUp(settings, random);
        try (Registration registration = newRegistration(settings, subscribers, table))
        {
            kernel[thread] = registration.kernelName();
            try
            {
                for (int index = first; index < last; index++)
                {
                    registration.provision(index, random, settings.aheadUsims());
                }
            }
            finally
            {
                provisioned.countDown();
            }
            go.await();
            final long deadline = settings.seconds() == 0 ? Long.MAX_VALUE :
                System.nanoTime() + (long)(settings.seconds() * 1e9);
            // The arrivals draw from a stream of their own, so a rate does not change the RANDs.
            final SplittableRandom arrivals = new SplittableRandom(~settings.seed() + thread);
            new ThreadRun(settings.batch(), latency, outcomes, batchSizes, done, thread)
                .register(registration, first, last - first, random, arrivals, settings.rate() / settings.threads(), deadline);
        }
    }

    /**
     * One thread's loop of registrations and where it records them: the storm's, and the warm-up's
     * (into records of its own), so that the JIT has compiled the loop itself before the storm too.
     */
    private static final class ThreadRun
    {
        private final Registration.Outcome[] batchOutcomes;
        private final long[] dues;
        private final StepLatencies latency;
        private final long[] outcomes;
        private final long[] batchSizes;
        private final long[] done;
        private final int thread;

        ThreadRun(
            final int batch, final StepLatencies latency, final long[] outcomes, final long[] batchSizes, final long[] done,
            final int thread)
        {
            this.batchOutcomes = new Registration.Outcome[batch];
            this.dues = new long[batch];
            this.latency = latency;
            this.outcomes = outcomes;
            this.batchSizes = batchSizes;
            this.done = done;
            this.thread = thread;
        }

        /** A thread's records of its own, for a warm-up. */
        static ThreadRun scratch(final int batch)
        {
            return new ThreadRun(batch, new StepLatencies(ScenarioThreads.recorders(1)[0], ScenarioThreads.histograms(1)[0],
                ScenarioThreads.histograms(1)[0]), new long[Registration.Outcome.values().length], new long[batch + 1], new long[1], 0);
        }

        /** Registers subscribers {@code first .. first + count - 1} in batches, at {@code rate} per second (0: at once). */
        void register(
            final Registration registration, final int first, final int count, final SplittableRandom random,
            final SplittableRandom arrivals, final double rate, final long deadline)
        {
            OpenLoop.runBatches(count, rate, arrivals, OpenLoop.SYSTEM, dues, (item, n, due) ->
            {
                registration.register(first + (int)item, n, random, batchOutcomes);
                final long end = System.nanoTime();
                final long authenticated = registration.authenticatedAt();
                batchSizes[n]++;
                for (int i = 0; i < n; i++)
                {
                    latency.registration().recordValue(OpenLoop.latencySince(OpenLoop.SYSTEM, due[i]));
                    latency.authentication().recordValue(stepNanos(due[i], authenticated));
                    latency.securityMode().recordValue(stepNanos(authenticated, end));
                    outcomes[batchOutcomes[i].ordinal()]++;
                }
                // A plain write: the progress line may lag a little, the final counts come from outcomes.
                done[thread] = item + n;
                return System.nanoTime() < deadline;
            });
        }
    }

    /** Where a thread records the latencies of its registrations, whole and by step. */
    private record StepLatencies(SingleWriterRecorder registration, Histogram authentication, Histogram securityMode)
    {
    }

    private static long stepNanos(final long from, final long to)
    {
        return Math.min(Math.max(0, to - from), OpenLoop.HIGHEST_LATENCY_NANOS);
    }

    /**
     * The storm's code, run on subscribers and an AMF of the thread's own until the JIT compiled it: the
     * same subscribers register again and again, each round at a new AMF, so every round inserts UEs
     * the AMF does not know yet, as the storm does (from the second round on, the UEs take the next ngKSI).
     */
    private static void warmUp(final Settings settings, final SplittableRandom random)
    {
        if (settings.warmUp() == 0)
        {
            return;
        }
        final int pool = Math.min(settings.warmUp(), WARM_UP_SUBSCRIBERS);
        final ThreadRun run = ThreadRun.scratch(settings.batch());
        final SplittableRandom arrivals = new SplittableRandom(settings.seed());
        try (Subscribers subscribers = new Subscribers(pool))
        {
            int done = 0;
            while (done < settings.warmUp())
            {
                try (ContextTable table = new ContextTable(pool);
                    Registration registration = newRegistration(settings, subscribers, table))
                {
                    if (done == 0)
                    {
                        for (int index = 0; index < pool; index++)
                        {
                            registration.provision(index, random, settings.aheadUsims());
                        }
                    }
                    final int count = Math.min(pool, settings.warmUp() - done);
                    run.register(registration, 0, count, random, arrivals, 0, Long.MAX_VALUE);
                    done += count;
                }
            }
        }
    }

    /**
     * @return a thread's registrations: in batches on the native batch kernel, or one at a time when the
     *         batch is 1.
     */
    static Registration newRegistration(final Settings settings, final Subscribers subscribers, final ContextTable table)
    {
        return new Registration(subscribers, table, new Milenage(aesOf(settings)), settings.batch(), settings.batch() > 1);
    }

    private static Aes128 aesOf(final Settings settings)
    {
        return aesOf(settings.aes());
    }

    /**
     * Refuses the native path on a machine where it cannot load, before any thread starts.
     *
     * @param path {@code aes-ni} or {@code jdk}.
     */
    static void requireUsable(final String path)
    {
        if (path.equals("aes-ni") && NativeAes128.availability() != null)
        {
            throw new InvalidParameterException("aes", "aes-ni is not usable here: " + NativeAes128.availability(), "jdk");
        }
    }

    /**
     * @param path {@code aes-ni} or {@code jdk}.
     * @return a new AES-128 kernel of that path.
     */
    static Aes128 aesOf(final String path)
    {
        return path.equals("aes-ni") ? new NativeAes128() : new JdkAes128();
    }
}

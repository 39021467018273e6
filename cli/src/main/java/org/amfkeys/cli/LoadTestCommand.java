package org.amfkeys.cli;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.sim.ProcedureMix;
import org.amfkeys.sim.ProcedureMix.Procedure;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.NgKsi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code amfkeys loadtest}: simulated UEs run random key lifecycle procedures against two AMFs and an
 * MME from every core, and after each procedure the UE's own keys are checked against the network's.
 */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    description = {
        "Registers N simulated UEs at two AMFs' and an MME's context tables, then runs random key lifecycle",
        "procedures on them from every thread: initial context setup, Xn and N2 handovers (also to the other",
        "AMF, with and without a horizontal KAMF), mobility registrations that complete or fail, AS and NAS",
        "key refresh, re-authentication, UE Context Modification, and moves to EPS and back. After every",
        "procedure the UE's KAMF, NAS keys and KgNB (each derived by the UE mirror from what it received) are",
        "compared with the AMF's and the gNB's. Prints a report; exit status 0 when every UE stayed in sync."})
public final class LoadTestCommand implements Callable<Integer>
{
    /** Most UEs the command simulates. */
    static final int MAX_UES = 5_000_000;

    /** Most threads the command runs. */
    static final int MAX_THREADS = 1024;

    private static final int OUT_OF_SYNC = Procedure.values().length;
    private static final int REFUSED_BASE = OUT_OF_SYNC + 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--ues", paramLabel = "N", description = "Simulated UEs, 1.." + MAX_UES + " (default: ${DEFAULT-VALUE}).")
    private int ues = 100_000;

    @Option(names = "--procedures", paramLabel = "P", description = "Procedures to run in all (default: ${DEFAULT-VALUE}).")
    private long procedures = 1_000_000;

    @Option(names = "--threads", paramLabel = "T",
        description = "Threads, 1.." + MAX_THREADS + " (default: all cores); never more than UEs, since each owns its UEs.")
    private int threads = Runtime.getRuntime().availableProcessors();

    /** Threads that run: a thread owns the UEs it drives, so one without a UE would have nothing to do. */
    private int running;

    @Option(names = "--seed", paramLabel = "S", description = "Picks keys, UEs and procedures (default: ${DEFAULT-VALUE}).")
    private long seed = 33501;

    public Integer call() throws InterruptedException
    {
        InvalidParameterException.requireInRange("ues", ues, 1, MAX_UES);
        InvalidParameterException.requireInRange("threads", threads, 1, MAX_THREADS);
        if (procedures < 1 || procedures > 1_000_000_000_000L)
        {
            throw InvalidParameterException.outOfRange("procedures", procedures, 1, 1_000_000_000_000L);
        }
        // The default is every core, so a small --ues on a machine with more cores than UEs must work too.
        running = Math.min(threads, ues);
        final PrintWriter out = spec.commandLine().getOut();
        final int kinds = Procedure.values().length;
        final AtomicLongArray counts = new AtomicLongArray(2 * kinds + 1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] setUpNanos = new long[running];
        final long start;
        final long end;
        try (ContextTable amf1 = new ContextTable(ues);
            ContextTable amf2 = new ContextTable(ues);
            ContextTable mme = new ContextTable(ues))
        {
            final ContextTable[] amfs = {amf1, amf2};
            final Thread[] workers = new Thread[running];
            final CountDownLatch ready = new CountDownLatch(running);
            final CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < running; t++)
            {
                final int thread = t;
                workers[t] = new Thread(() ->
                {
                    try
                    {
                        work(thread, amfs, mme, counts, ready, go, setUpNanos);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "loadtest-" + t);
                workers[t].start();
            }
            ready.await();
            start = System.nanoTime();
            go.countDown();
            for (final Thread worker : workers)
            {
                worker.join();
            }
            end = System.nanoTime();
        }
        if (failure.get() != null)
        {
            spec.commandLine().getErr().println("amfkeys loadtest: " + failure.get());
            return 1;
        }
        long setUp = 0;
        for (final long nanos : setUpNanos)
        {
            setUp = Math.max(setUp, nanos);
        }
        report(out, counts, setUp, end - start);
        return counts.get(OUT_OF_SYNC) == 0 ? 0 : 1;
    }

    private void work(
        final int thread, final ContextTable[] amfs, final ContextTable mme, final AtomicLongArray counts,
        final CountDownLatch ready, final CountDownLatch go,
        final long[] setUpNanos) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(seed + thread);
        final ProcedureMix mix = new ProcedureMix();
        final int first = (int)((long)ues * thread / running);
        final int last = (int)((long)ues * (thread + 1) / running);
        final long[] ran = new long[2 * Procedure.values().length + 1];
        try (SimulatedCore core = new SimulatedCore(amfs, mme, Kdf::new))
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
                setUpNanos[thread] = System.nanoTime() - setUpStart;
                ready.countDown();
            }
            go.await();
            final long share = procedures / running + (thread < procedures % running ? 1 : 0);
            for (long p = 0; p < share; p++)
            {
                final SimulatedUe ue = mine[random.nextInt(mine.length)];
                final Procedure procedure = mix.pick(random);
                try
                {
                    mix.run(procedure, ue, random);
                    ran[procedure.ordinal()]++;
                }
                catch (final ProcedureNotAllowedException refused)
                {
                    ran[REFUSED_BASE + procedure.ordinal()]++;
                }
                if (!ue.inSync())
                {
                    ran[OUT_OF_SYNC]++;
                }
            }
            for (final SimulatedUe ue : mine)
            {
                ue.close();
            }
        }
        for (int i = 0; i < ran.length; i++)
        {
            counts.addAndGet(i, ran[i]);
        }
    }

    private void report(final PrintWriter out, final AtomicLongArray counts, final long setUpNanos, final long nanos)
    {
        try (Kdf kdf = new Kdf())
        {
            out.printf("amfkeys loadtest: %d simulated UEs, %d threads%s, %d procedures, HMAC engine %s%n",
                ues, running, running < threads ? " (" + threads + " asked; one UE per thread at least)" : "", procedures,
                kdf.engineName());
        }
        out.printf("registration-seconds: %.2f (each UE authenticated and its NAS SMC run on AMF and UE)%n",
            setUpNanos / 1e9);
        out.printf("%-26s %12s %12s%n", "procedure", "ran", "refused");
        long ran = 0;
        long refused = 0;
        for (final Procedure procedure : Procedure.values())
        {
            final long r = counts.get(procedure.ordinal());
            final long x = counts.get(REFUSED_BASE + procedure.ordinal());
            ran += r;
            refused += x;
            out.printf("%-26s %12d %12d%n", procedure.token(), r, x);
        }
        out.printf("%-26s %12d %12d%n", "total", ran, refused);
        out.printf("seconds: %.2f%n", nanos / 1e9);
        out.printf("procedures-per-second: %.0f%n", (ran + refused) / (nanos / 1e9));
        out.printf("ues-checked: %d (UE, gNB and AMF compared after every procedure)%n", ran + refused);
        out.printf("out-of-sync: %d%n", counts.get(OUT_OF_SYNC));
    }
}

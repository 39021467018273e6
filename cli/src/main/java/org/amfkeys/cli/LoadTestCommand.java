package org.amfkeys.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.amfkeys.sim.aka.NativeAes128;
import org.amfkeys.sim.scenario.RegistrationStorm;
import org.amfkeys.sim.subscriber.SubscriberDescriptor;
import org.amfkeys.sim.subscriber.Subscribers;
import org.amfkeys.types.NgKsi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
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
        "procedures that each UE's state allows (CONNECTED or idle, in 5GS or EPS) on them from every thread, so",
        "any refusal is reported with its rule: initial context setup, Xn and N2 handovers (also to the other",
        "AMF, with and without a horizontal KAMF), mobility registrations that complete or fail, AS and NAS",
        "key refresh, re-authentication, UE Context Modification, and moves to EPS and back. After every",
        "procedure the UE's KAMF, NAS keys and KgNB (each derived by the UE mirror from what it received) are",
        "compared with the AMF's and the gNB's. The AMFs' AS key steps run through a batching engine per AMF",
        "(--engine direct calls them directly instead). Prints a report; exit status 0 when every UE stayed in sync."})
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

    @Option(names = "--ues", paramLabel = "N", description = "Simulated UEs: mixed 1.." + MAX_UES + ", registration-storm 1.." +
        Subscribers.MAX_COUNT + " (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--engine", paramLabel = "PATH",
        description = "How the AMFs run their AS key steps: engine (a batching KeyEngine per AMF) or direct (default: ${DEFAULT-VALUE}).")
    private String engine = "engine";

    @Option(names = "--scenario", paramLabel = "NAME",
        description = "mixed (random procedures on registered UEs) or registration-storm (every UE registers at once " +
            "by 5G AKA on both sides and a NAS SMC) (default: ${DEFAULT-VALUE}).")
    private String scenario = "mixed";

    @Option(names = "--aes", paramLabel = "PATH",
        description = "registration-storm: MILENAGE's AES-128, aes-ni (native) or jdk (default: aes-ni where usable, else jdk).")
    private String aes;

    @Option(names = "--ahead-usims", paramLabel = "SHARE",
        description = "registration-storm: share of USIMs ahead of their home network's SQN, which resynchronise " +
            "before they register, 0..1 (default: ${DEFAULT-VALUE}).")
    private double aheadUsims = 0.01;

    @Option(names = "--rate", paramLabel = "R",
        description = "registration-storm: registrations offered per second, Poisson arrivals, latency measured from " +
            "when each was due; 0 runs as fast as it can (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--duration", paramLabel = "SECONDS",
        description = "registration-storm: stop after this long, UEs not yet registered left as they are; 0 for no " +
            "limit (default: ${DEFAULT-VALUE}).")
    private double duration;

    @Option(names = "--warm-up", paramLabel = "N",
        description = "registration-storm: registrations each thread runs first, on subscribers of its own, so the storm " +
            "does not measure the JIT compiling its code; 0.." + RegistrationStorm.MAX_WARM_UP + " (default: ${DEFAULT-VALUE}).")
    private int warmUp = 30_000;

    @Option(names = "--json", paramLabel = "FILE", description = "registration-storm: also write every figure to FILE as JSON.")
    private File json;

    @Option(names = "--html", paramLabel = "FILE",
        description = "registration-storm: also write a self-contained HTML page with the latency and throughput charts to FILE.")
    private File html;

    @Option(names = "--progress",
        description = "Print a progress line every second even when standard error is not a terminal.")
    private boolean progress;

    @Option(names = "--overlap", paramLabel = "SHARE",
        description = "mixed: share of steps that start a second procedure during a NAS SMC on purpose (an N2 handover, " +
            "a context transfer, a UE Context Modification, an Initial Context Setup), to exercise the concurrency " +
            "rules, 0..1 (default: ${DEFAULT-VALUE}).")
    private double overlap = 0.02;

    @Option(names = "--counters-dir", paramLabel = "DIR",
        description = "Puts each engine's counters in DIR/amf-1.counters and DIR/amf-2.counters, for amfkeys stat while the test runs.")
    private File countersDir;

    public Integer call() throws InterruptedException
    {
        switch (scenario)
        {
            case "mixed" ->
            {
                return mixed();
            }
            case "registration-storm" ->
            {
                return registrationStorm();
            }
            default -> throw new InvalidParameterException("scenario", InvalidParameterException.quote(scenario) + " is not a scenario",
                "mixed or registration-storm");
        }
    }

    private int registrationStorm() throws InterruptedException
    {
        final String path = aes != null ? aes : NativeAes128.availability() == null ? "aes-ni" : "jdk";
        final RegistrationStorm.Settings settings =
            new RegistrationStorm.Settings(ues, Math.min(threads, ues), seed, aheadUsims, path, rate, duration, warmUp);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final boolean showProgress = progress || System.console() != null;
        final long start = System.nanoTime();
        final RegistrationStorm.Result result = RegistrationStorm.run(settings, done ->
        {
            if (showProgress)
            {
                final double seconds = (System.nanoTime() - start) / 1e9;
                err.printf("progress: %.0f s, %d of %d registered%n", seconds, done, ues);
                err.flush();
            }
        });
        final String hmacEngine;
        try (Kdf kdf = new Kdf())
        {
            hmacEngine = kdf.engineName();
        }
        out.printf("amfkeys loadtest: registration-storm, %d simulated UEs, %d threads, AES-128 %s, HMAC engine %s%n",
            ues, settings.threads(), path, hmacEngine);
        out.printf("setup-seconds: %.2f (%d warm-up registrations per thread, then K, OPc and SQN of every subscriber; " +
            "%.0f%% of USIMs ahead of their home network)%n", result.setupNanos() / 1e9, warmUp, aheadUsims * 100);
        out.printf("registered: %d (5G AKA on both sides, then NAS SMC; %d of them after a synch failure and resynchronisation)%n",
            result.registered() + result.resynchronised(), result.resynchronised());
        out.printf("authentication-failed: %d%n", result.authenticationFailed());
        out.printf("refused: %d (a step the AMF refused)%n", result.refused());
        out.printf("out-of-sync: %d (UE's KAMF and NAS keys compared with the AMF's)%n", result.outOfSync());
        if (result.ues() < ues)
        {
            out.printf("not-reached: %d (the duration ended first)%n", ues - result.ues());
        }
        out.printf("seconds: %.2f%n", result.stormNanos() / 1e9);
        final double perSecond = result.ues() / (result.stormNanos() / 1e9);
        out.printf("registrations-per-second: %.0f (%.0f per thread; %s)%n", perSecond, perSecond / settings.threads(),
            rate == 0 ? "as fast as the threads could" : String.format("offered %.0f, Poisson arrivals", rate));
        final org.HdrHistogram.Histogram latency = result.latency();
        out.printf("latency-us: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f (one registration, every side, %s)%n",
            latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(90) / 1e3, latency.getValueAtPercentile(99) / 1e3,
            latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3,
            rate == 0 ? "from its start" : "from when it was due, so a stall counts for every arrival it delayed");
        out.printf("bytes-per-ue: %.1f (subscriber records %d: home network, USIM and ME; AMF context table %.1f)%n",
            result.bytesPerUe(ues), SubscriberDescriptor.LENGTH, result.tableBytes() / (double)ues);
        final ObjectNode report = StormReport.json(settings, result, hmacEngine);
        try
        {
            if (json != null)
            {
                StormReport.writeJson(json.toPath(), report);
                out.printf("json: %s%n", json);
            }
            if (html != null)
            {
                StormReport.writeHtml(html.toPath(), report);
                out.printf("html: %s%n", html);
            }
        }
        catch (final UncheckedIOException ex)
        {
            out.flush();
            err.println("amfkeys loadtest: " + ex.getMessage());
            err.flush();
            return Main.IO_ERROR;
        }
        out.flush();
        return result.outOfSync() == 0 && result.authenticationFailed() == 0 && result.refused() == 0 ? 0 : 1;
    }

    private int mixed() throws InterruptedException
    {
        InvalidParameterException.requireInRange("ues", ues, 1, MAX_UES);
        if (!(overlap >= 0 && overlap <= 1))
        {
            throw new InvalidParameterException("overlap", overlap + " is out of range", "0..1");
        }
        InvalidParameterException.requireInRange("threads", threads, 1, MAX_THREADS);
        if (procedures < 1 || procedures > 1_000_000_000_000L)
        {
            throw InvalidParameterException.outOfRange("procedures", procedures, 1, 1_000_000_000_000L);
        }
        final boolean throughEngines = switch (engine)
        {
            case "engine" -> true;
            case "direct" -> false;
            default -> throw new InvalidParameterException("engine", "'" + engine + "' is not a path", "engine or direct");
        };
        if (countersDir != null && (!throughEngines || !countersDir.isDirectory()))
        {
            throw new InvalidParameterException("counters-dir", throughEngines ? "not a directory" : "given with --engine direct",
                "an existing directory, with --engine engine");
        }
        // The default is every core, so a small --ues on a machine with more cores than UEs must work too.
        running = Math.min(threads, ues);
        final PrintWriter out = spec.commandLine().getOut();
        final int kinds = Procedure.values().length;
        final AtomicLongArray counts = new AtomicLongArray(2 * kinds + 1);
        final Map<String, Long> refusals = new ConcurrentSkipListMap<>();
        final Map<String, Long> overlaps = new ConcurrentSkipListMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final long[] setUpNanos = new long[running];
        final long start;
        final long end;
        final List<String> engineReport = new ArrayList<>();
        try (ContextTable amf1 = new ContextTable(ues);
            ContextTable amf2 = new ContextTable(ues);
            ContextTable mme = new ContextTable(ues);
            KeyEngine engine1 = throughEngines ? new KeyEngine(amf1, engineOptions("amf-1")) : null;
            KeyEngine engine2 = throughEngines ? new KeyEngine(amf2, engineOptions("amf-2")) : null)
        {
            final ContextTable[] amfs = {amf1, amf2};
            final KeyEngine[] engines = throughEngines ? new KeyEngine[] {engine1, engine2} : null;
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
                        work(thread, amfs, mme, engines, counts, refusals, overlaps, ready, go, setUpNanos);
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
            if (throughEngines)
            {
                describe("amf-1", engine1, engineReport);
                describe("amf-2", engine2, engineReport);
            }
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
        report(out, counts, refusals, overlaps, setUp, end - start, engineReport);
        return counts.get(OUT_OF_SYNC) == 0 ? 0 : 1;
    }

    private KeyEngine.Options engineOptions(final String amf)
    {
        final KeyEngine.Options options = new KeyEngine.Options().workers(1);
        return countersDir == null ? options : options.countersFile(new File(countersDir, amf + ".counters"));
    }

    /**
     * The engine's batches and kernel calls, from its counters: how the load test's requests were batched.
     */
    private static void describe(final String amf, final KeyEngine engine, final List<String> lines)
    {
        engine.counters().reader().forEach((value, id, label) ->
        {
            if (value != 0 && (label.contains("batches") || label.contains("kernel") || label.contains("requests")))
            {
                lines.add(String.format("engine-%s %s: %d", amf, label, value));
            }
        });
    }

    private void work(
        final int thread, final ContextTable[] amfs, final ContextTable mme, final KeyEngine[] engines,
        final AtomicLongArray counts, final Map<String, Long> refusals, final Map<String, Long> overlaps,
        final CountDownLatch ready, final CountDownLatch go,
        final long[] setUpNanos) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(seed + thread);
        final ProcedureMix mix = new ProcedureMix();
        final int first = (int)((long)ues * thread / running);
        final int last = (int)((long)ues * (thread + 1) / running);
        final long[] ran = new long[2 * Procedure.values().length + 1];
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
                setUpNanos[thread] = System.nanoTime() - setUpStart;
                ready.countDown();
            }
            go.await();
            final long share = procedures / running + (thread < procedures % running ? 1 : 0);
            for (long p = 0; p < share; p++)
            {
                final SimulatedUe ue = mine[random.nextInt(mine.length)];
                if (overlap > 0 && random.nextDouble() < overlap)
                {
                    final ConcurrencyRule rule = mix.runOverlap(ue, random);
                    overlaps.merge(rule == null ? "ran" : rule.clause() + ", " + actionOf(rule), 1L, Long::sum);
                    if (!ue.inSync())
                    {
                        ran[OUT_OF_SYNC]++;
                    }
                    continue;
                }
                final Procedure procedure = mix.pickFitting(random, ue);
                try
                {
                    mix.runFitting(procedure, ue, random);
                    ran[procedure.ordinal()]++;
                }
                catch (final ProcedureNotAllowedException refused)
                {
                    ran[REFUSED_BASE + procedure.ordinal()]++;
                    refusals.merge(refusalReason(refused), 1L, Long::sum);
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
     * @return the rule a refusal names (its clause), or the state it found, for the report.
     */
    private static String refusalReason(final ProcedureNotAllowedException refused)
    {
        return refused.rule() != null ? refused.rule().clause() : "state: " + refused.getMessage().replaceAll("[0-9]+", "N");
    }

    private void report(
        final PrintWriter out, final AtomicLongArray counts, final Map<String, Long> refusals, final Map<String, Long> overlaps,
        final long setUpNanos,
        final long nanos, final List<String> engineReport)
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
        out.printf("refusals-by-rule: %s%n", refusals.isEmpty() ? "none (the mix picks only what each UE's state allows)" : "");
        refusals.forEach((reason, count) -> out.printf("  %s: %d%n", reason, count));
        final long overlapped = overlaps.values().stream().mapToLong(Long::longValue).sum();
        out.printf("overlaps: %d (a second procedure started on purpose during a NAS SMC, --overlap %s), by the rule that " +
            "stopped it:%n", overlapped, overlap);
        overlaps.forEach((rule, count) -> out.printf("  %s: %d%n", rule, count));
        out.printf("seconds: %.2f%n", nanos / 1e9);
        out.printf("procedures-per-second: %.0f%n", (ran + refused + overlapped) / (nanos / 1e9));
        out.printf("ues-checked: %d (UE, gNB and AMF compared after every procedure and overlap)%n", ran + refused + overlapped);
        out.printf("out-of-sync: %d%n", counts.get(OUT_OF_SYNC));
        out.printf("as-key-steps: %s%n", engineReport.isEmpty() ? "direct calls" :
            "a batching engine per AMF (one worker each); its batches:");
        for (final String line : engineReport)
        {
            out.println(line);
        }
    }
}

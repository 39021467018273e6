package org.amfkeys.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.engine.KeyEngine;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.ProcedureMix;
import org.amfkeys.sim.ProcedureMix.Procedure;
import org.amfkeys.sim.aka.NativeAes128;
import org.amfkeys.sim.scenario.AmfRemoval;
import org.amfkeys.sim.scenario.MixedLoad;
import org.amfkeys.sim.scenario.Progress;
import org.amfkeys.sim.scenario.Registration;
import org.amfkeys.sim.scenario.RegistrationStorm;
import org.amfkeys.sim.subscriber.SubscriberDescriptor;
import org.amfkeys.sim.subscriber.Subscribers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

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
        "(--engine direct calls them directly instead). Prints a report; exit status 0 when every UE stayed in sync.",
        "--scenario registration-storm registers every UE at once by 5G AKA on both sides; --scenario amf-removal",
        "registers every UE at one AMF, then moves all of them to another (context transfer or N2 handover, with the",
        "horizontal KAMF policy given) and checks each UE's keys against the target's."})
public final class LoadTestCommand implements Callable<Integer>
{
    /** Most UEs the command simulates. */
    static final int MAX_UES = 5_000_000;

    /** Most threads the command runs. */
    static final int MAX_THREADS = 1024;

    /** The options that apply to some scenarios only. */
    private static final List<String> SCENARIO_OPTIONS = List.of("--procedures", "--engine", "--overlap", "--counters-dir",
        "--aes", "--ahead-usims", "--warm-up", "--via", "--horizontal-kamf", "--target-amf-set", "--batch");

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

    @Option(names = "--seed", paramLabel = "S", description = "Picks keys, UEs and procedures (default: ${DEFAULT-VALUE}).")
    private long seed = 33501;

    @Option(names = "--engine", paramLabel = "PATH",
        description = "mixed: how the AMFs run their AS key steps, engine (a batching KeyEngine per AMF) or direct; " +
            "registration-storm: engine (registrations in batches, each stage of their key derivations one batch-kernel " +
            "call) or direct (one registration at a time) (default: ${DEFAULT-VALUE}).")
    private String engine = "engine";

    @Option(names = "--batch", paramLabel = "N",
        description = "registration-storm: most registrations each thread computes together, 1.." + Registration.MAX_BATCH +
            " (default: " + RegistrationStorm.DEFAULT_BATCH + "; under --rate, a batch takes only the registrations already due).")
    private int batch = RegistrationStorm.DEFAULT_BATCH;

    @Option(names = "--scenario", paramLabel = "NAME",
        description = "mixed (random procedures on registered UEs), mobility (only their connected-mode and idle-mode " +
            "mobility: Initial Context Setup and release, Xn and N2 handovers, mobility registrations), " +
            "registration-storm (every UE registers at once " +
            "by 5G AKA on both sides and a NAS SMC) or amf-removal (every UE, registered by 5G AKA at one AMF, moves " +
            "to another) (default: ${DEFAULT-VALUE}).")
    private String scenario = "mixed";

    @Option(names = "--via", paramLabel = "WAY",
        description = "amf-removal: how the UEs move, context-transfer (idle UEs, mobility registration) or n2-handover " +
            "(CONNECTED UEs) (default: ${DEFAULT-VALUE}).")
    private String via = "context-transfer";

    @Option(names = "--horizontal-kamf", paramLabel = "POLICY",
        description = "amf-removal: the source AMF's horizontal KAMF policy, always, never, when-amf-set-changes or " +
            "when-storage-not-shared (default: ${DEFAULT-VALUE}).")
    private String horizontalKamf = "always";

    @Option(names = "--target-amf-set", paramLabel = "SET",
        description = "amf-removal: the target AMF in the same AMF set as the source (sharing its secure storage) or in " +
            "another (default: ${DEFAULT-VALUE}).")
    private String targetAmfSet = "same";

    @Option(names = "--aes", paramLabel = "PATH",
        description = "registration-storm: MILENAGE's AES-128, aes-ni (native) or jdk (default: aes-ni where usable, else jdk).")
    private String aes;

    @Option(names = "--ahead-usims", paramLabel = "SHARE",
        description = "registration-storm: share of USIMs ahead of their home network's SQN, which resynchronise " +
            "before they register, 0..1 (default: ${DEFAULT-VALUE}).")
    private double aheadUsims = 0.01;

    @Option(names = "--rate", paramLabel = "R",
        description = "Steps (registrations in a storm) offered per second, Poisson arrivals spread over the threads, each " +
            "latency measured from when the step was due; 0 runs as fast as it can (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--duration", paramLabel = "SECONDS",
        description = "Stop after this long, the steps not yet run (UEs not yet registered) left out; 0 for no " +
            "limit (default: ${DEFAULT-VALUE}).")
    private double duration;

    @Option(names = "--warm-up", paramLabel = "N",
        description = "registration-storm: registrations each thread runs first, on subscribers of its own, so the storm " +
            "does not measure the JIT compiling its code (default: " + RegistrationStorm.DEFAULT_WARM_UP + "); amf-removal: " +
            "moves each thread runs first (default: " + AmfRemoval.DEFAULT_WARM_UP + "); 0.." + RegistrationStorm.MAX_WARM_UP + ".")
    private Integer warmUp;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every figure to FILE as JSON.")
    private File json;

    @Option(names = "--html", paramLabel = "FILE",
        description = "Also write a self-contained HTML page with the latency and throughput charts to FILE.")
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
                return mixed(ProcedureMix.ALL);
            }
            case "mobility" ->
            {
                return mixed(ProcedureMix.MOBILITY);
            }
            case "registration-storm" ->
            {
                return registrationStorm();
            }
            case "amf-removal" ->
            {
                return amfRemoval();
            }
            default -> throw new InvalidParameterException("scenario", InvalidParameterException.quote(scenario) + " is not a scenario",
                "mixed, mobility, registration-storm or amf-removal");
        }
    }

    private int registrationStorm() throws InterruptedException
    {
        InvalidParameterException.requireInRange("threads", threads, 1, MAX_THREADS);
        refuseOptionsOfOtherScenarios("--aes", "--ahead-usims", "--warm-up", "--engine", "--batch");
        final boolean direct = engineIsDirect();
        if (direct && spec.commandLine().getParseResult().hasMatchedOption("--batch"))
        {
            throw new InvalidParameterException("batch", "given with --engine direct", "--engine engine");
        }
        final String path = aesPath();
        final RegistrationStorm.Settings settings = new RegistrationStorm.Settings(
            ues, Math.min(threads, ues), seed, aheadUsims, path, rate, duration,
            warmUp == null ? RegistrationStorm.DEFAULT_WARM_UP : warmUp, direct ? 1 : batch);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RegistrationStorm.Result result = RegistrationStorm.run(settings, progressLine(err, "registered", ues));
        final String hmacEngine = settings.batch() == 1 ? result.kernel() + ", one registration at a time" :
            result.kernel() + ", batches of up to " + settings.batch() + " registrations";
        out.printf("amfkeys loadtest: registration-storm, %d simulated UEs, %d threads, AES-128 %s, HMAC engine %s%n",
            ues, settings.threads(), path, hmacEngine);
        out.printf("setup-seconds: %.2f (%d warm-up registrations per thread, then K, OPc and SQN of every subscriber; " +
            "%.0f%% of USIMs ahead of their home network)%n", result.setupNanos() / 1e9, settings.warmUp(), aheadUsims * 100);
        out.printf("registered: %d (5G AKA on both sides, then NAS SMC; %d of them after a synch failure and resynchronisation)%n",
            result.registered() + result.resynchronised(), result.resynchronised());
        out.printf("authentication-failed: %d%n", result.authenticationFailed());
        out.printf("refused: %d (a step the AMF refused)%n", result.refused());
        out.printf("out-of-sync: %d (UE's KAMF and NAS keys compared with the AMF's)%n", result.outOfSync());
        if (result.ues() < ues)
        {
            out.printf("not-reached: %d (the duration ended first)%n", ues - result.ues());
        }
        rateAndLatency(out, "registrations", "registration", result.ues(), result.stormNanos(), settings.threads(), result.latency());
        out.printf("steps-us: authentication p50 %.1f, p99 %.1f (to KSEAF on both sides, RES* and HRES* checked); " +
            "security-mode p50 %.1f, p99 %.1f (KAMF, SMC, the UE's keys checked after the Complete)%n",
            result.authentication().getValueAtPercentile(50) / 1e3, result.authentication().getValueAtPercentile(99) / 1e3,
            result.securityMode().getValueAtPercentile(50) / 1e3, result.securityMode().getValueAtPercentile(99) / 1e3);
        out.printf("bytes-per-ue: %.1f (subscriber records %d: home network, USIM and ME; AMF context table %.1f)%n",
            result.bytesPerUe(ues), SubscriberDescriptor.LENGTH, result.tableBytes() / (double)ues);
        if (!writeFiles(out, err, LoadTestReport.storm(settings, result, hmacEngine)))
        {
            return Main.IO_ERROR;
        }
        out.flush();
        return result.outOfSync() == 0 && result.authenticationFailed() == 0 && result.refused() == 0 ? 0 : 1;
    }

    /**
     * @return what prints a progress line each second on standard error (elapsed, done, the rate since
     *         the line before, the 99th percentile so far, out of sync so far), or null when progress is
     *         not shown: only on a terminal, unless {@code --progress} asks for it.
     */
    private Consumer<Progress> progressLine(final PrintWriter err, final String what, final long total)
    {
        if (!progress && System.console() == null)
        {
            return null;
        }
        final long[] before = new long[2];
        return now ->
        {
            final double seconds = (now.elapsedNanos() - before[1]) / 1e9;
            final long rate = seconds > 0 ? Math.round((now.done() - before[0]) / seconds) : 0;
            before[0] = now.done();
            before[1] = now.elapsedNanos();
            err.printf("progress: %.0f s, %d of %d %s, %d/s, p99 so far %.1f us, out of sync %d%n", now.elapsedNanos() / 1e9,
                now.done(), total, what, rate, now.p99Nanos() / 1e3, now.outOfSync());
            err.flush();
        };
    }

    /**
     * An option of another scenario would be ignored without a word; say so instead.
     *
     * @param own the scenario-specific options of this one.
     */
    private void refuseOptionsOfOtherScenarios(final String... own)
    {
        for (final String name : SCENARIO_OPTIONS)
        {
            if (!List.of(own).contains(name) && spec.commandLine().getParseResult().hasMatchedOption(name))
            {
                throw new InvalidParameterException(name.substring(2), "does not apply to --scenario " + scenario,
                    "mixed and mobility: --procedures, --engine, --overlap, --counters-dir; registration-storm: --aes, --ahead-usims, " +
                    "--warm-up, --engine, --batch; amf-removal: --aes, --warm-up, --via, --horizontal-kamf, --target-amf-set");
            }
        }
    }

    private String aesPath()
    {
        return aes != null ? aes : NativeAes128.availability() == null ? "aes-ni" : "jdk";
    }

    private int amfRemoval() throws InterruptedException
    {
        InvalidParameterException.requireInRange("threads", threads, 1, MAX_THREADS);
        refuseOptionsOfOtherScenarios("--aes", "--warm-up", "--via", "--horizontal-kamf", "--target-amf-set");
        if (!targetAmfSet.equals("same") && !targetAmfSet.equals("other"))
        {
            throw new InvalidParameterException("target-amf-set", InvalidParameterException.quote(targetAmfSet) + " is not a set",
                "same or other");
        }
        final AmfRemoval.Settings settings = new AmfRemoval.Settings(ues, Math.min(threads, ues), seed, via, horizontalKamf,
            targetAmfSet.equals("other"), aesPath(), rate, duration, warmUp == null ? AmfRemoval.DEFAULT_WARM_UP : warmUp);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final AmfRemoval.Result result = AmfRemoval.run(settings, progressLine(err, "moved", ues));
        final String hmacEngine = hmacEngine();
        out.printf("amfkeys loadtest: amf-removal, %d simulated UEs, %d threads, via %s, horizontal KAMF %s, target in the %s AMF set, " +
            "HMAC engine %s%n", ues, settings.threads(), via, horizontalKamf, targetAmfSet, hmacEngine);
        out.printf("setup-seconds: %.2f (%d warm-up moves per thread, then every UE registered at the source by 5G AKA%s)%n",
            result.setupNanos() / 1e9, settings.warmUp(), via.equals("n2-handover") ? " and CONNECTED there" : "");
        out.printf("moved: %d (%d with a horizontal KAMF, %d with the KAMF they had)%n",
            result.moved() + result.movedHorizontal(), result.movedHorizontal(), result.moved());
        out.printf("refused: %d (a step an AMF refused)%n", result.refused());
        out.printf("out-of-sync: %d (UE's KAMF%s compared with the target's)%n", result.outOfSync(),
            via.equals("n2-handover") ? " and the target gNB's {KgNB or NH, NCC}" : " and, under KAMF', NAS keys");
        if (result.ues() < ues)
        {
            out.printf("not-reached: %d (the duration ended first)%n", ues - result.ues());
        }
        rateAndLatency(out, "transfers", "move", result.ues(), result.moveNanos(), settings.threads(), result.latency());
        out.printf("bytes-per-ue: %.1f (subscriber records %d; both AMFs' context tables %.1f)%n",
            result.bytesPerUe(ues), SubscriberDescriptor.LENGTH, result.tableBytes() / (double)ues);
        if (!writeFiles(out, err, LoadTestReport.amfRemoval(settings, result, hmacEngine)))
        {
            return Main.IO_ERROR;
        }
        out.flush();
        return result.outOfSync() == 0 && result.refused() == 0 ? 0 : 1;
    }

    /**
     * The lines of a scenario of one step per UE: how long, how many per second, and the steps' latency.
     */
    private void rateAndLatency(
        final PrintWriter out, final String steps, final String step, final long done, final long nanos, final int threadsRun,
        final Histogram latency)
    {
        out.printf("seconds: %.2f%n", nanos / 1e9);
        final double perSecond = done / (nanos / 1e9);
        out.printf("%s-per-second: %.0f (%.0f per thread; %s)%n", steps, perSecond, perSecond / threadsRun,
            rate == 0 ? "as fast as the threads could" : String.format("offered %.0f, Poisson arrivals", rate));
        out.printf("latency-us: p50 %.1f, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f (one %s, every side, %s)%n",
            latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(90) / 1e3, latency.getValueAtPercentile(99) / 1e3,
            latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3, step,
            rate == 0 ? "from its start" : "from when it was due, so a stall counts for every arrival it delayed");
    }

    private static String hmacEngine()
    {
        try (Kdf kdf = new Kdf())
        {
            return kdf.engineName();
        }
    }

    /**
     * Writes the --json and --html files asked for.
     *
     * @return false when one could not be written (said on {@code err}).
     */
    private boolean writeFiles(final PrintWriter out, final PrintWriter err, final ObjectNode report)
    {
        try
        {
            if (json != null)
            {
                LoadTestReport.writeJson(json.toPath(), report);
                out.printf("json: %s%n", json);
            }
            if (html != null)
            {
                LoadTestReport.writeHtml(html.toPath(), report);
                out.printf("html: %s%n", html);
            }
            return true;
        }
        catch (final UncheckedIOException ex)
        {
            out.flush();
            err.println("amfkeys loadtest: " + ex.getMessage());
            err.flush();
            return false;
        }
    }

    /** @return whether {@code --engine} is direct; refuses what is neither engine nor direct. */
    private boolean engineIsDirect()
    {
        return switch (engine)
        {
            case "engine" -> false;
            case "direct" -> true;
            default -> throw new InvalidParameterException("engine", "'" + engine + "' is not a path", "engine or direct");
        };
    }

    private int mixed(final Set<Procedure> mix) throws InterruptedException
    {
        InvalidParameterException.requireInRange("ues", ues, 1, MAX_UES);
        InvalidParameterException.requireInRange("threads", threads, 1, MAX_THREADS);
        refuseOptionsOfOtherScenarios("--procedures", "--engine", "--overlap", "--counters-dir");
        final boolean throughEngines = !engineIsDirect();
        if (countersDir != null && (!throughEngines || !countersDir.isDirectory()))
        {
            throw new InvalidParameterException("counters-dir", throughEngines ? "not a directory" : "given with --engine direct",
                "an existing directory, with --engine engine");
        }
        // The default is every core, so a small --ues on a machine with more cores than UEs must work too.
        final int running = Math.min(threads, ues);
        final MixedLoad.Settings settings = new MixedLoad.Settings(ues, running, procedures, seed, overlap, rate, duration, mix);
        final PrintWriter err = spec.commandLine().getErr();
        final MixedLoad.Result result;
        final List<String> engineReport = new ArrayList<>();
        try (ContextTable amf1 = new ContextTable(ues);
            ContextTable amf2 = new ContextTable(ues);
            ContextTable mme = new ContextTable(ues);
            KeyEngine engine1 = throughEngines ? new KeyEngine(amf1, engineOptions("amf-1")) : null;
            KeyEngine engine2 = throughEngines ? new KeyEngine(amf2, engineOptions("amf-2")) : null)
        {
            result = MixedLoad.run(settings, new ContextTable[] {amf1, amf2}, mme,
                throughEngines ? new KeyEngine[] {engine1, engine2} : null, progressLine(err, "steps", procedures));
            if (throughEngines)
            {
                describe("amf-1", engine1, engineReport);
                describe("amf-2", engine2, engineReport);
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        final String hmacEngine = report(out, settings, result, engineReport);
        if (!writeFiles(out, err, LoadTestReport.mixed(settings, result, hmacEngine, throughEngines)))
        {
            return Main.IO_ERROR;
        }
        out.flush();
        return result.outOfSync() == 0 ? 0 : 1;
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

    /**
     * Prints the mixed load's report.
     *
     * @return the HMAC engine's name.
     */
    private String report(
        final PrintWriter out, final MixedLoad.Settings settings, final MixedLoad.Result result, final List<String> engineReport)
    {
        final String hmacEngine = hmacEngine();
        out.printf("amfkeys loadtest: %s%d simulated UEs, %d threads%s, %d procedures, HMAC engine %s%n",
            settings.mix().equals(ProcedureMix.ALL) ? "" : scenario + ", ", ues, settings.threads(),
            settings.threads() < threads ? " (" + threads + " asked; one UE per thread at least)" : "", procedures, hmacEngine);
        out.printf("registration-seconds: %.2f (each UE authenticated and its NAS SMC run on AMF and UE)%n",
            result.setupNanos() / 1e9);
        out.printf("%-26s %12s %12s %10s %10s %10s%n", "procedure", "ran", "refused", "p50-us", "p99-us", "p99.9-us");
        long ran = 0;
        long refused = 0;
        for (final Procedure procedure : settings.mix())
        {
            final long r = result.ran()[procedure.ordinal()];
            final long x = result.refused()[procedure.ordinal()];
            ran += r;
            refused += x;
            final Histogram latency = result.latency()[procedure.ordinal()];
            out.printf("%-26s %12d %12d %10.1f %10.1f %10.1f%n", procedure.token(), r, x, latency.getValueAtPercentile(50) / 1e3,
                latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3);
        }
        out.printf("%-26s %12d %12d%n", "total", ran, refused);
        out.printf("refusals-by-rule: %s%n", result.refusals().isEmpty() ? "none (the mix picks only what each UE's state allows)" : "");
        result.refusals().forEach((reason, count) -> out.printf("  %s: %d%n", reason, count));
        final long overlapped = result.overlaps().values().stream().mapToLong(Long::longValue).sum();
        final Histogram overlapLatency = result.latency()[MixedLoad.OVERLAPS];
        out.printf("overlaps: %d (a second procedure started on purpose during a NAS SMC, --overlap %s; p50 %.1f us, p99 %.1f us), " +
            "by the rule that stopped it:%n", overlapped, overlap, overlapLatency.getValueAtPercentile(50) / 1e3,
            overlapLatency.getValueAtPercentile(99) / 1e3);
        result.overlaps().forEach((rule, count) -> out.printf("  %s: %d%n", rule, count));
        if (result.steps() < procedures)
        {
            out.printf("not-reached: %d (the duration ended first)%n", procedures - result.steps());
        }
        out.printf("seconds: %.2f%n", result.runNanos() / 1e9);
        out.printf("procedures-per-second: %.0f (%s)%n", result.steps() / (result.runNanos() / 1e9),
            rate == 0 ? "as fast as the threads could" : String.format("offered %.0f, Poisson arrivals", rate));
        out.printf("latency: %s%n", rate == 0 ? "each step from its start" :
            "each step from when it was due, so a stall counts for every arrival it delayed");
        out.printf("ues-checked: %d (UE, gNB and AMF compared after every procedure and overlap)%n", result.steps());
        out.printf("out-of-sync: %d%n", result.outOfSync());
        out.printf("as-key-steps: %s%n", engineReport.isEmpty() ? "direct calls" :
            "a batching engine per AMF (one worker each); its batches:");
        for (final String line : engineReport)
        {
            out.println(line);
        }
        return hmacEngine;
    }
}

package org.amfkeys.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agrona.BitUtil;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.AmfChange;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.DeferredProcedure;
import org.amfkeys.procedures.HorizontalKamfDecision;
import org.amfkeys.procedures.HorizontalKamfPolicy;
import org.amfkeys.procedures.PhasedProcedure;
import org.amfkeys.procedures.ProcedureOutcome;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.RanNode;
import org.amfkeys.procedures.SimulatedCore;
import org.amfkeys.procedures.SimulatedUe;
import org.amfkeys.procedures.UeMirror;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.NgKsi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code amfkeys trace}: replays a key-lifecycle scenario on an AMF (or MME), a gNB (or eNB) and a UE
 * mirror, and prints one JSON line per step with each side's keys, so that an engineer chasing a key
 * mismatch sees where the sides part.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
        "Reads a scenario from standard input and prints one JSON line per step with the state of the",
        "serving AMF (or MME), the gNB (or eNB) and the UE, and whether they are in sync. The UE starts",
        "registered at amf-1 with the scenario's context activated by a NAS SMC, and idle.",
        "",
        "Scenario: {\"kamf\": hex, \"ngksi\": n, \"nas-enc\": alg, \"nas-int\": alg, \"steps\": [...]}",
        "Steps, {\"do\": NAME, parameters} (optional parameters in brackets):",
        "  authenticate            kamf, ngksi: a new native context that a following nas-smc activates",
        "  nas-smc                 [nas-enc, nas-int]",
        "  initial-context-setup   ul-count, [pci, arfcn]",
        "  release                 the UE goes idle",
        "  xn-handover             pci, arfcn (an X2 handover while the UE is in EPS)",
        "  n2-handover             pci, arfcn, [horizontal-kamf, dl-count, to-other-amf]",
        "                          (an S1 handover within the MME while the UE is in EPS)",
        "  inter-mme-handover      pci, earfcn: an S1 handover to mme-2 (or back to mme-1), with the",
        "                          S10 Forward Relocation of TS 33.401 7.2.10 (8)",
        "  mobility-registration   ul-count, horizontal-kamf, outcome: complete | failed",
        "Instead of horizontal-kamf, an AMF change may give the source AMF's policy and the move:",
        "  policy: never | always | when-amf-set-changes | when-secure-storage-not-shared,",
        "  [source-amf-set, target-amf-set (default 1 and 2), shared-secure-storage (default false)];",
        "  the line then shows the decision: \"horizontal-kamf\": {\"derive\", \"reason\"}.",
        "  ue-context-modification [ul-count: the latest SMC Complete's, checked]",
        "  as-key-refresh          intra-cell handover with the usual chaining",
        "  nas-key-refresh         ul-count: idle-mode KAMF' and a NAS SMC with K_AMF_change_flag",
        "  handover-to-eps         pci, earfcn",
        "  idle-to-eps             ul-count (of the TAU)",
        "  handover-to-5gs         pci, arfcn",
        "  idle-to-5gs             ul-count (of the TAU)",
        "  dl-nas                  a downlink NAS message from the serving node",
        "Phases: nas-smc, n2-handover, inter-mme-handover, handover-to-eps, handover-to-5gs,",
        "  ue-context-modification, xn-handover and mobility-registration take",
        "  \"phase\": \"begin\" and later \"phase\": \"end\" with \"outcome\": complete, failure or abort, so",
        "  procedures overlap (nas-smc begin takes \"access\": 3gpp or non-3gpp). A step without a phase",
        "  is begun and ended at once. Ending a procedure that still waits cancels it.",
        "Each line has \"result\": ran, deferred or refused, with \"rule\" (for example",
        "  \"TS 33.501 6.9.5.1 (1)\") when deferred or refused. A deferred procedure that later starts",
        "  gets its own line with \"result\": \"ran\" and \"deferred-from\": the step that asked for it.",
        "A step the state does not allow gets an \"error\" member and changes no side.",
        "Exit status 0 when every step ran and every side ended in sync."})
public final class TraceCommand implements Callable<Integer>
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final long UE_ID = 1;
    private static final int DEFAULT_PCI = 1;
    private static final int DEFAULT_NR_ARFCN = 632_628;
    private static final int DEFAULT_EARFCN = 1_300;

    @Spec
    private CommandSpec spec;

    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final JsonNode scenario;
        try
        {
            scenario = JSON.readTree(System.in);
        }
        catch (final JsonProcessingException ex)
        {
            err.println("amfkeys trace: the scenario is " + MalformedJson.describe(ex));
            return 1;
        }
        if (scenario == null || !scenario.isObject() || !scenario.path("steps").isArray())
        {
            err.println("amfkeys trace: expected {\"kamf\": hex, \"ngksi\": n, \"nas-enc\": alg, \"nas-int\": alg, \"steps\": [...]}");
            return 1;
        }
        final List<JsonNode> ran = new ArrayList<>();
        Replay replay;
        try
        {
            checkScenario(scenario);
            replay = new Replay(scenario, ran);
        }
        catch (final InvalidParameterException ex)
        {
            err.println("amfkeys trace: " + ex.getMessage());
            return 1;
        }
        boolean allRan = true;
        int index = 0;
        final Map<DeferredProcedure, Integer> waitingSince = new EnumMap<>(DeferredProcedure.class);
        for (final JsonNode step : scenario.get("steps"))
        {
            index++;
            final ObjectNode line = JSON.createObjectNode();
            line.put("step", index);
            line.put("do", step.path("do").asText(""));
            if (step.has("phase"))
            {
                line.put("phase", step.path("phase").asText(""));
            }
            DeferredProcedure started = null;
            try
            {
                final HorizontalKamfDecision decision = replay.run(step);
                ran.add(step);
                if (decision != null)
                {
                    line.putObject("horizontal-kamf").put("derive", decision.derive()).put("reason", decision.reason());
                }
                if (replay.deferredBy != null)
                {
                    line.put("result", "deferred").put("rule", replay.deferredBy.clause());
                    waitingSince.put(replay.deferredKind, index);
                }
                else
                {
                    line.put("result", "ran");
                }
                started = replay.ue.startedDeferred();
            }
            catch (final ProcedureNotAllowedException | InvalidParameterException ex)
            {
                // The procedures change nothing when they refuse; replaying the steps that ran makes
                // that hold for every side at once.
                line.put("result", "refused");
                if (ex instanceof ProcedureNotAllowedException && ((ProcedureNotAllowedException)ex).rule() != null)
                {
                    line.put("rule", ((ProcedureNotAllowedException)ex).rule().clause());
                }
                line.put("error", ex.getMessage());
                allRan = false;
                replay.close();
                replay = new Replay(scenario, ran);
            }
            describe(replay, line);
            out.println(JSON.writeValueAsString(line));
            if (started != null)
            {
                final ObjectNode resumed = JSON.createObjectNode();
                resumed.put("step", index);
                resumed.put("do", started.token());
                resumed.put("result", "ran");
                final Integer from = waitingSince.remove(started);
                if (from != null)
                {
                    resumed.put("deferred-from", from);
                }
                describe(replay, resumed);
                out.println(JSON.writeValueAsString(resumed));
            }
        }
        final boolean inSync = replay.ue.inSync();
        replay.close();
        out.flush();
        return allRan && inSync ? 0 : 1;
    }

    private static void describe(final Replay replay, final ObjectNode line)
    {
        final SimulatedUe simulated = replay.ue;
        line.put("system", simulated.serving().chain().system());
        final ObjectNode amf = line.putObject("amf");
        final SecurityContext context = simulated.readServing();
        final byte[] key = new byte[Kdf.KEY_LENGTH];
        final byte[] encryption = new byte[AccessStratumChain.NAS_KEY_LENGTH];
        final byte[] integrity = new byte[AccessStratumChain.NAS_KEY_LENGTH];
        amf.put("node", simulated.servingName());
        context.copyKamf(key, 0);
        amf.put("kamf", hex(key));
        amf.put("ngksi", context.ngKsi());
        simulated.serving().nasKeys(context, encryption, integrity);
        amf.put("knas-enc", hex(encryption));
        amf.put("knas-int", hex(integrity));
        final boolean asActive = (context.contextFlags() & SecurityContext.FLAG_AS_ACTIVE) != 0;
        context.copyNextHop(key, 0);
        putKey(amf, "nh", asActive ? key : null);
        amf.put("ncc", context.ncc());
        amf.put("ul-count", context.uplinkNasCount());
        amf.put("dl-count", context.downlinkNasCount());

        final ObjectNode gnb = line.putObject("gnb");
        final RanNode ran = simulated.ran();
        putKey(gnb, "kgnb", ran == null ? null : ran.key());
        putKey(gnb, "nh", ran == null || !ran.holdsUnusedPair() ? null : ran.unusedNextHop());
        if (ran == null)
        {
            gnb.putNull("ncc");
        }
        else
        {
            gnb.put("ncc", ran.keyNcc());
            if (ran.holdsUnusedPair())
            {
                gnb.put("nh-ncc", ran.unusedNcc());
            }
            gnb.put("pci", ran.pci());
            gnb.put("arfcn", ran.arfcn());
        }

        final ObjectNode ue = line.putObject("ue");
        final UeMirror mirror = simulated.ue();
        putKey(ue, "kamf", mirror.hasCurrent() ? mirror.rootKey() : null);
        ue.put("ngksi", mirror.ngKsi());
        mirror.nasKeys(encryption, integrity);
        ue.put("knas-enc", hex(encryption));
        ue.put("knas-int", hex(integrity));
        putKey(ue, "kgnb", mirror.asActive() ? mirror.kgnb() : null);
        if (mirror.asActive())
        {
            ue.put("ncc", mirror.ncc());
        }
        else
        {
            ue.putNull("ncc");
        }
        ue.put("ul-count", mirror.nextUplinkCount());
        line.put("in-sync", simulated.inSync());
    }

    private static void putKey(final ObjectNode node, final String name, final byte[] key)
    {
        if (key == null)
        {
            node.putNull(name);
        }
        else
        {
            node.put(name, hex(key));
        }
    }

    private static String hex(final byte[] bytes)
    {
        return BitUtil.toHex(bytes).toLowerCase();
    }

    /**
     * The three sides of one scenario, rebuilt from its initial context and the steps that ran.
     */
    private static final class Replay implements AutoCloseable
    {
        private final ContextTable[] amfTables = {new ContextTable(4), new ContextTable(4)};
        private final ContextTable[] mmeTables = {new ContextTable(4), new ContextTable(4)};
        private final SimulatedCore core = new SimulatedCore(amfTables, mmeTables, Kdf::new);
        private final SimulatedUe ue;
        private final int ciphering;
        private final int integrity;
        private ConcurrencyRule deferredBy;
        private DeferredProcedure deferredKind;

        Replay(final JsonNode scenario, final List<JsonNode> steps)
        {
            ciphering = integer(scenario, "nas-enc", 0, SecurityContext.MAX_NAS_ALGORITHM);
            integrity = integer(scenario, "nas-int", 0, SecurityContext.MAX_NAS_ALGORITHM);
            ue = new SimulatedUe(UE_ID, core, key(scenario, "kamf"), integer(scenario, "ngksi", 0, NgKsi.MAX_KEY_SET_IDENTIFIER),
                ciphering, integrity);
            for (final JsonNode step : steps)
            {
                run(step);
            }
        }

        HorizontalKamfDecision run(final JsonNode step)
        {
            deferredBy = null;
            deferredKind = null;
            final String name = checkedStep(step);
            if (step.has("phase"))
            {
                return phase(step, name);
            }
            final boolean eps = ue.serving().chain() == AccessStratumChain.E_UTRA;
            switch (name)
            {
                case "dl-nas" -> ue.downlinkNasMessage();
                case "authenticate" -> ue.authenticate(key(step, "kamf"), integer(step, "ngksi", 0, NgKsi.MAX_KEY_SET_IDENTIFIER));
                case "nas-smc" -> ue.nasSecurityModeCommand(
                    optionalInteger(step, "nas-enc", ciphering, 0, SecurityContext.MAX_NAS_ALGORITHM),
                    optionalInteger(step, "nas-int", integrity, 0, SecurityContext.MAX_NAS_ALGORITHM));
                case "initial-context-setup" -> ue.initialContextSetup(count(step, "ul-count"),
                    optionalInteger(step, "pci", DEFAULT_PCI, 0, Integer.MAX_VALUE),
                    optionalInteger(step, "arfcn", eps ? DEFAULT_EARFCN : DEFAULT_NR_ARFCN, 0, Integer.MAX_VALUE));
                case "release" -> ue.release();
                case "xn-handover" -> ue.xnHandover(integer(step, "pci"), integer(step, "arfcn"));
                case "n2-handover" ->
                {
                    final long dlCount = step.has("dl-count") ? count(step, "dl-count") : -1;
                    final HorizontalKamfPolicy policy = handoverPolicy(step);
                    final HorizontalKamfDecision decision = ue.n2Handover(integer(step, "pci"), integer(step, "arfcn"),
                        policy, amfChange(step, AmfChange.Kind.N2_HANDOVER), dlCount);
                    noteWaiting(PhasedProcedure.INTER_AMF_HANDOVER, DeferredProcedure.INTER_AMF_HANDOVER);
                    return step.has("policy") ? decision : null;
                }
                case "inter-mme-handover" ->
                {
                    ue.interMmeHandover(integer(step, "pci"), integer(step, "earfcn"));
                    noteWaiting(PhasedProcedure.INTER_MME_HANDOVER, DeferredProcedure.FORWARD_RELOCATION);
                }
                case "mobility-registration" ->
                {
                    final HorizontalKamfDecision decision = ue.mobilityRegistration(count(step, "ul-count"),
                        registrationPolicy(step), amfChange(step, AmfChange.Kind.CONTEXT_TRANSFER), outcome(step));
                    noteWaiting(PhasedProcedure.MOBILITY_REGISTRATION, DeferredProcedure.CONTEXT_TRANSFER);
                    return step.has("policy") ? decision : null;
                }
                case "ue-context-modification" ->
                {
                    if (step.has("ul-count") && count(step, "ul-count") != ue.smcCompleteUplinkCount())
                    {
                        throw new ProcedureNotAllowedException("ue-context-modification", "ul-count " +
                            count(step, "ul-count") + " is not the latest NAS SMC Complete's (" +
                            ue.smcCompleteUplinkCount() + ")");
                    }
                    ue.ueContextModification();
                }
                case "as-key-refresh" -> ue.asKeyRefresh();
                case "nas-key-refresh" -> ue.nasKeyRefresh(count(step, "ul-count"));
                case "handover-to-eps" ->
                {
                    ue.handoverToEps(integer(step, "pci"), integer(step, "earfcn"));
                    noteWaiting(PhasedProcedure.INTER_SYSTEM_HANDOVER, DeferredProcedure.INTER_SYSTEM_HANDOVER);
                }
                case "idle-to-eps" -> ue.idleModeToEps(count(step, "ul-count"));
                case "handover-to-5gs" ->
                {
                    ue.handoverTo5gs(integer(step, "pci"), integer(step, "arfcn"));
                    noteWaiting(PhasedProcedure.INTER_SYSTEM_HANDOVER, DeferredProcedure.INTER_SYSTEM_HANDOVER);
                }
                case "idle-to-5gs" -> ue.idleModeTo5gs(count(step, "ul-count"));
                default -> throw new InvalidParameterException("do", "unknown step " + InvalidParameterException.quote(name),
                    "a step listed by amfkeys trace --help");
            }
            return null;
        }

        /**
         * One phase of a procedure that runs in phases.
         */
        private HorizontalKamfDecision phase(final JsonNode step, final String name)
        {
            final boolean begin = begins(step);
            final ProcedureOutcome outcome = begin ? null :
                ProcedureOutcome.of(text(step, "outcome", "complete", "complete, failure or abort"));
            switch (name)
            {
                case "nas-smc" ->
                {
                    if (begin)
                    {
                        ue.beginNasSecurityModeCommand(access(step),
                            optionalInteger(step, "nas-enc", ciphering, 0, SecurityContext.MAX_NAS_ALGORITHM),
                            optionalInteger(step, "nas-int", integrity, 0, SecurityContext.MAX_NAS_ALGORITHM));
                    }
                    else
                    {
                        ue.endNasSecurityModeCommand(outcome);
                    }
                }
                case "n2-handover" ->
                {
                    if (!begin)
                    {
                        ue.endN2Handover(outcome);
                        return null;
                    }
                    final HorizontalKamfPolicy policy = handoverPolicy(step);
                    ue.beginN2Handover(integer(step, "pci"), integer(step, "arfcn"), policy,
                        amfChange(step, AmfChange.Kind.N2_HANDOVER), step.has("dl-count") ? count(step, "dl-count") : -1);
                    noteWaiting(PhasedProcedure.INTER_AMF_HANDOVER, DeferredProcedure.INTER_AMF_HANDOVER);
                }
                case "inter-mme-handover" ->
                {
                    if (!begin)
                    {
                        ue.endInterMmeHandover(outcome);
                        return null;
                    }
                    ue.beginInterMmeHandover(integer(step, "pci"), integer(step, "earfcn"));
                    noteWaiting(PhasedProcedure.INTER_MME_HANDOVER, DeferredProcedure.FORWARD_RELOCATION);
                }
                case "handover-to-eps", "handover-to-5gs" ->
                {
                    if (!begin && name.equals("handover-to-eps"))
                    {
                        ue.endHandoverToEps(outcome);
                        return null;
                    }
                    if (!begin)
                    {
                        ue.endHandoverTo5gs(outcome);
                        return null;
                    }
                    if (name.equals("handover-to-eps"))
                    {
                        ue.beginHandoverToEps(integer(step, "pci"), integer(step, "earfcn"));
                    }
                    else
                    {
                        ue.beginHandoverTo5gs(integer(step, "pci"), integer(step, "arfcn"));
                    }
                    noteWaiting(PhasedProcedure.INTER_SYSTEM_HANDOVER, DeferredProcedure.INTER_SYSTEM_HANDOVER);
                }
                case "ue-context-modification" ->
                {
                    if (begin)
                    {
                        ue.beginUeContextModification();
                    }
                    else
                    {
                        ue.endUeContextModification(outcome);
                    }
                }
                case "xn-handover" ->
                {
                    if (begin)
                    {
                        ue.beginXnHandover(integer(step, "pci"), integer(step, "arfcn"));
                    }
                    else
                    {
                        ue.endXnHandover(outcome);
                    }
                }
                case "mobility-registration" ->
                {
                    if (!begin)
                    {
                        ue.endMobilityRegistration(outcome);
                        return null;
                    }
                    ue.beginMobilityRegistration(step.has("ul-count") ? count(step, "ul-count") : -1,
                        registrationPolicy(step), amfChange(step, AmfChange.Kind.CONTEXT_TRANSFER));
                    noteWaiting(PhasedProcedure.MOBILITY_REGISTRATION, DeferredProcedure.CONTEXT_TRANSFER);
                }
                default -> throw noPhases(name);
            }
            return null;
        }

        private void noteWaiting(final PhasedProcedure procedure, final DeferredProcedure kind)
        {
            final ConcurrencyRule rule = ue.waitingUnder(procedure);
            if (rule != null)
            {
                deferredBy = rule;
                deferredKind = kind;
            }
        }

        public void close()
        {
            ue.close();
            core.close();
            amfTables[0].close();
            amfTables[1].close();
            mmeTables[0].close();
            mmeTables[1].close();
        }
    }

    /**
     * What a step reads besides {@code do}: when run at once, and for a procedure that runs in phases,
     * at {@code "phase": "begin"} (its end reads {@code outcome} only).
     *
     * @param atOnce  the members of the step run at once.
     * @param atBegin the members of its begin, or null when it has no phases.
     */
    private record StepMembers(List<String> atOnce, List<String> atBegin)
    {
    }

    private static final List<String> SCENARIO_MEMBERS = List.of("kamf", "ngksi", "nas-enc", "nas-int", "steps");
    private static final List<String> AMF_CHANGE = List.of("source-amf-set", "target-amf-set", "shared-secure-storage");
    private static final List<String> HANDOVER_POLICY = List.of("policy", "horizontal-kamf", "to-other-amf");
    private static final List<String> REGISTRATION_POLICY = List.of("policy", "horizontal-kamf");
    private static final List<String> PHASE_END = List.of("outcome");

    /** Every step by name, in the order of {@code amfkeys trace --help}: the one table of what each reads. */
    private static final Map<String, StepMembers> STEPS = steps();

    private static Map<String, StepMembers> steps()
    {
        final Map<String, StepMembers> steps = new LinkedHashMap<>();
        steps.put("authenticate", new StepMembers(List.of("kamf", "ngksi"), null));
        steps.put("nas-smc", new StepMembers(List.of("nas-enc", "nas-int"), List.of("access", "nas-enc", "nas-int")));
        steps.put("initial-context-setup", new StepMembers(List.of("ul-count", "pci", "arfcn"), null));
        steps.put("release", new StepMembers(List.of(), null));
        steps.put("xn-handover", new StepMembers(List.of("pci", "arfcn"), List.of("pci", "arfcn")));
        final List<String> n2Handover = concat(List.of("pci", "arfcn", "dl-count"), HANDOVER_POLICY, AMF_CHANGE);
        steps.put("n2-handover", new StepMembers(n2Handover, n2Handover));
        steps.put("inter-mme-handover", new StepMembers(List.of("pci", "earfcn"), List.of("pci", "earfcn")));
        final List<String> registration = concat(List.of("ul-count"), REGISTRATION_POLICY, AMF_CHANGE);
        steps.put("mobility-registration", new StepMembers(concat(registration, List.of("outcome")), registration));
        steps.put("ue-context-modification", new StepMembers(List.of("ul-count"), List.of()));
        steps.put("as-key-refresh", new StepMembers(List.of(), null));
        steps.put("nas-key-refresh", new StepMembers(List.of("ul-count"), null));
        steps.put("handover-to-eps", new StepMembers(List.of("pci", "earfcn"), List.of("pci", "earfcn")));
        steps.put("idle-to-eps", new StepMembers(List.of("ul-count"), null));
        steps.put("handover-to-5gs", new StepMembers(List.of("pci", "arfcn"), List.of("pci", "arfcn")));
        steps.put("idle-to-5gs", new StepMembers(List.of("ul-count"), null));
        steps.put("dl-nas", new StepMembers(List.of(), null));
        return Collections.unmodifiableMap(steps);
    }

    @SafeVarargs
    private static List<String> concat(final List<String>... lists)
    {
        return Arrays.stream(lists).flatMap(List::stream).toList();
    }

    /**
     * Rejects what makes a scenario as a whole malformed, before any step runs: a member it does not
     * have, or a step that is not an object. The values are read, and checked, by the replay.
     */
    private static void checkScenario(final JsonNode scenario)
    {
        requireKnownMembers(scenario, SCENARIO_MEMBERS, "the scenario");
        int index = 0;
        for (final JsonNode step : scenario.get("steps"))
        {
            index++;
            if (!step.isObject())
            {
                throw new InvalidParameterException("steps", "step " + index + " is not a JSON object",
                    "an array of {\"do\": NAME, parameters}");
            }
        }
    }

    /**
     * @return the step's name, once its {@code do}, its {@code phase} and every member are ones it reads:
     * a misspelt member ("ul_count") must not be ignored.
     */
    private static String checkedStep(final JsonNode step)
    {
        final String name = text(step, "do", null, "a step listed by amfkeys trace --help");
        final StepMembers members = STEPS.get(name);
        if (members == null)
        {
            throw new InvalidParameterException("do", "unknown step " + InvalidParameterException.quote(name),
                "a step listed by amfkeys trace --help");
        }
        if (!step.has("phase"))
        {
            requireKnownMembers(step, concat(List.of("do"), members.atOnce()), name);
            return name;
        }
        if (members.atBegin() == null)
        {
            throw noPhases(name);
        }
        final boolean begin = begins(step);
        requireKnownMembers(step, concat(List.of("do", "phase"), begin ? members.atBegin() : PHASE_END),
            name + " (" + (begin ? "begin" : "end") + ")");
        return name;
    }

    private static void requireKnownMembers(final JsonNode node, final List<String> allowed, final String of)
    {
        for (final Iterator<String> names = node.fieldNames(); names.hasNext(); )
        {
            final String name = names.next();
            if (!allowed.contains(name))
            {
                throw Derivation.unknownParameter(name, of, String.join(", ", allowed));
            }
        }
    }

    private static boolean begins(final JsonNode step)
    {
        final String phase = text(step, "phase", null, "begin or end");
        return switch (phase)
        {
            case "begin" -> true;
            case "end" -> false;
            default -> throw new InvalidParameterException("phase", "unknown phase " + InvalidParameterException.quote(phase),
                "begin or end");
        };
    }

    private static InvalidParameterException noPhases(final String name)
    {
        final List<String> phased = STEPS.entrySet().stream().filter(step -> step.getValue().atBegin() != null)
            .map(Map.Entry::getKey).toList();
        return new InvalidParameterException("do", "no phases for " + InvalidParameterException.quote(name), String.join(", ", phased));
    }

    /**
     * Null for a handover within the AMF; the step's policy, or its horizontal-kamf choice, to another.
     */
    private static HorizontalKamfPolicy handoverPolicy(final JsonNode step)
    {
        if (step.has("policy"))
        {
            return policy(step);
        }
        final boolean horizontal = flag(step, "horizontal-kamf", false);
        if (horizontal && !flag(step, "to-other-amf", true))
        {
            throw new ProcedureNotAllowedException("n2-handover", "a horizontal KAMF derivation needs an AMF change");
        }
        if (!flag(step, "to-other-amf", horizontal))
        {
            return null;
        }
        return horizontal ? HorizontalKamfPolicy.always() : HorizontalKamfPolicy.never();
    }

    private static HorizontalKamfPolicy registrationPolicy(final JsonNode step)
    {
        if (step.has("policy"))
        {
            return policy(step);
        }
        return flag(step, "horizontal-kamf", false) ? HorizontalKamfPolicy.always() : HorizontalKamfPolicy.never();
    }

    private static AccessType access(final JsonNode step)
    {
        final String access = text(step, "access", "3gpp", "3gpp or non-3gpp");
        return switch (access)
        {
            case "3gpp" -> AccessType.THREE_GPP;
            case "non-3gpp" -> AccessType.NON_THREE_GPP;
            default -> throw new InvalidParameterException("access", "unknown access " + InvalidParameterException.quote(access),
                "3gpp or non-3gpp");
        };
    }

    private static HorizontalKamfPolicy policy(final JsonNode step)
    {
        final String allowed = "never, always, when-amf-set-changes or when-secure-storage-not-shared";
        final String policy = text(step, "policy", null, allowed);
        return switch (policy)
        {
            case "never" -> HorizontalKamfPolicy.never();
            case "always" -> HorizontalKamfPolicy.always();
            case "when-amf-set-changes" -> HorizontalKamfPolicy.whenAmfSetChanges();
            case "when-secure-storage-not-shared" -> HorizontalKamfPolicy.whenSecureStorageNotShared();
            default -> throw new InvalidParameterException("policy", "unknown policy " + InvalidParameterException.quote(policy),
                allowed);
        };
    }

    private static AmfChange amfChange(final JsonNode step, final AmfChange.Kind kind)
    {
        return new AmfChange(kind, optionalInteger(step, "source-amf-set", 1, 0, AmfChange.MAX_AMF_SET),
            optionalInteger(step, "target-amf-set", 2, 0, AmfChange.MAX_AMF_SET),
            flag(step, "shared-secure-storage", false));
    }

    private static boolean outcome(final JsonNode step)
    {
        final String outcome = text(step, "outcome", null, "complete or failed");
        return switch (outcome)
        {
            case "complete" -> true;
            case "failed" -> false;
            default -> throw new InvalidParameterException("outcome", "unknown outcome " + InvalidParameterException.quote(outcome),
                "complete or failed");
        };
    }

    private static long count(final JsonNode node, final String name)
    {
        return integral(node, name, 0, SecurityContext.MAX_NAS_COUNT);
    }

    private static int integer(final JsonNode node, final String name)
    {
        return integer(node, name, 0, Integer.MAX_VALUE);
    }

    private static int integer(final JsonNode node, final String name, final int min, final int max)
    {
        return (int)integral(node, name, min, max);
    }

    private static int optionalInteger(
        final JsonNode node, final String name, final int absent, final int min, final int max)
    {
        return node.has(name) ? integer(node, name, min, max) : absent;
    }

    /**
     * A JSON integer in {@code [min, max]}: 1.0, 1.9 and "1" are not integers, and a value too large
     * for any type is out of range, not missing.
     */
    private static long integral(final JsonNode node, final String name, final long min, final long max)
    {
        final JsonNode value = node.get(name);
        if (value == null)
        {
            throw InvalidParameterException.missing(name, min + ".." + max);
        }
        if (!value.isIntegralNumber())
        {
            throw new InvalidParameterException(name, "not an integer", min + ".." + max);
        }
        if (!value.canConvertToLong())
        {
            throw new InvalidParameterException(name, InvalidParameterException.quote(value.asText()) + " is out of range",
                min + ".." + max);
        }
        final long given = value.longValue();
        if (given < min || given > max)
        {
            throw InvalidParameterException.outOfRange(name, given, min, max);
        }
        return given;
    }

    /**
     * A JSON true or false; {@code absent} when the member is not there.
     */
    private static boolean flag(final JsonNode node, final String name, final boolean absent)
    {
        final JsonNode value = node.get(name);
        if (value == null)
        {
            return absent;
        }
        if (!value.isBoolean())
        {
            throw new InvalidParameterException(name, "not a boolean", "true or false");
        }
        return value.booleanValue();
    }

    /**
     * A JSON string; {@code absent} when the member is not there, or missing when that is null.
     */
    private static String text(final JsonNode node, final String name, final String absent, final String allowed)
    {
        final JsonNode value = node.get(name);
        if (value == null && absent != null)
        {
            return absent;
        }
        if (value == null)
        {
            throw InvalidParameterException.missing(name, allowed);
        }
        if (!value.isTextual())
        {
            throw new InvalidParameterException(name, "not a string", allowed);
        }
        return value.textValue();
    }

    private static byte[] key(final JsonNode node, final String name)
    {
        final JsonNode value = node.get(name);
        if (value == null)
        {
            throw InvalidParameterException.missing(name, "64 hex digits");
        }
        if (!value.isTextual() || !value.asText().matches("[0-9a-fA-F]{64}"))
        {
            throw new InvalidParameterException(name, "not 64 hex digits", "64 hex digits");
        }
        return BitUtil.fromHex(value.asText());
    }
}

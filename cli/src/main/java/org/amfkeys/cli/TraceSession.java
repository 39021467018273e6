package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.ProcedureOutcome;
import org.amfkeys.sim.PhasedProcedure;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.NgKsi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code amfkeys trace} scenario's UE, RAN nodes and core network, and the vocabulary of its steps:
 * what each step reads and which procedure calls it makes. A step is run once, on every side. Before
 * it runs, the session takes a snapshot of the three sides (the UE's context at every core network
 * node, the RAN nodes, the UE with its procedures in flight); a step that is refused is undone by
 * restoring that snapshot, so a scenario never needs to be replayed, and no refusal depends on every
 * procedure having checked everything before it changed anything.
 */
final class TraceSession implements AutoCloseable
{
    /** The UE identifier of a session with a core network of its own. */
    static final long UE_ID = 1;

    private static final int DEFAULT_PCI = 1;
    private static final int DEFAULT_NR_ARFCN = 632_628;
    private static final int DEFAULT_EARFCN = 1_300;
    private static final int TABLE_CAPACITY = 4;

    /** At the end of every step, after its procedures and before it is reported: nothing but in tests. */
    private static final StepEnd NOTHING = ue ->
    {
    };

    private final ContextTable[] ownTables;
    private final SimulatedCore core;
    private final SimulatedUe ue;
    private final int ciphering;
    private final int integrity;
    /** The sides before the step that runs, kept only while it runs: they hold keys. */
    private final SimulatedCore.Snapshot coreBeforeStep = new SimulatedCore.Snapshot();
    private final SimulatedUe.Snapshot ueBeforeStep = new SimulatedUe.Snapshot();
    private StepEnd stepEnd = NOTHING;
    private ConcurrencyRule deferredBy;
    private DeferredProcedure deferredKind;

    /**
     * The UE of a scenario on a core network of its own: two AMFs and two MMEs.
     *
     * @param scenario the scenario, its members {@link #check checked}.
     * @return the session, to close.
     * @throws InvalidParameterException when its initial context is invalid.
     */
    static TraceSession of(final JsonNode scenario)
    {
        final ContextTable[] tables = new ContextTable[SimulatedCore.AMFS + SimulatedCore.MAX_MMES];
        SimulatedCore core = null;
        try
        {
            for (int i = 0; i < tables.length; i++)
            {
                tables[i] = new ContextTable(TABLE_CAPACITY);
            }
            core = new SimulatedCore(Arrays.copyOfRange(tables, 0, SimulatedCore.AMFS),
                Arrays.copyOfRange(tables, SimulatedCore.AMFS, tables.length), Kdf::new);
            return new TraceSession(core, tables, UE_ID, scenario);
        }
        catch (final RuntimeException ex)
        {
            if (core != null)
            {
                core.close();
            }
            closeAll(tables);
            throw ex;
        }
    }

    /**
     * The UE of a scenario on a core network that others may share (each session with its own UE).
     *
     * @param core     the core network; stays the caller's.
     * @param ueId     the UE's identifier in every table.
     * @param scenario the scenario, its members {@link #check checked}.
     * @throws InvalidParameterException when its initial context is invalid.
     */
    TraceSession(final SimulatedCore core, final long ueId, final JsonNode scenario)
    {
        this(core, null, ueId, scenario);
    }

    private TraceSession(final SimulatedCore core, final ContextTable[] ownTables, final long ueId, final JsonNode scenario)
    {
        this.core = core;
        this.ownTables = ownTables;
        ciphering = integer(scenario, "nas-enc", 0, SecurityContext.MAX_NAS_ALGORITHM);
        integrity = integer(scenario, "nas-int", 0, SecurityContext.MAX_NAS_ALGORITHM);
        ue = new SimulatedUe(ueId, core, key(scenario, "kamf"), integer(scenario, "ngksi", 0, NgKsi.MAX_KEY_SET_IDENTIFIER),
            ciphering, integrity);
    }

    /**
     * @return the UE with its RAN nodes and serving node.
     */
    SimulatedUe ue()
    {
        return ue;
    }

    /**
     * Runs one step on every side. A step the state does not allow, or with a bad parameter, is undone
     * on every side before it throws, so the scenario goes on from where it was.
     *
     * @param step the step, {@code {"do": NAME, parameters}}.
     * @return what became of it.
     * @throws ProcedureNotAllowedException when the UE's state or a concurrency rule does not allow it.
     * @throws InvalidParameterException when a parameter is missing, of the wrong type or out of range.
     */
    Step run(final JsonNode step)
    {
        deferredBy = null;
        deferredKind = null;
        core.snapshot(ue.ueId(), coreBeforeStep);
        ue.snapshot(ueBeforeStep);
        try
        {
            final HorizontalKamfDecision decision = perform(step);
            stepEnd.end(ue);
            return new Step(decision, deferredBy, deferredKind, ue.startedDeferred());
        }
        catch (final ProcedureNotAllowedException | InvalidParameterException refused)
        {
            core.restore(coreBeforeStep);
            ue.restore(ueBeforeStep);
            throw refused;
        }
        finally
        {
            wipeSnapshots();
        }
    }

    /**
     * Something run at the end of every step, after its procedures, as part of the step.
     */
    @FunctionalInterface
    interface StepEnd
    {
        /**
         * @param ue the session's UE, with its RAN nodes and core network.
         * @throws ProcedureNotAllowedException to refuse the step.
         */
        void end(SimulatedUe ue);
    }

    /**
     * A test's way to refuse a step after it changed sides, which no step of the vocabulary does, to
     * show that the refusal is undone all the same.
     *
     * @param stepEnd run at the end of every step from now on, or null for nothing.
     */
    void stepEnd(final StepEnd stepEnd)
    {
        this.stepEnd = stepEnd == null ? NOTHING : stepEnd;
    }

    private void wipeSnapshots()
    {
        coreBeforeStep.wipe();
        ueBeforeStep.wipe();
    }

    /**
     * What became of a step that was not refused.
     *
     * @param decision   the horizontal-KAMF decision of a step that named a policy, or null.
     * @param deferredBy the rule the step waits under, or null when it ran.
     * @param waiting    the procedure that waits, or null.
     * @param started    a procedure that waited and started at this step's end, or null.
     */
    record Step(HorizontalKamfDecision decision, ConcurrencyRule deferredBy, DeferredProcedure waiting,
        DeferredProcedure started)
    {
    }

    private HorizontalKamfDecision perform(final JsonNode step)
    {
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

    /**
     * Zeroes the UE's keys and the snapshots'; a session that made its own core network closes it and
     * its tables too.
     */
    public void close()
    {
        wipeSnapshots();
        ue.close();
        if (ownTables != null)
        {
            core.close();
            closeAll(ownTables);
        }
    }

    private static void closeAll(final ContextTable[] tables)
    {
        for (final ContextTable table : tables)
        {
            if (table != null)
            {
                table.close();
            }
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
        final List<String> all = new ArrayList<>();
        for (final List<String> list : lists)
        {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    /**
     * Rejects what makes a scenario as a whole malformed, before any step runs: a member it does not
     * have, or a step that is not an object. The values are read, and checked, as the steps run.
     *
     * @param scenario the scenario.
     * @throws InvalidParameterException naming what is wrong.
     */
    static void check(final JsonNode scenario)
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
        for (final Iterator<String> names = node.fieldNames(); names.hasNext();)
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

package org.amfkeys.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.sim.PhasedProcedure;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.NrArfcn;
import org.amfkeys.types.Pci;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random steps over the whole vocabulary of {@code amfkeys trace}: every step name, whole or in phases
 * with every outcome, every parameter (policies and AMF sets included), mostly with values the UE's
 * state makes plausible (its next UL NAS COUNT, a cell of its system), sometimes with values it does
 * not (a used COUNT, a cell of the other system, a range error), so that many steps are refused.
 */
final class RandomSteps
{
    static final List<String> STEPS = List.of("authenticate", "nas-smc", "initial-context-setup", "release", "xn-handover",
        "n2-handover", "inter-mme-handover", "mobility-registration", "ue-context-modification", "as-key-refresh",
        "nas-key-refresh", "handover-to-eps", "idle-to-eps", "handover-to-5gs", "idle-to-5gs", "dl-nas");

    static final List<String> PHASED = List.of("nas-smc", "n2-handover", "inter-mme-handover", "handover-to-eps",
        "handover-to-5gs", "ue-context-modification", "xn-handover", "mobility-registration");

    private static final List<String> IDLE_STEPS = List.of("initial-context-setup", "initial-context-setup",
        "mobility-registration", "idle-to-eps", "idle-to-5gs", "nas-key-refresh", "authenticate", "nas-smc", "dl-nas");
    private static final List<String> CONNECTED_STEPS = List.of("xn-handover", "n2-handover", "n2-handover",
        "inter-mme-handover", "handover-to-eps", "handover-to-5gs", "ue-context-modification", "as-key-refresh", "release",
        "nas-smc", "authenticate");
    private static final List<String> POLICIES = List.of("never", "always", "when-amf-set-changes", "when-secure-storage-not-shared");
    private static final List<String> OUTCOMES = List.of("complete", "complete", "complete", "failure", "abort");
    private static final int EARFCN_SAMPLE = 1_300;
    private static final int NR_ARFCN_SAMPLE = 632_628;

    private final SplittableRandom random;
    private final JsonNodeFactory json = JsonNodeFactory.instance;

    RandomSteps(final SplittableRandom random)
    {
        this.random = random;
    }

    /**
     * @return a random 256-bit key in hex.
     */
    String key()
    {
        final byte[] key = new byte[32];
        random.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    /**
     * @param ue the UE the step is for; only read, to make values plausible.
     * @return one step.
     */
    ObjectNode next(final SimulatedUe ue)
    {
        if (random.nextBoolean())
        {
            final ObjectNode end = endOfOneInFlight(ue);
            if (end != null)
            {
                return end;
            }
        }
        final List<String> likely = ue.ran() == null ? IDLE_STEPS : CONNECTED_STEPS;
        final String name = random.nextBoolean() ? likely.get(random.nextInt(likely.size())) : STEPS.get(random.nextInt(STEPS.size()));
        final ObjectNode step = json.objectNode().put("do", name);
        if (PHASED.contains(name) && random.nextInt(10) < 7)
        {
            if (random.nextBoolean())
            {
                step.put("phase", "begin");
            }
            else
            {
                step.put("phase", "end").put("outcome", OUTCOMES.get(random.nextInt(OUTCOMES.size())));
                return step;
            }
        }
        final boolean begin = step.has("phase");
        switch (name)
        {
            case "authenticate" -> step.put("kamf", key()).put("ngksi", random.nextInt(100) < 97 ? random.nextInt(7) : 7);
            case "nas-smc" ->
            {
                if (random.nextBoolean())
                {
                    step.put("nas-enc", random.nextInt(4)).put("nas-int", random.nextInt(4));
                }
                if (begin && random.nextInt(6) == 0)
                {
                    step.put("access", "non-3gpp");
                }
            }
            case "initial-context-setup" ->
            {
                step.put("ul-count", uplinkCount(ue));
                if (random.nextBoolean())
                {
                    cell(step, ue, "arfcn");
                }
            }
            case "xn-handover", "handover-to-5gs" -> cell(step, ue, "arfcn");
            case "inter-mme-handover", "handover-to-eps" -> cell(step, ue, "earfcn");
            case "n2-handover" ->
            {
                cell(step, ue, "arfcn");
                amfChange(step, "horizontal-kamf");
                if (random.nextInt(4) == 0)
                {
                    step.put("to-other-amf", random.nextBoolean());
                }
                if (random.nextInt(5) == 0)
                {
                    step.put("dl-count", Math.max(0, ue.readServing().downlinkNasCount() + random.nextInt(4) - 1));
                }
            }
            case "mobility-registration" ->
            {
                if (!begin || random.nextBoolean())
                {
                    step.put("ul-count", uplinkCount(ue));
                }
                amfChange(step, "horizontal-kamf");
                if (!begin)
                {
                    step.put("outcome", random.nextInt(4) == 0 ? "failed" : "complete");
                }
            }
            case "ue-context-modification" ->
            {
                if (!begin && random.nextInt(4) == 0)
                {
                    step.put("ul-count", ue.smcCompleteUplinkCount() + (random.nextBoolean() ? 0 : 1));
                }
            }
            case "nas-key-refresh", "idle-to-eps", "idle-to-5gs" -> step.put("ul-count", uplinkCount(ue));
            default ->
            {
                // release, as-key-refresh and dl-nas take no parameters.
            }
        }
        return step;
    }

    /**
     * The end of a procedure the UE has in flight, under the name that ends it; null when none is.
     */
    private ObjectNode endOfOneInFlight(final SimulatedUe ue)
    {
        final List<String> ends = new ArrayList<>();
        for (final PhasedProcedure procedure : PhasedProcedure.values())
        {
            if (ue.inFlight(procedure))
            {
                ends.add(switch (procedure)
                {
                    case N2_HANDOVER, INTER_AMF_HANDOVER -> "n2-handover";
                    case INTER_SYSTEM_HANDOVER -> ue.serving().chain() == AccessStratumChain.NR ? "handover-to-eps" : "handover-to-5gs";
                    default -> procedure.token();
                });
            }
        }
        if (ends.isEmpty())
        {
            return null;
        }
        return json.objectNode().put("do", ends.get(random.nextInt(ends.size()))).put("phase", "end")
            .put("outcome", OUTCOMES.get(random.nextInt(OUTCOMES.size())));
    }

    /**
     * Mostly the UE's next UL NAS COUNT or a little above; sometimes one already used, rarely out of range.
     */
    private long uplinkCount(final SimulatedUe ue)
    {
        final int roll = random.nextInt(20);
        if (roll == 0)
        {
            return random.nextBoolean() ? -1 : 1L << 24;
        }
        final long next = ue.ue().nextUplinkCount();
        return roll < 3 ? Math.max(0, next - 1 - random.nextInt(2)) : next + random.nextInt(3);
    }

    /**
     * A cell of the system the UE is in (or, sometimes, of the other), rarely out of range.
     */
    private void cell(final ObjectNode step, final SimulatedUe ue, final String arfcnName)
    {
        final boolean nr = arfcnName.equals("arfcn") && (ue.serving().chain() == AccessStratumChain.NR ? random.nextInt(10) > 0 :
            random.nextInt(10) == 0);
        final int roll = random.nextInt(40);
        step.put("pci", roll == 0 ? Pci.MAX_NR + 1 : random.nextInt((nr ? Pci.MAX_NR : Pci.MAX_EUTRA) + 1));
        step.put(arfcnName, roll == 1 ? NrArfcn.MAX_VALUE + 1 : random.nextInt(8) == 0 ? random.nextInt(60_000) :
            nr ? NR_ARFCN_SAMPLE : EARFCN_SAMPLE);
    }

    /**
     * The source AMF's choice of a horizontal KAMF: a boolean, or a policy with the move's AMF sets.
     */
    private void amfChange(final ObjectNode step, final String horizontal)
    {
        final int roll = random.nextInt(3);
        if (roll == 0)
        {
            step.put(horizontal, random.nextBoolean());
        }
        else if (roll == 1)
        {
            step.put("policy", POLICIES.get(random.nextInt(POLICIES.size())));
            if (random.nextBoolean())
            {
                step.put("source-amf-set", 1 + random.nextInt(2)).put("target-amf-set", 1 + random.nextInt(2));
            }
            if (random.nextBoolean())
            {
                step.put("shared-secure-storage", random.nextBoolean());
            }
        }
    }
}

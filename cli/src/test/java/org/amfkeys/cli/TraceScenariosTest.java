package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.CoreNetworkProcedures;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.SimulationInvariants;
import org.amfkeys.sim.SimulatedCore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random scenarios over the whole step vocabulary of {@code amfkeys trace}, run through the trace's own
 * {@link TraceSession}: steps whole and in phases with every outcome, releases, idle-mode and EPS steps,
 * inter-MME handovers, policies, and many steps the state refuses. After every step:
 * <ul>
 *     <li>nothing but a refusal ({@link ProcedureNotAllowedException}, {@link InvalidParameterException})
 *     escapes;</li>
 *     <li>a refused step is undone on every side (UE, RAN nodes, procedures in flight, every node's
 *     table): the session restores the snapshot it took before the step;</li>
 *     <li>with no procedure in flight, UE, RAN node and serving node agree, no other node holds the UE,
 *     and no table keeps a root key the UE retired.</li>
 * </ul>
 * A failure prints the scenario, which {@code amfkeys trace} replays. The normal build runs
 * {@value #DEFAULT_SCENARIOS} scenarios; {@code -Damfkeys.trace.scenarios=N} runs more, and
 * {@code -Damfkeys.trace.seed=S} another sequence.
 */
class TraceScenariosTest
{
    private static final int DEFAULT_SCENARIOS = 100_000;
    private static final int MOST_STEPS = 24;
    private static final int TABLE_CAPACITY = 16;

    @Test
    void randomScenariosOverEveryStepKeepEverySideInSyncOrChangeNothing()
    {
        final int scenarios = Integer.getInteger("amfkeys.trace.scenarios", DEFAULT_SCENARIOS);
        final long seed = Long.getLong("amfkeys.trace.seed", 0x7EAC_E013L);
        final ContextTable[] tables = new ContextTable[SimulatedCore.AMFS + SimulatedCore.MAX_MMES];
        for (int i = 0; i < tables.length; i++)
        {
            tables[i] = new ContextTable(TABLE_CAPACITY);
        }
        final SimulatedCore core = new SimulatedCore(new ContextTable[] {tables[0], tables[1]},
            new ContextTable[] {tables[2], tables[3]}, Kdf::new);
        long steps = 0;
        long refused = 0;
        long quiescent = 0;
        try
        {
            for (int n = 0; n < scenarios; n++)
            {
                final Outcome outcome = scenario(core, new SplittableRandom(seed + n), n);
                steps += outcome.steps;
                refused += outcome.refused;
                quiescent += outcome.quiescent;
            }
        }
        finally
        {
            core.close();
            for (final ContextTable table : tables)
            {
                table.close();
            }
        }
        System.out.printf("trace scenarios: %,d scenarios, %,d steps, %,d refused, %,d checked with nothing in flight%n",
            scenarios, steps, refused, quiescent);
        assertTrue(refused > steps / 5 && refused < steps * 4 / 5, "a mix of steps that run and steps refused: " + refused);
        assertTrue(quiescent > steps / 4, "enough points with nothing in flight: " + quiescent);
    }

    private record Outcome(int steps, int refused, int quiescent)
    {
    }

    /**
     * Replays a scenario whose last step was refused but not undone on every side, and lists what it
     * left changed.
     */
    private static String difference(final SimulatedCore core, final long ueId, final ObjectNode scenario)
    {
        final long replayId = ueId + 1_000_000;
        final JsonNode steps = scenario.get("steps");
        try (TraceSession session = new TraceSession(core, replayId, scenario))
        {
            final SimulationInvariants invariants = new SimulationInvariants(session.ue(), core);
            for (int i = 0; i < steps.size() - 1; i++)
            {
                try
                {
                    session.run(steps.get(i));
                }
                catch (final ProcedureNotAllowedException | InvalidParameterException refused)
                {
                    // As in the scenario.
                }
            }
            final List<String> before = invariants.describe();
            try
            {
                session.run(steps.get(steps.size() - 1));
            }
            catch (final ProcedureNotAllowedException | InvalidParameterException refused)
            {
                // As in the scenario.
            }
            final List<String> after = invariants.describe();
            final StringBuilder changed = new StringBuilder("changed:");
            for (int i = 0; i < Math.max(before.size(), after.size()); i++)
            {
                final String was = i < before.size() ? before.get(i) : "(none)";
                final String is = i < after.size() ? after.get(i) : "(none)";
                if (!was.equals(is))
                {
                    changed.append("\n  ").append(was).append("  ->  ").append(is);
                }
            }
            return changed.toString();
        }
        finally
        {
            for (final CoreNetworkProcedures node : nodes(core))
            {
                node.delete(replayId);
            }
        }
    }

    private static List<CoreNetworkProcedures> nodes(final SimulatedCore core)
    {
        final List<CoreNetworkProcedures> nodes = new ArrayList<>();
        for (int i = 0; i < SimulatedCore.AMFS; i++)
        {
            nodes.add(core.amf(i));
        }
        for (int i = 0; i < core.mmes(); i++)
        {
            nodes.add(core.mme(i));
        }
        return nodes;
    }

    private static Outcome scenario(final SimulatedCore core, final SplittableRandom random, final int n)
    {
        final RandomSteps generator = new RandomSteps(random);
        final ObjectNode scenario = JsonNodeFactory.instance.objectNode().put("kamf", generator.key())
            .put("ngksi", random.nextInt(7)).put("nas-enc", random.nextInt(4)).put("nas-int", 1 + random.nextInt(3));
        final ArrayNode steps = scenario.putArray("steps");
        final long ueId = 1 + n % 1_000;
        int refused = 0;
        int quiescent = 0;
        final int length = 1 + random.nextInt(MOST_STEPS);
        try (TraceSession session = new TraceSession(core, ueId, scenario))
        {
            final SimulationInvariants invariants = new SimulationInvariants(session.ue(), core);
            long before = invariants.fingerprint();
            for (int i = 0; i < length; i++)
            {
                final ObjectNode step = generator.next(session.ue());
                steps.add(step);
                try
                {
                    session.run(step);
                }
                catch (final ProcedureNotAllowedException | InvalidParameterException ex)
                {
                    refused++;
                    if (invariants.fingerprint() != before)
                    {
                        fail("a refused step was not undone on every side (" + ex.getMessage() + "):\n" + scenario + "\n" +
                            difference(core, ueId, scenario));
                    }
                    continue;
                }
                catch (final RuntimeException | AssertionError ex)
                {
                    throw new AssertionError("step " + (i + 1) + " threw " + ex + ":\n" + scenario, ex);
                }
                before = invariants.fingerprint();
                if (!invariants.anythingInFlight())
                {
                    quiescent++;
                    final String violation = invariants.quiescentViolation();
                    if (violation != null)
                    {
                        fail("after step " + (i + 1) + ": " + violation + ":\n" + scenario);
                    }
                }
            }
        }
        finally
        {
            for (final CoreNetworkProcedures node : nodes(core))
            {
                node.delete(ueId);
            }
        }
        return new Outcome(length, refused, quiescent);
    }
}

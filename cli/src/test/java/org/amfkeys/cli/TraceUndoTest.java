package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.KeyMaterial;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.SimulationInvariants;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amfkeys trace} undoes a refused step by restoring the snapshot of the three sides it took
 * before the step, whatever the step changed: a step made to change sides and then be refused (with
 * {@link TraceSession#stepEnd}, as no step of the vocabulary does) leaves every side as it was, by the
 * fingerprint of {@link SimulationInvariants}, and the scenario goes on printing exactly the lines it
 * prints without that step. The snapshots hold keys only while a step runs.
 */
class TraceUndoTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long UNDONE = 1;
    private static final long WITHOUT_THE_STEP = 2;
    private static final int NR_ARFCN = 632_628;
    private static final String SCENARIO = "{\"kamf\": \"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\", " +
        "\"ngksi\": 1, \"nas-enc\": 2, \"nas-int\": 2, \"steps\": []}";
    private static final List<String> BEFORE = List.of(
        "{\"do\": \"initial-context-setup\", \"ul-count\": 1}",
        "{\"do\": \"xn-handover\", \"pci\": 17, \"arfcn\": 632628}");
    private static final String REFUSED = "{\"do\": \"dl-nas\"}";
    private static final List<String> AFTER = List.of(
        "{\"do\": \"as-key-refresh\"}",
        "{\"do\": \"n2-handover\", \"pci\": 18, \"arfcn\": 632628, \"horizontal-kamf\": true}",
        "{\"do\": \"dl-nas\"}",
        "{\"do\": \"release\"}",
        "{\"do\": \"mobility-registration\", \"ul-count\": 2, \"horizontal-kamf\": true, \"outcome\": \"complete\"}",
        "{\"do\": \"initial-context-setup\", \"ul-count\": 4}",
        "{\"do\": \"handover-to-eps\", \"pci\": 3, \"earfcn\": 1300}",
        "{\"do\": \"xn-handover\", \"pci\": 4, \"arfcn\": 1300}");

    /** What a refused step changed before it was refused, besides what its own procedure did. */
    enum Change
    {
        /** The serving AMF alone: a downlink NAS message the UE never receives. */
        SERVING_NODE(ue -> ue.serving().downlinkNasMessage(ue.ueId())),
        /** The gNB alone: an intra-cell handover the UE never hears of. */
        RAN_NODE(ue -> ue.ran().asKeyRefresh(new HandoverCommand())),
        /** The UE alone: downlink NAS messages it received from no one. */
        UE(ue -> ue.ue().receiveDownlink(ue.ue().nextDownlinkCount() + 3)),
        /** Every side: an N2 handover to the other AMF with a horizontal KAMF, which moves the context between tables. */
        EVERY_SIDE(ue -> ue.n2Handover(7, NR_ARFCN, true, true, -1));

        private final Consumer<SimulatedUe> change;

        Change(final Consumer<SimulatedUe> change)
        {
            this.change = change;
        }
    }

    private ContextTable[] tables;
    private SimulatedCore core;

    @BeforeEach
    void coreNetwork()
    {
        tables = new ContextTable[SimulatedCore.AMFS + SimulatedCore.MAX_MMES];
        for (int i = 0; i < tables.length; i++)
        {
            tables[i] = new ContextTable(8);
        }
        core = new SimulatedCore(new ContextTable[] {tables[0], tables[1]}, new ContextTable[] {tables[2], tables[3]}, Kdf::new);
    }

    @AfterEach
    void close()
    {
        core.close();
        for (final ContextTable table : tables)
        {
            table.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Change.class)
    void aStepRefusedAfterItChangedASideIsUndone(final Change change) throws IOException
    {
        assertUndone(change, new ProcedureNotAllowedException("test", "refused after it changed a side"));
    }

    @Test
    void aStepWithABadParameterFoundAfterItChangedEverySideIsUndone() throws IOException
    {
        assertUndone(Change.EVERY_SIDE, new InvalidParameterException("test", "found after every side changed", "none"));
    }

    @Test
    @SuppressWarnings("try") // closes the session inside its try on purpose, to see what close() wipes
    void theSnapshotsHoldKeysOnlyWhileAStepRuns() throws Exception
    {
        try (TraceSession session = new TraceSession(core, UNDONE, JSON.readTree(SCENARIO)))
        {
            final List<Object> snapshots = snapshots(session);
            final List<String> duringTheStep = new ArrayList<>();
            session.stepEnd(ue -> snapshots.forEach(snapshot -> duringTheStep.addAll(KeyMaterial.notZeroed(snapshot))));
            session.run(JSON.readTree(BEFORE.get(0)));
            assertFalse(duringTheStep.isEmpty(), "the snapshots hold the UE's keys while its step runs");
            assertWiped(snapshots);

            session.stepEnd(ue ->
            {
                throw new ProcedureNotAllowedException("test", "refused");
            });
            assertThrows(ProcedureNotAllowedException.class, () -> session.run(JSON.readTree(BEFORE.get(1))));
            assertWiped(snapshots);

            session.stepEnd(null);
            session.run(JSON.readTree(BEFORE.get(1)));
            session.close();
            assertWiped(snapshots);
        }
        finally
        {
            forget(UNDONE);
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Runs the scenario twice side by side on one core network, once with a step in the middle that
     * changes sides and is then refused, once without that step; after the refusal every side is as
     * before it, and from then on both print the same lines.
     */
    private void assertUndone(final Change change, final RuntimeException refusal) throws IOException
    {
        final JsonNode scenario = JSON.readTree(SCENARIO);
        try (TraceSession undone = new TraceSession(core, UNDONE, scenario);
            TraceSession withoutTheStep = new TraceSession(core, WITHOUT_THE_STEP, scenario))
        {
            final SimulationInvariants invariants = new SimulationInvariants(undone.ue(), core);
            for (final String step : BEFORE)
            {
                assertEquals(line(withoutTheStep, step), line(undone, step));
            }
            final long before = invariants.fingerprint();
            final List<String> described = invariants.describe();
            final boolean[] changed = new boolean[1];
            undone.stepEnd(ue ->
            {
                change.change.accept(ue);
                changed[0] = invariants.fingerprint() != before;
                throw refusal;
            });

            final RuntimeException thrown = assertThrows(RuntimeException.class, () -> undone.run(JSON.readTree(REFUSED)));
            undone.stepEnd(null);

            assertEquals(refusal, thrown);
            assertTrue(changed[0], "the step changed a side before it was refused");
            assertEquals(described, invariants.describe(), "every side is as before the refused step");
            assertEquals(before, invariants.fingerprint());
            int ran = 0;
            for (final String step : AFTER)
            {
                final String line = line(withoutTheStep, step);
                assertEquals(line, line(undone, step), step);
                ran += line.contains("\"error\"") ? 0 : 1;
            }
            assertTrue(ran >= AFTER.size() - 1, "the scenario after the refused step runs: " + ran + " of " + AFTER.size());
        }
        finally
        {
            forget(UNDONE);
            forget(WITHOUT_THE_STEP);
        }
    }

    /**
     * @return the step's line as {@code amfkeys trace} prints it, less its number.
     */
    private static String line(final TraceSession session, final String step) throws IOException
    {
        final ObjectNode line = JSON.createObjectNode();
        try
        {
            session.run(JSON.readTree(step));
        }
        catch (final ProcedureNotAllowedException | InvalidParameterException ex)
        {
            line.put("error", ex.getMessage());
        }
        TraceCommand.describe(session.ue(), line);
        return JSON.writeValueAsString(line);
    }

    private static List<Object> snapshots(final TraceSession session) throws ReflectiveOperationException
    {
        final List<Object> snapshots = new ArrayList<>();
        for (final String name : List.of("coreBeforeStep", "ueBeforeStep"))
        {
            final Field field = TraceSession.class.getDeclaredField(name);
            field.setAccessible(true);
            snapshots.add(field.get(session));
        }
        return snapshots;
    }

    private static void assertWiped(final List<Object> snapshots)
    {
        for (final Object snapshot : snapshots)
        {
            assertEquals(List.of(), KeyMaterial.notZeroed(snapshot), snapshot::toString);
            assertFalse(snapshot instanceof SimulatedCore.Snapshot ? ((SimulatedCore.Snapshot)snapshot).taken() :
                ((SimulatedUe.Snapshot)snapshot).taken(), snapshot::toString);
        }
    }

    /**
     * The sessions share the test's core network: each UE leaves no context behind.
     */
    private void forget(final long ueId)
    {
        for (int i = 0; i < SimulatedCore.AMFS; i++)
        {
            core.amf(i).delete(ueId);
        }
        for (int i = 0; i < core.mmes(); i++)
        {
            core.mme(i).delete(ueId);
        }
    }
}

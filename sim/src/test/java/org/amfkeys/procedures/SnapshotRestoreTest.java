package org.amfkeys.procedures;

import org.agrona.MutableDirectBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.sim.PhasedProcedure;
import org.amfkeys.sim.ProcedureMix;
import org.amfkeys.sim.RanNode;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.sim.UeKeyChangeState;
import org.amfkeys.types.AccessType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshot and restore of every side of a simulation, with which {@code amfkeys trace} undoes a
 * refused step: whatever happens after a snapshot, restoring it brings back every side exactly as the
 * fingerprint of {@link SimulationInvariants} sees it (each value of the UE model, and contexts that
 * moved between nodes), and the UE goes on as if nothing had happened; a wiped snapshot holds no key
 * and cannot be restored.
 */
class SnapshotRestoreTest
{
    private static final int SEQUENCES = 3_000;
    private static final int NR_ARFCN = 632_628;
    private static final int EARFCN = 1_300;
    private static final ProcedureOutcome[] OUTCOMES = ProcedureOutcome.values();
    private static final Pattern KEY_LIKE = Pattern.compile("[0-9a-fA-F]{16}");

    /** Shared machinery the UE model only points to, whose own state is not the UE's. */
    private static final Set<Class<?>> NOT_THE_UES = Set.of(SimulatedCore.class, AmfProcedures.class, MmeProcedures.class,
        org.amfkeys.kdf.Kdf.class);

    /** Scratch a call zeroes before it returns, which the fingerprint walks all the same: no snapshot keeps it. */
    private static final Map<Class<?>, Set<String>> ZERO_BETWEEN_CALLS = Map.of(
        RanNode.class, Set.of("schedule"),
        UeKeyChangeState.class, Set.of("nasIntegrityKey"));

    @Test
    void whateverRunsAfterASnapshotRestoringItBringsBackEverySide()
    {
        final SimulatedCore.Snapshot coreBefore = new SimulatedCore.Snapshot();
        final SimulatedUe.Snapshot ueBefore = new SimulatedUe.Snapshot();
        final ProcedureMix mix = new ProcedureMix();
        int changed = 0;
        int moved = 0;
        try (SimulatedNetwork network = new SimulatedNetwork(16))
        {
            final SimulatedCore core = network.core;
            for (int n = 0; n < SEQUENCES; n++)
            {
                final SplittableRandom random = new SplittableRandom(0x5AA9_5407L + n);
                final long ueId = 1 + n % 100;
                final byte[] kamf = new byte[32];
                random.nextBytes(kamf);
                try (SimulatedUe ue = new SimulatedUe(ueId, core, kamf, random.nextInt(7), 1, 2))
                {
                    final SimulationInvariants invariants = new SimulationInvariants(ue, core);
                    for (int i = random.nextInt(10); i > 0; i--)
                    {
                        step(ue, mix, random);
                    }
                    final List<String> before = invariants.describe();
                    final String servedBy = ue.servingName();
                    core.snapshot(ueId, coreBefore);
                    ue.snapshot(ueBefore);
                    for (int i = 1 + random.nextInt(6); i > 0; i--)
                    {
                        step(ue, mix, random);
                    }
                    changed += invariants.describe().equals(before) ? 0 : 1;
                    moved += ue.servingName().equals(servedBy) ? 0 : 1;

                    core.restore(coreBefore);
                    ue.restore(ueBefore);
                    coreBefore.wipe();
                    ueBefore.wipe();

                    assertEquals(before, invariants.describe(), "sequence " + n);
                    // The UE goes on from the restored state as from any other: every side stays in step.
                    for (int i = 0; i < 6; i++)
                    {
                        step(ue, mix, random);
                        if (!invariants.anythingInFlight())
                        {
                            assertNull(invariants.quiescentViolation(), "sequence " + n + ", step " + i + " after the restore");
                        }
                    }
                }
                finally
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
        }
        assertTrue(changed > SEQUENCES / 3, "many sequences changed a side before the restore: " + changed);
        assertTrue(moved > SEQUENCES / 20, "some sequences moved the UE to another node before the restore: " + moved);
    }

    @Test
    void aContextMovedToAnotherNodeIsMovedBack()
    {
        try (SimulatedNetwork network = new SimulatedNetwork(8);
            SimulatedUe ue = new SimulatedUe(1, network.core, key(1), 1, 1, 2))
        {
            final SimulatedCore.Snapshot coreBefore = new SimulatedCore.Snapshot();
            final SimulatedUe.Snapshot ueBefore = new SimulatedUe.Snapshot();
            ue.initialContextSetup(ue.smcCompleteUplinkCount(), 1, NR_ARFCN);
            final SimulationInvariants invariants = new SimulationInvariants(ue, network.core);
            final long before = invariants.fingerprint();
            network.core.snapshot(1, coreBefore);
            ue.snapshot(ueBefore);

            ue.n2Handover(2, NR_ARFCN, true, true, -1);
            assertEquals("amf-2", ue.servingName());
            assertFalse(network.amf1.contains(1));
            assertTrue(network.amf2.contains(1));

            network.core.restore(coreBefore);
            ue.restore(ueBefore);
            assertEquals("amf-1", ue.servingName());
            assertTrue(network.amf1.contains(1));
            assertFalse(network.amf2.contains(1));
            assertEquals(before, invariants.fingerprint());
            assertTrue(ue.inSync());

            ue.n2Handover(2, NR_ARFCN, true, true, -1);
            assertEquals("amf-2", ue.servingName());
            assertNull(invariants.quiescentViolation());
        }
    }

    @Test
    void aContextChangedInPlaceIsPutBackAndOneRefusedIsLeftAlone()
    {
        try (SimulatedNetwork network = new SimulatedNetwork(8);
            SimulatedUe ue = new SimulatedUe(1, network.core, key(2), 1, 1, 2))
        {
            final SimulatedCore.Snapshot coreBefore = new SimulatedCore.Snapshot();
            final SimulationInvariants invariants = new SimulationInvariants(ue, network.core);
            final long before = invariants.fingerprint();
            network.core.snapshot(1, coreBefore);

            // The node alone moves on: a downlink NAS message the UE never receives.
            ue.serving().downlinkNasMessage(1);
            assertNotEquals(before, invariants.fingerprint());
            network.core.restore(coreBefore);
            assertEquals(before, invariants.fingerprint());

            // A node that never held the UE does not after a restore either.
            network.core.mme(1).delete(1);
            network.core.restore(coreBefore);
            assertFalse(network.mme2.contains(1));
            assertEquals(before, invariants.fingerprint());
        }
    }

    /**
     * Every value of the UE model that the fingerprint sees, changed after a snapshot, is back after a
     * restore: a field added to the model and not to its snapshot fails here.
     */
    @Test
    void restoringUndoesAChangeToAnyValueOfTheUeModel() throws IllegalAccessException
    {
        try (SimulatedNetwork network = new SimulatedNetwork(8);
            SimulatedUe ue = new SimulatedUe(1, network.core, key(3), 1, 1, 2))
        {
            // CONNECTED after an Xn handover (the gNB holds an unused pair), with procedures in flight,
            // so that every part of the model holds something.
            ue.initialContextSetup(ue.smcCompleteUplinkCount(), 1, NR_ARFCN);
            ue.xnHandover(2, NR_ARFCN);
            ue.authenticate(key(5), 2);
            ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, 2, 1);
            ue.beginHandoverToEps(3, EARFCN);
            assertTrue(ue.inFlight(PhasedProcedure.NAS_SMC) && ue.waitingUnder(PhasedProcedure.INTER_SYSTEM_HANDOVER) != null);
            final SimulatedUe.Snapshot ueBefore = new SimulatedUe.Snapshot();
            final SimulationInvariants invariants = new SimulationInvariants(ue, network.core);
            final long before = invariants.fingerprint();
            ue.snapshot(ueBefore);

            final List<String> undone = new ArrayList<>();
            changeEachValueAndRestore(ue, ueBefore, invariants, before, "SimulatedUe", ue, new IdentityHashMap<>(), undone);

            assertTrue(undone.contains("SimulatedUe.ue.current.rootKey"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.ue.rootSchedule"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.ue.asRootSchedule"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.ue.keyChange.lastVersion"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.ranNodes[1].unusedNextHop"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.inFlight.ueContextModificationPair.key"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.inFlight.handoverCommand.nasCount"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.inFlight.started.transfer.ngKsi"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.inFlight.smcNode"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.inFlight.handoverTarget"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.inFlight.handoverRule"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.inFlight"), undone::toString);
            assertTrue(undone.contains("SimulatedUe.ranEpoch"), undone::toString);
            assertEquals(before, invariants.fingerprint());
        }
    }

    @Test
    void aWipedSnapshotHoldsNoKeyAndCannotBeRestored()
    {
        try (SimulatedNetwork network = new SimulatedNetwork(8);
            SimulatedUe ue = new SimulatedUe(1, network.core, key(4), 1, 1, 2))
        {
            ue.initialContextSetup(ue.smcCompleteUplinkCount(), 1, NR_ARFCN);
            ue.xnHandover(2, NR_ARFCN);
            ue.nasSecurityModeCommand(2, 1);
            ue.beginUeContextModification();
            final SimulatedCore.Snapshot coreBefore = new SimulatedCore.Snapshot();
            final SimulatedUe.Snapshot ueBefore = new SimulatedUe.Snapshot();
            network.core.snapshot(1, coreBefore);
            ue.snapshot(ueBefore);
            assertFalse(KeyMaterial.notZeroed(coreBefore).isEmpty(), "a snapshot of a UE holds its context's keys");
            assertFalse(KeyMaterial.notZeroed(ueBefore).isEmpty(), "a snapshot of a UE holds its keys");
            assertFalse(KEY_LIKE.matcher(coreBefore.toString()).find(), coreBefore.toString());
            assertFalse(KEY_LIKE.matcher(ueBefore.toString()).find(), ueBefore.toString());

            coreBefore.wipe();
            ueBefore.wipe();

            assertEquals(List.of(), KeyMaterial.notZeroed(coreBefore));
            assertEquals(List.of(), KeyMaterial.notZeroed(ueBefore));
            assertFalse(coreBefore.taken());
            assertFalse(ueBefore.taken());
            assertThrows(IllegalStateException.class, () -> network.core.restore(coreBefore));
            assertThrows(IllegalStateException.class, () -> ue.restore(ueBefore));
            assertTrue(ue.inSync(), "a restore refused changes nothing");
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * One random step: a whole procedure of the mix, or the begin or end of a phased one; refusals are
     * part of the mix.
     */
    private static void step(final SimulatedUe ue, final ProcedureMix mix, final SplittableRandom random)
    {
        final boolean eps = ue.serving().chain() == AccessStratumChain.E_UTRA;
        final int pci = random.nextInt(504);
        final int arfcn = eps ? EARFCN : NR_ARFCN;
        final ProcedureOutcome outcome = OUTCOMES[random.nextInt(OUTCOMES.length)];
        final AmfChange n2 = new AmfChange(AmfChange.Kind.N2_HANDOVER, 1, 2, false);
        final AmfChange transfer = new AmfChange(AmfChange.Kind.CONTEXT_TRANSFER, 1, 2, false);
        final HorizontalKamfPolicy policy = random.nextBoolean() ? HorizontalKamfPolicy.always() : HorizontalKamfPolicy.never();
        try
        {
            switch (random.nextInt(16))
            {
                case 0 -> ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, random.nextInt(4), 1 + random.nextInt(3));
                case 1 -> ue.endNasSecurityModeCommand(outcome);
                case 2 -> ue.beginN2Handover(pci, arfcn, random.nextBoolean() ? policy : null, n2, -1);
                case 3 -> ue.endN2Handover(outcome);
                case 4 -> ue.beginXnHandover(pci, arfcn);
                case 5 -> ue.endXnHandover(outcome);
                case 6 -> ue.beginUeContextModification();
                case 7 -> ue.endUeContextModification(outcome);
                case 8 -> ue.beginMobilityRegistration(-1, policy, transfer);
                case 9 -> ue.endMobilityRegistration(outcome);
                case 10 -> ue.beginInterMmeHandover(pci, EARFCN);
                case 11 -> ue.endInterMmeHandover(outcome);
                case 12 -> ue.endHandover(PhasedProcedure.INTER_SYSTEM_HANDOVER, outcome);
                default -> mix.run(mix.pick(random), ue, random);
            }
        }
        catch (final ProcedureNotAllowedException | InvalidParameterException refused)
        {
            // The mix has steps the state does not allow.
        }
    }

    /**
     * Changes each value reachable from {@code object} through the model's classes, one at a time,
     * checks that the fingerprint sees it, restores the snapshot and checks that it is undone. What the
     * model is made with (final values: its identifier, a RAN node's system) is not state, and is left.
     */
    private static void changeEachValueAndRestore(
        final SimulatedUe ue, final SimulatedUe.Snapshot snapshot, final SimulationInvariants invariants, final long before,
        final String path, final Object object, final IdentityHashMap<Object, Boolean> seen, final List<String> undone)
        throws IllegalAccessException
    {
        if (object == null || seen.put(object, Boolean.TRUE) != null)
        {
            return;
        }
        for (final Field field : SimulationInvariants.fields(object.getClass()))
        {
            final String at = path + "." + field.getName();
            final Object value = field.get(object);
            if (value == null)
            {
                continue;
            }
            final Class<?> type = field.getType();
            final boolean isFinal = Modifier.isFinal(field.getModifiers());
            if (ZERO_BETWEEN_CALLS.getOrDefault(object.getClass(), Set.of()).contains(field.getName()))
            {
                assertEquals(List.of(), KeyMaterial.notZeroed(value), at + " holds a key between calls");
                continue;
            }
            if (value instanceof KeySchedule)
            {
                final MutableDirectBuffer buffer = ((KeySchedule)value).buffer();
                final int offset = ((KeySchedule)value).offset();
                buffer.putByte(offset, (byte)(buffer.getByte(offset) ^ 1));
            }
            else if (type == byte[].class)
            {
                ((byte[])value)[0] ^= 1;
            }
            else if (type.isPrimitive() || type.isEnum())
            {
                if (isFinal)
                {
                    continue;
                }
                field.set(object, SimulationInvariants.otherValue(value));
            }
            else
            {
                // A reference: what it holds first, then, where the model may point it elsewhere (a RAN
                // node, a node with a procedure in flight), pointing it nowhere.
                if (type.isArray())
                {
                    for (int i = 0; i < Array.getLength(value); i++)
                    {
                        changeEachValueAndRestore(ue, snapshot, invariants, before, at + "[" + i + "]", Array.get(value, i),
                            seen, undone);
                    }
                }
                else if (isModel(value.getClass()))
                {
                    changeEachValueAndRestore(ue, snapshot, invariants, before, at, value, seen, undone);
                }
                if (isFinal)
                {
                    continue;
                }
                field.set(object, null);
            }
            assertNotEquals(before, invariants.fingerprint(), "the fingerprint does not see " + at);
            ue.restore(snapshot);
            assertEquals(before, invariants.fingerprint(), at + " is not undone by the restore");
            undone.add(at);
        }
    }

    private static boolean isModel(final Class<?> type)
    {
        return type.getName().startsWith("org.amfkeys.") && !type.isEnum() && !NOT_THE_UES.contains(type) &&
            type != SecurityContext.class;
    }

    private static byte[] key(final long seed)
    {
        final byte[] key = new byte[32];
        new Random(seed).nextBytes(key);
        return key;
    }
}

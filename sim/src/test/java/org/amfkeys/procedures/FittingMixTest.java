package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.ProcedureMix;
import org.amfkeys.sim.ProcedureMix.Procedure;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The load tester's mix against the rules, over random sequences: what {@link ProcedureMix#fits} allows
 * is never refused when {@link ProcedureMix#runFitting} runs it, and what it does not allow the rules
 * do refuse (so the load tester's state machine is neither too strict nor too loose); each overlap
 * {@link ProcedureMix#runOverlap} starts on purpose meets the rule written for it; and every UE stays
 * in sync throughout.
 */
class FittingMixTest
{
    private static final int UES = 300;
    private static final int PROCEDURES = 60_000;

    @Test
    void fittingProceduresAreNeverRefusedAndTheOthersAlwaysAre()
    {
        final SplittableRandom random = new SplittableRandom(0xF17);
        final ProcedureMix mix = new ProcedureMix();
        final Map<Procedure, Integer> ran = new EnumMap<>(Procedure.class);
        final Map<Procedure, Integer> refusedOutOfState = new EnumMap<>(Procedure.class);
        final Map<String, Integer> overlaps = new TreeMap<>();
        try (ContextTable amf1 = new ContextTable(UES);
            ContextTable amf2 = new ContextTable(UES);
            ContextTable mme = new ContextTable(UES);
            SimulatedCore core = new SimulatedCore(new ContextTable[] {amf1, amf2}, new ContextTable[] {mme}, Kdf::new, null))
        {
            final SimulatedUe[] ues = registeredUes(core, random);
            for (int p = 0; p < PROCEDURES; p++)
            {
                final SimulatedUe ue = ues[random.nextInt(UES)];
                final boolean connected = ue.ran() != null;
                final boolean eps = ue.serving().chain() == AccessStratumChain.E_UTRA;
                final Procedure other = Procedure.values()[random.nextInt(Procedure.values().length)];
                // Releasing an idle UE is allowed and does nothing; the mix only leaves it out.
                if (!ProcedureMix.fits(other, connected, eps) && other != Procedure.RELEASE)
                {
                    try
                    {
                        mix.run(other, ue, random);
                        fail(other.token() + " ran for a UE " + (connected ? "CONNECTED" : "idle") + " in " +
                            (eps ? "EPS" : "5GS") + ", which fits() does not allow");
                    }
                    catch (final ProcedureNotAllowedException expected)
                    {
                        refusedOutOfState.merge(other, 1, Integer::sum);
                    }
                    assertTrue(ue.inSync(), "UE " + ue.ueId() + " after a refused " + other.token());
                }
                if (p % 10 == 0)
                {
                    // The overlap started on purpose meets the rule written for it, and the UE stays in sync.
                    final ConcurrencyRule rule = mix.runOverlap(ue, random);
                    final ConcurrencyRule expected = eps ? ConcurrencyRule.TS_33_401_7_2_10_1 : connected ?
                        ConcurrencyRule.TS_33_501_6_9_5_1_1 : ConcurrencyRule.TS_33_501_6_9_5_2_2;
                    assertEquals(expected, rule, (connected ? "CONNECTED" : "idle") + " in " + (eps ? "EPS" : "5GS"));
                    overlaps.merge(rule + (connected ? " connected" : " idle"), 1, Integer::sum);
                    assertTrue(ue.inSync(), "UE " + ue.ueId() + " after an overlap under " + rule);
                    continue;
                }
                final Procedure procedure = mix.pickFitting(random, ue);
                assertTrue(ProcedureMix.fits(procedure, connected, eps));
                try
                {
                    mix.runFitting(procedure, ue, random);
                }
                catch (final ProcedureNotAllowedException refused)
                {
                    fail(procedure.token() + " fits the UE's state but was refused: " + refused.getMessage());
                }
                ran.merge(procedure, 1, Integer::sum);
                assertTrue(ue.inSync(), "UE " + ue.ueId() + " after " + procedure.token());
            }
            for (final SimulatedUe ue : ues)
            {
                ue.close();
            }
        }
        assertEquals(Procedure.values().length, ran.size(), "every procedure ran: " + ran);
        assertEquals(4, overlaps.size(), "every overlap ran: " + overlaps);
        assertTrue(refusedOutOfState.size() >= Procedure.values().length - 4, "out-of-state attempts refused: " + refusedOutOfState);
    }

    @Test
    void theMobilityMixPicksOnlyMobilityAndKeepsEveryUeInSync()
    {
        final SplittableRandom random = new SplittableRandom(0xB0B);
        final ProcedureMix mix = new ProcedureMix(ProcedureMix.MOBILITY);
        final Map<Procedure, Integer> ran = new EnumMap<>(Procedure.class);
        try (ContextTable amf1 = new ContextTable(UES);
            ContextTable amf2 = new ContextTable(UES);
            ContextTable mme = new ContextTable(UES);
            SimulatedCore core = new SimulatedCore(new ContextTable[] {amf1, amf2}, new ContextTable[] {mme}, Kdf::new, null))
        {
            final SimulatedUe[] ues = registeredUes(core, random);
            for (int p = 0; p < PROCEDURES / 4; p++)
            {
                final SimulatedUe ue = ues[random.nextInt(UES)];
                final Procedure procedure = mix.pickFitting(random, ue);
                assertTrue(ProcedureMix.MOBILITY.contains(procedure), procedure.token());
                mix.runFitting(procedure, ue, random);
                ran.merge(procedure, 1, Integer::sum);
                assertTrue(ue.inSync(), "UE " + ue.ueId() + " after " + procedure.token());
            }
            for (final SimulatedUe ue : ues)
            {
                ue.close();
            }
        }
        assertEquals(ProcedureMix.MOBILITY, ran.keySet(), "every mobility procedure ran: " + ran);
    }

    @Test
    void aMixWithoutAProcedureForSomeStateIsRefusedByName()
    {
        final InvalidParameterException idle = assertThrows(InvalidParameterException.class,
            () -> new ProcedureMix(EnumSet.of(Procedure.XN_HANDOVER, Procedure.RELEASE)));
        assertTrue(idle.getMessage().startsWith("procedures: none fits a UE IDLE in 5GS"), idle.getMessage());
        final InvalidParameterException connected = assertThrows(InvalidParameterException.class,
            () -> new ProcedureMix(EnumSet.of(Procedure.INITIAL_CONTEXT_SETUP)));
        assertTrue(connected.getMessage().startsWith("procedures: none fits a UE CONNECTED in 5GS"), connected.getMessage());
        assertThrows(InvalidParameterException.class, () -> new ProcedureMix(null));
    }

    /** UEs registered at the first AMF with random KAMFs and ngKSIs. */
    private static SimulatedUe[] registeredUes(final SimulatedCore core, final SplittableRandom random)
    {
        final SimulatedUe[] ues = new SimulatedUe[UES];
        final byte[] kamf = new byte[Kdf.KEY_LENGTH];
        for (int i = 0; i < UES; i++)
        {
            random.nextBytes(kamf);
            ues[i] = new SimulatedUe(i + 1, core, kamf, random.nextInt(7), 1, 2);
        }
        return ues;
    }
}

package org.amfkeys.procedures;

import org.amfkeys.context.SecurityContext;
import org.amfkeys.sim.PhasedProcedure;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.AccessType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.amfkeys.procedures.ProcedureOutcome.COMPLETE;
import static org.amfkeys.procedures.ProcedureOutcome.FAILURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ends, completions, failures and releases check what is in flight and what it began with: the
 * sequences that used to leave UE and network on different keys while every step "ran", or threw an
 * undocumented exception, from issue 13.
 */
class ProcedureEndsTest
{
    private static final long UE_ID = 13;
    private static final int ARFCN = 632_628;
    private static final int EARFCN = 1_300;
    private static final byte[] KAMF = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final AmfChange N2_TO_OTHER_SET = new AmfChange(AmfChange.Kind.N2_HANDOVER, 1, 2, false);
    private static final AmfChange TRANSFER_TO_OTHER_SET = new AmfChange(AmfChange.Kind.CONTEXT_TRANSFER, 1, 2, false);
    private static final byte[] NEW_KAMF = HexFormat.of().parseHex("65d30cd21f98c4b0daf20e681c911148e6a5e1405bb8508aeda5336501fb999f");

    private SimulatedNetwork network;
    private SimulatedUe ue;

    @BeforeEach
    void start()
    {
        network = new SimulatedNetwork(8);
        ue = new SimulatedUe(UE_ID, network.core, KAMF, 1, 2, 2);
    }

    @AfterEach
    void stop()
    {
        ue.close();
        network.close();
    }

    /**
     * The first trace: a release during an inter-AMF handover with a horizontal KAMF, then an
     * SMC and a new Initial Context Setup at the source, then the handover's end. The release ends the
     * handover on every side, so its end is refused and everyone stays on the source's keys.
     */
    @Test
    void aReleaseEndsAnInterAmfHandoverOnEverySideAndItsEndIsRefused()
    {
        ue.authenticate(NEW_KAMF, 3);
        ue.initialContextSetup(2, 1, ARFCN);
        assertEquals(ProcedureStart.STARTED,
            ue.beginN2Handover(1, ARFCN, HorizontalKamfPolicy.always(), N2_TO_OTHER_SET, -1));
        assertTrue(network.amf2.contains(UE_ID), "the target AMF accepted the context");

        ue.release();
        assertFalse(ue.inFlight(PhasedProcedure.INTER_AMF_HANDOVER));
        assertFalse(network.amf2.contains(UE_ID), "the target forgot the cancelled handover's context");
        assertTrue(ue.inSync());

        ue.nasSecurityModeCommand(2, 2);
        ue.initialContextSetup(5, 1, ARFCN);
        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.endN2Handover(COMPLETE));
        assertTrue(refused.getMessage().contains("no n2-handover is in flight"), refused.getMessage());
        assertEquals("amf-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    /**
     * In the library: after {@code handoverToAmf}, a release ends the handover, so the target's report
     * of completion is refused instead of deleting the UE the source still serves.
     */
    @Test
    void aMoveCompletedThatNothingBeganIsRefusedAndDeletesNothing()
    {
        final AmfProcedures amf = network.core.amf(0);
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        final UeContextTransfer transfer = new UeContextTransfer();
        assertEquals(ProcedureStart.STARTED, amf.handoverToAmf(UE_ID, false, transfer));
        transfer.clear();
        assertTrue(amf.release(UE_ID));

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.moveCompleted(UE_ID));
        assertTrue(refused.getMessage().startsWith("move-completed: "), refused.getMessage());
        assertTrue(network.amf1.contains(UE_ID), "the source still serves the UE");
        assertThrows(ProcedureNotAllowedException.class, () -> amf.moveCompleted(UE_ID), "nor with nothing in flight at all");
        assertTrue(network.amf1.contains(UE_ID));
    }

    /**
     * The second trace: a mobility registration begun, then idle-mode mobility to EPS, then the
     * registration's failure. The UE cannot move elsewhere while it registers at the other AMF.
     */
    @Test
    void noOtherMoveWhileAMobilityRegistrationIsInFlight()
    {
        ue.beginMobilityRegistration(-1, HorizontalKamfPolicy.always(), TRANSFER_TO_OTHER_SET);
        final long next = ue.ue().nextUplinkCount();
        for (final Runnable move : new Runnable[] {
            () -> ue.idleModeToEps(next), () -> ue.nasKeyRefresh(next), () -> ue.initialContextSetup(next, 1, ARFCN),
            () -> ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, 2, 2), ue::downlinkNasMessage,
            () -> ue.authenticate(NEW_KAMF, 4)})
        {
            final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class, move::run);
            assertTrue(refused.getMessage().contains("a mobility registration to the other AMF is in flight"),
                refused.getMessage());
        }
        ue.endMobilityRegistration(FAILURE);
        assertEquals("amf-1", ue.servingName());
        assertTrue(ue.inSync());
        ue.idleModeToEps(ue.ue().nextUplinkCount());
        assertEquals("mme-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    /**
     * The third trace, first half: an Xn handover begun, the UE released, then the Xn handover's
     * end (an ArrayIndexOutOfBoundsException before).
     */
    @Test
    void aReleaseEndsAnXnHandover()
    {
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        ue.beginXnHandover(2, ARFCN);
        ue.release();
        assertFalse(ue.inFlight(PhasedProcedure.XN_HANDOVER));
        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.endXnHandover(COMPLETE));
        assertTrue(refused.getMessage().contains("no Xn handover is in flight"), refused.getMessage());
        assertTrue(ue.inSync());
    }

    /**
     * The third trace, second half: a handover to EPS begun, then idle-mode steps that a
     * CONNECTED UE cannot take (an IllegalStateException at the end before), then an inter-MME
     * handover's end, which must not end the handover to EPS.
     */
    @Test
    void idleModeStepsNeedAnIdleUeAndAnEndOnlyEndsWhatItNames()
    {
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        assertEquals(ProcedureStart.STARTED, ue.beginHandoverToEps(1, EARFCN));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.idleModeToEps(ue.ue().nextUplinkCount()));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.idleModeTo5gs(ue.ue().nextUplinkCount()));
        assertThrows(ProcedureNotAllowedException.class,
            () -> ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.endInterMmeHandover(COMPLETE));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.endN2Handover(COMPLETE));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.endHandoverTo5gs(COMPLETE));
        assertTrue(ue.inFlight(PhasedProcedure.INTER_SYSTEM_HANDOVER), "the handover to EPS still runs");

        ue.endHandoverToEps(COMPLETE);
        assertEquals("mme-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    /**
     * An inter-MME handover's end used to complete a 5GS N2 handover in flight.
     */
    @Test
    void anInterMmeEndDoesNotCompleteAnN2Handover()
    {
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        ue.beginN2Handover(2, ARFCN, null, N2_TO_OTHER_SET, -1);
        final SecurityContext before = new SecurityContext();
        assertTrue(network.core.amf(0).read(UE_ID, before));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.endInterMmeHandover(COMPLETE));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.endHandoverToEps(COMPLETE));
        assertTrue(ue.inFlight(PhasedProcedure.N2_HANDOVER));
        final SecurityContext after = new SecurityContext();
        assertTrue(network.core.amf(0).read(UE_ID, after));
        assertEquals(HexFormat.of().formatHex(bytes(before)), HexFormat.of().formatHex(bytes(after)),
            "the refused ends changed nothing at the AMF");
        ue.endN2Handover(COMPLETE);
        assertTrue(ue.inSync());
    }

    /**
     * A release during a UE Context Modification ends it as a failure, and the inter-AMF handover it made
     * wait (TS 33.501 6.9.5.1 (4)) is cancelled, as only a CONNECTED UE is handed over.
     */
    @Test
    void aReleaseCancelsAHandoverWaitingForAUeContextModification()
    {
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        ue.nasSecurityModeCommand(2, 2);
        ue.beginUeContextModification();
        assertEquals(ProcedureStart.DEFERRED,
            ue.beginN2Handover(2, ARFCN, HorizontalKamfPolicy.never(), N2_TO_OTHER_SET, -1));
        ue.release();
        assertFalse(ue.inFlight(PhasedProcedure.UE_CONTEXT_MODIFICATION));
        assertFalse(ue.inFlight(PhasedProcedure.INTER_AMF_HANDOVER));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.endUeContextModification(COMPLETE));
        final SecurityContext context = ue.readServing();
        assertEquals(0, context.procedureState(), "nothing left in flight or waiting at the AMF");
        assertTrue(ue.inSync());
    }

    private static byte[] bytes(final SecurityContext context)
    {
        final byte[] bytes = new byte[org.amfkeys.context.SecurityContextDescriptor.LENGTH];
        context.buffer().getBytes(context.offset(), bytes);
        return bytes;
    }
}

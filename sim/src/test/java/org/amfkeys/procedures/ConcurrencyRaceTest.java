package org.amfkeys.procedures;

import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.sim.PhasedProcedure;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.NgKsi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.amfkeys.procedures.AmfChange.Kind.CONTEXT_TRANSFER;
import static org.amfkeys.procedures.AmfChange.Kind.N2_HANDOVER;
import static org.amfkeys.procedures.ProcedureOutcome.COMPLETE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One test per concurrency rule that blocks something: the interleaving the rule prevents, run once on a
 * node told to ignore the rule (UE and network part, or the UE refuses what the network sends) and once
 * with the rule enforced (the engine refuses and changes nothing, or defers and starts the procedure when
 * the blocking one ends), after which UE and network are in sync.
 */
class ConcurrencyRaceTest
{
    private static final long UE_ID = 7;
    private static final int ARFCN = 632_628;
    private static final int EARFCN = 1_850;
    private static final int OLD_KSI = 1;
    private static final int NEW_KSI = 2;
    private static final int OTHER_KSI = 3;
    private static final int CIPHERING = 1;
    private static final int INTEGRITY = 2;
    private static final AmfChange HANDOVER_TO_OTHER_AMF = new AmfChange(N2_HANDOVER, 1, 2, false);
    private static final AmfChange REGISTRATION_AT_OTHER_AMF = new AmfChange(CONTEXT_TRANSFER, 1, 2, false);

    private final byte[] kamf = new byte[32];
    private final byte[] newKamf = new byte[32];
    private final byte[] otherKamf = new byte[32];
    private SimulatedNetwork network;
    private SimulatedCore core;
    private SimulatedUe ue;

    @BeforeEach
    void start()
    {
        final Random random = new Random(336_950);
        random.nextBytes(kamf);
        random.nextBytes(newKamf);
        random.nextBytes(otherKamf);
        network = new SimulatedNetwork(8);
        core = network.core;
    }

    @AfterEach
    void stop()
    {
        if (ue != null)
        {
            ue.close();
        }
        network.close();
    }

    /**
     * A UE registered at AMF 1 with its NAS SMC done, CONNECTED after a Service Request, and in sync.
     */
    private SimulatedUe connectedUe()
    {
        ue = new SimulatedUe(UE_ID, core, kamf, OLD_KSI, CIPHERING, INTEGRITY);
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        assertTrue(ue.inSync());
        return ue;
    }

    /**
     * A connected UE whose last NAS SMC Complete has keyed no KgNB yet, so a UE Context Modification may
     * run.
     */
    private SimulatedUe connectedUeWithFreshSmcCount()
    {
        connectedUe();
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);
        assertTrue(ue.inSync());
        return ue;
    }

    private byte[] servingContext()
    {
        final byte[] bytes = new byte[SecurityContextDescriptor.LENGTH];
        ue.readServing().buffer().getBytes(ue.readServing().offset(), bytes);
        return bytes;
    }

    private byte[] servingRootKey()
    {
        final byte[] key = new byte[32];
        ue.readServing().copyKamf(key, 0);
        return key;
    }

    /**
     * The UE and the serving node hold one root key, but the UE's KgNB (KeNB) is not the serving RAN
     * node's: they part on the AS only.
     */
    private void assertAsKeysParted()
    {
        assertArrayEquals(ue.ue().rootKey(), servingRootKey(), "NAS is in sync");
        assertFalse(Arrays.equals(ue.ran().key(), ue.ue().kgnb()), "the UE and the RAN node hold different KgNBs");
        assertFalse(ue.inSync());
    }

    private static void assertRefusedUnder(
        final ConcurrencyRule rule, final ProcedureNotAllowedException refused)
    {
        assertEquals(ConcurrencyRule.Action.REFUSE, rule.action());
        assertEquals(rule, refused.rule(), refused.getMessage());
        assertTrue(refused.getMessage().contains(rule.clause()), refused.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 6.9.5.1 (1): no N2 procedure with a new key during a NAS SMC
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule6951n1WithoutItAUeContextModificationDuringANewKamfSmcDesynchronises()
    {
        connectedUeWithFreshSmcCount();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_1_1);
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        ue.beginUeContextModification();
        ue.endUeContextModification(COMPLETE);
        ue.endNasSecurityModeCommand(COMPLETE);

        assertArrayEquals(newKamf, ue.ue().rootKey());
        // the gNB took a KgNB of the old KAMF, the UE one of the new KAMF and SMC Complete
        assertAsKeysParted();
    }

    @Test
    void rule6951n1RefusesAUeContextModificationDuringANewKamfSmc()
    {
        connectedUeWithFreshSmcCount();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);
        final byte[] before = servingContext();

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            ue::beginUeContextModification);
        assertRefusedUnder(ConcurrencyRule.TS_33_501_6_9_5_1_1, refused);
        assertArrayEquals(before, servingContext(), "nothing changed");
        assertFalse(ue.inFlight(PhasedProcedure.UE_CONTEXT_MODIFICATION));

        ue.endNasSecurityModeCommand(COMPLETE);
        assertTrue(ue.inSync());
        ue.ueContextModification();
        assertTrue(ue.inSync(), "after the SMC, the re-keying takes the new KAMF into the AS on both sides");
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 6.9.5.1 (2): no NAS SMC during an N2 procedure with a new key
    // ---------------------------------------------------------------------------------------------

    /**
     * A UE Context Modification in flight, begun with the UL NAS COUNT of an SMC Complete that keyed no
     * KgNB yet, and a new context from authentication waiting for its SMC.
     */
    private void ueContextModificationInFlight()
    {
        connectedUeWithFreshSmcCount();
        ue.ueContextModification();
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);
        assertTrue(ue.inSync());
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginUeContextModification();
    }

    @Test
    void rule6951n2WithoutItANewKamfSmcDuringAUeContextModificationDesynchronises()
    {
        ueContextModificationInFlight();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_1_2);

        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);
        ue.endUeContextModification(COMPLETE);
        ue.endNasSecurityModeCommand(COMPLETE);

        assertArrayEquals(newKamf, ue.ue().rootKey());
        // the gNB took a KgNB of the old KAMF, the UE one of the new KAMF and SMC Complete
        assertAsKeysParted();
    }

    @Test
    void rule6951n2RefusesANewKamfSmcDuringAUeContextModification()
    {
        ueContextModificationInFlight();
        final byte[] before = servingContext();

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY));
        assertRefusedUnder(ConcurrencyRule.TS_33_501_6_9_5_1_2, refused);
        assertArrayEquals(before, servingContext(), "nothing changed");
        assertFalse(ue.inFlight(PhasedProcedure.NAS_SMC));

        ue.endUeContextModification(COMPLETE);
        assertTrue(ue.inSync());
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);
        assertArrayEquals(newKamf, ue.ue().rootKey());
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 6.9.5.1 (3): an inter-AMF handover waits for a NAS SMC for a new KAMF
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule6951n3WithoutItAnInterAmfHandoverDuringANewKamfSmcDesynchronises()
    {
        connectedUe();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_1_3);
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        assertEquals(ProcedureStart.STARTED,
            ue.beginN2Handover(2, ARFCN, HorizontalKamfPolicy.never(), HANDOVER_TO_OTHER_AMF, -1));
        ue.endNasSecurityModeCommand(COMPLETE);
        ue.endN2Handover(COMPLETE);

        assertEquals("amf-2", ue.servingName());
        assertArrayEquals(newKamf, ue.ue().rootKey(), "the UE took the new KAMF");
        assertArrayEquals(kamf, servingRootKey(), "the target AMF got the old one");
        assertFalse(ue.inSync());
    }

    @Test
    void rule6951n3DefersAnInterAmfHandoverUntilTheNewKamfSmcCompletes()
    {
        connectedUe();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        assertEquals(ConcurrencyRule.Action.WAIT, ConcurrencyRule.TS_33_501_6_9_5_1_3.action());
        assertEquals(ProcedureStart.DEFERRED,
            ue.beginN2Handover(2, ARFCN, HorizontalKamfPolicy.never(), HANDOVER_TO_OTHER_AMF, -1));
        assertEquals(ConcurrencyRule.TS_33_501_6_9_5_1_3, ue.waitingUnder(PhasedProcedure.INTER_AMF_HANDOVER));

        ue.endNasSecurityModeCommand(COMPLETE);
        assertEquals(DeferredProcedure.INTER_AMF_HANDOVER, ue.startedDeferred());
        assertNull(ue.waitingUnder(PhasedProcedure.INTER_AMF_HANDOVER), "it runs now");
        ue.endN2Handover(COMPLETE);

        assertEquals("amf-2", ue.servingName());
        assertArrayEquals(newKamf, ue.ue().rootKey());
        assertTrue(ue.inSync());
    }

    @Test
    void rule6951n3WithoutItAHandoverToEpsDuringANewKamfSmcDesynchronises()
    {
        connectedUe();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_1_3);
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        assertEquals(ProcedureStart.STARTED, ue.beginHandoverToEps(2, EARFCN));
        ue.endNasSecurityModeCommand(COMPLETE);
        ue.endHandoverToEps(COMPLETE);

        // the MME's KASME' was mapped from the old KAMF, the UE's from the new one
        assertEquals("mme-1", ue.servingName());
        assertFalse(Arrays.equals(ue.ue().rootKey(), servingRootKey()));
        assertFalse(ue.inSync());
    }

    @Test
    void rule6951n3DefersAHandoverToEpsUntilTheNewKamfSmcCompletes()
    {
        connectedUe();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        assertEquals(ProcedureStart.DEFERRED, ue.handoverToEps(2, EARFCN), "the whole step waits");
        assertEquals(ConcurrencyRule.TS_33_501_6_9_5_1_3, ue.waitingUnder(PhasedProcedure.INTER_SYSTEM_HANDOVER));
        assertFalse(network.mme.contains(UE_ID), "nothing was sent to the MME");

        ue.endNasSecurityModeCommand(COMPLETE);
        assertEquals(DeferredProcedure.INTER_SYSTEM_HANDOVER, ue.startedDeferred());
        assertFalse(ue.inFlight(PhasedProcedure.INTER_SYSTEM_HANDOVER), "the whole step completed once it started");

        assertEquals("mme-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 6.9.5.1 (4): an inter-AMF handover that keeps KAMF waits for a UE Context Modification
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule6951n4WithoutItAnInterAmfHandoverDuringAUeContextModificationDesynchronises()
    {
        connectedUeWithFreshSmcCount();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_1_4);
        ue.beginUeContextModification();

        assertEquals(ProcedureStart.STARTED,
            ue.beginN2Handover(2, ARFCN, HorizontalKamfPolicy.never(), HANDOVER_TO_OTHER_AMF, -1));
        ue.endUeContextModification(COMPLETE);
        ue.endN2Handover(COMPLETE);

        assertEquals("amf-2", ue.servingName());
        // The target gNB got an NH of the old chain; the UE steps the chain of the UE Context Modification.
        assertAsKeysParted();
    }

    @Test
    void rule6951n4DefersAnInterAmfHandoverThatKeepsKamfUntilTheUeContextModificationEnds()
    {
        connectedUeWithFreshSmcCount();
        ue.beginUeContextModification();

        assertEquals(ConcurrencyRule.Action.WAIT, ConcurrencyRule.TS_33_501_6_9_5_1_4.action());
        assertEquals(ProcedureStart.DEFERRED,
            ue.beginN2Handover(2, ARFCN, HorizontalKamfPolicy.never(), HANDOVER_TO_OTHER_AMF, -1));
        assertEquals(ConcurrencyRule.TS_33_501_6_9_5_1_4, ue.waitingUnder(PhasedProcedure.INTER_AMF_HANDOVER));

        ue.endUeContextModification(COMPLETE);
        assertEquals(DeferredProcedure.INTER_AMF_HANDOVER, ue.startedDeferred());
        ue.endN2Handover(COMPLETE);

        assertEquals("amf-2", ue.servingName());
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 6.9.5.1 (5): no downlink NAS from the source once an inter-AMF handover started
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule6951n5WithoutItADownlinkNasMessageDuringAnInterAmfHandoverMakesTheUeRefuseTheHandover()
    {
        connectedUe();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_1_5);
        assertEquals(ProcedureStart.STARTED,
            ue.beginN2Handover(2, ARFCN, HorizontalKamfPolicy.never(), HANDOVER_TO_OTHER_AMF, -1));

        final long sent = ue.downlinkNasMessage();
        assertEquals(sent + 1, ue.ue().nextDownlinkCount());

        final ProcedureNotAllowedException replay = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.endN2Handover(COMPLETE));
        assertTrue(replay.getMessage().contains("replay"), replay.getMessage());
        assertNull(replay.rule(), "the UE refuses it, no rule of the network");
    }

    @Test
    void rule6951n5RefusesADownlinkNasMessageDuringAnInterAmfHandover()
    {
        connectedUe();
        assertEquals(ProcedureStart.STARTED,
            ue.beginN2Handover(2, ARFCN, HorizontalKamfPolicy.never(), HANDOVER_TO_OTHER_AMF, -1));
        final byte[] before = servingContext();
        final long expected = ue.ue().nextDownlinkCount();

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            ue::downlinkNasMessage);
        assertRefusedUnder(ConcurrencyRule.TS_33_501_6_9_5_1_5, refused);
        assertArrayEquals(before, servingContext(), "nothing changed");
        assertEquals(expected, ue.ue().nextDownlinkCount());

        ue.endN2Handover(COMPLETE);
        assertEquals("amf-2", ue.servingName());
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 6.9.5.2 (1): no primary authentication or NAS SMC in parallel on the other access
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule6952n1WithoutItAnAuthenticationOn3gppDuringANon3gppSmcDesynchronises()
    {
        connectedUe();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_2_1);
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.NON_THREE_GPP, CIPHERING, INTEGRITY);

        ue.authenticate(otherKamf, OTHER_KSI);
        ue.endNasSecurityModeCommand(COMPLETE);

        assertArrayEquals(newKamf, ue.ue().rootKey(), "the UE took the context the SMC named");
        assertEquals(OTHER_KSI, ue.readServing().ngKsi(), "the network's SMC Complete activated the later one");
        assertFalse(ue.inSync());
    }

    @Test
    void rule6952n1RefusesAnAuthenticationOn3gppDuringANon3gppSmc()
    {
        connectedUe();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.NON_THREE_GPP, CIPHERING, INTEGRITY);
        final byte[] before = servingContext();

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.authenticate(otherKamf, OTHER_KSI));
        assertRefusedUnder(ConcurrencyRule.TS_33_501_6_9_5_2_1, refused);
        assertArrayEquals(before, servingContext(), "nothing changed");
        final ProcedureNotAllowedException started = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.serving().authenticationStarted(UE_ID, AccessType.THREE_GPP));
        assertRefusedUnder(ConcurrencyRule.TS_33_501_6_9_5_2_1, started);
        assertArrayEquals(before, servingContext(), "nothing changed");

        ue.endNasSecurityModeCommand(COMPLETE);
        assertEquals(NEW_KSI, ue.readServing().ngKsi());
        assertArrayEquals(newKamf, ue.ue().rootKey());
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.501 6.9.5.2 (2): a context transfer waits for a NAS SMC for a new KAMF
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule6952n2WithoutItAContextTransferDuringANewKamfSmcDesynchronises()
    {
        connectedUe();
        ue.release();
        core.amf(0).withoutRule(ConcurrencyRule.TS_33_501_6_9_5_2_2);
        final long oldUplink = ue.readServing().uplinkNasCount();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        final long registration = Math.max(oldUplink, ue.ue().nextUplinkCount());
        assertEquals(ProcedureStart.STARTED,
            ue.beginMobilityRegistration(registration, HorizontalKamfPolicy.never(), REGISTRATION_AT_OTHER_AMF));
        ue.endNasSecurityModeCommand(COMPLETE);
        ue.endMobilityRegistration(COMPLETE);

        assertEquals("amf-2", ue.servingName());
        assertArrayEquals(newKamf, ue.ue().rootKey(), "the UE took the new KAMF");
        assertArrayEquals(kamf, servingRootKey(), "the target AMF got the old one");
        assertFalse(ue.inSync());
    }

    /**
     * An idle UE whose NAS SMC for a new KAMF is in flight, and its Registration Request at the other AMF,
     * whose context transfer the source AMF defers.
     */
    private void contextTransferDeferredBySmc()
    {
        connectedUe();
        ue.release();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        assertEquals(ConcurrencyRule.Action.WAIT, ConcurrencyRule.TS_33_501_6_9_5_2_2.action());
        assertEquals(ProcedureStart.DEFERRED,
            ue.beginMobilityRegistration(-1, HorizontalKamfPolicy.never(), REGISTRATION_AT_OTHER_AMF));
        assertEquals(ConcurrencyRule.TS_33_501_6_9_5_2_2, ue.waitingUnder(PhasedProcedure.MOBILITY_REGISTRATION));
        assertFalse(core.amf(1).read(UE_ID, new SecurityContext()), "no context went to the target AMF");
        assertArrayEquals(kamf, servingRootKey(), "the source still holds the old KAMF as current");
    }

    @Test
    void rule6952n2DefersAContextTransferRequestDuringANewKamfSmc()
    {
        contextTransferDeferredBySmc();

        ue.endMobilityRegistration(ProcedureOutcome.FAILURE);
        assertNull(ue.waitingUnder(PhasedProcedure.MOBILITY_REGISTRATION), "the waiting transfer was cancelled");
        ue.endNasSecurityModeCommand(ProcedureOutcome.FAILURE);
        assertArrayEquals(kamf, ue.ue().rootKey());
        assertTrue(ue.inSync());
    }

    /**
     * The full path: the SMC Complete starts the context transfer that waited for it, and the
     * registration completes in sync (a deferred transfer's UL NAS COUNT once leaked into the SMC's
     * algorithms here).
     */
    @Test
    void rule6952n2DefersAContextTransferUntilTheNewKamfSmcCompletes()
    {
        contextTransferDeferredBySmc();

        ue.endNasSecurityModeCommand(COMPLETE);
        assertEquals(DeferredProcedure.CONTEXT_TRANSFER, ue.startedDeferred());
        ue.endMobilityRegistration(COMPLETE);

        assertEquals("amf-2", ue.servingName());
        assertArrayEquals(newKamf, ue.ue().rootKey());
        assertArrayEquals(newKamf, servingRootKey(), "the transfer carried the new KAMF");
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.401 7.2.10 (1) and (2) on the MME
    // ---------------------------------------------------------------------------------------------

    /**
     * The connected UE handed over to EPS, with a NAS SMC whose Complete has keyed no KeNB yet.
     */
    private void connectedInEpsWithFreshSmcCount()
    {
        connectedUe();
        ue.handoverToEps(1, EARFCN);
        assertEquals("mme-1", ue.servingName());
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);
        assertTrue(ue.inSync());
    }

    @Test
    void rule72101WithoutItAUeContextModificationDuringANewKasmeSmcDesynchronises()
    {
        connectedInEpsWithFreshSmcCount();
        core.mme(0).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_1);
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        ue.beginUeContextModification();
        ue.endUeContextModification(COMPLETE);
        ue.endNasSecurityModeCommand(COMPLETE);

        assertArrayEquals(newKamf, ue.ue().rootKey());
        // the eNB took a KeNB of the old KASME, the UE one of the new KASME
        assertAsKeysParted();
    }

    @Test
    void rule72101RefusesAUeContextModificationDuringANewKasmeSmc()
    {
        connectedInEpsWithFreshSmcCount();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);
        final byte[] before = servingContext();

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            ue::beginUeContextModification);
        assertRefusedUnder(ConcurrencyRule.TS_33_401_7_2_10_1, refused);
        assertArrayEquals(before, servingContext(), "nothing changed");

        ue.endNasSecurityModeCommand(COMPLETE);
        assertTrue(ue.inSync());
        ue.ueContextModification();
        assertTrue(ue.inSync());
    }

    private void ueContextModificationInFlightInEps()
    {
        connectedInEpsWithFreshSmcCount();
        ue.ueContextModification();
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);
        assertTrue(ue.inSync());
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginUeContextModification();
    }

    @Test
    void rule72102WithoutItANewKasmeSmcDuringAUeContextModificationDesynchronises()
    {
        ueContextModificationInFlightInEps();
        core.mme(0).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_2);

        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);
        ue.endUeContextModification(COMPLETE);
        ue.endNasSecurityModeCommand(COMPLETE);

        assertArrayEquals(newKamf, ue.ue().rootKey());
        // the eNB took a KeNB of the old KASME, the UE one of the new KASME
        assertAsKeysParted();
    }

    @Test
    void rule72102RefusesANewKasmeSmcDuringAUeContextModification()
    {
        ueContextModificationInFlightInEps();
        final byte[] before = servingContext();

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY));
        assertRefusedUnder(ConcurrencyRule.TS_33_401_7_2_10_2, refused);
        assertArrayEquals(before, servingContext(), "nothing changed");

        ue.endUeContextModification(COMPLETE);
        assertTrue(ue.inSync());
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);
        assertArrayEquals(newKamf, ue.ue().rootKey());
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.401 7.2.10 (3) and (4): handovers keep to the old KASME's NH chain until the AS is re-keyed
    // ---------------------------------------------------------------------------------------------

    /**
     * Connected in EPS; a NAS SMC took a new KASME into use, and no UE Context Modification has yet
     * brought it to the AS.
     *
     * @return the old KASME, which the AS still follows.
     */
    private byte[] newKasmeNotYetInAs()
    {
        connectedInEpsWithFreshSmcCount();
        final byte[] oldKasme = servingRootKey();
        ue.authenticate(newKamf, NEW_KSI);
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);
        assertArrayEquals(newKamf, ue.ue().rootKey());
        assertTrue(ue.inSync());
        return oldKasme;
    }

    private void s1HandoverWithinMme(final int pci)
    {
        ue.n2Handover(pci, EARFCN, false, false, -1);
    }

    @Test
    void rule72103WithoutItAHandoverAfterANewKasmeSmcDesynchronises()
    {
        newKasmeNotYetInAs();
        core.mme(0).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_3);

        s1HandoverWithinMme(2);

        // the MME stepped the NH chain with the new KASME, the UE (rule 4) the old one's
        assertAsKeysParted();
    }

    @Test
    void rule72103KeepsHandoversOnTheOldKasmeUntilTheUeContextModification()
    {
        final byte[] oldKasme = newKasmeNotYetInAs();
        assertEquals(ConcurrencyRule.Action.CONTENT, ConcurrencyRule.TS_33_401_7_2_10_3.action());
        final SecurityContext before = ue.readServing();
        final byte[] nh = new byte[32];
        before.copyNextHop(nh, 0);
        final int ncc = before.ncc();

        s1HandoverWithinMme(2);

        final byte[] sent = new byte[32];
        ue.readServing().copyNextHop(sent, 0);
        assertArrayEquals(SpecKeys.epsNh(oldKasme, nh), sent, "the Handover Request's NH is a step of the old KASME's chain");
        assertEquals((ncc + 1) & 7, ue.readServing().ncc());
        assertTrue(ue.inSync());
        ue.xnHandover(3, EARFCN);
        assertTrue(ue.inSync());

        ue.ueContextModification();
        assertTrue(ue.inSync());
        assertFalse(ue.readServing().hasNonCurrent(), "the old KASME is dropped once the AS left it");
        s1HandoverWithinMme(4);
        assertTrue(ue.inSync());
    }

    @Test
    void rule72104WithoutItTheUeMovesItsAsToTheNewKasmeTooEarly()
    {
        connectedInEpsWithFreshSmcCount();
        ue.ue().withoutRule(ConcurrencyRule.TS_33_401_7_2_10_4);
        ue.authenticate(newKamf, NEW_KSI);
        ue.nasSecurityModeCommand(CIPHERING, INTEGRITY);

        s1HandoverWithinMme(2);

        // the MME (rule 3) sent an NH of the old KASME's chain; the UE stepped the new KASME's
        assertAsKeysParted();
    }

    @Test
    void rule72104TheUeKeepsTheOldKasmeForItsAsUntilTheRrcReconfiguration()
    {
        newKasmeNotYetInAs();
        assertEquals(ConcurrencyRule.Action.CONTENT, ConcurrencyRule.TS_33_401_7_2_10_4.action());

        ue.xnHandover(2, EARFCN);
        assertTrue(ue.inSync());
        s1HandoverWithinMme(3);
        assertTrue(ue.inSync());
        ue.ueContextModification();
        assertTrue(ue.inSync());
        ue.xnHandover(4, EARFCN);
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.401 7.2.10 (5): no UE Context Modification during a handover, no handover during one
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule72105WithoutItAUeContextModificationDuringAnS1HandoverDesynchronises()
    {
        connectedInEpsWithFreshSmcCount();
        core.mme(0).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_5);
        ue.beginN2Handover(2, EARFCN, null, null, -1);

        ue.beginUeContextModification();
        ue.endUeContextModification(COMPLETE);
        ue.endN2Handover(COMPLETE);

        // the target eNB got an NH of the chain before the re-keying; the UE steps the new chain
        assertAsKeysParted();
    }

    @Test
    void rule72105RefusesAUeContextModificationDuringAnS1HandoverAndTheReverse()
    {
        connectedInEpsWithFreshSmcCount();
        ue.beginN2Handover(2, EARFCN, null, null, -1);
        final byte[] before = servingContext();

        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            ue::beginUeContextModification);
        assertRefusedUnder(ConcurrencyRule.TS_33_401_7_2_10_5, refused);
        assertArrayEquals(before, servingContext(), "nothing changed");
        ue.endN2Handover(COMPLETE);
        assertTrue(ue.inSync());

        ue.beginUeContextModification();
        final byte[] during = servingContext();
        final ProcedureNotAllowedException handover = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.beginN2Handover(3, EARFCN, null, null, -1));
        assertRefusedUnder(ConcurrencyRule.TS_33_401_7_2_10_5, handover);
        assertArrayEquals(during, servingContext(), "nothing changed");
        ue.endUeContextModification(COMPLETE);
        assertTrue(ue.inSync());
        s1HandoverWithinMme(3);
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.401 7.2.10 (6) and (7): an S10 Forward Relocation waits for a NAS SMC or a UE Context
    // Modification
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule72106WithoutItAnInterMmeHandoverDuringANewKasmeSmcDesynchronises()
    {
        connectedInEpsWithFreshSmcCount();
        final byte[] oldKasme = servingRootKey();
        core.mme(0).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_6);
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        assertEquals(ProcedureStart.STARTED, ue.beginInterMmeHandover(2, EARFCN));
        ue.endNasSecurityModeCommand(COMPLETE);
        ue.endInterMmeHandover(COMPLETE);

        assertEquals("mme-2", ue.servingName());
        assertArrayEquals(newKamf, ue.ue().rootKey(), "the UE took the new KASME");
        assertArrayEquals(oldKasme, servingRootKey(), "the target MME got the old one");
        assertFalse(ue.inSync());
    }

    @Test
    void rule72106DefersAnInterMmeHandoverUntilTheNewKasmeSmcCompletes()
    {
        connectedInEpsWithFreshSmcCount();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);

        assertEquals(ConcurrencyRule.Action.WAIT, ConcurrencyRule.TS_33_401_7_2_10_6.action());
        assertEquals(ProcedureStart.DEFERRED, ue.beginInterMmeHandover(2, EARFCN));
        assertEquals(ConcurrencyRule.TS_33_401_7_2_10_6, ue.waitingUnder(PhasedProcedure.INTER_MME_HANDOVER));
        assertFalse(network.mme2.contains(UE_ID), "nothing was sent to the target MME");

        ue.endNasSecurityModeCommand(COMPLETE);
        assertEquals(DeferredProcedure.FORWARD_RELOCATION, ue.startedDeferred());
        assertNull(ue.waitingUnder(PhasedProcedure.INTER_MME_HANDOVER), "it runs now");
        ue.endInterMmeHandover(COMPLETE);

        assertEquals("mme-2", ue.servingName());
        assertArrayEquals(newKamf, ue.ue().rootKey());
        assertTrue(ue.inSync());
    }

    @Test
    void rule72106AFailedSmcReleasesTheWaitingInterMmeHandover()
    {
        connectedInEpsWithFreshSmcCount();
        final byte[] oldKasme = servingRootKey();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);
        assertEquals(ProcedureStart.DEFERRED, ue.beginInterMmeHandover(2, EARFCN));

        ue.endNasSecurityModeCommand(ProcedureOutcome.FAILURE);
        assertEquals(DeferredProcedure.FORWARD_RELOCATION, ue.startedDeferred());
        ue.endInterMmeHandover(COMPLETE);

        assertEquals("mme-2", ue.servingName());
        assertArrayEquals(oldKasme, ue.ue().rootKey(), "the UE is back on the old KASME");
        assertTrue(ue.inSync());
    }

    @Test
    void rule72106DefersAHandoverTo5gsUntilTheSmcCompletesAndAnEndCancelsItWhileItWaits()
    {
        connectedInEpsWithFreshSmcCount();
        // An MME waits for any NAS SMC; after one for a new KASME, a handover to 5GS needs the UE Context
        // Modification first, so this SMC only changes the algorithms.
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, CIPHERING);

        assertEquals(ProcedureStart.DEFERRED, ue.beginHandoverTo5gs(2, ARFCN));
        assertEquals(ConcurrencyRule.TS_33_401_7_2_10_6, ue.waitingUnder(PhasedProcedure.INTER_SYSTEM_HANDOVER));
        ue.endHandoverTo5gs(ProcedureOutcome.ABORT);
        assertFalse(ue.inFlight(PhasedProcedure.INTER_SYSTEM_HANDOVER), "cancelled while it waited");
        assertEquals(ProcedureStart.DEFERRED, ue.beginHandoverTo5gs(3, ARFCN));

        ue.endNasSecurityModeCommand(COMPLETE);
        assertEquals(DeferredProcedure.INTER_SYSTEM_HANDOVER, ue.startedDeferred());
        assertTrue(ue.inFlight(PhasedProcedure.INTER_SYSTEM_HANDOVER));
        ue.endHandoverTo5gs(COMPLETE);

        assertEquals("amf-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    @Test
    void aWaitingHandoverThatTheEndedSmcNoLongerAllowsIsRefusedWithItsReasonAndTheSmcStands()
    {
        connectedInEpsWithFreshSmcCount();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);
        assertEquals(ProcedureStart.DEFERRED, ue.beginHandoverTo5gs(2, ARFCN));
        final DeferredStart started = new DeferredStart();

        // The new KASME's Security Mode Complete (UL NAS COUNT 0), ended on the MME itself to see the result.
        assertTrue(core.mme(0).nasSecurityModeComplete(UE_ID, 0, started));

        assertEquals(DeferredStart.Result.REFUSED, started.result());
        assertEquals(DeferredProcedure.INTER_SYSTEM_HANDOVER, started.procedure());
        assertTrue(started.reason().contains("UE Context Modification"), started.reason());
        assertArrayEquals(new byte[32], started.transfer().rootKey(), "nothing half sent");
        assertArrayEquals(newKamf, servingRootKey(), "the SMC's completion stands");
        final int state = ue.readServing().procedureState();
        assertEquals(0, state & (ProcedureStateDescriptor.DEFERRED_ANY | ProcedureStateDescriptor.PROCEDURE_NAS_SMC |
            ProcedureStateDescriptor.PROCEDURE_INTER_NODE_HANDOVER), "nothing waits or runs");
    }

    @Test
    void rule72107WithoutItAnInterMmeHandoverDuringAUeContextModificationDesynchronises()
    {
        connectedInEpsWithFreshSmcCount();
        core.mme(0).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_7);
        ue.beginUeContextModification();

        assertEquals(ProcedureStart.STARTED, ue.beginInterMmeHandover(2, EARFCN));
        ue.endUeContextModification(COMPLETE);
        ue.endInterMmeHandover(COMPLETE);

        assertEquals("mme-2", ue.servingName());
        // The target eNB got an NH of the old chain; the UE steps the chain of the UE Context Modification.
        assertAsKeysParted();
    }

    @ParameterizedTest
    @EnumSource(ProcedureOutcome.class)
    void rule72107DefersAnInterMmeHandoverUntilTheUeContextModificationEnds(final ProcedureOutcome outcome)
    {
        connectedInEpsWithFreshSmcCount();
        ue.beginUeContextModification();

        assertEquals(ConcurrencyRule.Action.WAIT, ConcurrencyRule.TS_33_401_7_2_10_7.action());
        assertEquals(ProcedureStart.DEFERRED, ue.beginInterMmeHandover(2, EARFCN));
        assertEquals(ConcurrencyRule.TS_33_401_7_2_10_7, ue.waitingUnder(PhasedProcedure.INTER_MME_HANDOVER));

        // "successful or unsuccessful completion" releases it
        ue.endUeContextModification(outcome);
        assertEquals(DeferredProcedure.FORWARD_RELOCATION, ue.startedDeferred());
        ue.endInterMmeHandover(COMPLETE);

        assertEquals("mme-2", ue.servingName());
        assertTrue(ue.inSync());
    }

    @Test
    void aWholeStepHandoverRefusedWhenReleasedDoesNotEndALaterBegunHandover()
    {
        connectedInEpsWithFreshSmcCount();
        ue.authenticate(newKamf, NEW_KSI);
        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, INTEGRITY);
        assertEquals(ProcedureStart.DEFERRED, ue.handoverTo5gs(2, ARFCN), "the whole step waits");
        ue.endNasSecurityModeCommand(COMPLETE);
        assertFalse(ue.inFlight(PhasedProcedure.INTER_SYSTEM_HANDOVER), "refused when released: new KASME not in AS");

        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, CIPHERING, CIPHERING);
        assertEquals(ProcedureStart.DEFERRED, ue.beginInterMmeHandover(3, EARFCN));
        ue.endNasSecurityModeCommand(COMPLETE);

        assertEquals(DeferredProcedure.FORWARD_RELOCATION, ue.startedDeferred());
        assertTrue(ue.inFlight(PhasedProcedure.INTER_MME_HANDOVER), "a begun handover runs until its end");
        ue.endInterMmeHandover(ProcedureOutcome.FAILURE);
        assertEquals("mme-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    @Test
    void rule72107And8ARelocationReleasedByAFailedUeContextModificationCarriesTheOldKasme()
    {
        final byte[] oldKasme = newKasmeNotYetInAs();
        assertTrue(core.mme(0).ueContextModification(UE_ID, new NextHopPair()));
        assertEquals(ProcedureStart.DEFERRED, core.mme(0).forwardRelocation(UE_ID, new UeContextTransfer()));
        final DeferredStart started = new DeferredStart();

        assertTrue(core.mme(0).ueContextModificationFailed(UE_ID, started));

        assertEquals(DeferredStart.Result.STARTED, started.result());
        assertTrue(started.transfer().hasOldRootKeyForAs());
        assertArrayEquals(oldKasme, started.transfer().oldRootKeyForAs());
        assertArrayEquals(newKamf, started.transfer().rootKey());
    }

    @Test
    void rule72107And8ARelocationReleasedByACompletedUeContextModificationCarriesOnlyTheNewKasme()
    {
        newKasmeNotYetInAs();
        assertTrue(core.mme(0).ueContextModification(UE_ID, new NextHopPair()));
        assertEquals(ProcedureStart.DEFERRED, core.mme(0).forwardRelocation(UE_ID, new UeContextTransfer()));
        final DeferredStart started = new DeferredStart();

        assertTrue(core.mme(0).ueContextModificationComplete(UE_ID, started));

        assertEquals(DeferredStart.Result.STARTED, started.result());
        assertFalse(started.transfer().hasOldRootKeyForAs());
        assertArrayEquals(newKamf, started.transfer().rootKey());
        assertEquals(2, started.transfer().nextHop().ncc(), "NH of NCC 2 of the new KASME's chain");
    }

    // ---------------------------------------------------------------------------------------------
    // TS 33.401 7.2.10 (8) and (9): the Forward Relocation of a new KASME not yet used for AS
    // ---------------------------------------------------------------------------------------------

    @Test
    void rule72108WithoutItTheTargetMmeDerivesTheAsFromTheNewKasmeAndDesynchronises()
    {
        newKasmeNotYetInAs();
        core.mme(0).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_8);
        ue.interMmeHandover(2, EARFCN);
        assertTrue(ue.inSync(), "the relocation's own NH still came from the old chain");

        s1HandoverWithinMme(3);

        assertEquals("mme-2", ue.servingName());
        assertAsKeysParted();
    }

    @Test
    void rule72108TheForwardRelocationCarriesTheOldKasmeWithEksiNhAndNccAndTheNewContext()
    {
        final byte[] oldKasme = newKasmeNotYetInAs();
        assertEquals(ConcurrencyRule.Action.CONTENT, ConcurrencyRule.TS_33_401_7_2_10_8.action());
        final SecurityContext source = ue.readServing();
        final byte[] nh = new byte[32];
        source.copyNextHop(nh, 0);
        final int ncc = source.ncc();
        final long ul = source.uplinkNasCount();
        final long dl = source.downlinkNasCount();
        final long smcComplete = source.smcCompleteUplinkCount();
        final UeContextTransfer relocation = new UeContextTransfer();

        assertEquals(ProcedureStart.STARTED, core.mme(0).forwardRelocation(UE_ID, relocation));

        assertTrue(relocation.hasOldRootKeyForAs());
        assertArrayEquals(oldKasme, relocation.oldRootKeyForAs());
        assertEquals(NgKsi.mapped(OLD_KSI), relocation.oldKsiForAs(), "the eKSI mapped at the handover from 5GS");
        assertArrayEquals(SpecKeys.epsNh(oldKasme, nh), relocation.nextHop().key());
        assertEquals((ncc + 1) & 7, relocation.nextHop().ncc());
        assertArrayEquals(newKamf, relocation.rootKey(), "the full new context");
        assertEquals(NEW_KSI, relocation.ngKsi());
        assertEquals(ul, relocation.uplinkNasCount());
        assertEquals(dl, relocation.downlinkNasCount());
        assertEquals(CIPHERING, relocation.ciphering());
        assertEquals(INTEGRITY, relocation.integrity());
        assertEquals(smcComplete, relocation.smcCompleteUplinkCount());
        assertTrue(relocation.smcCountUnused());
        final String text = relocation.toString().toLowerCase();
        for (final byte[] key : new byte[][] {oldKasme, newKamf, relocation.nextHop().key()})
        {
            assertFalse(text.contains(HexFormat.of().formatHex(key, 0, 8)), "no key in " + text);
        }
        relocation.clear();
        assertArrayEquals(new byte[32], relocation.oldRootKeyForAs(), "clear zeroes the old KASME");
        assertTrue(core.mme(0).handoverFailed(UE_ID));
    }

    @Test
    void rule72109WithoutItTheTargetMmeUsesTheNewKasmeForTheAsAndDesynchronises()
    {
        newKasmeNotYetInAs();
        core.mme(1).withoutRule(ConcurrencyRule.TS_33_401_7_2_10_9);
        ue.interMmeHandover(2, EARFCN);
        assertTrue(ue.inSync(), "the relocation's own NH still came from the old chain");

        s1HandoverWithinMme(3);

        // the target MME stepped the NH chain with the new KASME, the UE with the old one
        assertEquals("mme-2", ue.servingName());
        assertAsKeysParted();
    }

    @Test
    void rule72109TheTargetMmeUsesTheNewKasmeForNasAndTheOldForAsUntilTheUeContextModification()
    {
        final byte[] oldKasme = newKasmeNotYetInAs();
        assertEquals(ConcurrencyRule.Action.CONTENT, ConcurrencyRule.TS_33_401_7_2_10_9.action());

        ue.interMmeHandover(2, EARFCN);

        assertEquals("mme-2", ue.servingName());
        assertFalse(network.mme.contains(UE_ID), "the source MME deleted its context");
        assertArrayEquals(newKamf, servingRootKey(), "NAS runs on the new KASME");
        final byte[] kept = new byte[32];
        ue.readServing().copyNonCurrentKamf(kept, 0);
        assertArrayEquals(oldKasme, kept, "the AS still follows the old KASME");
        assertTrue(ue.inSync());
        ue.downlinkNasMessage();
        assertTrue(ue.inSync());
        ue.xnHandover(3, EARFCN);
        s1HandoverWithinMme(4);
        assertTrue(ue.inSync());

        ue.ueContextModification();
        assertTrue(ue.inSync());
        assertFalse(ue.readServing().hasNonCurrent(), "the old KASME is gone once the AS left it");
        assertFalse(network.mme2.slotsContain(oldKasme), "its bytes are zeroed");
        ue.xnHandover(5, EARFCN);
        assertTrue(ue.inSync());
    }
}

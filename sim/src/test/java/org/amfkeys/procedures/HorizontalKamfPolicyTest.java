package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.amfkeys.procedures.AmfChange.Kind.CONTEXT_TRANSFER;
import static org.amfkeys.procedures.AmfChange.Kind.N2_HANDOVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The horizontal-KAMF policy: each built-in rule and an operator's predicate decide as documented and
 * say why; the AMF applies the decision (checked against the spec formula with {@link SpecKeys}) and
 * the UE follows it.
 */
class HorizontalKamfPolicyTest
{
    private static final int ARFCN = 632_628;
    private static final int IDLE = 0x00;
    private static final int HANDOVER = 0x01;

    private final byte[] kamf = new byte[32];
    private SimulatedNetwork network;
    private SimulatedCore core;
    private SimulatedUe ue;

    @BeforeEach
    void start()
    {
        new Random(33501).nextBytes(kamf);
        network = new SimulatedNetwork(8);
        core = network.core;
        ue = new SimulatedUe(5, core, kamf, 2, 1, 2);
    }

    @AfterEach
    void stop()
    {
        ue.close();
        network.close();
    }

    @Test
    void eachRuleDecidesAsDocumentedAndSaysWhy()
    {
        final AmfChange sameSetShared = new AmfChange(CONTEXT_TRANSFER, 0x401, 0x401, true);
        final AmfChange otherSetNotShared = new AmfChange(N2_HANDOVER, 0x401, 0x402, false);

        assertDecision(HorizontalKamfDecision.NEVER, false, HorizontalKamfPolicy.never().decide(otherSetNotShared));
        assertDecision(HorizontalKamfDecision.ALWAYS, true, HorizontalKamfPolicy.always().decide(sameSetShared));
        assertDecision(HorizontalKamfDecision.SAME_AMF_SET, false, HorizontalKamfPolicy.whenAmfSetChanges().decide(sameSetShared));
        assertDecision(HorizontalKamfDecision.AMF_SET_CHANGES, true,
            HorizontalKamfPolicy.whenAmfSetChanges().decide(otherSetNotShared));
        assertDecision(HorizontalKamfDecision.STORAGE_SHARED, false,
            HorizontalKamfPolicy.whenSecureStorageNotShared().decide(sameSetShared));
        assertDecision(HorizontalKamfDecision.STORAGE_NOT_SHARED, true,
            HorizontalKamfPolicy.whenSecureStorageNotShared().decide(otherSetNotShared));

        final HorizontalKamfPolicy onlyHandovers = HorizontalKamfPolicy.operator(change -> change.kind() == N2_HANDOVER);
        assertDecision(HorizontalKamfDecision.OPERATOR_DERIVES, true, onlyHandovers.decide(otherSetNotShared));
        assertDecision(HorizontalKamfDecision.OPERATOR_KEEPS, false, onlyHandovers.decide(sameSetShared));

        final Set<String> reasons = new HashSet<>();
        for (final HorizontalKamfDecision decision : HorizontalKamfDecision.values())
        {
            assertFalse(decision.reason().isBlank());
            reasons.add(decision.reason());
        }
        assertEquals(HorizontalKamfDecision.values().length, reasons.size(), "every decision gives its own reason");
    }

    private static void assertDecision(
        final HorizontalKamfDecision expected, final boolean derive, final HorizontalKamfDecision actual)
    {
        assertEquals(expected, actual);
        assertEquals(derive, actual.derive());
    }

    @Test
    void amfChangesAreValidated()
    {
        final InvalidParameterException set = assertThrows(InvalidParameterException.class,
            () -> new AmfChange(N2_HANDOVER, 1 << 18, 0, false));
        assertEquals("source-amf-set", set.parameter());
        assertEquals("0..262143", set.allowed());
        assertTrue(new AmfChange(CONTEXT_TRANSFER, 7, 7, false).sameAmfSet());
    }

    @Test
    void mobilityRegistrationFollowsThePolicyOnAmfAndUe()
    {
        final HorizontalKamfPolicy policy = HorizontalKamfPolicy.whenAmfSetChanges();
        final long first = ue.ue().nextUplinkCount();
        final HorizontalKamfDecision same = ue.mobilityRegistration(
            first, policy, new AmfChange(CONTEXT_TRANSFER, 3, 3, false), true);
        assertEquals(HorizontalKamfDecision.SAME_AMF_SET, same);
        assertEquals("amf-2", ue.servingName());
        assertArrayEquals(kamf, ue.ue().rootKey(), "no horizontal KAMF: the target has the current KAMF");
        assertTrue(ue.inSync());

        final long second = ue.ue().nextUplinkCount();
        final HorizontalKamfDecision other = ue.mobilityRegistration(
            second, policy, new AmfChange(CONTEXT_TRANSFER, 3, 4, false), true);
        assertEquals(HorizontalKamfDecision.AMF_SET_CHANGES, other);
        assertEquals("amf-1", ue.servingName());
        assertArrayEquals(SpecKeys.horizontalKamf(kamf, IDLE, second), ue.ue().rootKey());
        final byte[] network = new byte[32];
        ue.readServing().copyKamf(network, 0);
        assertArrayEquals(ue.ue().rootKey(), network);
        assertTrue(ue.inSync());
    }

    @Test
    void n2HandoverFollowsThePolicyOnAmfGnbAndUe()
    {
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        final HorizontalKamfPolicy policy = HorizontalKamfPolicy.whenSecureStorageNotShared();
        assertEquals(HorizontalKamfDecision.STORAGE_SHARED,
            ue.n2Handover(2, ARFCN, policy, new AmfChange(N2_HANDOVER, 1, 2, true), -1));
        assertArrayEquals(kamf, ue.ue().rootKey());
        assertTrue(ue.inSync());

        final long dlCount = ue.readServing().downlinkNasCount();
        assertEquals(HorizontalKamfDecision.STORAGE_NOT_SHARED,
            ue.n2Handover(3, ARFCN, policy, new AmfChange(N2_HANDOVER, 2, 1, false), -1));
        final byte[] kamfPrime = SpecKeys.horizontalKamf(kamf, HANDOVER, dlCount);
        assertArrayEquals(kamfPrime, ue.ue().rootKey());
        assertArrayEquals(SpecKeys.kngRanStar(SpecKeys.kgnb(kamfPrime, 0xFFFF_FFFFL, 0x01), 3, ARFCN), ue.ran().key());
        assertTrue(ue.inSync());
    }

    @Test
    void theDecisionTravelsWithTheTransferAndAWrongKindChangesNothing()
    {
        final AmfProcedures amf = core.amf(0);
        final UeContextTransfer transfer = new UeContextTransfer();
        final long next = ue.readServing().uplinkNasCount();
        final InvalidParameterException wrongKind = assertThrows(InvalidParameterException.class,
            () -> amf.contextTransfer(5, next, HorizontalKamfPolicy.always(), new AmfChange(N2_HANDOVER, 1, 2, false), transfer));
        assertEquals("change", wrongKind.parameter());
        assertEquals(next, ue.readServing().uplinkNasCount(), "nothing changed");

        assertEquals(ProcedureStart.STARTED, amf.contextTransfer(5, next,
            HorizontalKamfPolicy.operator(change -> change.targetAmfSet() == 9), new AmfChange(CONTEXT_TRANSFER, 1, 9, false), transfer));
        assertEquals(HorizontalKamfDecision.OPERATOR_DERIVES, transfer.horizontalKamfDecision());
        assertTrue(transfer.keyAmfHDerivationInd());
        assertTrue(transfer.toString().contains("OPERATOR_DERIVES"));
        assertFalse(Arrays.equals(kamf, transfer.rootKey()));

        assertEquals(ProcedureStart.STARTED, amf.contextTransfer(5, next + 1, false, transfer));
        assertNull(transfer.horizontalKamfDecision(), "a caller's own decision carries no policy reason");
        transfer.clear();
    }
}

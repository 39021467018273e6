package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.sim.UeMirror;
import org.amfkeys.types.NgKsi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steps that would reuse a key or let UE and network part, refused before anything changes: a KgNB
 * from a UL NAS COUNT that already keyed one, procedures started while a NAS SMC is in flight, and an
 * N2 handover that would use up the DL NAS COUNT.
 */
class ProcedureGuardsTest
{
    private static final int ARFCN = 632_628;

    private final byte[] kamf = new byte[32];
    private SimulatedNetwork network;
    private SimulatedCore core;
    private SimulatedUe ue;

    @BeforeEach
    void start()
    {
        new Random(5).nextBytes(kamf);
        network = new SimulatedNetwork(8);
        core = network.core;
        ue = new SimulatedUe(3, core, kamf, 1, 1, 2);
    }

    @AfterEach
    void stop()
    {
        ue.close();
        network.close();
    }

    @Test
    void noTwoAsSecurityContextsShareAKgnb()
    {
        final long smcComplete = ue.smcCompleteUplinkCount();
        ue.initialContextSetup(smcComplete, 1, ARFCN);
        final byte[] first = ue.ran().key().clone();
        assertArrayEquals(SpecKeys.kgnb(kamf, smcComplete, 0x01), first, "the unused SMC Complete COUNT keys it");
        ue.release();

        final ProcedureNotAllowedException again = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.initialContextSetup(smcComplete, 1, ARFCN));
        assertTrue(again.getMessage().contains("replay"), again.getMessage());
        assertTrue(ue.inSync(), "nothing changed");

        final long next = ue.ue().nextUplinkCount();
        ue.initialContextSetup(next, 1, ARFCN);
        assertArrayEquals(SpecKeys.kgnb(kamf, next, 0x01), ue.ran().key());
        assertTrue(!Arrays.equals(first, ue.ran().key()));
        assertThrows(ProcedureNotAllowedException.class, () -> ue.initialContextSetup(next + 1, 1, ARFCN),
            "already CONNECTED");
        assertTrue(ue.inSync());
    }

    @Test
    void aNasSmcInFlightHoldsBackWhatWouldUseItsKeys()
    {
        final AmfProcedures amf = core.amf(0);
        final long id = 44;
        final NextHopPair pair = new NextHopPair();
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        final UeContextTransfer transfer = new UeContextTransfer();
        amf.authenticated(id, kamf, 1, 0);
        amf.nasSecurityModeCommand(id, 1, 2, command);
        amf.nasSecurityModeComplete(id, 0);
        amf.initialContextSetup(id, 1, pair);

        final byte[] newKamf = kamf.clone();
        newKamf[0] ^= 1;
        amf.authenticated(id, newKamf, 2, 0);
        amf.nasSecurityModeCommand(id, 1, 2, command);
        final SecurityContext before = snapshot(amf, id);

        final ProcedureNotAllowedException sameAccess = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.authenticated(id, kamf, 3, 0));
        assertTrue(sameAccess.getMessage().contains("already in flight"), sameAccess.getMessage());
        assertEquals(before.buffer(), snapshot(amf, id).buffer(), "nothing changed");
        final ProcedureNotAllowedException rekeying = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.ueContextModification(id, pair));
        assertEquals(ConcurrencyRule.TS_33_501_6_9_5_1_1, rekeying.rule());
        assertTrue(rekeying.getMessage().contains("TS 33.501 6.9.5.1 (1)"), rekeying.getMessage());
        assertEquals(before.buffer(), snapshot(amf, id).buffer(), "nothing changed");

        assertEquals(ProcedureStart.DEFERRED, amf.handoverToEps(id, transfer));
        assertEquals(ConcurrencyRule.TS_33_501_6_9_5_1_3, transfer.deferredBy());
        assertEquals(DeferredProcedure.INTER_SYSTEM_HANDOVER, amf.cancelDeferred(id));
        assertEquals(ProcedureStart.DEFERRED, amf.handoverToAmf(id, true, transfer));
        assertEquals(ConcurrencyRule.TS_33_501_6_9_5_1_3, transfer.deferredBy());
        final ProcedureNotAllowedException second = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.contextTransfer(id, 5, true, transfer));
        assertTrue(second.getMessage().contains("already waits"), second.getMessage());
        assertEquals(DeferredProcedure.INTER_AMF_HANDOVER, amf.cancelDeferred(id));
        assertNull(amf.cancelDeferred(id), "nothing waits any more");
        assertEquals(before.buffer(), snapshot(amf, id).buffer(), "a cancelled deferral leaves nothing behind");

        amf.nasSecurityModeComplete(id, 0);
        assertTrue(amf.pathSwitch(id, pair));
        assertTrue(pair.newSecurityContext(), "the new KAMF reaches the AS with the NSCI");
    }

    @Test
    void anN2HandoverThatWouldUseUpTheDownlinkCountChangesNothing()
    {
        ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, ARFCN);
        final long dlBefore = ue.readServing().downlinkNasCount();
        assertThrows(ProcedureNotAllowedException.class,
            () -> ue.n2Handover(2, ARFCN, true, true, SecurityContext.MAX_NAS_COUNT));
        assertEquals(dlBefore, ue.readServing().downlinkNasCount());
        assertThrows(org.amfkeys.InvalidParameterException.class, () -> ue.n2Handover(2, ARFCN,
            HorizontalKamfPolicy.always(), new AmfChange(AmfChange.Kind.CONTEXT_TRANSFER, 1, 2, false), dlBefore + 5));
        assertEquals(dlBefore, ue.readServing().downlinkNasCount());
        assertTrue(ue.inSync());
    }

    /**
     * One ngKSI, one statement of its ranges: the network and the UE mirror took a new context's
     * ngKSI as 0..6 and 0..15 (the mirror accepted 9, a mapped identifier, for a new native context),
     * and the network named 0..15 or 0..6 depending on the value.
     */
    @Test
    void everyNgKsiCheckStatesTheSameRanges()
    {
        final AmfProcedures amf = core.amf(0);
        final UeMirror mirror = new UeMirror(core.kdf());
        for (final int bad : new int[] {-1, NgKsi.NO_KEY, 9, 20})
        {
            for (final InvalidParameterException ex : new InvalidParameterException[] {
                assertThrows(InvalidParameterException.class, () -> amf.authenticated(44, kamf, bad, 0)),
                assertThrows(InvalidParameterException.class, () -> mirror.authenticate(kamf, bad)),
                assertThrows(InvalidParameterException.class, () -> NgKsi.of(bad == NgKsi.NO_KEY ? 8 : bad, false))})
            {
                if (ex.getMessage().startsWith("ngksi: 8 "))
                {
                    assertEquals("0..6 (7 means no key is available)", ex.allowed());
                    continue;
                }
                assertEquals("ngksi: " + bad + " is out of range; allowed: 0..6 (7 means no key is available)", ex.getMessage());
            }
        }
        assertEquals(15, NgKsi.of(NgKsi.NO_KEY, true), "an encoded ngKSI may say no key is available");
        for (final int bad : new int[] {-1, 16})
        {
            for (final InvalidParameterException ex : new InvalidParameterException[] {
                assertThrows(InvalidParameterException.class, () -> new SecurityContext().ngKsi(bad)),
                assertThrows(InvalidParameterException.class, () -> new NasSecurityModeCommand().received(bad, 1, 2, false, 0))})
            {
                assertEquals("ngksi", ex.parameter());
                assertEquals("0..15: key set identifier 0..6 or 7 (no key is available), plus 8 for a mapped context",
                    ex.allowed());
            }
        }
        assertFalse(amf.read(44, new SecurityContext()), "nothing was stored");
    }

    /**
     * A used-up NAS COUNT reaches the caller of a procedure as a refusal that says why and what is
     * needed, and changes nothing; a received context whose DL NAS COUNT is used up is refused too
     * (it was an InvalidParameterException about a dl-count of 2^24 nobody gave).
     */
    @Test
    void anExhaustedNasCountIsARefusalNamingWhatIsNeeded()
    {
        final AmfProcedures amf = core.amf(0);
        final long id = 45;
        amf.authenticated(id, kamf, 1, 0);
        amf.nasSecurityModeCommand(id, 1, 2, new NasSecurityModeCommand());
        amf.nasSecurityModeComplete(id, 0);
        assertTrue(amf.downlinkNasCount(id, SecurityContext.MAX_NAS_COUNT));
        final SecurityContext before = snapshot(amf, id);

        final ProcedureNotAllowedException downlink = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.downlinkNasMessage(id));
        assertEquals("dl-nas: downlink NAS COUNT exhausted at 2^24-1; " +
            "a new KAMF (primary authentication or NAS key refresh) is needed first", downlink.getMessage());
        final ProcedureNotAllowedException smc = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.nasSecurityModeCommand(id, 2, 2, new NasSecurityModeCommand()));
        assertTrue(smc.getMessage().startsWith("nas-smc: downlink NAS COUNT exhausted at 2^24-1"), smc.getMessage());
        final ProcedureNotAllowedException uplink = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.initialContextSetup(id, SecurityContext.MAX_NAS_COUNT, new NextHopPair()));
        assertEquals("initial-context-setup: uplink NAS COUNT exhausted at 2^24-1; " +
            "a new KAMF (primary authentication or NAS key refresh) is needed first", uplink.getMessage());
        assertEquals(before.buffer(), snapshot(amf, id).buffer(), "nothing changed");

        final UeContextTransfer transfer = new UeContextTransfer();
        transfer.set(AccessStratumChain.NR, org.amfkeys.types.MobilityMode.HANDOVER, kamf, 1, 5,
            SecurityContext.MAX_NAS_COUNT, 1, 2, 0);
        final ProcedureNotAllowedException accepted = assertThrows(ProcedureNotAllowedException.class,
            () -> amf.acceptHandover(46, transfer, new NextHopPair(), new HandoverCommand()));
        assertTrue(accepted.getMessage().contains("downlink NAS COUNT exhausted at 2^24-1"), accepted.getMessage());
        assertFalse(amf.read(46, new SecurityContext()), "nothing was stored");
    }

    private static SecurityContext snapshot(final AmfProcedures amf, final long id)
    {
        final SecurityContext context = new SecurityContext();
        assertTrue(amf.read(id, context));
        return context;
    }

    @Test
    void anAcceptedContextOverwritesAStaleCopyInPlace()
    {
        final UeContextTransfer transfer = new UeContextTransfer();
        assertEquals(ProcedureStart.STARTED, core.amf(0).contextTransfer(3, ue.ue().nextUplinkCount(), true, transfer));
        try (ContextTable full = new ContextTable(1); AmfProcedures target = new AmfProcedures(full, new Kdf()))
        {
            target.acceptContextTransfer(3, transfer);
            final byte[] first = transfer.rootKey().clone();
            assertEquals(ProcedureStart.STARTED, core.amf(0).contextTransfer(3, ue.readServing().uplinkNasCount(), true, transfer));
            target.acceptContextTransfer(3, transfer);
            assertEquals(1, full.size(), "replaced, not added, in a table that is full");
            assertTrue(full.slotsContain(transfer.rootKey()));
            assertTrue(!full.slotsContain(first), "the stale KAMF' is overwritten");
        }
        transfer.clear();
    }
}

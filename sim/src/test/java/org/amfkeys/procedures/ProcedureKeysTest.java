package org.amfkeys.procedures;

import org.amfkeys.context.SecurityContext;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.Abba;
import org.amfkeys.types.Supi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every key of every side after each key-lifecycle procedure, against values computed from the spec
 * formulas with {@link SpecKeys} alone (digest {@code ../shared/spec/kdf-digest.md} §6): the AMF's or
 * MME's root key, NH and NCC, the gNB's or eNB's key and NCC, the UE's, and the NAS keys of both ends.
 * Nothing expected is computed with the code under test.
 */
class ProcedureKeysTest
{
    private static final long SEED = 0x5EED_0C0DEL;
    private static final int KEY = 32;
    private static final int NAS_KEY = 16;

    private static final long UE_ID = 7;
    private static final int KSI = 1;
    private static final int MAPPED_KSI = 0x08 | KSI;
    private static final int ENC = 1;
    private static final int INT = 2;

    private static final int NAS_ENC = 0x01;
    private static final int NAS_INT = 0x02;
    private static final int THREE_GPP = 0x01;
    private static final int IDLE = 0x00;
    private static final int HANDOVER = 0x01;
    private static final long HANDOVER_UL_COUNT = 0xFFFF_FFFFL;

    private static final int ARFCN = 632_628;
    private static final int LOW_ARFCN = 60_000;
    private static final int EARFCN = 1300;
    private static final int HIGH_EARFCN = 66_436;

    private Random random;
    private byte[] kamf;
    private SimulatedNetwork network;
    private SimulatedCore core;
    private SimulatedUe ue;

    @BeforeEach
    void start()
    {
        random = new Random(SEED);
        kamf = randomKey();
        network = new SimulatedNetwork(16);
        core = network.core;
        ue = new SimulatedUe(UE_ID, core, kamf, KSI, ENC, INT);
    }

    @AfterEach
    void stop()
    {
        ue.close();
        network.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Security activation and initial AS security
    // ---------------------------------------------------------------------------------------------

    @Test
    void authenticationGivesKamfOfA7AndNasSmcNasKeysOfA8()
    {
        final AmfProcedures amf = core.amf(0);
        final byte[] kseaf = randomKey();
        final byte[] abba = {0x01, 0x02, 0x03};

        amf.authenticated(101, kseaf, Supi.parse("imsi-001010123456789"), Abba.DEFAULT, 3, 0);
        assertActivated(amf, 101, SpecKeys.kamf(kseaf, "001010123456789", new byte[2]), 3);

        amf.authenticated(102, kseaf, Supi.parse("nai-joe.doe@realm.example"), Abba.of(abba), 4, 0);
        assertActivated(amf, 102, SpecKeys.kamf(kseaf, "joe.doe@realm.example", abba), 4);
    }

    @Test
    void initialContextSetupBindsKgnbToNccZeroAndKeepsNhOfNccOneBack()
    {
        assertEquals(1, ue.readServing().uplinkNasCount(), "after the NAS SMC");
        assertEquals(1, ue.readServing().downlinkNasCount(), "after the NAS SMC");
        assertEquals(0, ue.smcCompleteUplinkCount());

        ue.initialContextSetup(5, 321, ARFCN);

        final byte[] kgnb = SpecKeys.kgnb(kamf, 5, THREE_GPP);
        assertAsKey(kgnb, 0, "initial context setup");
        assertFalse(ue.ran().holdsUnusedPair(), "no NH is sent at initial context setup");
        assertCore(kamf, SpecKeys.nh(kamf, kgnb), 1, "initial context setup");
        assertEquals(6, ue.readServing().uplinkNasCount());
        assertEquals(6, ue.ue().nextUplinkCount());
        assertNasKeys(kamf, false, ENC, INT, "initial context setup");
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // Xn handovers and the NH/NCC chain
    // ---------------------------------------------------------------------------------------------

    @Test
    void xnHandoversGoHorizontalThenVerticalAndNeverUseNhOfNccOne()
    {
        final int[] pcis = {10, 20, 30, 40};
        final int[] arfcns = {ARFCN, LOW_ARFCN, ARFCN, LOW_ARFCN};
        ue.initialContextSetup(0, pcis[0], arfcns[0]);
        final byte[] kgnb = SpecKeys.kgnb(kamf, 0, THREE_GPP);
        final byte[] nh1 = SpecKeys.nh(kamf, kgnb);
        final byte[] nh2 = SpecKeys.nh(kamf, nh1);
        final byte[] nh3 = SpecKeys.nh(kamf, nh2);
        final byte[] nh4 = SpecKeys.nh(kamf, nh3);

        ue.xnHandover(pcis[1], arfcns[1]);
        assertAsKey(SpecKeys.kngRanStar(kgnb, pcis[1], arfcns[1]), 0, "first Xn, horizontal");
        assertCore(kamf, nh2, 2, "first path switch");
        assertUnusedPair(nh2, 2, "first path switch");
        assertNotFromNh(nh1, pcis, arfcns);

        ue.xnHandover(pcis[2], arfcns[2]);
        assertAsKey(SpecKeys.kngRanStar(nh2, pcis[2], arfcns[2]), 2, "second Xn, vertical");
        assertCore(kamf, nh3, 3, "second path switch");
        assertUnusedPair(nh3, 3, "second path switch");
        assertNotFromNh(nh1, pcis, arfcns);

        ue.xnHandover(pcis[3], arfcns[3]);
        assertAsKey(SpecKeys.kngRanStar(nh3, pcis[3], arfcns[3]), 3, "third Xn, vertical");
        assertCore(kamf, nh4, 4, "third path switch");
        assertNotFromNh(nh1, pcis, arfcns);
        assertTrue(ue.inSync());
    }

    @Test
    void nccWrapsFromSevenToZeroOverManyXnHandovers()
    {
        final int[] expectedNcc = {0, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3};
        ue.initialContextSetup(0, 1, ARFCN);
        final byte[] kgnb = SpecKeys.kgnb(kamf, 0, THREE_GPP);
        final byte[][] nh = new byte[expectedNcc.length + 2][];
        nh[1] = SpecKeys.nh(kamf, kgnb);
        for (int i = 2; i < nh.length; i++)
        {
            nh[i] = SpecKeys.nh(kamf, nh[i - 1]);
        }

        for (int hop = 1; hop <= expectedNcc.length; hop++)
        {
            final int pci = (hop * 97) % 1008;
            final int arfcn = hop % 2 == 0 ? LOW_ARFCN : ARFCN;
            ue.xnHandover(pci, arfcn);
            final byte[] from = hop == 1 ? kgnb : nh[hop];
            final String step = "Xn " + hop;
            assertAsKey(SpecKeys.kngRanStar(from, pci, arfcn), expectedNcc[hop - 1], step);
            assertCore(kamf, nh[hop + 1], (hop + 1) & 7, step);
            assertUnusedPair(nh[hop + 1], (hop + 1) & 7, step);
            assertFalse(Arrays.equals(SpecKeys.kngRanStar(nh[1], pci, arfcn), ue.ran().key()), step);
            assertTrue(ue.inSync(), step);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // N2 handovers
    // ---------------------------------------------------------------------------------------------

    @Test
    void n2HandoverWithinAmfStepsNccAndDerivesFromFreshNh()
    {
        ue.initialContextSetup(0, 1, ARFCN);
        final byte[] nh1 = SpecKeys.nh(kamf, SpecKeys.kgnb(kamf, 0, THREE_GPP));
        final byte[] nh2 = SpecKeys.nh(kamf, nh1);
        final byte[] nh3 = SpecKeys.nh(kamf, nh2);
        final byte[] nh4 = SpecKeys.nh(kamf, nh3);

        ue.n2Handover(2, LOW_ARFCN, false, false, -1);
        assertAsKey(SpecKeys.kngRanStar(nh2, 2, LOW_ARFCN), 2, "first N2");
        assertCore(kamf, nh2, 2, "first N2");
        assertTrue(ue.inSync(), "first N2");

        ue.n2Handover(3, ARFCN, false, false, -1);
        final byte[] key = SpecKeys.kngRanStar(nh3, 3, ARFCN);
        assertAsKey(key, 3, "second N2");
        assertCore(kamf, nh3, 3, "second N2");

        ue.xnHandover(4, ARFCN);
        assertAsKey(SpecKeys.kngRanStar(key, 4, ARFCN), 3, "Xn after N2, horizontal");
        assertCore(kamf, nh4, 4, "Xn after N2");
        assertEquals("amf-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    @Test
    void n2HandoverToOtherAmfWithHorizontalKamf()
    {
        ue.initialContextSetup(0, 1, ARFCN);
        ue.n2Handover(2, ARFCN, true, true, 42);

        final byte[] kamfPrime = SpecKeys.horizontalKamf(kamf, HANDOVER, 42);
        final byte[] temporary = SpecKeys.kgnb(kamfPrime, HANDOVER_UL_COUNT, THREE_GPP);
        final byte[] nh1 = SpecKeys.nh(kamfPrime, temporary);
        final byte[] target = SpecKeys.kngRanStar(temporary, 2, ARFCN);
        assertEquals("amf-2", ue.servingName());
        assertFalse(core.amf(0).read(UE_ID, new SecurityContext()), "the source deleted the UE");
        assertAsKey(target, 0, "N2 to the other AMF");
        assertCore(kamfPrime, nh1, 1, "N2 to the other AMF");
        assertEquals(KSI, ue.readServing().ngKsi());
        assertEquals(KSI, ue.ue().ngKsi());
        assertEquals(0, ue.readServing().uplinkNasCount());
        assertEquals(1, ue.readServing().downlinkNasCount());
        assertEquals(0, ue.ue().nextUplinkCount());
        assertNasKeys(kamfPrime, false, ENC, INT, "N2 to the other AMF");
        assertTrue(ue.inSync(), "N2 to the other AMF");

        final byte[] nh2 = SpecKeys.nh(kamfPrime, nh1);
        ue.xnHandover(3, LOW_ARFCN);
        final byte[] first = SpecKeys.kngRanStar(target, 3, LOW_ARFCN);
        assertAsKey(first, 0, "first Xn");
        assertCore(kamfPrime, nh2, 2, "first Xn");
        ue.xnHandover(4, ARFCN);
        assertAsKey(SpecKeys.kngRanStar(nh2, 4, ARFCN), 2, "second Xn");
        assertCore(kamfPrime, SpecKeys.nh(kamfPrime, nh2), 3, "second Xn");
        assertTrue(ue.inSync(), "second Xn");
    }

    @Test
    void horizontalKamfTransferCarriesKamfPrimeAndTemporaryKgnb()
    {
        final AmfProcedures source = core.amf(0);
        final long id = 103;
        connectDirectly(source, id, kamf);
        assertTrue(source.downlinkNasCount(id, 42));
        final UeContextTransfer transfer = new UeContextTransfer();
        assertEquals(ProcedureStart.STARTED, source.handoverToAmf(id, true, transfer));

        final byte[] kamfPrime = SpecKeys.horizontalKamf(kamf, HANDOVER, 42);
        final byte[] temporary = SpecKeys.kgnb(kamfPrime, HANDOVER_UL_COUNT, THREE_GPP);
        assertArrayEquals(kamfPrime, transfer.rootKey());
        assertTrue(transfer.keyAmfHDerivationInd());
        assertTrue(transfer.keyAmfChangeInd());
        assertEquals(42, transfer.derivationCount());
        assertEquals(KSI, transfer.ngKsi());
        assertPair(temporary, 0, true, transfer.nextHop(), "CreateUEContext");
        assertEquals(43, read(source, id).downlinkNasCount(), "the source's DL NAS COUNT advanced");

        final NextHopPair pair = new NextHopPair();
        final HandoverCommand command = new HandoverCommand();
        core.amf(1).acceptHandover(id, transfer, pair, command);
        assertPair(temporary, 0, true, pair, "to the target gNB");
        assertEquals(HandoverCommand.HORIZONTAL_KAMF, command.nasContainer());
        assertEquals(42, command.nasCount());
        final SecurityContext target = read(core.amf(1), id);
        assertArrayEquals(kamfPrime, kamfOf(target));
        assertArrayEquals(SpecKeys.nh(kamfPrime, temporary), nextHopOf(target));
        assertEquals(1, target.ncc());
    }

    @Test
    void n2HandoverToOtherAmfWithoutHorizontalKamf()
    {
        ue.initialContextSetup(0, 1, ARFCN);
        ue.xnHandover(2, ARFCN);
        final long uplink = ue.readServing().uplinkNasCount();
        ue.n2Handover(3, LOW_ARFCN, true, false, -1);

        final byte[] nh1 = SpecKeys.nh(kamf, SpecKeys.kgnb(kamf, 0, THREE_GPP));
        final byte[] nh3 = SpecKeys.nh(kamf, SpecKeys.nh(kamf, nh1));
        final byte[] key = SpecKeys.kngRanStar(nh3, 3, LOW_ARFCN);
        assertEquals("amf-2", ue.servingName());
        assertFalse(core.amf(0).read(UE_ID, new SecurityContext()), "the source deleted the UE");
        assertAsKey(key, 3, "N2 to the other AMF");
        assertCore(kamf, nh3, 3, "N2 to the other AMF");
        assertEquals(uplink, ue.readServing().uplinkNasCount());
        assertNasKeys(kamf, false, ENC, INT, "N2 to the other AMF");
        assertTrue(ue.inSync(), "N2 to the other AMF");

        ue.xnHandover(4, ARFCN);
        assertAsKey(SpecKeys.kngRanStar(key, 4, ARFCN), 3, "Xn at the target AMF, horizontal");
        assertCore(kamf, SpecKeys.nh(kamf, nh3), 4, "Xn at the target AMF");
        assertTrue(ue.inSync());
    }

    @Test
    void transferWithoutHorizontalKamfCarriesCurrentKamfAndFreshNh()
    {
        final AmfProcedures source = core.amf(0);
        final long id = 104;
        connectDirectly(source, id, kamf);
        final UeContextTransfer transfer = new UeContextTransfer();
        assertEquals(ProcedureStart.STARTED, source.handoverToAmf(id, false, transfer));

        final byte[] nh2 = SpecKeys.nh(kamf, SpecKeys.nh(kamf, SpecKeys.kgnb(kamf, 0, THREE_GPP)));
        assertArrayEquals(kamf, transfer.rootKey());
        assertFalse(transfer.keyAmfHDerivationInd());
        assertFalse(transfer.keyAmfChangeInd());
        assertEquals(KSI, transfer.ngKsi());
        assertEquals(1, transfer.uplinkNasCount());
        assertPair(nh2, 2, false, transfer.nextHop(), "CreateUEContext");

        final NextHopPair pair = new NextHopPair();
        final HandoverCommand command = new HandoverCommand();
        core.amf(1).acceptHandover(id, transfer, pair, command);
        assertPair(nh2, 2, false, pair, "to the target gNB");
        assertEquals(HandoverCommand.SAME_KAMF, command.nasContainer(), "the NAS container carries only the DL COUNT");
        assertEquals(transfer.downlinkNasCount(), command.nasCount());
        final SecurityContext target = read(core.amf(1), id);
        assertEquals(transfer.downlinkNasCount() + 1, target.downlinkNasCount(), "DL COUNT + 1 after the container");
        assertArrayEquals(kamf, kamfOf(target));
        assertArrayEquals(nh2, nextHopOf(target));
        assertEquals(2, target.ncc());
    }

    // ---------------------------------------------------------------------------------------------
    // Key change on the fly
    // ---------------------------------------------------------------------------------------------

    @Test
    void newKamfActivatedWhileConnectedReachesAsAtNextPathSwitch()
    {
        ue.initialContextSetup(3, 1, ARFCN);
        ue.xnHandover(2, ARFCN);
        final byte[] oldNh2 = SpecKeys.nh(kamf, SpecKeys.nh(kamf, SpecKeys.kgnb(kamf, 3, THREE_GPP)));
        assertUnusedPair(oldNh2, 2, "before the new KAMF");

        final byte[] newKamf = randomKey();
        ue.authenticate(newKamf, 2);
        ue.nasSecurityModeCommand(ENC, INT);
        assertEquals(0, ue.smcCompleteUplinkCount(), "the new context's NAS COUNTs start at 0");
        assertNasKeys(newKamf, false, ENC, INT, "after the NAS SMC");
        assertTrue(ue.inSync(), "the AS keys still descend from the old KAMF");

        ue.xnHandover(3, LOW_ARFCN);
        final byte[] newKgnb = SpecKeys.kgnb(newKamf, 0, THREE_GPP);
        final byte[] key = SpecKeys.kngRanStar(newKgnb, 3, LOW_ARFCN);
        assertAsKey(key, 0, "intra-cell handover to the new key set");
        assertFalse(ue.ran().holdsUnusedPair());
        final byte[] nh1 = SpecKeys.nh(newKamf, newKgnb);
        assertCore(newKamf, nh1, 1, "path switch with the NSCI");
        assertTrue(ue.inSync(), "after the NSCI");

        ue.xnHandover(4, ARFCN);
        assertAsKey(SpecKeys.kngRanStar(key, 4, ARFCN), 0, "next Xn, horizontal");
        assertCore(newKamf, SpecKeys.nh(newKamf, nh1), 2, "next path switch");
        assertTrue(ue.inSync());
    }

    @Test
    void pathSwitchAfterNewKamfCarriesNewKgnbWithNccZeroAndNsci()
    {
        final AmfProcedures amf = core.amf(0);
        final long id = 105;
        connectDirectly(amf, id, kamf);
        final byte[] newKamf = randomKey();
        amf.authenticated(id, newKamf, 2, 0);
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        assertTrue(amf.nasSecurityModeCommand(id, ENC, INT, command));
        assertTrue(amf.nasSecurityModeComplete(id, 0));
        assertEquals(0, read(amf, id).smcCompleteUplinkCount());

        final NextHopPair pair = new NextHopPair();
        assertTrue(amf.pathSwitch(id, pair));
        final byte[] newKgnb = SpecKeys.kgnb(newKamf, 0, THREE_GPP);
        assertPair(newKgnb, 0, true, pair, "path switch with the NSCI");
        assertEquals(1, read(amf, id).ncc());

        assertTrue(amf.pathSwitch(id, pair));
        assertPair(SpecKeys.nh(newKamf, SpecKeys.nh(newKamf, newKgnb)), 2, false, pair, "next path switch");
    }

    @Test
    void ueContextModificationRekeysFromSmcCompleteCount()
    {
        ue.initialContextSetup(3, 1, ARFCN);
        ue.xnHandover(2, ARFCN);
        assertTrue(ue.ran().holdsUnusedPair());
        ue.nasSecurityModeCommand(2, 1);
        assertEquals(4, ue.smcCompleteUplinkCount(), "the UE's next UL NAS COUNT after the ICS one, 3");

        ue.ueContextModification();
        final byte[] kgnb = SpecKeys.kgnb(kamf, 4, THREE_GPP);
        final byte[] key = SpecKeys.kngRanStar(kgnb, 2, ARFCN);
        assertAsKey(key, 0, "UE context modification");
        assertFalse(ue.ran().holdsUnusedPair(), "the old NH is dropped");
        final byte[] nh1 = SpecKeys.nh(kamf, kgnb);
        assertCore(kamf, nh1, 1, "UE context modification");
        assertNasKeys(kamf, false, 2, 1, "new algorithms");
        assertTrue(ue.inSync(), "UE context modification");

        ue.xnHandover(3, LOW_ARFCN);
        assertAsKey(SpecKeys.kngRanStar(key, 3, LOW_ARFCN), 0, "Xn after re-keying, horizontal");
        assertCore(kamf, SpecKeys.nh(kamf, nh1), 2, "Xn after re-keying");
        assertTrue(ue.inSync());
    }

    @Test
    void asKeyRefreshChainsHorizontallyThenVerticallyAfterPathSwitch()
    {
        ue.initialContextSetup(0, 100, ARFCN);
        final byte[] kgnb = SpecKeys.kgnb(kamf, 0, THREE_GPP);
        final byte[] nh1 = SpecKeys.nh(kamf, kgnb);
        final byte[] nh2 = SpecKeys.nh(kamf, nh1);

        ue.asKeyRefresh();
        final byte[] first = SpecKeys.kngRanStar(kgnb, 100, ARFCN);
        assertAsKey(first, 0, "first refresh, horizontal");
        assertCore(kamf, nh1, 1, "a refresh does not touch the AMF");
        ue.asKeyRefresh();
        final byte[] second = SpecKeys.kngRanStar(first, 100, ARFCN);
        assertAsKey(second, 0, "second refresh, horizontal");

        ue.xnHandover(200, LOW_ARFCN);
        assertAsKey(SpecKeys.kngRanStar(second, 200, LOW_ARFCN), 0, "Xn, horizontal");
        assertUnusedPair(nh2, 2, "path switch");

        ue.asKeyRefresh();
        final byte[] vertical = SpecKeys.kngRanStar(nh2, 200, LOW_ARFCN);
        assertAsKey(vertical, 2, "refresh with the unused pair, vertical");
        assertFalse(ue.ran().holdsUnusedPair());
        ue.asKeyRefresh();
        assertAsKey(SpecKeys.kngRanStar(vertical, 200, LOW_ARFCN), 2, "refresh after, horizontal");
        assertCore(kamf, nh2, 2, "refreshes");
        assertTrue(ue.inSync());
    }

    @Test
    void nasKeyRefreshInIdleDerivesKamfPrimeFromUplinkCount()
    {
        ue.nasKeyRefresh(4);

        final byte[] kamfPrime = SpecKeys.horizontalKamf(kamf, IDLE, 4);
        assertArrayEquals(kamfPrime, kamfOf(ue.readServing()));
        assertArrayEquals(kamfPrime, ue.ue().rootKey());
        assertEquals(KSI, ue.readServing().ngKsi());
        assertEquals(KSI, ue.ue().ngKsi());
        assertEquals(1, ue.readServing().uplinkNasCount());
        assertEquals(1, ue.readServing().downlinkNasCount());
        assertNasKeys(kamfPrime, false, ENC, INT, "NAS key refresh");
        assertTrue(ue.inSync(), "NAS key refresh");

        ue.initialContextSetup(0, 5, ARFCN);
        final byte[] kgnb = SpecKeys.kgnb(kamfPrime, 0, THREE_GPP);
        assertAsKey(kgnb, 0, "initial context setup");
        assertCore(kamfPrime, SpecKeys.nh(kamfPrime, kgnb), 1, "initial context setup");
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // Mobility registration update
    // ---------------------------------------------------------------------------------------------

    @Test
    void mobilityRegistrationWithHorizontalKamfMovesUeToKamfPrime()
    {
        ue.mobilityRegistration(5, true, true);

        final byte[] kamfPrime = SpecKeys.horizontalKamf(kamf, IDLE, 5);
        assertEquals("amf-2", ue.servingName());
        assertFalse(core.amf(0).read(UE_ID, new SecurityContext()), "the source deleted the UE");
        assertArrayEquals(kamfPrime, kamfOf(ue.readServing()));
        assertEquals(KSI, ue.readServing().ngKsi());
        assertEquals(1, ue.readServing().uplinkNasCount());
        assertEquals(1, ue.readServing().downlinkNasCount());
        assertNasKeys(kamfPrime, false, ENC, INT, "registration");
        assertTrue(ue.inSync(), "registration");

        ue.initialContextSetup(0, 6, ARFCN);
        final byte[] kgnb = SpecKeys.kgnb(kamfPrime, 0, THREE_GPP);
        assertAsKey(kgnb, 0, "initial context setup");
        assertCore(kamfPrime, SpecKeys.nh(kamfPrime, kgnb), 1, "initial context setup");
        assertTrue(ue.inSync());
    }

    @Test
    void failedMobilityRegistrationLeavesUeOnOldKamfAtSource()
    {
        ue.mobilityRegistration(5, true, false);

        assertEquals("amf-1", ue.servingName());
        assertFalse(core.amf(1).read(UE_ID, new SecurityContext()), "the target forgot the UE");
        assertArrayEquals(kamf, kamfOf(ue.readServing()));
        assertEquals(KSI, ue.readServing().ngKsi());
        assertEquals(6, ue.readServing().uplinkNasCount(), "the Registration Request's COUNT was used");
        assertEquals(6, ue.ue().nextUplinkCount());
        assertNasKeys(kamf, false, ENC, INT, "failed registration");
        assertTrue(ue.inSync(), "failed registration");

        ue.initialContextSetup(9, 7, ARFCN);
        final byte[] kgnb = SpecKeys.kgnb(kamf, 9, THREE_GPP);
        assertAsKey(kgnb, 0, "initial context setup at the source");
        assertCore(kamf, SpecKeys.nh(kamf, kgnb), 1, "initial context setup at the source");
        assertTrue(ue.inSync());
    }

    // ---------------------------------------------------------------------------------------------
    // Interworking with EPS
    // ---------------------------------------------------------------------------------------------

    @Test
    void handoverToEpsAndBackTo5gs()
    {
        ue.initialContextSetup(0, 1, ARFCN);
        assertTrue(ue.serving().downlinkNasCount(UE_ID, 20));
        final long uplink = ue.readServing().uplinkNasCount();

        ue.handoverToEps(300, HIGH_EARFCN);
        final byte[] kasme = SpecKeys.kasmePrimeHandover(kamf, 20);
        final byte[] kenb = SpecKeys.kenb(kasme, HANDOVER_UL_COUNT);
        final byte[] nh2 = SpecKeys.epsNh(kasme, SpecKeys.epsNh(kasme, kenb));
        assertEquals("mme-1", ue.servingName());
        assertFalse(core.amf(0).read(UE_ID, new SecurityContext()), "the AMF deleted the UE");
        assertAsKey(SpecKeys.kenbStar(nh2, 300, HIGH_EARFCN), 2, "5GS to EPS handover");
        assertCore(kasme, nh2, 2, "5GS to EPS handover");
        assertEquals(MAPPED_KSI, ue.readServing().ngKsi());
        assertEquals(MAPPED_KSI, ue.ue().ngKsi());
        assertEquals(uplink, ue.readServing().uplinkNasCount());
        assertEquals(21, ue.readServing().downlinkNasCount());
        assertEquals(21, ue.ue().nextDownlinkCount());
        assertNasKeys(kasme, true, ENC, INT, "5GS to EPS handover");
        assertTrue(ue.inSync(), "5GS to EPS handover");

        ue.handoverTo5gs(500, ARFCN);
        final byte[] nh3 = SpecKeys.epsNh(kasme, nh2);
        final byte[] kamfPrime = SpecKeys.kamfFromKasmeHandover(kasme, nh3);
        final byte[] temporary = SpecKeys.kgnb(kamfPrime, HANDOVER_UL_COUNT, THREE_GPP);
        final byte[] key = SpecKeys.kngRanStar(temporary, 500, ARFCN);
        final byte[] nh1 = SpecKeys.nh(kamfPrime, temporary);
        assertEquals("amf-1", ue.servingName());
        assertFalse(core.mme(0).read(UE_ID, new SecurityContext()), "the MME deleted the UE");
        assertAsKey(key, 0, "EPS to 5GS handover");
        assertCore(kamfPrime, nh1, 1, "EPS to 5GS handover");
        assertEquals(MAPPED_KSI, ue.readServing().ngKsi());
        assertEquals(0, ue.readServing().uplinkNasCount());
        assertEquals(0, ue.readServing().downlinkNasCount());
        assertNasKeys(kamfPrime, false, ENC, INT, "EPS to 5GS handover");
        assertTrue(ue.inSync(), "EPS to 5GS handover");

        ue.xnHandover(501, LOW_ARFCN);
        assertAsKey(SpecKeys.kngRanStar(key, 501, LOW_ARFCN), 0, "Xn back in 5GS, horizontal");
        assertCore(kamfPrime, SpecKeys.nh(kamfPrime, nh1), 2, "Xn back in 5GS");
        assertTrue(ue.inSync());
    }

    @Test
    void idleModeToEpsAndBackTo5gs()
    {
        ue.idleModeToEps(7);
        final byte[] kasme = SpecKeys.kasmePrimeIdle(kamf, 7);
        assertEquals("mme-1", ue.servingName());
        assertFalse(core.amf(0).read(UE_ID, new SecurityContext()), "the AMF deleted the UE");
        assertArrayEquals(kasme, kamfOf(ue.readServing()));
        assertEquals(MAPPED_KSI, ue.readServing().ngKsi());
        assertEquals(MAPPED_KSI, ue.ue().ngKsi());
        assertNasKeys(kasme, true, ENC, INT, "idle to EPS");
        assertTrue(ue.inSync(), "idle to EPS");

        ue.initialContextSetup(0, 101, EARFCN);
        final byte[] kenb = SpecKeys.kenb(kasme, 0);
        assertAsKey(kenb, 0, "initial context setup in EPS");
        assertCore(kasme, SpecKeys.epsNh(kasme, kenb), 1, "initial context setup in EPS");
        assertTrue(ue.inSync(), "initial context setup in EPS");
        ue.release();

        ue.idleModeTo5gs(3);
        final byte[] kamfPrime = SpecKeys.kamfFromKasmeIdle(kasme, 3);
        assertEquals("amf-1", ue.servingName());
        assertFalse(core.mme(0).read(UE_ID, new SecurityContext()), "the MME deleted the UE");
        assertArrayEquals(kamfPrime, kamfOf(ue.readServing()));
        assertEquals(MAPPED_KSI, ue.readServing().ngKsi());
        assertEquals(0, ue.readServing().uplinkNasCount());
        assertEquals(0, ue.readServing().downlinkNasCount());
        assertNasKeys(kamfPrime, false, ENC, INT, "idle to 5GS");
        assertTrue(ue.inSync(), "idle to 5GS");

        ue.initialContextSetup(0, 5, ARFCN);
        final byte[] kgnb = SpecKeys.kgnb(kamfPrime, 0, THREE_GPP);
        assertAsKey(kgnb, 0, "initial context setup in 5GS");
        assertCore(kamfPrime, SpecKeys.nh(kamfPrime, kgnb), 1, "initial context setup in 5GS");
        assertTrue(ue.inSync());
    }

    @Test
    void mmeChainsKenbThroughX2AndS1Handovers()
    {
        ue.idleModeToEps(2);
        final byte[] kasme = SpecKeys.kasmePrimeIdle(kamf, 2);
        ue.initialContextSetup(4, 10, EARFCN);
        final byte[] kenb = SpecKeys.kenb(kasme, 4);
        final byte[] nh1 = SpecKeys.epsNh(kasme, kenb);
        final byte[] nh2 = SpecKeys.epsNh(kasme, nh1);
        final byte[] nh3 = SpecKeys.epsNh(kasme, nh2);
        final byte[] nh4 = SpecKeys.epsNh(kasme, nh3);
        assertAsKey(kenb, 0, "initial context setup");
        assertCore(kasme, nh1, 1, "initial context setup");

        ue.xnHandover(20, HIGH_EARFCN);
        assertAsKey(SpecKeys.kenbStar(kenb, 20, HIGH_EARFCN), 0, "first X2, horizontal");
        assertCore(kasme, nh2, 2, "first X2");
        assertUnusedPair(nh2, 2, "first X2");
        assertTrue(ue.inSync(), "first X2");

        ue.xnHandover(30, EARFCN);
        assertAsKey(SpecKeys.kenbStar(nh2, 30, EARFCN), 2, "second X2, vertical");
        assertCore(kasme, nh3, 3, "second X2");
        assertTrue(ue.inSync(), "second X2");

        ue.n2Handover(40, HIGH_EARFCN, false, false, -1);
        final byte[] s1 = SpecKeys.kenbStar(nh4, 40, HIGH_EARFCN);
        assertAsKey(s1, 4, "S1 handover");
        assertCore(kasme, nh4, 4, "S1 handover");
        assertTrue(ue.inSync(), "S1 handover");

        ue.xnHandover(50, EARFCN);
        assertAsKey(SpecKeys.kenbStar(s1, 50, EARFCN), 4, "X2 after S1, horizontal");
        assertCore(kasme, SpecKeys.epsNh(kasme, nh4), 5, "X2 after S1");
        assertNasKeys(kasme, true, ENC, INT, "EPS");
        assertEquals("mme-1", ue.servingName());
        assertTrue(ue.inSync());
    }

    /**
     * TS 33.401 7.2.10 rules 3 and 4: after a NAS SMC takes a new KASME into use while the UE is
     * CONNECTED, X2 and S1 handovers keep deriving from the old KASME's NH chain, on the MME and the
     * UE alike, until a UE Context Modification takes a KeNB of the new KASME into use.
     */
    @Test
    void newKasmeWaitsForUeContextModificationWhileHandoversFollowTheOldChain()
    {
        ue.idleModeToEps(2);
        final byte[] oldKasme = SpecKeys.kasmePrimeIdle(kamf, 2);
        ue.initialContextSetup(4, 10, EARFCN);
        final byte[] kenb = SpecKeys.kenb(oldKasme, 4);
        final byte[] nh1 = SpecKeys.epsNh(oldKasme, kenb);
        final byte[] nh2 = SpecKeys.epsNh(oldKasme, nh1);
        final byte[] nh3 = SpecKeys.epsNh(oldKasme, nh2);

        final byte[] newKasme = randomKey();
        ue.authenticate(newKasme, 5);
        ue.nasSecurityModeCommand(ENC, INT);
        assertEquals(0, ue.smcCompleteUplinkCount());
        assertArrayEquals(newKasme, ue.ue().rootKey(), "NAS runs on the new KASME at once");
        assertNasKeys(newKasme, true, ENC, INT, "new KASME");

        ue.xnHandover(20, HIGH_EARFCN);
        assertAsKey(SpecKeys.kenbStar(kenb, 20, HIGH_EARFCN), 0, "X2 after the SMC, horizontal");
        assertCore(newKasme, nh2, 2, "Path Switch Ack from the old KASME's chain");
        assertUnusedPair(nh2, 2, "Path Switch Ack");
        assertTrue(ue.inSync(), "X2 after the SMC");

        ue.n2Handover(30, EARFCN, false, false, -1);
        assertAsKey(SpecKeys.kenbStar(nh3, 30, EARFCN), 3, "S1 handover, still the old chain");
        assertTrue(ue.inSync(), "S1 handover");

        ue.ueContextModification();
        final byte[] newKenb = SpecKeys.kenb(newKasme, 0);
        assertAsKey(SpecKeys.kenbStar(newKenb, 30, EARFCN), 0, "UE Context Modification");
        assertCore(newKasme, SpecKeys.epsNh(newKasme, newKenb), 1, "UE Context Modification");
        assertTrue(ue.inSync(), "UE Context Modification");

        ue.xnHandover(40, HIGH_EARFCN);
        assertCore(newKasme, SpecKeys.epsNh(newKasme, SpecKeys.epsNh(newKasme, newKenb)), 2, "new chain");
        assertTrue(ue.inSync());
        assertFalse(network.mme.slotsContain(oldKasme), "the old KASME is gone once the AS left it");
    }

    // ---------------------------------------------------------------------------------------------

    private byte[] randomKey()
    {
        final byte[] key = new byte[KEY];
        random.nextBytes(key);
        return key;
    }

    private void assertAsKey(final byte[] expected, final int ncc, final String step)
    {
        assertArrayEquals(expected, ue.ran().key(), step + ": RAN key");
        assertEquals(ncc, ue.ran().keyNcc(), step + ": RAN NCC");
        assertArrayEquals(expected, ue.ue().kgnb(), step + ": UE key");
        assertEquals(ncc, ue.ue().ncc(), step + ": UE NCC");
    }

    private void assertCore(final byte[] rootKey, final byte[] nh, final int ncc, final String step)
    {
        final SecurityContext serving = ue.readServing();
        assertArrayEquals(rootKey, kamfOf(serving), step + ": " + ue.servingName() + " root key");
        assertArrayEquals(nh, nextHopOf(serving), step + ": " + ue.servingName() + " NH");
        assertEquals(ncc, serving.ncc(), step + ": " + ue.servingName() + " NCC");
        assertArrayEquals(rootKey, ue.ue().rootKey(), step + ": UE root key");
    }

    private void assertUnusedPair(final byte[] nh, final int ncc, final String step)
    {
        assertTrue(ue.ran().holdsUnusedPair(), step + ": unused pair held");
        assertArrayEquals(nh, ue.ran().unusedNextHop(), step + ": unused NH");
        assertEquals(ncc, ue.ran().unusedNcc(), step + ": unused NCC");
    }

    private void assertNotFromNh(final byte[] nh1, final int[] pcis, final int[] arfcns)
    {
        for (int i = 0; i < pcis.length; i++)
        {
            assertFalse(Arrays.equals(SpecKeys.kngRanStar(nh1, pcis[i], arfcns[i]), ue.ran().key()),
                "the NH of NCC 1 is never a KgNB source");
        }
    }

    private void assertNasKeys(
        final byte[] rootKey, final boolean eps, final int ciphering, final int integrity, final String step)
    {
        final byte[] encryption = eps ?
            SpecKeys.epsNasKey(rootKey, NAS_ENC, ciphering) : SpecKeys.nasKey(rootKey, NAS_ENC, ciphering);
        final byte[] integrityKey = eps ?
            SpecKeys.epsNasKey(rootKey, NAS_INT, integrity) : SpecKeys.nasKey(rootKey, NAS_INT, integrity);
        final byte[] actualEncryption = new byte[NAS_KEY];
        final byte[] actualIntegrity = new byte[NAS_KEY];
        ue.ue().nasKeys(actualEncryption, actualIntegrity);
        assertArrayEquals(encryption, actualEncryption, step + ": UE KNASenc");
        assertArrayEquals(integrityKey, actualIntegrity, step + ": UE KNASint");
        ue.serving().nasKeys(ue.readServing(), actualEncryption, actualIntegrity);
        assertArrayEquals(encryption, actualEncryption, step + ": network KNASenc");
        assertArrayEquals(integrityKey, actualIntegrity, step + ": network KNASint");
    }

    private static void assertPair(
        final byte[] key, final int ncc, final boolean newSecurityContext, final NextHopPair pair, final String step)
    {
        assertArrayEquals(key, pair.key(), step + ": key");
        assertEquals(ncc, pair.ncc(), step + ": NCC");
        assertEquals(newSecurityContext, pair.newSecurityContext(), step + ": NSCI");
    }

    private void assertActivated(final AmfProcedures amf, final long id, final byte[] expectedKamf, final int ksi)
    {
        final SecurityContext pending = read(amf, id);
        assertTrue(pending.hasNonCurrent(), "the new context waits for its NAS SMC");
        final byte[] nonCurrent = new byte[KEY];
        pending.copyNonCurrentKamf(nonCurrent, 0);
        assertArrayEquals(expectedKamf, nonCurrent, "KAMF of A.7");

        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        assertTrue(amf.nasSecurityModeCommand(id, ENC, INT, command));
        assertArrayEquals(SpecKeys.nasKey(expectedKamf, NAS_ENC, ENC), command.nasEncryptionKey());
        assertArrayEquals(SpecKeys.nasKey(expectedKamf, NAS_INT, INT), command.nasIntegrityKey());
        assertEquals(ksi, command.ngKsi());
        assertEquals(0, command.downlinkNasCount());
        assertFalse(command.kamfChangeFlag());
        assertTrue(amf.nasSecurityModeComplete(id, 0));

        final SecurityContext current = read(amf, id);
        assertArrayEquals(expectedKamf, kamfOf(current), "current KAMF");
        assertEquals(ksi, current.ngKsi());
        assertEquals(1, current.uplinkNasCount());
        assertEquals(1, current.downlinkNasCount());
        final byte[] encryption = new byte[NAS_KEY];
        final byte[] integrity = new byte[NAS_KEY];
        amf.nasKeys(current, encryption, integrity);
        assertArrayEquals(SpecKeys.nasKey(expectedKamf, NAS_ENC, ENC), encryption);
        assertArrayEquals(SpecKeys.nasKey(expectedKamf, NAS_INT, INT), integrity);
    }

    /**
     * A UE with an activated context (SMC Complete UL NAS COUNT 0) and an Initial Context Setup with that
     * COUNT, driven on the AMF alone.
     */
    private static void connectDirectly(final AmfProcedures amf, final long id, final byte[] rootKey)
    {
        amf.authenticated(id, rootKey, KSI, 0);
        assertTrue(amf.nasSecurityModeCommand(id, ENC, INT, new NasSecurityModeCommand()));
        assertTrue(amf.nasSecurityModeComplete(id, 0));
        final NextHopPair pair = new NextHopPair();
        assertTrue(amf.initialContextSetup(id, 0, pair));
        assertPair(SpecKeys.kgnb(rootKey, 0, THREE_GPP), 0, false, pair, "initial context setup");
    }

    private static SecurityContext read(final CoreNetworkProcedures node, final long id)
    {
        final SecurityContext snapshot = new SecurityContext();
        assertTrue(node.read(id, snapshot), "UE " + id + " known");
        return snapshot;
    }

    private static byte[] kamfOf(final SecurityContext context)
    {
        final byte[] out = new byte[KEY];
        context.copyKamf(out, 0);
        return out;
    }

    private static byte[] nextHopOf(final SecurityContext context)
    {
        final byte[] out = new byte[KEY];
        context.copyNextHop(out, 0);
        return out;
    }
}

package org.amfkeys.procedures.keychange;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.sim.KeyChangeOutcome;
import org.amfkeys.sim.UeMirror;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.amfkeys.procedures.keychange.KdpBoundKamfTest.assertBad;
import static org.amfkeys.procedures.keychange.KeyChangeFixture.ALL;
import static org.amfkeys.procedures.keychange.KeyChangeFixture.AMF_A;
import static org.amfkeys.procedures.keychange.KeyChangeFixture.AMF_B;
import static org.amfkeys.procedures.keychange.KeyChangeFixture.AMF_C;
import static org.amfkeys.procedures.keychange.KeyChangeFixture.CAPABILITIES;
import static org.amfkeys.procedures.keychange.KeyChangeFixture.guami;
import static org.amfkeys.procedures.keychange.KeyChangeIndication.Form.EXPLICIT;
import static org.amfkeys.procedures.keychange.KeyChangeIndication.Form.EXPLICIT_WITHOUT_KDP;
import static org.amfkeys.procedures.keychange.KeyChangeIndication.Form.IMPLICIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each key change variant end to end: a source AMF holding a UE's context after a NAS SMC, target
 * AMFs, and the UE's mirror. Every key is checked against {@link SpecKdp}, computed without the code
 * under test.
 */
class KeyChangeProceduresTest
{
    private static final long UE = 42;
    private static final int NGKSI = 2;
    private static final int NEA2 = 2;
    private static final int NIA2 = 2;

    private final byte[] kamf = new byte[32];
    private final NasSecurityModeCommand smc = new NasSecurityModeCommand();
    private ContextTable source;
    private ContextTable targetA;
    private ContextTable targetB;
    private ContextTable targetC;
    private AmfProcedures sourceAmf;

    @BeforeEach
    void start()
    {
        new Random(33501).nextBytes(kamf);
        source = new ContextTable(8);
        targetA = new ContextTable(8);
        targetB = new ContextTable(8);
        targetC = new ContextTable(8);
        sourceAmf = new AmfProcedures(source, new Kdf());
        sourceAmf.authenticated(UE, kamf, NGKSI, CAPABILITIES);
        assertTrue(sourceAmf.nasSecurityModeCommand(UE, NEA2, NIA2, smc));
        assertTrue(sourceAmf.nasSecurityModeComplete(UE, 0));
    }

    @AfterEach
    void stop()
    {
        sourceAmf.close();
        source.close();
        targetA.close();
        targetB.close();
        targetC.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Explicit and implicit KCI, every kind of KDP
    // ---------------------------------------------------------------------------------------------

    @Test
    void explicitKciWithNonceGivesTheSameKeysAtTargetAndUe()
    {
        final byte[] nonce = new byte[16];
        new Random(7).nextBytes(nonce);
        final KeyDerivationParameter kdp = KeyDerivationParameter.nonce(nonce);
        final byte[] expected = SpecKdp.kamfPrime(kamf, guami(AMF_B), SpecKdp.NONCE, nonce);

        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        final KeyChangeCommand command = new KeyChangeCommand();
        try (KeyChangeProcedures amfA = procedures(source, ALL); KeyChangeProcedures amfB = procedures(targetB, ALL);
             UeMirror ue = ue(ALL))
        {
            assertTrue(amfA.prepareKeyChange(UE, AMF_B, kdp, EXPLICIT, transfer));
            assertArrayEquals(expected, transfer.kamfPrime());
            assertEquals(KeyChangeIndication.Form.EXPLICIT, transfer.kci().form());
            assertArrayEquals(kamf, kamfOf(source), "the source keeps serving with its own KAMF");

            amfB.acceptKeyChange(UE, AMF_B, transfer, null, command);
            assertFalse(transfer.isFilled(), "the transfer is zeroed once the key is stored");
            assertFalse(Arrays.equals(expected, transfer.kamfPrime()));
            assertTrue(command.kci().keyChangeFlag());
            assertEquals(kdp, command.kci().kdp());
            assertEquals(AMF_B, command.targetAmf());
            assertFalse(command.algorithmsIncluded());
            assertEquals(0, command.nas().downlinkNasCount());

            final SecurityContext stored = new SecurityContext();
            assertTrue(targetB.read(UE, stored));
            assertArrayEquals(expected, kamfOf(targetB));
            assertEquals(0, stored.uplinkNasCount(), "NAS COUNTs restart under KAMF'");
            assertEquals(1, stored.downlinkNasCount(), "the command took DL NAS COUNT 0");
            assertEquals(NGKSI, stored.ngKsi());
            assertEquals(NEA2, stored.nasCipheringAlgorithm());
            assertEquals(CAPABILITIES, stored.ueSecurityCapabilities());

            assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command));
            assertUeHas(ue, expected, NEA2, NIA2);
            assertArrayEquals(SpecKdp.nasKey(expected, SpecKdp.NAS_ENC, NEA2), command.nas().nasEncryptionKey());
            assertArrayEquals(SpecKdp.nasKey(expected, SpecKdp.NAS_INT, NIA2), command.nas().nasIntegrityKey());
            assertEquals(1, ue.nextDownlinkCount());
            assertEquals(0, ue.nextUplinkCount());
        }
    }

    @Test
    void implicitKciWithVersionNumberIsFollowedOnlyByAUeThatRunsIt()
    {
        final KeyDerivationParameter kdp = KeyDerivationParameter.version(5);
        final byte[] expected = SpecKdp.kamfPrime(kamf, guami(AMF_B), SpecKdp.VERSION, SpecKdp.bigEndian(5, 4));
        final KeyChangeCommand command = transferAndAccept(kdp, IMPLICIT, null);
        assertFalse(command.kci().keyChangeFlag(), "implicit: no flag");
        assertEquals(kdp, command.kci().kdp(), "the KDP itself signals the change");

        try (UeMirror explicitOnly = ue(KeyChangeOptions.of(KeyChangeVariant.KDP_BOUND_KAMF)))
        {
            final VariantNotEnabledException refused =
                assertThrows(VariantNotEnabledException.class, () -> explicitOnly.keyChangeCommand(command));
            assertSame(KeyChangeVariant.IMPLICIT_KCI, refused.variant());
            assertUeHas(explicitOnly, kamf, NEA2, NIA2);
        }
        try (UeMirror ue = ue(ALL))
        {
            assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command));
            assertUeHas(ue, expected, NEA2, NIA2);
            assertArrayEquals(SpecKdp.nasKey(expected, SpecKdp.NAS_INT, NIA2), command.nas().nasIntegrityKey());

            final KeyChangeCommand replay = new KeyChangeCommand().received(
                KeyChangeIndication.received(false, KeyDerivationParameter.version(5)), AMF_B, NGKSI, false, 0, 0, 1);
            assertThrows(ProcedureNotAllowedException.class, () -> ue.keyChangeCommand(replay), "version 5 was used");
            assertUeHas(ue, expected, NEA2, NIA2);
        }
    }

    @Test
    void explicitKciWithTimestampRefusesAnOlderOne()
    {
        final KeyDerivationParameter kdp = KeyDerivationParameter.timestamp(1_000_000);
        final byte[] expected = SpecKdp.kamfPrime(kamf, guami(AMF_B), SpecKdp.TIMESTAMP, SpecKdp.bigEndian(1_000_000, 8));
        final KeyChangeCommand command = transferAndAccept(kdp, EXPLICIT, null);
        try (UeMirror ue = ue(ALL))
        {
            assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command));
            assertUeHas(ue, expected, NEA2, NIA2);
            final KeyChangeCommand older = new KeyChangeCommand().received(
                KeyChangeIndication.received(true, KeyDerivationParameter.timestamp(999_999)), AMF_B, NGKSI, false, 0, 0, 0);
            final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class, () -> ue.keyChangeCommand(older));
            assertTrue(refused.getMessage().contains("999999"), refused.getMessage());
            assertUeHas(ue, expected, NEA2, NIA2);
        }
    }

    @Test
    void explicitKciWithoutKdpUsesTheStaticDataTheUeIsConfiguredWith()
    {
        final byte[] data = "plmn-001-01-amf-region-1".getBytes();
        final KeyDerivationParameter kdp = KeyDerivationParameter.staticData(data);
        final byte[] expected = SpecKdp.kamfPrime(kamf, guami(AMF_B), SpecKdp.STATIC_DATA, data);
        final KeyChangeCommand command = transferAndAccept(kdp, EXPLICIT_WITHOUT_KDP, null);
        assertTrue(command.kci().keyChangeFlag());
        assertNull(command.kci().kdp(), "static data is not sent");

        try (UeMirror unconfigured = ue(ALL))
        {
            assertThrows(ProcedureNotAllowedException.class, () -> unconfigured.keyChangeCommand(command));
            assertUeHas(unconfigured, kamf, NEA2, NIA2);
        }
        try (UeMirror ue = ue(ALL))
        {
            ue.keyChange().staticKdp(kdp);
            assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command));
            assertUeHas(ue, expected, NEA2, NIA2);
        }
        try (UeMirror ue = ue(ALL))
        {
            ue.keyChange().staticKdp(KeyDerivationParameter.staticData("another".getBytes()));
            final KeyChangeCommand sent = new KeyChangeCommand().received(
                KeyChangeIndication.received(true, kdp), AMF_B, NGKSI, false, 0, 0, 0);
            assertThrows(ProcedureNotAllowedException.class, () -> ue.keyChangeCommand(sent), "sent static data differs from the UE's");
            assertUeHas(ue, kamf, NEA2, NIA2);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Candidate AMFs
    // ---------------------------------------------------------------------------------------------

    @Test
    void keysForThreeCandidateAmfsDifferAndOnlyTheChosenOneIsEverUsed()
    {
        final byte[] nonce = {1, 2, 3, 4, 5, 6, 7, 8};
        final KeyDerivationParameter kdp = KeyDerivationParameter.nonce(nonce);
        final byte[] keyA = SpecKdp.kamfPrime(kamf, guami(AMF_A), SpecKdp.NONCE, nonce);
        final byte[] keyB = SpecKdp.kamfPrime(kamf, guami(AMF_B), SpecKdp.NONCE, nonce);
        final byte[] keyC = SpecKdp.kamfPrime(kamf, guami(AMF_C), SpecKdp.NONCE, nonce);
        assertFalse(Arrays.equals(keyA, keyB) || Arrays.equals(keyB, keyC) || Arrays.equals(keyA, keyC));

        final CandidateKeySet candidates = new CandidateKeySet();
        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        final KeyChangeCommand command = new KeyChangeCommand();
        try (KeyChangeProcedures sourceSide = procedures(source, ALL); KeyChangeProcedures a = procedures(targetA, ALL);
             KeyChangeProcedures b = procedures(targetB, ALL); UeMirror ue = ue(ALL))
        {
            assertTrue(sourceSide.prepareCandidates(UE, new Guami[] {AMF_A, AMF_B, AMF_C}, 3, kdp, EXPLICIT, candidates));
            assertTrue(candidates.isPrepared());
            assertEquals(3, candidates.count());
            assertTrue(candidates.containsKey(keyA) && candidates.containsKey(keyB) && candidates.containsKey(keyC),
                "each candidate's key is the independent formula's");

            candidates.choose(AMF_B, transfer);
            assertArrayEquals(keyB, transfer.kamfPrime(), "the chosen AMF receives its own key");
            assertEquals(AMF_B, transfer.targetAmf());
            assertTrue(candidates.isZeroed(), "every key of the set is zeroed at the choice");
            assertFalse(candidates.containsKey(keyA) || candidates.containsKey(keyB) || candidates.containsKey(keyC));
            assertEquals(AMF_B, candidates.chosen());
            assertThrows(ProcedureNotAllowedException.class, () -> candidates.choose(AMF_A, new KeyChangeTransfer()),
                "a second choice finds no keys");

            assertThrows(ProcedureNotAllowedException.class, () -> a.acceptKeyChange(UE, AMF_A, transfer, null, command),
                "a key bound to B is refused at A");
            assertFalse(targetA.contains(UE));
            assertTrue(transfer.isFilled(), "a refused transfer stays for the right AMF");

            b.acceptKeyChange(UE, AMF_B, transfer, null, command);
            assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command));
            assertUeHas(ue, keyB, NEA2, NIA2);

            assertTrue(targetB.slotsContain(keyB));
            for (final ContextTable table : new ContextTable[] {source, targetA, targetB, targetC})
            {
                assertFalse(table.slotsContain(keyA), "A's key is used nowhere");
                assertFalse(table.slotsContain(keyC), "C's key is used nowhere");
            }
            assertFalse(targetC.contains(UE));
            assertFalse(Arrays.equals(keyA, transfer.kamfPrime()) || Arrays.equals(keyC, transfer.kamfPrime()));
        }
    }

    @Test
    void candidatesCanBeDiscardedAndBadCandidateListsAreRefused()
    {
        final KeyDerivationParameter kdp = KeyDerivationParameter.version(1);
        final CandidateKeySet candidates = new CandidateKeySet();
        try (KeyChangeProcedures sourceSide = procedures(source, ALL))
        {
            assertBad("candidate-count", "1..8",
                () -> sourceSide.prepareCandidates(UE, new Guami[9], 9, kdp, EXPLICIT, candidates));
            assertBad("target-amfs[2]", "distinct AMFs, so that each gets its own key",
                () -> sourceSide.prepareCandidates(UE, new Guami[] {AMF_A, AMF_B, AMF_A}, 3, kdp, EXPLICIT, candidates));
            assertBad("candidate-count", "1..2",
                () -> sourceSide.prepareCandidates(UE, new Guami[] {AMF_A, AMF_B}, 3, kdp, EXPLICIT, candidates));
            assertFalse(candidates.isPrepared());

            assertTrue(sourceSide.prepareCandidates(UE, new Guami[] {AMF_A, AMF_B}, 2, kdp, IMPLICIT, candidates));
            assertBad("target-amf", "one of the 2 candidates [" + AMF_A + ", " + AMF_B + "]",
                () -> candidates.choose(AMF_C, new KeyChangeTransfer()));
            assertTrue(candidates.isPrepared(), "a refused choice changes nothing");
            assertFalse(candidates.isZeroed());
            candidates.discard();
            assertTrue(candidates.isZeroed());
            assertFalse(sourceSide.prepareCandidates(UE + 1, new Guami[] {AMF_A}, 1, kdp, EXPLICIT, candidates),
                "an unknown UE");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // NAS algorithms without a NAS SMC
    // ---------------------------------------------------------------------------------------------

    @Test
    void targetSelectsNewAlgorithmsAndTheUeTakesThemWithTheKey()
    {
        final KeyDerivationParameter kdp = KeyDerivationParameter.version(9);
        final byte[] expected = SpecKdp.kamfPrime(kamf, guami(AMF_B), SpecKdp.VERSION, SpecKdp.bigEndian(9, 4));
        final NasAlgorithmPriorities priorities = NasAlgorithmPriorities.of(new int[] {3, 1, 2}, new int[] {3, 1, 2});
        final KeyChangeCommand command = transferAndAccept(kdp, EXPLICIT, priorities);
        assertTrue(command.algorithmsIncluded());
        assertEquals(1, command.nas().ciphering(), "5G-EA3 is not supported; 5G-EA1 comes next");
        assertEquals(1, command.nas().integrity());

        final SecurityContext stored = new SecurityContext();
        assertTrue(targetB.read(UE, stored));
        assertEquals(1, stored.nasCipheringAlgorithm());
        assertEquals(1, stored.nasIntegrityAlgorithm());
        try (UeMirror ue = ue(ALL))
        {
            assertSame(KeyChangeOutcome.KEY_AND_ALGORITHMS_CHANGED, ue.keyChangeCommand(command));
            assertUeHas(ue, expected, 1, 1);
            assertArrayEquals(SpecKdp.nasKey(expected, SpecKdp.NAS_ENC, 1), command.nas().nasEncryptionKey());
            assertArrayEquals(SpecKdp.nasKey(expected, SpecKdp.NAS_INT, 1), command.nas().nasIntegrityKey());
        }
    }

    @Test
    void algorithmsChangeWithoutKeyChangeAndWithoutSmc()
    {
        final KeyChangeCommand command = new KeyChangeCommand();
        try (KeyChangeProcedures amf = procedures(source, KeyChangeOptions.of(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC));
             UeMirror ue = ue(KeyChangeOptions.of(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC)))
        {
            assertTrue(amf.changeAlgorithms(UE, NasAlgorithmPriorities.of(new int[] {1}, new int[] {1}), command));
            assertFalse(command.kci().signalsKeyChange());
            assertEquals(1, command.nas().downlinkNasCount(), "the next DL NAS COUNT after the SMC");
            assertSame(KeyChangeOutcome.ALGORITHMS_CHANGED, ue.keyChangeCommand(command));
            assertUeHas(ue, kamf, 1, 1);
            assertArrayEquals(SpecKdp.nasKey(kamf, SpecKdp.NAS_ENC, 1), command.nas().nasEncryptionKey());
            assertArrayEquals(kamf, kamfOf(source), "KAMF stays");
            assertThrows(ProcedureNotAllowedException.class, () -> ue.keyChangeCommand(command), "the same DL NAS COUNT again");
        }
    }

    @Test
    void noCommonAlgorithmIsRefusedAndChangesNothing()
    {
        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        final KeyChangeCommand command = new KeyChangeCommand();
        try (KeyChangeProcedures amfA = procedures(source, ALL); KeyChangeProcedures amfB = procedures(targetB, ALL))
        {
            assertTrue(amfA.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(1), EXPLICIT, transfer));
            final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
                () -> amfB.acceptKeyChange(UE, AMF_B, transfer, NasAlgorithmPriorities.of(new int[] {3, 4}, new int[] {1}), command));
            assertTrue(refused.getMessage().contains("no NAS ciphering algorithm in common"), refused.getMessage());
            assertFalse(targetB.contains(UE));
            assertTrue(transfer.isFilled());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Options off, bad input, refusals
    // ---------------------------------------------------------------------------------------------

    @Test
    void everyVariantIsRefusedWhileItsOptionIsOff()
    {
        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        final KeyDerivationParameter kdp = KeyDerivationParameter.version(1);
        try (KeyChangeProcedures plain = procedures(source, KeyChangeOptions.THREE_GPP_ONLY);
             KeyChangeProcedures base = procedures(source, KeyChangeOptions.of(KeyChangeVariant.KDP_BOUND_KAMF));
             KeyChangeProcedures full = procedures(source, ALL);
             KeyChangeProcedures baseTarget = procedures(targetB, KeyChangeOptions.of(KeyChangeVariant.KDP_BOUND_KAMF)))
        {
            assertVariantOff(KeyChangeVariant.KDP_BOUND_KAMF, () -> plain.prepareKeyChange(UE, AMF_B, kdp, EXPLICIT, transfer));
            assertVariantOff(KeyChangeVariant.KDP_BOUND_KAMF,
                () -> plain.prepareCandidates(UE, new Guami[] {AMF_B}, 1, kdp, EXPLICIT, new CandidateKeySet()));
            assertVariantOff(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC,
                () -> plain.changeAlgorithms(UE, NasAlgorithmPriorities.of(new int[] {1}, new int[] {1}), new KeyChangeCommand()));
            assertVariantOff(KeyChangeVariant.CANDIDATE_AMFS,
                () -> base.prepareCandidates(UE, new Guami[] {AMF_B}, 1, kdp, EXPLICIT, new CandidateKeySet()));
            assertVariantOff(KeyChangeVariant.IMPLICIT_KCI, () -> base.prepareKeyChange(UE, AMF_B, kdp, IMPLICIT, transfer));
            assertFalse(transfer.isFilled());

            assertTrue(full.prepareKeyChange(UE, AMF_B, kdp, IMPLICIT, transfer));
            assertVariantOff(KeyChangeVariant.IMPLICIT_KCI,
                () -> baseTarget.acceptKeyChange(UE, AMF_B, transfer, null, new KeyChangeCommand()));
            transfer.clear();
            assertTrue(full.prepareKeyChange(UE, AMF_B, kdp, EXPLICIT, transfer));
            assertVariantOff(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC, () -> baseTarget.acceptKeyChange(UE, AMF_B, transfer,
                NasAlgorithmPriorities.of(new int[] {1}, new int[] {1}), new KeyChangeCommand()));
            assertFalse(targetB.contains(UE));
        }
        final KeyChangeCommand command = transferAndAccept(kdp, EXPLICIT, null);
        try (UeMirror plainUe = ue(KeyChangeOptions.THREE_GPP_ONLY))
        {
            assertVariantOff(KeyChangeVariant.KDP_BOUND_KAMF, () -> plainUe.keyChangeCommand(command));
            assertUeHas(plainUe, kamf, NEA2, NIA2);
        }
    }

    @Test
    void badInputNamesTheParameterAndChangesNothing()
    {
        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        final byte[] before = slot(source);
        try (KeyChangeProcedures amf = procedures(source, ALL))
        {
            assertBad("target-amf", "a GUAMI", () -> amf.prepareKeyChange(UE, null, KeyDerivationParameter.version(1), EXPLICIT, transfer));
            assertBad("kdp", "a key derivation parameter", () -> amf.prepareKeyChange(UE, AMF_B, null, EXPLICIT, transfer));
            assertBad("kci-form", "explicit, explicit-without-kdp or implicit",
                () -> amf.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(1), KeyChangeIndication.Form.NONE, transfer));
            assertBad("kdp", "static-data with explicit-without-kdp; any kind with explicit or implicit",
                () -> amf.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(1), EXPLICIT_WITHOUT_KDP, transfer));
            assertBad("transfer", "a KeyChangeTransfer",
                () -> amf.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(1), EXPLICIT, null));
            assertBad("priorities", "NAS algorithm priority lists", () -> amf.changeAlgorithms(UE, null, new KeyChangeCommand()));
        }
        assertArrayEquals(before, slot(source), "the source context is untouched");
        assertFalse(transfer.isFilled());
        assertBad("dl-count", "0..16777215",
            () -> new KeyChangeCommand().received(KeyChangeIndication.none(), null, NGKSI, false, 0, 0, 1L << 24));
        assertBad("nas-enc", "0..15", () -> new KeyChangeCommand().received(KeyChangeIndication.none(), null, NGKSI, true, 16, 1, 0));
    }

    @Test
    void sourceRefusesWhileANasSmcIsInFlightAndZeroesItsCarrier()
    {
        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        try (KeyChangeProcedures amf = procedures(source, ALL))
        {
            assertTrue(amf.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(1), EXPLICIT, transfer));
            assertTrue(sourceAmf.nasSecurityModeCommand(UE, 1, 1, new NasSecurityModeCommand()));
            final byte[] before = slot(source);
            assertThrows(ProcedureNotAllowedException.class,
                () -> amf.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(2), EXPLICIT, transfer));
            assertFalse(transfer.isFilled());
            assertTrue(Arrays.equals(new byte[32], transfer.kamfPrime()), "no key left in a refused carrier");
            assertArrayEquals(before, slot(source));
            assertFalse(amf.prepareKeyChange(UE + 1, AMF_B, KeyDerivationParameter.version(2), EXPLICIT, transfer));
        }
    }

    @Test
    void ueRefusesInconsistentCommandsAndKeepsItsContext()
    {
        final KeyDerivationParameter kdp = KeyDerivationParameter.nonce(new byte[] {1, 1, 1, 1});
        try (UeMirror ue = ue(ALL))
        {
            refuse(ue, new KeyChangeCommand().received(KeyChangeIndication.none(), AMF_B, NGKSI, false, 0, 0, 5),
                "neither a key change nor NAS algorithms");
            refuse(ue, new KeyChangeCommand().received(KeyChangeIndication.received(true, kdp), AMF_B, 3, false, 0, 0, 0),
                "the command names ngKSI");
            refuse(ue, new KeyChangeCommand().received(KeyChangeIndication.received(true, kdp), null, NGKSI, false, 0, 0, 0),
                "without the GUAMI");
            refuse(ue, new KeyChangeCommand().received(KeyChangeIndication.received(true, kdp), AMF_B, NGKSI, true, 3, 1, 0),
                "5G-EA3 is not among");
            refuse(ue, new KeyChangeCommand().received(KeyChangeIndication.received(true, kdp), AMF_B, NGKSI, true, 1, 0, 0),
                "5G-IA0");
            refuse(ue, new KeyChangeCommand().received(KeyChangeIndication.none(), null, NGKSI, true, 1, 1, 0),
                "is a replay");
            assertBad("static-kdp", "static-data, or none", () -> ue.keyChange().staticKdp(kdp));
        }
        try (UeMirror noContext = new UeMirror(new Kdf(), ALL, CAPABILITIES))
        {
            assertThrows(ProcedureNotAllowedException.class, () -> noContext.keyChangeCommand(
                new KeyChangeCommand().received(KeyChangeIndication.received(true, kdp), AMF_B, NGKSI, false, 0, 0, 0)));
        }
    }

    @Test
    void noKeyBytesInAnyDescription()
    {
        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        final CandidateKeySet candidates = new CandidateKeySet();
        final KeyDerivationParameter kdp = KeyDerivationParameter.nonce(new byte[] {0x5A, 0x5A, 0x5A, 0x5A, 0x5A});
        try (KeyChangeProcedures amf = procedures(source, ALL); UeMirror ue = ue(ALL))
        {
            assertTrue(amf.prepareKeyChange(UE, AMF_B, kdp, EXPLICIT, transfer));
            assertTrue(amf.prepareCandidates(UE, new Guami[] {AMF_A, AMF_B}, 2, kdp, EXPLICIT, candidates));
            final String text = (transfer + " " + candidates + " " + kdp + " " + amf + " " + ue + " " + transfer.kci()).toLowerCase();
            for (final byte[] secret : new byte[][] {kamf, transfer.kamfPrime(), kdp.value()})
            {
                final String hex = HexFormat.of().formatHex(secret, 0, 4);
                assertFalse(text.contains(hex), text);
            }
            assertTrue(text.contains("length=5"));
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Source A prepares for target B, which accepts; returns B's command for the UE.
     */
    private KeyChangeCommand transferAndAccept(
        final KeyDerivationParameter kdp, final KeyChangeIndication.Form form, final NasAlgorithmPriorities priorities)
    {
        final KeyChangeTransfer transfer = new KeyChangeTransfer();
        final KeyChangeCommand command = new KeyChangeCommand();
        try (KeyChangeProcedures amfA = procedures(source, ALL); KeyChangeProcedures amfB = procedures(targetB, ALL))
        {
            assertTrue(amfA.prepareKeyChange(UE, AMF_B, kdp, form, transfer));
            amfB.acceptKeyChange(UE, AMF_B, transfer, priorities, command);
        }
        return command;
    }

    private static KeyChangeProcedures procedures(final ContextTable table, final KeyChangeOptions options)
    {
        return new KeyChangeProcedures(table, new Kdf(), options);
    }

    /**
     * The UE's mirror after the source AMF's NAS SMC of {@link #start}: KAMF, ngKSI, algorithms and NAS
     * COUNTs as the source holds them.
     */
    private UeMirror ue(final KeyChangeOptions options)
    {
        final UeMirror ue = new UeMirror(new Kdf(), options, CAPABILITIES);
        ue.authenticate(kamf, NGKSI);
        assertEquals(0, ue.securityModeCommand(smc), "the Security Mode Complete the source accepted");
        return ue;
    }

    private static void assertUeHas(final UeMirror ue, final byte[] expectedKamf, final int ciphering, final int integrity)
    {
        assertArrayEquals(expectedKamf, ue.rootKey());
        assertEquals(NGKSI, ue.ngKsi(), "KAMF' keeps the ngKSI");
        assertEquals(ciphering, ue.nasCipheringAlgorithm());
        assertEquals(integrity, ue.nasIntegrityAlgorithm());
        final byte[] enc = new byte[16];
        final byte[] inte = new byte[16];
        ue.nasKeys(enc, inte);
        assertArrayEquals(SpecKdp.nasKey(expectedKamf, SpecKdp.NAS_ENC, ciphering), enc);
        assertArrayEquals(SpecKdp.nasKey(expectedKamf, SpecKdp.NAS_INT, integrity), inte);
    }

    private void refuse(final UeMirror ue, final KeyChangeCommand command, final String why)
    {
        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class, () -> ue.keyChangeCommand(command));
        assertTrue(refused.getMessage().contains(why), refused.getMessage());
        assertUeHas(ue, kamf, NEA2, NIA2);
        assertEquals(1, ue.nextDownlinkCount());
    }

    private static void assertVariantOff(final KeyChangeVariant variant, final Runnable call)
    {
        final VariantNotEnabledException refused = assertThrows(VariantNotEnabledException.class, call::run);
        assertSame(variant, refused.variant());
    }

    private static byte[] kamfOf(final ContextTable table)
    {
        return KeyChangeFixture.kamfOf(table, UE);
    }

    private static byte[] slot(final ContextTable table)
    {
        final SecurityContext context = new SecurityContext();
        assertTrue(table.read(UE, context));
        final byte[] octets = new byte[org.amfkeys.context.SecurityContextDescriptor.LENGTH];
        context.buffer().getBytes(context.offset(), octets);
        return octets;
    }
}

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's UE model, {@link UeMirror}, follows every key change variant: after it applied the
 * target AMF's {@link KeyChangeCommand} it holds the same KAMF', ngKSI, NAS algorithms, NAS keys and NAS
 * COUNTs as the context the target stored in its table, and the two exchange NAS messages from there.
 * Keys are also checked against {@link SpecKdp}, computed without the code under test.
 */
class UeMirrorKeyChangeTest
{
    private static final long UE = 7;
    private static final int NGKSI = 4;
    private static final int NEA2 = 2;
    private static final int NIA2 = 2;
    private static final byte[] STATIC_DATA = "operator-static-kdp".getBytes(StandardCharsets.US_ASCII);

    private final byte[] kamf = new byte[32];
    private final NasSecurityModeCommand smc = new NasSecurityModeCommand();
    private final KeyChangeTransfer transfer = new KeyChangeTransfer();
    private final KeyChangeCommand command = new KeyChangeCommand();
    private final ContextTable[] tables = new ContextTable[4];
    private AmfProcedures sourceAmf;
    private UeMirror ue;

    @BeforeEach
    void start()
    {
        new Random(24501).nextBytes(kamf);
        for (int i = 0; i < tables.length; i++)
        {
            tables[i] = new ContextTable(8);
        }
        sourceAmf = new AmfProcedures(source(), new Kdf());
        sourceAmf.authenticated(UE, kamf, NGKSI, CAPABILITIES);
        assertTrue(sourceAmf.nasSecurityModeCommand(UE, NEA2, NIA2, smc));
        ue = new UeMirror(new Kdf(), ALL, CAPABILITIES);
        ue.keyChange().staticKdp(KeyDerivationParameter.staticData(STATIC_DATA));
        ue.authenticate(kamf, NGKSI);
        final long complete = ue.securityModeCommand(smc);
        assertTrue(sourceAmf.nasSecurityModeComplete(UE, complete));
        sameAs(ue, source());
    }

    @AfterEach
    void stop()
    {
        ue.close();
        sourceAmf.close();
        for (final ContextTable table : tables)
        {
            table.close();
        }
    }

    static Stream<Arguments> variants()
    {
        return Stream.of(
            Arguments.of("explicit KCI, nonce", KeyDerivationParameter.nonce(new byte[] {9, 8, 7, 6, 5, 4, 3, 2}), EXPLICIT,
                SpecKdp.NONCE, new byte[] {9, 8, 7, 6, 5, 4, 3, 2}, false),
            Arguments.of("implicit KCI, version", KeyDerivationParameter.version(3), IMPLICIT,
                SpecKdp.VERSION, SpecKdp.bigEndian(3, 4), false),
            Arguments.of("explicit KCI, timestamp", KeyDerivationParameter.timestamp(1_700_000_000L), EXPLICIT,
                SpecKdp.TIMESTAMP, SpecKdp.bigEndian(1_700_000_000L, 8), false),
            Arguments.of("explicit KCI without KDP, static data", KeyDerivationParameter.staticData(STATIC_DATA),
                EXPLICIT_WITHOUT_KDP, SpecKdp.STATIC_DATA, STATIC_DATA, false),
            Arguments.of("explicit KCI, nonce, new NAS algorithms", KeyDerivationParameter.nonce(new byte[] {1, 2, 3, 4}),
                EXPLICIT, SpecKdp.NONCE, new byte[] {1, 2, 3, 4}, true),
            Arguments.of("implicit KCI, version, new NAS algorithms", KeyDerivationParameter.version(8), IMPLICIT,
                SpecKdp.VERSION, SpecKdp.bigEndian(8, 4), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void ueMirrorHoldsTheTargetAmfsStoredContextAfterEachVariant(
        final String name, final KeyDerivationParameter kdp, final KeyChangeIndication.Form form, final int kind,
        final byte[] value, final boolean newAlgorithms)
    {
        final byte[] expected = SpecKdp.kamfPrime(kamf, guami(AMF_B), kind, value);
        final NasAlgorithmPriorities priorities = newAlgorithms ?
            NasAlgorithmPriorities.of(new int[] {3, 1}, new int[] {3, 1}) : null;
        try (KeyChangeProcedures sourceSide = procedures(source()); KeyChangeProcedures target = procedures(targetB()))
        {
            assertTrue(sourceSide.prepareKeyChange(UE, AMF_B, kdp, form, transfer));
            target.acceptKeyChange(UE, AMF_B, transfer, priorities, command);
        }
        final KeyChangeOutcome outcome = ue.keyChangeCommand(command);

        assertSame(newAlgorithms ? KeyChangeOutcome.KEY_AND_ALGORITHMS_CHANGED : KeyChangeOutcome.KEY_CHANGED, outcome);
        final SecurityContext stored = sameAs(ue, targetB());
        assertArrayEquals(expected, ue.rootKey(), "the independent formula's KAMF'");
        assertEquals(NGKSI, stored.ngKsi());
        assertEquals(newAlgorithms ? 1 : NEA2, stored.nasCipheringAlgorithm(), "5G-EA3 is not supported; 5G-EA1 next");
        assertEquals(newAlgorithms ? 1 : NIA2, stored.nasIntegrityAlgorithm());
        assertEquals(0, stored.uplinkNasCount(), "NAS COUNTs restart under KAMF'");
        assertEquals(command.nas().downlinkNasCount() + 1, stored.downlinkNasCount());
        assertArrayEquals(kamf, kamfOf(source()), "the source keeps its KAMF until the move completes");
        exchangeNasMessages(targetB());
    }

    @Test
    void ofThreeCandidateAmfsOnlyTheChosenOnesKeyIsUsedByUeAndTarget()
    {
        final byte[] nonce = {4, 4, 4, 4, 4, 4};
        final KeyDerivationParameter kdp = KeyDerivationParameter.nonce(nonce);
        final byte[] keyA = SpecKdp.kamfPrime(kamf, guami(AMF_A), SpecKdp.NONCE, nonce);
        final byte[] keyB = SpecKdp.kamfPrime(kamf, guami(AMF_B), SpecKdp.NONCE, nonce);
        final byte[] keyC = SpecKdp.kamfPrime(kamf, guami(AMF_C), SpecKdp.NONCE, nonce);
        final CandidateKeySet candidates = new CandidateKeySet();
        try (KeyChangeProcedures sourceSide = procedures(source()); KeyChangeProcedures target = procedures(targetB()))
        {
            assertTrue(sourceSide.prepareCandidates(UE, new Guami[] {AMF_A, AMF_B, AMF_C}, 3, kdp, IMPLICIT, candidates));
            assertTrue(candidates.containsKey(keyA) && candidates.containsKey(keyB) && candidates.containsKey(keyC));
            candidates.choose(AMF_B, transfer);
            target.acceptKeyChange(UE, AMF_B, transfer, null, command);
        }
        assertTrue(candidates.isZeroed());

        assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command));
        sameAs(ue, targetB());
        assertArrayEquals(keyB, ue.rootKey());
        for (final byte[] notChosen : new byte[][] {keyA, keyC})
        {
            assertFalse(Arrays.equals(notChosen, ue.rootKey()), "the UE never derives a key not chosen");
            for (final ContextTable table : tables)
            {
                assertFalse(table.slotsContain(notChosen), "no AMF holds a key not chosen");
            }
        }
        assertFalse(targetA().contains(UE) || targetC().contains(UE));
        exchangeNasMessages(targetB());
    }

    @Test
    void ueMirrorTakesNewAlgorithmsWithoutSmcAsTheServingAmfStoresThem()
    {
        try (KeyChangeProcedures amf = procedures(source()))
        {
            assertTrue(amf.changeAlgorithms(UE, NasAlgorithmPriorities.of(new int[] {1}, new int[] {1}), command));
        }
        assertSame(KeyChangeOutcome.ALGORITHMS_CHANGED, ue.keyChangeCommand(command));
        final SecurityContext stored = sameAs(ue, source());
        assertArrayEquals(kamf, ue.rootKey(), "KAMF stays");
        assertEquals(1, stored.nasCipheringAlgorithm());
        assertEquals(1, stored.nasIntegrityAlgorithm());
        assertThrows(ProcedureNotAllowedException.class, () -> ue.keyChangeCommand(command), "the same DL NAS COUNT again");
        sameAs(ue, source());
        exchangeNasMessages(source());
    }

    @Test
    void aKeyChangeInAMobilityRegistrationThatFailsGivesTheOldContextBack()
    {
        final long registrationRequest = ue.nextUplinkCount();
        ue.startMobilityRegistration(registrationRequest);
        assertTrue(source().acceptUplinkNasCount(UE, registrationRequest) > 0);
        try (KeyChangeProcedures sourceSide = procedures(source()); KeyChangeProcedures target = procedures(targetB()))
        {
            assertTrue(sourceSide.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(1), EXPLICIT, transfer));
            target.acceptKeyChange(UE, AMF_B, transfer, null, command);
        }
        ue.keyChangeCommand(command);
        sameAs(ue, targetB());
        assertTrue(ue.keepsOldContext());

        ue.registrationFailed();
        assertArrayEquals(kamf, ue.rootKey());
        sameAs(ue, source());
        exchangeNasMessages(source());
    }

    @Test
    void whatTheUeDoesNotRunOrThatDoesNotVerifyIsRefusedAndChangesNothing()
    {
        try (KeyChangeProcedures sourceSide = procedures(source()); KeyChangeProcedures target = procedures(targetB()))
        {
            assertTrue(sourceSide.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(2), IMPLICIT, transfer));
            target.acceptKeyChange(UE, AMF_B, transfer, null, command);
        }
        final State before = new State(ue);

        assertVariantOff(new UeMirror(new Kdf()), KeyChangeVariant.KDP_BOUND_KAMF);
        assertVariantOff(new UeMirror(new Kdf(), KeyChangeOptions.of(KeyChangeVariant.KDP_BOUND_KAMF), CAPABILITIES),
            KeyChangeVariant.IMPLICIT_KCI);

        refuse(new KeyChangeCommand().received(command.kci(), AMF_B, NGKSI - 1, false, 0, 0, 0), "the command names ngKSI");
        refuse(new KeyChangeCommand().received(command.kci(), AMF_B, NGKSI, true, 3, 1, 0), "5G-EA3 is not among");
        refuse(new KeyChangeCommand().received(command.kci(), null, NGKSI, false, 0, 0, 0), "without the GUAMI");
        before.assertSame(ue);
        sameAs(ue, source());

        assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command));
        sameAs(ue, targetB());
        final State after = new State(ue);
        refuse(command, "KDP version 2 is not above the last one used");
        after.assertSame(ue);
        sameAs(ue, targetB());
    }

    @Test
    void aCommandThatDoesNotVerifyUnderTheUesNewKeyIsRefusedAndChangesNothing()
    {
        try (KeyChangeProcedures sourceSide = procedures(source()); KeyChangeProcedures target = procedures(targetB()))
        {
            assertTrue(sourceSide.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.staticData(STATIC_DATA),
                EXPLICIT_WITHOUT_KDP, transfer));
            target.acceptKeyChange(UE, AMF_B, transfer, null, command);
        }
        try (UeMirror otherlyConfigured = new UeMirror(new Kdf(), ALL, CAPABILITIES))
        {
            otherlyConfigured.keyChange().staticKdp(KeyDerivationParameter.staticData("another".getBytes(StandardCharsets.US_ASCII)));
            otherlyConfigured.authenticate(kamf, NGKSI);
            otherlyConfigured.securityModeCommand(smc);
            final State before = new State(otherlyConfigured);
            final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
                () -> otherlyConfigured.keyChangeCommand(command));
            assertTrue(refused.getMessage().contains("does not verify"), refused.getMessage());
            before.assertSame(otherlyConfigured);
        }
        assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command), "the UE configured as the network is");
        sameAs(ue, targetB());
    }

    @Test
    void aConnectedUeRefusesAKeyChangeAndChangesNothing()
    {
        try (KeyChangeProcedures sourceSide = procedures(source()); KeyChangeProcedures target = procedures(targetB()))
        {
            assertTrue(sourceSide.prepareKeyChange(UE, AMF_B, KeyDerivationParameter.version(4), EXPLICIT, transfer));
            target.acceptKeyChange(UE, AMF_B, transfer, null, command);
        }
        ue.initialContextSetup(ue.nextUplinkCount());
        final State before = new State(ue);
        final ProcedureNotAllowedException refused = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.keyChangeCommand(command));
        assertTrue(refused.getMessage().contains("CONNECTED"), refused.getMessage());
        before.assertSame(ue);
        assertTrue(ue.asActive());

        ue.release();
        assertSame(KeyChangeOutcome.KEY_CHANGED, ue.keyChangeCommand(command), "the same command once idle");
        sameAs(ue, targetB());
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Asserts that the UE's context is the one {@code table} stores for it: KAMF, ngKSI, algorithms, NAS
     * keys (from the AMF's own derivation and from the independent formula) and both NAS COUNTs.
     *
     * @return the stored context.
     */
    private static SecurityContext sameAs(final UeMirror mirror, final ContextTable table)
    {
        final SecurityContext stored = new SecurityContext();
        assertTrue(table.read(UE, stored));
        final byte[] storedKamf = new byte[32];
        stored.copyKamf(storedKamf, 0);
        assertArrayEquals(storedKamf, mirror.rootKey(), "KAMF");
        assertEquals(stored.ngKsi(), mirror.ngKsi(), "ngKSI");
        assertEquals(stored.nasCipheringAlgorithm(), mirror.nasCipheringAlgorithm(), "NAS ciphering algorithm");
        assertEquals(stored.nasIntegrityAlgorithm(), mirror.nasIntegrityAlgorithm(), "NAS integrity algorithm");
        assertEquals(stored.uplinkNasCount(), mirror.nextUplinkCount(), "UL NAS COUNT");
        assertEquals(stored.downlinkNasCount(), mirror.nextDownlinkCount(), "DL NAS COUNT");

        final byte[] ueEncryption = new byte[16];
        final byte[] ueIntegrity = new byte[16];
        mirror.nasKeys(ueEncryption, ueIntegrity);
        final byte[] amfEncryption = new byte[16];
        final byte[] amfIntegrity = new byte[16];
        try (AmfProcedures amf = new AmfProcedures(table, new Kdf()))
        {
            amf.nasKeys(stored, amfEncryption, amfIntegrity);
        }
        assertArrayEquals(amfEncryption, ueEncryption, "KNASenc");
        assertArrayEquals(amfIntegrity, ueIntegrity, "KNASint");
        assertArrayEquals(SpecKdp.nasKey(storedKamf, SpecKdp.NAS_ENC, stored.nasCipheringAlgorithm()), ueEncryption);
        assertArrayEquals(SpecKdp.nasKey(storedKamf, SpecKdp.NAS_INT, stored.nasIntegrityAlgorithm()), ueIntegrity);
        return stored;
    }

    /**
     * The AMF of {@code table} sends a downlink NAS message and the UE an uplink one: each side takes
     * the other's COUNT as new, and they stay in step.
     */
    private void exchangeNasMessages(final ContextTable table)
    {
        try (AmfProcedures amf = new AmfProcedures(table, new Kdf()))
        {
            final long downlink = amf.downlinkNasMessage(UE);
            ue.receiveDownlink(downlink);
            final long uplink = ue.nextUplinkCount();
            ue.sendUplink(uplink);
            assertEquals(uplink + 1, table.acceptUplinkNasCount(UE, uplink));
        }
        sameAs(ue, table);
    }

    /**
     * A UE with the source's context that does not run {@code variant} refuses {@link #command} and
     * keeps its context.
     */
    private void assertVariantOff(final UeMirror other, final KeyChangeVariant variant)
    {
        try (other)
        {
            other.authenticate(kamf, NGKSI);
            other.securityModeCommand(smc);
            final State before = new State(other);
            final VariantNotEnabledException off = assertThrows(VariantNotEnabledException.class,
                () -> other.keyChangeCommand(command));
            assertSame(variant, off.variant());
            before.assertSame(other);
        }
    }

    private void refuse(final KeyChangeCommand refused, final String why)
    {
        final ProcedureNotAllowedException thrown = assertThrows(ProcedureNotAllowedException.class,
            () -> ue.keyChangeCommand(refused));
        assertTrue(thrown.getMessage().contains(why), thrown.getMessage());
    }

    private KeyChangeProcedures procedures(final ContextTable table)
    {
        return new KeyChangeProcedures(table, new Kdf(), ALL);
    }

    private ContextTable source()
    {
        return tables[0];
    }

    private ContextTable targetA()
    {
        return tables[1];
    }

    private ContextTable targetB()
    {
        return tables[2];
    }

    private ContextTable targetC()
    {
        return tables[3];
    }

    private static byte[] kamfOf(final ContextTable table)
    {
        return KeyChangeFixture.kamfOf(table, UE);
    }

    /** What a refused command must leave as it was. */
    private static final class State
    {
        private final byte[] rootKey;
        private final int ngKsi;
        private final int ciphering;
        private final int integrity;
        private final long uplinkNext;
        private final long downlinkNext;

        State(final UeMirror mirror)
        {
            rootKey = mirror.rootKey().clone();
            ngKsi = mirror.ngKsi();
            ciphering = mirror.nasCipheringAlgorithm();
            integrity = mirror.nasIntegrityAlgorithm();
            uplinkNext = mirror.nextUplinkCount();
            downlinkNext = mirror.nextDownlinkCount();
        }

        void assertSame(final UeMirror mirror)
        {
            assertArrayEquals(rootKey, mirror.rootKey());
            assertEquals(ngKsi, mirror.ngKsi());
            assertEquals(ciphering, mirror.nasCipheringAlgorithm());
            assertEquals(integrity, mirror.nasIntegrityAlgorithm());
            assertEquals(uplinkNext, mirror.nextUplinkCount());
            assertEquals(downlinkNext, mirror.nextDownlinkCount());
        }
    }
}

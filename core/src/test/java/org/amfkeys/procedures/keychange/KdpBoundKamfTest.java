package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.DerivationCatalog;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Fc;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.PlmnId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The KDP-bound input string: its octets are the documented ones, it can never equal a 3GPP input
 * string, and the keys are the independent formula's; the KDP, GUAMI and options validate their input.
 */
class KdpBoundKamfTest
{
    private static final PlmnId PLMN = PlmnId.of("001", "01");
    private static final Guami AMF = new Guami(PLMN, 0x12, 0x345, 0x2A);

    private final Kdf kdf = new Kdf();
    private final KdpBoundKamf derivation = new KdpBoundKamf();
    private final byte[] kamf = new byte[32];

    KdpBoundKamfTest()
    {
        new Random(220).nextBytes(kamf);
    }

    @AfterEach
    void close()
    {
        kdf.close();
    }

    @Test
    void inputStringIsTheDocumentedOctets()
    {
        final byte[] nonce = {1, 2, 3, 4, 5, 6, 7, 8};
        final byte[] s = derivation.encode(AMF, KeyDerivationParameter.nonce(nonce)).toByteArray();
        final byte[] guami = SpecKdp.guami(SpecKdp.PLMN_001_01, 0x12, 0x345, 0x2A);
        assertArrayEquals(SpecKdp.input(guami, SpecKdp.NONCE, nonce), s);
        assertEquals(2 + 19 + 2 + 6 + 2 + 1 + 2 + 8 + 2, s.length);
    }

    @Test
    void firstOctetIsNoFcOfAnyDerivationOfTheCatalogOrOfFc() throws IllegalAccessException
    {
        final byte[] s = derivation.encode(AMF, KeyDerivationParameter.version(7)).toByteArray();
        assertEquals(0xFF, s[0] & 0xFF, "S starts in the two-octet FC space");
        assertEquals(KdpBoundKamf.FC2, s[1] & 0xFF);

        final Set<Integer> catalogFcs = new HashSet<>();
        final Pattern hex = Pattern.compile("0x([0-9A-Fa-f]{2})");
        for (final Derivation derivation : DerivationCatalog.all())
        {
            final Matcher matcher = hex.matcher(derivation.fc());
            while (matcher.find())
            {
                catalogFcs.add(Integer.parseInt(matcher.group(1), 16));
            }
        }
        assertTrue(catalogFcs.size() >= 30, "the catalog lists the 3GPP derivations: " + catalogFcs.size());
        for (final int fc : catalogFcs)
        {
            assertNotEquals(s[0] & 0xFF, fc, "catalog FC 0x" + Integer.toHexString(fc));
        }

        final List<Integer> fcConstants = new ArrayList<>();
        for (final Field field : Fc.class.getFields())
        {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class && !field.getName().equals("EXTENSION_PREFIX"))
            {
                fcConstants.add(field.getInt(null));
            }
        }
        assertTrue(fcConstants.containsAll(catalogFcs), "every catalog FC is an Fc constant");
        for (final int fc : fcConstants)
        {
            assertTrue(fc >= 0 && fc < Fc.EXTENSION_PREFIX, "3GPP FCs are single octets below 0xFF: " + fc);
        }
    }

    @Test
    void keysAreTheIndependentFormulasForEveryKindAndDifferFromTheThreeGppHorizontalKamf()
    {
        final KeySchedule schedule = kdf.newSchedule(kamf);
        final byte[] guami = SpecKdp.guami(SpecKdp.PLMN_001_01, 0x12, 0x345, 0x2A);
        final byte[] staticData = "operator-config-7".getBytes();
        final KeyDerivationParameter[] kdps = {
            KeyDerivationParameter.nonce(new byte[] {9, 9, 9, 9}),
            KeyDerivationParameter.timestamp(1_750_000_000_000L),
            KeyDerivationParameter.version(1),
            KeyDerivationParameter.staticData(staticData)};
        final byte[][] values = {{9, 9, 9, 9}, SpecKdp.bigEndian(1_750_000_000_000L, 8), SpecKdp.bigEndian(1, 4), staticData};
        final int[] kinds = {SpecKdp.NONCE, SpecKdp.TIMESTAMP, SpecKdp.VERSION, SpecKdp.STATIC_DATA};
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < kdps.length; i++)
        {
            final byte[] out = new byte[40];
            derivation.derive(kdf, schedule, AMF, kdps[i], out, 8);
            final byte[] expected = SpecKdp.kamfPrime(kamf, guami, kinds[i], values[i]);
            assertArrayEquals(expected, Arrays.copyOfRange(out, 8, 40), kdps[i].kind().token());
            assertTrue(seen.add(HexFormat.of().formatHex(expected)));
            for (final long count : new long[] {0, 1, 0xFFFF_FFFFL})
            {
                assertFalse(Arrays.equals(expected, SpecKdp.horizontalKamf(kamf, 0, count)));
                assertFalse(Arrays.equals(expected, SpecKdp.horizontalKamf(kamf, 1, count)));
            }
        }
    }

    @Test
    void kindAndTargetAmfSeparateKeys()
    {
        final KeySchedule schedule = kdf.newSchedule(kamf);
        final byte[] version = new byte[32];
        final byte[] nonce = new byte[32];
        final byte[] otherAmf = new byte[32];
        derivation.derive(kdf, schedule, AMF, KeyDerivationParameter.version(1), version, 0);
        derivation.derive(kdf, schedule, AMF, KeyDerivationParameter.nonce(new byte[] {0, 0, 0, 1}), nonce, 0);
        derivation.derive(kdf, schedule, new Guami(PLMN, 0x12, 0x345, 0x2B), KeyDerivationParameter.version(1), otherAmf, 0);
        assertFalse(Arrays.equals(version, nonce), "the kind octet keeps equal value octets apart");
        assertFalse(Arrays.equals(version, otherAmf), "the GUAMI keeps AMFs apart");
    }

    @Test
    void keyDerivationParametersValidateTheirLengthsAndShowNoValue()
    {
        assertBad("kdp", "nonce of 4..32 octets", () -> KeyDerivationParameter.nonce(new byte[3]));
        assertBad("kdp", "nonce of 4..32 octets", () -> KeyDerivationParameter.nonce(new byte[33]));
        assertBad("kdp", "timestamp of 8 octets", () -> KeyDerivationParameter.of(KeyDerivationParameter.Kind.TIMESTAMP, new byte[7]));
        assertBad("kdp", "version of 4 octets", () -> KeyDerivationParameter.of(KeyDerivationParameter.Kind.VERSION, new byte[5]));
        assertBad("kdp-version", "0..4294967295", () -> KeyDerivationParameter.version(1L << 32));
        assertBad("kdp-version", "0..4294967295", () -> KeyDerivationParameter.version(-1));
        assertBad("kdp", "static-data of 1..255 octets", () -> KeyDerivationParameter.staticData(new byte[0]));
        assertBad("kdp", "static-data of 1..255 octets", () -> KeyDerivationParameter.staticData(new byte[256]));
        assertBad("kdp-kind", "nonce, timestamp, version or static-data", () -> KeyDerivationParameter.of(null, new byte[4]));

        final byte[] value = {(byte)0xAB, (byte)0xCD, (byte)0xEF, 0x01, 0x23};
        final KeyDerivationParameter kdp = KeyDerivationParameter.nonce(value);
        value[0] = 0;
        assertEquals((byte)0xAB, kdp.value()[0], "the value is copied in");
        kdp.value()[1] = 0;
        assertEquals((byte)0xCD, kdp.value()[1], "and out");
        assertEquals("KeyDerivationParameter[kind=nonce, length=5]", kdp.toString());
        assertEquals(4_000_000_000L, KeyDerivationParameter.version(4_000_000_000L).numericValue());
        assertEquals(-2L, KeyDerivationParameter.timestamp(-2L).numericValue());
        assertThrows(IllegalStateException.class, kdp::numericValue);
    }

    @Test
    void guamiValidatesAndEncodes()
    {
        assertBad("amf-region-id", "0..255", () -> new Guami(PLMN, 256, 0, 0));
        assertBad("amf-set-id", "0..1023", () -> new Guami(PLMN, 0, 1024, 0));
        assertBad("amf-pointer", "0..63", () -> new Guami(PLMN, 0, 0, 64));
        assertBad("plmn", "a PLMN identity", () -> new Guami(null, 0, 0, 0));
        final byte[] out = new byte[6];
        new Guami(PLMN, 0xCA, 0x3FF, 0x3F).encodeTo(out, 0);
        assertArrayEquals(SpecKdp.guami(SpecKdp.PLMN_001_01, 0xCA, 0x3FF, 0x3F), out);
        assertEquals(0xCA << 10 | 0x3FF, new Guami(PLMN, 0xCA, 0x3FF, 0x3F).amfSet());
    }

    @Test
    void optionsAreOffByDefaultAndKeepTheirDependencies()
    {
        for (final KeyChangeVariant variant : KeyChangeVariant.values())
        {
            assertFalse(KeyChangeOptions.THREE_GPP_ONLY.enabled(variant));
            final VariantNotEnabledException refused = assertThrows(VariantNotEnabledException.class,
                () -> KeyChangeOptions.THREE_GPP_ONLY.require(variant, "test"));
            assertSame(variant, refused.variant());
            assertTrue(refused.getMessage().contains(variant.token()));
        }
        assertSame(KeyChangeOptions.THREE_GPP_ONLY, KeyChangeOptions.of());
        assertBad("options", "kdp-bound-kamf whenever candidate-amfs or implicit-kci is enabled",
            () -> KeyChangeOptions.of(KeyChangeVariant.IMPLICIT_KCI));
        assertBad("options", "kdp-bound-kamf whenever candidate-amfs or implicit-kci is enabled",
            () -> KeyChangeOptions.of(KeyChangeVariant.CANDIDATE_AMFS, KeyChangeVariant.ALGORITHMS_WITHOUT_SMC));
        assertTrue(KeyChangeOptions.of(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC).enabled(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC));
    }

    @Test
    void algorithmPrioritiesSelectTheFirstSupportedAndValidate()
    {
        final int capabilities = NasAlgorithmPriorities.capabilities(new int[] {0, 1, 2}, new int[] {1, 2});
        assertEquals(0xE0_60_00_00, capabilities, "5G-EA0..2 are the top bits of octet 1, 5G-IA1..2 of octet 2");
        final NasAlgorithmPriorities priorities = NasAlgorithmPriorities.of(new int[] {3, 2, 1}, new int[] {3, 1, 2});
        assertEquals(2, priorities.selectCiphering(capabilities));
        assertEquals(1, priorities.selectIntegrity(capabilities));
        assertThrows(org.amfkeys.procedures.ProcedureNotAllowedException.class,
            () -> NasAlgorithmPriorities.of(new int[] {3}, new int[] {1}).selectCiphering(capabilities));
        assertBad("nas-int-priority", "1 to 7 distinct identifiers, 1..7 (5G-IA0 only for unauthenticated emergency sessions)",
            () -> NasAlgorithmPriorities.of(new int[] {1}, new int[] {2, 0}));
        assertBad("nas-enc-priority", "1 to 8 distinct identifiers, 0..7",
            () -> NasAlgorithmPriorities.of(new int[] {1, 1}, new int[] {2}));
        assertBad("nas-enc-priority", "1 to 8 distinct identifiers, 0..7",
            () -> NasAlgorithmPriorities.of(new int[] {8}, new int[] {2}));
        assertBad("nas-enc-priority", "1 to 8 distinct identifiers, 0..7",
            () -> NasAlgorithmPriorities.of(new int[0], new int[] {2}));
    }

    static void assertBad(final String parameter, final String allowed, final Runnable call)
    {
        final InvalidParameterException bad = assertThrows(InvalidParameterException.class, call::run);
        assertEquals(parameter, bad.parameter(), bad.getMessage());
        assertEquals(allowed, bad.allowed(), bad.getMessage());
    }
}

package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TypesTest
{
    private static String encoding(final KdfParameter value)
    {
        final byte[] bytes = new byte[value.encodedLength()];
        value.encodeTo(bytes, 0);
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void supiImsiIsItsDigitsAndNaiKeepsEveryDash()
    {
        assertEquals("00101", Supi.parse("imsi-00101").kdfValue());
        assertEquals("001010123456789", Supi.parse("imsi-001010123456789").kdfValue());
        assertEquals("999999999999999", Supi.parse("imsi-999999999999999").kdfValue());
        final Supi nai = Supi.parse("nai-joe-doe@realm-x.example");
        assertEquals(Supi.Type.NAI, nai.type());
        assertEquals("joe-doe@realm-x.example", nai.kdfValue());
        assertEquals("nai-joe-doe@realm-x.example", nai.toString());
        assertEquals(Supi.parse("imsi-00101"), Supi.parse("imsi-00101"));
        for (final String bad : new String[] {"imsi-0010", "imsi-0010101234567890", "imsi-00101 ", "imsi-0010/", "imsi-:0101",
            "imsi-\u0660\u0660\u0661\u0660\u0661", "imsi-", "nai-joe", "nai-joe@",
            "nai-jo e@realm", "nai-a\uD800@realm", "gli-x", "IMSI-00101", "nai-" + "a".repeat(250) + "@realm"})
        {
            final InvalidParameterException ex = assertThrows(InvalidParameterException.class, () -> Supi.parse(bad), bad);
            assertEquals("supi", ex.parameter());
            assertEquals(Supi.ALLOWED, ex.allowed());
        }
    }

    @Test
    void supiFromImsiDigitsEqualsTheParsedOne()
    {
        final byte[] digits = "x001010123456789x".getBytes(StandardCharsets.US_ASCII);
        final Supi supi = Supi.imsi("supi", digits, 1, 15);
        assertEquals(Supi.parse("imsi-001010123456789"), supi);
        assertEquals(Supi.parse("imsi-001010123456789").hashCode(), supi.hashCode());
        assertEquals("imsi-001010123456789", supi.toString());
        assertEquals(encoding(Supi.parse("imsi-001010123456789")), encoding(supi));
        digits[1] = '9';
        assertEquals("001010123456789", supi.kdfValue(), "the digits were copied");
        assertNotEquals(Supi.parse("imsi-00101"), Supi.parse("nai-00101@x"));
        for (final int[] slice : new int[][] {{0, 15}, {1, 4}, {1, 16}, {3, 15}, {-1, 5}})
        {
            final InvalidParameterException ex = assertThrows(InvalidParameterException.class,
                () -> Supi.imsi("supi", digits, slice[0], slice[1]), Arrays.toString(slice));
            assertEquals("supi", ex.parameter());
        }
        assertEquals("supi", assertThrows(InvalidParameterException.class, () -> Supi.imsi("supi", null, 0, 5)).parameter());
    }

    @Test
    void servingNetworkNameFollowsTs24501()
    {
        assertEquals("5G:mnc001.mcc001.3gppnetwork.org", ServingNetworkName.of(PlmnId.of("001", "01")).toString());
        assertEquals("5G:mnc410.mcc310.3gppnetwork.org:0000007ED9D",
            ServingNetworkName.snpn(PlmnId.of("310", "410"), "0000007ED9D").toString());
        assertEquals(ServingNetworkName.NSWO, ServingNetworkName.parse("5G:NSWO"));
        assertEquals(ServingNetworkName.of(PlmnId.of("001", "01")), ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org"));
        for (final String bad : new String[] {"5G:mnc01.mcc001.3gppnetwork.org", "5G:mnc001.mcc001.3gppnetwork.org:0000007ed9d",
            "5g:mnc001.mcc001.3gppnetwork.org", "5G:mnc001.mcc001.3gppnetwork.org.", "5G:nswo", "WLAN", ""})
        {
            final InvalidParameterException ex = assertThrows(InvalidParameterException.class, () -> ServingNetworkName.parse(bad), bad);
            assertEquals("snn", ex.parameter());
        }
        assertThrows(InvalidParameterException.class, () -> ServingNetworkName.snpn(PlmnId.of("001", "01"), "12345"));
    }

    @Test
    void plmnIdEncodesAsTheEpsSnId()
    {
        assertEquals("22f746", encoding(PlmnId.of("227", "64")));
        assertEquals("404415", encoding(PlmnId.of("044", "514")));
        assertEquals("001", PlmnId.of("001", "1" + "1").mcc());
        assertEquals("011", PlmnId.of("001", "11").threeDigitMnc());
        assertEquals("mcc", assertThrows(InvalidParameterException.class, () -> PlmnId.of("1", "01")).parameter());
        assertEquals("mnc", assertThrows(InvalidParameterException.class, () -> PlmnId.of("001", "1")).parameter());
    }

    @Test
    void abbaIsOneTo255Octets()
    {
        assertEquals("0000", Abba.DEFAULT.toString());
        assertEquals(255, Abba.of(new byte[255]).encodedLength());
        assertEquals("1..255 octets", assertThrows(InvalidParameterException.class, () -> Abba.of(new byte[0])).allowed());
        assertThrows(InvalidParameterException.class, () -> Abba.of(new byte[256]));
        final byte[] mutable = {1, 2};
        final Abba abba = Abba.of(mutable);
        mutable[0] = 9;
        assertEquals("0102", abba.toString());
    }

    @Test
    void nasCountIsAFull32BitValue()
    {
        assertEquals(-1, NasCount.check("ul-count", 0xFFFF_FFFFL));
        assertEquals(0x123456, NasCount.of(0x1234, 0x56));
        final InvalidParameterException ex = assertThrows(InvalidParameterException.class, () -> NasCount.check("ul-count", 1L << 32));
        assertEquals("ul-count: 4294967296 is out of range; allowed: 0..4294967295", ex.getMessage());
        assertThrows(InvalidParameterException.class, () -> NasCount.check("dl-count", -1));
        assertThrows(InvalidParameterException.class, () -> NasCount.of(0x10000, 0));
        assertThrows(InvalidParameterException.class, () -> NasCount.of(0, 256));
    }

    @Test
    void ranges()
    {
        assertEquals(1007, Pci.checkNr("pci", 1007));
        assertEquals("0..503", assertThrows(InvalidParameterException.class, () -> Pci.checkEutra("pci", 504)).allowed());
        assertEquals("0..3279165", assertThrows(InvalidParameterException.class, () -> NrArfcn.check("arfcn", 3279166)).allowed());
        assertEquals("0..262143", assertThrows(InvalidParameterException.class, () -> Earfcn.check("earfcn", 262144)).allowed());
        assertEquals("0..15", assertThrows(InvalidParameterException.class, () -> AlgorithmIdentity.check("alg", 16)).allowed());
        assertEquals("0..65535", assertThrows(InvalidParameterException.class, () -> Uint16.check("counter", 65536)).allowed());
    }

    @Test
    void ipAddressLiteralsOnlyNeverNames()
    {
        assertEquals("c0000201", encoding(IpAddress.parse("ip", "192.0.2.1")));
        assertEquals(16, IpAddress.parse("ip", "::1").encodedLength());
        for (final String bad : new String[] {"example.com", "localhost", "256.1.1.1", "1.2.3", "01.2.3.4x", ""})
        {
            assertEquals("ip", assertThrows(InvalidParameterException.class, () -> IpAddress.parse("ip", bad), bad).parameter());
        }
        assertThrows(InvalidParameterException.class, () -> IpAddress.of("ip", new byte[5]));
        // An IPv4-mapped IPv6 literal is an IPv6 address: 16 octets, not the 4 the JDK would make of it.
        assertEquals("00000000000000000000ffffc0000201", encoding(IpAddress.parse("ip", "::ffff:192.0.2.1")));
    }

    @Test
    void tokensListEveryChoiceWhenWrong()
    {
        assertEquals(AccessType.NON_THREE_GPP, Token.parse("access", "non-3gpp", AccessType.class));
        final InvalidParameterException ex = assertThrows(InvalidParameterException.class,
            () -> Token.parse("distinguisher", "nas", AlgorithmTypeDistinguisher.class));
        assertEquals("nas-enc, nas-int, rrc-enc, rrc-int, up-enc, up-int", ex.allowed());
        assertTrue(ex.getMessage().startsWith("distinguisher: 'nas' is not a choice"));
    }

    @Test
    void decimalNumbersAreShownAndKeyLikeRunsRedacted()
    {
        assertEquals("'16777215'", InvalidParameterException.quote("16777215"));
        assertEquals("'12345678x'", InvalidParameterException.quote("12345678x"));
        assertEquals("'001010123456789'", InvalidParameterException.quote("001010123456789"));
        assertEquals("a value of 16 characters", InvalidParameterException.quote("0123456789012345"));
        assertEquals("a value of 8 characters", InvalidParameterException.quote("1234567a"));
        assertEquals("a value of 8 characters", InvalidParameterException.quote("DEADBEEF"));
        assertEquals("'1234abc'", InvalidParameterException.quote("1234abc"));

        assertEquals("count 16777215 of 4294967295, imsi-001010123456789",
            InvalidParameterException.redact("count 16777215 of 4294967295, imsi-001010123456789"));
        final String allDecimalKey = "0123456789".repeat(6) + "0123";
        assertEquals("token '<redacted>': was expecting <redacted> or <redacted> (at 12345678)",
            InvalidParameterException.redact(
                "token '" + allDecimalKey + "': was expecting 00112233445566778899aabbccddeeff or 1234567a (at 12345678)"));
        assertEquals("", InvalidParameterException.redact(null));
    }

    /**
     * Found by fuzzing {@code amfkeys trace}: a member name with a line end in it was echoed as it was,
     * so the one-line error became two, the second one of the caller's making.
     */
    @Test
    void controlCharactersNeverReachAMessage()
    {
        assertEquals("a value of 6 characters", InvalidParameterException.quote("nas-\nc"));
        assertEquals("a value of 4 characters", InvalidParameterException.quote("\u001b[2J"));
        assertEquals("ul-count? not a parameter?", InvalidParameterException.redact("ul-count\r not a parameter\u0007"));
        final InvalidParameterException unknown = org.amfkeys.catalog.Derivation.unknownParameter("nas-\nc", "the scenario", "kamf");
        assertEquals("parameter: a value of 6 characters is not a parameter of the scenario; allowed: kamf", unknown.getMessage());
    }

    @Test
    void rejectedTextIsQuotedOnlyWhenItCannotBeAKey()
    {
        final String key = "00112233445566778899aabbccddeeff";
        assertEquals("'nas'", InvalidParameterException.quote("nas"));
        assertEquals("a value of 32 characters", InvalidParameterException.quote(key));
        assertEquals("a value of 9 characters", InvalidParameterException.quote("x0011aabb"));
        assertEquals("a value of 25 characters", InvalidParameterException.quote("y".repeat(25)));
        for (final InvalidParameterException ex : new InvalidParameterException[] {
            assertThrows(InvalidParameterException.class, () -> Token.parse("access", key, AccessType.class)),
            assertThrows(InvalidParameterException.class, () -> IpAddress.parse("ip", key)),
            assertThrows(InvalidParameterException.class, () -> PlmnId.of(key, "01")),
            assertThrows(InvalidParameterException.class, () -> ServingNetworkName.snpn(PlmnId.of("001", "01"), key)),
            assertThrows(InvalidParameterException.class, () -> new org.amfkeys.catalog.TextArguments().add("pci", key).integer("pci"))})
        {
            org.junit.jupiter.api.Assertions.assertFalse(ex.getMessage().contains("00112233"), ex.getMessage());
        }
    }

    @Test
    void afIdIsTheFqdnThenTheProtocolId()
    {
        assertEquals("612e620102", AfId.of("a.b", new byte[] {1, 2}).toString());
        assertEquals("af-fqdn", assertThrows(InvalidParameterException.class, () -> AfId.of("", new byte[] {1})).parameter());
    }
}

package org.amfkeys.kdf;

import org.amfkeys.types.Abba;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AfId;
import org.amfkeys.types.IpAddress;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.PlmnId;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.amfkeys.types.UsageTypeDistinguisher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The encoding edge cases of every public derivation: the exact input string S each one builds
 * (written out here octet by octet from the clauses), and the output checked against the JDK's
 * {@code Mac} over that S.
 */
class EncodingEdgeCasesTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] CK = Arrays.copyOfRange(KEY, 0, 16);
    private static final byte[] IK = Arrays.copyOfRange(KEY, 16, 32);
    private static final long[] COUNTS = {0, 0xFF_FFFFL, 0xFFFF_FFFFL};
    private static final int FULL = 32;
    private static final int LOW_128 = 16;

    record Case(String label, Function<Kdf, byte[]> call, byte[] key, String s, int outputLength)
    {
        public String toString()
        {
            return label;
        }
    }

    static Stream<Arguments> cases()
    {
        final List<Case> cases = new ArrayList<>();
        for (final long count : COUNTS)
        {
            final String c = String.format("%08x", count);
            cases.add(new Case("kgnb count " + count, kdf -> kdf.kgnb(KEY, count, AccessType.THREE_GPP), KEY,
                "6e" + c + "0004" + "01" + "0001", FULL));
            cases.add(new Case("kn3iwf count " + count, kdf -> kdf.kgnb(KEY, count, AccessType.NON_THREE_GPP), KEY,
                "6e" + c + "0004" + "02" + "0001", FULL));
            cases.add(new Case("kamf' idle count " + count, kdf -> kdf.horizontalKamf(KEY, MobilityMode.IDLE, count), KEY,
                "72" + "00" + "0001" + c + "0004", FULL));
            cases.add(new Case("kamf' handover count " + count, kdf -> kdf.horizontalKamf(KEY, MobilityMode.HANDOVER, count), KEY,
                "72" + "01" + "0001" + c + "0004", FULL));
            cases.add(new Case("kasme' idle count " + count, kdf -> kdf.kasmePrime(KEY, MobilityMode.IDLE, count), KEY,
                "73" + c + "0004", FULL));
            cases.add(new Case("kasme' handover count " + count, kdf -> kdf.kasmePrime(KEY, MobilityMode.HANDOVER, count), KEY,
                "74" + c + "0004", FULL));
            cases.add(new Case("kamf from kasme idle count " + count, kdf -> kdf.kamfFromKasmeIdle(KEY, count), KEY,
                "75" + c + "0004", FULL));
            cases.add(new Case("kasme_srvcc count " + count, kdf -> kdf.kasmeSrvcc(KEY, count), KEY, "7d" + c + "0004", FULL));
            cases.add(new Case("kenb count " + count, kdf -> kdf.kenb(KEY, count), KEY, "11" + c + "0004", FULL));
            cases.add(new Case("eps ck ik handover count " + count, kdf -> kdf.epsCkIkHandover(KEY, count), KEY, "16" + c + "0004", FULL));
            cases.add(new Case("eps ck ik idle count " + count, kdf -> kdf.epsCkIkIdle(KEY, count), KEY, "1b" + c + "0004", FULL));
        }

        // EARFCN: two octets up to 65535 in EPS KeNB*, three above; always three for a target ng-eNB.
        cases.add(new Case("kenb* earfcn 65535", kdf -> kdf.kenbStar(KEY, 503, 65535), KEY,
            "13" + "01f7" + "0002" + "ffff" + "0002", FULL));
        cases.add(new Case("kenb* earfcn 65536", kdf -> kdf.kenbStar(KEY, 503, 65536), KEY,
            "13" + "01f7" + "0002" + "010000" + "0003", FULL));
        cases.add(new Case("kenb* earfcn 0", kdf -> kdf.kenbStar(KEY, 0, 0), KEY, "13" + "0000" + "0002" + "0000" + "0002", FULL));
        cases.add(new Case("kenb* earfcn 262143", kdf -> kdf.kenbStar(KEY, 1, 262143), KEY,
            "13" + "0001" + "0002" + "03ffff" + "0003", FULL));
        cases.add(new Case("ng-enb earfcn 65535", kdf -> kdf.kngRanStarForNgEnb(KEY, 503, 65535), KEY,
            "71" + "01f7" + "0002" + "00ffff" + "0003", FULL));
        cases.add(new Case("ng-enb earfcn 65536", kdf -> kdf.kngRanStarForNgEnb(KEY, 503, 65536), KEY,
            "71" + "01f7" + "0002" + "010000" + "0003", FULL));

        // NR-ARFCN: always three octets, also below 65536 (srsRAN uses two there).
        for (final int arfcn : new int[] {0, 1000, 65535, 65536, 3279165})
        {
            cases.add(new Case("gnb arfcn " + arfcn, kdf -> kdf.kngRanStarForGnb(KEY, 1007, arfcn), KEY,
                "70" + "03ef" + "0002" + String.format("%06x", arfcn) + "0003", FULL));
        }

        // SUPI: P0 without the type prefix; an NAI keeps every '-'.
        final String naiWithDash = hexOf("joe-doe@realm.example");
        cases.add(new Case("kamf nai with dash", kdf -> kdf.kamf(KEY, Supi.parse("nai-joe-doe@realm.example"), Abba.DEFAULT), KEY,
            "6d" + naiWithDash + "0015" + "0000" + "0002", FULL));
        cases.add(new Case("kakma nai with dash", kdf -> kdf.kakma(KEY, Supi.parse("nai-joe-doe@realm.example")), KEY,
            "80" + hexOf("AKMA") + "0004" + naiWithDash + "0015", FULL));
        cases.add(new Case("a-tid nai with dash", kdf -> kdf.aTid(KEY, Supi.parse("nai-joe-doe@realm.example")), KEY,
            "81" + hexOf("A-TID") + "0005" + naiWithDash + "0015", FULL));
        cases.add(new Case("kamf nai nfkc", kdf -> kdf.kamf(KEY, Supi.parse("nai-\uff4a\uff4f\uff45@realm"), Abba.DEFAULT), KEY,
            "6d" + hexOf("joe@realm") + "0009" + "0000" + "0002", FULL));

        // ABBA: its own length, 1 to 3 octets here.
        final String imsi = hexOf("001010123456789");
        cases.add(new Case("kamf abba 1 octet", kdf -> kdf.kamf(KEY, Supi.parse("imsi-001010123456789"), Abba.of(new byte[] {0x01})), KEY,
            "6d" + imsi + "000f" + "01" + "0001", FULL));
        cases.add(new Case("kamf abba 3 octets",
            kdf -> kdf.kamf(KEY, Supi.parse("imsi-001010123456789"), Abba.of(new byte[] {0, 0, 7})), KEY,
            "6d" + imsi + "000f" + "000007" + "0003", FULL));
        cases.add(new Case("kamf imsi 5 digits", kdf -> kdf.kamf(KEY, Supi.parse("imsi-00101"), Abba.DEFAULT), KEY,
            "6d" + hexOf("00101") + "0005" + "0000" + "0002", FULL));

        // Serving network names, including the SNPN and NSWO forms.
        final String snpn = "5G:mnc093.mcc208.3gppnetwork.org:0000007ED9D";
        cases.add(new Case("kseaf snpn", kdf -> kdf.kseaf(KEY, ServingNetworkName.parse(snpn)), KEY,
            "6c" + hexOf(snpn) + String.format("%04x", snpn.length()), FULL));
        cases.add(new Case("kseaf nswo", kdf -> kdf.kseaf(KEY, ServingNetworkName.NSWO), KEY, "6c" + hexOf("5G:NSWO") + "0007", FULL));
        cases.add(new Case("kausf 2-digit mnc",
            kdf -> kdf.kausf(CK, IK, ServingNetworkName.of(PlmnId.of("001", "01")), HEX.parseHex("0102030405ff")),
            KEY, "6a" + hexOf("5G:mnc001.mcc001.3gppnetwork.org") + "0020" + "0102030405ff" + "0006", FULL));

        // RES: 4 to 16 octets, its own length.
        final String rand = "00112233445566778899aabbccddeeff";
        for (final int resLength : new int[] {4, 16})
        {
            final byte[] res = new byte[resLength];
            Arrays.fill(res, (byte)0x5a);
            cases.add(new Case("res* res " + resLength + " octets",
                kdf -> kdf.resStar(CK, IK, ServingNetworkName.NSWO, HEX.parseHex(rand), res), KEY,
                "6b" + hexOf("5G:NSWO") + "0007" + rand + "0010" + HEX.formatHex(res) + String.format("%04x", resLength), LOW_128));
        }

        // Algorithm keys and counters.
        cases.add(new Case("alg key up-int 15", kdf -> kdf.algorithmKey(KEY, org.amfkeys.types.AlgorithmTypeDistinguisher.UP_INT, 15),
            KEY, "69" + "06" + "0001" + "0f" + "0001", LOW_128));
        cases.add(new Case("eps alg key nas-enc 0",
            kdf -> kdf.epsAlgorithmKey(KEY, org.amfkeys.types.AlgorithmTypeDistinguisher.NAS_ENC, 0),
            KEY, "15" + "01" + "0001" + "00" + "0001", LOW_128));
        cases.add(new Case("ksn 65535", kdf -> kdf.ksn(KEY, 65535), KEY, "79" + "ffff" + "0002", FULL));
        cases.add(new Case("s-kenb 0", kdf -> kdf.sKenb(KEY, 0), KEY, "1c" + "0000" + "0002", FULL));
        cases.add(new Case("eps kasme 2-digit mnc", kdf -> kdf.epsKasme(CK, IK, PlmnId.of("001", "01"), HEX.parseHex("0102030405ff")),
            KEY, "10" + "00f110" + "0003" + "0102030405ff" + "0006", FULL));
        cases.add(new Case("eps kasme 3-digit mnc", kdf -> kdf.epsKasme(CK, IK, PlmnId.of("310", "410"), HEX.parseHex("0102030405ff")),
            KEY, "10" + "130014" + "0003" + "0102030405ff" + "0006", FULL));
        cases.add(new Case("eps kasme idle", kdf -> kdf.epsKasmeIdle(CK, IK, HEX.parseHex("01020304"), HEX.parseHex("0a0b0c0d")),
            KEY, "19" + "01020304" + "0004" + "0a0b0c0d" + "0004", FULL));
        cases.add(new Case("ck ik prime wlan", kdf -> kdf.ckIkPrime(CK, IK,
            org.amfkeys.types.AccessNetworkIdentity.of("WLAN"), HEX.parseHex("0102030405ff")),
            KEY, "20" + hexOf("WLAN") + "0004" + "0102030405ff" + "0006", FULL));
        cases.add(new Case("sor-mac-iausf no container", kdf -> kdf.sorMacIausf(KEY, new byte[] {0x03}, 258, null),
            KEY, "77" + "03" + "0001" + "0102" + "0002", LOW_128));
        cases.add(new Case("sor-mac-iausf container", kdf -> kdf.sorMacIausf(KEY, new byte[] {0x03}, 258, new byte[] {9, 8, 7}),
            KEY, "77" + "03" + "0001" + "0102" + "0002" + "090807" + "0003", LOW_128));
        cases.add(new Case("sor-mac-iue", kdf -> kdf.sorMacIue(KEY, 1), KEY, "78" + "01" + "0001" + "0001" + "0002", LOW_128));
        cases.add(new Case("upu-mac-iausf", kdf -> kdf.upuMacIausf(KEY, new byte[] {1, 2}, 65535), KEY,
            "7b" + "0102" + "0002" + "ffff" + "0002", LOW_128));
        cases.add(new Case("upu-mac-iue", kdf -> kdf.upuMacIue(KEY, 2), KEY, "7c" + "01" + "0001" + "0002" + "0002", LOW_128));
        cases.add(new Case("kiab ipv4 ipv6",
            kdf -> kdf.kiab(KEY, IpAddress.parse("a", "192.0.2.1"), IpAddress.parse("b", "2001:db8::1")), KEY,
            "83" + "c0000201" + "0004" + "20010db8000000000000000000000001" + "0010", FULL));
        cases.add(new Case("ktnap", kdf -> kdf.ktipsecKtnapKft(KEY, UsageTypeDistinguisher.TNAP), KEY, "84" + "02" + "0001", FULL));
        cases.add(new Case("kaf", kdf -> kdf.kaf(KEY, AfId.of("af.example", new byte[] {1, 0, 0, 1, 2})), KEY,
            "82" + hexOf("af.example") + "0100000102" + "000f", FULL));
        cases.add(new Case("nh", kdf -> kdf.nh(KEY, KEY), KEY, "6f" + HEX.formatHex(KEY) + "0020", FULL));
        cases.add(new Case("eps nh", kdf -> kdf.epsNh(KEY, KEY), KEY, "12" + HEX.formatHex(KEY) + "0020", FULL));
        cases.add(new Case("kamf from kasme handover", kdf -> kdf.kamfFromKasmeHandover(KEY, KEY), KEY,
            "76" + HEX.formatHex(KEY) + "0020", FULL));
        cases.add(new Case("generic two-octet fc", kdf -> kdf.generic(KEY, 0xFF07, new byte[0], new byte[] {5}), KEY,
            "ff07" + "0000" + "05" + "0001", FULL));
        cases.add(new Case("generic no parameter", kdf -> kdf.generic(KEY, 0x38), KEY, "38", FULL));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void buildsTheSpecifiedInputStringAndMacsIt(final Case known) throws GeneralSecurityException
    {
        final RecordingEngine engine = new RecordingEngine();
        try (Kdf kdf = new Kdf(engine))
        {
            final byte[] output = known.call().apply(kdf);
            assertEquals(known.s(), HEX.formatHex(engine.lastMessage()), "S");
            final byte[] full = referenceMac(known.key(), HEX.parseHex(known.s()));
            assertArrayEquals(Arrays.copyOfRange(full, FULL - known.outputLength(), FULL), output, "output");
        }
    }

    @org.junit.jupiter.api.Test
    void hresStarIsSha256OfRandAndResStarLast128Bits() throws GeneralSecurityException
    {
        final RecordingEngine engine = new RecordingEngine();
        try (Kdf kdf = new Kdf(engine))
        {
            final byte[] output = kdf.hresStar(CK, IK);
            assertArrayEquals(KEY, engine.lastMessage());
            final byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(KEY);
            assertArrayEquals(Arrays.copyOfRange(digest, 16, 32), output);
        }
    }

    private static byte[] referenceMac(final byte[] key, final byte[] s) throws GeneralSecurityException
    {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(s);
    }

    private static String hexOf(final String text)
    {
        return HEX.formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

package org.amfkeys.procedures;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent reference for the 3GPP key derivations, written straight from the spec formulas
 * (digest: {@code ../shared/spec/kdf-digest.md} §1–5) with {@link Mac} and hand-built input strings.
 * It deliberately uses nothing from the main code, so tests can check the engine's procedures against
 * values computed without the code under test. Every method returns a new array: 32 octets, or the
 * last 16 octets of the KDF output for algorithm keys.
 */
final class SpecKeys
{
    private SpecKeys()
    {
    }

    /**
     * Generic KDF, TS 33.220 B.2: {@code HMAC-SHA-256(KEY, FC || P0 || L0 || ... || Pn || Ln)}, each Li
     * the length of Pi in octets as 2 octets big-endian.
     *
     * @param key    the KEY.
     * @param fc     the one-octet function code.
     * @param params P0..Pn.
     * @return the 32-octet output.
     */
    public static byte[] kdf(final byte[] key, final int fc, final byte[]... params)
    {
        final ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(fc);
        for (final byte[] param : params)
        {
            s.writeBytes(param);
            s.writeBytes(be(param.length, 2));
        }
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(s.toByteArray());
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Non-negative integer as a KDF parameter, TS 33.220 B.2.1.3: big-endian in a fixed number of octets.
     *
     * @param value  the value, which must fit in {@code octets}.
     * @param octets the width.
     * @return the encoding.
     */
    public static byte[] be(final long value, final int octets)
    {
        if (value < 0 || (octets < 8 && (value >>> (8 * octets)) != 0))
        {
            throw new IllegalArgumentException(value + " does not fit in " + octets + " octets");
        }
        final byte[] out = new byte[octets];
        for (int i = 0; i < octets; i++)
        {
            out[octets - 1 - i] = (byte)(value >>> (8 * i));
        }
        return out;
    }

    /**
     * KAMF, TS 33.501 A.7: FC 0x6D, KEY = KSEAF, P0 = SUPI value (IMSI digits or NAI) as a character
     * string (UTF-8 after NFKC, TS 33.220 B.2.1.2), P1 = ABBA.
     */
    public static byte[] kamf(final byte[] kseaf, final String supiValue, final byte[] abba)
    {
        final String normalised = Normalizer.normalize(supiValue, Normalizer.Form.NFKC);
        return kdf(kseaf, 0x6D, normalised.getBytes(StandardCharsets.UTF_8), abba);
    }

    /**
     * NAS algorithm key, TS 33.501 A.8: FC 0x69, KEY = KAMF, P0 = algorithm type distinguisher
     * (N-NAS-enc-alg 0x01, N-NAS-int-alg 0x02), P1 = algorithm identity (1 octet); the key is the last
     * 16 octets of the output.
     */
    public static byte[] nasKey(final byte[] kamf, final int typeDistinguisher, final int algorithm)
    {
        return last16(kdf(kamf, 0x69, be(typeDistinguisher, 1), be(algorithm, 1)));
    }

    /**
     * KgNB / KN3IWF, TS 33.501 A.9: FC 0x6E, KEY = KAMF, P0 = UL NAS COUNT (4 octets), P1 = access type
     * distinguisher (1 octet: 0x01 3GPP, 0x02 non-3GPP).
     */
    public static byte[] kgnb(final byte[] kamf, final long ulCount, final int accessType)
    {
        return kdf(kamf, 0x6E, be(ulCount, 4), be(accessType, 1));
    }

    /**
     * NH, TS 33.501 A.10: FC 0x6F, KEY = KAMF, P0 = SYNC-input (32 octets: the initial KgNB, then the
     * previous NH).
     */
    public static byte[] nh(final byte[] kamf, final byte[] sync)
    {
        return kdf(kamf, 0x6F, sync);
    }

    /**
     * KNG-RAN* for a target gNB, TS 33.501 A.11: FC 0x70, KEY = NH or current KgNB, P0 = PCI (2 octets),
     * P1 = ARFCN-DL (always 3 octets).
     */
    public static byte[] kngRanStar(final byte[] key, final int pci, final int arfcn)
    {
        return kdf(key, 0x70, be(pci, 2), be(arfcn, 3));
    }

    /**
     * Horizontal KAMF', TS 33.501 A.13: FC 0x72, KEY = KAMF, P0 = DIRECTION (1 octet: 0x00 idle-mode
     * mobility, 0x01 handover), P1 = COUNT (4 octets: UL NAS COUNT idle, DL NAS COUNT handover).
     */
    public static byte[] horizontalKamf(final byte[] kamf, final int direction, final long count)
    {
        return kdf(kamf, 0x72, be(direction, 1), be(count, 4));
    }

    /**
     * KASME' at 5GS to EPS idle mobility, TS 33.501 A.14.1: FC 0x73, KEY = KAMF, P0 = NAS UL COUNT
     * (4 octets).
     */
    public static byte[] kasmePrimeIdle(final byte[] kamf, final long ulCount)
    {
        return kdf(kamf, 0x73, be(ulCount, 4));
    }

    /**
     * KASME' at 5GS to EPS handover, TS 33.501 A.14.2: FC 0x74, KEY = KAMF, P0 = NAS DL COUNT
     * (4 octets).
     */
    public static byte[] kasmePrimeHandover(final byte[] kamf, final long dlCount)
    {
        return kdf(kamf, 0x74, be(dlCount, 4));
    }

    /**
     * KAMF' at EPS to 5GS idle mobility, TS 33.501 A.15.1: FC 0x75, KEY = KASME, P0 = UL NAS COUNT of the
     * TAU carried in the Registration Request (4 octets).
     */
    public static byte[] kamfFromKasmeIdle(final byte[] kasme, final long ulCount)
    {
        return kdf(kasme, 0x75, be(ulCount, 4));
    }

    /**
     * KAMF' at EPS to 5GS handover, TS 33.501 A.15.2: FC 0x76, KEY = KASME, P0 = NH (32 octets).
     */
    public static byte[] kamfFromKasmeHandover(final byte[] kasme, final byte[] nh)
    {
        return kdf(kasme, 0x76, nh);
    }

    /**
     * KeNB, TS 33.401 A.3: FC 0x11, KEY = KASME, P0 = UL NAS COUNT (4 octets).
     */
    public static byte[] kenb(final byte[] kasme, final long ulCount)
    {
        return kdf(kasme, 0x11, be(ulCount, 4));
    }

    /**
     * NH (EPS), TS 33.401 A.4: FC 0x12, KEY = KASME, P0 = SYNC-input (32 octets: the initial KeNB, then the
     * previous NH).
     */
    public static byte[] epsNh(final byte[] kasme, final byte[] sync)
    {
        return kdf(kasme, 0x12, sync);
    }

    /**
     * KeNB*, TS 33.401 A.5: FC 0x13, KEY = NH or current KeNB, P0 = PCI (2 octets), P1 = EARFCN-DL in
     * 2 octets if at most 65535, else 3 octets.
     */
    public static byte[] kenbStar(final byte[] key, final int pci, final int earfcn)
    {
        return kdf(key, 0x13, be(pci, 2), be(earfcn, earfcn <= 0xFFFF ? 2 : 3));
    }

    /**
     * EPS NAS algorithm key, TS 33.401 A.7: FC 0x15, KEY = KASME, P0 = algorithm type distinguisher
     * (NAS-enc-alg 0x01, NAS-int-alg 0x02), P1 = algorithm identity (1 octet); the key is the last
     * 16 octets of the output.
     */
    public static byte[] epsNasKey(final byte[] kasme, final int typeDistinguisher, final int algorithm)
    {
        return last16(kdf(kasme, 0x15, be(typeDistinguisher, 1), be(algorithm, 1)));
    }

    private static byte[] last16(final byte[] output)
    {
        return Arrays.copyOfRange(output, output.length - 16, output.length);
    }
}

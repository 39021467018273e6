package org.amfkeys.procedures.keychange;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent reference for the key change variants, written from the documented encoding with
 * {@link Mac} and hand-built input strings; it uses nothing from the main code, so tests check the
 * procedures against values computed without the code under test.
 */
final class SpecKdp
{
    static final int NONCE = 0x01;
    static final int TIMESTAMP = 0x02;
    static final int VERSION = 0x03;
    static final int STATIC_DATA = 0x04;

    /** TS 33.501 A.8 algorithm type distinguishers of the NAS keys. */
    static final int NAS_ENC = 0x01;
    static final int NAS_INT = 0x02;

    /** PLMN 001-01 in TS 24.301 BCD: MCC2|MCC1, MNC3|MCC3 (MNC3 = F), MNC2|MNC1. */
    static final byte[] PLMN_001_01 = {0x00, (byte)0xF1, 0x10};

    private SpecKdp()
    {
    }

    /**
     * The GUAMI as the README documents it: 3 PLMN octets, then region (8 bits), set (10), pointer (6).
     */
    static byte[] guami(final byte[] plmn, final int region, final int set, final int pointer)
    {
        final int identifier = region << 16 | set << 6 | pointer;
        return new byte[] {plmn[0], plmn[1], plmn[2], (byte)(identifier >>> 16), (byte)(identifier >>> 8), (byte)identifier};
    }

    /**
     * S = 0xFF || 0xF1 || "amfkeys-kamf-kdp-v1" || 00 13 || GUAMI || 00 06 || kind || 00 01 || value || L.
     */
    static byte[] input(final byte[] guami, final int kind, final byte[] value)
    {
        final ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(0xFF);
        s.write(0xF1);
        parameter(s, "amfkeys-kamf-kdp-v1".getBytes(StandardCharsets.US_ASCII));
        parameter(s, guami);
        parameter(s, new byte[] {(byte)kind});
        parameter(s, value);
        return s.toByteArray();
    }

    /**
     * KAMF' = HMAC-SHA-256(KAMF, S).
     */
    static byte[] kamfPrime(final byte[] kamf, final byte[] guami, final int kind, final byte[] value)
    {
        return hmac(kamf, input(guami, kind, value));
    }

    /**
     * TS 33.501 A.8 NAS key: last 16 octets of HMAC-SHA-256(KAMF, 0x69 || type || 00 01 || alg || 00 01).
     */
    static byte[] nasKey(final byte[] kamf, final int type, final int algorithm)
    {
        final byte[] out = hmac(kamf, new byte[] {0x69, (byte)type, 0x00, 0x01, (byte)algorithm, 0x00, 0x01});
        return Arrays.copyOfRange(out, 16, 32);
    }

    /**
     * TS 33.501 A.13 horizontal KAMF': HMAC-SHA-256(KAMF, 0x72 || DIRECTION || 00 01 || COUNT || 00 04).
     */
    static byte[] horizontalKamf(final byte[] kamf, final int direction, final long count)
    {
        return hmac(kamf, new byte[] {0x72, (byte)direction, 0x00, 0x01,
            (byte)(count >>> 24), (byte)(count >>> 16), (byte)(count >>> 8), (byte)count, 0x00, 0x04});
    }

    static byte[] bigEndian(final long value, final int octets)
    {
        final byte[] out = new byte[octets];
        for (int i = 0; i < octets; i++)
        {
            out[octets - 1 - i] = (byte)(value >>> (8 * i));
        }
        return out;
    }

    private static void parameter(final ByteArrayOutputStream s, final byte[] value)
    {
        s.writeBytes(value);
        s.write(value.length >>> 8);
        s.write(value.length & 0xFF);
    }

    private static byte[] hmac(final byte[] key, final byte[] message)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}

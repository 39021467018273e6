package org.amfkeys.procedures.keychange;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Fc;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.kdf.KdfInputString;

import java.nio.charset.StandardCharsets;

/**
 * The KDP-bound horizontal KAMF derivation, outside 3GPP: {@code KAMF' = HMAC-SHA-256(KAMF, S)} with
 * <pre>
 * S = 0xFF || FC2 || P0 || L0 || P1 || L1 || P2 || L2 || P3 || L3
 *
 *   FC2 = 0xF1
 *   P0  = "amfkeys-kamf-kdp-v1" (19 octets of ASCII)     L0 = 0x00 0x13
 *   P1  = target AMF's GUAMI ({@link Guami}, 6 octets)  L1 = 0x00 0x06
 *   P2  = KDP kind ({@link KeyDerivationParameter.Kind#code()}: 0x01 nonce, 0x02 timestamp,
 *         0x03 version, 0x04 static data)               L2 = 0x00 0x01
 *   P3  = KDP value (1..255 octets)                     L3 = its length, 2 octets big-endian
 * </pre>
 * built with {@link KdfInputString} in the TS 33.220 B.2 form, so the usual rules hold: every
 * parameter is followed by its length in two octets.
 * <p>
 * <b>Why S never equals a 3GPP input string.</b>
 * <ol>
 *     <li>Every 3GPP input string starts with its FC. Every FC that TS 33.501, TS 33.401, TS 33.402 and
 *     TS 33.535 allocate, and so every FC amfkeys derives with ({@link Fc}: 0x10..0x84), is a single
 *     octet. TS 33.220 keeps 0xFF as the first octet of a two-octet FC {@code 0xFF || FC2}, so no
 *     single-octet FC is 0xFF. S starts with 0xFF; it differs from all those strings in its first
 *     octet, whatever follows, whatever their length.</li>
 *     <li>A string in the two-octet FC space that 3GPP might define later could use FC2 = 0xF1 too.
 *     It would still have to carry this private label, with the same length, as its first parameter
 *     to equal S. That is as far as a derivation without an allocated FC can go; the label ends in a
 *     version so a new encoding gets a new label rather than reusing this one.</li>
 *     <li>Within the variant, S is injective: four parameters, each followed by its length, so two
 *     different (GUAMI, kind, value) triples give two different S. The kind octet keeps a version
 *     number apart from a nonce of the same octets; the GUAMI keeps the keys of candidate AMFs
 *     apart.</li>
 * </ol>
 * Different inputs to HMAC-SHA-256 under one key give independent outputs, so a KAMF' of this
 * derivation is separated from every 3GPP key derived from the same KAMF.
 * <p>
 * Owns a reusable input string: not thread-safe. After warm-up no call allocates.
 */
public final class KdpBoundKamf
{
    /** Second octet of the two-octet FC {@code 0xFF || FC2}. */
    public static final int FC2 = 0xF1;

    /** P0: the private label, ASCII. */
    public static final String LABEL = "amfkeys-kamf-kdp-v1";

    private static final byte[] LABEL_OCTETS = LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];

    private final KdfInputString s = new KdfInputString();
    private final UnsafeBuffer out = new UnsafeBuffer(EMPTY);

    /**
     * Builds S for a target AMF and a KDP.
     *
     * @param targetAmf the target AMF's GUAMI.
     * @param kdp       the KDP.
     * @return S, valid until the next call.
     */
    public KdfInputString encode(final Guami targetAmf, final KeyDerivationParameter kdp)
    {
        if (targetAmf == null)
        {
            throw InvalidParameterException.missing("target-amf", "a GUAMI");
        }
        if (kdp == null)
        {
            throw InvalidParameterException.missing("kdp", "a key derivation parameter");
        }
        return s.extendedFc(FC2)
            .octets(LABEL_OCTETS)
            .parameter(targetAmf)
            .octet(kdp.kind().code())
            .octets(kdp.valueArray());
    }

    /**
     * Derives KAMF' for a target AMF and a KDP.
     *
     * @param kdf       the KDF.
     * @param kamf      the current KAMF's schedule.
     * @param targetAmf the target AMF's GUAMI.
     * @param kdp       the KDP.
     * @param kamfPrime receives KAMF', 32 octets.
     * @param offset    where KAMF' starts.
     */
    public void derive(
        final Kdf kdf, final KeySchedule kamf, final Guami targetAmf, final KeyDerivationParameter kdp,
        final byte[] kamfPrime, final int offset)
    {
        if (kdf == null)
        {
            throw InvalidParameterException.missing("kdf", "a Kdf");
        }
        if (kamfPrime == null)
        {
            throw InvalidParameterException.missing("out", "room for 32 octets");
        }
        if (kamfPrime.length < Kdf.KEY_LENGTH)
        {
            throw InvalidParameterException.badLength("out", kamfPrime.length, "at least " + Kdf.KEY_LENGTH + " octets");
        }
        if (offset < 0 || offset > kamfPrime.length - Kdf.KEY_LENGTH)
        {
            throw InvalidParameterException.outOfRange("out-offset", offset, 0, kamfPrime.length - Kdf.KEY_LENGTH);
        }
        encode(targetAmf, kdp);
        out.wrap(kamfPrime);
        try
        {
            kdf.derive(kamf, s, out, offset);
        }
        finally
        {
            // Holding on to the caller's key array past the call would outlive its zeroing.
            out.wrap(EMPTY);
        }
    }

    /**
     * Zeroes the input string's storage.
     */
    public void wipe()
    {
        s.wipe();
    }

    public String toString()
    {
        return "KdpBoundKamf[fc=0xFF" + Integer.toHexString(FC2).toUpperCase() + ", label=" + LABEL + "]";
    }
}

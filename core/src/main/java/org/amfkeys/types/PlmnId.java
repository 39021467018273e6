package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.util.regex.Pattern;

/**
 * PLMN identity: a 3-digit MCC and a 2- or 3-digit MNC. As the EPS SN id of KASME (TS 33.401 A.2) it
 * encodes in 3 octets, TS 24.301 BCD: {@code MCC2|MCC1, MNC3|MCC3, MNC2|MNC1}, MNC3 = 0xF for a 2-digit
 * MNC.
 */
public final class PlmnId implements KdfParameter
{
    /** Octets of the SN id encoding. */
    public static final int SN_ID_LENGTH = 3;

    private static final Pattern MCC = Pattern.compile("[0-9]{3}");
    private static final Pattern MNC = Pattern.compile("[0-9]{2,3}");

    private final String mcc;
    private final String mnc;
    private final byte[] snId;

    private PlmnId(final String mcc, final String mnc)
    {
        this.mcc = mcc;
        this.mnc = mnc;
        final int mnc3 = mnc.length() == 3 ? digit(mnc, 2) : 0xF;
        snId = new byte[]
        {
            (byte)(digit(mcc, 1) << 4 | digit(mcc, 0)),
            (byte)(mnc3 << 4 | digit(mcc, 2)),
            (byte)(digit(mnc, 1) << 4 | digit(mnc, 0))
        };
    }

    /**
     * @param mcc mobile country code, 3 digits.
     * @param mnc mobile network code, 2 or 3 digits (2 and 3 digits are different PLMNs).
     * @return the PLMN identity.
     */
    public static PlmnId of(final String mcc, final String mnc)
    {
        if (mcc == null || !MCC.matcher(mcc).matches())
        {
            throw new InvalidParameterException("mcc", InvalidParameterException.quote(mcc), "3 digits");
        }
        if (mnc == null || !MNC.matcher(mnc).matches())
        {
            throw new InvalidParameterException("mnc", InvalidParameterException.quote(mnc), "2 or 3 digits");
        }
        return new PlmnId(mcc, mnc);
    }

    /**
     * @return the MCC, 3 digits.
     */
    public String mcc()
    {
        return mcc;
    }

    /**
     * @return the MNC as given, 2 or 3 digits.
     */
    public String mnc()
    {
        return mnc;
    }

    /**
     * @return the MNC with a leading zero added to a 2-digit MNC, as names such as the SNN spell it.
     */
    public String threeDigitMnc()
    {
        return mnc.length() == 3 ? mnc : "0" + mnc;
    }

    public int encodedLength()
    {
        return SN_ID_LENGTH;
    }

    public void encodeTo(final byte[] destination, final int offset)
    {
        System.arraycopy(snId, 0, destination, offset, SN_ID_LENGTH);
    }

    public boolean equals(final Object other)
    {
        return other instanceof PlmnId && ((PlmnId)other).mcc.equals(mcc) && ((PlmnId)other).mnc.equals(mnc);
    }

    public int hashCode()
    {
        return mcc.hashCode() * 31 + mnc.hashCode();
    }

    /**
     * @return e.g. {@code 001-01}.
     */
    public String toString()
    {
        return mcc + "-" + mnc;
    }

    private static int digit(final String digits, final int index)
    {
        return digits.charAt(index) - '0';
    }
}

package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Serving network name (TS 24.501 9.12.1), the SNN of KAUSF, RES* and KSEAF (TS 33.501 A.2, A.4, A.6):
 * {@code 5G:mnc<MNC>.mcc<MCC>.3gppnetwork.org} with a 3-digit MNC, followed by {@code :<NID>} (11
 * upper-case hexadecimal digits) in SNPN access mode, or {@code 5G:NSWO}.
 */
public final class ServingNetworkName implements KdfParameter
{
    /** What {@link #parse} accepts, as reported in errors. */
    public static final String ALLOWED =
        "5G:mncDDD.mccDDD.3gppnetwork.org, optionally followed by :NID (11 hex digits 0-9A-F), or 5G:NSWO";

    /** The SNN of non-seamless WLAN offload. */
    public static final ServingNetworkName NSWO = new ServingNetworkName("5G:NSWO");

    private static final Pattern SNN =
        Pattern.compile("5G:(?:mnc[0-9]{3}\\.mcc[0-9]{3}\\.3gppnetwork\\.org(?::[0-9A-F]{11})?|NSWO)");
    private static final Pattern NID = Pattern.compile("[0-9A-F]{11}");

    private final String value;
    private final byte[] encoding;

    private ServingNetworkName(final String value)
    {
        this.value = value;
        this.encoding = value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param snn the serving network name.
     * @return the SNN.
     * @throws InvalidParameterException naming parameter {@code snn} when not of the TS 24.501 form.
     */
    public static ServingNetworkName parse(final String snn)
    {
        return parse("snn", snn);
    }

    /**
     * @param parameter name of the parameter, for errors.
     * @param snn       the serving network name.
     * @return the SNN.
     * @throws InvalidParameterException when not of the TS 24.501 form.
     */
    public static ServingNetworkName parse(final String parameter, final String snn)
    {
        if (snn == null)
        {
            throw InvalidParameterException.missing(parameter, ALLOWED);
        }
        final String normalized = TextEncoding.normalize(snn);
        if (!SNN.matcher(normalized).matches())
        {
            throw new InvalidParameterException(parameter, "not a serving network name", ALLOWED);
        }
        return new ServingNetworkName(normalized);
    }

    /**
     * @param plmn the serving PLMN.
     * @return the SNN of that PLMN.
     */
    public static ServingNetworkName of(final PlmnId plmn)
    {
        return new ServingNetworkName(plmnPart(plmn));
    }

    /**
     * @param plmn the SNPN's PLMN identity.
     * @param nid  the network identifier, 11 upper-case hexadecimal digits.
     * @return the SNN of the SNPN.
     */
    public static ServingNetworkName snpn(final PlmnId plmn, final String nid)
    {
        if (nid == null || !NID.matcher(nid).matches())
        {
            throw new InvalidParameterException("nid", InvalidParameterException.quote(nid), "11 hex digits 0-9A-F");
        }
        return new ServingNetworkName(plmnPart(plmn) + ":" + nid);
    }

    public int encodedLength()
    {
        return encoding.length;
    }

    public void encodeTo(final byte[] destination, final int offset)
    {
        System.arraycopy(encoding, 0, destination, offset, encoding.length);
    }

    public boolean equals(final Object other)
    {
        return other instanceof ServingNetworkName && ((ServingNetworkName)other).value.equals(value);
    }

    public int hashCode()
    {
        return value.hashCode();
    }

    /**
     * @return the SNN, e.g. {@code 5G:mnc001.mcc001.3gppnetwork.org}.
     */
    public String toString()
    {
        return value;
    }

    private static String plmnPart(final PlmnId plmn)
    {
        if (plmn == null)
        {
            throw InvalidParameterException.missing("plmn", "a PLMN identity");
        }
        return "5G:mnc" + plmn.threeDigitMnc() + ".mcc" + plmn.mcc() + ".3gppnetwork.org";
    }
}

package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.nio.charset.StandardCharsets;

/**
 * Access network identity, P0 of CK'/IK' (TS 33.402 A.2): in 5G the serving network name
 * (TS 33.501 A.3), in EAP-AKA' over other accesses a name such as {@code WLAN}. Text, UTF-8 after NFKC.
 */
public final class AccessNetworkIdentity extends OctetValue
{
    /** Longest identity in octets (a KDF parameter length field). */
    public static final int MAX_LENGTH = 0xFFFF;

    private AccessNetworkIdentity(final String parameter, final byte[] octets)
    {
        super(parameter, octets, 1, MAX_LENGTH);
    }

    /**
     * @param name the access network identity.
     * @return the identity, named {@code network-name} in errors.
     */
    public static AccessNetworkIdentity of(final String name)
    {
        return new AccessNetworkIdentity("network-name", name == null ? null : TextEncoding.encode(name));
    }

    /**
     * @param snn a serving network name.
     * @return the identity 5G uses for CK'/IK'.
     */
    public static AccessNetworkIdentity of(final ServingNetworkName snn)
    {
        if (snn == null)
        {
            throw InvalidParameterException.missing("snn", "a serving network name");
        }
        return of(snn.toString());
    }

    /**
     * @return the identity as text.
     */
    public String toString()
    {
        return new String(octets(), StandardCharsets.UTF_8);
    }
}

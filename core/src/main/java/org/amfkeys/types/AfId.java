package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.util.HexFormat;

/**
 * Application function identity, P0 of KAF (TS 33.535 A.4): the FQDN of the AF followed by its Ua*
 * security protocol identifier (TS 33.220 Annex H).
 */
public final class AfId extends OctetValue
{
    /** Longest AF_ID in octets (a KDF parameter length field). */
    public static final int MAX_LENGTH = 0xFFFF;

    private AfId(final byte[] octets)
    {
        super("af-id", octets, 1, MAX_LENGTH);
    }

    /**
     * @param octets the complete AF_ID.
     * @return the AF_ID.
     */
    public static AfId of(final byte[] octets)
    {
        return new AfId(octets);
    }

    /**
     * @param fqdn                     FQDN of the AF.
     * @param uaSecurityProtocolId the Ua* security protocol identifier.
     * @return {@code fqdn || uaSecurityProtocolId}, the FQDN in UTF-8 after NFKC.
     */
    public static AfId of(final String fqdn, final byte[] uaSecurityProtocolId)
    {
        if (fqdn == null || fqdn.isEmpty())
        {
            throw InvalidParameterException.missing("af-fqdn", "the AF's FQDN");
        }
        if (uaSecurityProtocolId == null || uaSecurityProtocolId.length == 0)
        {
            throw InvalidParameterException.missing("ua-protocol-id", "the Ua* security protocol identifier octets");
        }
        final byte[] name = TextEncoding.encode(fqdn);
        final byte[] octets = new byte[name.length + uaSecurityProtocolId.length];
        System.arraycopy(name, 0, octets, 0, name.length);
        System.arraycopy(uaSecurityProtocolId, 0, octets, name.length, uaSecurityProtocolId.length);
        return new AfId(octets);
    }

    /**
     * @return the AF_ID in hexadecimal.
     */
    public String toString()
    {
        return HexFormat.of().formatHex(octets());
    }
}

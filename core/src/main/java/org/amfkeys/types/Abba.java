package org.amfkeys.types;

import java.util.HexFormat;

/**
 * Anti-bidding down between architectures (TS 33.501 A.7.1), P1 of KAMF: 1 to 255 octets, today
 * always {@link #DEFAULT 0x0000}.
 */
public final class Abba extends OctetValue
{
    /** Shortest ABBA in octets. */
    public static final int MIN_LENGTH = 1;

    /** Longest ABBA in octets. */
    public static final int MAX_LENGTH = 255;

    /** 0x0000: the initial set of 5GS security features (table A.7.1-1). */
    public static final Abba DEFAULT = new Abba(new byte[2]);

    private Abba(final byte[] octets)
    {
        super("abba", octets, MIN_LENGTH, MAX_LENGTH);
    }

    /**
     * @param octets the ABBA, 1 to 255 octets.
     * @return the ABBA.
     */
    public static Abba of(final byte[] octets)
    {
        return new Abba(octets);
    }

    /**
     * @return the ABBA in hexadecimal.
     */
    public String toString()
    {
        return HexFormat.of().formatHex(octets());
    }
}

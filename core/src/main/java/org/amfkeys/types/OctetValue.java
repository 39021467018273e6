package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.util.Arrays;

/**
 * A KDF parameter that is an octet string of bounded length. Holds its own copy of the octets.
 */
abstract class OctetValue implements KdfParameter
{
    private final byte[] octets;

    OctetValue(final String parameter, final byte[] octets, final int minLength, final int maxLength)
    {
        if (octets == null)
        {
            throw InvalidParameterException.missing(parameter, minLength + ".." + maxLength + " octets");
        }
        if (octets.length < minLength || octets.length > maxLength)
        {
            throw InvalidParameterException.badLength(parameter, octets.length, minLength + ".." + maxLength + " octets");
        }
        this.octets = octets.clone();
    }

    public final int encodedLength()
    {
        return octets.length;
    }

    public final void encodeTo(final byte[] destination, final int offset)
    {
        System.arraycopy(octets, 0, destination, offset, octets.length);
    }

    /**
     * @return a copy of the octets.
     */
    public final byte[] toByteArray()
    {
        return octets.clone();
    }

    final byte[] octets()
    {
        return octets;
    }

    public final boolean equals(final Object other)
    {
        return other != null && other.getClass() == getClass() && Arrays.equals(((OctetValue)other).octets, octets);
    }

    public final int hashCode()
    {
        return Arrays.hashCode(octets);
    }
}

package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * NAS COUNT as a KDF input: a full unsigned 32-bit value, encoded in 4 octets.
 * <p>
 * A NAS COUNT itself is 24 bits (NAS OVERFLOW, 16 bits, then NAS SQN, 8 bits) and encodes as
 * {@code 0x00 || OVERFLOW || SQN}. The KDF inputs accept all 32 bits because TS 33.501 uses
 * {@link #MAX_VALUE 2^32-1} on purpose: as the uplink NAS COUNT of the KgNB derived after a horizontal
 * KAMF derivation at N2 handover (6.9.2.3.3), of the temporary KgNB at EPS to 5GS handover (8.4.2)
 * and of the initial KeNB at 5GS to EPS handover (8.3.2).
 */
public final class NasCount
{
    /** Smallest COUNT. */
    public static final long MIN_VALUE = 0;

    /** Largest COUNT, 2^32-1; see the class description for where 3GPP uses it. */
    public static final long MAX_VALUE = 0xFFFF_FFFFL;

    /** Largest NAS OVERFLOW value. */
    public static final int MAX_OVERFLOW = 0xFFFF;

    /** Largest NAS SQN value. */
    public static final int MAX_SEQUENCE_NUMBER = 0xFF;

    private NasCount()
    {
    }

    /**
     * Validates a COUNT given to a derivation.
     *
     * @param parameter name of the parameter, e.g. {@code ul-count}.
     * @param count     the COUNT, 0..2^32-1.
     * @return the COUNT's 32 bits as an int, ready to encode.
     * @throws InvalidParameterException when out of range.
     */
    public static int check(final String parameter, final long count)
    {
        if (count < MIN_VALUE || count > MAX_VALUE)
        {
            throw InvalidParameterException.outOfRange(parameter, count, MIN_VALUE, MAX_VALUE);
        }
        return (int)count;
    }

    /**
     * Builds a NAS COUNT from its parts (TS 24.501 4.4.3.1).
     *
     * @param overflow       NAS OVERFLOW, 0..65535.
     * @param sequenceNumber NAS SQN, 0..255.
     * @return {@code overflow << 8 | sequenceNumber}.
     */
    public static long of(final int overflow, final int sequenceNumber)
    {
        if (overflow < 0 || overflow > MAX_OVERFLOW)
        {
            throw InvalidParameterException.outOfRange("overflow", overflow, 0, MAX_OVERFLOW);
        }
        if (sequenceNumber < 0 || sequenceNumber > MAX_SEQUENCE_NUMBER)
        {
            throw InvalidParameterException.outOfRange("sqn", sequenceNumber, 0, MAX_SEQUENCE_NUMBER);
        }
        return ((long)overflow << 8) | sequenceNumber;
    }
}

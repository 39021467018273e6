package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * Identity of a ciphering or integrity algorithm (NEA/NIA, EEA/EIA): one octet with the algorithm
 * number in its 4 least significant bits (TS 33.501 A.8, TS 33.401 A.7).
 */
public final class AlgorithmIdentity
{
    /** Largest algorithm number. */
    public static final int MAX_VALUE = 15;

    private AlgorithmIdentity()
    {
    }

    /**
     * @param parameter name of the parameter.
     * @param algorithm algorithm number, 0..15.
     * @return {@code algorithm}.
     */
    public static int check(final String parameter, final int algorithm)
    {
        return InvalidParameterException.requireInRange(parameter, algorithm, 0, MAX_VALUE);
    }
}

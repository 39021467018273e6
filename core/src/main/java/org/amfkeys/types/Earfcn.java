package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * E-UTRA downlink EARFCN of a target cell. Encoded in 3 octets for a 5GS target ng-eNB (TS 33.501
 * A.12); for EPS KeNB* (TS 33.401 A.5) in 2 octets up to 65535 and 3 octets above, so that Rel-8
 * equipment derives the same key.
 */
public final class Earfcn
{
    /** Largest EARFCN (TS 36.101 5.7.3). */
    public static final int MAX_VALUE = 262_143;

    /** Largest EARFCN that TS 33.401 A.5 encodes in 2 octets. */
    public static final int MAX_TWO_OCTET_VALUE = 0xFFFF;

    private Earfcn()
    {
    }

    /**
     * @param parameter name of the parameter.
     * @param earfcn    EARFCN, 0..262143.
     * @return {@code earfcn}.
     */
    public static int check(final String parameter, final int earfcn)
    {
        return InvalidParameterException.requireInRange(parameter, earfcn, 0, MAX_VALUE);
    }
}

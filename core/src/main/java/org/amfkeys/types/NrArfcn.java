package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * NR-ARFCN of the target cell's SSB (TS 33.501 A.11 "ARFCN-DL"), always encoded in 3 octets, also
 * below 65536 (srsRAN encodes 2 octets there and derives a different KNG-RAN*).
 */
public final class NrArfcn
{
    /** Largest NR-ARFCN (TS 38.104 5.4.2.1). */
    public static final int MAX_VALUE = 3_279_165;

    private NrArfcn()
    {
    }

    /**
     * @param parameter name of the parameter.
     * @param arfcn     NR-ARFCN, 0..3279165.
     * @return {@code arfcn}.
     */
    public static int check(final String parameter, final int arfcn)
    {
        return InvalidParameterException.requireInRange(parameter, arfcn, 0, MAX_VALUE);
    }
}

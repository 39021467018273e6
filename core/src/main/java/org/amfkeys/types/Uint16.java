package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * Two-octet counters fed to derivations: the SN Counter (TS 33.501 A.16), the SCG Counter
 * (TS 33.401 S-KeNB), CounterSoR and CounterUPU (TS 33.501 A.17 to A.20).
 */
public final class Uint16
{
    /** Largest two-octet value. */
    public static final int MAX_VALUE = 0xFFFF;

    private Uint16()
    {
    }

    /**
     * @param parameter name of the parameter.
     * @param value     0..65535.
     * @return {@code value}.
     */
    public static int check(final String parameter, final int value)
    {
        return InvalidParameterException.requireInRange(parameter, value, 0, MAX_VALUE);
    }
}

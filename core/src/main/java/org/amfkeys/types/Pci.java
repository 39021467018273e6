package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * Physical cell identity of a target cell, encoded in 2 octets (TS 33.501 A.11/A.12, TS 33.401 A.5).
 */
public final class Pci
{
    /** Largest NR PCI (TS 38.211 7.4.2.1: 1008 identities). */
    public static final int MAX_NR = 1007;

    /** Largest E-UTRA PCI (TS 36.211 6.11: 504 identities). */
    public static final int MAX_EUTRA = 503;

    private Pci()
    {
    }

    /**
     * @param parameter name of the parameter.
     * @param pci       NR PCI, 0..1007.
     * @return {@code pci}.
     */
    public static int checkNr(final String parameter, final int pci)
    {
        return check(parameter, pci, MAX_NR);
    }

    /**
     * @param parameter name of the parameter.
     * @param pci       E-UTRA PCI, 0..503.
     * @return {@code pci}.
     */
    public static int checkEutra(final String parameter, final int pci)
    {
        return check(parameter, pci, MAX_EUTRA);
    }

    private static int check(final String parameter, final int pci, final int max)
    {
        return InvalidParameterException.requireInRange(parameter, pci, 0, max);
    }
}

package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * ngKSI, the NAS key set identifier of a 5G NAS security context (TS 24.501 9.11.3.32, TS 33.501
 * 6.2.2.1), in one octet: the type of security context flag in bit 3 (0 native, 1 mapped) and the key
 * set identifier in bits 0..2, where 7 means no key is available.
 */
public final class NgKsi
{
    /** Largest key set identifier that names a key. */
    public static final int MAX_KEY_SET_IDENTIFIER = 6;

    /** Key set identifier meaning "no key is available". */
    public static final int NO_KEY = 7;

    /** The type of security context flag: set for a mapped context, clear for a native one. */
    public static final int MAPPED = 0x08;

    private NgKsi()
    {
    }

    /**
     * Encodes an ngKSI.
     *
     * @param keySetIdentifier 0..6, or {@link #NO_KEY}.
     * @param mapped           whether the context is mapped from EPS rather than native.
     * @return the octet.
     * @throws InvalidParameterException when the identifier is out of range.
     */
    public static int of(final int keySetIdentifier, final boolean mapped)
    {
        InvalidParameterException.requireInRange("ngksi", keySetIdentifier, 0, NO_KEY);
        return (mapped ? MAPPED : 0) | keySetIdentifier;
    }

    /**
     * Validates an encoded ngKSI.
     *
     * @param parameter name of the parameter.
     * @param ngKsi     the octet, 0..15.
     * @return {@code ngKsi}.
     */
    public static int check(final String parameter, final int ngKsi)
    {
        return InvalidParameterException.requireInRange(parameter, ngKsi, 0, MAPPED | NO_KEY);
    }

    /**
     * @param ngKsi an encoded ngKSI.
     * @return its key set identifier, 0..7.
     */
    public static int keySetIdentifier(final int ngKsi)
    {
        return ngKsi & NO_KEY;
    }

    /**
     * The KSI of a context mapped across systems: the same key set identifier, of type "mapped", as
     * eKSI takes from ngKSI (TS 33.501 8.3.2) and ngKSI from eKSI (8.4.2).
     *
     * @param ksi an encoded ngKSI or eKSI.
     * @return the mapped one.
     */
    public static int mapped(final int ksi)
    {
        return MAPPED | keySetIdentifier(ksi);
    }

    /**
     * @param ngKsi an encoded ngKSI.
     * @return whether it names a mapped context.
     */
    public static boolean isMapped(final int ngKsi)
    {
        return (ngKsi & MAPPED) != 0;
    }

    /**
     * @param ngKsi an encoded ngKSI.
     * @return e.g. {@code native:3} or {@code mapped:none}.
     */
    public static String toString(final int ngKsi)
    {
        final int identifier = keySetIdentifier(ngKsi);
        return (isMapped(ngKsi) ? "mapped:" : "native:") + (identifier == NO_KEY ? "none" : Integer.toString(identifier));
    }
}

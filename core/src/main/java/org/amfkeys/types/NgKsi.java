package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

/**
 * ngKSI, the NAS key set identifier of a 5G NAS security context (TS 24.501 9.11.3.32, TS 33.501
 * 6.2.2.1), in one octet: the type of security context flag in bit 3 (0 native, 1 mapped) and the key
 * set identifier in bits 0..2, where 7 means no key is available.
 * <p>
 * Every check of an ngKSI in amfkeys is one of the two here, so that every message states the same
 * ranges: {@link #checkKeySetIdentifier} for a new context's identifier (0..6: it names a key), and
 * {@link #check} for an encoded ngKSI as a context or message holds it (0..15: flag and identifier,
 * 7 included).
 */
public final class NgKsi
{
    /** Largest key set identifier that names a key: 3 bits, and 7 is "no key is available". */
    public static final int MAX_KEY_SET_IDENTIFIER = 6;

    /** Key set identifier meaning "no key is available". */
    public static final int NO_KEY = 7;

    /** The type of security context flag: set for a mapped context, clear for a native one. */
    public static final int MAPPED = 0x08;

    /** Largest encoded ngKSI: a mapped context's "no key is available". */
    public static final int MAX_ENCODED = MAPPED | NO_KEY;

    /** The allowed range of a key set identifier that names a key, as messages state it. */
    public static final String KEY_SET_IDENTIFIER_RANGE = "0.." + MAX_KEY_SET_IDENTIFIER + " (7 means no key is available)";

    /** The allowed range of an encoded ngKSI, as messages state it. */
    public static final String ENCODED_RANGE = "0.." + MAX_ENCODED + ": key set identifier 0.." + MAX_KEY_SET_IDENTIFIER +
        " or 7 (no key is available), plus " + MAPPED + " for a mapped context";

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
        if (keySetIdentifier != NO_KEY)
        {
            checkKeySetIdentifier("ngksi", keySetIdentifier);
        }
        return (mapped ? MAPPED : 0) | keySetIdentifier;
    }

    /**
     * Validates the key set identifier of a new context: it names a key, so it is 0..6, never
     * {@link #NO_KEY}. A new context is native, so this is also its encoded ngKSI.
     *
     * @param parameter name of the parameter.
     * @param keySetIdentifier 0..{@value #MAX_KEY_SET_IDENTIFIER}.
     * @return {@code keySetIdentifier}.
     * @throws InvalidParameterException stating {@link #KEY_SET_IDENTIFIER_RANGE} when it is not.
     */
    public static int checkKeySetIdentifier(final String parameter, final int keySetIdentifier)
    {
        if (keySetIdentifier < 0 || keySetIdentifier > MAX_KEY_SET_IDENTIFIER)
        {
            throw new InvalidParameterException(parameter, keySetIdentifier + " is out of range", KEY_SET_IDENTIFIER_RANGE);
        }
        return keySetIdentifier;
    }

    /**
     * Validates an encoded ngKSI: the type of security context flag and the key set identifier, which
     * may be {@link #NO_KEY}.
     *
     * @param parameter name of the parameter.
     * @param ngKsi     the octet, 0..{@value #MAX_ENCODED}.
     * @return {@code ngKsi}.
     * @throws InvalidParameterException stating {@link #ENCODED_RANGE} when it is not.
     */
    public static int check(final String parameter, final int ngKsi)
    {
        if (ngKsi < 0 || ngKsi > MAX_ENCODED)
        {
            throw new InvalidParameterException(parameter, ngKsi + " is out of range", ENCODED_RANGE);
        }
        return ngKsi;
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

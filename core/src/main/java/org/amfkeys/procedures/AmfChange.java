package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;

/**
 * A UE's move from one AMF to another, as a {@link HorizontalKamfPolicy} sees it: by context transfer
 * (mobility registration update) or by N2 handover, between which AMF sets, and whether the two AMFs
 * keep their keys in shared secure storage.
 *
 * @param kind                how the UE moves.
 * @param sourceAmfSet        the source AMF's set: AMF Region ID (8 bits) &lt;&lt; 10 | AMF Set ID (10 bits),
 *                            as in a GUAMI (TS 23.003 2.10.1), 0..2^18-1.
 * @param targetAmfSet        the target AMF's set, same encoding.
 * @param sharedSecureStorage whether source and target share secure storage for keys, so that the
 *                            target could read the source's KAMF anyway.
 */
public record AmfChange(Kind kind, int sourceAmfSet, int targetAmfSet, boolean sharedSecureStorage)
{
    /** Largest AMF set value: 18 bits. */
    public static final int MAX_AMF_SET = (1 << 18) - 1;

    /** How the UE moves. */
    public enum Kind
    {
        /** Mobility registration update: the target fetches the context (TS 33.501 6.9.3). */
        CONTEXT_TRANSFER,
        /** N2 handover to a target gNB served by another AMF (TS 33.501 6.9.2.3.3). */
        N2_HANDOVER
    }

    /**
     * Validates the move.
     *
     * @param kind                how the UE moves.
     * @param sourceAmfSet        the source AMF's set (AMF Region ID and AMF Set ID), 0..2^18-1.
     * @param targetAmfSet        the target AMF's set, same encoding.
     * @param sharedSecureStorage whether source and target share secure storage for keys.
     */
    public AmfChange
    {
        if (kind == null)
        {
            throw InvalidParameterException.missing("kind", "context-transfer or n2-handover");
        }
        InvalidParameterException.requireInRange("source-amf-set", sourceAmfSet, 0, MAX_AMF_SET);
        InvalidParameterException.requireInRange("target-amf-set", targetAmfSet, 0, MAX_AMF_SET);
    }

    /**
     * @param expected the kind a procedure needs.
     * @return this.
     * @throws InvalidParameterException when the move is of another kind.
     */
    public AmfChange requireKind(final Kind expected)
    {
        if (kind != expected)
        {
            throw new InvalidParameterException("change", "an AMF change of kind " + kind, expected.toString());
        }
        return this;
    }

    /**
     * @return whether source and target AMF belong to one AMF set of one region.
     */
    public boolean sameAmfSet()
    {
        return sourceAmfSet == targetAmfSet;
    }
}

package org.amfkeys.procedures;

/**
 * What a {@link HorizontalKamfPolicy} decided for one AMF change, and why, in words a caller can log:
 * each value says whether KAMF' is derived and names the rule that said so.
 */
public enum HorizontalKamfDecision
{
    /** The policy is "never". */
    NEVER(1, false, "the policy never derives a horizontal KAMF"),
    /** The policy is "always". */
    ALWAYS(2, true, "the policy always derives a horizontal KAMF"),
    /** The AMF set changes. */
    AMF_SET_CHANGES(3, true, "the target AMF is in another AMF set"),
    /** The AMF set stays. */
    SAME_AMF_SET(4, false, "the target AMF is in the source's AMF set"),
    /** No shared secure storage. */
    STORAGE_NOT_SHARED(5, true, "source and target AMF do not share secure storage"),
    /** Shared secure storage. */
    STORAGE_SHARED(6, false, "source and target AMF share secure storage"),
    /** The operator's predicate holds. */
    OPERATOR_DERIVES(7, true, "the operator's policy asks for a horizontal KAMF"),
    /** The operator's predicate does not hold. */
    OPERATOR_KEEPS(8, false, "the operator's policy keeps KAMF");

    private static final HorizontalKamfDecision[] ALL = values();

    private final int code;
    private final boolean derive;
    private final String reason;

    HorizontalKamfDecision(final int code, final boolean derive, final String reason)
    {
        this.code = code;
        this.derive = derive;
        this.reason = reason;
    }

    /**
     * @return the code a deferred procedure's context stores for this decision, 1..15: fixed here, so
     *         that reordering the constants never changes what a stored code means.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a code from {@link #code()}.
     * @return its decision.
     * @throws IllegalStateException when no decision has that code (a corrupted context).
     */
    public static HorizontalKamfDecision ofCode(final int code)
    {
        for (final HorizontalKamfDecision decision : ALL)
        {
            if (decision.code == code)
            {
                return decision;
            }
        }
        throw new IllegalStateException("no horizontal KAMF decision has code " + code);
    }

    /**
     * @return whether KAMF' is derived (TS 33.501 A.13) and sent with keyAmfHDerivationInd.
     */
    public boolean derive()
    {
        return derive;
    }

    /**
     * @return why, without key material.
     */
    public String reason()
    {
        return reason;
    }
}

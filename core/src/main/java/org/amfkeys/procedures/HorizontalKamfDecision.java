package org.amfkeys.procedures;

/**
 * What a {@link HorizontalKamfPolicy} decided for one AMF change, and why, in words a caller can log:
 * each value says whether KAMF' is derived and names the rule that said so.
 */
public enum HorizontalKamfDecision
{
    /** The policy is "never". */
    NEVER(false, "the policy never derives a horizontal KAMF"),
    /** The policy is "always". */
    ALWAYS(true, "the policy always derives a horizontal KAMF"),
    /** The AMF set changes. */
    AMF_SET_CHANGES(true, "the target AMF is in another AMF set"),
    /** The AMF set stays. */
    SAME_AMF_SET(false, "the target AMF is in the source's AMF set"),
    /** No shared secure storage. */
    STORAGE_NOT_SHARED(true, "source and target AMF do not share secure storage"),
    /** Shared secure storage. */
    STORAGE_SHARED(false, "source and target AMF share secure storage"),
    /** The operator's predicate holds. */
    OPERATOR_DERIVES(true, "the operator's policy asks for a horizontal KAMF"),
    /** The operator's predicate does not hold. */
    OPERATOR_KEEPS(false, "the operator's policy keeps KAMF");

    private final boolean derive;
    private final String reason;

    HorizontalKamfDecision(final boolean derive, final String reason)
    {
        this.derive = derive;
        this.reason = reason;
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

package org.amfkeys.procedures;

/**
 * How a procedure in flight ends.
 */
public enum ProcedureOutcome
{
    /** It completed: the response or notification arrived. */
    COMPLETE("complete"),

    /** The peer rejected it, or it failed or was cancelled. */
    FAILURE("failure"),

    /** The node's timer expired: it ends as failed, and its message is taken as never delivered. */
    ABORT("abort");

    private final String token;

    ProcedureOutcome(final String token)
    {
        this.token = token;
    }

    /**
     * @return its name in {@code amfkeys trace}.
     */
    public String token()
    {
        return token;
    }

    /**
     * @param token a name from {@link #token()}.
     * @return the outcome.
     * @throws org.amfkeys.InvalidParameterException for an unknown name.
     */
    public static ProcedureOutcome of(final String token)
    {
        for (final ProcedureOutcome outcome : values())
        {
            if (outcome.token.equals(token))
            {
                return outcome;
            }
        }
        throw new org.amfkeys.InvalidParameterException("outcome",
            "unknown outcome " + org.amfkeys.InvalidParameterException.quote(token), "complete, failure or abort");
    }
}

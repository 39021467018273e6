package org.amfkeys.engine;

/**
 * How a request ended. The code is the completion record's message type: explicit, never an ordinal.
 */
public enum CompletionStatus
{
    /** The step ran and its change is committed; an operation that gives a pair carries it. */
    DONE(1),
    /** The UE is not in the table; nothing changed. */
    UNKNOWN_UE(2),
    /** A concurrency rule or the UE's state refused the step; nothing changed. The rule, if any, is given. */
    REFUSED(3),
    /** A request parameter is out of its range; nothing changed. */
    INVALID(4),
    /** The step failed inside the engine (the table closed under it, say); nothing changed. */
    FAILED(5),
    /** The UE is new and the context table has no room for it; nothing changed. */
    TABLE_FULL(6);

    private static final CompletionStatus[] BY_CODE = new CompletionStatus[values().length + 1];

    static
    {
        for (final CompletionStatus status : values())
        {
            BY_CODE[status.code] = status;
        }
    }

    private final int code;

    CompletionStatus(final int code)
    {
        this.code = code;
    }

    /**
     * @return the code a completion record carries as its message type, 1 and up.
     */
    public int code()
    {
        return code;
    }

    /**
     * @param code a code as {@link #code()} gives it.
     * @return the status, or null when no status has that code.
     */
    public static CompletionStatus ofCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}

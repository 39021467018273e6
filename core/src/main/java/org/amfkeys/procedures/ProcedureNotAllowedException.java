package org.amfkeys.procedures;

/**
 * A procedure step that the UE's current security state does not allow, such as a Path Switch for a
 * UE without an AS security context, or one that a {@link ConcurrencyRule} forbids while another
 * procedure is in flight. Nothing has changed when it is thrown.
 */
public final class ProcedureNotAllowedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final transient ConcurrencyRule rule;
    private final String blocking;

    /**
     * @param procedure the procedure asked for.
     * @param reason    why the state does not allow it.
     */
    public ProcedureNotAllowedException(final String procedure, final String reason)
    {
        super(procedure + ": " + reason);
        this.rule = null;
        this.blocking = null;
    }

    /**
     * @param procedure the procedure asked for.
     * @param rule      the concurrency rule that forbids it.
     * @param blocking  the procedure in flight that blocks it.
     */
    public ProcedureNotAllowedException(final String procedure, final ConcurrencyRule rule, final String blocking)
    {
        super(procedure + ": refused while " + blocking + " is in flight (" + rule.clause() + ": " + rule.summary() + ")");
        this.rule = rule;
        this.blocking = blocking;
    }

    /**
     * @return the concurrency rule that forbids the procedure, or null when the UE's state does.
     */
    public ConcurrencyRule rule()
    {
        return rule;
    }

    /**
     * @return the procedure in flight that blocks it, or null when the UE's state does.
     */
    public String blocking()
    {
        return blocking;
    }
}

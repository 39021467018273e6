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
    /** The procedure in flight that blocks it, or null when no rule refused it. */
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
     * A procedure that needs one more NAS COUNT under the current root key, when that COUNT is used
     * up: NAS COUNT is 24 bits (NAS OVERFLOW and NAS SQN, TS 33.501 6.4.3.1) and never wraps under one
     * key, so only a new KAMF (KASME) lets NAS go on.
     *
     * @param procedure the procedure asked for.
     * @param downlink  true for the downlink COUNT, false for the uplink one.
     * @param chain     the system of the context, which names the root key and how a new one comes.
     * @return the exception to throw.
     */
    public static ProcedureNotAllowedException nasCountExhausted(
        final String procedure, final boolean downlink, final AccessStratumChain chain)
    {
        return new ProcedureNotAllowedException(procedure, (downlink ? "downlink" : "uplink") +
            " NAS COUNT exhausted at 2^24-1; " + (chain == AccessStratumChain.E_UTRA ?
            "a new KASME (EPS AKA) is needed first" : "a new KAMF (primary authentication or NAS key refresh) is needed first"));
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

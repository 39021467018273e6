package org.amfkeys.procedures;

/**
 * A procedure step that the UE's current security state does not allow, such as a Path Switch for a
 * UE without an AS security context. Nothing has changed when it is thrown.
 */
public final class ProcedureNotAllowedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param procedure the procedure asked for.
     * @param reason    why the state does not allow it.
     */
    public ProcedureNotAllowedException(final String procedure, final String reason)
    {
        super(procedure + ": " + reason);
    }
}

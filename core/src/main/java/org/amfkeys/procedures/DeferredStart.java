package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;

/**
 * Receives what became of a deferred procedure when the procedure that blocked it ended: the call that
 * ends a NAS SMC or a UE Context Modification starts the waiting procedure at once and fills
 * {@link #transfer()} with what the node sends. Reused from call to call; not thread-safe.
 */
public final class DeferredStart
{
    /** What became of the deferred procedure. */
    public enum Result
    {
        /** No procedure was waiting. */
        NONE,
        /** It started: {@link #transfer()} holds its content. */
        STARTED,
        /** Another procedure in flight still blocks it; it keeps waiting under {@link #rule()}. */
        WAITING,
        /** The UE's state no longer allows it; it was dropped and {@link #reason()} says why. */
        REFUSED
    }

    private final UeContextTransfer transfer;
    private Result result = Result.NONE;
    private DeferredProcedure procedure;
    private ConcurrencyRule rule;
    private String reason;

    /**
     * A carrier with its own transfer.
     */
    public DeferredStart()
    {
        this(new UeContextTransfer());
    }

    /**
     * @param transfer receives the content of a procedure that starts.
     */
    public DeferredStart(final UeContextTransfer transfer)
    {
        if (transfer == null)
        {
            throw InvalidParameterException.missing("transfer", "a UeContextTransfer");
        }
        this.transfer = transfer;
    }

    /**
     * @return what became of the deferred procedure.
     */
    public Result result()
    {
        return result;
    }

    /**
     * @return the deferred procedure, or null with {@link Result#NONE}.
     */
    public DeferredProcedure procedure()
    {
        return procedure;
    }

    /**
     * @return the rule it still waits under, with {@link Result#WAITING}.
     */
    public ConcurrencyRule rule()
    {
        return rule;
    }

    /**
     * @return why it was dropped, with {@link Result#REFUSED}.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * @return the started procedure's content, with {@link Result#STARTED}.
     */
    public UeContextTransfer transfer()
    {
        return transfer;
    }

    /**
     * Forgets the last result and zeroes the transfer's keys.
     */
    public void clear()
    {
        result = Result.NONE;
        procedure = null;
        rule = null;
        reason = null;
        transfer.clear();
    }

    /**
     * Makes this a copy of {@code other}, its transfer's keys included: for a simulation that keeps a
     * procedure's carriers across steps and must be able to put them back.
     *
     * @param other the carrier to copy.
     */
    public void copyFrom(final DeferredStart other)
    {
        set(other.result, other.procedure, other.rule, other.reason);
        transfer.copyFrom(other.transfer);
    }

    void set(final Result result, final DeferredProcedure procedure, final ConcurrencyRule rule, final String reason)
    {
        this.result = result;
        this.procedure = procedure;
        this.rule = rule;
        this.reason = reason;
    }

    public String toString()
    {
        return "DeferredStart[" + result + (procedure == null ? "" : ", " + procedure.token()) +
            (rule == null ? "" : ", " + rule.clause()) + "]";
    }
}

package org.amfkeys.procedures;

import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;

import static org.amfkeys.procedures.ProcedureStateDescriptor.DEFERRED_ANY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.DEFERRED_DECISION_MASK;
import static org.amfkeys.procedures.ProcedureStateDescriptor.DEFERRED_DECISION_SHIFT;

/**
 * Procedures a concurrency rule made wait: recorded in the UE's context with the parameters they were
 * called with ({@link #defer}), started in the claim of the step that ends what blocked them
 * ({@link #resumeDeferred}), or forgotten ({@link #cancelDeferred}). One instance per procedures
 * instance: it keeps the image a refused start is undone with.
 */
final class DeferredStarts
{
    /** The context as it was before a deferred procedure's attempt, so a refused one leaves no trace. */
    private final SecurityContext beforeResume = new SecurityContext();

    /**
     * Records {@code procedure} as waiting under {@code rule} instead of starting it: its parameters go
     * into the context, and the carrier names the rule.
     *
     * @return {@link ProcedureStart#DEFERRED}.
     */
    static ProcedureStart defer(
        final SecurityContext context, final DeferredProcedure procedure, final ConcurrencyRule rule,
        final HorizontalKamfDecision decision, final long ulCount, final UeContextTransfer transfer)
    {
        final int state = context.procedureState();
        final DeferredProcedure waiting = DeferredProcedure.in(state);
        if (waiting != null)
        {
            throw new ProcedureNotAllowedException(procedure.token(),
                "a deferred " + waiting.token() + " already waits for the UE; cancel it first");
        }
        context.procedureState(state | procedure.bit() | (decision == null ? 0 : decision.code()) << DEFERRED_DECISION_SHIFT);
        context.deferredUplinkNasCount(ulCount);
        transfer.deferredBy(rule);
        return ProcedureStart.DEFERRED;
    }

    /**
     * Starts the deferred procedure, if any, in the claim of the step that ended what blocked it, so no
     * other procedure can slip in between. One the UE's state no longer allows is dropped and reported
     * as refused, with the context as it was before the attempt: nothing is dropped silently, and the
     * blocker's end stands.
     *
     * @param started receives what became of it; null leaves it recorded.
     * @param node    the node whose procedure it is.
     */
    void resumeDeferred(final SecurityContext context, final DeferredStart started, final CoreNetworkProcedures node)
    {
        final int state = context.procedureState();
        final DeferredProcedure procedure = DeferredProcedure.in(state);
        if (started == null || procedure == null)
        {
            return;
        }
        final UeContextTransfer transfer = started.transfer();
        final int length = SecurityContextDescriptor.LENGTH;
        beforeResume.buffer().putBytes(beforeResume.offset(), context.buffer(), context.offset(), length);
        final int decisionCode = (state >>> DEFERRED_DECISION_SHIFT) & DEFERRED_DECISION_MASK;
        final HorizontalKamfDecision decision = decisionCode == 0 ? null : HorizontalKamfDecision.ofCode(decisionCode);
        final long ulCount = context.deferredUplinkNasCount();
        try
        {
            cancelDeferred(context);
            if (node.startDeferred(context, procedure, decision, ulCount, transfer) == ProcedureStart.DEFERRED)
            {
                started.set(DeferredStart.Result.WAITING, procedure, transfer.deferredBy(), null);
            }
            else
            {
                transfer.horizontalKamfDecision(decision);
                started.set(DeferredStart.Result.STARTED, procedure, null, null);
            }
        }
        catch (final ProcedureNotAllowedException ex)
        {
            context.buffer().putBytes(context.offset(), beforeResume.buffer(), beforeResume.offset(), length);
            cancelDeferred(context);
            transfer.clear();
            started.set(DeferredStart.Result.REFUSED, procedure, ex.rule(), ex.getMessage());
        }
        finally
        {
            beforeResume.clear();
        }
    }

    /**
     * @return the procedure that waited, now forgotten, or null.
     */
    static DeferredProcedure cancelDeferred(final SecurityContext context)
    {
        final int state = context.procedureState();
        context.procedureState(state & ~(DEFERRED_ANY | DEFERRED_DECISION_MASK << DEFERRED_DECISION_SHIFT));
        context.deferredUplinkNasCount(0);
        return DeferredProcedure.in(state);
    }

    /**
     * Empties the caller's {@link DeferredStart}, if any, before a step that may start a deferred procedure.
     */
    static void clearStarted(final DeferredStart started)
    {
        if (started != null)
        {
            started.clear();
        }
    }
}

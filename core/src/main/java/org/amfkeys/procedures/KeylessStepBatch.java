package org.amfkeys.procedures;

import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.SecurityContext;

/**
 * The steps that derive no key, {@link CoreNetworkProcedures#handoverFailed} and
 * {@link CoreNetworkProcedures#release}, for a batch of UEs, with their checks, effects and refusals:
 * each UE is claimed where the batch's prefetch found it, checked, changed and committed at once. Such
 * a step checks everything before it writes, so it needs none of the image a direct step keeps for an
 * abort. Runs on the node's thread, like its other calls.
 */
public final class KeylessStepBatch
{
    /**
     * A step this batch runs.
     */
    public enum Step
    {
        /** {@link CoreNetworkProcedures#handoverFailed}. */
        HANDOVER_FAILED,
        /** {@link CoreNetworkProcedures#release}. */
        RELEASE
    }

    private final ProcedureFrame frame;
    private final ContextBatch claims;

    /**
     * @param node   the node whose steps run in batches.
     * @param claims the batch's claims, as {@link NextHopBatch#NextHopBatch(CoreNetworkProcedures, ContextBatch)} takes them.
     */
    public KeylessStepBatch(final CoreNetworkProcedures node, final ContextBatch claims)
    {
        ProcedureFrame.requirePresent("node", node, "an AmfProcedures or MmeProcedures");
        this.frame = node.frame;
        this.claims = StagedBatch.requireClaimsOf(frame, claims);
    }

    /**
     * Runs the step for one UE of the batch: claimed, checked, changed and committed.
     *
     * @param index the request's place in the batch, 0..capacity-1.
     * @param ueId  the UE identifier.
     * @param step  the step.
     * @return false when the UE is unknown.
     * @throws ProcedureNotAllowedException when the step's check refuses it; nothing changed.
     * @throws IllegalStateException        when the table was closed meanwhile.
     */
    public boolean run(final int index, final long ueId, final Step step)
    {
        frame.ensureOpen();
        ProcedureFrame.requirePresent("step", step, "a KeylessStepBatch.Step");
        final SecurityContext context = claims.claim(index, ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            switch (step)
            {
                case HANDOVER_FAILED -> AccessStratumSteps.handoverFailed(context);
                case RELEASE -> AccessStratumSteps.release(context);
                default -> throw new IllegalStateException("unknown step " + step);
            }
        }
        catch (final RuntimeException ex)
        {
            // Checks come before any write: the claim ends with the context as it was.
            claims.commit(index);
            throw ex;
        }
        if (!claims.commit(index))
        {
            throw new IllegalStateException("the context table was closed during the batch");
        }
        return true;
    }

    /**
     * @return the batch's state.
     */
    public String toString()
    {
        return "KeylessStepBatch[claims=" + claims + "]";
    }
}

package org.amfkeys.engine;

import org.amfkeys.procedures.BatchStaging;
import org.amfkeys.procedures.KeylessStepBatch;

/**
 * A handover's failure and a release as a {@link BatchedStep}: each runs whole when staged, on the
 * batch's claims ({@link KeylessStepBatch}); there is nothing to compute.
 */
final class KeylessStep implements BatchedStep
{
    private final KeylessStepBatch batch;

    /**
     * @param batch the node's batch form.
     */
    KeylessStep(final KeylessStepBatch batch)
    {
        this.batch = batch;
    }

    public boolean runs(final int operation)
    {
        return operation == EngineOperation.HANDOVER_FAILED.code() || operation == EngineOperation.RELEASE.code();
    }

    public BatchStaging stage(final int request, final long ueId, final int operation)
    {
        final KeylessStepBatch.Step step = operation == EngineOperation.RELEASE.code() ?
            KeylessStepBatch.Step.RELEASE : KeylessStepBatch.Step.HANDOVER_FAILED;
        return batch.run(request, ueId, step) ? BatchStaging.STAGED : BatchStaging.UNKNOWN_UE;
    }

    public void compute(final RecordsKernel kernel, final EngineCounters.WorkerCounters counters)
    {
        // Nothing to derive.
    }

    public void finish(final int request, final int operation)
    {
        // Done when staged.
    }

    public void endBatch()
    {
        // Every claim was committed when staged.
    }

    public void close()
    {
        // Holds no memory of its own.
    }
}

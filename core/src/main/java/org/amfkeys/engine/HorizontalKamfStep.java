package org.amfkeys.engine;

import org.amfkeys.procedures.BatchStaging;
import org.amfkeys.procedures.HorizontalKamfBatch;
import org.amfkeys.procedures.UeContextTransfer;

/**
 * The source AMF's N2 handover to another AMF with a horizontal KAMF as a {@link BatchedStep}: every
 * KAMF' of the batch in one kernel call, then every temporary KgNB in another ({@link HorizontalKamfBatch}).
 */
final class HorizontalKamfStep implements BatchedStep
{
    private final HorizontalKamfBatch batch;
    private final UeContextTransfer[] transfers;

    /**
     * @param batch     the AMF's batch form; owned from now on.
     * @param transfers the worker's transfer of each request, which receives the content for the target.
     */
    HorizontalKamfStep(final HorizontalKamfBatch batch, final UeContextTransfer[] transfers)
    {
        this.batch = batch;
        this.transfers = transfers;
    }

    public boolean runs(final int operation)
    {
        return operation == EngineOperation.HANDOVER_TO_AMF_WITH_HORIZONTAL_KAMF.code();
    }

    public BatchStaging stage(final int request, final long ueId, final int operation)
    {
        return batch.stage(request, ueId);
    }

    public void compute(final RecordsKernel kernel, final EngineCounters.WorkerCounters counters)
    {
        final int staged = batch.staged();
        if (staged > 0)
        {
            counters.kernelCall(!kernel.compute(batch.horizontalKamfRecords(), staged));
            batch.stageTemporaryKgnbs();
            counters.kernelCall(!kernel.compute(batch.temporaryKgnbRecords(), staged));
        }
    }

    public void finish(final int request, final int operation)
    {
        batch.finish(request, transfers[request]);
    }

    public void endBatch()
    {
        batch.endBatch();
    }

    public void close()
    {
        batch.close();
    }
}

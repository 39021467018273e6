package org.amfkeys.engine;

import org.amfkeys.procedures.BatchStaging;
import org.amfkeys.procedures.IdleHorizontalKamfBatch;
import org.amfkeys.procedures.UeContextTransfer;

/**
 * The source AMF's mobility registration with a horizontal KAMF as a {@link BatchedStep}: every KAMF' of
 * the batch in one kernel call ({@link IdleHorizontalKamfBatch}).
 */
final class IdleHorizontalKamfStep implements BatchedStep
{
    private final IdleHorizontalKamfBatch batch;
    private final long[] uplinkCounts;
    private final UeContextTransfer[] transfers;

    /**
     * @param batch        the AMF's batch form; owned from now on.
     * @param uplinkCounts the worker's UL NAS COUNT of each request.
     * @param transfers    the worker's transfer of each request, which receives the content for the target.
     */
    IdleHorizontalKamfStep(final IdleHorizontalKamfBatch batch, final long[] uplinkCounts, final UeContextTransfer[] transfers)
    {
        this.batch = batch;
        this.uplinkCounts = uplinkCounts;
        this.transfers = transfers;
    }

    public boolean runs(final int operation)
    {
        return operation == EngineOperation.CONTEXT_TRANSFER_WITH_HORIZONTAL_KAMF.code();
    }

    public BatchStaging stage(final int request, final long ueId, final int operation)
    {
        return batch.stage(request, ueId, uplinkCounts[request]);
    }

    public void compute(final RecordsKernel kernel, final EngineCounters.WorkerCounters counters)
    {
        final int staged = batch.staged();
        if (staged > 0)
        {
            counters.kernelCall(!kernel.compute(batch.horizontalKamfRecords(), staged));
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

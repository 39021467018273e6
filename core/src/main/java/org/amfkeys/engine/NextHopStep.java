package org.amfkeys.engine;

import org.amfkeys.procedures.BatchStaging;
import org.amfkeys.procedures.NextHopBatch;
import org.amfkeys.procedures.NextHopPair;

/**
 * Path Switch and N2 handover within the node as a {@link BatchedStep}: every {NH, NCC} of the batch
 * in one kernel call ({@link NextHopBatch}).
 */
final class NextHopStep implements BatchedStep
{
    private final NextHopBatch batch;
    private final NextHopPair[] pairs;

    /**
     * @param batch the AMF's batch form; owned from now on.
     * @param pairs the worker's pair of each request, which receives {NH, NCC}.
     */
    NextHopStep(final NextHopBatch batch, final NextHopPair[] pairs)
    {
        this.batch = batch;
        this.pairs = pairs;
    }

    public boolean runs(final int operation)
    {
        return operation == EngineOperation.PATH_SWITCH.code() || operation == EngineOperation.HANDOVER_WITHIN_NODE.code();
    }

    public BatchStaging stage(final int request, final long ueId, final int operation)
    {
        return batch.stage(request, ueId, operation == EngineOperation.PATH_SWITCH.code());
    }

    public void compute(final RecordsKernel kernel, final EngineCounters.WorkerCounters counters)
    {
        final int staged = batch.staged();
        if (staged > 0)
        {
            counters.kernelCall(!kernel.computeSteps(batch.steps(), staged));
        }
    }

    public void finish(final int request, final int operation)
    {
        batch.finish(request, operation == EngineOperation.PATH_SWITCH.code(), pairs[request]);
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

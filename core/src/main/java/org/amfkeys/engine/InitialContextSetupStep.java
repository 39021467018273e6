package org.amfkeys.engine;

import org.amfkeys.procedures.BatchStaging;
import org.amfkeys.procedures.InitialContextSetupBatch;
import org.amfkeys.procedures.NextHopPair;

/**
 * Initial Context Setup as a {@link BatchedStep}: every KgNB of the batch in one kernel call, then every
 * NH of NCC 1 in another ({@link InitialContextSetupBatch}).
 */
final class InitialContextSetupStep implements BatchedStep
{
    private final InitialContextSetupBatch batch;
    private final long[] uplinkCounts;
    private final NextHopPair[] pairs;

    /**
     * @param batch        the AMF's batch form; owned from now on.
     * @param uplinkCounts the worker's UL NAS COUNT of each request.
     * @param pairs        the worker's pair of each request, which receives {KgNB, NCC 0}.
     */
    InitialContextSetupStep(final InitialContextSetupBatch batch, final long[] uplinkCounts, final NextHopPair[] pairs)
    {
        this.batch = batch;
        this.uplinkCounts = uplinkCounts;
        this.pairs = pairs;
    }

    public boolean runs(final int operation)
    {
        return operation == EngineOperation.INITIAL_CONTEXT_SETUP.code();
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
            counters.kernelCall(!kernel.compute(batch.kgnbRecords(), staged));
            batch.stageNextHops();
            counters.kernelCall(!kernel.compute(batch.nextHopRecords(), staged));
        }
    }

    public void finish(final int request, final int operation)
    {
        batch.finish(request, pairs[request]);
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

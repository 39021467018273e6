package org.amfkeys.engine;

import org.amfkeys.procedures.BatchStaging;

/**
 * A step the worker runs, in each pass, for every ready request of its operations as one batch: every
 * UE claimed and checked, each stage of the step's derivations computed for the whole batch in one
 * kernel call, then the results written and the claims committed. The requests it does not stage run
 * as direct calls after it. Each operation's effects and refusals are those of its direct call.
 */
interface BatchedStep extends AutoCloseable
{
    /**
     * @param operation a request's operation code.
     * @return whether requests of that operation run in this step.
     */
    boolean runs(int operation);

    /**
     * Claims the UE, checks the step's rules and stages its derivations.
     *
     * @param request   the request's place in the worker's batch.
     * @param ueId      the UE.
     * @param operation the request's operation, one this step {@link #runs}.
     * @return what became of the request.
     * @throws RuntimeException a refusal, as the direct call's; nothing changed.
     */
    BatchStaging stage(int request, long ueId, int operation);

    /**
     * Computes what the batch staged, stage after stage, each in one call of {@code kernel}, and counts
     * the calls; does nothing when nothing was staged.
     *
     * @param kernel   computes the records.
     * @param counters counts each call, and each that fell back.
     */
    void compute(RecordsKernel kernel, EngineCounters.WorkerCounters counters);

    /**
     * Takes a staged request's results into its context and output, and commits its claim.
     *
     * @param request   as staged.
     * @param operation as staged.
     */
    void finish(int request, int operation);

    /**
     * Ends the batch: claims still held are committed unchanged, staged keys zeroed.
     */
    void endBatch();

    /**
     * Ends any batch and frees the step's memory, zeroed.
     */
    void close();
}

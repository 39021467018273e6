package org.amfkeys.jcstress;

import org.amfkeys.context.ContextTable;
import org.amfkeys.engine.EngineOperation;
import org.amfkeys.engine.EngineProducer;
import org.amfkeys.engine.KeyEngine;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A producer submits while another thread closes the engine. The submit either lands before the close,
 * and then its completion is there afterwards, or it is refused as closed, and then no completion
 * exists: an accepted request is never lost, and none completes twice.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "submitted before the close, and completed by it")
@Outcome(id = "-2, 0", expect = Expect.ACCEPTABLE, desc = "refused as closed; nothing to complete")
@Outcome(expect = Expect.FORBIDDEN, desc = "an accepted request lost, or a completion without a request")
@State
public class EngineSubmitCloseTest
{
    private static final ContextTable TABLE = new ContextTable(1 << 10);

    private final KeyEngine engine = new KeyEngine(TABLE, new KeyEngine.Options()
        .invoked(true).maxBatch(1).nativeBatch(false)
        .requestRingCapacity(KeyEngine.Options.MIN_REQUEST_RING_CAPACITY)
        .responseRingCapacity(KeyEngine.Options.MIN_RESPONSE_RING_CAPACITY));
    private final EngineProducer producer = engine.newProducer();

    /**
     * Submits a release for a UE the table does not hold.
     *
     * @param result r1: what the submit returned.
     */
    @Actor
    public void submit(final II_Result result)
    {
        result.r1 = producer.submit(EngineOperation.RELEASE, 1, 42);
    }

    /**
     * Closes the engine, which completes what was accepted.
     */
    @Actor
    public void close()
    {
        engine.close();
    }

    /**
     * @param result r2: completions the producer finds afterwards.
     */
    @Arbiter
    public void completions(final II_Result result)
    {
        final int[] completions = {0};
        while (producer.poll(completion -> completions[0]++, 16) > 0)
        {
            Thread.onSpinWait();
        }
        result.r2 = completions[0];
    }
}

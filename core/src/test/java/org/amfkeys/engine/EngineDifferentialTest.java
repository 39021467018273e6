package org.amfkeys.engine;

import org.agrona.concurrent.AgentInvoker;
import org.amfkeys.engine.EngineFixture.Collected;
import org.amfkeys.engine.EngineFixture.Outcome;
import org.amfkeys.engine.EngineFixture.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random mixes of every request type for many UEs, through the engine and through the direct calls
 * on a twin table: every completion, every refusal and every table slot must be the same, and one
 * UE's completions come in the order of its requests.
 */
class EngineDifferentialTest
{
    static final int UES = 300;
    static final long FIRST_UE = 1_000;

    /**
     * One producer, workers invoked by the test, so each batch has exactly the size drawn: 1 to the
     * maximum, staged through the batch kernel or derived at once, native or Java.
     */
    @ParameterizedTest(name = "workers {0}, max batch {1}, staging from {2}, native batch {3}")
    @CsvSource({
        "1, 1, 1, true",
        "1, 8, 1, true",
        "1, 64, 1, true",
        "1, 64, 8, true",
        "1, 64, 65, true",
        "1, 64, 1, false",
        "2, 33, 2, true"})
    void batchesGiveTheDirectCallsResults(
        final int workers, final int maxBatch, final int stagingThreshold, final boolean nativeBatch)
    {
        final SplittableRandom random = new SplittableRandom(maxBatch * 31L + stagingThreshold + workers);
        final KeyEngine.Options options = new KeyEngine.Options().workers(workers).maxBatch(maxBatch)
            .stagingThreshold(stagingThreshold).nativeBatch(nativeBatch).invoked(true);
        try (EngineFixture fixture = new EngineFixture(UES, FIRST_UE, 7);
            KeyEngine engine = new KeyEngine(fixture.engineTable, options))
        {
            runMixInBursts(fixture, engine, random, 150, maxBatch * workers);
            assertTrue(total(engine, "completions refused") > 0, "the mix exercises refusals");
            assertTrue(total(engine, "completions done") > 0, "the mix exercises steps that commit");
            assertTrue(total(engine, "kernel calls") > 0, "the {NH, NCC} steps ran in batches through " + engine.kernelName());
            if (stagingThreshold <= maxBatch)
            {
                assertTrue(total(engine, "passes") > total(engine, "batches"), "steps with derivations took more than one pass");
            }
            assertEquals(0, total(engine, "kernel fallbacks"));
        }
    }

    /**
     * A long mix reaches every operation's success at least once (a UE Context Modification's
     * completion and failure included), each equal to the direct call's.
     */
    @Test
    void theMixReachesEveryOperation()
    {
        final KeyEngine.Options options = new KeyEngine.Options().maxBatch(64).invoked(true);
        try (EngineFixture fixture = new EngineFixture(UES, FIRST_UE, 11);
            KeyEngine engine = new KeyEngine(fixture.engineTable, options))
        {
            runMixInBursts(fixture, engine, new SplittableRandom(29), 800, 64);
            for (final EngineOperation operation : EngineOperation.values())
            {
                assertTrue(fixture.done.getOrDefault(operation, 0) > 0, operation + " done at least once: " + fixture.done);
            }
        }
    }

    /**
     * Several producer threads, each for UEs of its own, against workers on threads of their own: each
     * thread's completions match its requests run directly, in its order per UE.
     */
    @Test
    void producersOnSeveralThreadsGetTheDirectCallsResults() throws Exception
    {
        final int threads = 3;
        final int uesPerThread = 100;
        final int requestsPerThread = 20_000;
        final KeyEngine.Options options = new KeyEngine.Options().workers(2).maxBatch(64).stagingThreshold(2)
            .responseRingCapacity(8192);
        try (EngineFixture fixture = new EngineFixture(threads * uesPerThread, FIRST_UE, 11);
            KeyEngine engine = new KeyEngine(fixture.engineTable, options))
        {
            final Map<Integer, List<Request>> sent = new ConcurrentHashMap<>();
            final Map<Integer, List<Outcome>> received = new ConcurrentHashMap<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                producers.add(new Thread(() ->
                {
                    try
                    {
                        final EngineProducer producer = engine.newProducer();
                        final SplittableRandom random = new SplittableRandom(100 + thread);
                        final Collected collected = new Collected();
                        final List<Request> requests = new ArrayList<>();
                        final long firstUe = FIRST_UE + (long)thread * uesPerThread;
                        for (int i = 0; i < requestsPerThread; i++)
                        {
                            final Request request = EngineFixture.randomRequest(random, i, firstUe, uesPerThread);
                            while (EngineFixture.submit(producer, request) != EngineProducer.SUBMITTED)
                            {
                                producer.poll(collected, 64);
                            }
                            requests.add(request);
                        }
                        while (producer.inFlight() > 0)
                        {
                            producer.poll(collected, 64);
                        }
                        sent.put(thread, requests);
                        received.put(thread, collected.outcomes);
                        producer.close();
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }));
            }
            producers.forEach(Thread::start);
            for (final Thread producer : producers)
            {
                producer.join();
            }
            assertNull(failure.get());
            for (int t = 0; t < threads; t++)
            {
                final Map<Long, Outcome> expected = new HashMap<>();
                for (final Request request : sent.get(t))
                {
                    expected.put(request.correlationId(), fixture.runDirect(request));
                }
                assertEquals(requestsPerThread, received.get(t).size(), "thread " + t + ": one completion per request");
                assertCompletionsMatch(expected, received.get(t), "thread " + t + ":");
            }
            fixture.assertTablesEqual(FIRST_UE, threads * uesPerThread);
        }
    }

    /**
     * Submits {@code rounds} bursts of 1 to {@code maxBurst} random requests, each burst run by the
     * invoked workers before the next; every completion must equal the direct call's outcome, and every
     * slot the twin table's.
     */
    static void runMixInBursts(
        final EngineFixture fixture, final KeyEngine engine, final SplittableRandom random, final int rounds,
        final int maxBurst)
    {
        final EngineProducer producer = engine.newProducer();
        final Collected collected = new Collected();
        final Map<Long, Outcome> expected = new HashMap<>();
        long correlationId = 0;
        for (int round = 0; round < rounds; round++)
        {
            final int burst = 1 + random.nextInt(maxBurst);
            for (int i = 0; i < burst; i++)
            {
                final Request request = EngineFixture.randomRequest(random, correlationId++, FIRST_UE, UES);
                assertEquals(EngineProducer.SUBMITTED, EngineFixture.submit(producer, request));
                expected.put(request.correlationId(), fixture.runDirect(request));
            }
            drain(engine, producer, collected);
            fixture.runNasSecurityModeCommands(random, FIRST_UE, UES, 3);
        }
        assertEquals(correlationId, collected.outcomes.size(), "one completion per request");
        assertCompletionsMatch(expected, collected.outcomes, "");
        fixture.assertTablesEqual(FIRST_UE, UES);
        producer.close();
    }

    static void drain(final KeyEngine engine, final EngineProducer producer, final Collected collected)
    {
        while (producer.inFlight() > 0)
        {
            for (int w = 0; w < engine.workers(); w++)
            {
                final AgentInvoker invoker = engine.invoker(w);
                invoker.invoke();
            }
            producer.poll(collected, Integer.MAX_VALUE);
        }
    }

    /**
     * Each completion equals the direct call's outcome, no request completes twice, and one UE's
     * completions come in the order its requests were submitted (correlation ids rise per UE).
     */
    static void assertCompletionsMatch(final Map<Long, Outcome> expected, final List<Outcome> outcomes, final String context)
    {
        final Map<Long, Long> lastPerUe = new HashMap<>();
        final Map<Long, Boolean> seen = new HashMap<>();
        for (final Outcome outcome : outcomes)
        {
            assertNull(seen.put(outcome.correlationId(), true), context + " request " + outcome.correlationId() + " completed twice");
            outcome.assertSameAs(expected.get(outcome.correlationId()), context);
            final Long previous = lastPerUe.put(outcome.ueId(), outcome.correlationId());
            assertTrue(previous == null || previous < outcome.correlationId(),
                context + " UE " + outcome.ueId() + ": request " + outcome.correlationId() + " completed after " + previous);
        }
    }

    static long total(final KeyEngine engine, final String labelSuffix)
    {
        final long[] total = {0};
        engine.counters().reader().forEach((value, id, label) ->
        {
            if (label.endsWith(labelSuffix))
            {
                total[0] += value;
            }
        });
        return total[0];
    }
}

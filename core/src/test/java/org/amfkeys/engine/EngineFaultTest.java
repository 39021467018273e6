package org.amfkeys.engine;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.engine.EngineFixture.Collected;
import org.amfkeys.engine.EngineFixture.Outcome;
import org.amfkeys.engine.EngineFixture.Request;
import org.amfkeys.hmac.ChainSteps;
import org.amfkeys.hmac.HmacRecordDescriptor;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.types.Abba;
import org.amfkeys.types.Supi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kernel that fails mid-batch, a full ring, bad requests and a close with requests in flight: no
 * wrong key, no lost or duplicated completion.
 */
class EngineFaultTest
{
    private static final int UES = 200;
    private static final long FIRST_UE = 5_000;

    @Test
    void aKernelReportingABadRecordIsRecomputedOnTheFallback()
    {
        final AtomicInteger calls = new AtomicInteger();
        runWithKernel(() -> new FailingKernel(calls, false));
        assertTrue(calls.get() > 0, "the failing kernel was called");
    }

    @Test
    void aKernelThatThrowsIsRecomputedOnTheFallback()
    {
        final AtomicInteger calls = new AtomicInteger();
        runWithKernel(() -> new FailingKernel(calls, true));
        assertTrue(calls.get() > 0, "the failing kernel was called");
    }

    private static void runWithKernel(final java.util.function.Supplier<BatchKernel> kernel)
    {
        final KeyEngine.Options options = new KeyEngine.Options().maxBatch(32).stagingThreshold(1).invoked(true)
            .batchKernel(kernel);
        final SplittableRandom random = new SplittableRandom(3);
        try (EngineFixture fixture = new EngineFixture(EngineDifferentialTest.UES, EngineDifferentialTest.FIRST_UE, 5);
            KeyEngine engine = new KeyEngine(fixture.engineTable, options))
        {
            EngineDifferentialTest.runMixInBursts(fixture, engine, random, 200, 32);
            assertTrue(EngineDifferentialTest.total(engine, "kernel fallbacks") > 0, "fallbacks are counted");
            assertEquals(EngineDifferentialTest.total(engine, "kernel calls"),
                EngineDifferentialTest.total(engine, "kernel fallbacks"), "every call of this kernel fell back");
        }
    }

    @Test
    void aFullRingBackPressuresAndLosesNothing()
    {
        final int capacity = KeyEngine.Options.MIN_REQUEST_RING_CAPACITY;
        final KeyEngine.Options options = new KeyEngine.Options().maxBatch(16).invoked(true).requestRingCapacity(capacity);
        try (EngineFixture fixture = new EngineFixture(UES, FIRST_UE, 9);
            KeyEngine engine = new KeyEngine(fixture.engineTable, options))
        {
            final EngineProducer producer = engine.newProducer();
            int submitted = 0;
            int result;
            while ((result = producer.submit(EngineOperation.PATH_SWITCH, submitted, FIRST_UE + submitted % UES)) ==
                EngineProducer.SUBMITTED)
            {
                submitted++;
            }
            assertEquals(EngineProducer.BACK_PRESSURED, result);
            assertTrue(submitted > 10 && submitted < capacity / RequestDescriptor.LENGTH, "submitted " + submitted);
            assertEquals(1, EngineDifferentialTest.total(engine, "back-pressured submits"));
            final Collected collected = new Collected();
            EngineDifferentialTest.drain(engine, producer, collected);
            assertEquals(submitted, collected.outcomes.size());
            for (int i = 0; i < submitted; i++)
            {
                assertEquals(i, collected.outcomes.get(i).correlationId());
            }
        }
    }

    @Test
    void aProducerAtItsInFlightLimitIsBackPressured()
    {
        final KeyEngine.Options options = new KeyEngine.Options().invoked(true).responseRingCapacity(4096);
        try (EngineFixture fixture = new EngineFixture(UES, FIRST_UE, 9);
            KeyEngine engine = new KeyEngine(fixture.engineTable, options))
        {
            final EngineProducer producer = engine.newProducer();
            for (int i = 0; i < producer.maxInFlight(); i++)
            {
                assertEquals(EngineProducer.SUBMITTED, producer.submit(EngineOperation.RELEASE, i, FIRST_UE + i));
            }
            assertEquals(EngineProducer.BACK_PRESSURED, producer.submit(EngineOperation.RELEASE, -1, FIRST_UE));
            final Collected collected = new Collected();
            EngineDifferentialTest.drain(engine, producer, collected);
            assertEquals(producer.maxInFlight(), collected.outcomes.size());
            assertEquals(EngineProducer.SUBMITTED, producer.submit(EngineOperation.RELEASE, -1, FIRST_UE));
        }
    }

    @Test
    void closeCompletesEveryAcceptedRequest()
    {
        final KeyEngine.Options options = new KeyEngine.Options().workers(2).responseRingCapacity(1 << 21)
            .requestRingCapacity(1 << 21);
        final SplittableRandom random = new SplittableRandom(17);
        try (EngineFixture fixture = new EngineFixture(UES, FIRST_UE, 13))
        {
            final KeyEngine engine = new KeyEngine(fixture.engineTable, options);
            final EngineProducer producer = engine.newProducer();
            final Map<Long, Outcome> expected = new HashMap<>();
            long id = 0;
            for (; id < 5_000; id++)
            {
                final Request request = EngineFixture.randomRequest(random, id, FIRST_UE, UES);
                assertEquals(EngineProducer.SUBMITTED, EngineFixture.submit(producer, request));
                expected.put(id, fixture.runDirect(request));
            }
            engine.close();
            assertEquals(EngineProducer.CLOSED, producer.submit(EngineOperation.RELEASE, id, FIRST_UE));
            final Collected collected = new Collected();
            while (producer.poll(collected, Integer.MAX_VALUE) > 0)
            {
                Thread.onSpinWait();
            }
            assertEquals(expected.size(), collected.outcomes.size(), "every accepted request completed once");
            EngineDifferentialTest.assertCompletionsMatch(expected, collected.outcomes, "");
            fixture.assertTablesEqual(FIRST_UE, UES);
        }
    }

    @Test
    void badRequestsAreRefusedAtSubmitNamingTheParameter()
    {
        try (EngineFixture fixture = new EngineFixture(4, FIRST_UE, 1);
            KeyEngine engine = new KeyEngine(fixture.engineTable, new KeyEngine.Options().invoked(true)))
        {
            final EngineProducer producer = engine.newProducer();
            for (final long bad : new long[] {-1, 1L << 32, Long.MAX_VALUE})
            {
                final InvalidParameterException count = assertThrows(InvalidParameterException.class,
                    () -> producer.submitInitialContextSetup(1, FIRST_UE, bad));
                final InvalidParameterException direct = assertThrows(InvalidParameterException.class,
                    () -> fixture.direct.initialContextSetup(FIRST_UE, bad, new NextHopPair()));
                assertTrue(count.getMessage().contains("ul-count"), count.getMessage());
                assertEquals(direct.getMessage(), count.getMessage(), "the direct call's error");
            }
            assertTrue(assertThrows(InvalidParameterException.class, () -> producer.submit(null, 1, FIRST_UE))
                .getMessage().contains("operation"));
            assertTrue(assertThrows(InvalidParameterException.class,
                () -> producer.submit(EngineOperation.INITIAL_CONTEXT_SETUP, 1, FIRST_UE)).getMessage().contains("operation"));
            final byte[] kseaf = new byte[32];
            final Supi supi = Supi.parse("imsi-001010000000001");
            assertNames("kseaf", () -> producer.submitAuthenticated(1, FIRST_UE, null, supi, Abba.DEFAULT, 1, 0));
            assertNames("kseaf", () -> producer.submitAuthenticated(1, FIRST_UE, new byte[31], supi, Abba.DEFAULT, 1, 0));
            assertNames("supi", () -> producer.submitAuthenticated(1, FIRST_UE, kseaf, null, Abba.DEFAULT, 1, 0));
            assertNames("abba", () -> producer.submitAuthenticated(1, FIRST_UE, kseaf, supi, null, 1, 0));
            assertNames("ngksi", () -> producer.submitAuthenticated(1, FIRST_UE, kseaf, supi, Abba.DEFAULT, 7, 0));
            assertNames("ngksi", () -> producer.submitAuthenticated(1, FIRST_UE, kseaf, supi, Abba.DEFAULT, -1, 0));
            assertNames("nas-enc", () -> producer.submitNasSecurityModeCommand(1, FIRST_UE, 16, 1));
            assertNames("nas-int", () -> producer.submitNasSecurityModeCommand(1, FIRST_UE, 1, -1));
            assertNames("ul-count", () -> producer.submitNasSecurityModeComplete(1, FIRST_UE, 1L << 32));
            assertEquals(0, producer.inFlight(), "nothing was submitted");
            assertNames("request-ring-capacity", () -> new KeyEngine.Options().requestRingCapacity(4096));
            assertTrue(assertThrows(InvalidParameterException.class, () -> new KeyEngine.Options().workers(0))
                .getMessage().contains("workers"));
            assertTrue(assertThrows(InvalidParameterException.class, () -> new KeyEngine.Options().requestRingCapacity(5000))
                .getMessage().contains("request-ring-capacity"));
        }
    }

    private static void assertNames(final String parameter, final Executable call)
    {
        final InvalidParameterException ex = assertThrows(InvalidParameterException.class, call);
        assertTrue(ex.getMessage().contains(parameter), ex.getMessage());
    }

    /**
     * Computes nothing and reports one record of every call as failed, or throws: no MAC of it may be used.
     */
    private static final class FailingKernel implements BatchKernel
    {
        private final AtomicInteger calls;
        private final boolean throwing;

        FailingKernel(final AtomicInteger calls, final boolean throwing)
        {
            this.calls = calls;
            this.throwing = throwing;
        }

        public String name()
        {
            return "failing";
        }

        public void process(final HmacRecords records, final int count)
        {
            calls.incrementAndGet();
            if (throwing)
            {
                throw new IllegalStateException("kernel failed");
            }
            records.buffer().putInt(HmacRecords.offset(count / 2) + HmacRecordDescriptor.STATUS_OFFSET,
                HmacRecordDescriptor.STATUS_BAD_MESSAGE);
        }

        /** Computes nothing: each step keeps its status of one not computed, unless the call throws. */
        public void processSteps(final ChainSteps steps, final int count)
        {
            calls.incrementAndGet();
            if (throwing)
            {
                throw new IllegalStateException("kernel failed");
            }
        }

        public void close()
        {
        }
    }
}

package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;
import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open loop on a clock the test drives: waiting and work advance simulated time, so the figures are
 * exact and the test never sleeps.
 */
class OpenLoopTest
{
    private static final long SERVICE_NANOS = 20_000;
    private static final long STALL_NANOS = 100_000_000;

    /** Simulated time: waiting jumps to the deadline, work adds its service time. */
    private static final class SimulatedClock implements OpenLoop.Clock
    {
        long now = 1_000_000_000L;

        @Override
        public long nanoTime()
        {
            return now;
        }

        @Override
        public void waitUntil(final long deadline)
        {
            now = Math.max(now, deadline);
        }
    }

    @Test
    void aStallShowsInTheLatencyOfEveryArrivalItDelayed()
    {
        final SimulatedClock clock = new SimulatedClock();
        final Histogram corrected = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        final Histogram naive = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        final double rate = 10_000;
        OpenLoop.run(20_000, rate, new SplittableRandom(1), clock, (item, due) ->
        {
            final long start = clock.now;
            clock.now += item == 5_000 ? STALL_NANOS : SERVICE_NANOS;
            naive.recordValue(clock.now - start);
            corrected.recordValue(OpenLoop.latencySince(clock, due));
            return true;
        });
        // Measured from each start, the stall is one slow sample among 20,000.
        assertEquals(1, naive.getCountBetweenValues(STALL_NANOS / 2, OpenLoop.HIGHEST_LATENCY_NANOS));
        // Measured from when each was due, the ~1,000 arrivals during the stall waited 100 ms down to
        // nothing: about half of them more than 50 ms.
        final long slow = corrected.getCountBetweenValues(STALL_NANOS / 2, OpenLoop.HIGHEST_LATENCY_NANOS);
        assertTrue(slow > 350 && slow < 650, "arrivals that waited over 50 ms: " + slow);
        assertTrue(corrected.getValueAtPercentile(99) > 10 * SERVICE_NANOS, "p99 " + corrected.getValueAtPercentile(99));
        assertEquals(20_000, corrected.getTotalCount());
    }

    @Test
    void theOfferedRateHoldsWithinOnePercentOverThirtySeconds()
    {
        final SimulatedClock clock = new SimulatedClock();
        final long start = clock.now;
        final double rate = 100_000;
        final long ran = OpenLoop.run(3_000_000, rate, new SplittableRandom(2), clock, (item, due) ->
        {
            clock.now += 2_000;
            return true;
        });
        final double achieved = ran / ((clock.now - start) / 1e9);
        assertEquals(3_000_000L, ran);
        assertTrue(Math.abs(achieved - rate) / rate < 0.01, "achieved " + achieved + " per second");
    }

    @Test
    void withoutARateEachLatencyIsItsServiceTimeAndFalseStops()
    {
        final SimulatedClock clock = new SimulatedClock();
        final Histogram latency = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        final long ran = OpenLoop.run(1_000, 0, new SplittableRandom(3), clock, (item, due) ->
        {
            clock.now += SERVICE_NANOS;
            latency.recordValue(OpenLoop.latencySince(clock, due));
            return item < 99;
        });
        assertEquals(100L, ran);
        assertEquals(100, latency.getTotalCount());
        assertEquals(SERVICE_NANOS, latency.getMaxValue(), SERVICE_NANOS / 100.0);
        assertEquals(SERVICE_NANOS, latency.getMinValue(), SERVICE_NANOS / 100.0);
    }

    @Test
    void aBadRateNamesTheParameter()
    {
        for (final double rate : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY})
        {
            final InvalidParameterException bad = assertThrows(InvalidParameterException.class,
                () -> OpenLoop.run(1, rate, new SplittableRandom(4), OpenLoop.SYSTEM, (item, due) -> true));
            assertTrue(bad.getMessage().startsWith("rate: "), bad.getMessage());
        }
    }
}

package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;
import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
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
    void batchesFormOnlyFromArrivalsAlreadyDueAndKeepEveryLatencyFromItsArrival()
    {
        final SimulatedClock clock = new SimulatedClock();
        final Histogram latency = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        final long[] sizes = new long[33];
        final long[] last = {-1};
        final double rate = 10_000;
        final long ran = OpenLoop.runBatches(20_000, rate, new SplittableRandom(5), clock, new long[32], (first, count, dues) ->
        {
            assertEquals(last[0] + 1, first, "batches in order, none skipped");
            last[0] = first + count - 1;
            sizes[count]++;
            for (int i = 0; i < count; i++)
            {
                assertTrue(dues[i] <= clock.now, "an item waited for is due when its batch starts");
                assertTrue(i == 0 || dues[i] >= dues[i - 1], "dues in order");
            }
            // A batch costs a fixed part and a part per item; one stall of 100 ms at item 5,000.
            clock.now += first <= 5_000 && 5_000 < first + count ? STALL_NANOS : SERVICE_NANOS + count * 1_000L;
            for (int i = 0; i < count; i++)
            {
                latency.recordValue(OpenLoop.latencySince(clock, dues[i]));
            }
            return true;
        });
        assertEquals(20_000L, ran);
        assertEquals(20_000, latency.getTotalCount());
        // At a tenth of the capacity nearly every arrival runs alone; behind the stall, batches fill up
        // to the largest allowed and the loop catches up.
        assertTrue(sizes[1] > 15_000, "batches of one: " + sizes[1]);
        assertTrue(sizes[32] > 10, "full batches: " + sizes[32]);
        final long slow = latency.getCountBetweenValues(STALL_NANOS / 2, OpenLoop.HIGHEST_LATENCY_NANOS);
        assertTrue(slow > 350 && slow < 650, "arrivals that waited over 50 ms: " + slow);
    }

    @Test
    void withoutARateBatchesAreFullAndShareTheirStart()
    {
        final SimulatedClock clock = new SimulatedClock();
        final List<Integer> sizes = new ArrayList<>();
        final long ran = OpenLoop.runBatches(100, 0, new SplittableRandom(6), clock, new long[32], (first, count, dues) ->
        {
            sizes.add(count);
            for (int i = 0; i < count; i++)
            {
                assertEquals(clock.now, dues[i]);
            }
            clock.now += SERVICE_NANOS;
            return true;
        });
        assertEquals(100L, ran);
        assertEquals(List.of(32, 32, 32, 4), sizes);
        final InvalidParameterException empty = assertThrows(InvalidParameterException.class,
            () -> OpenLoop.runBatches(1, 0, new SplittableRandom(7), clock, new long[0], (first, count, dues) -> true));
        assertTrue(empty.getMessage().startsWith("dues: "), empty.getMessage());
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

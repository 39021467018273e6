package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;
import org.amfkeys.InvalidParameterException;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;

/**
 * Runs work at an offered rate, Poisson arrivals, and measures each piece's latency from when it was
 * due rather than from when it started: a run that falls behind (a stall, a pause of the JVM) shows
 * the wait of every arrival it delayed, as a real client would see it, instead of hiding them behind
 * one slow sample (coordinated omission). Without a rate the work runs back to back and each latency
 * is its own service time.
 */
public final class OpenLoop
{
    /** Longest latency recorded: one minute, in nanoseconds; longer ones count as one minute. */
    public static final long HIGHEST_LATENCY_NANOS = 60_000_000_000L;

    /** Waits shorter than this spin: parking would oversleep them. */
    private static final long SPIN_NANOS = 50_000;

    private OpenLoop()
    {
    }

    /**
     * The time the loop runs on, and how it waits; the JVM's by {@link #SYSTEM}, a test's by its own.
     */
    public interface Clock
    {
        /**
         * @return now, in nanoseconds.
         */
        long nanoTime();

        /**
         * Returns at {@code deadline} or a little after.
         *
         * @param deadline in {@link #nanoTime()}'s terms.
         */
        void waitUntil(long deadline);
    }

    /** {@link System#nanoTime()}, parking for long waits and spinning for the last stretch. */
    public static final Clock SYSTEM = new Clock()
    {
        @Override
        public long nanoTime()
        {
            return System.nanoTime();
        }

        @Override
        public void waitUntil(final long deadline)
        {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime())
            {
                if (left > SPIN_NANOS)
                {
                    LockSupport.parkNanos(left - SPIN_NANOS);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
        }
    };

    /**
     * Runs {@code work} for items {@code 0..count-1} in order, or until it returns false.
     *
     * @param count     how many items.
     * @param perSecond the offered rate of this loop, arrivals per second; 0 runs back to back.
     * @param random    draws the arrivals' gaps (exponential, mean 1/perSecond).
     * @param clock     the time and the waiting.
     * @param latency   receives each item's latency in nanoseconds, from when it was due to its end.
     * @param work      runs one item; false stops the loop (a deadline reached).
     * @return how many items ran.
     */
    public static int run(
        final int count, final double perSecond, final SplittableRandom random, final Clock clock, final Histogram latency,
        final IntPredicate work)
    {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond))
        {
            throw new InvalidParameterException("rate", perSecond + " is out of range", "0 (as fast as it can) or more");
        }
        final double meanGapNanos = perSecond == 0 ? 0 : 1e9 / perSecond;
        double due = clock.nanoTime();
        for (int item = 0; item < count; item++)
        {
            final long start;
            if (perSecond == 0)
            {
                start = clock.nanoTime();
            }
            else
            {
                // -ln(1 - U) for U in [0, 1) is exponential with mean 1, and never infinite.
                due += -Math.log(1 - random.nextDouble()) * meanGapNanos;
                start = (long)due;
                clock.waitUntil(start);
            }
            final boolean more = work.test(item);
            latency.recordValue(Math.min(Math.max(0, clock.nanoTime() - start), HIGHEST_LATENCY_NANOS));
            if (!more)
            {
                return item + 1;
            }
        }
        return count;
    }
}

package org.amfkeys.sim.scenario;

import org.amfkeys.InvalidParameterException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

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
     * One piece of work of the loop.
     */
    @FunctionalInterface
    public interface Work
    {
        /**
         * Runs item {@code item}, and records its latency as {@link #latencySince}{@code (clock, due)}
         * into whichever histogram the item belongs to.
         *
         * @param item the item, from 0.
         * @param due  when it was due, in the clock's nanoseconds: its arrival, or its start without a rate.
         * @return false to stop the loop (a deadline reached).
         */
        boolean run(long item, long due);
    }

    /**
     * Runs {@code work} for items {@code 0..count-1} in order, or until it returns false.
     *
     * @param count     how many items.
     * @param perSecond the offered rate of this loop, arrivals per second; 0 runs back to back.
     * @param random    draws the arrivals' gaps (exponential, mean 1/perSecond).
     * @param clock     the time and the waiting.
     * @param work      runs one item and records its latency.
     * @return how many items ran.
     */
    public static long run(
        final long count, final double perSecond, final SplittableRandom random, final Clock clock, final Work work)
    {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond))
        {
            throw new InvalidParameterException("rate", perSecond + " is out of range", "0 (as fast as it can) or more");
        }
        final double meanGapNanos = perSecond == 0 ? 0 : 1e9 / perSecond;
        double due = clock.nanoTime();
        for (long item = 0; item < count; item++)
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
            if (!work.run(item, start))
            {
                return item + 1;
            }
        }
        return count;
    }

    /**
     * @param clock the loop's clock.
     * @param due   when the item was due.
     * @return its latency now, in nanoseconds, within 0..{@value #HIGHEST_LATENCY_NANOS}.
     */
    public static long latencySince(final Clock clock, final long due)
    {
        return Math.min(Math.max(0, clock.nanoTime() - due), HIGHEST_LATENCY_NANOS);
    }

    /**
     * Waits for a run's threads, sampling how much they did at every whole second since {@code start}.
     *
     * @param start    when the run started, in {@link System#nanoTime()}'s terms.
     * @param finished counted down by each thread when it ends.
     * @param done     each thread's count of work done so far (plain writes: a sample may lag a little).
     * @param progress receives the total done at each sample (null for none).
     * @return the work done in each whole second, in order.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static long[] sampleEachSecond(
        final long start, final CountDownLatch finished, final long[] done, final LongConsumer progress) throws InterruptedException
    {
        final List<Long> totals = new ArrayList<>();
        for (long second = 1; !finished.await(start + second * 1_000_000_000L - System.nanoTime(), TimeUnit.NANOSECONDS);
            second++)
        {
            long total = 0;
            for (final long count : done)
            {
                total += count;
            }
            totals.add(total);
            if (progress != null)
            {
                progress.accept(total);
            }
        }
        final long[] perSecond = new long[totals.size()];
        for (int second = 0; second < perSecond.length; second++)
        {
            perSecond[second] = totals.get(second) - (second == 0 ? 0 : totals.get(second - 1));
        }
        return perSecond;
    }
}

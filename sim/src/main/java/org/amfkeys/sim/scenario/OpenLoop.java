package org.amfkeys.sim.scenario;

import org.amfkeys.InvalidParameterException;

import java.util.ArrayList;
import java.util.Arrays;
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
     * Pieces of work run together, the batch's latencies recorded when it ends.
     */
    @FunctionalInterface
    public interface BatchWork
    {
        /**
         * Runs items {@code first .. first + count - 1} together, and records each one's latency as
         * {@link #latencySince}{@code (clock, dues[i])} into whichever histogram the item belongs to.
         *
         * @param first the first item, from 0.
         * @param count how many, at least 1.
         * @param dues  when each was due, from index 0: its arrival, or the batch's start without a rate.
         * @return false to stop the loop (a deadline reached).
         */
        boolean run(long first, int count, long[] dues);
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
        return runBatches(count, perSecond, random, clock, new long[1], (first, items, dues) -> work.run(first, dues[0]));
    }

    /**
     * Runs {@code work} for items {@code 0..count-1} in order, in batches, or until it returns false.
     * Batches form naturally: without a rate each takes {@code dues.length} items; with one, a batch
     * starts at the next arrival and takes every item already due then, up to {@code dues.length},
     * never waiting for more, so a light load runs each item on its own and a loop that fell behind
     * catches up in full batches.
     *
     * @param count     how many items.
     * @param perSecond the offered rate of this loop, arrivals per second; 0 runs back to back.
     * @param random    draws the arrivals' gaps (exponential, mean 1/perSecond).
     * @param clock     the time and the waiting.
     * @param dues      receives each batch's due times; its length is the largest batch, at least 1.
     * @param work      runs one batch and records its items' latencies.
     * @return how many items ran.
     */
    public static long runBatches(
        final long count, final double perSecond, final SplittableRandom random, final Clock clock, final long[] dues,
        final BatchWork work)
    {
        if (!(perSecond >= 0) || Double.isInfinite(perSecond))
        {
            throw new InvalidParameterException("rate", perSecond + " is out of range", "0 (as fast as it can) or more");
        }
        if (dues == null || dues.length == 0)
        {
            throw new InvalidParameterException("dues", dues == null ? "missing" : "empty", "an array of 1 or more");
        }
        final double meanGapNanos = perSecond == 0 ? 0 : 1e9 / perSecond;
        double nextDue = perSecond == 0 ? 0 : clock.nanoTime() + exponential(random) * meanGapNanos;
        long item = 0;
        while (item < count)
        {
            final int limit = (int)Math.min(dues.length, count - item);
            int taken = 0;
            if (perSecond == 0)
            {
                Arrays.fill(dues, 0, limit, clock.nanoTime());
                taken = limit;
            }
            else
            {
                clock.waitUntil((long)nextDue);
                final long now = clock.nanoTime();
                do
                {
                    dues[taken++] = (long)nextDue;
                    nextDue += exponential(random) * meanGapNanos;
                }
                while (taken < limit && (long)nextDue <= now);
            }
            if (!work.run(item, taken, dues))
            {
                return item + taken;
            }
            item += taken;
        }
        return count;
    }

    /** -ln(1 - U) for U in [0, 1) is exponential with mean 1, and never infinite. */
    private static double exponential(final SplittableRandom random)
    {
        return -Math.log(1 - random.nextDouble());
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

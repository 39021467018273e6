package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * The frame of a scenario that runs on every thread at once over subscribers of each thread's own:
 * every thread sets its share up, all start together when the last is ready, and the calling thread
 * samples the count done each second until all have finished.
 */
final class ScenarioThreads
{
    /**
     * One thread's part: set up, count {@code ready} down, await {@code go}, run, and keep
     * {@code done[thread]} at the count of items finished.
     */
    @FunctionalInterface
    interface Part
    {
        /**
         * @param thread this thread's index.
         * @param ready  counted down once this thread's setup is over (the frame counts it down for a
     *               part that failed before).
         * @param go     opened when every thread is ready.
         * @throws InterruptedException when interrupted while waiting.
         */
        void run(int thread, CountDownLatch ready, CountDownLatch go) throws InterruptedException;
    }

    /**
     * How long each phase took.
     *
     * @param setupNanos from the threads' start until every one was ready.
     * @param runNanos   from the go until the last thread finished.
     * @param perSecond  items finished in each whole second of the run, in order.
     */
    record Timing(long setupNanos, long runNanos, long[] perSecond)
    {
    }

    private ScenarioThreads()
    {
    }

    /**
     * Runs {@code part} on {@code threads} new threads.
     *
     * @param name              the threads' name prefix.
     * @param threads           how many.
     * @param done              each thread's count of items finished, read each second.
     * @param whileSettingUp    run on the calling thread while the threads set up (such as faulting a
     *                          table's memory in), or null.
     * @param progress          receives the count done now and then (null for none).
     * @param part              each thread's part.
     * @return the phases' durations.
     * @throws IllegalStateException when a thread failed, with its failure as the cause.
     * @throws InterruptedException  when interrupted while waiting for the threads.
     */
    static Timing run(
        final String name, final int threads, final long[] done, final Runnable whileSettingUp, final LongConsumer progress,
        final Part part) throws InterruptedException
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch ready = new CountDownLatch(threads);
        final CountDownLatch go = new CountDownLatch(1);
        final CountDownLatch finished = new CountDownLatch(threads);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            final Thread worker = new Thread(() ->
            {
                try
                {
                    part.run(thread, ready, go);
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                    // A thread that failed before it was ready must not keep the run waiting for it.
                    if (ready.getCount() > 0)
                    {
                        ready.countDown();
                    }
                }
                finally
                {
                    finished.countDown();
                }
            }, name + "-" + t);
            workers.add(worker);
            worker.start();
        }
        final long setupStart = System.nanoTime();
        if (whileSettingUp != null)
        {
            whileSettingUp.run();
        }
        ready.await();
        final long start = System.nanoTime();
        go.countDown();
        final long[] perSecond = OpenLoop.sampleEachSecond(start, finished, done, progress);
        final long end = System.nanoTime();
        for (final Thread worker : workers)
        {
            worker.join();
        }
        if (failure.get() != null)
        {
            throw new IllegalStateException("a " + name + " thread failed: " + failure.get(), failure.get());
        }
        return new Timing(start - setupStart, end - start, perSecond);
    }

    /**
     * @param threads how many.
     * @return a latency histogram per thread, up to {@link OpenLoop#HIGHEST_LATENCY_NANOS}.
     */
    static Histogram[] histograms(final int threads)
    {
        final Histogram[] histograms = new Histogram[threads];
        for (int t = 0; t < threads; t++)
        {
            histograms[t] = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        }
        return histograms;
    }

    /**
     * @param histograms each thread's.
     * @return all of them in one.
     */
    static Histogram merge(final Histogram[] histograms)
    {
        final Histogram all = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        for (final Histogram one : histograms)
        {
            all.add(one);
        }
        return all;
    }

    /**
     * @param counts each thread's counts by outcome.
     * @return the counts by outcome over every thread.
     */
    static long[] sum(final long[][] counts)
    {
        final long[] total = new long[counts[0].length];
        for (final long[] thread : counts)
        {
            for (int i = 0; i < total.length; i++)
            {
                total[i] += thread[i];
            }
        }
        return total;
    }

    /**
     * @return the first subscriber of {@code thread}'s share of {@code ues} over {@code threads}.
     */
    static int firstOf(final int ues, final int threads, final int thread)
    {
        return (int)((long)ues * thread / threads);
    }
}

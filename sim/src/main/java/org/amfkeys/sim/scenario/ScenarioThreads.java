package org.amfkeys.sim.scenario;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The frame of a scenario that runs on every thread at once over subscribers of each thread's own:
 * every thread sets its share up, all start together when the last is ready, and the calling thread
 * samples the count done each second until all have finished. Each thread records its items' latencies
 * into a recorder of its own, which the calling thread drains each second into the run's histogram,
 * so the progress line can give the 99th percentile so far.
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
     * @param latency    every latency the threads recorded.
     */
    record Timing(long setupNanos, long runNanos, long[] perSecond, Histogram latency)
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
     * @param latencies         each thread's recorder of its items' latencies ({@link #recorders}).
     * @param outOfSync         the items out of sync so far, over every thread, read each second.
     * @param whileSettingUp    run on the calling thread while the threads set up (such as faulting a
     *                          table's memory in), or null.
     * @param progress          receives the run's progress each second (null for none).
     * @param part              each thread's part.
     * @return the phases' durations.
     * @throws IllegalStateException when a thread failed, with its failure as the cause.
     * @throws InterruptedException  when interrupted while waiting for the threads.
     */
    static Timing run(
        final String name, final int threads, final long[] done, final SingleWriterRecorder[] latencies,
        final LongSupplier outOfSync, final Runnable whileSettingUp, final Consumer<Progress> progress, final Part part)
        throws InterruptedException
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
        final Histogram latency = new Histogram(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        final Histogram[] intervals = new Histogram[threads];
        final LongConsumer sample = total ->
        {
            drain(latencies, intervals, latency);
            if (progress != null)
            {
                progress.accept(new Progress(System.nanoTime() - start, total, outOfSync.getAsLong(),
                    latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99)));
            }
        };
        final long[] perSecond = OpenLoop.sampleEachSecond(start, finished, done, sample);
        final long end = System.nanoTime();
        for (final Thread worker : workers)
        {
            worker.join();
        }
        drain(latencies, intervals, latency);
        if (failure.get() != null)
        {
            throw new IllegalStateException("a " + name + " thread failed: " + failure.get(), failure.get());
        }
        return new Timing(start - setupStart, end - start, perSecond, latency);
    }

    /** Adds what each recorder recorded since the last drain to {@code latency}, recycling the intervals. */
    private static void drain(final SingleWriterRecorder[] latencies, final Histogram[] intervals, final Histogram latency)
    {
        for (int t = 0; t < latencies.length; t++)
        {
            intervals[t] = latencies[t].getIntervalHistogram(intervals[t]);
            latency.add(intervals[t]);
        }
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
     * @param threads how many.
     * @return a latency recorder per thread, each written by its thread only, up to
     *         {@link OpenLoop#HIGHEST_LATENCY_NANOS}.
     */
    static SingleWriterRecorder[] recorders(final int threads)
    {
        final SingleWriterRecorder[] recorders = new SingleWriterRecorder[threads];
        for (int t = 0; t < threads; t++)
        {
            recorders[t] = new SingleWriterRecorder(OpenLoop.HIGHEST_LATENCY_NANOS, 3);
        }
        return recorders;
    }

    /**
     * @param counts each thread's counts by outcome.
     * @param index  the outcome.
     * @return a plain read of that outcome's count over every thread, for a progress line.
     */
    static long sumOf(final long[][] counts, final int index)
    {
        long total = 0;
        for (final long[] thread : counts)
        {
            total += thread[index];
        }
        return total;
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

package org.amfkeys.engine;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.procedures.ConcurrencyRule;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

import static org.amfkeys.engine.CountersFileDescriptor.ERROR_LOG_LENGTH_OFFSET;
import static org.amfkeys.engine.CountersFileDescriptor.HEADER_LENGTH;
import static org.amfkeys.engine.CountersFileDescriptor.MAGIC;
import static org.amfkeys.engine.CountersFileDescriptor.MAGIC_OFFSET;
import static org.amfkeys.engine.CountersFileDescriptor.METADATA_LENGTH_OFFSET;
import static org.amfkeys.engine.CountersFileDescriptor.PID_OFFSET;
import static org.amfkeys.engine.CountersFileDescriptor.START_TIME_OFFSET;
import static org.amfkeys.engine.CountersFileDescriptor.VALUES_LENGTH_OFFSET;
import static org.amfkeys.engine.CountersFileDescriptor.VERSION;
import static org.amfkeys.engine.CountersFileDescriptor.VERSION_OFFSET;

/**
 * An engine's counters for operators: Agrona counters in a memory-mapped file
 * ({@link CountersFileDescriptor}) that {@link #open(File)} reads from another process while the engine
 * runs, and a distinct error log beside them. Each worker has its own set (requests, completions by
 * status, refusals by rule, batches and their sizes, kernel fallbacks, queue depth), written by that
 * worker alone once per batch; producers share the back-pressure counter.
 */
public final class EngineCounters implements AutoCloseable
{
    /** Counter type of every amfkeys engine counter. */
    public static final int TYPE_ID = 0x414D;

    /** Upper bounds (inclusive) of the batch-size buckets; the last bucket takes every larger batch. */
    static final int[] BATCH_SIZE_BOUNDS = {1, 3, 7, 15, 31, 63, 127, Integer.MAX_VALUE};

    private static final int COUNTERS_PER_WORKER = 16 + BATCH_SIZE_BOUNDS.length + ConcurrencyRule.values().length;
    private static final int ERROR_LOG_LENGTH = 64 * 1024;

    private final File file;
    private final CountersManager manager;
    private final DistinctErrorLog errors;
    private final AtomicCounter backPressured;
    private final AtomicCounter errorCount;
    private final WorkerCounters[] workers;
    private volatile boolean closed;

    /**
     * @param file    where the counters live, to be read by {@code amfkeys stat}; null keeps them in this
     *                process's memory only.
     * @param workers the engine's workers.
     */
    EngineCounters(final File file, final int workers)
    {
        final int counters = 2 + workers * COUNTERS_PER_WORKER;
        final int valuesLength = counters * CountersReader.COUNTER_LENGTH;
        final int metadataLength = counters * CountersReader.METADATA_LENGTH;
        final int length = HEADER_LENGTH + metadataLength + valuesLength + ERROR_LOG_LENGTH;
        this.file = file;
        // The buffers over it keep it reachable, and so mapped, as long as the counters are.
        final ByteBuffer memory = file == null ? ByteBuffer.allocateDirect(length) : IoUtil.mapNewFile(file, length, true);
        final UnsafeBuffer header = new UnsafeBuffer(memory, 0, HEADER_LENGTH);
        header.putInt(VERSION_OFFSET, VERSION);
        header.putInt(METADATA_LENGTH_OFFSET, metadataLength);
        header.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        header.putInt(ERROR_LOG_LENGTH_OFFSET, ERROR_LOG_LENGTH);
        header.putLong(PID_OFFSET, ProcessHandle.current().pid());
        header.putLong(START_TIME_OFFSET, System.currentTimeMillis());
        this.manager = new CountersManager(
            new UnsafeBuffer(memory, HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(memory, HEADER_LENGTH + metadataLength, valuesLength));
        this.errors = new DistinctErrorLog(
            new UnsafeBuffer(memory, HEADER_LENGTH + metadataLength + valuesLength, ERROR_LOG_LENGTH),
            SystemEpochClock.INSTANCE);
        this.backPressured = manager.newCounter("back-pressured submits", TYPE_ID);
        this.errorCount = manager.newCounter("errors (see the error log)", TYPE_ID);
        this.workers = new WorkerCounters[workers];
        for (int i = 0; i < workers; i++)
        {
            this.workers[i] = new WorkerCounters(manager, i);
        }
        // Written last: a reader that sees the magic sees a whole file.
        header.putIntVolatile(MAGIC_OFFSET, MAGIC);
    }

    /**
     * Opens the counters file of a running (or stopped) engine for reading, from any process.
     *
     * @param file the file the engine was given.
     * @return a view over it; its values change as the engine runs.
     * @throws InvalidParameterException naming {@code counters-file} when it is missing or no amfkeys
     *                                   counters file.
     */
    public static CountersFile open(final File file)
    {
        final String allowed = "the counters file of a running engine (KeyEngine.Options.countersFile)";
        if (file == null || !file.isFile())
        {
            throw new InvalidParameterException("counters-file", file == null ? "missing" : "no such file: " + file, allowed);
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file, FileChannel.MapMode.READ_ONLY, "counters");
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, Math.min(HEADER_LENGTH, mapped.capacity()));
        if (mapped.capacity() < HEADER_LENGTH || header.getIntVolatile(MAGIC_OFFSET) != MAGIC ||
            header.getInt(VERSION_OFFSET) != VERSION)
        {
            IoUtil.unmap(mapped);
            throw new InvalidParameterException("counters-file", "not an amfkeys counters file of version " + VERSION, allowed);
        }
        final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
        final int errorLogLength = header.getInt(ERROR_LOG_LENGTH_OFFSET);
        if (metadataLength < 0 || valuesLength < 0 || errorLogLength < 0 ||
            HEADER_LENGTH + (long)metadataLength + valuesLength + errorLogLength > mapped.capacity())
        {
            IoUtil.unmap(mapped);
            throw new InvalidParameterException("counters-file", "its lengths exceed the file", allowed);
        }
        return new CountersFile(header.getLong(PID_OFFSET), header.getLong(START_TIME_OFFSET),
            new CountersReader(
                new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
                new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength)),
            new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength + valuesLength, errorLogLength));
    }

    /**
     * An engine's counters file as another process sees it.
     *
     * @param pid         the engine's process.
     * @param startTimeMs when the engine started, epoch milliseconds.
     * @param counters    the counters.
     * @param errorLog    the distinct error log, for {@code ErrorLogReader}.
     */
    public record CountersFile(long pid, long startTimeMs, CountersReader counters, AtomicBuffer errorLog)
    {
    }

    /**
     * @return the counters, for reading in this process.
     */
    public CountersReader reader()
    {
        return manager;
    }

    /**
     * @return the distinct error log's buffer, for {@code ErrorLogReader}.
     */
    public AtomicBuffer errorLog()
    {
        return errors.buffer();
    }

    /**
     * @return the file the counters live in, or null.
     */
    public File file()
    {
        return file;
    }

    WorkerCounters worker(final int index)
    {
        return workers[index];
    }

    void backPressured()
    {
        backPressured.increment();
    }

    /**
     * Records an unexpected failure once per distinct stack; never key material, which no exception holds.
     */
    void recordError(final Throwable error)
    {
        errorCount.increment();
        errors.record(error);
    }

    /**
     * Ends the engine's use of the counters. The memory is not unmapped here: a producer racing the
     * engine's close may still count a back-pressured submit, and a write to unmapped memory would take
     * the JVM down; the mapping goes when the counters are unreachable. The file stays on disk for a
     * last look with {@code amfkeys stat}.
     */
    public void close()
    {
        closed = true;
    }

    /**
     * @return whether the engine closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * One worker's counters, each written by that worker only.
     */
    static final class WorkerCounters
    {
        private final AtomicCounter requests;
        private final AtomicCounter[] byStatus = new AtomicCounter[CompletionStatus.values().length + 1];
        private final AtomicCounter[] byRule = new AtomicCounter[ConcurrencyRule.values().length + 1];
        private final AtomicCounter batches;
        private final AtomicCounter passes;
        private final AtomicCounter[] batchSizes = new AtomicCounter[BATCH_SIZE_BOUNDS.length];
        private final AtomicCounter kernelCalls;
        private final AtomicCounter kernelFallbacks;
        private final AtomicCounter queueDepth;

        WorkerCounters(final CountersManager manager, final int worker)
        {
            final String prefix = "worker " + worker + ": ";
            requests = manager.newCounter(prefix + "requests", TYPE_ID);
            for (final CompletionStatus status : CompletionStatus.values())
            {
                byStatus[status.code()] = manager.newCounter(prefix + "completions " + status.name().toLowerCase(), TYPE_ID);
            }
            for (final ConcurrencyRule rule : ConcurrencyRule.values())
            {
                byRule[rule.code()] = manager.newCounter(prefix + "refused by " + rule.clause(), TYPE_ID);
            }
            batches = manager.newCounter(prefix + "batches", TYPE_ID);
            passes = manager.newCounter(prefix + "passes", TYPE_ID);
            int lower = 1;
            for (int i = 0; i < BATCH_SIZE_BOUNDS.length; i++)
            {
                final int upper = BATCH_SIZE_BOUNDS[i];
                batchSizes[i] = manager.newCounter(prefix + "batches of " +
                    (upper == Integer.MAX_VALUE ? lower + " and more" : lower == upper ? "" + lower : lower + "-" + upper), TYPE_ID);
                lower = upper + 1;
            }
            kernelCalls = manager.newCounter(prefix + "kernel calls", TYPE_ID);
            kernelFallbacks = manager.newCounter(prefix + "kernel fallbacks", TYPE_ID);
            queueDepth = manager.newCounter(prefix + "queue depth (octets)", TYPE_ID);
        }

        void batch(final int size, final long depth)
        {
            requests.getAndAddRelease(size);
            batches.incrementRelease();
            int bucket = 0;
            while (size > BATCH_SIZE_BOUNDS[bucket])
            {
                bucket++;
            }
            batchSizes[bucket].incrementRelease();
            queueDepth.setRelease(depth);
        }

        void pass()
        {
            passes.incrementRelease();
        }

        void kernelCall(final boolean fellBack)
        {
            kernelCalls.incrementRelease();
            if (fellBack)
            {
                kernelFallbacks.incrementRelease();
            }
        }

        void completed(final CompletionStatus status, final int ruleCode)
        {
            byStatus[status.code()].incrementRelease();
            if (ruleCode > 0 && ruleCode < byRule.length)
            {
                byRule[ruleCode].incrementRelease();
            }
        }
    }
}

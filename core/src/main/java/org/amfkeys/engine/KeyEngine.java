package org.amfkeys.engine;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The batching engine: key procedures from many AMF threads, carried by Agrona ring buffers to
 * workers that run them in batches, each stage of a batch one call of the native batch kernel.
 * <p>
 * Each of the W workers owns a {@code ManyToOneRingBuffer} of requests and the UEs hashed to it, so
 * one UE's requests run in submission order, one at a time. A thread gets an {@link EngineProducer}
 * ({@link #newProducer()}), submits requests through it without allocating or waiting, and polls its
 * completions from its own ring. Workers run on threads of their own ({@link AgentRunner}, each with
 * the configured {@link IdleStrategy}), or, with {@link Options#invoked(boolean)}, on the embedder's
 * threads through {@link #invoker(int)} (an {@link AgentInvoker}), so an AMF with its own event loop
 * needs no extra thread.
 * <p>
 * Every request has the same effects and refusals as the direct {@link AmfProcedures} call on the same
 * table, concurrency rules included; direct calls on other threads may share the table. Counters for
 * operators are in {@link #counters()}, in a file when {@link Options#countersFile(File)} names one.
 * {@link #close()} completes every accepted request before it returns.
 */
public final class KeyEngine implements AutoCloseable
{
    private static final long UE_SPREAD = 0x9E37_79B9_7F4A_7C15L;

    private final ContextTable table;
    private final Options options;
    private final EngineCounters counters;
    private final ManyToOneRingBuffer[] rings;
    private final EngineWorker[] workers;
    private final AgentRunner[] runners;
    private final AgentInvoker[] invokers;
    private final String kernelName;
    private final List<EngineProducer> closedProducers = new ArrayList<>();
    private volatile EngineProducer[] producers = new EngineProducer[0];
    /**
     * Each registered producer's response rings, by producer id then worker, null once it closed: apart
     * from the producers themselves, so a worker writing a completion never reads a cache line that
     * the producer's thread writes at every submit and poll.
     */
    private volatile RingBuffer[][] responseRings = new RingBuffer[0][];
    private volatile boolean closing;
    private boolean closed;
    private boolean stopped;

    /**
     * Starts an engine over the AMF's table.
     *
     * @param table   the AMF's UE contexts; the engine never closes it.
     * @param options the engine's settings; copied, so later changes to them do nothing here.
     * @throws InvalidParameterException when {@code table} or {@code options} is missing.
     */
    public KeyEngine(final ContextTable table, final Options options)
    {
        if (table == null)
        {
            throw InvalidParameterException.missing("table", "a ContextTable");
        }
        if (options == null)
        {
            throw InvalidParameterException.missing("options", "KeyEngine.Options");
        }
        this.table = table;
        this.options = options.copy();
        final int workerCount = this.options.workers;
        this.counters = new EngineCounters(this.options.countersFile, workerCount);
        this.rings = new ManyToOneRingBuffer[workerCount];
        this.workers = new EngineWorker[workerCount];
        this.runners = new AgentRunner[this.options.invoked ? 0 : workerCount];
        this.invokers = new AgentInvoker[this.options.invoked ? workerCount : 0];
        final ErrorHandler errorHandler = counters::recordError;
        String kernel = null;
        for (int i = 0; i < workerCount; i++)
        {
            rings[i] = new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                this.options.requestRingCapacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH)));
            final HmacSha256Engine direct = directEngine(this.options.hmacEngine);
            final RecordsKernel records = new RecordsKernel(
                this.options.nativeBatch ? this.options.batchKernel.get() : null, direct, RecordsKernel.fallbackEngine(), 1);
            final StagedHmac hmac = new StagedHmac(direct, records, this.options.maxBatch);
            kernel = hmac.kernelName();
            final Kdf kdf = new Kdf(hmac);
            workers[i] = new EngineWorker(this, i, rings[i], kdf, new AmfProcedures(table, kdf), hmac, records,
                this.options.maxBatch, this.options.stagingThreshold, counters.worker(i));
        }
        this.kernelName = kernel;
        for (int i = 0; i < workerCount; i++)
        {
            if (this.options.invoked)
            {
                invokers[i] = new AgentInvoker(errorHandler, null, workers[i]);
                invokers[i].start();
            }
            else
            {
                runners[i] = new AgentRunner(this.options.idleStrategy.get(), errorHandler, null, workers[i]);
                AgentRunner.startOnThread(runners[i], runnable ->
                {
                    final Thread thread = new Thread(runnable);
                    thread.setDaemon(true);
                    return thread;
                });
            }
        }
    }

    /**
     * @return a new producer for the calling thread; use it from that thread only.
     * @throws IllegalStateException when the engine is closed.
     */
    public synchronized EngineProducer newProducer()
    {
        if (closing)
        {
            throw new IllegalStateException("KeyEngine is closed");
        }
        final EngineProducer[] current = producers;
        final EngineProducer producer = new EngineProducer(this, current.length, workers.length, options.responseRingCapacity);
        final EngineProducer[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = producer;
        final RingBuffer[][] rings = Arrays.copyOf(responseRings, current.length + 1);
        rings[current.length] = producer.responseRings();
        responseRings = rings;
        producers = next;
        return producer;
    }

    /**
     * @param worker the worker's index, 0..{@link #workers()}-1.
     * @return the invoker that runs that worker's duty cycle on the caller's thread: call
     *         {@link AgentInvoker#invoke()} in the thread's loop. Only with {@link Options#invoked(boolean)}.
     * @throws IllegalStateException when the workers run on threads of their own.
     */
    public AgentInvoker invoker(final int worker)
    {
        if (!options.invoked)
        {
            throw new IllegalStateException("the workers run on their own threads: set Options.invoked(true) to invoke them");
        }
        return invokers[InvalidParameterException.requireInRange("worker", worker, 0, invokers.length - 1)];
    }

    /**
     * @return the number of workers.
     */
    public int workers()
    {
        return workers.length;
    }

    /**
     * @param ueId a UE.
     * @return the worker that runs the UE's requests.
     */
    public int workerOf(final long ueId)
    {
        return (int)(((ueId * UE_SPREAD) >>> 33) % workers.length);
    }

    /**
     * @return the table the engine runs on.
     */
    public ContextTable table()
    {
        return table;
    }

    /**
     * @return the counters for operators.
     */
    public EngineCounters counters()
    {
        return counters;
    }

    /**
     * @return the kernel that computes a batch's derivations, e.g. {@code native-batch/avx512}, or the
     *         Java engine's name when the native library is absent.
     */
    public String kernelName()
    {
        return kernelName;
    }

    /**
     * @return whether {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return closing;
    }

    /**
     * Stops accepting requests, completes every request accepted before (each producer can still poll
     * its completions), stops the workers and zeroes their memory. With invokers, call it on the thread
     * that invokes them, or once no thread does. Closing again does nothing.
     */
    public void close()
    {
        final EngineProducer[] registered;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            closing = true;
            registered = producers;
        }
        // A submit that announced itself before it saw the engine closing finishes its commit first.
        for (final EngineProducer producer : registered)
        {
            if (producer != null)
            {
                while (producer.isSubmitting())
                {
                    Thread.onSpinWait();
                }
            }
        }
        // Each worker runs what its ring still holds in onClose, then zeroes its memory.
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        for (final AgentInvoker invoker : invokers)
        {
            invoker.close();
        }
        for (final ManyToOneRingBuffer ring : rings)
        {
            ring.buffer().setMemory(0, ring.buffer().capacity(), (byte)0);
        }
        final List<EngineProducer> toFree;
        synchronized (this)
        {
            stopped = true;
            toFree = new ArrayList<>(closedProducers);
            closedProducers.clear();
        }
        toFree.forEach(EngineProducer::free);
        counters.close();
    }

    /**
     * @return the engine's settings and state, without key material.
     */
    public String toString()
    {
        return "KeyEngine[workers=" + workers.length + ", kernel=" + kernelName + ", maxBatch=" + options.maxBatch +
            (closing ? ", closed]" : "]");
    }

    boolean isClosing()
    {
        return closing;
    }

    ManyToOneRingBuffer requestRing(final long ueId)
    {
        return rings[workerOf(ueId)];
    }

    /**
     * @return the producer with that id, or null once it closed.
     */
    EngineProducer producer(final int id)
    {
        final EngineProducer[] current = producers;
        return id >= 0 && id < current.length ? current[id] : null;
    }

    /**
     * @return the ring where {@code worker} writes the completions of producer {@code id}, or null once
     *         that producer closed.
     */
    RingBuffer responseRing(final int id, final int worker)
    {
        final RingBuffer[][] current = responseRings;
        final RingBuffer[] rings = id >= 0 && id < current.length ? current[id] : null;
        return rings == null ? null : rings[worker];
    }

    synchronized void producerClosed(final EngineProducer producer)
    {
        final EngineProducer[] next = producers.clone();
        next[producer.id()] = null;
        final RingBuffer[][] rings = responseRings.clone();
        rings[producer.id()] = null;
        responseRings = rings;
        producers = next;
        if (stopped)
        {
            producer.free();
        }
        else
        {
            closedProducers.add(producer);
        }
    }

    void recordError(final Throwable error)
    {
        counters.recordError(error);
    }

    private static HmacSha256Engine directEngine(final String name)
    {
        return name == null ? HmacEngines.newEngine() : HmacEngines.newEngine(name);
    }

    /**
     * An engine's settings, validated as they are set: each setter names the setting and its range when
     * a value is out of it.
     */
    public static final class Options
    {
        /** Default requests taken per batch. */
        public static final int DEFAULT_MAX_BATCH = 64;

        /**
         * Default smallest batch run in stages through the batch kernel: none for now, as stages still
         * cost more than they save (README, Performance); set a threshold to use them.
         */
        public static final int DEFAULT_STAGING_THRESHOLD = 1025;

        /** Default octets of each ring. */
        public static final int DEFAULT_RING_CAPACITY = 1 << 16;

        /** Smallest request ring: Agrona's rings take records of an eighth of their capacity at most. */
        public static final int MIN_REQUEST_RING_CAPACITY = 8192;

        /** Smallest response ring. */
        public static final int MIN_RESPONSE_RING_CAPACITY = 4096;

        private int workers = 1;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private int stagingThreshold = DEFAULT_STAGING_THRESHOLD;
        private int requestRingCapacity = DEFAULT_RING_CAPACITY;
        private int responseRingCapacity = DEFAULT_RING_CAPACITY;
        private Supplier<IdleStrategy> idleStrategy = () -> new BackoffIdleStrategy();
        private boolean invoked;
        private boolean nativeBatch = true;
        private String hmacEngine;
        private File countersFile;
        private Supplier<BatchKernel> batchKernel = RecordsKernel::nativeBatchKernel;

        /**
         * @param workers worker count, 1..64.
         * @return this.
         */
        public Options workers(final int workers)
        {
            this.workers = InvalidParameterException.requireInRange("workers", workers, 1, 64);
            return this;
        }

        /**
         * @param maxBatch most requests a worker takes per batch, 1..1024.
         * @return this.
         */
        public Options maxBatch(final int maxBatch)
        {
            this.maxBatch = InvalidParameterException.requireInRange("max-batch", maxBatch, 1, 1024);
            return this;
        }

        /**
         * @param stagingThreshold smallest batch run in stages through the batch kernel, 1..1025; a
         *                         threshold above the maximum batch derives every request at once.
         * @return this.
         */
        public Options stagingThreshold(final int stagingThreshold)
        {
            this.stagingThreshold = InvalidParameterException.requireInRange("staging-threshold", stagingThreshold, 1, 1025);
            return this;
        }

        /**
         * @param capacity octets of each worker's request ring: a power of two, 8192..2^30 (the ring's
         *                 longest record, an {@link EngineOperation#AUTHENTICATED} request with the
         *                 longest SUPI and ABBA, is an eighth of it at most).
         * @return this.
         */
        public Options requestRingCapacity(final int capacity)
        {
            this.requestRingCapacity = ringCapacity("request-ring-capacity", capacity, MIN_REQUEST_RING_CAPACITY);
            return this;
        }

        /**
         * @param capacity octets of each producer's response ring: a power of two, 4096..2^30; it bounds
         *                 the producer's requests in flight.
         * @return this.
         */
        public Options responseRingCapacity(final int capacity)
        {
            this.responseRingCapacity = ringCapacity("response-ring-capacity", capacity, MIN_RESPONSE_RING_CAPACITY);
            return this;
        }

        /**
         * @param idleStrategy gives each worker thread its idle strategy (default: a backoff).
         * @return this.
         */
        public Options idleStrategy(final Supplier<IdleStrategy> idleStrategy)
        {
            if (idleStrategy == null)
            {
                throw InvalidParameterException.missing("idle-strategy", "a supplier of IdleStrategy");
            }
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @param invoked true to run the workers on the embedder's threads through {@link #invoker(int)}.
         * @return this.
         */
        public Options invoked(final boolean invoked)
        {
            this.invoked = invoked;
            return this;
        }

        /**
         * @param nativeBatch false to compute stages on the Java engine even when the native batch
         *                    kernel is usable (for comparison).
         * @return this.
         */
        public Options nativeBatch(final boolean nativeBatch)
        {
            this.nativeBatch = nativeBatch;
            return this;
        }

        /**
         * @param hmacEngine the engine for derivations computed at once, as {@link HmacEngines#newEngine(String)}
         *                   names it; null for the fastest.
         * @return this.
         */
        public Options hmacEngine(final String hmacEngine)
        {
            this.hmacEngine = hmacEngine;
            return this;
        }

        /**
         * @param countersFile where the counters live for {@code amfkeys stat}; null keeps them in memory.
         * @return this.
         */
        public Options countersFile(final File countersFile)
        {
            this.countersFile = countersFile;
            return this;
        }

        /**
         * Replaces the native batch kernel, for tests that make a kernel fail.
         */
        Options batchKernel(final Supplier<BatchKernel> batchKernel)
        {
            this.batchKernel = batchKernel;
            return this;
        }

        private Options copy()
        {
            final Options copy = new Options();
            copy.workers = workers;
            copy.maxBatch = maxBatch;
            copy.stagingThreshold = stagingThreshold;
            copy.requestRingCapacity = requestRingCapacity;
            copy.responseRingCapacity = responseRingCapacity;
            copy.idleStrategy = idleStrategy;
            copy.invoked = invoked;
            copy.nativeBatch = nativeBatch;
            copy.hmacEngine = hmacEngine;
            copy.countersFile = countersFile;
            copy.batchKernel = batchKernel;
            return copy;
        }

        private static int ringCapacity(final String parameter, final int capacity, final int min)
        {
            if (capacity < min || capacity > 1 << 30 || !BitUtil.isPowerOfTwo(capacity))
            {
                throw new InvalidParameterException(parameter, capacity + " is not allowed", "a power of two, " + min + "..2^30");
            }
            return capacity;
        }

        /**
         * @return the settings.
         */
        public String toString()
        {
            return "Options[workers=" + workers + ", maxBatch=" + maxBatch + ", stagingThreshold=" + stagingThreshold +
                ", requestRingCapacity=" + requestRingCapacity + ", responseRingCapacity=" + responseRingCapacity +
                ", invoked=" + invoked + ", nativeBatch=" + nativeBatch + ", hmacEngine=" + hmacEngine + "]";
        }
    }
}

package org.amfkeys.engine;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.procedures.UeContextTransfer;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AlgorithmIdentity;
import org.amfkeys.types.NgKsi;
import org.amfkeys.types.Supi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static org.amfkeys.engine.RequestDescriptor.CORRELATION_ID_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.PADDING_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.PRODUCER_ID_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.UE_ID_OFFSET;
import static org.amfkeys.engine.RequestDescriptor.UPLINK_NAS_COUNT_OFFSET;

/**
 * One thread's way into a {@link KeyEngine}: it submits requests, written in place in the ring of the
 * UE's worker, and polls its own response ring for their completions in its duty cycle. Nothing
 * allocates. Use it from one thread only; give each thread its own ({@link KeyEngine#newProducer()}).
 * <p>
 * A submit never waits: it returns {@link #SUBMITTED}, {@link #BACK_PRESSURED} when the worker's ring
 * is full or this producer already has as many requests in flight as its response ring can hold (poll,
 * then try again), or {@link #CLOSED} once the engine closes. Every submitted request gets exactly one
 * completion, also when the engine closes meanwhile.
 */
public final class EngineProducer implements AutoCloseable
{
    /** The request is in the worker's ring; its completion will follow. */
    public static final int SUBMITTED = 1;

    /** Nothing was submitted: the worker's ring or this producer's response ring is full. */
    public static final int BACK_PRESSURED = -1;

    /** Nothing was submitted: the engine is closed, or this producer is. */
    public static final int CLOSED = -2;

    private static final VarHandle SUBMITTING;

    static
    {
        try
        {
            SUBMITTING = MethodHandles.lookup().findVarHandle(EngineProducer.class, "submitting", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final KeyEngine engine;
    private final int id;
    private final OneToOneRingBuffer[] responses;
    private final int maxInFlight;
    private final Completion completion = new Completion();
    private final MessageHandler deliver = this::deliver;
    private final byte[] parameterOctets = new byte[RequestDescriptor.MAX_SUPI_LENGTH + RequestDescriptor.MAX_ABBA_LENGTH];
    private CompletionHandler handler;
    private long submitted;
    private long completed;
    private boolean closed;
    @SuppressWarnings("unused") // through SUBMITTING
    private volatile boolean submitting;

    EngineProducer(final KeyEngine engine, final int id, final int workers, final int responseCapacity)
    {
        this.engine = engine;
        this.id = id;
        // One ring per worker, each with its single writer; every one has room for all the requests in
        // flight, which may all be for UEs of one worker.
        this.responses = new OneToOneRingBuffer[workers];
        for (int i = 0; i < workers; i++)
        {
            responses[i] = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                responseCapacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH)));
        }
        final int record = BitUtil.align(RecordDescriptor.HEADER_LENGTH + CompletionDescriptor.MAX_LENGTH, RecordDescriptor.ALIGNMENT);
        // One record's room is kept back for the padding a wrap may need.
        this.maxInFlight = responseCapacity / record - 1;
    }

    /**
     * @return this producer's id, carried in its requests.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return requests submitted whose completion this producer has not polled yet.
     */
    public long inFlight()
    {
        return submitted - completed;
    }

    /**
     * @return the most requests this producer may have in flight; a submit beyond it is back-pressured.
     */
    public int maxInFlight()
    {
        return maxInFlight;
    }

    /**
     * Submits an operation that takes nothing but the UE ({@link EngineOperation.Input#NONE}).
     *
     * @param operation     what to run.
     * @param correlationId the caller's id, returned in the completion.
     * @param ueId          the UE.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException when {@code operation} is missing or takes more than the UE.
     */
    public int submit(final EngineOperation operation, final long correlationId, final long ueId)
    {
        requireInput(operation, EngineOperation.Input.NONE, "submit");
        return submit(operation, correlationId, ueId, 0, null);
    }

    /**
     * Submits an Initial Context Setup: the initial KgNB of the UL NAS COUNT, NCC 0.
     *
     * @param correlationId the caller's id, returned in the completion.
     * @param ueId          the UE.
     * @param ulCount       the UL NAS COUNT of the uplink NAS message, 0..2^32-1.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException naming {@code ul-count} when it is out of range.
     */
    public int submitInitialContextSetup(final long correlationId, final long ueId, final long ulCount)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        return submit(EngineOperation.INITIAL_CONTEXT_SETUP, correlationId, ueId, ulCount, null);
    }

    /**
     * Submits the source AMF's side of a mobility registration to another AMF: its completion carries
     * the transfer for the target ({@link Completion#copyTransfer}).
     *
     * @param correlationId  the caller's id, returned in the completion.
     * @param ueId           the UE.
     * @param ulCount        UL NAS COUNT of the Registration Request, 0..2^24-1.
     * @param horizontalKamf the policy's decision: derive a horizontal KAMF.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException naming {@code ul-count} when it is out of range.
     */
    public int submitContextTransfer(
        final long correlationId, final long ueId, final long ulCount, final boolean horizontalKamf)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        return submit(horizontalKamf ? EngineOperation.CONTEXT_TRANSFER_WITH_HORIZONTAL_KAMF : EngineOperation.CONTEXT_TRANSFER,
            correlationId, ueId, ulCount, null);
    }

    /**
     * Submits the source AMF's side of a 5GS to EPS idle-mode move: its completion carries the context
     * response for the MME ({@link Completion#copyTransfer}).
     *
     * @param correlationId the caller's id, returned in the completion.
     * @param ueId          the UE.
     * @param ulCount       UL NAS COUNT of the TAU Request, 0..2^24-1.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException naming {@code ul-count} when it is out of range.
     */
    public int submitIdleModeToEps(final long correlationId, final long ueId, final long ulCount)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        return submit(EngineOperation.IDLE_MODE_TO_EPS, correlationId, ueId, ulCount, null);
    }

    /**
     * Submits the target AMF's side of a move: the transfer the source sent is copied into the request.
     *
     * @param operation     {@link EngineOperation#ACCEPT_HANDOVER}, {@link EngineOperation#ACCEPT_CONTEXT_TRANSFER},
     *                      {@link EngineOperation#ACCEPT_HANDOVER_FROM_EPS} or
     *                      {@link EngineOperation#ACCEPT_IDLE_MODE_FROM_EPS}.
     * @param correlationId the caller's id, returned in the completion.
     * @param ueId          the UE.
     * @param transfer      what the source sent; unchanged.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException when {@code operation} takes no transfer or {@code transfer} is missing.
     */
    public int submitTransfer(
        final EngineOperation operation, final long correlationId, final long ueId, final UeContextTransfer transfer)
    {
        requireInput(operation, EngineOperation.Input.TRANSFER, "submitTransfer");
        if (transfer == null)
        {
            throw InvalidParameterException.missing("transfer", "the UeContextTransfer the source sent");
        }
        return submit(operation, correlationId, ueId, 0, transfer);
    }

    /**
     * Submits what a primary authentication gives the AMF: KAMF derived from KSEAF (TS 33.501 A.7)
     * becomes the UE's new partial native context, as
     * {@link org.amfkeys.procedures.AmfProcedures#authenticated(long, byte[], Supi, Abba, int, int)} does.
     * KSEAF is copied into the request and the ring zeroes it once read.
     *
     * @param correlationId          the caller's id, returned in the completion.
     * @param ueId                   the UE; one not yet known is added.
     * @param kseaf                  KSEAF from the AUSF, 32 octets; unchanged.
     * @param supi                   the UE's SUPI.
     * @param abba                   the ABBA parameter.
     * @param ngKsi                  the new context's ngKSI, native, 0..6.
     * @param ueSecurityCapabilities the UE security capabilities.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException naming the parameter that is missing or out of range.
     */
    public int submitAuthenticated(
        final long correlationId, final long ueId, final byte[] kseaf, final Supi supi, final Abba abba, final int ngKsi,
        final int ueSecurityCapabilities)
    {
        SecurityContext.requireKey("kseaf", kseaf);
        if (supi == null)
        {
            throw InvalidParameterException.missing("supi", Supi.ALLOWED);
        }
        if (abba == null)
        {
            throw InvalidParameterException.missing("abba", Abba.MIN_LENGTH + ".." + Abba.MAX_LENGTH + " octets");
        }
        NgKsi.checkKeySetIdentifier("ngksi", ngKsi);
        final int supiLength = supi.encodedLength();
        final int abbaLength = abba.encodedLength();
        final int index = claim(EngineOperation.AUTHENTICATED, correlationId, ueId, 0,
            RequestDescriptor.KSEAF_PARAMETERS_OFFSET + supiLength + abbaLength);
        if (index < 0)
        {
            return index;
        }
        boolean written = false;
        try
        {
            final MutableDirectBuffer buffer = engine.requestRing(ueId).buffer();
            buffer.putBytes(index + RequestDescriptor.KSEAF_OFFSET, kseaf);
            buffer.putInt(index + RequestDescriptor.KSEAF_NGKSI_OFFSET, ngKsi);
            buffer.putInt(index + RequestDescriptor.KSEAF_UE_SECURITY_CAPABILITIES_OFFSET, ueSecurityCapabilities);
            buffer.putInt(index + RequestDescriptor.KSEAF_SUPI_LENGTH_OFFSET, supiLength);
            buffer.putInt(index + RequestDescriptor.KSEAF_ABBA_LENGTH_OFFSET, abbaLength);
            supi.encodeTo(parameterOctets, 0);
            abba.encodeTo(parameterOctets, supiLength);
            buffer.putBytes(index + RequestDescriptor.KSEAF_PARAMETERS_OFFSET, parameterOctets, 0, supiLength + abbaLength);
            written = true;
        }
        finally
        {
            end(ueId, index, written);
        }
        return SUBMITTED;
    }

    /**
     * Submits a NAS Security Mode Command: it activates the UE's new context (or changes the algorithms
     * of the current one), as {@link org.amfkeys.procedures.AmfProcedures#nasSecurityModeCommand(long,
     * int, int, org.amfkeys.procedures.NasSecurityModeCommand)} does; its completion carries the command
     * and its NAS keys ({@link Completion#copyNasSecurityModeCommand}).
     *
     * @param correlationId the caller's id, returned in the completion.
     * @param ueId          the UE.
     * @param ciphering     the NAS ciphering algorithm, 0..15.
     * @param integrity     the NAS integrity algorithm, 0..15.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException naming {@code nas-enc} or {@code nas-int} when out of range.
     */
    public int submitNasSecurityModeCommand(final long correlationId, final long ueId, final int ciphering, final int integrity)
    {
        AlgorithmIdentity.check("nas-enc", ciphering);
        AlgorithmIdentity.check("nas-int", integrity);
        final EngineOperation operation = EngineOperation.NAS_SECURITY_MODE_COMMAND;
        final int index = claim(operation, correlationId, ueId, 0, operation.requestLength());
        if (index < 0)
        {
            return index;
        }
        boolean written = false;
        try
        {
            final MutableDirectBuffer buffer = engine.requestRing(ueId).buffer();
            buffer.putInt(index + RequestDescriptor.NAS_CIPHERING_OFFSET, ciphering);
            buffer.putInt(index + RequestDescriptor.NAS_INTEGRITY_OFFSET, integrity);
            written = true;
        }
        finally
        {
            end(ueId, index, written);
        }
        return SUBMITTED;
    }

    /**
     * Submits a NAS Security Mode Complete: the activated context becomes the current one.
     *
     * @param correlationId the caller's id, returned in the completion.
     * @param ueId          the UE.
     * @param ulCount       the Security Mode Complete's UL NAS COUNT, 0..2^32-1.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     * @throws InvalidParameterException naming {@code ul-count} when it is out of range.
     */
    public int submitNasSecurityModeComplete(final long correlationId, final long ueId, final long ulCount)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        return submit(EngineOperation.NAS_SECURITY_MODE_COMPLETE, correlationId, ueId, ulCount, null);
    }

    private static void requireInput(final EngineOperation operation, final EngineOperation.Input input, final String method)
    {
        if (operation == null)
        {
            throw InvalidParameterException.missing("operation", "an EngineOperation");
        }
        if (operation.input() != input)
        {
            throw new InvalidParameterException("operation", operation + " takes " + operation.input() + ", not " +
                input + " as " + method + " gives", "an EngineOperation whose input is " + input);
        }
    }

    private int submit(
        final EngineOperation operation, final long correlationId, final long ueId, final long ulCount,
        final UeContextTransfer transfer)
    {
        final int index = claim(operation, correlationId, ueId, ulCount, operation.requestLength());
        if (index < 0)
        {
            return index;
        }
        boolean written = false;
        try
        {
            if (transfer != null)
            {
                transfer.encode(engine.requestRing(ueId).buffer(), index + RequestDescriptor.TRANSFER_OFFSET);
            }
            written = true;
        }
        finally
        {
            end(ueId, index, written);
        }
        return SUBMITTED;
    }

    /**
     * Claims a request record in the UE's worker's ring and writes what every request carries; on
     * success the caller writes its operation's input and calls {@link #end}.
     *
     * @return the record's index, or {@link #BACK_PRESSURED} or {@link #CLOSED} with nothing claimed.
     */
    private int claim(
        final EngineOperation operation, final long correlationId, final long ueId, final long ulCount, final int length)
    {
        if (closed || engine.isClosing())
        {
            return CLOSED;
        }
        if (submitted - completed >= maxInFlight)
        {
            engine.counters().backPressured();
            return BACK_PRESSURED;
        }
        // Announced before the engine's state is read, so a close either sees this submit or stops it.
        SUBMITTING.setVolatile(this, true);
        boolean claimed = false;
        try
        {
            if (engine.isClosing())
            {
                return CLOSED;
            }
            final ManyToOneRingBuffer ring = engine.requestRing(ueId);
            final int index = ring.tryClaim(operation.code(), length);
            if (index < 0)
            {
                engine.counters().backPressured();
                return BACK_PRESSURED;
            }
            final MutableDirectBuffer buffer = ring.buffer();
            buffer.putLong(index + CORRELATION_ID_OFFSET, correlationId);
            buffer.putLong(index + UE_ID_OFFSET, ueId);
            buffer.putInt(index + PRODUCER_ID_OFFSET, id);
            buffer.putInt(index + PADDING_OFFSET, 0);
            buffer.putLong(index + UPLINK_NAS_COUNT_OFFSET, ulCount);
            claimed = true;
            return index;
        }
        finally
        {
            if (!claimed)
            {
                SUBMITTING.setRelease(this, false);
            }
        }
    }

    /**
     * Commits a claimed record once written in full, else aborts it (the ring zeroes it either way
     * once read or skipped), and ends the submit.
     */
    private void end(final long ueId, final int index, final boolean written)
    {
        try
        {
            final ManyToOneRingBuffer ring = engine.requestRing(ueId);
            if (written)
            {
                ring.commit(index);
                submitted++;
            }
            else
            {
                ring.abort(index);
            }
        }
        finally
        {
            SUBMITTING.setRelease(this, false);
        }
    }

    /**
     * Hands up to {@code limit} completions to {@code handler}, from each worker in turn; one UE's
     * completions come in the order its requests were submitted.
     *
     * @param handler receives each completion, valid during its call only.
     * @param limit   most completions to take, 1 and up.
     * @return completions handed over.
     */
    public int poll(final CompletionHandler handler, final int limit)
    {
        if (handler == null)
        {
            throw InvalidParameterException.missing("handler", "a CompletionHandler");
        }
        InvalidParameterException.requireInRange("limit", limit, 1, Integer.MAX_VALUE);
        this.handler = handler;
        try
        {
            int polled = 0;
            for (int i = 0; i < responses.length && polled < limit; i++)
            {
                polled += responses[i].read(deliver, limit - polled);
            }
            return polled;
        }
        finally
        {
            this.handler = null;
        }
    }

    private void deliver(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        completed++;
        handler.onCompletion(completion.wrap(CompletionStatus.ofCode(msgTypeId), buffer, index));
    }

    /**
     * @return the response rings, one per worker, for the engine's registry: worker {@code i} writes
     *         this producer's completions to ring {@code i}.
     */
    RingBuffer[] responseRings()
    {
        return responses.clone();
    }

    /**
     * @return whether a submit is between announcing itself and committing its request.
     */
    boolean isSubmitting()
    {
        return (boolean)SUBMITTING.getVolatile(this);
    }

    /**
     * Stops this producer: later submits return {@link #CLOSED}. Completions still to come are dropped
     * by the workers; the response rings are zeroed when the engine closes.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            engine.producerClosed(this);
        }
    }

    /**
     * Zeroes the response ring; called by the engine once no worker writes to it any more.
     */
    void free()
    {
        for (final OneToOneRingBuffer ring : responses)
        {
            ring.buffer().setMemory(0, ring.buffer().capacity(), (byte)0);
        }
    }

    /**
     * @return the producer's counts, without content.
     */
    public String toString()
    {
        return "EngineProducer[id=" + id + ", inFlight=" + inFlight() + (closed ? ", closed]" : "]");
    }
}

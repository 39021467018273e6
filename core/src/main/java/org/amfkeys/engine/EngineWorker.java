package org.amfkeys.engine;

import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;

import static org.amfkeys.engine.CompletionDescriptor.CORRELATION_ID_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAGS_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAG_NEW_SECURITY_CONTEXT;
import static org.amfkeys.engine.CompletionDescriptor.KEY_LENGTH;
import static org.amfkeys.engine.CompletionDescriptor.KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NCC_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.OPERATION_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.RULE_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.UE_ID_OFFSET;

/**
 * One worker of a {@link KeyEngine}: it owns a ring of requests and the UEs hashed to it, so one UE's
 * requests run in submission order and never race each other inside the engine.
 * <p>
 * Each duty cycle takes what the ring holds, up to the maximum batch, and never waits for more: under
 * light load a request runs at once, under heavy load batches fill. A batch of at least the staging
 * threshold runs in passes ({@link StagedHmac}): every request's step runs under its UE's claim, the
 * derivations the steps ask for are computed in one batch kernel call, and the steps run again with
 * them until each has committed or been refused; a smaller batch runs each step once, deriving at once.
 * Either way a step is the direct {@link AmfProcedures} call, so its effects and refusals are the
 * direct call's. Each completion goes to the ring of the producer that submitted the request.
 */
final class EngineWorker implements Agent
{
    /** Passes of a batch run in stages; the requests still waiting after them derive at once. */
    static final int MAX_STAGED_PASSES = 2 * StagedHmac.MAX_DEPTH;

    private static final long NO_REQUEST = -1;

    private final KeyEngine engine;
    private final int index;
    private final ManyToOneRingBuffer requests;
    private final AmfProcedures procedures;
    private final StagedHmac hmac;
    private final int maxBatch;
    private final int stagingThreshold;
    private final EngineCounters.WorkerCounters counters;
    private final MessageHandler takeRequest = this::takeRequest;

    private final long[] correlationIds;
    private final long[] ueIds;
    private final long[] uplinkCounts;
    private final int[] operations;
    private final int[] producerIds;
    private final int[] ruleCodes;
    private final int[] waiting;
    private final boolean[] completed;
    private final int[] previousOfUe;
    private final Long2LongHashMap lastOfUe = new Long2LongHashMap(NO_REQUEST);
    private final NextHopPair[] pairs;
    private int taken;

    EngineWorker(
        final KeyEngine engine, final int index, final ManyToOneRingBuffer requests, final AmfProcedures procedures,
        final StagedHmac hmac, final int maxBatch, final int stagingThreshold,
        final EngineCounters.WorkerCounters counters)
    {
        this.engine = engine;
        this.index = index;
        this.requests = requests;
        this.procedures = procedures;
        this.hmac = hmac;
        this.maxBatch = maxBatch;
        this.stagingThreshold = stagingThreshold;
        this.counters = counters;
        this.correlationIds = new long[maxBatch];
        this.ueIds = new long[maxBatch];
        this.uplinkCounts = new long[maxBatch];
        this.operations = new int[maxBatch];
        this.producerIds = new int[maxBatch];
        this.ruleCodes = new int[maxBatch];
        this.waiting = new int[maxBatch];
        this.completed = new boolean[maxBatch];
        this.previousOfUe = new int[maxBatch];
        this.pairs = new NextHopPair[maxBatch];
        for (int i = 0; i < maxBatch; i++)
        {
            pairs[i] = new NextHopPair();
        }
    }

    public String roleName()
    {
        return "amfkeys-worker-" + index;
    }

    /**
     * Runs one batch: what the ring holds, up to the maximum.
     *
     * @return requests completed.
     */
    public int doWork()
    {
        taken = 0;
        final int count = requests.read(takeRequest, maxBatch);
        if (count > 0)
        {
            try
            {
                runBatch(count);
            }
            catch (final RuntimeException ex)
            {
                // Nothing the steps throw gets here; whatever does, no taken request goes without completion.
                engine.recordError(ex);
                hmac.computeAtOnce();
                for (int i = 0; i < count; i++)
                {
                    if (!completed[i])
                    {
                        complete(i, CompletionStatus.FAILED);
                    }
                }
            }
        }
        return count;
    }

    /**
     * Runs every request still in the ring, on the closing thread once the duty cycle stopped, then
     * zeroes the worker's memory: an accepted request is completed, never lost.
     */
    public void onClose()
    {
        try
        {
            while (doWork() > 0)
            {
                Thread.onSpinWait();
            }
        }
        finally
        {
            procedures.close();
        }
    }

    private void takeRequest(final int msgTypeId, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final int i = taken++;
        operations[i] = msgTypeId;
        correlationIds[i] = buffer.getLong(offset + RequestDescriptor.CORRELATION_ID_OFFSET);
        ueIds[i] = buffer.getLong(offset + RequestDescriptor.UE_ID_OFFSET);
        producerIds[i] = buffer.getInt(offset + RequestDescriptor.PRODUCER_ID_OFFSET);
        uplinkCounts[i] = buffer.getLong(offset + RequestDescriptor.UPLINK_NAS_COUNT_OFFSET);
    }

    private void runBatch(final int count)
    {
        counters.batch(count, requests.size());
        linkRequestsOfEachUe(count);
        if (count > 1 && !engine.table().isClosed())
        {
            engine.table().prefetch(ueIds, count);
        }
        final boolean staging = count >= stagingThreshold;
        for (int i = 0; i < count; i++)
        {
            waiting[i] = i;
        }
        int waitingCount = count;
        for (int pass = 0; waitingCount > 0; pass++)
        {
            // Bounded: after that many passes (long chains of one UE's requests, or a UE another writer
            // keeps changing between passes) the rest derive at once, each step running once.
            final boolean stagePass = staging && pass < MAX_STAGED_PASSES;
            int stillWaiting = 0;
            for (int k = 0; k < waitingCount; k++)
            {
                final int i = waiting[k];
                final int previous = previousOfUe[i];
                if (previous >= 0 && !completed[previous])
                {
                    // The UE's earlier request has not committed yet: this one runs after it, as submitted.
                    waiting[stillWaiting++] = i;
                    continue;
                }
                if (stagePass)
                {
                    hmac.stage(i);
                }
                else
                {
                    hmac.computeAtOnce();
                }
                final CompletionStatus status = run(i);
                if (hmac.outputsDeferred())
                {
                    waiting[stillWaiting++] = i;
                }
                else
                {
                    complete(i, status);
                }
            }
            hmac.computeAtOnce();
            counters.pass();
            if (hmac.pending() > 0)
            {
                counters.kernelCall(!hmac.computePending());
            }
            waitingCount = stillWaiting;
        }
    }

    /**
     * Links each request to the one before it in the batch for the same UE, so a UE's requests run in
     * submission order whatever passes the ones before need.
     */
    private void linkRequestsOfEachUe(final int count)
    {
        lastOfUe.clear();
        for (int i = 0; i < count; i++)
        {
            completed[i] = false;
            previousOfUe[i] = (int)lastOfUe.put(ueIds[i], i);
        }
    }

    private CompletionStatus run(final int i)
    {
        ruleCodes[i] = 0;
        final long ueId = ueIds[i];
        final NextHopPair pair = pairs[i];
        try
        {
            final EngineOperation operation = EngineOperation.ofCode(operations[i]);
            if (operation == null)
            {
                return CompletionStatus.INVALID;
            }
            final boolean known = switch (operation)
            {
                case PATH_SWITCH -> procedures.pathSwitch(ueId, pair);
                case HANDOVER_WITHIN_NODE -> procedures.handoverWithinNode(ueId, pair);
                case HANDOVER_COMPLETED -> procedures.handoverCompleted(ueId);
                case HANDOVER_FAILED -> procedures.handoverFailed(ueId);
                case INITIAL_CONTEXT_SETUP -> procedures.initialContextSetup(ueId, uplinkCounts[i], pair);
                case UE_CONTEXT_MODIFICATION -> procedures.ueContextModification(ueId, pair);
                case UE_CONTEXT_MODIFICATION_COMPLETE -> procedures.ueContextModificationComplete(ueId, null);
                case UE_CONTEXT_MODIFICATION_FAILED -> procedures.ueContextModificationFailed(ueId, null);
                case RELEASE -> procedures.release(ueId);
            };
            return known ? CompletionStatus.DONE : CompletionStatus.UNKNOWN_UE;
        }
        catch (final ProcedureNotAllowedException ex)
        {
            final ConcurrencyRule rule = ex.rule();
            ruleCodes[i] = rule == null ? 0 : rule.code();
            return CompletionStatus.REFUSED;
        }
        catch (final InvalidParameterException ex)
        {
            return CompletionStatus.INVALID;
        }
        catch (final RuntimeException ex)
        {
            engine.recordError(ex);
            return CompletionStatus.FAILED;
        }
    }

    private void complete(final int i, final CompletionStatus status)
    {
        final NextHopPair pair = pairs[i];
        completed[i] = true;
        try
        {
            counters.completed(status, ruleCodes[i]);
            final EngineProducer producer = engine.producer(producerIds[i]);
            if (producer == null)
            {
                return;
            }
            final RingBuffer ring = producer.responses(index);
            int at = ring.tryClaim(status.code(), CompletionDescriptor.LENGTH);
            while (at < 0)
            {
                // Cannot happen while the producer keeps to its in-flight limit; never drop a completion
                // for a producer that may still poll it.
                if (engine.producer(producerIds[i]) == null)
                {
                    return;
                }
                Thread.onSpinWait();
                at = ring.tryClaim(status.code(), CompletionDescriptor.LENGTH);
            }
            final MutableDirectBuffer buffer = ring.buffer();
            buffer.putLong(at + CORRELATION_ID_OFFSET, correlationIds[i]);
            buffer.putLong(at + UE_ID_OFFSET, ueIds[i]);
            buffer.putInt(at + OPERATION_OFFSET, operations[i]);
            buffer.putInt(at + RULE_OFFSET, ruleCodes[i]);
            final EngineOperation operation = EngineOperation.ofCode(operations[i]);
            if (status == CompletionStatus.DONE && operation != null && operation.givesPair())
            {
                buffer.putInt(at + NCC_OFFSET, pair.ncc());
                buffer.putInt(at + FLAGS_OFFSET, pair.newSecurityContext() ? FLAG_NEW_SECURITY_CONTEXT : 0);
                buffer.putBytes(at + KEY_OFFSET, pair.key(), 0, KEY_LENGTH);
            }
            else
            {
                buffer.putInt(at + NCC_OFFSET, 0);
                buffer.putInt(at + FLAGS_OFFSET, 0);
                buffer.setMemory(at + KEY_OFFSET, KEY_LENGTH, (byte)0);
            }
            ring.commit(at);
        }
        finally
        {
            pair.clear();
            hmac.forget(i);
        }
    }
}

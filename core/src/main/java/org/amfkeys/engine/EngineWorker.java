package org.amfkeys.engine;

import org.agrona.BitUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.BatchStaging;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.HorizontalKamfBatch;
import org.amfkeys.procedures.IdleHorizontalKamfBatch;
import org.amfkeys.procedures.InitialContextSetupBatch;
import org.amfkeys.procedures.KeylessStepBatch;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopBatch;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.ProcedureStart;
import org.amfkeys.procedures.UeContextTransfer;

import java.util.Arrays;

import static org.amfkeys.engine.CompletionDescriptor.CORRELATION_ID_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAGS_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.FLAG_DEFERRED;
import static org.amfkeys.engine.CompletionDescriptor.FLAG_NEW_SECURITY_CONTEXT;
import static org.amfkeys.engine.CompletionDescriptor.KEY_LENGTH;
import static org.amfkeys.engine.CompletionDescriptor.KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_CONTAINER_COUNT_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_CONTAINER_NCC_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_CONTAINER_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_KEY_LENGTH;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SECURITY_MODE_COMMAND_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_CIPHERING_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_ENCRYPTION_KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_FLAGS_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_INTEGRITY_KEY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NAS_SMC_INTEGRITY_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.NCC_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.OPERATION_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.RULE_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.TRANSFER_OFFSET;
import static org.amfkeys.engine.CompletionDescriptor.UE_ID_OFFSET;

/**
 * One worker of a {@link KeyEngine}: it owns a ring of requests and the UEs hashed to it, so one UE's
 * requests run in submission order and never race each other inside the engine.
 * <p>
 * Each duty cycle takes what the ring holds, up to the maximum batch, and never waits for more: under
 * light load a request runs at once, under heavy load batches fill. The batch's contexts are prefetched
 * together, then each pass runs the {@link BatchedStep}s: Path Switch and handover within the node
 * ({NH, NCC}, one kernel call), the horizontal KAMF handover (KAMF', then the temporary KgNB, one kernel
 * call each), the mobility registration with a horizontal KAMF (KAMF', one call), the keyless steps
 * (a handover's failure, a release) and Initial Context Setup (KgNB, then NH of NCC 1, one call each),
 * every one on the batch's shared claims with the checks and effects of its direct call. Every other
 * request runs as the direct {@link AmfProcedures} call; from a batch of the staging threshold those
 * run in passes ({@link StagedHmac}): each step runs under its UE's claim,
 * the derivations the steps ask for are computed in one batch kernel call, and the steps run again with
 * them until each has committed or been refused. Either way its effects and refusals are the direct
 * call's. A UE's requests run in submission order across all of these. Each completion goes to the
 * ring of the producer that submitted the request.
 */
final class EngineWorker implements Agent
{
    /** Passes of a batch run in stages; the requests still waiting after them derive at once. */
    static final int MAX_STAGED_PASSES = 2 * StagedHmac.MAX_DEPTH;

    private static final long NO_REQUEST = -1;

    /**
     * Smallest batch for which the worker asks for the rings' lines ahead ({@link RingPrefetch}): the
     * asking costs two reads of positions the other core writes, a few hundred nanoseconds, which a
     * batch of a few requests does not win back.
     */
    static final int RING_PREFETCH_FROM = 8;

    /** Producers of one batch whose completions' room is asked for; the rest of a batch's producers' is not. */
    private static final int PREFETCHED_PRODUCERS = 4;

    private final KeyEngine engine;
    private final int index;
    private final ManyToOneRingBuffer requests;
    private final Kdf kdf;
    private final AmfProcedures procedures;
    private final StagedHmac hmac;
    private final RecordsKernel kernel;
    private final ContextBatch claims;
    private final NextHopStep nextHopStep;
    private final BatchedStep[] batchedSteps;
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
    private final int[] stagedRequests;
    private final boolean[] completed;
    private final int[] previousOfUe;
    private final Long2LongHashMap lastOfUe = new Long2LongHashMap(NO_REQUEST);
    private final NextHopPair[] pairs;
    private final UeContextTransfer[] transfers;
    private final HandoverCommand[] commands;
    private final KseafRequest[] kseafRequests;
    private final NasSecurityModeCommand[] nasCommands;
    private final int[] nasCiphering;
    private final int[] nasIntegrity;
    private final KeySchedule kseafSchedule = new KeySchedule();
    private final byte[] kamf = new byte[Kdf.KEY_LENGTH];
    private final boolean[] invalid;
    private final boolean[] deferred;
    private final RingBuffer[] unpublishedRings;
    private final int[] unpublishedAt;
    private final RingPrefetch ringPrefetch;
    private final int[] batchProducers = new int[PREFETCHED_PRODUCERS];
    /** Octets the batch's completions will take in each of {@link #batchProducers}' rings. */
    private final int[] batchCompletionOctets = new int[PREFETCHED_PRODUCERS];
    private int taken;
    private int unpublished;

    EngineWorker(
        final KeyEngine engine, final int index, final ManyToOneRingBuffer requests, final Kdf kdf, final AmfProcedures procedures,
        final StagedHmac hmac, final RecordsKernel kernel, final int maxBatch, final int stagingThreshold,
        final EngineCounters.WorkerCounters counters)
    {
        this.engine = engine;
        this.index = index;
        this.requests = requests;
        this.kdf = kdf;
        this.procedures = procedures;
        this.hmac = hmac;
        this.kernel = kernel;
        // One set of claims for every batch step: each ends its batch before the next starts, and the
        // prefetch's hints serve whichever step claims the UE.
        this.claims = new ContextBatch(procedures.table(), maxBatch);
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
        this.stagedRequests = new int[maxBatch];
        this.completed = new boolean[maxBatch];
        this.previousOfUe = new int[maxBatch];
        this.pairs = new NextHopPair[maxBatch];
        this.transfers = new UeContextTransfer[maxBatch];
        this.commands = new HandoverCommand[maxBatch];
        this.kseafRequests = new KseafRequest[maxBatch];
        this.nasCommands = new NasSecurityModeCommand[maxBatch];
        this.nasCiphering = new int[maxBatch];
        this.nasIntegrity = new int[maxBatch];
        this.invalid = new boolean[maxBatch];
        this.deferred = new boolean[maxBatch];
        this.unpublishedRings = new RingBuffer[maxBatch];
        this.unpublishedAt = new int[maxBatch];
        // The next batch's requests, one line per record at most, and each of this batch's producers'
        // completions, the largest (a transfer) taking several lines.
        this.ringPrefetch = new RingPrefetch(maxBatch * (1 + PREFETCHED_PRODUCERS * linesOf(EngineOperation.largestCompletion())));
        for (int i = 0; i < maxBatch; i++)
        {
            pairs[i] = new NextHopPair();
            transfers[i] = new UeContextTransfer();
            commands[i] = new HandoverCommand();
            kseafRequests[i] = new KseafRequest();
            nasCommands[i] = new NasSecurityModeCommand();
        }
        this.nextHopStep = new NextHopStep(new NextHopBatch(procedures, claims), pairs);
        // A UE's requests complete in submission order whatever the steps' order; this one lets the common
        // pairs (a handover then its failure, a release then a new connection) both run in one pass.
        this.batchedSteps = new BatchedStep[] {
            nextHopStep, new HorizontalKamfStep(new HorizontalKamfBatch(procedures, claims), transfers),
            new IdleHorizontalKamfStep(new IdleHorizontalKamfBatch(procedures, claims), uplinkCounts, transfers),
            new KeylessStep(new KeylessStepBatch(procedures, claims)),
            new InitialContextSetupStep(new InitialContextSetupBatch(procedures, claims), uplinkCounts, pairs)};
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
                if (count >= RING_PREFETCH_FROM)
                {
                    prefetchRings(count);
                }
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
            finally
            {
                publishCompletions();
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
            try
            {
                for (final BatchedStep step : batchedSteps)
                {
                    step.close();
                }
            }
            finally
            {
                procedures.close();
            }
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
        invalid[i] = false;
        final EngineOperation operation = EngineOperation.ofCode(msgTypeId);
        if (operation == null)
        {
            return;
        }
        // The ring zeroes the record once read: the keys of a transfer or of KSEAF live on in this worker's copy only.
        try
        {
            switch (operation.input())
            {
                case TRANSFER -> transfers[i].decode(buffer, offset + RequestDescriptor.TRANSFER_OFFSET);
                case KSEAF -> kseafRequests[i].decode(buffer, offset, length);
                case NAS_ALGORITHMS ->
                {
                    nasCiphering[i] = buffer.getInt(offset + RequestDescriptor.NAS_CIPHERING_OFFSET);
                    nasIntegrity[i] = buffer.getInt(offset + RequestDescriptor.NAS_INTEGRITY_OFFSET);
                }
                default ->
                {
                    // The header holds all the rest.
                }
            }
        }
        catch (final InvalidParameterException ex)
        {
            invalid[i] = true;
        }
    }

    /**
     * Asks for the lines of the next batch's requests, and of the room this batch's completions will
     * take in each producer's ring, so that their misses overlap the batch's work.
     */
    private void prefetchRings(final int count)
    {
        ringPrefetch.waitingRecords(requests, maxBatch * RingPrefetch.footprint(RequestDescriptor.LENGTH));
        int producers = 0;
        for (int i = 0; i < count; i++)
        {
            final int producerId = producerIds[i];
            int k = 0;
            while (k < producers && batchProducers[k] != producerId)
            {
                k++;
            }
            if (k == producers)
            {
                if (producers == PREFETCHED_PRODUCERS)
                {
                    continue;
                }
                batchProducers[producers++] = producerId;
                batchCompletionOctets[k] = 0;
            }
            final EngineOperation operation = EngineOperation.ofCode(operations[i]);
            final int length = operation == null ? CompletionDescriptor.LENGTH : operation.completionLength();
            batchCompletionOctets[k] += RingPrefetch.footprint(length);
        }
        for (int k = 0; k < producers; k++)
        {
            final RingBuffer ring = engine.responseRing(batchProducers[k], index);
            if (ring != null)
            {
                ringPrefetch.room(ring, batchCompletionOctets[k]);
            }
        }
        ringPrefetch.issue();
    }

    private static int linesOf(final int recordLength)
    {
        return (RingPrefetch.footprint(recordLength) + BitUtil.CACHE_LINE_LENGTH - 1) / BitUtil.CACHE_LINE_LENGTH + 1;
    }

    private void runBatch(final int count)
    {
        counters.batch(count, requests.size());
        linkRequestsOfEachUe(count);
        if (count > 1 && !engine.table().isClosed())
        {
            // NH steps hold a batch claim, which keeps no image of the slot: they reach two of its three lines.
            if (onlyNextHopSteps(count))
            {
                claims.prefetchKeyChains(ueIds, count);
            }
            else
            {
                claims.prefetch(ueIds, count);
            }
        }
        final boolean staging = count >= stagingThreshold;
        for (int i = 0; i < count; i++)
        {
            waiting[i] = i;
        }
        int waitingCount = count;
        for (int pass = 0; waitingCount > 0; pass++)
        {
            for (final BatchedStep step : batchedSteps)
            {
                waitingCount = runBatchedStep(step, waitingCount);
            }
            // Bounded: after that many passes (long chains of one UE's requests, or a UE another writer
            // keeps changing between passes) the rest derive at once, each step running once.
            final boolean stagePass = staging && pass < MAX_STAGED_PASSES;
            int stillWaiting = 0;
            for (int k = 0; k < waitingCount; k++)
            {
                final int i = waiting[k];
                if (!isReady(i))
                {
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
     * Runs the requests of {@code step}'s operations among the waiting ones that are ready as one batch:
     * every UE claimed and checked, each stage of derivations in one kernel call, then the results
     * written and committed. A request the step does not stage stays waiting for the direct call, as
     * does every other request.
     *
     * @return requests still waiting, at the start of {@link #waiting}.
     */
    private int runBatchedStep(final BatchedStep step, final int waitingCount)
    {
        int stillWaiting = 0;
        int staged = 0;
        boolean claimed = false;
        try
        {
            for (int k = 0; k < waitingCount; k++)
            {
                final int i = waiting[k];
                final int operation = operations[i];
                if (!step.runs(operation) || invalid[i] || !isReady(i))
                {
                    waiting[stillWaiting++] = i;
                    continue;
                }
                claimed = true;
                ruleCodes[i] = 0;
                deferred[i] = false;
                final BatchStaging staging;
                try
                {
                    staging = step.stage(i, ueIds[i], operation);
                }
                catch (final RuntimeException ex)
                {
                    complete(i, statusOf(i, ex));
                    continue;
                }
                switch (staging)
                {
                    case STAGED -> stagedRequests[staged++] = i;
                    case NOT_STAGED -> waiting[stillWaiting++] = i;
                    case UNKNOWN_UE -> complete(i, CompletionStatus.UNKNOWN_UE);
                    default -> throw new IllegalStateException("unknown staging " + staging);
                }
            }
            if (staged > 0)
            {
                step.compute(kernel, counters);
                for (int k = 0; k < staged; k++)
                {
                    final int i = stagedRequests[k];
                    complete(i, finishStaged(step, i));
                }
            }
        }
        finally
        {
            if (claimed)
            {
                step.endBatch();
            }
        }
        return stillWaiting;
    }

    private boolean onlyNextHopSteps(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (!nextHopStep.runs(operations[i]))
            {
                return false;
            }
        }
        return true;
    }

    private CompletionStatus finishStaged(final BatchedStep step, final int i)
    {
        try
        {
            step.finish(i, operations[i]);
            return CompletionStatus.DONE;
        }
        catch (final RuntimeException ex)
        {
            return statusOf(i, ex);
        }
    }

    /**
     * @return whether the request's UE has no earlier request in the batch still to complete: a UE's
     *         requests run in submission order.
     */
    private boolean isReady(final int i)
    {
        final int previous = previousOfUe[i];
        return previous < 0 || completed[previous];
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
        deferred[i] = false;
        final long ueId = ueIds[i];
        final NextHopPair pair = pairs[i];
        final UeContextTransfer transfer = transfers[i];
        try
        {
            final EngineOperation operation = EngineOperation.ofCode(operations[i]);
            if (operation == null || invalid[i])
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
                case HANDOVER_TO_AMF -> started(i, procedures.handoverToAmf(ueId, false, transfer));
                case HANDOVER_TO_AMF_WITH_HORIZONTAL_KAMF -> started(i, procedures.handoverToAmf(ueId, true, transfer));
                case ACCEPT_HANDOVER -> acceptHandover(ueId, transfer, pair, commands[i]);
                case CONTEXT_TRANSFER -> started(i, procedures.contextTransfer(ueId, uplinkCounts[i], false, transfer));
                case CONTEXT_TRANSFER_WITH_HORIZONTAL_KAMF ->
                    started(i, procedures.contextTransfer(ueId, uplinkCounts[i], true, transfer));
                case ACCEPT_CONTEXT_TRANSFER -> acceptContextTransfer(ueId, transfer);
                case MOVE_COMPLETED -> procedures.moveCompleted(ueId);
                case HANDOVER_TO_EPS -> started(i, procedures.handoverToEps(ueId, transfer));
                case IDLE_MODE_TO_EPS -> procedures.idleModeToEps(ueId, uplinkCounts[i], transfer);
                case ACCEPT_HANDOVER_FROM_EPS -> acceptHandoverFromEps(ueId, transfer, pair, commands[i]);
                case ACCEPT_IDLE_MODE_FROM_EPS -> acceptIdleModeFromEps(ueId, transfer);
                case AUTHENTICATED -> authenticated(ueId, kseafRequests[i]);
                case NAS_SECURITY_MODE_COMMAND ->
                    procedures.nasSecurityModeCommand(ueId, nasCiphering[i], nasIntegrity[i], nasCommands[i]);
                case NAS_SECURITY_MODE_COMPLETE -> procedures.nasSecurityModeComplete(ueId, uplinkCounts[i]);
                case NAS_SECURITY_MODE_FAILED -> procedures.nasSecurityModeFailed(ueId);
            };
            return known ? CompletionStatus.DONE : CompletionStatus.UNKNOWN_UE;
        }
        catch (final RuntimeException ex)
        {
            return statusOf(i, ex);
        }
    }

    /**
     * @return whether the UE is known; a deferred start is marked for the completion.
     */
    private boolean started(final int i, final ProcedureStart start)
    {
        deferred[i] = start == ProcedureStart.DEFERRED;
        return start != ProcedureStart.UNKNOWN_UE;
    }

    private static int ruleOf(final ConcurrencyRule rule)
    {
        return rule == null ? 0 : rule.code();
    }

    private boolean acceptHandover(
        final long ueId, final UeContextTransfer transfer, final NextHopPair pair, final HandoverCommand command)
    {
        procedures.acceptHandover(ueId, transfer, pair, command);
        return true;
    }

    private boolean acceptHandoverFromEps(
        final long ueId, final UeContextTransfer transfer, final NextHopPair pair, final HandoverCommand command)
    {
        procedures.acceptHandoverFromEps(ueId, transfer, pair, command);
        return true;
    }

    private boolean acceptIdleModeFromEps(final long ueId, final UeContextTransfer transfer)
    {
        procedures.acceptIdleModeFromEps(ueId, transfer);
        return true;
    }

    /**
     * What {@link AmfProcedures#authenticated(long, byte[], org.amfkeys.types.Supi, org.amfkeys.types.Abba,
     * int, int)} does, from the SUPI and ABBA octets the request carries.
     */
    private boolean authenticated(final long ueId, final KseafRequest request)
    {
        try
        {
            kdf.computeSchedule(request.kseaf(), kseafSchedule);
            kdf.kamfOfEncoded(kseafSchedule, request.supi(), request.abba(), kamf, 0);
            procedures.authenticated(ueId, kamf, request.ngKsi(), request.ueSecurityCapabilities());
            return true;
        }
        finally
        {
            kseafSchedule.clear();
            Arrays.fill(kamf, (byte)0);
        }
    }

    private boolean acceptContextTransfer(final long ueId, final UeContextTransfer transfer)
    {
        procedures.acceptContextTransfer(ueId, transfer);
        return true;
    }

    /**
     * @return the completion of a step that threw: a refusal with its rule, an invalid request, or a
     *         failure, which is recorded.
     */
    private CompletionStatus statusOf(final int i, final RuntimeException ex)
    {
        if (ex instanceof ProcedureNotAllowedException refusal)
        {
            ruleCodes[i] = ruleOf(refusal.rule());
            return CompletionStatus.REFUSED;
        }
        if (ex instanceof InvalidParameterException)
        {
            return CompletionStatus.INVALID;
        }
        if (ex instanceof ContextTableFullException)
        {
            return CompletionStatus.TABLE_FULL;
        }
        engine.recordError(ex);
        return CompletionStatus.FAILED;
    }

    /**
     * Commits the batch's completions, in the order they were written. Held until the batch ends, a
     * producer polling its ring waits on the first record's header alone, rather than on the header of
     * each record in turn while the worker is writing it: each of those waits moved the line between
     * the two cores, twice per completion.
     */
    private void publishCompletions()
    {
        final int count = unpublished;
        unpublished = 0;
        for (int k = 0; k < count; k++)
        {
            unpublishedRings[k].commit(unpublishedAt[k]);
            unpublishedRings[k] = null;
        }
    }

    private void complete(final int i, final CompletionStatus status)
    {
        final NextHopPair pair = pairs[i];
        final EngineOperation operation = EngineOperation.ofCode(operations[i]);
        completed[i] = true;
        try
        {
            counters.completed(status, ruleCodes[i]);
            final RingBuffer ring = engine.responseRing(producerIds[i], index);
            if (ring == null)
            {
                return;
            }
            final boolean done = status == CompletionStatus.DONE && operation != null;
            final EngineOperation.Output output = done ? operation.output() : EngineOperation.Output.NONE;
            final int length = done ? operation.completionLength() : CompletionDescriptor.LENGTH;
            int at = ring.tryClaim(status.code(), length);
            while (at < 0)
            {
                // Cannot happen while the producer keeps to its in-flight limit (which counts the claims
                // this batch has not published yet); never drop a completion for a producer that may
                // still poll it.
                if (engine.responseRing(producerIds[i], index) == null)
                {
                    return;
                }
                Thread.onSpinWait();
                at = ring.tryClaim(status.code(), length);
            }
            final MutableDirectBuffer buffer = ring.buffer();
            buffer.putLong(at + CORRELATION_ID_OFFSET, correlationIds[i]);
            buffer.putLong(at + UE_ID_OFFSET, ueIds[i]);
            buffer.putInt(at + OPERATION_OFFSET, operations[i]);
            if (output == EngineOperation.Output.PAIR || output == EngineOperation.Output.PAIR_AND_NAS_CONTAINER)
            {
                buffer.putInt(at + RULE_OFFSET, 0);
                buffer.putInt(at + NCC_OFFSET, pair.ncc());
                buffer.putInt(at + FLAGS_OFFSET, pair.newSecurityContext() ? FLAG_NEW_SECURITY_CONTEXT : 0);
                Octets.copy(pair.key(), 0, buffer, at + KEY_OFFSET, KEY_LENGTH);
            }
            else
            {
                final boolean waits = done && deferred[i];
                buffer.putInt(at + RULE_OFFSET, waits ? ruleOf(transfers[i].deferredBy()) : ruleCodes[i]);
                buffer.putInt(at + NCC_OFFSET, 0);
                buffer.putInt(at + FLAGS_OFFSET, waits ? FLAG_DEFERRED : 0);
                Octets.zero(buffer, at + KEY_OFFSET, KEY_LENGTH);
            }
            if (output == EngineOperation.Output.PAIR_AND_NAS_CONTAINER)
            {
                final HandoverCommand command = commands[i];
                buffer.putInt(at + NAS_CONTAINER_OFFSET, command.nasContainer());
                buffer.putInt(at + NAS_CONTAINER_NCC_OFFSET, command.nasNcc());
                buffer.putLong(at + NAS_CONTAINER_COUNT_OFFSET, command.nasCount());
            }
            else if (output == EngineOperation.Output.TRANSFER)
            {
                transfers[i].encode(buffer, at + TRANSFER_OFFSET);
            }
            else if (output == EngineOperation.Output.NAS_SECURITY_MODE_COMMAND)
            {
                final NasSecurityModeCommand command = nasCommands[i];
                buffer.putInt(at + NAS_SECURITY_MODE_COMMAND_OFFSET, command.ngKsi());
                buffer.putInt(at + NAS_SMC_CIPHERING_OFFSET, command.ciphering());
                buffer.putInt(at + NAS_SMC_INTEGRITY_OFFSET, command.integrity());
                buffer.putInt(at + NAS_SMC_FLAGS_OFFSET, command.kamfChangeFlag() ? CompletionDescriptor.FLAG_KAMF_CHANGE : 0);
                buffer.putLong(at + NAS_SMC_DOWNLINK_NAS_COUNT_OFFSET, command.downlinkNasCount());
                buffer.putBytes(at + NAS_SMC_ENCRYPTION_KEY_OFFSET, command.nasEncryptionKey(), 0, NAS_KEY_LENGTH);
                buffer.putBytes(at + NAS_SMC_INTEGRITY_KEY_OFFSET, command.nasIntegrityKey(), 0, NAS_KEY_LENGTH);
            }
            unpublishedRings[unpublished] = ring;
            unpublishedAt[unpublished++] = at;
        }
        finally
        {
            pair.clear();
            if (operation != null && (operation.input() == EngineOperation.Input.TRANSFER ||
                operation.output() == EngineOperation.Output.TRANSFER))
            {
                transfers[i].clear();
            }
            if (operation != null && operation.output() == EngineOperation.Output.PAIR_AND_NAS_CONTAINER)
            {
                commands[i].clear();
            }
            if (operation == EngineOperation.AUTHENTICATED)
            {
                kseafRequests[i].clear();
            }
            else if (operation == EngineOperation.NAS_SECURITY_MODE_COMMAND)
            {
                nasCommands[i].clear();
            }
            hmac.forget(i);
        }
    }
}

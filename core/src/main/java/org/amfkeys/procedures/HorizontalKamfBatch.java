package org.amfkeys.procedures;

import org.amfkeys.Octets;
import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.MobilityMode;

import static org.amfkeys.procedures.AccessStratumChain.HANDOVER_UPLINK_COUNT;

/**
 * The source AMF's step of an N2 handover to another AMF with a horizontal KAMF (TS 33.501 6.9.2.3.3)
 * for a batch of UEs, with the checks, effects and refusals of
 * {@link AmfProcedures#handoverToAmf(long, boolean, UeContextTransfer) handoverToAmf(ueId, true, transfer)},
 * and each of its two dependent derivations computed for the whole batch in one kernel call:
 * <ol>
 *     <li>{@link #stage} each request: the UE's context is claimed, the step's rules checked, and
 *     KAMF' = A.13(KAMF, handover, DL NAS COUNT) staged into {@link #horizontalKamfRecords()};</li>
 *     <li>the caller computes the first {@link #staged()} records, in one batch kernel call;</li>
 *     <li>{@link #stageTemporaryKgnbs()}: each temporary KgNB = A.9(KAMF', UL NAS COUNT 2^32-1), keyed by
 *     its KAMF', staged into {@link #temporaryKgnbRecords()};</li>
 *     <li>the caller computes those in a second call;</li>
 *     <li>{@link #finish} each staged request: the DL NAS COUNT taken, the transfer filled, the handover
 *     marked started, the claim committed; then {@link #endBatch()}.</li>
 * </ol>
 * A refused request throws from {@link #stage} as the direct call would, its context unchanged. A
 * request that must wait under a rule (a NAS SMC in flight) is not staged: the caller runs the direct
 * call for it once the batch has ended, which defers it. Nothing is written to a context before
 * {@link #finish}, and claims are held from {@link #stage} to {@link #finish}, so no other writer sees
 * or changes the context in between. Runs on the AMF's thread, like its other calls.
 */
public final class HorizontalKamfBatch extends StagedBatch
{
    private static final String PROCEDURE = "n2-handover";
    private static final int HORIZONTAL_KAMF = 0;
    private static final int TEMPORARY_KGNB = 1;

    private final long[] downlinkCounts;
    private final byte[] kamfPrime = new byte[Kdf.KEY_LENGTH];
    private final byte[] temporaryKgnb = new byte[Kdf.KEY_LENGTH];

    /**
     * @param amf      the source AMF whose steps run in batches; its thread runs this batch too.
     * @param capacity requests per batch, 1..65536.
     */
    public HorizontalKamfBatch(final AmfProcedures amf, final int capacity)
    {
        this(amf, newClaims(amf, capacity));
    }

    /**
     * @param amf    the source AMF whose steps run in batches; its thread runs this batch too.
     * @param claims the batch's claims, as {@link NextHopBatch#NextHopBatch(CoreNetworkProcedures, ContextBatch)} takes them.
     */
    public HorizontalKamfBatch(final AmfProcedures amf, final ContextBatch claims)
    {
        super(ProcedureFrame.requirePresent("amf", amf, "an AmfProcedures").frame, claims, 2);
        this.downlinkCounts = new long[claims.capacity()];
    }

    /**
     * Claims the UE's context, checks the step's rules and stages the derivation of KAMF'.
     *
     * @param index the request's place in the batch, 0..capacity-1; a UE appears once per batch.
     * @param ueId  the UE identifier.
     * @return what became of the request.
     * @throws ProcedureNotAllowedException when a rule refuses the step; nothing changed.
     */
    public BatchStaging stage(final int index, final long ueId)
    {
        ensureOpen();
        final SecurityContext context = claims.claim(index, ueId);
        if (context == null)
        {
            return BatchStaging.UNKNOWN_UE;
        }
        try
        {
            if (frame.rules.interNodeHandoverWait(context, PROCEDURE, false) != null)
            {
                claims.commit(index);
                return BatchStaging.NOT_STAGED;
            }
            // Taken at finish, once KAMF' is computed: until then the context stays as it was.
            final long dlCount = context.downlinkNasCount();
            frame.requireDownlinkCountLeft(dlCount, PROCEDURE);
            frame.kdf.stageHorizontalKamf(
                context.kamfSchedule(), MobilityMode.HANDOVER, dlCount, records(HORIZONTAL_KAMF), nextRecord());
            downlinkCounts[index] = dlCount;
            addStaged(index);
            return BatchStaging.STAGED;
        }
        catch (final RuntimeException ex)
        {
            claims.commit(index);
            throw ex;
        }
    }

    /**
     * @return the KAMF' records staged so far, to compute in one batch call (first {@link #staged()} of them).
     */
    public HmacRecords horizontalKamfRecords()
    {
        ensureOpen();
        return records(HORIZONTAL_KAMF);
    }

    /**
     * Stages each temporary KgNB, keyed by the KAMF' its record computed: call once the
     * {@link #horizontalKamfRecords()} are computed.
     */
    public void stageTemporaryKgnbs()
    {
        final int staged = staged();
        final HmacRecords horizontalKamfs = records(HORIZONTAL_KAMF);
        final HmacRecords temporaryKgnbs = records(TEMPORARY_KGNB);
        try
        {
            for (int record = 0; record < staged; record++)
            {
                horizontalKamfs.mac(record, kamfPrime, 0);
                frame.kdf.stageKgnb(kamfPrime, HANDOVER_UPLINK_COUNT, AccessType.THREE_GPP, temporaryKgnbs, record);
            }
        }
        finally
        {
            Octets.zero(kamfPrime);
        }
    }

    /**
     * @return the temporary KgNB records, to compute in one batch call (first {@link #staged()} of them)
     *         after {@link #stageTemporaryKgnbs()}.
     */
    public HmacRecords temporaryKgnbRecords()
    {
        ensureOpen();
        return records(TEMPORARY_KGNB);
    }

    /**
     * Takes a staged request's DL NAS COUNT, fills its transfer from the computed keys and commits it.
     *
     * @param index    the request's place in the batch, as staged.
     * @param transfer receives the content for the target AMF.
     * @return true.
     * @throws IllegalStateException when the table was closed meanwhile; the transfer is zeroed then.
     */
    public boolean finish(final int index, final UeContextTransfer transfer)
    {
        ensureOpen();
        ProcedureFrame.requirePresent("transfer", transfer, "a UeContextTransfer");
        final SecurityContext context = claims.context(index);
        final int record = recordOf[index];
        try
        {
            final long dlCount = context.takeDownlinkNasCount();
            if (dlCount != downlinkCounts[index])
            {
                throw new IllegalStateException("the DL NAS COUNT changed under the batch's claim");
            }
            records(HORIZONTAL_KAMF).mac(record, kamfPrime, 0);
            records(TEMPORARY_KGNB).mac(record, temporaryKgnb, 0);
            AmfProcedures.setHorizontalKamfTransfer(context, dlCount, kamfPrime, temporaryKgnb, transfer);
            AsKeyChain.interNodeHandoverStarted(context);
        }
        finally
        {
            Octets.zero(kamfPrime);
            Octets.zero(temporaryKgnb);
        }
        if (!claims.commit(index))
        {
            transfer.clear();
            throw new IllegalStateException("the context table was closed during the batch");
        }
        return true;
    }
}

package org.amfkeys.procedures;

import org.amfkeys.Octets;
import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.MobilityMode;

import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_CONTEXT_TRANSFER;

/**
 * The source AMF's step of a mobility registration with a horizontal KAMF (TS 33.501 6.9.3, KAMF' of
 * A.13 with the Registration Request's UL NAS COUNT) for a batch of UEs, with the checks, effects and
 * refusals of {@link AmfProcedures#contextTransfer(long, long, boolean, UeContextTransfer)
 * contextTransfer(ueId, ulCount, true, transfer)}, and every KAMF' of the batch computed in one kernel call:
 * <ol>
 *     <li>{@link #stage} each request: the UE's context is claimed, the step's rules and the COUNT
 *     checked, and KAMF' staged into {@link #horizontalKamfRecords()};</li>
 *     <li>the caller computes the first {@link #staged()} records, in one batch kernel call;</li>
 *     <li>{@link #finish} each staged request: the COUNT accepted, the AS released, the transfer filled,
 *     the transfer marked pending, the claim committed; then {@link #endBatch()}.</li>
 * </ol>
 * A refused request throws from {@link #stage} as the direct call would, its context unchanged. A
 * request that must wait under a rule (a NAS SMC in flight) is not staged: the caller runs the direct
 * call for it once the batch has ended, which defers it. Nothing is written to a context before
 * {@link #finish}. Runs on the AMF's thread, like its other calls.
 */
public final class IdleHorizontalKamfBatch extends StagedBatch
{
    private final AmfProcedures amf;
    private final long[] uplinkCounts;
    private final byte[] kamfPrime = new byte[Kdf.KEY_LENGTH];

    /**
     * @param amf    the source AMF whose steps run in batches; its thread runs this batch too.
     * @param claims the batch's claims, as {@link NextHopBatch#NextHopBatch(CoreNetworkProcedures, ContextBatch)} takes them.
     */
    public IdleHorizontalKamfBatch(final AmfProcedures amf, final ContextBatch claims)
    {
        super(ProcedureFrame.requirePresent("amf", amf, "an AmfProcedures").frame, claims, 1);
        this.amf = amf;
        this.uplinkCounts = new long[claims.capacity()];
    }

    /**
     * Claims the UE's context, checks the step's rules and the COUNT, and stages the derivation of KAMF'.
     *
     * @param index   the request's place in the batch, 0..capacity-1; a UE appears once per batch.
     * @param ueId    the UE identifier.
     * @param ulCount UL NAS COUNT of the Registration Request, 0..2^24-1.
     * @return what became of the request.
     * @throws ProcedureNotAllowedException when a rule refuses the step; nothing changed.
     */
    public BatchStaging stage(final int index, final long ueId, final long ulCount)
    {
        ensureOpen();
        // Before the UE is looked up, as the direct call checks it.
        SecurityContext.requireNasCount("ul-count", ulCount);
        final SecurityContext context = claims.claim(index, ueId);
        if (context == null)
        {
            return BatchStaging.UNKNOWN_UE;
        }
        try
        {
            if (amf.checkContextTransfer(context, ulCount) != null)
            {
                claims.commit(index);
                return BatchStaging.NOT_STAGED;
            }
            frame.kdf.stageHorizontalKamf(context.kamfSchedule(), MobilityMode.IDLE, ulCount, records(0), nextRecord());
            uplinkCounts[index] = ulCount;
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
        return records(0);
    }

    /**
     * Takes a staged request's COUNT and KAMF' into its context and transfer, and commits it.
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
        final long ulCount = uplinkCounts[index];
        try
        {
            if (context.acceptUplinkNasCount(ulCount) < 0)
            {
                throw new IllegalStateException("the UL NAS COUNT changed under the batch's claim");
            }
            AsKeyChain.releaseAs(context);
            records(0).mac(recordOf[index], kamfPrime, 0);
            AmfProcedures.setHorizontalKamfTransfer(context, ulCount, kamfPrime, transfer);
            context.procedureState(context.procedureState() | PROCEDURE_CONTEXT_TRANSFER);
        }
        finally
        {
            Octets.zero(kamfPrime);
        }
        if (!claims.commit(index))
        {
            transfer.clear();
            throw new IllegalStateException("the context table was closed during the batch");
        }
        return true;
    }
}

package org.amfkeys.procedures;

import org.amfkeys.Octets;
import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.HmacRecordDescriptor;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.AccessType;

/**
 * The AMF's Initial Context Setup for a batch of UEs, with the checks, effects and refusals of
 * {@link CoreNetworkProcedures#initialContextSetup}, and each of its two dependent derivations computed
 * for the whole batch in one kernel call:
 * <ol>
 *     <li>{@link #stage} each request: the UE's context is claimed, the step's rules and its UL NAS COUNT
 *     checked, and KgNB = A.9(KAMF, that COUNT) staged into {@link #kgnbRecords()};</li>
 *     <li>the caller computes the first {@link #staged()} records, in one batch kernel call;</li>
 *     <li>{@link #stageNextHops()}: each NH of NCC 1 = A.10(KAMF, KgNB) staged into
 *     {@link #nextHopRecords()};</li>
 *     <li>the caller computes those in a second call;</li>
 *     <li>{@link #finish} each staged request: the COUNT accepted, the chain restarted from KgNB, the UE
 *     marked CONNECTED, {KgNB, NCC 0} for the gNB, the claim committed; then {@link #endBatch()}.</li>
 * </ol>
 * A refused request throws from {@link #stage} as the direct call would, its context unchanged; nothing
 * is written to a context before {@link #finish}. Runs on the AMF's thread, like its other calls.
 */
public final class InitialContextSetupBatch extends StagedBatch
{
    private static final int KGNB = 0;
    private static final int NEXT_HOP = 1;

    private final AccessStratumSteps steps;
    private final long[] uplinkCounts;
    private final boolean[] acceptsCount;
    private final int[] indexOf;
    private final byte[] kgnb = new byte[Kdf.KEY_LENGTH];
    private final byte[] nextHop = new byte[Kdf.KEY_LENGTH];

    /**
     * @param amf    the AMF whose steps run in batches; its thread runs this batch too.
     * @param claims the batch's claims, as {@link NextHopBatch#NextHopBatch(CoreNetworkProcedures, ContextBatch)} takes them.
     */
    public InitialContextSetupBatch(final AmfProcedures amf, final ContextBatch claims)
    {
        super(ProcedureFrame.requirePresent("amf", amf, "an AmfProcedures").frame, claims, 2);
        this.steps = amf.accessStratum;
        this.uplinkCounts = new long[claims.capacity()];
        this.acceptsCount = new boolean[claims.capacity()];
        this.indexOf = new int[claims.capacity()];
    }

    /**
     * Claims the UE's context, checks the step's rules and its UL NAS COUNT, and stages the derivation of
     * KgNB.
     *
     * @param index   the request's place in the batch, 0..capacity-1; a UE appears once per batch.
     * @param ueId    the UE identifier.
     * @param ulCount the UL NAS COUNT, 0..2^32-1.
     * @return what became of the request: staged, or the UE is unknown.
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
            acceptsCount[index] = steps.checkInitialContextSetup(context, ulCount);
            final int record = nextRecord();
            frame.kdf.stageKgnb(context.kamfSchedule(), ulCount, AccessType.THREE_GPP, records(KGNB), record);
            uplinkCounts[index] = ulCount;
            indexOf[record] = index;
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
     * @return the KgNB records staged so far, to compute in one batch call (first {@link #staged()} of them).
     */
    public HmacRecords kgnbRecords()
    {
        ensureOpen();
        return records(KGNB);
    }

    /**
     * Stages each NH of NCC 1, with its KgNB as SYNC-input: call once the {@link #kgnbRecords()} are computed.
     */
    public void stageNextHops()
    {
        final int staged = staged();
        final HmacRecords kgnbs = records(KGNB);
        final HmacRecords nextHops = records(NEXT_HOP);
        for (int record = 0; record < staged; record++)
        {
            final SecurityContext context = claims.context(indexOf[record]);
            frame.kdf.stageNh(context.kamfSchedule(), kgnbs.buffer(), HmacRecords.offset(record) + HmacRecordDescriptor.MAC_OFFSET,
                nextHops, record);
        }
    }

    /**
     * @return the NH records, to compute in one batch call (first {@link #staged()} of them) after
     *         {@link #stageNextHops()}.
     */
    public HmacRecords nextHopRecords()
    {
        ensureOpen();
        return records(NEXT_HOP);
    }

    /**
     * Takes a staged request's UL NAS COUNT and computed keys into its context and commits it.
     *
     * @param index the request's place in the batch, as staged.
     * @param pair  receives {KgNB, NCC 0} for the gNB.
     * @return true.
     * @throws IllegalStateException when the table was closed meanwhile; the pair is zeroed then.
     */
    public boolean finish(final int index, final NextHopPair pair)
    {
        ensureOpen();
        ProcedureFrame.requirePresent("pair", pair, "a NextHopPair");
        final SecurityContext context = claims.context(index);
        final int record = recordOf[index];
        try
        {
            if (acceptsCount[index] && context.acceptUplinkNasCount(uplinkCounts[index]) < 0)
            {
                throw new IllegalStateException("the UL NAS COUNT changed under the batch's claim");
            }
            records(KGNB).mac(record, kgnb, 0);
            records(NEXT_HOP).mac(record, nextHop, 0);
            AsKeyChain.chainRestarted(context, nextHop);
            pair.set(kgnb, 0, false);
            AccessStratumSteps.initialContextSetupDone(context);
        }
        finally
        {
            Octets.zero(kgnb);
            Octets.zero(nextHop);
        }
        if (!claims.commit(index))
        {
            pair.clear();
            throw new IllegalStateException("the context table was closed during the batch");
        }
        return true;
    }
}

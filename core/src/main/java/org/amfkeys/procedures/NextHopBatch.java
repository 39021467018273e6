package org.amfkeys.procedures;

import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.ChainSteps;

/**
 * The {NH, NCC} step of Path Switch and of N2 handover within the node for a batch of UEs, with the
 * checks, effects and refusals of {@link CoreNetworkProcedures#pathSwitch} and
 * {@link CoreNetworkProcedures#handoverWithinNode}, and every NH of the batch derived in one kernel call:
 * <ol>
 *     <li>{@link #stage} each request: the UE's context is claimed, the step's rules checked, and the
 *     derivation of its next NH staged into {@link #steps()}, which read KAMF's schedule and NH in
 *     the claimed slot rather than copies of them;</li>
 *     <li>the caller computes the first {@link #staged()} steps, in one batch kernel call;</li>
 *     <li>{@link #finish} each staged request: NH and NCC written, the pair filled, the claim committed;
 *     then {@link #endBatch()}.</li>
 * </ol>
 * A refused request throws from {@link #stage} as the direct call would, its context unchanged. A
 * request whose step is not the chain's next NH (a key change waits to reach the AS) is not staged:
 * the caller runs the direct call for it once the batch has ended. Claims are held from {@link #stage}
 * to {@link #finish}, so no other writer sees or changes the context in between. Runs on the node's
 * thread, like its other calls.
 */
public final class NextHopBatch extends StagedBatch
{
    private final AccessStratumSteps steps;
    private final ChainSteps nextHops;

    /**
     * @param node     the node whose steps run in batches; its thread runs this batch too.
     * @param capacity requests per batch, 1..65536.
     */
    public NextHopBatch(final CoreNetworkProcedures node, final int capacity)
    {
        this(node, newClaims(node, capacity));
    }

    /**
     * @param node   the node whose steps run in batches; its thread runs this batch too.
     * @param claims the batch's claims, over the node's table: its own, or shared with the thread's other
     *               batch steps, each of which ends its batch before the next one starts; their
     *               {@link ContextBatch#prefetch} serves them all.
     */
    public NextHopBatch(final CoreNetworkProcedures node, final ContextBatch claims)
    {
        super(ProcedureFrame.requirePresent("node", node, "an AmfProcedures or MmeProcedures").frame, claims, 0);
        this.steps = node.accessStratum;
        this.nextHops = new ChainSteps(claims.capacity());
    }

    /**
     * Brings the batch's contexts into the cache, their misses overlapped, before they are staged.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0.
     * @param count how many.
     */
    public void prefetch(final long[] ueIds, final int count)
    {
        ensureOpen();
        claims.prefetch(ueIds, count);
    }

    /**
     * As {@link #prefetch}, but only the two cache lines of each slot that an {NH, NCC} step reaches:
     * for a batch whose requests are all staged here.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0, in the order of their
     *              requests' places in the batch.
     * @param count how many.
     */
    public void prefetchKeyChains(final long[] ueIds, final int count)
    {
        ensureOpen();
        claims.prefetchKeyChains(ueIds, count);
    }

    /**
     * Claims the UE's context, checks the step's rules and stages the derivation of its next NH.
     *
     * @param index      the request's place in the batch, 0..capacity-1; a UE appears once per batch.
     * @param ueId       the UE identifier.
     * @param pathSwitch true for a Path Switch, false for an N2 handover within the node.
     * @return what became of the request.
     * @throws ProcedureNotAllowedException when a rule refuses the step; nothing changed.
     */
    public BatchStaging stage(final int index, final long ueId, final boolean pathSwitch)
    {
        ensureOpen();
        final SecurityContext context = claims.claim(index, ueId);
        if (context == null)
        {
            return BatchStaging.UNKNOWN_UE;
        }
        try
        {
            if (pathSwitch)
            {
                steps.checkPathSwitch(context);
            }
            else
            {
                steps.checkHandoverWithinNode(context);
            }
            if (!frame.asKeys.stepsNextHop(context))
            {
                claims.commit(index);
                return BatchStaging.NOT_STAGED;
            }
            context.stageNextHop(nextHops, nextRecord());
            addStaged(index);
            return BatchStaging.STAGED;
        }
        catch (final RuntimeException ex)
        {
            // Checks come before any write: the claim ends with the context as it was.
            claims.commit(index);
            throw ex;
        }
    }

    /**
     * @return the steps staged so far, to compute in one batch call (first {@link #staged()} of them).
     */
    public ChainSteps steps()
    {
        ensureOpen();
        return nextHops;
    }

    /**
     * Takes a staged request's computed NH into its context and commits it.
     *
     * @param index      the request's place in the batch, as staged.
     * @param pathSwitch as staged.
     * @param pair       receives {NH, NCC} for the target.
     * @return true.
     * @throws IllegalStateException when the table was closed meanwhile; the pair is zeroed then.
     */
    public boolean finish(final int index, final boolean pathSwitch, final NextHopPair pair)
    {
        ensureOpen();
        ProcedureFrame.requirePresent("pair", pair, "a NextHopPair");
        final SecurityContext context = claims.context(index);
        final int ncc = context.advanceNextHop(nextHops, recordOf[index]);
        AsKeyChain.nextHopTaken(context, ncc, pair);
        if (!pathSwitch)
        {
            AccessStratumSteps.handoverWithinNodeStarted(context);
        }
        if (!claims.commit(index))
        {
            pair.clear();
            throw new IllegalStateException("the context table was closed during the batch");
        }
        return true;
    }

    void clearStaged(final int staged)
    {
        nextHops.clear(staged);
    }

    void freeStaged()
    {
        nextHops.close();
    }
}

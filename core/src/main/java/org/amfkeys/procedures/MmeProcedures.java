package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextUpdate;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.MobilityMode;

import java.util.Objects;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_NEW_KEY_NOT_YET_IN_AS;

/**
 * The MME side of the EPS key lifecycle (TS 33.401 7.2.8, 7.2.9): everything of
 * {@link CoreNetworkProcedures} on EPS contexts (KASME, eKSI, KeNB, the A.4 NH chain, KeNB*), plus the
 * MME's half of interworking with 5GS (TS 33.501 clause 8).
 */
public final class MmeProcedures extends CoreNetworkProcedures
{
    private final ContextUpdate handoverTo5gsUpdate = this::applyHandoverTo5gs;
    private final ContextUpdate idleModeTo5gsUpdate = this::applyIdleModeTo5gs;

    private long count;

    /**
     * @param table the MME's UE contexts.
     * @param kdf   derives keys; owned by this instance from now on.
     */
    public MmeProcedures(final ContextTable table, final Kdf kdf)
    {
        super(table, AccessStratumChain.E_UTRA, kdf);
    }

    /**
     * EPS to 5GS handover, source MME (TS 33.501 8.4.2): NCC + 1 and a fresh NH, sent with KASME and
     * eKSI to the AMF, which derives KAMF' from that NH. The MME keeps the context until
     * {@link #moveCompleted}.
     *
     * @param ueId     the UE identifier.
     * It waits for a NAS SMC to complete (TS 33.401 7.2.10 (6)); the call ending the SMC starts it.
     *
     * @param ueId     the UE identifier.
     * @param transfer receives the forward relocation content for the AMF, or the rule it waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart handoverTo5gs(final long ueId, final UeContextTransfer transfer)
    {
        transferOut = Objects.requireNonNull(transfer, "transfer");
        deferred = false;
        if (!run(ueId, handoverTo5gsUpdate))
        {
            return ProcedureStart.UNKNOWN_UE;
        }
        return deferred ? ProcedureStart.DEFERRED : ProcedureStart.STARTED;
    }

    private void applyHandoverTo5gs(final SecurityContext context)
    {
        final ConcurrencyRule wait = interNodeHandoverWait(context, "handover-to-5gs", false);
        if (wait != null)
        {
            defer(context, DeferredProcedure.INTER_SYSTEM_HANDOVER, wait, null, 0);
            return;
        }
        if ((context.contextFlags() & FLAG_NEW_KEY_NOT_YET_IN_AS) != 0)
        {
            // KAMF' would come from a KeNB of the new KASME that the UE's NH chain has never seen.
            throw new ProcedureNotAllowedException("handover-to-5gs",
                "a new KASME is active but not yet used for AS; a UE Context Modification must complete first");
        }
        context.copyKamf(nextKey, 0);
        transferOut.set(AccessStratumChain.E_UTRA, MobilityMode.HANDOVER, nextKey, context.ngKsi(),
            context.uplinkNasCount(), context.downlinkNasCount(), context.nasCipheringAlgorithm(),
            context.nasIntegrityAlgorithm(), context.ueSecurityCapabilities());
        pairOut(transferOut.nextHop());
        handoverKey(context, "handover-to-5gs", true);
        interNodeHandoverStarted(context);
    }

    protected void startDeferred(
        final SecurityContext context, final DeferredProcedure procedure, final HorizontalKamfDecision decision,
        final long ulCount)
    {
        if (procedure == DeferredProcedure.INTER_SYSTEM_HANDOVER)
        {
            applyHandoverTo5gs(context);
            return;
        }
        super.startDeferred(context, procedure, decision, ulCount);
    }

    /**
     * EPS to 5GS idle-mode mobility, source MME (TS 33.501 8.6.2): accepts the TAU's UL NAS COUNT that
     * the UE put in its Registration Request and sends KASME with it; the AMF derives KAMF' = A.15.1.
     *
     * @param ueId     the UE identifier.
     * @param ulCount  UL NAS COUNT of the TAU, 0..2^24-1.
     * @param transfer receives the context response for the AMF.
     * @return false when the UE is unknown.
     */
    public boolean idleModeTo5gs(final long ueId, final long ulCount, final UeContextTransfer transfer)
    {
        count = requireNasCount("ul-count", ulCount);
        transferOut = Objects.requireNonNull(transfer, "transfer");
        return run(ueId, idleModeTo5gsUpdate);
    }

    private void applyIdleModeTo5gs(final SecurityContext context)
    {
        requireCurrent(context, "idle-to-5gs");
        requireNoNasSmc(context, "idle-to-5gs");
        acceptUplinkCount(context, count, "idle-to-5gs");
        releaseAs(context);
        context.copyKamf(key, 0);
        transferOut.set(AccessStratumChain.E_UTRA, MobilityMode.IDLE, key, context.ngKsi(),
            context.uplinkNasCount(), context.downlinkNasCount(), context.nasCipheringAlgorithm(),
            context.nasIntegrityAlgorithm(), context.ueSecurityCapabilities());
        transferOut.derivedWith(count, false);
    }

    /**
     * The UE's move to 5GS (or to another MME) completed: the context here is deleted, its key bytes
     * zeroed.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean moveCompleted(final long ueId)
    {
        return table.delete(ueId);
    }

    /**
     * 5GS to EPS handover, target MME (TS 33.501 8.3.2): stores the mapped context KASME' with the 5G
     * NAS COUNTs and {NH, NCC 2}, and forwards that pair to the target eNB. The handover command carries
     * the DL NAS COUNT KASME' was derived with.
     *
     * @param ueId     the UE identifier.
     * @param transfer what the AMF sent.
     * @param pair     receives the pair for the target eNB.
     * @param command  receives the NAS part of the handover command.
     */
    public void acceptHandoverFrom5gs(
        final long ueId, final UeContextTransfer transfer, final NextHopPair pair, final HandoverCommand command)
    {
        AmfProcedures.requireTransfer(transfer, AccessStratumChain.E_UTRA, MobilityMode.HANDOVER);
        command.clear();
        final SecurityContext staged = stage();
        staged.kamf(transfer.rootKey(), kdf).ngKsi(transfer.ngKsi())
            .uplinkNasCount(transfer.uplinkNasCount()).downlinkNasCount(transfer.downlinkNasCount())
            .nasAlgorithms(transfer.ciphering(), transfer.integrity())
            .ueSecurityCapabilities(transfer.ueSecurityCapabilities())
            .nextHop(transfer.nextHop().key(), transfer.nextHop().ncc());
        staged.contextFlags(staged.contextFlags() | FLAG_AS_ACTIVE);
        pair.copyFrom(transfer.nextHop());
        command.nasContainer(HandoverCommand.TO_EPS, transfer.derivationCount(), 0);
        replaceWithStaged(ueId);
    }

    /**
     * 5GS to EPS idle-mode mobility, target MME (TS 33.501 8.5.2): stores the mapped context KASME'.
     *
     * @param ueId     the UE identifier.
     * @param transfer what the AMF sent.
     */
    public void acceptIdleModeFrom5gs(final long ueId, final UeContextTransfer transfer)
    {
        AmfProcedures.requireTransfer(transfer, AccessStratumChain.E_UTRA, MobilityMode.IDLE);
        final SecurityContext staged = stage();
        staged.kamf(transfer.rootKey(), kdf).ngKsi(transfer.ngKsi())
            .uplinkNasCount(transfer.uplinkNasCount()).downlinkNasCount(transfer.downlinkNasCount())
            .nasAlgorithms(transfer.ciphering(), transfer.integrity())
            .ueSecurityCapabilities(transfer.ueSecurityCapabilities());
        replaceWithStaged(ueId);
    }
}

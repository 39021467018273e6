package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.MobilityMode;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_NEW_KEY_NOT_YET_IN_AS;
import static org.amfkeys.context.SecurityContext.FLAG_OLD_KEY_FOR_AS;
import static org.amfkeys.context.SecurityContext.FLAG_SMC_COUNT_UNUSED;
import static org.amfkeys.procedures.ConcurrencyRules.requireIdleAndUnmoved;
import static org.amfkeys.procedures.ConcurrencyRules.requireNoNasSmc;
import static org.amfkeys.procedures.DeferredStarts.defer;
import static org.amfkeys.procedures.ProcedureFrame.requirePresent;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_UE_CONTEXT_MODIFICATION;

/**
 * The MME side of the EPS key lifecycle (TS 33.401 7.2.8, 7.2.9): everything of
 * {@link CoreNetworkProcedures} on EPS contexts (KASME, eKSI, KeNB, the A.4 NH chain, KeNB*), plus the
 * MME's half of interworking with 5GS (TS 33.501 clause 8).
 */
public final class MmeProcedures extends CoreNetworkProcedures
{
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
     * {@link #moveCompleted}. It waits for a NAS SMC to complete (TS 33.401 7.2.10 (6)); the call
     * ending the SMC starts it.
     *
     * @param ueId     the UE identifier.
     * @param transfer receives the forward relocation content for the AMF, or the rule it waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart handoverTo5gs(final long ueId, final UeContextTransfer transfer)
    {
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return ProcedureStart.UNKNOWN_UE;
        }
        try
        {
            final ProcedureStart start = handoverTo5gs(context, transfer);
            frame.commit();
            return start;
        }
        finally
        {
            frame.endStep(transfer);
        }
    }

    private ProcedureStart handoverTo5gs(final SecurityContext context, final UeContextTransfer transfer)
    {
        // The eNB hands over only once the reconfiguration of a UE Context Modification completed.
        frame.rules.refuse((context.procedureState() & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0, "handover-to-5gs",
            ConcurrencyRule.TS_33_401_7_2_10_5, "a UE Context Modification");
        final ConcurrencyRule wait = frame.rules.interNodeHandoverWait(context, "handover-to-5gs", false);
        if (wait != null)
        {
            return defer(context, DeferredProcedure.INTER_SYSTEM_HANDOVER, wait, null, 0, transfer);
        }
        if ((context.contextFlags() & FLAG_NEW_KEY_NOT_YET_IN_AS) != 0)
        {
            // KAMF' would come from a KeNB of the new KASME that the UE's NH chain has never seen.
            throw new ProcedureNotAllowedException("handover-to-5gs",
                "a new KASME is active but not yet used for AS; a UE Context Modification must complete first");
        }
        context.copyKamf(frame.nextKey(), 0);
        transferContext(context, MobilityMode.HANDOVER, frame.nextKey(), transfer);
        frame.asKeys.handoverKey(context, "handover-to-5gs", true, transfer.nextHop());
        AsKeyChain.interNodeHandoverStarted(context);
        return ProcedureStart.STARTED;
    }

    ProcedureStart startDeferred(
        final SecurityContext context, final DeferredProcedure procedure, final HorizontalKamfDecision decision,
        final long ulCount, final UeContextTransfer transfer)
    {
        return switch (procedure)
        {
            case INTER_SYSTEM_HANDOVER -> handoverTo5gs(context, transfer);
            case FORWARD_RELOCATION -> forwardRelocation(context, transfer);
            default -> super.startDeferred(context, procedure, decision, ulCount, transfer);
        };
    }

    /**
     * Inter-MME S1 handover, source MME (TS 33.401 7.2.8.4.3): NCC + 1 and a fresh NH for the target
     * eNB, sent with the EPS NAS security context in the S10 Forward Relocation Request. The MME keeps
     * the context until {@link #moveCompleted} and keeps using it after {@link #handoverFailed}.
     * <p>
     * It waits for a NAS SMC to complete (TS 33.401 7.2.10 (6)) and for a UE Context Modification
     * with a new KeNB to end (7.2.10 (7)); the call ending that procedure starts it. When a NAS SMC
     * took a new KASME into use that no UE Context Modification has yet brought to the AS, the
     * relocation carries the full new context and the old KASME with its eKSI, NH and NCC
     * (7.2.10 (8)): the NH is then a step of the old KASME's chain, as the UE expects (7.2.10 (4)).
     *
     * @param ueId     the UE identifier.
     * @param transfer receives the Forward Relocation content for the target MME, or the rule it
     *                 waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart forwardRelocation(final long ueId, final UeContextTransfer transfer)
    {
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return ProcedureStart.UNKNOWN_UE;
        }
        try
        {
            final ProcedureStart start = forwardRelocation(context, transfer);
            frame.commit();
            return start;
        }
        finally
        {
            frame.endStep(transfer);
        }
    }

    private ProcedureStart forwardRelocation(final SecurityContext context, final UeContextTransfer transfer)
    {
        final ConcurrencyRule wait = frame.rules.interNodeHandoverWait(context, "forward-relocation", true);
        if (wait != null)
        {
            return defer(context, DeferredProcedure.FORWARD_RELOCATION, wait, null, 0, transfer);
        }
        final int flags = context.contextFlags();
        context.copyKamf(frame.nextKey(), 0);
        transferContext(context, MobilityMode.HANDOVER, frame.nextKey(), transfer);
        transfer.smcComplete(context.smcCompleteUplinkCount(), (flags & FLAG_SMC_COUNT_UNUSED) != 0);
        if ((flags & FLAG_OLD_KEY_FOR_AS) != 0 && enforces(ConcurrencyRule.TS_33_401_7_2_10_8))
        {
            context.copyNonCurrentKamf(frame.nextKey(), 0);
            transfer.oldRootKeyForAs(frame.nextKey(), context.nonCurrentNgKsi());
        }
        frame.asKeys.handoverKey(context, "forward-relocation", true, transfer.nextHop());
        AsKeyChain.interNodeHandoverStarted(context);
        return ProcedureStart.STARTED;
    }

    /**
     * Inter-MME S1 handover, target MME: stores the context of the S10 Forward Relocation Request and
     * gives the target eNB the {NH, NCC} it carried. When it carries an old KASME for the AS, the new
     * KASME serves NAS at once while handovers keep deriving from the old one's NH chain, until a
     * {@link #ueContextModification UE Context Modification} keys the AS from the new KASME
     * (TS 33.401 7.2.10 (9)).
     *
     * @param ueId     the UE identifier.
     * @param transfer what the source MME sent.
     * @param pair     receives the pair for the target eNB.
     */
    public void acceptForwardRelocation(final long ueId, final UeContextTransfer transfer, final NextHopPair pair)
    {
        frame.ensureOpen();
        AmfProcedures.requireTransfer(transfer, AccessStratumChain.E_UTRA, MobilityMode.HANDOVER);
        requirePresent("pair", pair, "a NextHopPair");
        try
        {
            final SecurityContext staged = stageReceived(transfer)
                .nextHop(transfer.nextHop().key(), transfer.nextHop().ncc())
                .smcCompleteUplinkCount(transfer.smcCompleteUplinkCount());
            int flags = FLAG_AS_ACTIVE;
            if (transfer.smcCountUnused())
            {
                flags |= FLAG_SMC_COUNT_UNUSED;
            }
            if (transfer.hasOldRootKeyForAs() && enforces(ConcurrencyRule.TS_33_401_7_2_10_9))
            {
                staged.nonCurrent(transfer.oldRootKeyForAs(), transfer.oldKsiForAs());
                flags |= FLAG_OLD_KEY_FOR_AS | FLAG_NEW_KEY_NOT_YET_IN_AS;
            }
            staged.contextFlags(staged.contextFlags() | flags);
            pair.copyFrom(transfer.nextHop());
            frame.replaceWithStaged(ueId);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }

    /**
     * Stages the EPS NAS security context a source node sent: KASME, eKSI, NAS COUNTs, algorithms and
     * UE security capabilities.
     */
    private SecurityContext stageReceived(final UeContextTransfer transfer)
    {
        return frame.stage().kamf(transfer.rootKey(), frame.kdf).ngKsi(transfer.ngKsi())
            .uplinkNasCount(transfer.uplinkNasCount()).downlinkNasCount(transfer.downlinkNasCount())
            .nasAlgorithms(transfer.ciphering(), transfer.integrity())
            .ueSecurityCapabilities(transfer.ueSecurityCapabilities());
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
        SecurityContext.requireNasCount("ul-count", ulCount);
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireIdleAndUnmoved(context, "idle-to-5gs");
            requireNoNasSmc(context, "idle-to-5gs");
            frame.acceptUplinkCount(context, ulCount, "idle-to-5gs");
            context.copyKamf(frame.key(), 0);
            transferContext(context, MobilityMode.IDLE, frame.key(), transfer);
            transfer.derivedWith(ulCount, false);
            context.procedureState(context.procedureState() | ProcedureStateDescriptor.PROCEDURE_CONTEXT_TRANSFER);
            return frame.commit();
        }
        finally
        {
            frame.endStep(transfer);
        }
    }

    /**
     * Fills the transfer with the context's EPS NAS security context under {@code rootKey}.
     */
    private static void transferContext(
        final SecurityContext context, final MobilityMode mobility, final byte[] rootKey, final UeContextTransfer transfer)
    {
        transfer.set(AccessStratumChain.E_UTRA, mobility, rootKey, context.ngKsi(), context.uplinkNasCount(),
            context.downlinkNasCount(), context.nasCipheringAlgorithm(), context.nasIntegrityAlgorithm(),
            context.ueSecurityCapabilities());
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
        frame.ensureOpen();
        AmfProcedures.requireTransfer(transfer, AccessStratumChain.E_UTRA, MobilityMode.HANDOVER);
        requirePresent("pair", pair, "a NextHopPair");
        requirePresent("command", command, "a HandoverCommand").clear();
        try
        {
            final SecurityContext staged = stageReceived(transfer)
                .nextHop(transfer.nextHop().key(), transfer.nextHop().ncc());
            staged.contextFlags(staged.contextFlags() | FLAG_AS_ACTIVE);
            pair.copyFrom(transfer.nextHop());
            command.nasContainer(HandoverCommand.TO_EPS, transfer.derivationCount(), 0);
            frame.replaceWithStaged(ueId);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }

    /**
     * 5GS to EPS idle-mode mobility, target MME (TS 33.501 8.5.2): stores the mapped context KASME'.
     *
     * @param ueId     the UE identifier.
     * @param transfer what the AMF sent.
     */
    public void acceptIdleModeFrom5gs(final long ueId, final UeContextTransfer transfer)
    {
        frame.ensureOpen();
        AmfProcedures.requireTransfer(transfer, AccessStratumChain.E_UTRA, MobilityMode.IDLE);
        try
        {
            stageReceived(transfer);
            frame.replaceWithStaged(ueId);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }
}

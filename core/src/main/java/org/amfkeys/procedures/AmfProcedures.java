package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.Abba;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NgKsi;
import org.amfkeys.types.Supi;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_KAMF_CHANGE_TO_SIGNAL;
import static org.amfkeys.procedures.AccessStratumChain.HANDOVER_UPLINK_COUNT;
import static org.amfkeys.procedures.AsKeyChain.releaseAs;
import static org.amfkeys.procedures.ConcurrencyRules.requireCurrent;
import static org.amfkeys.procedures.ConcurrencyRules.requireIdleAndUnmoved;
import static org.amfkeys.procedures.ConcurrencyRules.requireNoNasSmc;
import static org.amfkeys.procedures.ConcurrencyRules.requireNotTransferred;
import static org.amfkeys.procedures.DeferredStarts.defer;
import static org.amfkeys.procedures.ProcedureFrame.requirePresent;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_CONTEXT_TRANSFER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC;

/**
 * The AMF side of the 5GS key lifecycle: everything of {@link CoreNetworkProcedures}, plus the
 * procedures that change KAMF when a UE moves: N2 handover to another AMF with or without a horizontal
 * KAMF derivation (TS 33.501 6.9.2.3.3), mobility registration update with a context transfer (6.9.3),
 * NAS key refresh (6.9.4.3), and interworking with EPS (clause 8).
 * <p>
 * A source AMF keeps its current context until the target reports that the UE's registration or
 * handover completed, so a UE whose registration fails comes back to the source and finds it.
 * Whether to derive a horizontal KAMF is the caller's policy decision, passed to each call.
 */
public final class AmfProcedures extends CoreNetworkProcedures
{
    /**
     * @param table the AMF's UE contexts.
     * @param kdf   derives keys; owned by this instance from now on.
     */
    public AmfProcedures(final ContextTable table, final Kdf kdf)
    {
        super(table, AccessStratumChain.NR, kdf);
    }

    /**
     * Primary authentication succeeded: KAMF = A.7(KSEAF, SUPI, ABBA) becomes the UE's new partial
     * native context, as {@link #authenticated(long, byte[], int, int)} describes.
     *
     * @param ueId                   the UE identifier.
     * @param kseaf                  KSEAF from the AUSF, 32 octets.
     * @param supi                   the UE's SUPI.
     * @param abba                   the ABBA parameter.
     * @param ngKsi                  the new context's ngKSI, native, 0..6.
     * @param ueSecurityCapabilities the UE security capabilities.
     */
    public void authenticated(
        final long ueId, final byte[] kseaf, final Supi supi, final Abba abba, final int ngKsi,
        final int ueSecurityCapabilities)
    {
        frame.ensureOpen();
        try
        {
            frame.kdf.computeSchedule(kseaf, frame.derivedSchedule());
            frame.kdf.kamf(frame.derivedSchedule(), supi, abba, frame.thirdKey(), 0);
            authenticated(ueId, frame.thirdKey(), ngKsi, ueSecurityCapabilities);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Source AMF
    // ---------------------------------------------------------------------------------------------

    /**
     * Source AMF of an N2 handover to another AMF: fills Namf_Communication_CreateUEContext.
     * <ul>
     *     <li>With a horizontal KAMF derivation: KAMF' = A.13(KAMF, DIRECTION 0x01, DL NAS COUNT), the
     *     same ngKSI, keyAmfHDerivationInd and keyAmfChangeInd, and {KgNB from KAMF' with UL NAS COUNT
     *     2^32-1, NCC 0}.</li>
     *     <li>Without, the current KAMF and a fresh {NH, NCC}; or, if a new KAMF is not yet used for AS,
     *     keyAmfChangeInd and {new KgNB, NCC 0}.</li>
     * </ul>
     * Either way the DL NAS COUNT advances after sending, and no downlink NAS message may follow until
     * the handover fails (TS 33.501 6.9.5.1 (5)). The source keeps the UE's context until
     * {@link #moveCompleted} (the handover completed) and keeps using it after {@link #handoverFailed}.
     * <p>
     * It waits for a NAS SMC for a new KAMF (6.9.5.1 (3)) and, when it keeps KAMF, for a UE Context
     * Modification (6.9.5.1 (4)); the call ending that procedure starts it.
     *
     * @param ueId           the UE identifier.
     * @param horizontalKamf the policy's decision.
     * @param transfer       receives the content for the target AMF, or the rule it waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart handoverToAmf(final long ueId, final boolean horizontalKamf, final UeContextTransfer transfer)
    {
        return handoverToAmf(ueId, horizontalKamf ? HorizontalKamfDecision.OPERATOR_DERIVES :
            HorizontalKamfDecision.OPERATOR_KEEPS, transfer);
    }

    private ProcedureStart handoverToAmf(
        final long ueId, final HorizontalKamfDecision decision, final UeContextTransfer transfer)
    {
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return ProcedureStart.UNKNOWN_UE;
        }
        try
        {
            final ProcedureStart start = handoverToAmf(context, decision, transfer);
            frame.commit();
            return start;
        }
        finally
        {
            frame.endStep(transfer);
        }
    }

    private ProcedureStart handoverToAmf(
        final SecurityContext context, final HorizontalKamfDecision decision, final UeContextTransfer transfer)
    {
        final boolean horizontal = decision != null && decision.derive();
        final ConcurrencyRule wait = frame.rules.interNodeHandoverWait(context, "n2-handover", !horizontal);
        if (wait != null)
        {
            return defer(context, DeferredProcedure.INTER_AMF_HANDOVER, wait, decision, 0, transfer);
        }
        final NextHopPair pair = transfer.nextHop();
        if (horizontal)
        {
            final long dlCount = frame.takeDownlinkCount(context, "n2-handover");
            frame.kdf.horizontalKamf(context.kamfSchedule(), MobilityMode.HANDOVER, dlCount, frame.key(), 0);
            frame.kdf.computeSchedule(frame.key(), frame.derivedSchedule());
            frame.chain.initialKey(frame.kdf, frame.derivedSchedule(), HANDOVER_UPLINK_COUNT, frame.nextKey());
            setHorizontalKamfTransfer(context, dlCount, frame.key(), frame.nextKey(), transfer);
        }
        else
        {
            context.copyKamf(frame.nextKey(), 0);
            setTransfer(context, MobilityMode.HANDOVER, frame.nextKey(), false, transfer);
            frame.asKeys.handoverKey(context, "n2-handover", false, pair);
            transfer.keyAmfChangeInd(pair.newSecurityContext());
            frame.takeDownlinkCount(context, "n2-handover");
        }
        AsKeyChain.interNodeHandoverStarted(context);
        return ProcedureStart.STARTED;
    }

    /**
     * Source AMF of an N2 handover to another AMF, with the horizontal KAMF decided by {@code policy}
     * (consulted before the UE's slot is locked); the decision and its reason are in
     * {@link UeContextTransfer#horizontalKamfDecision()}. Otherwise as {@link #handoverToAmf(long, boolean,
     * UeContextTransfer)}.
     *
     * @param ueId     the UE identifier.
     * @param policy   the source AMF's policy.
     * @param change   the move, of kind {@link AmfChange.Kind#N2_HANDOVER}.
     * @param transfer receives the content for the target AMF, or the rule it waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart handoverToAmf(
        final long ueId, final HorizontalKamfPolicy policy, final AmfChange change, final UeContextTransfer transfer)
    {
        frame.ensureOpen();
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final HorizontalKamfDecision decision = decide(policy, change, AmfChange.Kind.N2_HANDOVER);
        final ProcedureStart start = handoverToAmf(ueId, decision, transfer);
        transfer.horizontalKamfDecision(decision);
        return start;
    }

    /**
     * Source AMF of a mobility registration update, with the horizontal KAMF decided by {@code policy};
     * the decision and its reason are in {@link UeContextTransfer#horizontalKamfDecision()}. Otherwise as
     * {@link #contextTransfer(long, long, boolean, UeContextTransfer)}.
     *
     * @param ueId     the UE identifier.
     * @param ulCount  UL NAS COUNT of the Registration Request, 0..2^24-1.
     * @param policy   the source AMF's policy.
     * @param change   the move, of kind {@link AmfChange.Kind#CONTEXT_TRANSFER}.
     * @param transfer receives the content for the target AMF, or the rule it waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart contextTransfer(
        final long ueId, final long ulCount, final HorizontalKamfPolicy policy, final AmfChange change,
        final UeContextTransfer transfer)
    {
        frame.ensureOpen();
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final HorizontalKamfDecision decision = decide(policy, change, AmfChange.Kind.CONTEXT_TRANSFER);
        final ProcedureStart start = contextTransfer(ueId, ulCount, decision, transfer);
        transfer.horizontalKamfDecision(decision);
        return start;
    }

    private static HorizontalKamfDecision decide(
        final HorizontalKamfPolicy policy, final AmfChange change, final AmfChange.Kind kind)
    {
        requirePresent("policy", policy, "a HorizontalKamfPolicy");
        requirePresent("change", change, "an AmfChange").requireKind(kind);
        return requirePresent("policy", policy.decide(change), "a policy that decides (it returned no decision)");
    }

    /**
     * Source AMF of a mobility registration update: fills the UEContextTransfer response for the
     * Registration Request with UL NAS COUNT {@code ulCount}. With a horizontal derivation, KAMF' =
     * A.13(KAMF, DIRECTION 0x00, that COUNT) with the same ngKSI and keyAmfHDerivationInd, and every
     * non-current context is dropped; the source still keeps its own current context until
     * {@link #moveCompleted} or {@link #registrationFailed}.
     * <p>
     * A request that arrives during a NAS SMC waits for its completion (TS 33.501 6.9.5.2 (2), which
     * names an SMC for a new KAMF; amfkeys also waits for one that only changes algorithms, since the
     * transfer carries them); the call ending the SMC starts it.
     *
     * @param ueId           the UE identifier.
     * @param ulCount        UL NAS COUNT of the Registration Request, 0..2^24-1.
     * @param horizontalKamf the policy's decision.
     * @param transfer       receives the content for the target AMF, or the rule it waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart contextTransfer(
        final long ueId, final long ulCount, final boolean horizontalKamf, final UeContextTransfer transfer)
    {
        return contextTransfer(ueId, ulCount, horizontalKamf ? HorizontalKamfDecision.OPERATOR_DERIVES :
            HorizontalKamfDecision.OPERATOR_KEEPS, transfer);
    }

    private ProcedureStart contextTransfer(
        final long ueId, final long ulCount, final HorizontalKamfDecision decision, final UeContextTransfer transfer)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return ProcedureStart.UNKNOWN_UE;
        }
        try
        {
            final ProcedureStart start = contextTransfer(context, ulCount, decision, transfer);
            frame.commit();
            return start;
        }
        finally
        {
            frame.endStep(transfer);
        }
    }

    private ProcedureStart contextTransfer(
        final SecurityContext context, final long count, final HorizontalKamfDecision decision,
        final UeContextTransfer transfer)
    {
        final boolean horizontal = decision != null && decision.derive();
        final ConcurrencyRule wait = checkContextTransfer(context, count);
        if (wait != null)
        {
            return defer(context, DeferredProcedure.CONTEXT_TRANSFER, wait, decision, count, transfer);
        }
        frame.acceptUplinkCount(context, count, "mobility-registration");
        releaseAs(context);
        if (horizontal)
        {
            frame.kdf.horizontalKamf(context.kamfSchedule(), MobilityMode.IDLE, count, frame.key(), 0);
            setHorizontalKamfTransfer(context, count, frame.key(), transfer);
        }
        else
        {
            context.copyKamf(frame.key(), 0);
            setTransfer(context, MobilityMode.IDLE, frame.key(), false, transfer);
        }
        context.procedureState(context.procedureState() | PROCEDURE_CONTEXT_TRANSFER);
        return ProcedureStart.STARTED;
    }

    /**
     * The rules the source of a mobility registration checks, the Registration Request's UL NAS COUNT
     * included, before anything is written.
     *
     * @return the rule it waits under, or null when it may start.
     */
    ConcurrencyRule checkContextTransfer(final SecurityContext context, final long count)
    {
        requireCurrent(context, "mobility-registration");
        // Releasing the AS would otherwise end a handover to another node without a word.
        frame.rules.requireNoInterNodeHandover(context, "mobility-registration");
        final ConcurrencyRule wait = frame.rules.waitRule(
            (context.procedureState() & PROCEDURE_NAS_SMC) != 0, ConcurrencyRule.TS_33_501_6_9_5_2_2);
        if (wait != null)
        {
            return wait;
        }
        if ((context.contextFlags() & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0)
        {
            throw new ProcedureNotAllowedException("mobility-registration",
                "the UE's KAMF' awaits its NAS SMC here; it has no context to transfer yet");
        }
        frame.requireUplinkCountAcceptable(context, count, "mobility-registration");
        return null;
    }

    /**
     * Fills the transfer of a mobility registration with a horizontal KAMF: KAMF' derived with the
     * Registration Request's UL NAS COUNT {@code count}, NAS COUNTs reset; every non-current context is
     * dropped.
     */
    static void setHorizontalKamfTransfer(
        final SecurityContext context, final long count, final byte[] kamfPrime, final UeContextTransfer transfer)
    {
        setTransfer(context, MobilityMode.IDLE, kamfPrime, true, transfer);
        transfer.derivedWith(count, true);
        context.dropNonCurrent();
    }

    ProcedureStart startDeferred(
        final SecurityContext context, final DeferredProcedure procedure, final HorizontalKamfDecision decision,
        final long ulCount, final UeContextTransfer transfer)
    {
        return switch (procedure)
        {
            case CONTEXT_TRANSFER -> contextTransfer(context, ulCount, decision, transfer);
            case INTER_AMF_HANDOVER -> handoverToAmf(context, decision, transfer);
            case INTER_SYSTEM_HANDOVER -> handoverToEps(context, transfer);
            default -> super.startDeferred(context, procedure, decision, ulCount, transfer);
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Target AMF
    // ---------------------------------------------------------------------------------------------

    /**
     * Target AMF of an N2 handover: stores the received context and gives the pair for the target gNB
     * and the NAS container for the UE. On keyAmfHDerivationInd the NAS COUNTs restart at 0 under
     * KAMF' and the container carries the K_AMF_change_flag with the DL NAS COUNT of the derivation; on
     * keyAmfChangeInd the received {KgNB, NCC 0} is forwarded with the NSCI, and this AMF sets NCC 1
     * with NH from that KgNB.
     *
     * @param ueId     the UE identifier.
     * @param transfer what the source AMF sent.
     * @param pair     receives the pair for the target gNB.
     * @param command  receives the NAS container of the handover command.
     */
    public void acceptHandover(
        final long ueId, final UeContextTransfer transfer, final NextHopPair pair, final HandoverCommand command)
    {
        frame.ensureOpen();
        requireTransfer(transfer, AccessStratumChain.NR, MobilityMode.HANDOVER);
        requirePresent("pair", pair, "a NextHopPair");
        requirePresent("command", command, "a HandoverCommand").clear();
        try
        {
            final SecurityContext staged = frame.stage();
            staged.kamf(transfer.rootKey(), frame.kdf).ngKsi(transfer.ngKsi())
                .nasAlgorithms(transfer.ciphering(), transfer.integrity())
                .ueSecurityCapabilities(transfer.ueSecurityCapabilities());
            if (transfer.keyAmfHDerivationInd())
            {
                staged.uplinkNasCount(0).downlinkNasCount(1);
                command.nasContainer(HandoverCommand.HORIZONTAL_KAMF, transfer.derivationCount(), 0);
            }
            else
            {
                // The NAS container still goes to the UE, with this AMF's DL NAS COUNT (6.9.2.3.3).
                final long dlCount = transfer.downlinkNasCount();
                frame.requireDownlinkCountLeft(dlCount, "accept-handover");
                staged.uplinkNasCount(transfer.uplinkNasCount()).downlinkNasCount(dlCount + 1);
                command.nasContainer(HandoverCommand.SAME_KAMF, dlCount, 0);
            }
            final NextHopPair received = transfer.nextHop();
            if (transfer.keyAmfChangeInd())
            {
                frame.chain.nextHop(frame.kdf, staged.kamfSchedule(), received.key(), frame.key());
                staged.nextHop(frame.key(), 1);
            }
            else
            {
                staged.nextHop(received.key(), received.ncc());
            }
            staged.contextFlags(staged.contextFlags() | FLAG_AS_ACTIVE);
            pair.copyFrom(received);
            frame.replaceWithStaged(ueId);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }

    /**
     * Target AMF of a mobility registration update: stores the received context. With
     * keyAmfHDerivationInd the NAS COUNTs restart at 0 under KAMF' and the next
     * {@link #nasSecurityModeCommand NAS SMC} carries the K_AMF_change_flag.
     *
     * @param ueId     the UE identifier.
     * @param transfer what the source AMF sent.
     */
    public void acceptContextTransfer(final long ueId, final UeContextTransfer transfer)
    {
        frame.ensureOpen();
        requireTransfer(transfer, AccessStratumChain.NR, MobilityMode.IDLE);
        try
        {
            final SecurityContext staged = frame.stage();
            staged.kamf(transfer.rootKey(), frame.kdf).ngKsi(transfer.ngKsi())
                .nasAlgorithms(transfer.ciphering(), transfer.integrity())
                .ueSecurityCapabilities(transfer.ueSecurityCapabilities());
            if (transfer.keyAmfHDerivationInd())
            {
                staged.uplinkNasCount(0).downlinkNasCount(0);
                staged.contextFlags(staged.contextFlags() | FLAG_KAMF_CHANGE_TO_SIGNAL);
            }
            else
            {
                staged.uplinkNasCount(transfer.uplinkNasCount()).downlinkNasCount(transfer.downlinkNasCount());
            }
            frame.replaceWithStaged(ueId);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // NAS key refresh
    // ---------------------------------------------------------------------------------------------

    /**
     * NAS key refresh in idle mode (TS 33.501 6.9.4.3): KAMF' = A.13(KAMF, DIRECTION 0x00, the UL NAS
     * COUNT of the initial NAS message), kept non-current with the same ngKSI until the NAS SMC that
     * follows activates it with the K_AMF_change_flag.
     *
     * @param ueId    the UE identifier.
     * @param ulCount UL NAS COUNT of the initial NAS message, 0..2^24-1.
     * @return false when the UE is unknown.
     */
    public boolean nasKeyRefresh(final long ueId, final long ulCount)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireCurrent(context, "nas-key-refresh");
            requireNotTransferred(context, "nas-key-refresh");
            requireNoNasSmc(context, "nas-key-refresh");
            if ((context.contextFlags() & FLAG_AS_ACTIVE) != 0)
            {
                throw new ProcedureNotAllowedException("nas-key-refresh",
                    "the idle-mode horizontal derivation needs an idle UE; this one is CONNECTED");
            }
            frame.acceptUplinkCount(context, ulCount, "nas-key-refresh");
            frame.kdf.horizontalKamf(context.kamfSchedule(), MobilityMode.IDLE, ulCount, frame.key(), 0);
            context.nonCurrent(frame.key(), context.ngKsi());
            context.contextFlags(context.contextFlags() | FLAG_KAMF_CHANGE_TO_SIGNAL);
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Interworking with EPS (TS 33.501 clause 8)
    // ---------------------------------------------------------------------------------------------

    /**
     * 5GS to EPS handover, source AMF (TS 33.501 8.3.2): KASME' = A.14.2(KAMF, DL NAS COUNT), then the
     * DL COUNT advances; the EPS NAS COUNTs are the 5G ones, eKSI takes the ngKSI value as a mapped
     * context, and NH is derived twice from the initial KeNB (A.3 with UL NAS COUNT 2^32-1), giving
     * {NH, NCC 2} for the MME.
     *
     * It waits for a NAS SMC for a new KAMF (TS 33.501 6.9.5.1 (3)), and no downlink NAS message may
     * follow until it fails (6.9.5.1 (5)).
     *
     * @param ueId     the UE identifier.
     * @param transfer receives the forward relocation content for the MME, or the rule it waits under.
     * @return whether it started or waits.
     */
    public ProcedureStart handoverToEps(final long ueId, final UeContextTransfer transfer)
    {
        requirePresent("transfer", transfer, "a UeContextTransfer");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return ProcedureStart.UNKNOWN_UE;
        }
        try
        {
            final ProcedureStart start = handoverToEps(context, transfer);
            frame.commit();
            return start;
        }
        finally
        {
            frame.endStep(transfer);
        }
    }

    private ProcedureStart handoverToEps(final SecurityContext context, final UeContextTransfer transfer)
    {
        final ConcurrencyRule wait = frame.rules.interNodeHandoverWait(context, "handover-to-eps", false);
        if (wait != null)
        {
            return defer(context, DeferredProcedure.INTER_SYSTEM_HANDOVER, wait, null, 0, transfer);
        }
        final long dlCount = frame.takeDownlinkCount(context, "handover-to-eps");
        frame.kdf.kasmePrime(context.kamfSchedule(), MobilityMode.HANDOVER, dlCount, frame.key(), 0);
        frame.kdf.computeSchedule(frame.key(), frame.derivedSchedule());
        AccessStratumChain.E_UTRA.initialKey(frame.kdf, frame.derivedSchedule(), HANDOVER_UPLINK_COUNT, frame.nextKey());
        AccessStratumChain.E_UTRA.nextHop(frame.kdf, frame.derivedSchedule(), frame.nextKey(), frame.thirdKey());
        AccessStratumChain.E_UTRA.nextHop(frame.kdf, frame.derivedSchedule(), frame.thirdKey(), frame.nextKey());
        transfer.set(AccessStratumChain.E_UTRA, MobilityMode.HANDOVER, frame.key(), NgKsi.mapped(context.ngKsi()),
            context.uplinkNasCount(), context.downlinkNasCount(), context.nasCipheringAlgorithm(),
            context.nasIntegrityAlgorithm(), context.ueSecurityCapabilities());
        transfer.derivedWith(dlCount, false);
        transfer.nextHop().set(frame.nextKey(), 2, false);
        AsKeyChain.interNodeHandoverStarted(context);
        return ProcedureStart.STARTED;
    }

    /**
     * 5GS to EPS idle-mode mobility, AMF side (TS 33.501 8.5.2): the TAU's UL NAS COUNT is accepted
     * under the 5G context and KASME' = A.14.1(KAMF, that COUNT) goes to the MME as a mapped context
     * whose NAS COUNTs start at 0.
     *
     * @param ueId     the UE identifier.
     * @param ulCount  UL NAS COUNT of the TAU Request, 0..2^24-1.
     * @param transfer receives the context response for the MME.
     * @return false when the UE is unknown.
     */
    public boolean idleModeToEps(final long ueId, final long ulCount, final UeContextTransfer transfer)
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
            requireIdleAndUnmoved(context, "idle-to-eps");
            requireNoNasSmc(context, "idle-to-eps");
            frame.acceptUplinkCount(context, ulCount, "idle-to-eps");
            frame.kdf.kasmePrime(context.kamfSchedule(), MobilityMode.IDLE, ulCount, frame.key(), 0);
            transfer.set(AccessStratumChain.E_UTRA, MobilityMode.IDLE, frame.key(), NgKsi.mapped(context.ngKsi()), 0, 0,
                context.nasCipheringAlgorithm(), context.nasIntegrityAlgorithm(), context.ueSecurityCapabilities());
            transfer.derivedWith(ulCount, false);
            context.procedureState(context.procedureState() | PROCEDURE_CONTEXT_TRANSFER);
            return frame.commit();
        }
        finally
        {
            frame.endStep(transfer);
        }
    }

    /**
     * EPS to 5GS handover, target AMF (TS 33.501 8.4.2): KAMF' = A.15.2(KASME, NH) with the NH the MME
     * sent; NAS COUNTs 0; ngKSI takes the eKSI value as a mapped context; the temporary KgNB = A.9(KAMF',
     * UL NAS COUNT 2^32-1) goes to the gNB as {KgNB, NCC 0} with the NSCI, and this AMF then sets NCC 1
     * with NH from it. The NAS container carries the NCC of the NH used.
     *
     * @param ueId     the UE identifier.
     * @param transfer what the MME sent.
     * @param pair     receives the pair for the target gNB.
     * @param command  receives the NAS container of the handover command.
     */
    public void acceptHandoverFromEps(
        final long ueId, final UeContextTransfer transfer, final NextHopPair pair, final HandoverCommand command)
    {
        frame.ensureOpen();
        requireTransfer(transfer, AccessStratumChain.E_UTRA, MobilityMode.HANDOVER);
        requirePresent("pair", pair, "a NextHopPair");
        requirePresent("command", command, "a HandoverCommand").clear();
        try
        {
            frame.kdf.computeSchedule(transfer.rootKey(), frame.derivedSchedule());
            frame.kdf.kamfFromKasmeHandover(frame.derivedSchedule(), transfer.nextHop().key(), frame.key(), 0);
            final SecurityContext staged = frame.stage();
            staged.kamf(frame.key(), frame.kdf).ngKsi(NgKsi.mapped(transfer.ngKsi())).uplinkNasCount(0).downlinkNasCount(0)
                .nasAlgorithms(transfer.ciphering(), transfer.integrity())
                .ueSecurityCapabilities(transfer.ueSecurityCapabilities());
            frame.chain.initialKey(frame.kdf, staged.kamfSchedule(), HANDOVER_UPLINK_COUNT, frame.nextKey());
            frame.chain.nextHop(frame.kdf, staged.kamfSchedule(), frame.nextKey(), frame.thirdKey());
            staged.nextHop(frame.thirdKey(), 1);
            staged.contextFlags(staged.contextFlags() | FLAG_AS_ACTIVE);
            pair.set(frame.nextKey(), 0, true);
            command.nasContainer(HandoverCommand.TO_5GS, 0, transfer.nextHop().ncc());
            frame.replaceWithStaged(ueId);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }

    /**
     * EPS to 5GS idle-mode mobility, target AMF (TS 33.501 8.6.2): KAMF' = A.15.1(KASME, the TAU's UL
     * NAS COUNT carried in the Registration Request), NAS COUNTs 0, ngKSI mapped from eKSI.
     *
     * @param ueId     the UE identifier.
     * @param transfer what the MME sent, with the COUNT as its {@link UeContextTransfer#derivationCount()}.
     */
    public void acceptIdleModeFromEps(final long ueId, final UeContextTransfer transfer)
    {
        frame.ensureOpen();
        requireTransfer(transfer, AccessStratumChain.E_UTRA, MobilityMode.IDLE);
        try
        {
            frame.kdf.computeSchedule(transfer.rootKey(), frame.derivedSchedule());
            frame.kdf.kamfFromKasmeIdle(frame.derivedSchedule(), transfer.derivationCount(), frame.key(), 0);
            final SecurityContext staged = frame.stage();
            staged.kamf(frame.key(), frame.kdf).ngKsi(NgKsi.mapped(transfer.ngKsi())).uplinkNasCount(0).downlinkNasCount(0)
                .nasAlgorithms(transfer.ciphering(), transfer.integrity())
                .ueSecurityCapabilities(transfer.ueSecurityCapabilities());
            frame.replaceWithStaged(ueId);
        }
        finally
        {
            frame.wipeAfterStaging();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * The context for the target AMF; a horizontal KAMF restarts the NAS COUNTs there.
     */
    /**
     * Fills the transfer of an N2 handover to another AMF with a horizontal KAMF: KAMF' derived with the
     * DL NAS COUNT {@code dlCount}, NAS COUNTs reset, and {temporary KgNB, NCC 0} with keyAmfChangeInd.
     */
    static void setHorizontalKamfTransfer(
        final SecurityContext context, final long dlCount, final byte[] kamfPrime, final byte[] temporaryKgnb,
        final UeContextTransfer transfer)
    {
        setTransfer(context, MobilityMode.HANDOVER, kamfPrime, true, transfer);
        transfer.derivedWith(dlCount, true);
        transfer.keyAmfChangeInd(true);
        transfer.nextHop().set(temporaryKgnb, 0, true);
    }

    private static void setTransfer(
        final SecurityContext context, final MobilityMode mobility, final byte[] rootKey, final boolean reset,
        final UeContextTransfer transfer)
    {
        transfer.set(AccessStratumChain.NR, mobility, rootKey, context.ngKsi(),
            reset ? 0 : context.uplinkNasCount(), reset ? 0 : context.downlinkNasCount(),
            context.nasCipheringAlgorithm(), context.nasIntegrityAlgorithm(), context.ueSecurityCapabilities());
    }

    static void requireTransfer(
        final UeContextTransfer transfer, final AccessStratumChain system, final MobilityMode mobility)
    {
        requirePresent("transfer", transfer, "a UeContextTransfer");
        if (transfer.system() != system || transfer.mobility() != mobility)
        {
            throw new ProcedureNotAllowedException("accept", "expected a " + system.system() + " " +
                mobility.token() + " context, got " + transfer);
        }
    }
}

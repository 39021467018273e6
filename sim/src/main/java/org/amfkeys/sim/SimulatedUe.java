package org.amfkeys.sim;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.AmfChange;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.CoreNetworkProcedures;
import org.amfkeys.procedures.DeferredProcedure;
import org.amfkeys.procedures.DeferredStart;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.HorizontalKamfDecision;
import org.amfkeys.procedures.HorizontalKamfPolicy;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.ProcedureOutcome;
import org.amfkeys.procedures.ProcedureStart;
import org.amfkeys.procedures.UeContextTransfer;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.Earfcn;
import org.amfkeys.types.NrArfcn;
import org.amfkeys.types.Pci;

import java.util.Arrays;

/**
 * One UE moving through a {@link SimulatedCore}: its {@link UeMirror}, the {@link RanNode} serving it
 * while it is CONNECTED, and which core network node serves it. Each step runs a whole procedure on
 * every side, in the order the messages flow, so that tests, {@code amfkeys trace} and the load tester
 * all exercise one implementation of each procedure. A step the state does not allow throws
 * {@link ProcedureNotAllowedException} (or an {@code InvalidParameterException} for a bad argument)
 * before any side changes.
 */
public final class SimulatedUe implements AutoCloseable
{
    /** Where a NAS COUNT was used, for {@link NasCountObserver}. */
    public enum Direction
    {
        /** The uplink NAS COUNT: a message from the UE, or a derivation over an uplink COUNT. */
        UPLINK,
        /** The downlink NAS COUNT: a message to the UE, or a derivation over a downlink COUNT. */
        DOWNLINK
    }

    /**
     * Sees every NAS COUNT used for a message or a derivation, with the root key it was used under, so a
     * test can check that no COUNT repeats under one key.
     */
    @FunctionalInterface
    public interface NasCountObserver
    {
        /**
         * @param rootKey   the KAMF or KASME (valid during the call only).
         * @param direction uplink or downlink.
         * @param count     the NAS COUNT.
         */
        void used(byte[] rootKey, Direction direction, long count);
    }

    /**
     * Where a procedure that moves the UE to another node stands: not in flight, waiting for a procedure
     * its source node must end first (a deferred start), or running.
     */
    private enum Stage
    {
        NONE, WAITING, RUNNING
    }

    /**
     * Which node serves the target RAN node of a handover: the source node, another node of the same
     * system, or a node of the other system.
     */
    private enum HandoverKind
    {
        WITHIN_NODE, TO_OTHER_NODE, TO_OTHER_SYSTEM
    }

    /** The move of the boolean forms: to another AMF set, without shared secure storage. */
    private static final AmfChange CONTEXT_TRANSFER_TO_OTHER_SET =
        new AmfChange(AmfChange.Kind.CONTEXT_TRANSFER, 1, 2, false);
    private static final AmfChange N2_HANDOVER_TO_OTHER_SET = new AmfChange(AmfChange.Kind.N2_HANDOVER, 1, 2, false);

    private static final NasCountObserver NO_OBSERVER = (rootKey, direction, count) ->
    {
    };

    /** Two gNBs and two eNBs, so that a handover has a target in either system. */
    private static final int RAN_NODES = 4;

    private final long ueId;
    private final SimulatedCore core;
    private final UeMirror ue;
    private final RanNode[] ranNodes;
    private final SecurityContext snapshot = new SecurityContext(
        new UnsafeBuffer(new byte[SecurityContextDescriptor.LENGTH]), 0);
    private final byte[] rootKey = new byte[Kdf.KEY_LENGTH];
    private final byte[] networkKey = new byte[Kdf.KEY_LENGTH];
    private final byte[] networkEncryption = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private final byte[] networkIntegrity = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private final byte[] ueEncryption = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private final byte[] ueIntegrity = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private NasCountObserver observer = NO_OBSERVER;
    private InFlight inFlight;
    private DeferredProcedure startedDeferred;
    private DeferredProcedure refusedDeferred;
    /** Counts the UE's moves between RAN nodes, so a message for an earlier stay is recognised. */
    private long ranEpoch;
    private int servingAmf;
    private int servingMme;
    private boolean inEps;
    private int ran = -1;
    private int ciphering;
    private int integrity;

    /**
     * A UE registered at AMF 0 with an activated native context (its NAS SMC done), idle.
     *
     * @param ueId      the UE identifier in every table.
     * @param core      the thread's simulated core network.
     * @param kamf      the UE's KAMF, 32 octets.
     * @param ngKsi     its ngKSI, 0..6.
     * @param ciphering the NAS ciphering algorithm, 0..15.
     * @param integrity the NAS integrity algorithm, 0..15.
     */
    public SimulatedUe(
        final long ueId, final SimulatedCore core, final byte[] kamf, final int ngKsi, final int ciphering,
        final int integrity)
    {
        this.ueId = ueId;
        this.core = core;
        this.ue = new UeMirror(core.kdf());
        this.ranNodes = new RanNode[] {new RanNode(AccessStratumChain.NR, core.kdf()),
            new RanNode(AccessStratumChain.NR, core.kdf()), new RanNode(AccessStratumChain.E_UTRA, core.kdf()),
            new RanNode(AccessStratumChain.E_UTRA, core.kdf())};
        authenticate(kamf, ngKsi);
        nasSecurityModeCommand(ciphering, integrity);
    }

    /**
     * @param observer sees every NAS COUNT used from now on.
     * @return this.
     */
    public SimulatedUe observer(final NasCountObserver observer)
    {
        this.observer = observer == null ? NO_OBSERVER : observer;
        return this;
    }

    // ---------------------------------------------------------------------------------------------
    // NAS procedures
    // ---------------------------------------------------------------------------------------------

    /**
     * Primary authentication: a new native context that a following NAS SMC activates.
     *
     * @param kamf  the new KAMF (KASME when the UE is in EPS), 32 octets.
     * @param ngKsi its ngKSI (eKSI), 0..6.
     */
    public void authenticate(final byte[] kamf, final int ngKsi)
    {
        requireNotMoving("authenticate");
        serving().authenticated(ueId, kamf, ngKsi, 0);
        ue.authenticate(kamf, ngKsi);
    }

    /**
     * NAS Security Mode Command and Complete.
     *
     * @param ciphering NAS ciphering algorithm, 0..15.
     * @param integrity NAS integrity algorithm, 0..15.
     */
    public void nasSecurityModeCommand(final int ciphering, final int integrity)
    {
        beginNasSecurityModeCommand(AccessType.THREE_GPP, ciphering, integrity);
        endNasSecurityModeCommand(ProcedureOutcome.COMPLETE);
    }

    /**
     * Sends a NAS Security Mode Command on the given access: the UE takes the command's context into use
     * at once and sends Security Mode Complete, which {@link #endNasSecurityModeCommand} delivers.
     *
     * @param access    the NAS connection.
     * @param ciphering NAS ciphering algorithm, 0..15.
     * @param integrity NAS integrity algorithm, 0..15.
     */
    public void beginNasSecurityModeCommand(final AccessType access, final int ciphering, final int integrity)
    {
        requireNotMoving("nas-smc");
        final InFlight f = inFlight();
        final CoreNetworkProcedures node = serving();
        require(node.nasSecurityModeCommand(ueId, access, ciphering, integrity, core.command));
        final long complete;
        try
        {
            complete = ue.securityModeCommand(core.command);
        }
        catch (final RuntimeException ex)
        {
            node.nasSecurityModeFailed(ueId);
            throw ex;
        }
        f.smcNode = node;
        f.smcComplete = complete;
        f.smcDownlink = core.command.downlinkNasCount();
        f.smcCiphering = ciphering;
        f.smcIntegrity = integrity;
        core.wipeCarriers();
    }

    /**
     * Ends the NAS SMC in flight: with {@link ProcedureOutcome#COMPLETE} the Security Mode Complete
     * reaches the network; otherwise the network gives up, and the command is taken as never having
     * reached the UE. A procedure the SMC made wait starts now.
     *
     * @param outcome how it ends.
     */
    public void endNasSecurityModeCommand(final ProcedureOutcome outcome)
    {
        final InFlight f = inFlight();
        final CoreNetworkProcedures node = f.smcNode;
        if (node == null)
        {
            throw new ProcedureNotAllowedException("nas-smc", "no NAS Security Mode Command is in flight");
        }
        f.smcNode = null;
        startedDeferred = null;
        refusedDeferred = null;
        if (outcome == ProcedureOutcome.COMPLETE)
        {
            node.nasSecurityModeComplete(ueId, f.smcComplete, f.started);
            ciphering = f.smcCiphering;
            integrity = f.smcIntegrity;
            observeCurrent(Direction.DOWNLINK, f.smcDownlink);
            observeCurrent(Direction.UPLINK, f.smcComplete);
        }
        else
        {
            node.nasSecurityModeFailed(ueId, f.started);
            ue.securityModeCommandLost();
        }
        continueDeferred(f);
    }

    /**
     * NAS key refresh in idle mode: an initial NAS message with UL NAS COUNT {@code ulCount}, KAMF' =
     * A.13 DIRECTION 0x00, activated by a NAS SMC with the K_AMF_change_flag.
     *
     * @param ulCount the initial NAS message's UL NAS COUNT.
     */
    public void nasKeyRefresh(final long ulCount)
    {
        requireFiveG("nas-key-refresh");
        requireNotMoving("nas-key-refresh");
        requireUplinkUnused(ulCount, "nas-key-refresh");
        captureRoot();
        require(core.amf(servingAmf).nasKeyRefresh(ueId, ulCount));
        report(Direction.UPLINK, ulCount);
        ue.sendUplink(ulCount);
        nasSecurityModeCommand(ciphering, integrity);
    }

    /**
     * Mobility registration update to the other AMF with a Registration Request of UL NAS COUNT
     * {@code ulCount}; the source's policy decided {@code horizontalKamf}. With it, the target runs a
     * NAS SMC with the K_AMF_change_flag. On completion the source deletes its context and the UE its
     * old one; on failure the target forgets the UE, and UE and source carry on with the old context.
     *
     * @param ulCount        the Registration Request's UL NAS COUNT.
     * @param horizontalKamf the source AMF's policy decision.
     * @param complete       whether the registration completes.
     */
    public void mobilityRegistration(final long ulCount, final boolean horizontalKamf, final boolean complete)
    {
        mobilityRegistration(ulCount, horizontalKamf ? HorizontalKamfPolicy.always() : HorizontalKamfPolicy.never(),
            CONTEXT_TRANSFER_TO_OTHER_SET, complete);
    }

    /**
     * Mobility registration update to the other AMF, with the horizontal KAMF decided by the source
     * AMF's {@code policy}; otherwise as {@link #mobilityRegistration(long, boolean, boolean)}.
     *
     * @param ulCount  the Registration Request's UL NAS COUNT.
     * @param policy   the source AMF's policy.
     * @param change   the move, of kind {@link AmfChange.Kind#CONTEXT_TRANSFER}.
     * @param complete whether the registration completes.
     * @return the policy's decision.
     */
    public HorizontalKamfDecision mobilityRegistration(
        final long ulCount, final HorizontalKamfPolicy policy, final AmfChange change, final boolean complete)
    {
        final ProcedureStart start = beginMobilityRegistration(ulCount, policy, change);
        final HorizontalKamfDecision decision = inFlight().registrationDecision;
        if (start == ProcedureStart.DEFERRED)
        {
            inFlight().endRegistrationWhenStarted = complete ? ProcedureOutcome.COMPLETE : ProcedureOutcome.FAILURE;
            return decision;
        }
        endMobilityRegistration(complete ? ProcedureOutcome.COMPLETE : ProcedureOutcome.FAILURE);
        return decision;
    }

    /**
     * Starts a mobility registration update to the other AMF from idle: the UE sends the Registration
     * Request with UL NAS COUNT {@code ulCount} (or its next one when negative) and keeps its context as
     * the old one; the target asks the source for the context, which the source may make wait for a NAS
     * SMC in flight (TS 33.501 6.9.5.2 (2)).
     *
     * @param ulCount the Registration Request's UL NAS COUNT, or -1 for the UE's next.
     * @param policy  the source AMF's policy.
     * @param change  the move, of kind {@link AmfChange.Kind#CONTEXT_TRANSFER}.
     * @return whether the context transfer started or waits.
     */
    public ProcedureStart beginMobilityRegistration(
        final long ulCount, final HorizontalKamfPolicy policy, final AmfChange change)
    {
        requireFiveG("mobility-registration");
        if (ran >= 0)
        {
            throw new ProcedureNotAllowedException("mobility-registration",
                "the UE is CONNECTED; a mobility registration to another AMF starts from idle");
        }
        final InFlight f = inFlight();
        if (f.registration != Stage.NONE)
        {
            throw new ProcedureNotAllowedException("mobility-registration", "a mobility registration is already in flight");
        }
        final long count = ulCount < 0 ? ue.nextUplinkCount() : ulCount;
        requireUplinkUnused(count, "mobility-registration");
        final AmfProcedures source = core.amf(servingAmf);
        captureRoot();
        final ProcedureStart start = source.contextTransfer(ueId, count, policy, change, core.transfer);
        require(start != ProcedureStart.UNKNOWN_UE);
        f.registrationDecision = core.transfer.horizontalKamfDecision();
        ue.startMobilityRegistration(count);
        if (start == ProcedureStart.STARTED)
        {
            report(Direction.UPLINK, count);
            registrationStarted(f, core.transfer);
        }
        else
        {
            f.registration = Stage.WAITING;
            f.registrationRule = core.transfer.deferredBy();
        }
        core.wipeCarriers();
        return start;
    }

    private void registrationStarted(final InFlight f, final UeContextTransfer transfer)
    {
        core.amf(otherAmf()).acceptContextTransfer(ueId, transfer);
        f.registration = Stage.RUNNING;
    }

    /**
     * Ends the mobility registration in flight. On completion the target runs its NAS SMC (with the
     * K_AMF_change_flag after a horizontal KAMF), the source deletes its context and the UE its old one;
     * on failure the target forgets the UE, and UE and source carry on with the old context. A
     * registration whose context transfer still waits fails, and the transfer is cancelled.
     *
     * @param outcome how it ends.
     */
    public void endMobilityRegistration(final ProcedureOutcome outcome)
    {
        final InFlight f = inFlight();
        final AmfProcedures source = core.amf(servingAmf);
        final AmfProcedures target = core.amf(otherAmf());
        startedDeferred = null;
        refusedDeferred = null;
        switch (f.registration)
        {
            case NONE:
                throw new ProcedureNotAllowedException("mobility-registration", "no mobility registration is in flight");

            case WAITING:
                f.registration = Stage.NONE;
                f.endRegistrationWhenStarted = null;
                source.cancelDeferred(ueId);
                ue.registrationFailed();
                return;

            default:
                break;
        }
        f.registration = Stage.NONE;
        if (outcome == ProcedureOutcome.COMPLETE)
        {
            if (f.registrationDecision.derive())
            {
                final int previous = servingAmf;
                servingAmf = otherAmf();
                try
                {
                    nasSecurityModeCommand(ciphering, integrity);
                }
                finally
                {
                    servingAmf = previous;
                }
            }
            source.moveCompleted(ueId);
            ue.registrationCompleted();
            servingAmf = otherAmf();
        }
        else
        {
            target.delete(ueId);
            source.registrationFailed(ueId);
            ue.registrationFailed();
        }
        core.wipeCarriers();
    }

    // ---------------------------------------------------------------------------------------------
    // AS procedures
    // ---------------------------------------------------------------------------------------------

    /**
     * Initial Context Setup in the given cell, after a new uplink NAS message (Service Request,
     * Registration Request) of UL NAS COUNT {@code ulCount}, or after the NAS SMC Complete of that COUNT
     * if it has keyed no KgNB yet.
     *
     * @param ulCount the UL NAS COUNT.
     * @param pci     the cell's PCI.
     * @param arfcn   the cell's ARFCN-DL (EARFCN-DL in EPS).
     */
    public void initialContextSetup(final long ulCount, final int pci, final int arfcn)
    {
        checkCell(pci, arfcn);
        if (ue.asActive())
        {
            throw new ProcedureNotAllowedException("initial-context-setup", "the UE is already CONNECTED");
        }
        requireNotMoving("initial-context-setup");
        ue.checkInitialContextSetup(ulCount);
        final boolean newMessage = ulCount >= ue.nextUplinkCount();
        require(core.initialContextSetup(serving(), ueId, ulCount, core.pair));
        if (newMessage)
        {
            observeCurrent(Direction.UPLINK, ulCount);
        }
        ue.initialContextSetup(ulCount);
        ran = inEps ? 2 : 0;
        ranNodes[ran].initialContextSetup(core.pair, pci, arfcn);
        core.wipeCarriers();
    }

    /**
     * The UE goes idle. Every AS procedure in flight ends as a failure on every side: a handover to
     * another node is cancelled at its target, which forgets the context it accepted; one that waits is
     * cancelled; the serving node keeps its context ({@link CoreNetworkProcedures#release}); an Xn
     * handover's Path Switch and a UE Context Modification never arrive. NAS procedures go on.
     */
    public void release()
    {
        final InFlight f = inFlight();
        final CoreNetworkProcedures node = serving();
        readServing();
        if (f.handover == Stage.RUNNING && f.handoverKind != HandoverKind.WITHIN_NODE)
        {
            handoverTargetNode(f).delete(ueId);
        }
        require(core.release(node, ueId));
        ue.release();
        releaseRan();
        f.handover = Stage.NONE;
        f.endHandoverWhenStarted = null;
        f.handoverPair.clear();
        f.handoverCommand.clear();
        f.xnHandover = false;
        forgetUeContextModification(f);
    }

    /**
     * Xn (X2 in EPS) handover to the given cell, then the Path Switch; when its acknowledgement carries
     * the NSCI, the target gNB's intra-cell handover to the new key set. The core network is asked
     * first, so a Path Switch it refuses leaves the UE where it was.
     *
     * @param pci   the target cell's PCI.
     * @param arfcn the target cell's ARFCN-DL.
     */
    public void xnHandover(final int pci, final int arfcn)
    {
        final RanNode source = checkXnHandover(pci, arfcn);
        final RanNode target = otherRan();
        require(core.pathSwitch(serving(), ueId, core.pair));
        moveOverXn(source, target, pci, arfcn);
        pathSwitchAcknowledged(target);
        core.wipeCarriers();
    }

    /**
     * The source gNB hands the UE over to the target cell over Xn (X2) with the key chain it holds; the
     * target's Path Switch Request is on its way to the core network, which
     * {@link #endXnHandover} delivers. A gNB hands over only after the reconfiguration of a UE Context
     * Modification completed (TS 33.401 7.2.10 (5)).
     *
     * @param pci   the target cell's PCI.
     * @param arfcn the target cell's ARFCN-DL.
     */
    public void beginXnHandover(final int pci, final int arfcn)
    {
        final RanNode source = checkXnHandover(pci, arfcn);
        moveOverXn(source, otherRan(), pci, arfcn);
        inFlight().xnHandover = true;
        core.wipeCarriers();
    }

    /**
     * The Path Switch Request reaches the core network ({@link ProcedureOutcome#COMPLETE}): its
     * acknowledgement gives the target gNB a fresh {NH, NCC}; with the NSCI, the gNB's intra-cell
     * handover to the new key set follows at once. Otherwise the path switch failed and the UE stays with
     * the keys it has. A Path Switch the core network refuses leaves the handover in flight.
     *
     * @param outcome how it ends.
     */
    public void endXnHandover(final ProcedureOutcome outcome)
    {
        final InFlight f = inFlight();
        if (!f.xnHandover || ran < 0)
        {
            throw new ProcedureNotAllowedException("xn-handover", "no Xn handover is in flight");
        }
        if (outcome == ProcedureOutcome.COMPLETE)
        {
            require(core.pathSwitch(serving(), ueId, core.pair));
            pathSwitchAcknowledged(ranNodes[ran]);
            core.wipeCarriers();
        }
        f.xnHandover = false;
        startedDeferred = null;
        refusedDeferred = null;
    }

    private RanNode checkXnHandover(final int pci, final int arfcn)
    {
        checkCell(pci, arfcn);
        final RanNode source = requireConnected("xn-handover");
        final InFlight f = inFlight();
        if (f.ueContextModification != null)
        {
            throw new ProcedureNotAllowedException("xn-handover", ConcurrencyRule.TS_33_401_7_2_10_5,
                "a UE Context Modification");
        }
        requireNoHandoverInFlight(f, "xn-handover");
        return source;
    }

    private void moveOverXn(final RanNode source, final RanNode target, final int pci, final int arfcn)
    {
        source.prepareHandover(pci, arfcn, core.toTarget);
        core.handoverCommand.clear();
        target.acceptXnHandover(core.toTarget, pci, arfcn, core.handoverCommand);
        ue.handoverCommand(core.handoverCommand);
        switchRan(target);
    }

    /**
     * The target gNB takes the {NH, NCC} of the Path Switch Acknowledge in {@code core.pair}.
     */
    private void pathSwitchAcknowledged(final RanNode target)
    {
        target.pathSwitchAcknowledged(core.pair);
        if (core.pair.newSecurityContext())
        {
            // The NSCI asks the gNB for an intra-cell handover to the new key set (TS 33.501 6.9.2.3.2);
            // doing it at once leaves no window in which a later NAS SMC could move the UE's count.
            core.handoverCommand.clear();
            target.asKeyRefresh(core.handoverCommand);
            ue.handoverCommand(core.handoverCommand);
        }
    }

    /**
     * N2 (S1 in EPS) handover to the given cell. Within the serving node, or to the other AMF, with or
     * without a horizontal KAMF derivation that uses DL NAS COUNT {@code dlCount}.
     *
     * @param pci            the target cell's PCI.
     * @param arfcn          the target cell's ARFCN-DL.
     * @param toOtherAmf     whether the target gNB is served by the other AMF.
     * @param horizontalKamf the source AMF's policy decision (only with {@code toOtherAmf}).
     * @param dlCount        the DL NAS COUNT the source uses, or -1 for its next one.
     */
    public void n2Handover(
        final int pci, final int arfcn, final boolean toOtherAmf, final boolean horizontalKamf, final long dlCount)
    {
        if (horizontalKamf && !toOtherAmf)
        {
            throw new ProcedureNotAllowedException("n2-handover", "a horizontal KAMF derivation needs an AMF change");
        }
        n2Handover(pci, arfcn, toOtherAmf ? (horizontalKamf ? HorizontalKamfPolicy.always() : HorizontalKamfPolicy.never()) : null,
            N2_HANDOVER_TO_OTHER_SET, dlCount);
    }

    /**
     * N2 handover to the given cell: within the serving node when {@code policy} is null, else to the
     * other AMF with the horizontal KAMF decided by the source AMF's {@code policy}.
     *
     * @param pci     the target cell's PCI.
     * @param arfcn   the target cell's ARFCN-DL.
     * @param policy  the source AMF's policy, or null for a handover within the node.
     * @param change  the move, of kind {@link AmfChange.Kind#N2_HANDOVER}.
     * @param dlCount the DL NAS COUNT the source uses, or -1 for its next one.
     * @return the policy's decision, or null for a handover within the node.
     */
    public HorizontalKamfDecision n2Handover(
        final int pci, final int arfcn, final HorizontalKamfPolicy policy, final AmfChange change, final long dlCount)
    {
        final ProcedureStart start = beginN2Handover(pci, arfcn, policy, change, dlCount);
        final HorizontalKamfDecision decision = inFlight().handoverDecision;
        completeWhenStarted(start);
        return decision;
    }

    /**
     * Starts an N2 handover to the given cell: the serving node sends the target gNB its key in the
     * Handover Request, and the handover command waits for {@link #endN2Handover}. Within the serving
     * node when {@code policy} is null, else to the other AMF with the horizontal KAMF decided by the
     * source AMF's {@code policy}, which may make it wait (TS 33.501 6.9.5.1 (3), (4)).
     *
     * @param pci     the target cell's PCI.
     * @param arfcn   the target cell's ARFCN-DL.
     * @param policy  the source AMF's policy, or null for a handover within the node.
     * @param change  the move, of kind {@link AmfChange.Kind#N2_HANDOVER}.
     * @param dlCount the DL NAS COUNT the source uses, or -1 for its next one.
     * @return whether it started or waits.
     */
    public ProcedureStart beginN2Handover(
        final int pci, final int arfcn, final HorizontalKamfPolicy policy, final AmfChange change, final long dlCount)
    {
        final boolean toOtherAmf = policy != null;
        checkCell(pci, arfcn);
        requireConnected("n2-handover");
        final InFlight f = inFlight();
        requireNoHandoverInFlight(f, "n2-handover");
        if (toOtherAmf && inEps)
        {
            throw new ProcedureNotAllowedException("n2-handover", "an AMF change needs a UE in 5GS; this one is in EPS");
        }
        if (toOtherAmf)
        {
            change.requireKind(AmfChange.Kind.N2_HANDOVER);
        }
        final long downlinkBefore = readServing().downlinkNasCount();
        if (dlCount >= 0)
        {
            SecurityContext.requireNasCount("dl-count", dlCount);
            if (dlCount >= SecurityContext.MAX_NAS_COUNT)
            {
                throw new ProcedureNotAllowedException("n2-handover", "dl-count " + dlCount +
                    " would use up the DL NAS COUNT; a new KAMF is needed first");
            }
            if (dlCount < downlinkBefore)
            {
                throw new ProcedureNotAllowedException("n2-handover", "dl-count " + dlCount +
                    " was already used; the next DL NAS COUNT is " + downlinkBefore);
            }
            // Downlink NAS messages the UE missed were sent meanwhile; taken back if the handover is refused.
            serving().downlinkNasCount(ueId, dlCount);
        }
        final ProcedureStart start;
        try
        {
            start = toOtherAmf ? core.amf(servingAmf).handoverToAmf(ueId, policy, change, core.transfer) :
                core.handoverWithinNode(serving(), ueId, core.pair) ? ProcedureStart.STARTED : ProcedureStart.UNKNOWN_UE;
        }
        catch (final ProcedureNotAllowedException | InvalidParameterException ex)
        {
            if (dlCount >= 0)
            {
                core.restoreDownlinkNasCount(serving(), ueId, downlinkBefore);
            }
            throw ex;
        }
        require(start != ProcedureStart.UNKNOWN_UE);
        prepareHandover(f, otherRan(), pci, arfcn, toOtherAmf ? HandoverKind.TO_OTHER_NODE : HandoverKind.WITHIN_NODE);
        if (!toOtherAmf)
        {
            // The node's carrier is the core's scratch one, which a refusal zeroes; the handover's own is kept.
            f.handoverPair.copyFrom(core.pair);
            core.wipeCarriers();
            f.handover = Stage.RUNNING;
            return ProcedureStart.STARTED;
        }
        f.handoverDecision = core.transfer.horizontalKamfDecision();
        if (start == ProcedureStart.STARTED && f.handoverDecision.derive())
        {
            observeCurrent(Direction.DOWNLINK, Math.max(dlCount, downlinkBefore));
        }
        return handoverBegun(f, start);
    }

    /**
     * The target node takes the context its source sent: the target AMF of an inter-AMF handover, the
     * target MME of an S10 Forward Relocation, or the node of the other system.
     */
    private void handoverStarted(final InFlight f, final UeContextTransfer transfer)
    {
        if (f.handoverKind == HandoverKind.TO_OTHER_SYSTEM && inEps)
        {
            core.amf(servingAmf).acceptHandoverFromEps(ueId, transfer, f.handoverPair, f.handoverCommand);
        }
        else if (f.handoverKind == HandoverKind.TO_OTHER_SYSTEM)
        {
            observeCurrent(Direction.DOWNLINK, transfer.derivationCount());
            core.mme(servingMme).acceptHandoverFrom5gs(ueId, transfer, f.handoverPair, f.handoverCommand);
        }
        else if (inEps)
        {
            core.mme(otherMme()).acceptForwardRelocation(ueId, transfer, f.handoverPair);
        }
        else
        {
            core.amf(otherAmf()).acceptHandover(ueId, transfer, f.handoverPair, f.handoverCommand);
        }
        f.handover = Stage.RUNNING;
    }

    /**
     * Completes a handover begun as a whole step, now or, when it waits, once it starts.
     */
    private ProcedureStart completeWhenStarted(final ProcedureStart start)
    {
        if (start == ProcedureStart.DEFERRED)
        {
            inFlight().endHandoverWhenStarted = ProcedureOutcome.COMPLETE;
            return start;
        }
        finishHandover(ProcedureOutcome.COMPLETE);
        return start;
    }

    /**
     * Inter-MME S1 handover to the given E-UTRA cell, served by the other MME; begun and ended at once
     * unless it has to wait (TS 33.401 7.2.10 (6), (7)), when it completes once it starts.
     *
     * @param pci    the target cell's PCI.
     * @param earfcn the target cell's EARFCN-DL.
     * @return whether it ran or waits.
     */
    public ProcedureStart interMmeHandover(final int pci, final int earfcn)
    {
        return completeWhenStarted(beginInterMmeHandover(pci, earfcn));
    }

    /**
     * Starts an inter-MME S1 handover to the given E-UTRA cell: the serving MME sends the other MME the
     * S10 Forward Relocation Request, whose {NH, NCC} goes to the target eNB; {@link #endN2Handover}
     * ends it. It waits for a NAS SMC or a UE Context Modification in flight (TS 33.401 7.2.10 (6),
     * (7)).
     *
     * @param pci    the target cell's PCI.
     * @param earfcn the target cell's EARFCN-DL.
     * @return whether it started or waits.
     */
    public ProcedureStart beginInterMmeHandover(final int pci, final int earfcn)
    {
        Pci.checkEutra("pci", pci);
        Earfcn.check("earfcn", earfcn);
        requireEps("inter-mme-handover");
        requireConnected("inter-mme-handover");
        final InFlight f = inFlight();
        requireNoHandoverInFlight(f, "inter-mme-handover");
        otherMme();
        final RanNode target = otherRan();
        final ProcedureStart start = core.mme(servingMme).forwardRelocation(ueId, core.transfer);
        prepareHandover(f, target, pci, earfcn, HandoverKind.TO_OTHER_NODE);
        return handoverBegun(f, start);
    }

    private static void prepareHandover(
        final InFlight f, final RanNode target, final int pci, final int arfcn, final HandoverKind kind)
    {
        f.handoverTarget = target;
        f.handoverPci = pci;
        f.handoverArfcn = arfcn;
        f.handoverCommand.clear();
        f.handoverDecision = null;
        f.handoverKind = kind;
    }

    /**
     * The source node began a handover to another node: it waits, or the target takes the context.
     */
    private ProcedureStart handoverBegun(final InFlight f, final ProcedureStart start)
    {
        require(start != ProcedureStart.UNKNOWN_UE);
        if (start == ProcedureStart.DEFERRED)
        {
            f.handover = Stage.WAITING;
            f.handoverRule = core.transfer.deferredBy();
        }
        else
        {
            handoverStarted(f, core.transfer);
        }
        core.wipeCarriers();
        return start;
    }

    /**
     * Ends the N2 (S1) handover in flight, within the serving node or to another AMF: on completion the
     * UE gets the handover command and arrives at the target (and the target AMF serves it); otherwise
     * it stays with the source, whose node keeps its context. A handover that still waits is cancelled.
     * An inter-MME or inter-system handover is not ended here: each has its own end.
     *
     * @param outcome how it ends.
     */
    public void endN2Handover(final ProcedureOutcome outcome)
    {
        endHandover(inFlight(PhasedProcedure.N2_HANDOVER) ? PhasedProcedure.N2_HANDOVER : PhasedProcedure.INTER_AMF_HANDOVER,
            "n2-handover", outcome);
    }

    /**
     * Ends the inter-MME S1 handover in flight, as {@link #endN2Handover} does an N2 handover.
     *
     * @param outcome how it ends.
     */
    public void endInterMmeHandover(final ProcedureOutcome outcome)
    {
        endHandover(PhasedProcedure.INTER_MME_HANDOVER, "inter-mme-handover", outcome);
    }

    /**
     * Ends the 5GS to EPS handover in flight, as {@link #endN2Handover} does an N2 handover.
     *
     * @param outcome how it ends.
     */
    public void endHandoverToEps(final ProcedureOutcome outcome)
    {
        endInterSystemHandover(false, "handover-to-eps", outcome);
    }

    /**
     * Ends the EPS to 5GS handover in flight, as {@link #endN2Handover} does an N2 handover.
     *
     * @param outcome how it ends.
     */
    public void endHandoverTo5gs(final ProcedureOutcome outcome)
    {
        endInterSystemHandover(true, "handover-to-5gs", outcome);
    }

    private void endInterSystemHandover(final boolean fromEps, final String procedure, final ProcedureOutcome outcome)
    {
        if (inEps != fromEps)
        {
            throw new ProcedureNotAllowedException(procedure, "no " + procedure + " is in flight");
        }
        endHandover(PhasedProcedure.INTER_SYSTEM_HANDOVER, procedure, outcome);
    }

    /**
     * Ends the handover in flight if it is of the kind given, as {@link #endN2Handover} describes.
     *
     * @param procedure {@link PhasedProcedure#N2_HANDOVER}, {@link PhasedProcedure#INTER_AMF_HANDOVER},
     *                  {@link PhasedProcedure#INTER_MME_HANDOVER} or {@link PhasedProcedure#INTER_SYSTEM_HANDOVER}.
     * @param outcome   how it ends.
     * @throws ProcedureNotAllowedException when no handover of that kind is in flight; nothing changes then.
     */
    public void endHandover(final PhasedProcedure procedure, final ProcedureOutcome outcome)
    {
        requireProcedure(procedure);
        switch (procedure)
        {
            case N2_HANDOVER, INTER_AMF_HANDOVER -> endHandover(procedure, "n2-handover", outcome);
            case INTER_MME_HANDOVER -> endHandover(procedure, "inter-mme-handover", outcome);
            case INTER_SYSTEM_HANDOVER -> endHandover(procedure, inEps ? "handover-to-5gs" : "handover-to-eps", outcome);
            default -> throw new InvalidParameterException("procedure", procedure + " is not a handover",
                "n2-handover, inter-amf-handover, inter-mme-handover or inter-system-handover");
        }
    }

    /**
     * Ends the handover in flight if it is {@code procedure}; nothing ends what it did not begin.
     */
    private void endHandover(final PhasedProcedure procedure, final String name, final ProcedureOutcome outcome)
    {
        if (!inFlight(procedure))
        {
            throw new ProcedureNotAllowedException(name, "no " + name + " is in flight");
        }
        finishHandover(outcome);
    }

    private void finishHandover(final ProcedureOutcome outcome)
    {
        final InFlight f = inFlight();
        startedDeferred = null;
        refusedDeferred = null;
        switch (f.handover)
        {
            case NONE:
                throw new ProcedureNotAllowedException("n2-handover", "no N2 handover is in flight");

            case WAITING:
                f.handover = Stage.NONE;
                f.endHandoverWhenStarted = null;
                serving().cancelDeferred(ueId);
                return;

            default:
                break;
        }
        final CoreNetworkProcedures source = serving();
        if (outcome != ProcedureOutcome.COMPLETE)
        {
            require(source.handoverFailed(ueId));
            if (f.handoverKind != HandoverKind.WITHIN_NODE)
            {
                handoverTargetNode(f).delete(ueId);
            }
            f.handover = Stage.NONE;
            f.handoverPair.clear();
            return;
        }
        // The source node first: it is the one side that may still refuse, and then nothing has moved.
        require(f.handoverKind == HandoverKind.WITHIN_NODE ? core.handoverCompleted(source, ueId) : source.moveCompleted(ueId));
        f.handover = Stage.NONE;
        final RanNode target = f.handoverTarget;
        target.acceptHandover(f.handoverPair, f.handoverPci, f.handoverArfcn, f.handoverCommand);
        ue.handoverCommand(f.handoverCommand);
        switchRan(target);
        if (f.handoverKind == HandoverKind.TO_OTHER_SYSTEM)
        {
            inEps = !inEps;
        }
        else if (f.handoverKind == HandoverKind.TO_OTHER_NODE && inEps)
        {
            servingMme = otherMme();
        }
        else if (f.handoverKind == HandoverKind.TO_OTHER_NODE)
        {
            servingAmf = otherAmf();
        }
        if (f.handoverKind != HandoverKind.WITHIN_NODE)
        {
            // The source node forgot the UE, and a UE Context Modification it had in flight with it.
            forgetUeContextModification(f);
        }
        f.handoverPair.clear();
    }

    private static void forgetUeContextModification(final InFlight f)
    {
        f.ueContextModification = null;
        f.ueContextModificationNode = null;
        f.ueContextModificationPair.clear();
    }

    /**
     * UE Context Modification for AS re-keying with the UL NAS COUNT of the latest NAS SMC Complete.
     */
    public void ueContextModification()
    {
        beginUeContextModification();
        endUeContextModification(ProcedureOutcome.COMPLETE);
    }

    /**
     * The serving node sends the gNB a UE Context Modification Request with a new KgNB from the UL NAS
     * COUNT of the latest NAS SMC Complete; {@link #endUeContextModification} delivers the gNB's
     * intra-cell handover. A gNB that already handed the UE over rejects it (TS 33.401 7.2.10 (5)).
     */
    public void beginUeContextModification()
    {
        final RanNode node = requireConnected("ue-context-modification");
        final InFlight f = inFlight();
        if (f.xnHandover)
        {
            throw new ProcedureNotAllowedException("ue-context-modification", ConcurrencyRule.TS_33_401_7_2_10_5,
                "an Xn handover");
        }
        require(core.ueContextModification(serving(), ueId, core.pair));
        f.ueContextModificationPair.copyFrom(core.pair);
        core.wipeCarriers();
        f.ueContextModification = node;
        f.ueContextModificationNode = serving();
        f.ueContextModificationEpoch = ranEpoch;
    }

    /**
     * Ends the UE Context Modification in flight: on completion the gNB that received it runs its
     * intra-cell handover to the new KgNB, if the UE is still there; otherwise it failed. A procedure it
     * made wait starts now.
     *
     * @param outcome how it ends.
     */
    public void endUeContextModification(final ProcedureOutcome outcome)
    {
        final InFlight f = inFlight();
        final RanNode node = f.ueContextModification;
        if (node == null)
        {
            throw new ProcedureNotAllowedException("ue-context-modification", "no UE Context Modification is in flight");
        }
        final CoreNetworkProcedures sender = f.ueContextModificationNode;
        f.ueContextModification = null;
        f.ueContextModificationNode = null;
        startedDeferred = null;
        refusedDeferred = null;
        if (outcome == ProcedureOutcome.COMPLETE && f.ueContextModificationEpoch == ranEpoch)
        {
            node.ueContextModification(f.ueContextModificationPair, core.handoverCommand);
            ue.handoverCommand(core.handoverCommand);
            sender.ueContextModificationComplete(ueId, f.started);
        }
        else
        {
            sender.ueContextModificationFailed(ueId, f.started);
        }
        f.ueContextModificationPair.clear();
        core.wipeCarriers();
        continueDeferred(f);
    }

    /**
     * The serving node sends a downlink NAS message, which the UE receives.
     *
     * @return its DL NAS COUNT.
     */
    public long downlinkNasMessage()
    {
        requireNotMoving("dl-nas");
        captureRoot();
        final long count = serving().downlinkNasMessage(ueId);
        require(count >= 0);
        ue.receiveDownlink(count);
        report(Direction.DOWNLINK, count);
        return count;
    }

    /**
     * @return the deferred procedure that the last end call started, or null.
     */
    public DeferredProcedure startedDeferred()
    {
        return startedDeferred;
    }

    /**
     * @return the deferred procedure that the last end call released but the UE's state no longer
     *         allowed, so the node refused it (with its reason), or null.
     */
    public DeferredProcedure refusedDeferred()
    {
        return refusedDeferred;
    }

    /**
     * @param procedure a procedure that may run in phases.
     * @return whether it is in flight (or waits) for this UE.
     */
    public boolean inFlight(final PhasedProcedure procedure)
    {
        requireProcedure(procedure);
        if (inFlight == null)
        {
            return false;
        }
        return switch (procedure)
        {
            case NAS_SMC -> inFlight.smcNode != null;
            case N2_HANDOVER -> handoverInFlight(HandoverKind.WITHIN_NODE);
            case INTER_AMF_HANDOVER -> handoverInFlight(HandoverKind.TO_OTHER_NODE) && !inEps;
            case INTER_MME_HANDOVER -> handoverInFlight(HandoverKind.TO_OTHER_NODE) && inEps;
            case INTER_SYSTEM_HANDOVER -> handoverInFlight(HandoverKind.TO_OTHER_SYSTEM);
            case UE_CONTEXT_MODIFICATION -> inFlight.ueContextModification != null;
            case XN_HANDOVER -> inFlight.xnHandover;
            case MOBILITY_REGISTRATION -> inFlight.registration != Stage.NONE;
        };
    }

    private boolean handoverInFlight(final HandoverKind kind)
    {
        return inFlight.handover != Stage.NONE && inFlight.handoverKind == kind;
    }

    /**
     * @param procedure a procedure that may run in phases.
     * @return the rule it waits under, or null when it runs or is not in flight.
     */
    public ConcurrencyRule waitingUnder(final PhasedProcedure procedure)
    {
        if (inFlight == null)
        {
            return null;
        }
        if (procedure == PhasedProcedure.MOBILITY_REGISTRATION && inFlight.registration == Stage.WAITING)
        {
            return inFlight.registrationRule;
        }
        if ((procedure == PhasedProcedure.INTER_AMF_HANDOVER || procedure == PhasedProcedure.INTER_MME_HANDOVER ||
            procedure == PhasedProcedure.INTER_SYSTEM_HANDOVER) && inFlight(procedure) && inFlight.handover == Stage.WAITING)
        {
            return inFlight.handoverRule;
        }
        return null;
    }

    /**
     * Goes on with the procedure an end call started after it waited, as its begin would have.
     */
    private void continueDeferred(final InFlight f)
    {
        final DeferredStart started = f.started;
        switch (started.result())
        {
            case STARTED:
                if (started.procedure() == DeferredProcedure.CONTEXT_TRANSFER && f.registration == Stage.WAITING)
                {
                    observeCurrent(Direction.UPLINK, started.transfer().derivationCount());
                    registrationStarted(f, started.transfer());
                    final ProcedureOutcome end = f.endRegistrationWhenStarted;
                    f.endRegistrationWhenStarted = null;
                    if (end != null)
                    {
                        endMobilityRegistration(end);
                    }
                }
                else if (isHandoverToOtherNode(started.procedure()) && f.handover == Stage.WAITING)
                {
                    handoverStarted(f, started.transfer());
                    final ProcedureOutcome end = f.endHandoverWhenStarted;
                    f.endHandoverWhenStarted = null;
                    if (end != null)
                    {
                        finishHandover(end);
                    }
                }
                startedDeferred = started.procedure();
                break;

            case REFUSED:
                if (started.procedure() == DeferredProcedure.CONTEXT_TRANSFER && f.registration == Stage.WAITING)
                {
                    f.registration = Stage.NONE;
                    f.endRegistrationWhenStarted = null;
                    ue.registrationFailed();
                }
                else if (isHandoverToOtherNode(started.procedure()) && f.handover == Stage.WAITING)
                {
                    f.handover = Stage.NONE;
                    f.endHandoverWhenStarted = null;
                }
                refusedDeferred = started.procedure();
                break;

            default:
                break;
        }
        started.clear();
    }

    private static boolean isHandoverToOtherNode(final DeferredProcedure procedure)
    {
        return procedure != DeferredProcedure.CONTEXT_TRANSFER;
    }

    private static void requireNoHandoverInFlight(final InFlight f, final String procedure)
    {
        if (f.xnHandover || f.handover != Stage.NONE)
        {
            throw new ProcedureNotAllowedException(procedure, "a handover of the UE is already in flight");
        }
    }

    private InFlight inFlight()
    {
        if (inFlight == null)
        {
            inFlight = new InFlight();
        }
        return inFlight;
    }

    /**
     * What the UE's procedures in flight hold between their begin and their end; made on first use.
     */
    private static final class InFlight
    {
        final DeferredStart started = new DeferredStart();
        final NextHopPair handoverPair = new NextHopPair();
        final HandoverCommand handoverCommand = new HandoverCommand();
        final NextHopPair ueContextModificationPair = new NextHopPair();

        CoreNetworkProcedures smcNode;
        long smcComplete;
        long smcDownlink;
        int smcCiphering;
        int smcIntegrity;

        RanNode ueContextModification;
        CoreNetworkProcedures ueContextModificationNode;
        long ueContextModificationEpoch;

        boolean xnHandover;

        Stage handover = Stage.NONE;
        HandoverKind handoverKind = HandoverKind.WITHIN_NODE;
        RanNode handoverTarget;
        int handoverPci;
        int handoverArfcn;
        HorizontalKamfDecision handoverDecision;
        ConcurrencyRule handoverRule;
        ProcedureOutcome endHandoverWhenStarted;

        Stage registration = Stage.NONE;
        HorizontalKamfDecision registrationDecision;
        ConcurrencyRule registrationRule;
        ProcedureOutcome endRegistrationWhenStarted;

        /**
         * Makes this a copy of {@code other}, keys included.
         */
        void copyFrom(final InFlight other)
        {
            started.copyFrom(other.started);
            handoverPair.copyFrom(other.handoverPair);
            handoverCommand.copyFrom(other.handoverCommand);
            ueContextModificationPair.copyFrom(other.ueContextModificationPair);
            smcNode = other.smcNode;
            smcComplete = other.smcComplete;
            smcDownlink = other.smcDownlink;
            smcCiphering = other.smcCiphering;
            smcIntegrity = other.smcIntegrity;
            ueContextModification = other.ueContextModification;
            ueContextModificationNode = other.ueContextModificationNode;
            ueContextModificationEpoch = other.ueContextModificationEpoch;
            xnHandover = other.xnHandover;
            handover = other.handover;
            handoverKind = other.handoverKind;
            handoverTarget = other.handoverTarget;
            handoverPci = other.handoverPci;
            handoverArfcn = other.handoverArfcn;
            handoverDecision = other.handoverDecision;
            handoverRule = other.handoverRule;
            endHandoverWhenStarted = other.endHandoverWhenStarted;
            registration = other.registration;
            registrationDecision = other.registrationDecision;
            registrationRule = other.registrationRule;
            endRegistrationWhenStarted = other.endRegistrationWhenStarted;
        }

        /**
         * Zeroes the keys and forgets every procedure in flight.
         */
        void clear()
        {
            started.clear();
            handoverPair.clear();
            handoverCommand.clear();
            ueContextModificationPair.clear();
            smcNode = null;
            smcComplete = 0;
            smcDownlink = 0;
            smcCiphering = 0;
            smcIntegrity = 0;
            ueContextModification = null;
            ueContextModificationNode = null;
            ueContextModificationEpoch = 0;
            xnHandover = false;
            handover = Stage.NONE;
            handoverKind = HandoverKind.WITHIN_NODE;
            handoverTarget = null;
            handoverPci = 0;
            handoverArfcn = 0;
            handoverDecision = null;
            handoverRule = null;
            endHandoverWhenStarted = null;
            registration = Stage.NONE;
            registrationDecision = null;
            registrationRule = null;
            endRegistrationWhenStarted = null;
        }
    }

    /**
     * @return the UL NAS COUNT of the latest NAS SMC Complete the serving node holds.
     */
    public long smcCompleteUplinkCount()
    {
        return readServing().smcCompleteUplinkCount();
    }

    /**
     * AS key refresh: an intra-cell handover with the usual chaining.
     */
    public void asKeyRefresh()
    {
        final RanNode node = requireConnected("as-key-refresh");
        core.handoverCommand.clear();
        node.asKeyRefresh(core.handoverCommand);
        ue.handoverCommand(core.handoverCommand);
    }

    // ---------------------------------------------------------------------------------------------
    // Interworking
    // ---------------------------------------------------------------------------------------------

    /**
     * 5GS to EPS handover to the given E-UTRA cell; begun and ended at once unless it has to wait
     * (TS 33.501 6.9.5.1 (3)), when it completes once it starts.
     *
     * @param pci    the target cell's PCI.
     * @param earfcn the target cell's EARFCN-DL.
     * @return whether it ran or waits.
     */
    public ProcedureStart handoverToEps(final int pci, final int earfcn)
    {
        return completeWhenStarted(beginHandoverToEps(pci, earfcn));
    }

    /**
     * Starts a 5GS to EPS handover to the given E-UTRA cell: the AMF sends the MME the mapped context,
     * and {@link #endN2Handover} ends it. It waits for a NAS SMC for a new KAMF (TS 33.501
     * 6.9.5.1 (3)).
     *
     * @param pci    the target cell's PCI.
     * @param earfcn the target cell's EARFCN-DL.
     * @return whether it started or waits.
     */
    public ProcedureStart beginHandoverToEps(final int pci, final int earfcn)
    {
        requireFiveG("handover-to-eps");
        Pci.checkEutra("pci", pci);
        Earfcn.check("earfcn", earfcn);
        requireConnected("handover-to-eps");
        return beginHandoverToOtherSystem(ranNodes[2], pci, earfcn, "handover-to-eps");
    }

    /**
     * EPS to 5GS handover to the given NR cell, served by the AMF that served the UE last; begun and
     * ended at once unless it has to wait (TS 33.401 7.2.10 (6)), when it completes once it starts.
     *
     * @param pci   the target cell's PCI.
     * @param arfcn the target cell's ARFCN-DL.
     * @return whether it ran or waits.
     */
    public ProcedureStart handoverTo5gs(final int pci, final int arfcn)
    {
        return completeWhenStarted(beginHandoverTo5gs(pci, arfcn));
    }

    /**
     * Starts an EPS to 5GS handover to the given NR cell: the MME sends the AMF KASME and a fresh
     * {NH, NCC}, and {@link #endN2Handover} ends it. It waits for a NAS SMC (TS 33.401 7.2.10 (6)).
     *
     * @param pci   the target cell's PCI.
     * @param arfcn the target cell's ARFCN-DL.
     * @return whether it started or waits.
     */
    public ProcedureStart beginHandoverTo5gs(final int pci, final int arfcn)
    {
        requireEps("handover-to-5gs");
        Pci.checkNr("pci", pci);
        NrArfcn.check("arfcn", arfcn);
        requireConnected("handover-to-5gs");
        return beginHandoverToOtherSystem(ranNodes[0], pci, arfcn, "handover-to-5gs");
    }

    private ProcedureStart beginHandoverToOtherSystem(
        final RanNode target, final int pci, final int arfcn, final String procedure)
    {
        final InFlight f = inFlight();
        requireNoHandoverInFlight(f, procedure);
        final ProcedureStart start = inEps ? core.mme(servingMme).handoverTo5gs(ueId, core.transfer) :
            core.amf(servingAmf).handoverToEps(ueId, core.transfer);
        prepareHandover(f, target, pci, arfcn, HandoverKind.TO_OTHER_SYSTEM);
        return handoverBegun(f, start);
    }

    /**
     * 5GS to EPS idle-mode mobility with a TAU of UL NAS COUNT {@code ulCount}.
     *
     * @param ulCount the TAU's UL NAS COUNT.
     */
    public void idleModeToEps(final long ulCount)
    {
        requireFiveG("idle-to-eps");
        requireIdle("idle-to-eps");
        requireNotMoving("idle-to-eps");
        requireUplinkUnused(ulCount, "idle-to-eps");
        final AmfProcedures amf = core.amf(servingAmf);
        captureRoot();
        require(amf.idleModeToEps(ueId, ulCount, core.transfer));
        report(Direction.UPLINK, ulCount);
        ue.sendUplink(ulCount);
        ue.idleModeToEps(ulCount);
        releaseRan();
        core.mme(servingMme).acceptIdleModeFrom5gs(ueId, core.transfer);
        amf.moveCompleted(ueId);
        inEps = true;
        core.wipeCarriers();
    }

    /**
     * EPS to 5GS idle-mode mobility with a TAU of UL NAS COUNT {@code ulCount}.
     *
     * @param ulCount the TAU's UL NAS COUNT.
     */
    public void idleModeTo5gs(final long ulCount)
    {
        requireEps("idle-to-5gs");
        requireIdle("idle-to-5gs");
        requireNotMoving("idle-to-5gs");
        requireUplinkUnused(ulCount, "idle-to-5gs");
        captureRoot();
        require(core.mme(servingMme).idleModeTo5gs(ueId, ulCount, core.transfer));
        report(Direction.UPLINK, ulCount);
        ue.sendUplink(ulCount);
        ue.idleModeTo5gs(ulCount);
        releaseRan();
        core.amf(servingAmf).acceptIdleModeFromEps(ueId, core.transfer);
        core.mme(servingMme).moveCompleted(ueId);
        inEps = false;
        core.wipeCarriers();
    }

    // ---------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------

    /**
     * @return whether the UE's root key and NAS keys equal the serving node's, and its KgNB (KeNB) and
     *         NCC the serving RAN node's (or neither side has one).
     */
    public boolean inSync()
    {
        final SecurityContext network = readServing();
        if (network.ngKsi() != ue.ngKsi() || !ue.hasCurrent() || ue.chain() != serving().chain())
        {
            return false;
        }
        network.copyKamf(networkKey, 0);
        boolean equal = Arrays.equals(networkKey, ue.rootKey());
        serving().nasKeys(network, networkEncryption, networkIntegrity);
        ue.nasKeys(ueEncryption, ueIntegrity);
        equal &= Arrays.equals(networkEncryption, ueEncryption) && Arrays.equals(networkIntegrity, ueIntegrity);
        if (ran < 0)
        {
            equal &= !ue.asActive();
        }
        else
        {
            final RanNode node = ranNodes[ran];
            equal &= ue.asActive() && Arrays.equals(node.key(), ue.kgnb()) && node.keyNcc() == ue.ncc() &&
                node.chain() == ue.chain();
        }
        Arrays.fill(networkKey, (byte)0);
        Arrays.fill(networkEncryption, (byte)0);
        Arrays.fill(networkIntegrity, (byte)0);
        Arrays.fill(ueEncryption, (byte)0);
        Arrays.fill(ueIntegrity, (byte)0);
        return equal;
    }

    /**
     * @return the UE identifier.
     */
    public long ueId()
    {
        return ueId;
    }

    /**
     * @return the UE's own state.
     */
    public UeMirror ue()
    {
        return ue;
    }

    /**
     * @return the serving gNB or eNB, or null while the UE is idle.
     */
    public RanNode ran()
    {
        return ran < 0 ? null : ranNodes[ran];
    }

    /**
     * @return the core network node serving the UE.
     */
    public CoreNetworkProcedures serving()
    {
        return inEps ? core.mme(servingMme) : core.amf(servingAmf);
    }

    /**
     * @return "amf-1", "amf-2", "mme-1" or "mme-2".
     */
    public String servingName()
    {
        return inEps ? "mme-" + (servingMme + 1) : "amf-" + (servingAmf + 1);
    }

    /**
     * @return the serving node's context of the UE, in a snapshot reused by the next call.
     */
    public SecurityContext readServing()
    {
        if (!serving().read(ueId, snapshot))
        {
            throw new IllegalStateException(servingName() + " has no context for UE " + ueId);
        }
        return snapshot;
    }

    // ---------------------------------------------------------------------------------------------

    private void observeCurrent(final Direction direction, final long count)
    {
        captureRoot();
        report(direction, count);
    }

    /**
     * Keeps the serving node's current root key for a {@link #report} after a call that may delete it.
     */
    private void captureRoot()
    {
        if (observer != NO_OBSERVER)
        {
            readServing().copyKamf(rootKey, 0);
        }
    }

    private void report(final Direction direction, final long count)
    {
        if (observer != NO_OBSERVER)
        {
            observer.used(rootKey, direction, count);
            Arrays.fill(rootKey, (byte)0);
        }
    }

    private int otherAmf()
    {
        return 1 - servingAmf;
    }

    private int otherMme()
    {
        if (core.mmes() < 2)
        {
            throw new ProcedureNotAllowedException("inter-mme-handover", "this core has one MME");
        }
        return 1 - servingMme;
    }

    /**
     * @return the node the handover in flight moves the UE to.
     */
    private CoreNetworkProcedures handoverTargetNode(final InFlight f)
    {
        if (f.handoverKind == HandoverKind.TO_OTHER_SYSTEM)
        {
            return inEps ? core.amf(servingAmf) : core.mme(servingMme);
        }
        return inEps ? core.mme(otherMme()) : core.amf(otherAmf());
    }

    private RanNode otherRan()
    {
        final int base = inEps ? 2 : 0;
        return ranNodes[ran == base ? base + 1 : base];
    }

    private void switchRan(final RanNode target)
    {
        for (int i = 0; i < ranNodes.length; i++)
        {
            if (ranNodes[i] == target)
            {
                if (ran >= 0 && ran != i)
                {
                    ranNodes[ran].release();
                }
                ran = i;
                ranEpoch++;
                return;
            }
        }
    }

    private void releaseRan()
    {
        if (ran >= 0)
        {
            ranNodes[ran].release();
            ran = -1;
            ranEpoch++;
        }
    }

    private RanNode requireConnected(final String procedure)
    {
        if (ran < 0)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE is idle; it has no AS security context");
        }
        return ranNodes[ran];
    }

    private static void requireProcedure(final PhasedProcedure procedure)
    {
        if (procedure == null)
        {
            throw InvalidParameterException.missing("procedure", "a PhasedProcedure");
        }
    }

    private void requireIdle(final String procedure)
    {
        if (ran >= 0)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE is CONNECTED; idle-mode mobility starts from idle");
        }
    }

    /**
     * A UE registering at another AMF talks NAS with that AMF only: the serving node's NAS procedures
     * and other moves wait until the registration ends.
     */
    private void requireNotMoving(final String procedure)
    {
        if (inFlight != null && inFlight.registration != Stage.NONE)
        {
            throw new ProcedureNotAllowedException(procedure, "a mobility registration to the other AMF is in flight");
        }
    }

    private void requireUplinkUnused(final long ulCount, final String procedure)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        if (ulCount < ue.nextUplinkCount())
        {
            throw new ProcedureNotAllowedException(procedure, "ul-count " + ulCount +
                " was already used; the UE's next UL NAS COUNT is " + ue.nextUplinkCount());
        }
    }

    private void requireFiveG(final String procedure)
    {
        if (inEps)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE is in EPS");
        }
    }

    private void requireEps(final String procedure)
    {
        if (!inEps)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE is in 5GS");
        }
    }

    private void checkCell(final int pci, final int arfcn)
    {
        if (inEps)
        {
            Pci.checkEutra("pci", pci);
            Earfcn.check("arfcn", arfcn);
        }
        else
        {
            Pci.checkNr("pci", pci);
            NrArfcn.check("arfcn", arfcn);
        }
    }

    private static void require(final boolean known)
    {
        if (!known)
        {
            throw new IllegalStateException("the serving node does not know the UE");
        }
    }

    /**
     * Copies the state of the UE and of its RAN nodes into {@code into}, keys included: the UE model
     * ({@link UeMirror#snapshot}), every RAN node ({@link RanNode#snapshot}), which node and which RAN
     * node serve it, and its procedures in flight. The nodes' contexts are the core network's to copy
     * ({@link SimulatedCore#snapshot}); a step is undone by restoring both. What the last end call
     * reports ({@link #startedDeferred()}, {@link #refusedDeferred()}) is no side's state and is not
     * copied.
     *
     * @param into a snapshot, reused from step to step; {@link Snapshot#wipe wipe} it once it is no
     *             longer needed.
     */
    public void snapshot(final Snapshot into)
    {
        ue.snapshot(into.ue);
        for (int i = 0; i < RAN_NODES; i++)
        {
            ranNodes[i].snapshot(into.ranNodes[i]);
        }
        into.inFlight.copyFrom(inFlight());
        into.ranEpoch = ranEpoch;
        into.servingAmf = servingAmf;
        into.servingMme = servingMme;
        into.inEps = inEps;
        into.ran = ran;
        into.ciphering = ciphering;
        into.integrity = integrity;
        into.taken = true;
    }

    /**
     * Puts back the state of the UE and of its RAN nodes that {@link #snapshot} copied from this UE.
     *
     * @param from a snapshot of this UE.
     * @throws IllegalStateException when {@code from} holds no snapshot (never taken, or wiped).
     */
    public void restore(final Snapshot from)
    {
        if (!from.taken)
        {
            throw new IllegalStateException("the simulated UE's snapshot holds nothing to restore");
        }
        ue.restore(from.ue);
        for (int i = 0; i < RAN_NODES; i++)
        {
            ranNodes[i].restore(from.ranNodes[i]);
        }
        inFlight().copyFrom(from.inFlight);
        ranEpoch = from.ranEpoch;
        servingAmf = from.servingAmf;
        servingMme = from.servingMme;
        inEps = from.inEps;
        ran = from.ran;
        ciphering = from.ciphering;
        integrity = from.integrity;
    }

    /**
     * The state of a {@link SimulatedUe} and its RAN nodes at one moment. It holds keys: made once and
     * reused, and {@link #wipe wiped} as soon as it is no longer needed. {@link #toString()} shows no
     * key. Not thread-safe.
     */
    public static final class Snapshot
    {
        private final UeMirror.Snapshot ue = new UeMirror.Snapshot();
        private final RanNode.Snapshot[] ranNodes = new RanNode.Snapshot[RAN_NODES];
        private final InFlight inFlight = new InFlight();
        private boolean taken;
        private long ranEpoch;
        private int servingAmf;
        private int servingMme;
        private boolean inEps;
        private int ran = -1;
        private int ciphering;
        private int integrity;

        /**
         * An empty snapshot.
         */
        public Snapshot()
        {
            for (int i = 0; i < RAN_NODES; i++)
            {
                ranNodes[i] = new RanNode.Snapshot();
            }
        }

        /**
         * Zeroes every key copied and forgets the rest; a wiped snapshot cannot be restored.
         */
        public void wipe()
        {
            ue.wipe();
            for (final RanNode.Snapshot node : ranNodes)
            {
                node.wipe();
            }
            inFlight.clear();
            taken = false;
            ranEpoch = 0;
            servingAmf = 0;
            servingMme = 0;
            inEps = false;
            ran = -1;
            ciphering = 0;
            integrity = 0;
        }

        /**
         * @return whether it holds a snapshot that can be restored.
         */
        public boolean taken()
        {
            return taken;
        }

        public String toString()
        {
            return "SimulatedUe.Snapshot[" + (taken ? (inEps ? "mme-" + (servingMme + 1) : "amf-" + (servingAmf + 1)) +
                ", ran=" + ran + ", " + ue : "empty") + "]";
        }
    }

    /**
     * Zeroes the UE's and the RAN models' keys.
     */
    public void close()
    {
        snapshot.clear();
        ue.close();
        for (final RanNode node : ranNodes)
        {
            node.close();
        }
    }
}

package org.amfkeys.procedures;

import org.amfkeys.context.SecurityContext;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_KAMF_CHANGE_TO_SIGNAL;
import static org.amfkeys.context.SecurityContext.FLAG_SMC_COUNT_UNUSED;
import static org.amfkeys.procedures.AsKeyChain.endHandover;
import static org.amfkeys.procedures.AsKeyChain.endUeContextModification;
import static org.amfkeys.procedures.AsKeyChain.releaseAs;
import static org.amfkeys.procedures.ConcurrencyRules.requireAsActive;
import static org.amfkeys.procedures.ConcurrencyRules.requireCurrent;
import static org.amfkeys.procedures.ConcurrencyRules.requireNoHandover;
import static org.amfkeys.procedures.ConcurrencyRules.requireNotTransferred;
import static org.amfkeys.procedures.ConcurrencyRules.requireUeContextModification;
import static org.amfkeys.procedures.ProcedureFrame.requirePresent;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_HANDOVER_NEW_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_INTER_NODE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_N2_WITH_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_UE_CONTEXT_MODIFICATION;

/**
 * The steps an AMF and an MME share for the AS security context: Initial Context Setup, Path Switch and
 * handovers within the node, AS re-keying by UE Context Modification, and release (TS 33.501 6.9.2,
 * 6.9.4.2; TS 33.401 7.2.8, 7.2.9), each straight-line code on the UE's claimed context: check the
 * rules, derive, write, commit. {@link CoreNetworkProcedures} documents each one; the chain itself is
 * the {@link AsKeyChain}'s.
 */
final class AccessStratumSteps
{
    private final ProcedureFrame frame;
    private final CoreNetworkProcedures node;

    /**
     * @param frame the node's frame: its table, scratch keys and rules.
     * @param node  the node, which starts the procedures a step's end lets go.
     */
    AccessStratumSteps(final ProcedureFrame frame, final CoreNetworkProcedures node)
    {
        this.frame = frame;
        this.node = node;
    }

    /** Runs {@link CoreNetworkProcedures#initialContextSetup(long, long, NextHopPair)}. */
    boolean initialContextSetup(final long ueId, final long ulCount, final NextHopPair kgnb)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        requirePresent("kgnb", kgnb, "a NextHopPair");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            if (checkInitialContextSetup(context, ulCount))
            {
                frame.acceptUplinkCount(context, ulCount, "initial-context-setup");
            }
            frame.asKeys.startChain(context, ulCount, false, kgnb);
            initialContextSetupDone(context);
            return frame.commit();
        }
        finally
        {
            frame.endStep(kgnb);
        }
    }

    /**
     * The rules an Initial Context Setup checks, the UL NAS COUNT's included, before anything is written.
     *
     * @return whether {@code ulCount} is to be accepted as the latest uplink message's (false when it is
     *         the NAS SMC Complete's, accepted already).
     */
    boolean checkInitialContextSetup(final SecurityContext context, final long ulCount)
    {
        requireCurrent(context, "initial-context-setup");
        requireNotTransferred(context, "initial-context-setup");
        if ((context.contextFlags() & FLAG_AS_ACTIVE) != 0)
        {
            throw new ProcedureNotAllowedException("initial-context-setup", "the UE is already CONNECTED");
        }
        frame.rules.refuseDuringSmc(context, "initial-context-setup");
        if ((context.contextFlags() & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0)
        {
            throw new ProcedureNotAllowedException(
                "initial-context-setup", "the NAS SMC that activates KAMF' with K_AMF_change_flag has not completed");
        }
        if (isUnusedSmcCompleteCount(context, ulCount))
        {
            return false;
        }
        frame.requireUplinkCountAcceptable(context, ulCount, "initial-context-setup");
        return true;
    }

    /**
     * The UE is CONNECTED with the chain an Initial Context Setup started.
     */
    static void initialContextSetupDone(final SecurityContext context)
    {
        context.contextFlags((context.contextFlags() | FLAG_AS_ACTIVE) & ~FLAG_SMC_COUNT_UNUSED);
    }

    /** Runs {@link CoreNetworkProcedures#pathSwitch(long, NextHopPair)}. */
    boolean pathSwitch(final long ueId, final NextHopPair pair)
    {
        requirePresent("pair", pair, "a NextHopPair");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            checkPathSwitch(context);
            frame.asKeys.handoverKey(context, "path-switch", true, pair);
            return frame.commit();
        }
        finally
        {
            frame.endStep(pair);
        }
    }

    /** Runs {@link CoreNetworkProcedures#handoverWithinNode(long, NextHopPair)}. */
    boolean handoverWithinNode(final long ueId, final NextHopPair pair)
    {
        requirePresent("pair", pair, "a NextHopPair");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            checkHandoverWithinNode(context);
            frame.asKeys.handoverKey(context, "n2-handover", false, pair);
            handoverWithinNodeStarted(context);
            return frame.commit();
        }
        finally
        {
            frame.endStep(pair);
        }
    }

    /**
     * The rules a Path Switch checks before its {NH, NCC} step; a refusal throws before anything is
     * written.
     */
    void checkPathSwitch(final SecurityContext context)
    {
        requireAsActive(context, "path-switch");
        requireNoHandover(context, "path-switch");
        frame.rules.refuse((context.procedureState() & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0, "path-switch",
            ConcurrencyRule.TS_33_401_7_2_10_5, "a UE Context Modification");
    }

    /**
     * The rules an N2 handover within the node checks before its {NH, NCC} step; a refusal throws
     * before anything is written.
     */
    void checkHandoverWithinNode(final SecurityContext context)
    {
        requireAsActive(context, "n2-handover");
        requireNoHandover(context, "n2-handover");
        frame.rules.refuse((context.procedureState() & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0, "n2-handover",
            ConcurrencyRule.TS_33_401_7_2_10_5, "a UE Context Modification");
        if (frame.chain == AccessStratumChain.NR)
        {
            frame.rules.refuseDuringSmc(context, "n2-handover");
        }
    }

    /**
     * The N2 handover within the node has its {NH, NCC}: it is in flight until completed or failed.
     */
    static void handoverWithinNodeStarted(final SecurityContext context)
    {
        context.procedureState(context.procedureState() | PROCEDURE_HANDOVER | PROCEDURE_N2_WITH_KEY);
    }

    /** Runs {@link CoreNetworkProcedures#handoverCompleted(long)}. */
    boolean handoverCompleted(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            if ((context.procedureState() & PROCEDURE_HANDOVER) == 0)
            {
                throw new ProcedureNotAllowedException("handover-completed", "no handover within the node is in flight");
            }
            if ((context.procedureState() & PROCEDURE_HANDOVER_NEW_KEY) != 0)
            {
                frame.asKeys.restartChain(context, context.smcCompleteUplinkCount());
                context.contextFlags(context.contextFlags() & ~FLAG_SMC_COUNT_UNUSED);
            }
            endHandover(context);
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /** Runs {@link CoreNetworkProcedures#handoverFailed(long)}. */
    boolean handoverFailed(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            handoverFailed(context);
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /** Runs {@link CoreNetworkProcedures#ueContextModification(long, NextHopPair)}. */
    boolean ueContextModification(final long ueId, final NextHopPair kgnb)
    {
        requirePresent("kgnb", kgnb, "a NextHopPair");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireAsActive(context, "ue-context-modification");
            if ((context.procedureState() & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0)
            {
                throw new ProcedureNotAllowedException("ue-context-modification", "a UE Context Modification is already in flight");
            }
            frame.rules.refuse((context.procedureState() & (PROCEDURE_HANDOVER | PROCEDURE_INTER_NODE_HANDOVER)) != 0,
                "ue-context-modification", ConcurrencyRule.TS_33_401_7_2_10_5, "a handover");
            frame.rules.refuseDuringSmc(context, "ue-context-modification");
            if ((context.contextFlags() & FLAG_SMC_COUNT_UNUSED) == 0)
            {
                throw new ProcedureNotAllowedException("ue-context-modification",
                    "no NAS SMC completed since the last AS re-keying, so there is no fresh UL NAS COUNT for a new KgNB");
            }
            frame.asKeys.offerInitialKey(context, context.smcCompleteUplinkCount(), kgnb);
            context.procedureState(context.procedureState() | PROCEDURE_UE_CONTEXT_MODIFICATION | PROCEDURE_N2_WITH_KEY);
            return frame.commit();
        }
        finally
        {
            frame.endStep(kgnb);
        }
    }

    /** Runs {@link CoreNetworkProcedures#ueContextModificationComplete(long, DeferredStart)}. */
    boolean ueContextModificationComplete(final long ueId, final DeferredStart started)
    {
        DeferredStarts.clearStarted(started);
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireUeContextModification(context, "ue-context-modification-complete");
            frame.asKeys.restartChain(context, context.smcCompleteUplinkCount());
            context.contextFlags(context.contextFlags() & ~FLAG_SMC_COUNT_UNUSED);
            endUeContextModification(context);
            frame.deferredStarts.resumeDeferred(context, started, node);
            return frame.commit();
        }
        finally
        {
            frame.endStep(started == null ? null : started.transfer());
        }
    }

    /** Runs {@link CoreNetworkProcedures#ueContextModificationFailed(long, DeferredStart)}. */
    boolean ueContextModificationFailed(final long ueId, final DeferredStart started)
    {
        DeferredStarts.clearStarted(started);
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireUeContextModification(context, "ue-context-modification-failed");
            endUeContextModification(context);
            frame.deferredStarts.resumeDeferred(context, started, node);
            return frame.commit();
        }
        finally
        {
            frame.endStep(started == null ? null : started.transfer());
        }
    }

    /** Runs {@link CoreNetworkProcedures#release(long)}. */
    boolean release(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            release(context);
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /**
     * The check and the change of {@link CoreNetworkProcedures#handoverFailed(long)} on a claimed context:
     * the check comes before the change, so a refusal leaves the context as it was.
     */
    static void handoverFailed(final SecurityContext context)
    {
        if ((context.procedureState() & (PROCEDURE_HANDOVER | PROCEDURE_INTER_NODE_HANDOVER)) == 0)
        {
            throw new ProcedureNotAllowedException("handover-failed", "no handover is in flight");
        }
        endHandover(context);
    }

    /**
     * The change of {@link CoreNetworkProcedures#release(long)} on a claimed context; it refuses nothing.
     */
    static void release(final SecurityContext context)
    {
        final DeferredProcedure waiting = DeferredProcedure.in(context.procedureState());
        if (waiting != null && waiting != DeferredProcedure.CONTEXT_TRANSFER)
        {
            DeferredStarts.cancelDeferred(context);
        }
        releaseAs(context);
    }

    /**
     * @return whether {@code ulCount} is the latest uplink message's and that message the NAS SMC
     *         Complete whose COUNT has keyed no KgNB yet.
     */
    private static boolean isUnusedSmcCompleteCount(final SecurityContext context, final long ulCount)
    {
        return (context.contextFlags() & FLAG_SMC_COUNT_UNUSED) != 0 && ulCount == context.smcCompleteUplinkCount() &&
            ulCount + 1 == context.uplinkNasCount();
    }
}

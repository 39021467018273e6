package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.NgKsi;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_KAMF_CHANGE_TO_SIGNAL;
import static org.amfkeys.context.SecurityContext.FLAG_NEW_KEY_NOT_YET_IN_AS;
import static org.amfkeys.context.SecurityContext.FLAG_OLD_KEY_FOR_AS;
import static org.amfkeys.context.SecurityContext.FLAG_SMC_COUNT_UNUSED;
import static org.amfkeys.context.SecurityContext.MAX_NAS_ALGORITHM;
import static org.amfkeys.procedures.ConcurrencyRules.n2InFlight;
import static org.amfkeys.procedures.ConcurrencyRules.requireCurrent;
import static org.amfkeys.procedures.ConcurrencyRules.requireNoNasSmc;
import static org.amfkeys.procedures.ConcurrencyRules.requireNotTransferred;
import static org.amfkeys.procedures.ProcedureFrame.requirePresent;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_AUTHENTICATION;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_N2_WITH_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC_NEW_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_ON_NON_3GPP_ACCESS;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_UE_CONTEXT_MODIFICATION;

/**
 * The steps an AMF and an MME share for primary authentication's new context, the NAS Security Mode
 * Command and the DL NAS COUNT (TS 33.501 6.7.2, 6.9.5.2; TS 33.401 7.2.4), each straight-line code
 * on the UE's claimed context: check the rules, derive, write, commit. {@link CoreNetworkProcedures}
 * documents each one.
 */
final class NasSecuritySteps
{
    private final ProcedureFrame frame;
    private final CoreNetworkProcedures node;

    /**
     * @param frame the node's frame: its table, scratch keys and rules.
     * @param node  the node, which starts the procedures a step's end lets go.
     */
    NasSecuritySteps(final ProcedureFrame frame, final CoreNetworkProcedures node)
    {
        this.frame = frame;
        this.node = node;
    }

    /** Runs {@link CoreNetworkProcedures#authenticationStarted(long, AccessType)}. */
    boolean authenticationStarted(final long ueId, final AccessType access)
    {
        final boolean nonThreeGppAccess = requirePresent("access", access, "an AccessType") == AccessType.NON_THREE_GPP;
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            frame.rules.requireNoParallelNas(context, "authenticate", nonThreeGppAccess);
            context.procedureState(context.procedureState() | PROCEDURE_AUTHENTICATION |
                (nonThreeGppAccess ? PROCEDURE_ON_NON_3GPP_ACCESS : 0));
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /** Runs {@link CoreNetworkProcedures#authenticationFailed(long)}. */
    boolean authenticationFailed(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            if ((context.procedureState() & PROCEDURE_AUTHENTICATION) == 0)
            {
                throw new ProcedureNotAllowedException("authentication-failed", "no primary authentication is in flight");
            }
            context.procedureState(context.procedureState() & ~(PROCEDURE_AUTHENTICATION | PROCEDURE_ON_NON_3GPP_ACCESS));
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /** Runs {@link CoreNetworkProcedures#authenticated(long, byte[], int, int)}. */
    void authenticated(final long ueId, final byte[] rootKey, final int ngKsi, final int ueSecurityCapabilities)
    {
        frame.ensureOpen();
        SecurityContext.requireKey("kamf", rootKey);
        NgKsi.checkKeySetIdentifier("ngksi", ngKsi);
        try
        {
            // A UE known here gets the new context in place; one that is not is inserted, and if another
            // thread inserts it meanwhile, the loop comes back to change that one in place.
            while (true)
            {
                final SecurityContext context = frame.claim(ueId);
                if (context != null)
                {
                    try
                    {
                        storeAuthenticated(context, rootKey, ngKsi, ueSecurityCapabilities);
                        frame.commit();
                        return;
                    }
                    finally
                    {
                        frame.endStep(null);
                    }
                }
                frame.stage().ngKsi(NgKsi.NO_KEY).nonCurrent(rootKey, ngKsi).ueSecurityCapabilities(ueSecurityCapabilities);
                if (frame.insertStaged(ueId))
                {
                    return;
                }
            }
        }
        finally
        {
            frame.clearStaged();
        }
    }

    /** Runs {@link CoreNetworkProcedures#nasSecurityModeCommand(long, AccessType, int, int, NasSecurityModeCommand)}. */
    boolean nasSecurityModeCommand(
        final long ueId, final AccessType access, final int ciphering, final int integrity,
        final NasSecurityModeCommand command)
    {
        final boolean nonThreeGppAccess = requirePresent("access", access, "an AccessType") == AccessType.NON_THREE_GPP;
        InvalidParameterException.requireInRange("nas-enc", ciphering, 0, MAX_NAS_ALGORITHM);
        InvalidParameterException.requireInRange("nas-int", integrity, 0, MAX_NAS_ALGORITHM);
        requirePresent("command", command, "a NasSecurityModeCommand");
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            startSecurityModeCommand(context, nonThreeGppAccess, ciphering, integrity, command);
            return frame.commit();
        }
        finally
        {
            frame.endStep(command);
        }
    }

    /** Runs {@link CoreNetworkProcedures#nasSecurityModeComplete(long, long, DeferredStart)}. */
    boolean nasSecurityModeComplete(final long ueId, final long ulCount, final DeferredStart started)
    {
        SecurityContext.requireNasCount("ul-count", ulCount);
        DeferredStarts.clearStarted(started);
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            completeSecurityMode(context, ulCount);
            frame.deferredStarts.resumeDeferred(context, started, node);
            return frame.commit();
        }
        finally
        {
            frame.endStep(started == null ? null : started.transfer());
        }
    }

    /** Runs {@link CoreNetworkProcedures#nasSecurityModeFailed(long, DeferredStart)}. */
    boolean nasSecurityModeFailed(final long ueId, final DeferredStart started)
    {
        DeferredStarts.clearStarted(started);
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            if ((context.procedureState() & PROCEDURE_NAS_SMC) == 0)
            {
                throw new ProcedureNotAllowedException("nas-smc-failed", "no NAS Security Mode Command is in flight");
            }
            endNasSmc(context);
            frame.deferredStarts.resumeDeferred(context, started, node);
            return frame.commit();
        }
        finally
        {
            frame.endStep(started == null ? null : started.transfer());
        }
    }

    /** Runs {@link CoreNetworkProcedures#downlinkNasCount(long, long)}. */
    boolean downlinkNasCount(final long ueId, final long dlCount)
    {
        SecurityContext.requireNasCount("dl-count", dlCount);
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            frame.rules.requireNoInterNodeHandover(context, "dl-count");
            if (dlCount < context.downlinkNasCount())
            {
                throw new ProcedureNotAllowedException("dl-count", "DL NAS COUNT " + dlCount +
                    " was already used; the next one is " + context.downlinkNasCount());
            }
            context.downlinkNasCount(dlCount);
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /** Runs {@link CoreNetworkProcedures#downlinkNasMessage(long)}. */
    long downlinkNasMessage(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return -1;
        }
        try
        {
            requireCurrent(context, "dl-nas");
            requireNotTransferred(context, "dl-nas");
            frame.rules.requireNoInterNodeHandover(context, "dl-nas");
            // The UE answered the command with the new context; a message under the old one would be dropped.
            requireNoNasSmc(context, "dl-nas");
            final long dlCount = frame.takeDownlinkCount(context, "dl-nas");
            frame.commit();
            return dlCount;
        }
        finally
        {
            frame.endStep(null);
        }
    }

    private void storeAuthenticated(
        final SecurityContext context, final byte[] rootKey, final int ngKsi, final int ueSecurityCapabilities)
    {
        if ((context.procedureState() & PROCEDURE_AUTHENTICATION) == 0)
        {
            frame.rules.requireNoParallelNas(context, "authenticate", false);
        }
        requireNotTransferred(context, "authenticate");
        if ((context.contextFlags() & FLAG_OLD_KEY_FOR_AS) != 0)
        {
            throw new ProcedureNotAllowedException("authenticate", "the AS still follows the old KASME's NH chain; " +
                "a UE Context Modification must take the new KASME into AS first (TS 33.401 7.2.10 rule 3)");
        }
        if (context.ngKsi() != NgKsi.NO_KEY && context.ngKsi() == ngKsi)
        {
            throw new ProcedureNotAllowedException(
                "authenticate", "ngKSI " + NgKsi.toString(ngKsi) + " is the current context's; a new context needs another");
        }
        context.nonCurrent(rootKey, ngKsi).ueSecurityCapabilities(ueSecurityCapabilities);
        context.contextFlags(context.contextFlags() & ~FLAG_KAMF_CHANGE_TO_SIGNAL);
        context.procedureState(context.procedureState() & ~(PROCEDURE_AUTHENTICATION | PROCEDURE_ON_NON_3GPP_ACCESS));
    }

    private void startSecurityModeCommand(
        final SecurityContext context, final boolean nonThreeGppAccess, final int ciphering, final int integrity,
        final NasSecurityModeCommand command)
    {
        final int state = context.procedureState();
        requireNotTransferred(context, "nas-smc");
        frame.rules.requireNoInterNodeHandover(context, "nas-smc");
        frame.rules.requireNoParallelNas(context, "nas-smc", nonThreeGppAccess);
        if (frame.chain == AccessStratumChain.NR)
        {
            frame.rules.refuse((state & PROCEDURE_N2_WITH_KEY) != 0, "nas-smc", ConcurrencyRule.TS_33_501_6_9_5_1_2, n2InFlight(state));
        }
        else
        {
            frame.rules.refuse((state & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0, "nas-smc", ConcurrencyRule.TS_33_401_7_2_10_2,
                n2InFlight(state));
        }
        final boolean kamfChange = (context.contextFlags() & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0;
        final int ngKsi;
        final long dlCount;
        final KeySchedule root;
        if (hasNewContext(context))
        {
            context.copyNonCurrentKamf(frame.key(), 0);
            frame.kdf.computeSchedule(frame.key(), frame.derivedSchedule());
            root = frame.derivedSchedule();
            ngKsi = context.nonCurrentNgKsi();
            dlCount = 0;
        }
        else if (context.ngKsi() == NgKsi.NO_KEY)
        {
            throw new ProcedureNotAllowedException("nas-smc", "the UE has no security context to activate; authenticate first");
        }
        else
        {
            root = context.kamfSchedule();
            ngKsi = context.ngKsi();
            dlCount = frame.takeDownlinkCount(context, "nas-smc");
        }
        frame.chain.nasKeys(frame.kdf, root, ciphering, integrity, command.nasEncryptionKey(), command.nasIntegrityKey());
        command.set(ngKsi, ciphering, integrity, kamfChange, dlCount);
        context.procedureState(context.procedureState() | PROCEDURE_NAS_SMC |
            (root == frame.derivedSchedule() || kamfChange ? PROCEDURE_NAS_SMC_NEW_KEY : 0) |
            (nonThreeGppAccess ? PROCEDURE_ON_NON_3GPP_ACCESS : 0));
        context.pendingNasAlgorithms(ciphering, integrity);
    }

    private void completeSecurityMode(final SecurityContext context, final long count)
    {
        if ((context.procedureState() & PROCEDURE_NAS_SMC) == 0)
        {
            throw new ProcedureNotAllowedException("nas-smc-complete", "no NAS Security Mode Command is in flight");
        }
        final int flags = context.contextFlags();
        final boolean activatesNonCurrent = hasNewContext(context);
        final boolean newKey = activatesNonCurrent || (flags & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0;
        if (activatesNonCurrent)
        {
            context.swapCurrentAndNonCurrent(frame.kdf);
            if (frame.chain == AccessStratumChain.E_UTRA && (flags & FLAG_AS_ACTIVE) != 0)
            {
                // TS 33.401 7.2.10 rule 3: handovers keep deriving from the old KASME until the UE
                // Context Modification, so the old KASME stays as the non-current context.
                context.contextFlags(context.contextFlags() | FLAG_OLD_KEY_FOR_AS);
            }
            else
            {
                context.dropNonCurrent();
            }
            context.downlinkNasCount(1);
            context.uplinkNasCount(0);
        }
        frame.acceptUplinkCount(context, count, "nas-smc-complete");
        final int algorithms = context.pendingNasAlgorithms();
        context.nasAlgorithms(algorithms >>> 4, algorithms & 0xF);
        context.smcCompleteUplinkCount(count);
        int newFlags = (context.contextFlags() & ~FLAG_KAMF_CHANGE_TO_SIGNAL) | FLAG_SMC_COUNT_UNUSED;
        if (newKey && (newFlags & FLAG_AS_ACTIVE) != 0)
        {
            newFlags |= FLAG_NEW_KEY_NOT_YET_IN_AS;
        }
        context.contextFlags(newFlags);
        endNasSmc(context);
    }

    private void endNasSmc(final SecurityContext context)
    {
        context.procedureState(context.procedureState() &
            ~(PROCEDURE_NAS_SMC | PROCEDURE_NAS_SMC_NEW_KEY | PROCEDURE_ON_NON_3GPP_ACCESS));
        context.clearPendingNasAlgorithms();
    }

    /**
     * @return whether the non-current context is a new one waiting for its NAS SMC, not an old KASME
     *         kept for the AS.
     */
    private static boolean hasNewContext(final SecurityContext context)
    {
        return context.hasNonCurrent() && (context.contextFlags() & FLAG_OLD_KEY_FOR_AS) == 0;
    }
}

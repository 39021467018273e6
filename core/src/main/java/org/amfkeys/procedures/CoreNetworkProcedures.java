package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.AccessType;

import static org.amfkeys.procedures.ProcedureFrame.requirePresent;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_CONTEXT_TRANSFER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_INTER_NODE_HANDOVER;

/**
 * The key lifecycle procedures an AMF and an MME share, run on the UE contexts of a
 * {@link ContextTable}: primary authentication's new context, the NAS Security Mode Command, Initial
 * Context Setup, the NH/NCC chain of Path Switch and handovers within the node, and AS re-keying by UE
 * Context Modification (TS 33.501 6.9.2, 6.9.4; TS 33.401 7.2.8, 7.2.9).
 * <p>
 * Each call returns exactly what the node must send, in a caller-owned carrier, and changes the UE's
 * context in place under its slot's lock, so calls for one UE from several threads never interleave
 * inside a procedure. A call that the UE's state does not allow throws
 * {@link ProcedureNotAllowedException} and changes nothing; an unknown UE gives {@code false}.
 * <p>
 * Procedures that take a round trip have a begin and an end call (NAS SMC, primary authentication, UE
 * Context Modification, handovers, context transfer), and the context's procedure state records what
 * is in flight, so several procedures can overlap for one UE. The {@link ConcurrencyRule}s decide what
 * may overlap: a call a rule forbids is refused naming the rule and what blocks it, and a call a rule
 * makes wait is recorded as deferred and started by the call that ends the blocking procedure.
 * <p>
 * The steps an AMF and an MME share are components each node is composed of, not inherited code: the
 * {@link NasSecuritySteps} and the {@link AccessStratumSteps}, both running in the node's
 * {@link ProcedureFrame} (its table and cursor, KDF, scratch keys, rules and AS key chain), as do the
 * node's own steps. This class is their public face and documents each call.
 * <p>
 * An instance holds scratch memory and a {@link ContextCursor}: give each thread its own, over the same
 * table. After warm-up no call allocates.
 * <p>
 * Only documented exceptions reach a caller: {@link InvalidParameterException} for a bad or missing
 * argument (carriers included), {@link ProcedureNotAllowedException} for a refused procedure, and
 * {@link IllegalStateException} once {@link #close() closed}: every method but {@link #close()} (which
 * may be called again) and {@code toString} refuses then. The check is a field compare where every
 * call passes: its context step, its staging, or its own first line.
 */
public abstract class CoreNetworkProcedures implements AutoCloseable
{
    /** What every step of this node runs in. */
    final ProcedureFrame frame;

    private final NasSecuritySteps nasSecurity;
    /** The AS steps, which a {@link NextHopBatch} also runs in batches. */
    final AccessStratumSteps accessStratum;

    /**
     * @param table the node's UE contexts.
     * @param chain the system of the contexts: {@link AccessStratumChain#NR} for an AMF,
     *              {@link AccessStratumChain#E_UTRA} for an MME.
     * @param kdf   derives keys; owned by this instance from now on.
     */
    CoreNetworkProcedures(final ContextTable table, final AccessStratumChain chain, final Kdf kdf)
    {
        this.frame = new ProcedureFrame(table, chain, kdf, getClass().getSimpleName());
        this.nasSecurity = new NasSecuritySteps(frame, this);
        this.accessStratum = new AccessStratumSteps(frame, this);
    }

    /**
     * @return the node's context table.
     */
    public ContextTable table()
    {
        frame.ensureOpen();
        return frame.table;
    }

    /**
     * @return the system of the node's contexts.
     */
    public AccessStratumChain chain()
    {
        frame.ensureOpen();
        return frame.chain;
    }

    /**
     * Stops enforcing a concurrency rule, for experiments and for tests that show the race the rule
     * prevents. A production node enforces every rule.
     *
     * @param rule the rule to ignore from now on.
     * @return this.
     */
    public CoreNetworkProcedures withoutRule(final ConcurrencyRule rule)
    {
        frame.ensureOpen();
        frame.rules.ignore(requirePresent("rule", rule, "a ConcurrencyRule"));
        return this;
    }

    /**
     * @param rule a concurrency rule.
     * @return whether this instance enforces it (every rule unless {@link #withoutRule} said otherwise).
     */
    public boolean enforces(final ConcurrencyRule rule)
    {
        frame.ensureOpen();
        return frame.rules.enforces(rule);
    }

    // ---------------------------------------------------------------------------------------------
    // Primary authentication and NAS Security Mode Command
    // ---------------------------------------------------------------------------------------------

    /**
     * A primary authentication starts on the given access's NAS connection; {@link #authenticated} or
     * {@link #authenticationFailed} ends it. No NAS SMC or other authentication may start meanwhile
     * (TS 33.501 6.9.5.2 (1)).
     *
     * @param ueId   the UE identifier.
     * @param access the NAS connection it runs on.
     * @return false when the UE is unknown.
     */
    public boolean authenticationStarted(final long ueId, final AccessType access)
    {
        return nasSecurity.authenticationStarted(ueId, access);
    }

    /**
     * The primary authentication in flight failed or timed out; nothing else changes.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean authenticationFailed(final long ueId)
    {
        return nasSecurity.authenticationFailed(ueId);
    }

    /**
     * Stores the new partial native context of a successful primary authentication (KAMF from KSEAF, or
     * KASME), as the non-current context until a NAS SMC activates it. A UE not yet known is added.
     *
     * @param ueId                   the UE identifier.
     * @param rootKey                KAMF (KASME for an MME), 32 octets.
     * @param ngKsi                  its ngKSI (eKSI), native, 0..6.
     * @param ueSecurityCapabilities the UE security capabilities.
     * @throws ContextTableFullException when the UE is new and the table is full.
     */
    public void authenticated(final long ueId, final byte[] rootKey, final int ngKsi, final int ueSecurityCapabilities)
    {
        nasSecurity.authenticated(ueId, rootKey, ngKsi, ueSecurityCapabilities);
    }

    /**
     * Starts a NAS Security Mode Command. It activates the non-current context when there is one (a new
     * native context after authentication, or a KAMF' of a NAS key refresh), the KAMF' of a context
     * transfer when one awaits its K_AMF_change_flag, or else only changes the algorithms of the current
     * context. A new key starts from NAS COUNT 0.
     *
     * @param ueId      the UE identifier.
     * @param ciphering NAS ciphering algorithm, 0..15.
     * @param integrity NAS integrity algorithm, 0..15.
     * @param command   receives the command's content and the NAS keys that protect it.
     * @return false when the UE is unknown.
     */
    public boolean nasSecurityModeCommand(
        final long ueId, final int ciphering, final int integrity, final NasSecurityModeCommand command)
    {
        return nasSecurityModeCommand(ueId, AccessType.THREE_GPP, ciphering, integrity, command);
    }

    /**
     * Starts a NAS Security Mode Command on the given access's NAS connection, as
     * {@link #nasSecurityModeCommand(long, int, int, NasSecurityModeCommand)} describes. It is refused
     * while a primary authentication or NAS SMC runs on the other access (TS 33.501 6.9.5.2 (1)), while
     * an N2 procedure with a new key is in flight (6.9.5.1 (2); TS 33.401 7.2.10 (2)), and once an
     * inter-AMF or inter-system handover started (6.9.5.1 (5)).
     *
     * @param ueId      the UE identifier.
     * @param access    the NAS connection it runs on.
     * @param ciphering NAS ciphering algorithm, 0..15.
     * @param integrity NAS integrity algorithm, 0..15.
     * @param command   receives the command's content and the NAS keys that protect it.
     * @return false when the UE is unknown.
     */
    public boolean nasSecurityModeCommand(
        final long ueId, final AccessType access, final int ciphering, final int integrity,
        final NasSecurityModeCommand command)
    {
        return nasSecurity.nasSecurityModeCommand(ueId, access, ciphering, integrity, command);
    }

    /**
     * Completes the NAS SMC in flight on the UE's Security Mode Complete: the activated context becomes
     * the current one with the selected algorithms. If the UE is CONNECTED and the KAMF changed, AS keys
     * still descend from the old KAMF until a UE Context Modification, or the next Path Switch or
     * handover carries a new KgNB.
     *
     * @param ueId    the UE identifier.
     * @param ulCount the Security Mode Complete's UL NAS COUNT, 0..2^24-1.
     * @return false when the UE is unknown.
     */
    public boolean nasSecurityModeComplete(final long ueId, final long ulCount)
    {
        return nasSecurityModeComplete(ueId, ulCount, null);
    }

    /**
     * Completes the NAS SMC in flight, as {@link #nasSecurityModeComplete(long, long)} describes, and
     * starts the procedure it made wait, if any (a context transfer, an inter-AMF or inter-system
     * handover), with the new context.
     *
     * @param ueId    the UE identifier.
     * @param ulCount the Security Mode Complete's UL NAS COUNT, 0..2^24-1.
     * @param started receives what became of a deferred procedure; null leaves it recorded for
     *                {@link #startDeferred}.
     * @return false when the UE is unknown.
     */
    public boolean nasSecurityModeComplete(final long ueId, final long ulCount, final DeferredStart started)
    {
        return nasSecurity.nasSecurityModeComplete(ueId, ulCount, started);
    }

    /**
     * Ends the NAS SMC in flight without activating anything (Security Mode Reject, or the AMF's timer
     * expired). A new context from authentication stays non-current for a later SMC.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean nasSecurityModeFailed(final long ueId)
    {
        return nasSecurityModeFailed(ueId, null);
    }

    /**
     * Ends the NAS SMC in flight without activating anything, as {@link #nasSecurityModeFailed(long)}
     * describes, and starts the procedure it made wait, if any.
     *
     * @param ueId    the UE identifier.
     * @param started receives what became of a deferred procedure; null leaves it recorded.
     * @return false when the UE is unknown.
     */
    public boolean nasSecurityModeFailed(final long ueId, final DeferredStart started)
    {
        return nasSecurity.nasSecurityModeFailed(ueId, started);
    }

    // ---------------------------------------------------------------------------------------------
    // AS security: Initial Context Setup, handovers within the node, re-keying, release
    // ---------------------------------------------------------------------------------------------

    /**
     * Initial Context Setup: the initial KgNB (KeNB) from the UL NAS COUNT of the uplink NAS message
     * that led to it, bound to NCC 0: a new one (Service Request, Registration Request) that the AMF
     * accepts here, or the latest NAS SMC Complete if its COUNT has keyed no KgNB yet. Either way no
     * two AS security contexts share a KgNB. The NH of NCC 1 is derived and kept back; the next Path Switch or
     * handover hands out a fresh one (TS 33.501 6.9.2.1.1). An AS re-keying afterwards needs a new NAS
     * SMC, as that COUNT may be the latest SMC Complete's.
     *
     * @param ueId    the UE identifier.
     * @param ulCount UL NAS COUNT of that uplink NAS message, 0..2^24-1.
     * @param kgnb    receives {KgNB, NCC 0} for the gNB (eNB).
     * @return false when the UE is unknown.
     */
    public boolean initialContextSetup(final long ueId, final long ulCount, final NextHopPair kgnb)
    {
        return accessStratum.initialContextSetup(ueId, ulCount, kgnb);
    }

    /**
     * A Path Switch Request (Xn or X2 handover), or an N2 (S1) handover within this node: NCC + 1 and a
     * fresh NH from the current KAMF (KASME). If a new KAMF was activated but not yet used for AS, the
     * pair is instead {a new initial KgNB from the UL NAS COUNT of the latest SMC Complete, NCC 0} with
     * the NSCI (TS 33.501 6.9.2.3.2, 6.9.2.3.3). An MME instead keeps stepping the old KASME's chain
     * until the UE Context Modification (TS 33.401 7.2.10 rule 3).
     *
     * @param ueId the UE identifier.
     * @param pair receives the pair for the target gNB (eNB).
     * @return false when the UE is unknown.
     */
    public boolean pathSwitch(final long ueId, final NextHopPair pair)
    {
        return accessStratum.pathSwitch(ueId, pair);
    }

    /**
     * Starts an N2 (S1) handover whose target gNB (eNB) this node also serves: the Handover Request
     * carries the same {NH, NCC} step as {@link #pathSwitch}. A new KgNB with the NSCI is taken into use
     * here only when {@link #handoverCompleted} reports the UE arrived; {@link #handoverFailed} keeps
     * the old chain. An AMF does not start it during a NAS SMC (TS 33.501 6.9.5.1 (1)).
     *
     * @param ueId the UE identifier.
     * @param pair receives the pair for the target gNB (eNB).
     * @return false when the UE is unknown.
     */
    public boolean handoverWithinNode(final long ueId, final NextHopPair pair)
    {
        return accessStratum.handoverWithinNode(ueId, pair);
    }

    /**
     * The UE arrived at the target of the handover within this node (Handover Notify).
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean handoverCompleted(final long ueId)
    {
        return accessStratum.handoverCompleted(ueId);
    }

    /**
     * The handover in flight from this node failed or was cancelled: the UE stays with its source, and
     * the node keeps its context (the {NH, NCC} already handed out stays used up).
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean handoverFailed(final long ueId)
    {
        return accessStratum.handoverFailed(ueId);
    }

    /**
     * Starts a UE Context Modification for AS re-keying: a new KgNB (KeNB) from the UL NAS COUNT of the
     * latest NAS SMC Complete, with NCC 0, for the gNB (TS 33.501 6.9.4.2). Needs a NAS SMC completed
     * since the last re-keying, so no KgNB repeats. When {@link #ueContextModificationComplete} reports
     * success, every older NH is dropped and NH of NCC 1 restarts the chain; on
     * {@link #ueContextModificationFailed} the old chain stays. It is refused during a NAS SMC
     * (TS 33.501 6.9.5.1 (1); TS 33.401 7.2.10 (1)) and during a handover (7.2.10 (5)).
     *
     * @param ueId the UE identifier.
     * @param kgnb receives {KgNB, NCC 0} for the gNB.
     * @return false when the UE is unknown.
     */
    public boolean ueContextModification(final long ueId, final NextHopPair kgnb)
    {
        return accessStratum.ueContextModification(ueId, kgnb);
    }

    /**
     * The gNB (eNB) took the new KgNB (KeNB) of the UE Context Modification in flight into use: NH of
     * NCC 1 restarts the chain from it.
     *
     * @param ueId    the UE identifier.
     * @param started receives what became of a procedure the modification made wait (an inter-AMF
     *                handover that keeps KAMF, TS 33.501 6.9.5.1 (4)); null leaves it recorded.
     * @return false when the UE is unknown.
     */
    public boolean ueContextModificationComplete(final long ueId, final DeferredStart started)
    {
        return accessStratum.ueContextModificationComplete(ueId, started);
    }

    /**
     * The UE Context Modification in flight failed: the AS keeps its keys and the node its chain.
     *
     * @param ueId    the UE identifier.
     * @param started receives what became of a procedure the modification made wait; null leaves it
     *                recorded.
     * @return false when the UE is unknown.
     */
    public boolean ueContextModificationFailed(final long ueId, final DeferredStart started)
    {
        return accessStratum.ueContextModificationFailed(ueId, started);
    }

    /**
     * Moves the DL NAS COUNT of the next downlink NAS message forward to {@code dlCount}, as when
     * downlink messages the key procedures do not see were sent meanwhile. It never moves back.
     *
     * @param ueId    the UE identifier.
     * @param dlCount the COUNT the next downlink NAS message uses, 0..2^24-1.
     * @return false when the UE is unknown.
     */
    public boolean downlinkNasCount(final long ueId, final long dlCount)
    {
        return nasSecurity.downlinkNasCount(ueId, dlCount);
    }

    /**
     * Sends a downlink NAS message: takes the next DL NAS COUNT. Refused once an inter-AMF or
     * inter-system handover started, until it failed (TS 33.501 6.9.5.1 (5)), and while a NAS SMC is
     * in flight, whose command the UE may already have taken into use.
     *
     * @param ueId the UE identifier.
     * @return the DL NAS COUNT the message uses, or -1 when the UE is unknown.
     */
    public long downlinkNasMessage(final long ueId)
    {
        return nasSecurity.downlinkNasMessage(ueId);
    }

    /**
     * The UE went to idle: its AS security context and NH chain are gone. A handover, Path Switch or UE
     * Context Modification in flight ends as if it had failed ({@link #handoverFailed},
     * {@link #ueContextModificationFailed}): the UE stays here with the context kept here, and the
     * caller cancels it at the target node (which {@link #delete}s what it accepted). A handover that
     * waits to start is cancelled, as only a CONNECTED UE is handed over; a context transfer that waits
     * is not, as a mobility registration starts from idle.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean release(final long ueId)
    {
        return accessStratum.release(ueId);
    }

    /**
     * Deletes the UE's context; its key bytes are zeroed.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean delete(final long ueId)
    {
        frame.ensureOpen();
        return frame.table.delete(ueId);
    }

    /**
     * Copies the UE's context, for inspection.
     *
     * @param ueId     the UE identifier.
     * @param snapshot receives the context.
     * @return false when the UE is unknown.
     */
    public boolean read(final long ueId, final SecurityContext snapshot)
    {
        frame.ensureOpen();
        return frame.table.read(ueId, requirePresent("snapshot", snapshot, "a SecurityContext"));
    }

    /**
     * The NAS keys of a context with its selected algorithms.
     *
     * @param context    a context, such as a {@link #read} snapshot.
     * @param encryption receives KNASenc, 16 octets.
     * @param integrity  receives KNASint, 16 octets.
     */
    public void nasKeys(final SecurityContext context, final byte[] encryption, final byte[] integrity)
    {
        frame.ensureOpen();
        requirePresent("context", context, "a SecurityContext");
        requireNasKeyRoom("nas-enc-key", encryption);
        requireNasKeyRoom("nas-int-key", integrity);
        frame.chain.nasKeys(frame.kdf, context.kamfSchedule(), context.nasCipheringAlgorithm(), context.nasIntegrityAlgorithm(),
            encryption, integrity);
    }

    /**
     * The UE's move to another node completed (a mobility registration or a handover to another AMF or
     * MME, or to the other system): its context here is deleted and its key bytes zeroed.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean moveCompleted(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            if ((context.procedureState() & (PROCEDURE_INTER_NODE_HANDOVER | PROCEDURE_CONTEXT_TRANSFER)) == 0)
            {
                throw new ProcedureNotAllowedException("move-completed",
                    "no handover to another node and no context transfer is in flight; the UE's context stays here");
            }
            return frame.commitDelete();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /**
     * Source node: the UE's registration (or tracking area update) at the node it moved to in idle
     * mode failed; the UE keeps being served with the context kept here, and may come back with it.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean registrationFailed(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            if ((context.procedureState() & PROCEDURE_CONTEXT_TRANSFER) == 0)
            {
                throw new ProcedureNotAllowedException("registration-failed", "no context transfer is pending");
            }
            context.procedureState(context.procedureState() & ~PROCEDURE_CONTEXT_TRANSFER);
            return frame.commit();
        }
        finally
        {
            frame.endStep(null);
        }
    }

    /**
     * Starts a procedure recorded as deferred if nothing blocks it any more; the calls that end a NAS
     * SMC or a UE Context Modification do this themselves when given a {@link DeferredStart}.
     *
     * @param ueId    the UE identifier.
     * @param started receives what became of it.
     * @return false when the UE is unknown.
     */
    public boolean startDeferred(final long ueId, final DeferredStart started)
    {
        frame.ensureOpen();
        requirePresent("started", started, "a DeferredStart").clear();
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            frame.deferredStarts.resumeDeferred(context, started, this);
            return frame.commit();
        }
        finally
        {
            frame.endStep(started.transfer());
        }
    }

    /**
     * Runs a deferred procedure of this node's kind on the claimed context, as its call would have, with
     * the parameters recorded when it was deferred; it may defer again.
     *
     * @return {@link ProcedureStart#STARTED} or {@link ProcedureStart#DEFERRED}.
     */
    ProcedureStart startDeferred(
        final SecurityContext context, final DeferredProcedure procedure, final HorizontalKamfDecision decision,
        final long ulCount, final UeContextTransfer transfer)
    {
        throw new ProcedureNotAllowedException(procedure.token(), "this node has no such procedure");
    }

    /**
     * Cancels the procedure deferred for the UE, if any; nothing else changes.
     *
     * @param ueId the UE identifier.
     * @return the cancelled procedure, or null when none waited or the UE is unknown.
     */
    public DeferredProcedure cancelDeferred(final long ueId)
    {
        final SecurityContext context = frame.claim(ueId);
        if (context == null)
        {
            return null;
        }
        try
        {
            final DeferredProcedure cancelled = DeferredStarts.cancelDeferred(context);
            frame.commit();
            return cancelled;
        }
        finally
        {
            frame.endStep(null);
        }
    }

    private static void requireNasKeyRoom(final String parameter, final byte[] out)
    {
        if (out == null)
        {
            throw InvalidParameterException.missing(parameter, AccessStratumChain.NAS_KEY_LENGTH + " octets");
        }
        if (out.length < AccessStratumChain.NAS_KEY_LENGTH)
        {
            throw InvalidParameterException.badLength(parameter, out.length, "at least " + AccessStratumChain.NAS_KEY_LENGTH + " octets");
        }
    }

    /**
     * Zeroes the scratch memory and the cursor's, and closes the KDF. The instance refuses every call
     * afterwards; closing it again does nothing.
     */
    public void close()
    {
        frame.close();
    }
}

package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_EPS;
import static org.amfkeys.context.SecurityContext.FLAG_KAMF_CHANGE_TO_SIGNAL;
import static org.amfkeys.context.SecurityContext.FLAG_NEW_KEY_NOT_YET_IN_AS;
import static org.amfkeys.context.SecurityContext.FLAG_OLD_KEY_FOR_AS;
import static org.amfkeys.context.SecurityContext.FLAG_SMC_COUNT_UNUSED;
import static org.amfkeys.context.SecurityContext.MAX_NAS_ALGORITHM;
import static org.amfkeys.procedures.AsKeyChain.endHandover;
import static org.amfkeys.procedures.AsKeyChain.endUeContextModification;
import static org.amfkeys.procedures.AsKeyChain.releaseAs;
import static org.amfkeys.procedures.ConcurrencyRules.n2InFlight;
import static org.amfkeys.procedures.ConcurrencyRules.requireAsActive;
import static org.amfkeys.procedures.ConcurrencyRules.requireCurrent;
import static org.amfkeys.procedures.ConcurrencyRules.requireNoHandover;
import static org.amfkeys.procedures.ConcurrencyRules.requireNoNasSmc;
import static org.amfkeys.procedures.ConcurrencyRules.requireNotTransferred;
import static org.amfkeys.procedures.ConcurrencyRules.requireUeContextModification;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_AUTHENTICATION;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_CONTEXT_TRANSFER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_HANDOVER_NEW_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_INTER_NODE_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_N2_WITH_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC_NEW_KEY;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_ON_NON_3GPP_ACCESS;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_UE_CONTEXT_MODIFICATION;

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

    protected final ContextTable table;
    protected final AccessStratumChain chain;
    protected final Kdf kdf;
    protected final ContextCursor cursor;

    /** Scratch keys, zeroed after each procedure. */
    protected final byte[] key = new byte[Kdf.KEY_LENGTH];
    protected final byte[] nextKey = new byte[Kdf.KEY_LENGTH];
    protected final byte[] thirdKey = new byte[Kdf.KEY_LENGTH];
    protected final KeySchedule derivedSchedule = new KeySchedule();

    private final ContextWriter contexts;

    /** The concurrency rules this node enforces. */
    protected final ConcurrencyRules rules;

    /** The UE's AS key chain: initial keys, NH steps, release. */
    protected final AsKeyChain asKeys;

    private final DeferredStarts deferredStarts = new DeferredStarts();
    private boolean closed;

    /**
     * @param table the node's UE contexts.
     * @param chain the system of the contexts: {@link AccessStratumChain#NR} for an AMF,
     *              {@link AccessStratumChain#E_UTRA} for an MME.
     * @param kdf   derives keys; owned by this instance from now on.
     */
    protected CoreNetworkProcedures(final ContextTable table, final AccessStratumChain chain, final Kdf kdf)
    {
        this.table = requirePresent("table", table, "a ContextTable");
        this.chain = requirePresent("chain", chain, "an AccessStratumChain");
        this.cursor = new ContextCursor(kdf);
        this.kdf = kdf;
        this.contexts = new ContextWriter(table, cursor);
        this.rules = new ConcurrencyRules(chain);
        this.asKeys = new AsKeyChain(chain, kdf, rules);
    }

    /**
     * @return the node's context table.
     */
    public ContextTable table()
    {
        ensureOpen();
        return table;
    }

    /**
     * @return the system of the node's contexts.
     */
    public AccessStratumChain chain()
    {
        ensureOpen();
        return chain;
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
        ensureOpen();
        rules.ignore(requirePresent("rule", rule, "a ConcurrencyRule"));
        return this;
    }

    /**
     * @param rule a concurrency rule.
     * @return whether this instance enforces it (every rule unless {@link #withoutRule} said otherwise).
     */
    public boolean enforces(final ConcurrencyRule rule)
    {
        ensureOpen();
        return rules.enforces(rule);
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
        final boolean nonThreeGppAccess = requirePresent("access", access, "an AccessType") == AccessType.NON_THREE_GPP;
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            rules.requireNoParallelNas(context, "authenticate", nonThreeGppAccess);
            context.procedureState(context.procedureState() | PROCEDURE_AUTHENTICATION |
                (nonThreeGppAccess ? PROCEDURE_ON_NON_3GPP_ACCESS : 0));
            return contexts.commit();
        }
        finally
        {
            endStep(null);
        }
    }

    /**
     * The primary authentication in flight failed or timed out; nothing else changes.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean authenticationFailed(final long ueId)
    {
        final SecurityContext context = claim(ueId);
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
            return contexts.commit();
        }
        finally
        {
            endStep(null);
        }
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
        ensureOpen();
        SecurityContext.requireKey("kamf", rootKey);
        NgKsi.checkKeySetIdentifier("ngksi", ngKsi);
        try
        {
            // A UE known here gets the new context in place; one that is not is inserted, and if another
            // thread inserts it meanwhile, the loop comes back to change that one in place.
            while (true)
            {
                final SecurityContext context = claim(ueId);
                if (context != null)
                {
                    try
                    {
                        storeAuthenticated(context, rootKey, ngKsi, ueSecurityCapabilities);
                        contexts.commit();
                        return;
                    }
                    finally
                    {
                        endStep(null);
                    }
                }
                stage().ngKsi(NgKsi.NO_KEY).nonCurrent(rootKey, ngKsi).ueSecurityCapabilities(ueSecurityCapabilities);
                if (insertStaged(ueId))
                {
                    return;
                }
            }
        }
        finally
        {
            contexts.clearStaged();
        }
    }

    private void storeAuthenticated(
        final SecurityContext context, final byte[] rootKey, final int ngKsi, final int ueSecurityCapabilities)
    {
        if ((context.procedureState() & PROCEDURE_AUTHENTICATION) == 0)
        {
            rules.requireNoParallelNas(context, "authenticate", false);
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
        final boolean nonThreeGppAccess = requirePresent("access", access, "an AccessType") == AccessType.NON_THREE_GPP;
        InvalidParameterException.requireInRange("nas-enc", ciphering, 0, MAX_NAS_ALGORITHM);
        InvalidParameterException.requireInRange("nas-int", integrity, 0, MAX_NAS_ALGORITHM);
        requirePresent("command", command, "a NasSecurityModeCommand");
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            startSecurityModeCommand(context, nonThreeGppAccess, ciphering, integrity, command);
            return contexts.commit();
        }
        finally
        {
            endStep(command);
        }
    }

    private void startSecurityModeCommand(
        final SecurityContext context, final boolean nonThreeGppAccess, final int ciphering, final int integrity,
        final NasSecurityModeCommand command)
    {
        final int state = context.procedureState();
        requireNotTransferred(context, "nas-smc");
        rules.requireNoInterNodeHandover(context, "nas-smc");
        rules.requireNoParallelNas(context, "nas-smc", nonThreeGppAccess);
        if (chain == AccessStratumChain.NR)
        {
            rules.refuse((state & PROCEDURE_N2_WITH_KEY) != 0, "nas-smc", ConcurrencyRule.TS_33_501_6_9_5_1_2, n2InFlight(state));
        }
        else
        {
            rules.refuse((state & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0, "nas-smc", ConcurrencyRule.TS_33_401_7_2_10_2,
                n2InFlight(state));
        }
        final boolean kamfChange = (context.contextFlags() & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0;
        final int ngKsi;
        final long dlCount;
        final KeySchedule root;
        if (hasNewContext(context))
        {
            context.copyNonCurrentKamf(key, 0);
            kdf.computeSchedule(key, derivedSchedule);
            root = derivedSchedule;
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
            dlCount = takeDownlinkCount(context, "nas-smc");
        }
        chain.nasKey(kdf, root, AlgorithmTypeDistinguisher.NAS_ENC, ciphering, command.nasEncryptionKey());
        chain.nasKey(kdf, root, AlgorithmTypeDistinguisher.NAS_INT, integrity, command.nasIntegrityKey());
        command.set(ngKsi, ciphering, integrity, kamfChange, dlCount);
        context.procedureState(context.procedureState() | PROCEDURE_NAS_SMC |
            (root == derivedSchedule || kamfChange ? PROCEDURE_NAS_SMC_NEW_KEY : 0) |
            (nonThreeGppAccess ? PROCEDURE_ON_NON_3GPP_ACCESS : 0));
        context.pendingNasAlgorithms(ciphering, integrity);
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
        SecurityContext.requireNasCount("ul-count", ulCount);
        clearStarted(started);
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            completeSecurityMode(context, ulCount);
            deferredStarts.resumeDeferred(context, started, this);
            return contexts.commit();
        }
        finally
        {
            endStep(started == null ? null : started.transfer());
        }
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
            context.swapCurrentAndNonCurrent(kdf);
            if (chain == AccessStratumChain.E_UTRA && (flags & FLAG_AS_ACTIVE) != 0)
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
        acceptUplinkCount(context, count, "nas-smc-complete");
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
        clearStarted(started);
        final SecurityContext context = claim(ueId);
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
            deferredStarts.resumeDeferred(context, started, this);
            return contexts.commit();
        }
        finally
        {
            endStep(started == null ? null : started.transfer());
        }
    }

    private void endNasSmc(final SecurityContext context)
    {
        context.procedureState(context.procedureState() &
            ~(PROCEDURE_NAS_SMC | PROCEDURE_NAS_SMC_NEW_KEY | PROCEDURE_ON_NON_3GPP_ACCESS));
        context.clearPendingNasAlgorithms();
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
        SecurityContext.requireNasCount("ul-count", ulCount);
        requirePresent("kgnb", kgnb, "a NextHopPair");
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireCurrent(context, "initial-context-setup");
            requireNotTransferred(context, "initial-context-setup");
            if ((context.contextFlags() & FLAG_AS_ACTIVE) != 0)
            {
                throw new ProcedureNotAllowedException("initial-context-setup", "the UE is already CONNECTED");
            }
            rules.refuseDuringSmc(context, "initial-context-setup");
            if ((context.contextFlags() & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0)
            {
                throw new ProcedureNotAllowedException(
                    "initial-context-setup", "the NAS SMC that activates KAMF' with K_AMF_change_flag has not completed");
            }
            if (!isUnusedSmcCompleteCount(context, ulCount))
            {
                acceptUplinkCount(context, ulCount, "initial-context-setup");
            }
            asKeys.startChain(context, ulCount, false, kgnb);
            context.contextFlags((context.contextFlags() | FLAG_AS_ACTIVE) & ~FLAG_SMC_COUNT_UNUSED);
            return contexts.commit();
        }
        finally
        {
            endStep(kgnb);
        }
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
        requirePresent("pair", pair, "a NextHopPair");
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireAsActive(context, "path-switch");
            requireNoHandover(context, "path-switch");
            rules.refuse((context.procedureState() & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0, "path-switch",
                ConcurrencyRule.TS_33_401_7_2_10_5, "a UE Context Modification");
            asKeys.handoverKey(context, "path-switch", true, pair);
            return contexts.commit();
        }
        finally
        {
            endStep(pair);
        }
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
        requirePresent("pair", pair, "a NextHopPair");
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireAsActive(context, "n2-handover");
            requireNoHandover(context, "n2-handover");
            rules.refuse((context.procedureState() & PROCEDURE_UE_CONTEXT_MODIFICATION) != 0, "n2-handover",
                ConcurrencyRule.TS_33_401_7_2_10_5, "a UE Context Modification");
            if (chain == AccessStratumChain.NR)
            {
                rules.refuseDuringSmc(context, "n2-handover");
            }
            asKeys.handoverKey(context, "n2-handover", false, pair);
            context.procedureState(context.procedureState() | PROCEDURE_HANDOVER | PROCEDURE_N2_WITH_KEY);
            return contexts.commit();
        }
        finally
        {
            endStep(pair);
        }
    }

    /**
     * The UE arrived at the target of the handover within this node (Handover Notify).
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean handoverCompleted(final long ueId)
    {
        final SecurityContext context = claim(ueId);
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
                asKeys.restartChain(context, context.smcCompleteUplinkCount());
                context.contextFlags(context.contextFlags() & ~FLAG_SMC_COUNT_UNUSED);
            }
            endHandover(context);
            return contexts.commit();
        }
        finally
        {
            endStep(null);
        }
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
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            if ((context.procedureState() & (PROCEDURE_HANDOVER | PROCEDURE_INTER_NODE_HANDOVER)) == 0)
            {
                throw new ProcedureNotAllowedException("handover-failed", "no handover is in flight");
            }
            endHandover(context);
            return contexts.commit();
        }
        finally
        {
            endStep(null);
        }
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
        requirePresent("kgnb", kgnb, "a NextHopPair");
        final SecurityContext context = claim(ueId);
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
            rules.refuse((context.procedureState() & (PROCEDURE_HANDOVER | PROCEDURE_INTER_NODE_HANDOVER)) != 0,
                "ue-context-modification", ConcurrencyRule.TS_33_401_7_2_10_5, "a handover");
            rules.refuseDuringSmc(context, "ue-context-modification");
            if ((context.contextFlags() & FLAG_SMC_COUNT_UNUSED) == 0)
            {
                throw new ProcedureNotAllowedException("ue-context-modification",
                    "no NAS SMC completed since the last AS re-keying, so there is no fresh UL NAS COUNT for a new KgNB");
            }
            asKeys.offerInitialKey(context, context.smcCompleteUplinkCount(), kgnb);
            context.procedureState(context.procedureState() | PROCEDURE_UE_CONTEXT_MODIFICATION | PROCEDURE_N2_WITH_KEY);
            return contexts.commit();
        }
        finally
        {
            endStep(kgnb);
        }
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
        clearStarted(started);
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireUeContextModification(context, "ue-context-modification-complete");
            asKeys.restartChain(context, context.smcCompleteUplinkCount());
            context.contextFlags(context.contextFlags() & ~FLAG_SMC_COUNT_UNUSED);
            endUeContextModification(context);
            deferredStarts.resumeDeferred(context, started, this);
            return contexts.commit();
        }
        finally
        {
            endStep(started == null ? null : started.transfer());
        }
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
        clearStarted(started);
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireUeContextModification(context, "ue-context-modification-failed");
            endUeContextModification(context);
            deferredStarts.resumeDeferred(context, started, this);
            return contexts.commit();
        }
        finally
        {
            endStep(started == null ? null : started.transfer());
        }
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
        SecurityContext.requireNasCount("dl-count", dlCount);
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            rules.requireNoInterNodeHandover(context, "dl-count");
            if (dlCount < context.downlinkNasCount())
            {
                throw new ProcedureNotAllowedException("dl-count", "DL NAS COUNT " + dlCount +
                    " was already used; the next one is " + context.downlinkNasCount());
            }
            context.downlinkNasCount(dlCount);
            return contexts.commit();
        }
        finally
        {
            endStep(null);
        }
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
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return -1;
        }
        try
        {
            requireCurrent(context, "dl-nas");
            requireNotTransferred(context, "dl-nas");
            rules.requireNoInterNodeHandover(context, "dl-nas");
            // The UE answered the command with the new context; a message under the old one would be dropped.
            requireNoNasSmc(context, "dl-nas");
            final long dlCount = takeDownlinkCount(context, "dl-nas");
            contexts.commit();
            return dlCount;
        }
        finally
        {
            endStep(null);
        }
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
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            final DeferredProcedure waiting = DeferredProcedure.in(context.procedureState());
            if (waiting != null && waiting != DeferredProcedure.CONTEXT_TRANSFER)
            {
                DeferredStarts.cancelDeferred(context);
            }
            releaseAs(context);
            return contexts.commit();
        }
        finally
        {
            endStep(null);
        }
    }

    /**
     * Deletes the UE's context; its key bytes are zeroed.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean delete(final long ueId)
    {
        ensureOpen();
        return table.delete(ueId);
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
        ensureOpen();
        return table.read(ueId, requirePresent("snapshot", snapshot, "a SecurityContext"));
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
        ensureOpen();
        requirePresent("context", context, "a SecurityContext");
        requireNasKeyRoom("nas-enc-key", encryption);
        requireNasKeyRoom("nas-int-key", integrity);
        chain.nasKey(kdf, context.kamfSchedule(), AlgorithmTypeDistinguisher.NAS_ENC,
            context.nasCipheringAlgorithm(), encryption);
        chain.nasKey(kdf, context.kamfSchedule(), AlgorithmTypeDistinguisher.NAS_INT,
            context.nasIntegrityAlgorithm(), integrity);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers for the node-specific procedures
    // ---------------------------------------------------------------------------------------------

    /**
     * Claims the UE's context for one step: the step checks the rules, derives, writes and ends with
     * {@link ContextWriter#commit()}, and calls {@link #endStep} in its {@code finally}.
     *
     * @return the context, or null when the UE is unknown.
     */
    protected final SecurityContext claim(final long ueId)
    {
        ensureOpen();
        return contexts.claim(ueId);
    }

    /**
     * Ends a step: one that did not commit (refused, or failed) leaves the context as it was and
     * {@code carrier} zeroed; the scratch keys are zeroed either way.
     */
    protected final void endStep(final KeyCarrier carrier)
    {
        try
        {
            contexts.end(carrier);
        }
        finally
        {
            wipe();
        }
    }

    /**
     * @return the frame the steps run in.
     */
    protected final ContextWriter contexts()
    {
        return contexts;
    }

    /**
     * A cleared staging context of this node's system, to fill and {@link #insertStaged insert}.
     */
    protected final SecurityContext stage()
    {
        ensureOpen();
        return contexts.stage(chain == AccessStratumChain.E_UTRA ? FLAG_EPS : 0);
    }

    /**
     * Inserts the staged context and zeroes the staging copy.
     *
     * @return false when the UE is already in the table.
     */
    protected final boolean insertStaged(final long ueId)
    {
        return contexts.insert(ueId);
    }

    /**
     * Replaces the UE's context, if any, with the staged one.
     */
    protected final void replaceWithStaged(final long ueId)
    {
        contexts.replace(ueId);
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


    /**
     * @return whether the non-current context is a new one waiting for its NAS SMC, not an old KASME
     *         kept for the AS.
     */
    private static boolean hasNewContext(final SecurityContext context)
    {
        return context.hasNonCurrent() && (context.contextFlags() & FLAG_OLD_KEY_FOR_AS) == 0;
    }

    /**
     * Takes the next DL NAS COUNT of the current context, by {@link SecurityContext#takeDownlinkNasCount};
     * an exhausted one refuses the procedure.
     */
    protected final long takeDownlinkCount(final SecurityContext context, final String procedure)
    {
        final long dlCount = context.takeDownlinkNasCount();
        if (dlCount == SecurityContext.EXHAUSTED)
        {
            throw ProcedureNotAllowedException.nasCountExhausted(procedure, true, chain);
        }
        return dlCount;
    }

    /**
     * Refuses {@code procedure} when no DL NAS COUNT is left after {@code dlCount}.
     */
    protected final void requireDownlinkCountLeft(final long dlCount, final String procedure)
    {
        if (SecurityContext.downlinkNasCountAfter(dlCount) == SecurityContext.EXHAUSTED)
        {
            throw ProcedureNotAllowedException.nasCountExhausted(procedure, true, chain);
        }
    }

    /**
     * Accepts an uplink message's NAS COUNT by {@link SecurityContext#acceptUplinkNasCount}; a replay or
     * an exhausted COUNT refuses the procedure.
     */
    protected final void acceptUplinkCount(final SecurityContext context, final long ulCount, final String procedure)
    {
        final long expected = context.uplinkNasCount();
        final long next = context.acceptUplinkNasCount(ulCount);
        if (next == SecurityContext.REPLAYED)
        {
            throw new ProcedureNotAllowedException(procedure,
                "UL NAS COUNT " + ulCount + " is a replay; the next one expected is " + expected);
        }
        if (next == SecurityContext.EXHAUSTED)
        {
            throw ProcedureNotAllowedException.nasCountExhausted(procedure, false, chain);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Concurrency rules and deferred procedures
    // ---------------------------------------------------------------------------------------------







    /**
     * Marks an inter-node handover from this node as in flight, until {@link #handoverFailed} or the
     * move's completion deletes the context.
     */
    protected static void interNodeHandoverStarted(final SecurityContext context)
    {
        context.procedureState(context.procedureState() | PROCEDURE_INTER_NODE_HANDOVER | PROCEDURE_N2_WITH_KEY);
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
        final SecurityContext context = claim(ueId);
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
            table.commitDelete(cursor);
            return true;
        }
        finally
        {
            endStep(null);
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
        final SecurityContext context = claim(ueId);
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
            return contexts.commit();
        }
        finally
        {
            endStep(null);
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
        ensureOpen();
        requirePresent("started", started, "a DeferredStart").clear();
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            deferredStarts.resumeDeferred(context, started, this);
            return contexts.commit();
        }
        finally
        {
            endStep(started.transfer());
        }
    }


    /**
     * Runs a deferred procedure of this node's kind on the claimed context, as its call would have, with
     * the parameters recorded when it was deferred; it may defer again.
     *
     * @return {@link ProcedureStart#STARTED} or {@link ProcedureStart#DEFERRED}.
     */
    protected ProcedureStart startDeferred(
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
        final SecurityContext context = claim(ueId);
        if (context == null)
        {
            return null;
        }
        try
        {
            final DeferredProcedure cancelled = DeferredStarts.cancelDeferred(context);
            contexts.commit();
            return cancelled;
        }
        finally
        {
            endStep(null);
        }
    }


    /**
     * Empties the caller's {@link DeferredStart}, if any, before a step that may start a deferred procedure.
     */
    private static void clearStarted(final DeferredStart started)
    {
        if (started != null)
        {
            started.clear();
        }
    }




    /**
     * @return {@code value}, or an {@link InvalidParameterException} naming the parameter when it is missing.
     */
    protected static <T> T requirePresent(final String parameter, final T value, final String allowed)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, allowed);
        }
        return value;
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
     * Refuses every call once closed; called first where a call starts, so a closed instance touches
     * nothing, not even the caller's carriers.
     */
    protected final void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
    }


    /**
     * Zeroes the scratch keys and the staging copy: the end of a call that staged a context, which a
     * refusal may have left unstored.
     */
    protected final void wipeAfterStaging()
    {
        contexts.clearStaged();
        wipe();
    }

    /**
     * Zeroes the scratch keys.
     */
    protected final void wipe()
    {
        // The KDF may have been closed by its owner's close(); its memory is zeroed then.
        if (!kdf.isClosed())
        {
            kdf.wipe();
        }
        Arrays.fill(key, (byte)0);
        Arrays.fill(nextKey, (byte)0);
        Arrays.fill(thirdKey, (byte)0);
        derivedSchedule.clear();
        asKeys.wipe();
    }

    /**
     * Zeroes the scratch memory and the cursor's, and closes the KDF. The instance refuses every call
     * afterwards; closing it again does nothing.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        wipe();
        contexts.clearStaged();
        cursor.close();
        closed = true;
    }
}

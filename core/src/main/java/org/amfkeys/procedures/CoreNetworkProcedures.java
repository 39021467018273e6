package org.amfkeys.procedures;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.ContextUpdate;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;
import java.util.Objects;

import static org.amfkeys.context.SecurityContext.FLAG_AS_ACTIVE;
import static org.amfkeys.context.SecurityContext.FLAG_EPS;
import static org.amfkeys.context.SecurityContext.FLAG_KAMF_CHANGE_TO_SIGNAL;
import static org.amfkeys.context.SecurityContext.FLAG_KGNB_AT_NCC_0;
import static org.amfkeys.context.SecurityContext.FLAG_NEW_KEY_NOT_YET_IN_AS;
import static org.amfkeys.context.SecurityContext.FLAG_OLD_KEY_FOR_AS;
import static org.amfkeys.context.SecurityContext.FLAG_SMC_COUNT_UNUSED;
import static org.amfkeys.context.SecurityContext.MAX_NAS_ALGORITHM;
import static org.amfkeys.context.SecurityContext.MAX_NAS_COUNT;
import static org.amfkeys.context.SecurityContext.PROCEDURE_NAS_SMC;

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
 * An instance holds scratch memory and a {@link ContextCursor}: give each thread its own, over the same
 * table. After warm-up no call allocates.
 */
public abstract class CoreNetworkProcedures implements AutoCloseable
{
    private static final byte[] ZERO_KEY = new byte[Kdf.KEY_LENGTH];

    protected final ContextTable table;
    protected final AccessStratumChain chain;
    protected final Kdf kdf;
    protected final ContextCursor cursor;

    /** Scratch keys, zeroed after each procedure. */
    protected final byte[] key = new byte[Kdf.KEY_LENGTH];
    protected final byte[] nextKey = new byte[Kdf.KEY_LENGTH];
    protected final byte[] thirdKey = new byte[Kdf.KEY_LENGTH];
    protected final KeySchedule derivedSchedule = new KeySchedule();

    private final SecurityContext staged = new SecurityContext(
        new UnsafeBuffer(new byte[SecurityContextDescriptor.LENGTH]), 0);

    private final ContextUpdate authenticatedUpdate = this::applyAuthenticated;
    private final ContextUpdate securityModeCommandUpdate = this::applySecurityModeCommand;
    private final ContextUpdate securityModeCompleteUpdate = this::applySecurityModeComplete;
    private final ContextUpdate securityModeFailedUpdate = this::applySecurityModeFailed;
    private final ContextUpdate initialContextSetupUpdate = this::applyInitialContextSetup;
    private final ContextUpdate handoverKeyUpdate = this::applyHandoverKey;
    private final ContextUpdate ueContextModificationUpdate = this::applyUeContextModification;
    private final ContextUpdate releaseUpdate = this::applyRelease;
    private final ContextUpdate downlinkUpdate = this::applyDownlink;
    private final ContextUpdate overwriteWithStagedUpdate = this::overwriteWithStaged;

    private byte[] newRootKey;
    private int newKsi;
    private int newCapabilities;
    private int ciphering;
    private int integrity;
    private long count;
    private NasSecurityModeCommand commandOut;
    private NextHopPair pairOut;

    /** The carrier a node-specific procedure fills; zeroed when the procedure is refused. */
    protected UeContextTransfer transferOut;

    /**
     * @param table the node's UE contexts.
     * @param chain the system of the contexts: {@link AccessStratumChain#NR} for an AMF,
     *              {@link AccessStratumChain#E_UTRA} for an MME.
     * @param kdf   derives keys; owned by this instance from now on.
     */
    protected CoreNetworkProcedures(final ContextTable table, final AccessStratumChain chain, final Kdf kdf)
    {
        this.table = Objects.requireNonNull(table, "table");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.kdf = Objects.requireNonNull(kdf, "kdf");
        this.cursor = new ContextCursor(kdf);
    }

    /**
     * @return the node's context table.
     */
    public ContextTable table()
    {
        return table;
    }

    /**
     * @return the system of the node's contexts.
     */
    public AccessStratumChain chain()
    {
        return chain;
    }

    // ---------------------------------------------------------------------------------------------
    // Primary authentication and NAS Security Mode Command
    // ---------------------------------------------------------------------------------------------

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
        requireKey("kamf", rootKey);
        if (NgKsi.check("ngksi", ngKsi) > NgKsi.MAX_KEY_SET_IDENTIFIER)
        {
            throw InvalidParameterException.outOfRange("ngksi", ngKsi, 0, NgKsi.MAX_KEY_SET_IDENTIFIER);
        }
        newRootKey = rootKey;
        newKsi = ngKsi;
        newCapabilities = ueSecurityCapabilities;
        try
        {
            while (!table.update(ueId, cursor, authenticatedUpdate))
            {
                stage().ngKsi(NgKsi.NO_KEY).nonCurrent(rootKey, ngKsi).ueSecurityCapabilities(ueSecurityCapabilities);
                if (insertStaged(ueId))
                {
                    return;
                }
            }
        }
        finally
        {
            newRootKey = null;
        }
    }

    private void applyAuthenticated(final SecurityContext context)
    {
        requireNoSmcInFlight(context, "authenticate", "TS 33.501 6.9.5.2 (1)");
        if ((context.contextFlags() & FLAG_OLD_KEY_FOR_AS) != 0)
        {
            throw new ProcedureNotAllowedException("authenticate", "the AS still follows the old KASME's NH chain; " +
                "a UE Context Modification must take the new KASME into AS first (TS 33.401 7.2.10 rule 3)");
        }
        if (context.ngKsi() != NgKsi.NO_KEY && context.ngKsi() == newKsi)
        {
            throw new ProcedureNotAllowedException(
                "authenticate", "ngKSI " + NgKsi.toString(newKsi) + " is the current context's; a new context needs another");
        }
        context.nonCurrent(newRootKey, newKsi).ueSecurityCapabilities(newCapabilities);
        context.contextFlags(context.contextFlags() & ~FLAG_KAMF_CHANGE_TO_SIGNAL);
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
        this.ciphering = InvalidParameterException.requireInRange("nas-enc", ciphering, 0, MAX_NAS_ALGORITHM);
        this.integrity = InvalidParameterException.requireInRange("nas-int", integrity, 0, MAX_NAS_ALGORITHM);
        commandOut = Objects.requireNonNull(command, "command");
        return run(ueId, securityModeCommandUpdate);
    }

    private void applySecurityModeCommand(final SecurityContext context)
    {
        if ((context.procedureState() & PROCEDURE_NAS_SMC) != 0)
        {
            throw new ProcedureNotAllowedException("nas-smc", "a NAS Security Mode Command is already in flight");
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
        chain.nasKey(kdf, root, AlgorithmTypeDistinguisher.NAS_ENC, ciphering, commandOut.nasEncryptionKey());
        chain.nasKey(kdf, root, AlgorithmTypeDistinguisher.NAS_INT, integrity, commandOut.nasIntegrityKey());
        commandOut.set(ngKsi, ciphering, integrity, kamfChange, dlCount);
        context.procedureState(context.procedureState() | PROCEDURE_NAS_SMC);
        context.reserved(ciphering << 4 | integrity);
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
        count = requireNasCount("ul-count", ulCount);
        return run(ueId, securityModeCompleteUpdate);
    }

    private void applySecurityModeComplete(final SecurityContext context)
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
        final int algorithms = context.reserved();
        context.nasAlgorithms(algorithms >>> 4, algorithms & 0xF);
        context.smcCompleteUplinkCount(count);
        int newFlags = (context.contextFlags() & ~FLAG_KAMF_CHANGE_TO_SIGNAL) | FLAG_SMC_COUNT_UNUSED;
        if (newKey && (newFlags & FLAG_AS_ACTIVE) != 0)
        {
            newFlags |= FLAG_NEW_KEY_NOT_YET_IN_AS;
        }
        context.contextFlags(newFlags);
        context.procedureState(context.procedureState() & ~PROCEDURE_NAS_SMC);
        context.reserved(0);
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
        return run(ueId, securityModeFailedUpdate);
    }

    private void applySecurityModeFailed(final SecurityContext context)
    {
        if ((context.procedureState() & PROCEDURE_NAS_SMC) == 0)
        {
            throw new ProcedureNotAllowedException("nas-smc-failed", "no NAS Security Mode Command is in flight");
        }
        context.procedureState(context.procedureState() & ~PROCEDURE_NAS_SMC);
        context.reserved(0);
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
        count = requireNasCount("ul-count", ulCount);
        pairOut = Objects.requireNonNull(kgnb, "kgnb");
        return run(ueId, initialContextSetupUpdate);
    }

    private void applyInitialContextSetup(final SecurityContext context)
    {
        requireCurrent(context, "initial-context-setup");
        if ((context.contextFlags() & FLAG_AS_ACTIVE) != 0)
        {
            throw new ProcedureNotAllowedException("initial-context-setup", "the UE is already CONNECTED");
        }
        requireNoSmcInFlight(context, "initial-context-setup", "TS 33.501 6.9.5.1 (1)");
        if ((context.contextFlags() & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0)
        {
            throw new ProcedureNotAllowedException(
                "initial-context-setup", "the NAS SMC that activates KAMF' with K_AMF_change_flag has not completed");
        }
        if (!isUnusedSmcCompleteCount(context, count))
        {
            acceptUplinkCount(context, count, "initial-context-setup");
        }
        startChain(context, count, false);
        context.contextFlags((context.contextFlags() | FLAG_AS_ACTIVE) & ~FLAG_SMC_COUNT_UNUSED);
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
        pairOut = Objects.requireNonNull(pair, "pair");
        return run(ueId, handoverKeyUpdate);
    }

    /**
     * An N2 (S1) handover whose target gNB (eNB) this node also serves: the same {NH, NCC} step as
     * {@link #pathSwitch}.
     *
     * @param ueId the UE identifier.
     * @param pair receives the pair for the target gNB (eNB).
     * @return false when the UE is unknown.
     */
    public boolean handoverWithinNode(final long ueId, final NextHopPair pair)
    {
        return pathSwitch(ueId, pair);
    }

    private void applyHandoverKey(final SecurityContext context)
    {
        handoverKey(context, "path-switch");
    }

    /**
     * The {NH, NCC} step of a handover, shared by every handover kind.
     */
    protected final void handoverKey(final SecurityContext context, final String procedure)
    {
        requireAsActive(context, procedure);
        requireNoSmcInFlight(context, procedure, "TS 33.501 6.9.5.1 (1)");
        if ((context.contextFlags() & FLAG_OLD_KEY_FOR_AS) != 0)
        {
            context.copyNonCurrentKamf(key, 0);
            kdf.computeSchedule(key, derivedSchedule);
            context.copyNextHop(nextKey, 0);
            chain.nextHop(kdf, derivedSchedule, nextKey, key);
            final int ncc = (context.ncc() + 1) & SecurityContext.MAX_NCC;
            context.nextHop(key, ncc);
            pairOut.set(key, ncc, false);
            context.contextFlags(context.contextFlags() & ~FLAG_KGNB_AT_NCC_0);
        }
        else if ((context.contextFlags() & FLAG_NEW_KEY_NOT_YET_IN_AS) != 0)
        {
            startChain(context, context.smcCompleteUplinkCount(), true);
            context.contextFlags(context.contextFlags() & ~FLAG_SMC_COUNT_UNUSED);
        }
        else
        {
            final int ncc = context.advanceNextHop(kdf);
            context.copyNextHop(key, 0);
            pairOut.set(key, ncc, false);
            context.contextFlags(context.contextFlags() & ~FLAG_KGNB_AT_NCC_0);
        }
    }

    /**
     * UE Context Modification for AS re-keying: a new KgNB (KeNB) from the UL NAS COUNT of the latest
     * NAS SMC Complete, with NCC 0; every older NH is dropped and NH of NCC 1 restarts the chain
     * (TS 33.501 6.9.4.2). Needs a NAS SMC completed since the last re-keying, so no KgNB repeats.
     *
     * @param ueId the UE identifier.
     * @param kgnb receives {KgNB, NCC 0} for the gNB.
     * @return false when the UE is unknown.
     */
    public boolean ueContextModification(final long ueId, final NextHopPair kgnb)
    {
        pairOut = Objects.requireNonNull(kgnb, "kgnb");
        return run(ueId, ueContextModificationUpdate);
    }

    private void applyUeContextModification(final SecurityContext context)
    {
        requireAsActive(context, "ue-context-modification");
        requireNoSmcInFlight(context, "ue-context-modification", "TS 33.501 6.9.5.1 (1)");
        if ((context.contextFlags() & FLAG_SMC_COUNT_UNUSED) == 0)
        {
            throw new ProcedureNotAllowedException("ue-context-modification",
                "no NAS SMC completed since the last AS re-keying, so there is no fresh UL NAS COUNT for a new KgNB");
        }
        startChain(context, context.smcCompleteUplinkCount(), true);
        context.contextFlags(context.contextFlags() & ~FLAG_SMC_COUNT_UNUSED);
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
        count = requireNasCount("dl-count", dlCount);
        return run(ueId, downlinkUpdate);
    }

    private void applyDownlink(final SecurityContext context)
    {
        if (count < context.downlinkNasCount())
        {
            throw new ProcedureNotAllowedException("dl-count", "DL NAS COUNT " + count +
                " was already used; the next one is " + context.downlinkNasCount());
        }
        context.downlinkNasCount(count);
    }

    /**
     * The UE went to idle: its AS security context and NH chain are gone.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean release(final long ueId)
    {
        return run(ueId, releaseUpdate);
    }

    private void applyRelease(final SecurityContext context)
    {
        releaseAs(context);
    }

    /**
     * Deletes the UE's context; its key bytes are zeroed.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is unknown.
     */
    public boolean delete(final long ueId)
    {
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
        return table.read(ueId, snapshot);
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
        chain.nasKey(kdf, context.kamfSchedule(), AlgorithmTypeDistinguisher.NAS_ENC,
            context.nasCipheringAlgorithm(), encryption);
        chain.nasKey(kdf, context.kamfSchedule(), AlgorithmTypeDistinguisher.NAS_INT,
            context.nasIntegrityAlgorithm(), integrity);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers for the node-specific procedures
    // ---------------------------------------------------------------------------------------------

    /**
     * Runs {@code update} on the UE's context under its lock, zeroing the scratch keys afterwards.
     *
     * @return false when the UE is unknown.
     */
    protected final boolean run(final long ueId, final ContextUpdate update)
    {
        try
        {
            return table.update(ueId, cursor, update);
        }
        catch (final RuntimeException ex)
        {
            clearOutputs();
            throw ex;
        }
        finally
        {
            wipe();
        }
    }

    /**
     * Zeroes the carriers a refused call may have half filled, so no key stays in them.
     */
    private void clearOutputs()
    {
        if (pairOut != null)
        {
            pairOut.clear();
        }
        if (commandOut != null)
        {
            commandOut.clear();
        }
        if (transferOut != null)
        {
            transferOut.clear();
        }
    }

    /**
     * A cleared staging context of this node's system, to fill and {@link #insertStaged insert}.
     */
    protected final SecurityContext stage()
    {
        staged.clear();
        staged.contextFlags(chain == AccessStratumChain.E_UTRA ? FLAG_EPS : 0);
        return staged;
    }

    /**
     * Inserts the staged context and zeroes the staging copy.
     *
     * @return false when the UE is already in the table.
     */
    protected final boolean insertStaged(final long ueId)
    {
        try
        {
            return table.insert(ueId, staged);
        }
        finally
        {
            staged.clear();
        }
    }

    /**
     * Replaces the UE's context, if any, with the staged one.
     */
    protected final void replaceWithStaged(final long ueId)
    {
        // Overwrite in place when the UE is known, so a full table can never lose its old context.
        while (!table.update(ueId, cursor, overwriteWithStagedUpdate))
        {
            if (insertStaged(ueId))
            {
                return;
            }
        }
        staged.clear();
    }

    private void overwriteWithStaged(final SecurityContext context)
    {
        context.buffer().putBytes(context.offset(), staged.buffer(), staged.offset(), SecurityContextDescriptor.LENGTH);
    }

    /**
     * Starts the NH chain from a new initial KgNB (KeNB) in {@link #key}: NCC 0 for the key, and NH of
     * NCC 1 kept in the context. The pair sent is {KgNB, NCC 0}.
     */
    protected final void startChain(final SecurityContext context, final long ulCount, final boolean newSecurityContext)
    {
        chain.initialKey(kdf, context.kamfSchedule(), ulCount, key);
        chain.nextHop(kdf, context.kamfSchedule(), key, nextKey);
        context.nextHop(nextKey, 1);
        dropOldKeyForAs(context);
        context.contextFlags((context.contextFlags() | FLAG_KGNB_AT_NCC_0) & ~FLAG_NEW_KEY_NOT_YET_IN_AS);
        pairOut.set(key, 0, newSecurityContext);
    }

    /**
     * Sets the pair the next procedure writes to.
     */
    protected final void pairOut(final NextHopPair pair)
    {
        pairOut = pair;
    }

    /**
     * The AS context is gone: NH, NCC and the AS flags are cleared.
     */
    protected static void releaseAs(final SecurityContext context)
    {
        dropOldKeyForAs(context);
        context.nextHop(ZERO_KEY, 0);
        context.contextFlags(context.contextFlags() &
            ~(FLAG_AS_ACTIVE | FLAG_KGNB_AT_NCC_0 | FLAG_NEW_KEY_NOT_YET_IN_AS));
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
     * Forgets the old KASME the AS followed, once the AS has a key of the new one or is gone.
     */
    private static void dropOldKeyForAs(final SecurityContext context)
    {
        if ((context.contextFlags() & FLAG_OLD_KEY_FOR_AS) != 0)
        {
            context.dropNonCurrent();
            context.contextFlags(context.contextFlags() & ~FLAG_OLD_KEY_FOR_AS);
        }
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
     * Takes the next DL NAS COUNT of the current context.
     */
    protected static long takeDownlinkCount(final SecurityContext context, final String procedure)
    {
        final long dlCount = context.downlinkNasCount();
        if (dlCount >= MAX_NAS_COUNT)
        {
            throw new ProcedureNotAllowedException(procedure,
                "the DL NAS COUNT is used up; a new KAMF is needed first");
        }
        context.downlinkNasCount(dlCount + 1);
        return dlCount;
    }

    /**
     * Accepts an uplink message's NAS COUNT: it must not be below the next one expected.
     */
    protected static void acceptUplinkCount(final SecurityContext context, final long ulCount, final String procedure)
    {
        final long expected = context.uplinkNasCount();
        if (ulCount < expected)
        {
            throw new ProcedureNotAllowedException(procedure,
                "UL NAS COUNT " + ulCount + " is a replay; the next one expected is " + expected);
        }
        if (ulCount >= MAX_NAS_COUNT)
        {
            throw new ProcedureNotAllowedException(procedure, "the UL NAS COUNT is used up; a new KAMF is needed first");
        }
        context.uplinkNasCount(ulCount + 1);
    }

    /**
     * Refuses a procedure while a NAS SMC is in flight: the UE may already have taken the command's
     * keys into use, the network not yet. (Deferring it until the SMC ends is the concurrency rules'
     * part; until then the caller retries after the Security Mode Complete.)
     */
    protected static void requireNoSmcInFlight(final SecurityContext context, final String procedure, final String rule)
    {
        if ((context.procedureState() & PROCEDURE_NAS_SMC) != 0)
        {
            throw new ProcedureNotAllowedException(procedure, "a NAS Security Mode Command is in flight (" + rule + ")");
        }
    }

    protected static void requireCurrent(final SecurityContext context, final String procedure)
    {
        if (context.ngKsi() == NgKsi.NO_KEY)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE has no current security context");
        }
    }

    protected static void requireAsActive(final SecurityContext context, final String procedure)
    {
        if ((context.contextFlags() & FLAG_AS_ACTIVE) == 0)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE has no AS security context (it is idle)");
        }
    }

    protected static long requireNasCount(final String parameter, final long value)
    {
        if (value < 0 || value > MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange(parameter, value, 0, MAX_NAS_COUNT);
        }
        return value;
    }

    protected static void requireKey(final String parameter, final byte[] value)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, "32 octets");
        }
        if (value.length != Kdf.KEY_LENGTH)
        {
            throw InvalidParameterException.badLength(parameter, value.length, "32 octets");
        }
    }

    /**
     * Zeroes the scratch keys and forgets the carriers of the last call.
     */
    protected final void wipe()
    {
        kdf.wipe();
        Arrays.fill(key, (byte)0);
        Arrays.fill(nextKey, (byte)0);
        Arrays.fill(thirdKey, (byte)0);
        derivedSchedule.clear();
        commandOut = null;
        pairOut = null;
        transferOut = null;
    }

    /**
     * Zeroes the scratch memory and the cursor's.
     */
    public void close()
    {
        wipe();
        cursor.close();
    }
}

package org.amfkeys.sim;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.hmac.KeyScheduleDescriptor;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.keychange.KdpBoundKamf;
import org.amfkeys.procedures.keychange.KeyChangeCommand;
import org.amfkeys.procedures.keychange.KeyChangeOptions;
import org.amfkeys.procedures.keychange.KeyDerivationParameter;
import org.amfkeys.procedures.keychange.VariantNotEnabledException;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;
import java.util.Objects;

import static org.amfkeys.procedures.AccessStratumChain.HANDOVER_UPLINK_COUNT;

/**
 * The UE's side of the key lifecycle, kept independently of the network: it derives every key from its
 * own state and what the network sends it (NAS SMC content, NCC, keySetChangeIndicator, NAS containers,
 * the target cell), as TS 33.501 and TS 33.401 prescribe for the UE. It synchronises its NH chain by
 * iterating until its NCC matches, keeps its old KAMF and ngKSI through a mobility registration until
 * the registration completes, and goes back to them if it fails.
 * <p>
 * A UE refuses what a real UE would discard: a NAS COUNT it already used or received, an SMC for a
 * context it does not have. It follows the key change variants from outside 3GPP
 * ({@link #keyChangeCommand}) only when its {@link KeyChangeOptions} enable them. Not thread-safe.
 */
public final class UeMirror implements AutoCloseable
{
    private static final long NO_COUNT = UeNasSecurityContext.NO_COUNT;

    private final Kdf kdf;
    private final UeKeyChangeState keyChange;
    private final KdpBoundKamf kdpBoundKamf = new KdpBoundKamf();
    /** The schedule of the current context's root key: every change of that key recomputes it. */
    private final KeySchedule rootSchedule = new KeySchedule();
    private final KeySchedule scratchSchedule = new KeySchedule();
    private final KeySchedule asRootSchedule = new KeySchedule();
    private final byte[] kgnb = new byte[Kdf.KEY_LENGTH];
    private final byte[] nh = new byte[Kdf.KEY_LENGTH];
    private final byte[] scratch = new byte[Kdf.KEY_LENGTH];

    private final UeNasSecurityContext current = new UeNasSecurityContext();
    /** What the last authentication left for a NAS SMC to activate: its key and ngKSI only. */
    private final UeNasSecurityContext partialNative = new UeNasSecurityContext();

    /** The context a mobility registration in progress goes back to if it fails, while {@link #oldKept}. */
    private final UeNasSecurityContext old = new UeNasSecurityContext();
    private boolean oldKept;

    /** What the last NAS SMC changed, for when it turns out never to have reached the UE. */
    private final UeNasSecurityContext beforeSmc = new UeNasSecurityContext();
    private final UeNasSecurityContext partialNativeBeforeSmc = new UeNasSecurityContext();
    /** The UL NAS COUNT of the NAS SMC Complete that can still be taken back, or {@link #NO_COUNT}. */
    private long smcCompleteSent = NO_COUNT;

    private boolean oldRootKeyForAs = true;
    private boolean asActive;
    private AccessStratumChain asChain = AccessStratumChain.NR;
    private int kgnbNcc;
    private int nhNcc;

    /**
     * A UE that follows only 3GPP: every {@link #keyChangeCommand} is refused.
     *
     * @param kdf derives keys; stays the caller's, and may be shared with other models of one thread.
     */
    public UeMirror(final Kdf kdf)
    {
        this(kdf, KeyChangeOptions.THREE_GPP_ONLY, 0);
    }

    /**
     * A UE that also runs the key change variants {@code keyChangeOptions} enable.
     *
     * @param kdf                    derives keys; stays the caller's, and may be shared with other models
     *                               of one thread.
     * @param keyChangeOptions       the key change variants the UE runs.
     * @param ueSecurityCapabilities the UE security capabilities it sends, as
     *                               {@link org.amfkeys.procedures.keychange.NasAlgorithmPriorities} reads
     *                               them; NAS algorithms a key change command selects must be among them.
     */
    public UeMirror(final Kdf kdf, final KeyChangeOptions keyChangeOptions, final int ueSecurityCapabilities)
    {
        this.kdf = Objects.requireNonNull(kdf, "kdf");
        this.keyChange = new UeKeyChangeState(keyChangeOptions, ueSecurityCapabilities);
    }

    /**
     * Stops following a UE-side concurrency rule, for tests that show the race it prevents; a real UE
     * follows every rule. The one UE-side rule is TS 33.401 7.2.10 (4) (5GS has the same behaviour):
     * without it, a NAS SMC that takes a new root key into use while CONNECTED moves the AS's NH chain
     * to the new key at once, instead of at the RRC reconfiguration that brings a KgNB (KeNB) of the new
     * key; a lost SMC does not move it back.
     *
     * @param rule {@link ConcurrencyRule#TS_33_401_7_2_10_4}.
     * @return this.
     */
    public UeMirror withoutRule(final ConcurrencyRule rule)
    {
        if (rule != ConcurrencyRule.TS_33_401_7_2_10_4)
        {
            throw new InvalidParameterException("rule", rule + " is not a rule the UE follows",
                ConcurrencyRule.TS_33_401_7_2_10_4.clause());
        }
        oldRootKeyForAs = false;
        return this;
    }

    // ---------------------------------------------------------------------------------------------
    // NAS
    // ---------------------------------------------------------------------------------------------

    /**
     * Primary authentication succeeded: the new partial native context waits for the NAS SMC that
     * activates it.
     *
     * @param kamf  KAMF (KASME in EPS) the UE derived, 32 octets.
     * @param ksi   its ngKSI (eKSI), native, 0..6.
     */
    public void authenticate(final byte[] kamf, final int ksi)
    {
        SecurityContext.requireKey("kamf", kamf);
        NgKsi.checkKeySetIdentifier("ngksi", ksi);
        System.arraycopy(kamf, 0, partialNative.rootKey, 0, Kdf.KEY_LENGTH);
        partialNative.ngKsi = ksi;
    }

    /**
     * Sends an uplink NAS message with the given COUNT, which must not be one it used before.
     *
     * @param count the message's UL NAS COUNT, 0..2^24-1.
     */
    public void sendUplink(final long count)
    {
        SecurityContext.requireNasCount("ul-count", count);
        if (count < current.uplinkNext)
        {
            throw new ProcedureNotAllowedException("uplink", "UL NAS COUNT " + count +
                " was already used; the UE's next one is " + current.uplinkNext);
        }
        current.uplinkNext = count + 1;
        current.lastUplink = count;
    }

    /**
     * @return the UL NAS COUNT the UE's next uplink NAS message carries.
     */
    public long nextUplinkCount()
    {
        return current.uplinkNext;
    }

    /**
     * A NAS Security Mode Command: activates the context it names (the new native one of an
     * authentication, or KAMF' = A.13(KAMF, DIRECTION 0x00, UL NAS COUNT of the UE's last uplink message)
     * when it carries the K_AMF_change_flag), takes its algorithms, and sends Security Mode Complete.
     *
     * @param command what the network sent.
     * @return the Security Mode Complete's UL NAS COUNT.
     */
    public long securityModeCommand(final NasSecurityModeCommand command)
    {
        keepBeforeSmc();
        final boolean newKey;
        if (command.kamfChangeFlag())
        {
            requireCurrent("nas-smc");
            if (current.lastUplink == NO_COUNT)
            {
                throw new ProcedureNotAllowedException("nas-smc", "K_AMF_change_flag but the UE sent no uplink message");
            }
            kdf.horizontalKamf(rootSchedule, MobilityMode.IDLE, current.lastUplink, scratch, 0);
            root(scratch, current.chain, command.ngKsi());
            newKey = true;
        }
        else if (partialNative.holdsKey() && command.ngKsi() == partialNative.ngKsi)
        {
            // An authentication runs in the system the UE is in: the partial native context is of the
            // current one's system (KASME in EPS).
            root(partialNative.rootKey, current.chain, partialNative.ngKsi);
            partialNative.wipe();
            dropOld();
            newKey = true;
        }
        else if (current.holdsKey() && command.ngKsi() == current.ngKsi)
        {
            newKey = false;
        }
        else
        {
            throw new ProcedureNotAllowedException("nas-smc", "the UE has no context with ngKSI " + NgKsi.toString(command.ngKsi()));
        }
        if (newKey)
        {
            current.uplinkNext = 0;
            current.downlinkNext = 0;
            if (asActive && !oldRootKeyForAs)
            {
                kdf.computeSchedule(current.rootKey, asRootSchedule);
            }
        }
        receiveDownlink(command.downlinkNasCount(), "nas-smc");
        current.ciphering = command.ciphering();
        current.integrity = command.integrity();
        final long complete = current.uplinkNext;
        sendUplink(complete);
        current.smcCompleteUplink = complete;
        current.smcCountUnused = true;
        smcCompleteSent = complete;
        return complete;
    }

    /**
     * The last NAS Security Mode Command turned out never to have reached the UE (the network ended it
     * as failed or timed out): the NAS context from before it is back. A mobility registration started
     * since keeps that context as its old one; a Registration Request sent since stays sent.
     */
    public void securityModeCommandLost()
    {
        if (smcCompleteSent == NO_COUNT)
        {
            throw new ProcedureNotAllowedException("nas-smc", "no NAS Security Mode Command to take back");
        }
        final boolean sentSince = current.lastUplink != smcCompleteSent;
        final long sentLast = current.lastUplink;
        makeCurrent(beforeSmc);
        if (sentSince)
        {
            // A message sent since used its COUNT under the context back now, as the network saw it.
            current.uplinkNext = Math.max(beforeSmc.uplinkNext, sentLast + 1);
            current.lastUplink = sentLast;
        }
        partialNative.copyFrom(partialNativeBeforeSmc);
        if (oldKept)
        {
            keepOld();
        }
        dropBeforeSmc();
    }

    private void keepBeforeSmc()
    {
        beforeSmc.copyFrom(current);
        partialNativeBeforeSmc.copyFrom(partialNative);
    }

    /**
     * The NAS SMC can no longer be taken back: what it changed is forgotten.
     */
    private void dropBeforeSmc()
    {
        smcCompleteSent = NO_COUNT;
        beforeSmc.wipe();
        partialNativeBeforeSmc.wipe();
    }

    /**
     * Starts a mobility registration update: sends the Registration Request with UL NAS COUNT
     * {@code ulCount} from idle, and keeps the current context as the old one until the registration
     * completes or fails.
     *
     * @param ulCount the Registration Request's UL NAS COUNT.
     */
    public void startMobilityRegistration(final long ulCount)
    {
        requireCurrent("mobility-registration");
        sendUplink(ulCount);
        release();
        dropOld();
        keepOld();
    }

    /**
     * The mobility registration completed: the old context kept since the registration began is
     * deleted.
     */
    public void registrationCompleted()
    {
        dropOld();
    }

    /**
     * The mobility registration failed: the new context is deleted and the old one is current again,
     * as the source AMF still holds it.
     */
    public void registrationFailed()
    {
        if (!oldKept)
        {
            return;
        }
        // What the UE recorded of its last uplink message and NAS SMC Complete stays: the old context
        // comes back with its key, ngKSI, algorithms and NAS COUNTs only.
        final long lastUplink = current.lastUplink;
        final long smcCompleteUplink = current.smcCompleteUplink;
        final boolean smcCountUnused = current.smcCountUnused;
        makeCurrent(old);
        current.lastUplink = lastUplink;
        current.smcCompleteUplink = smcCompleteUplink;
        current.smcCountUnused = smcCountUnused;
        dropOld();
    }

    /**
     * Idle-mode move from 5GS to EPS with a TAU of UL NAS COUNT {@code tauCount} (already
     * {@link #sendUplink sent}): KASME' = A.14.1(KAMF, tauCount), a mapped context from NAS COUNT 0.
     *
     * @param tauCount the TAU's UL NAS COUNT.
     */
    public void idleModeToEps(final long tauCount)
    {
        requireSystem(AccessStratumChain.NR, "idle-to-eps");
        release();
        kdf.kasmePrime(rootSchedule, MobilityMode.IDLE, tauCount, scratch, 0);
        root(scratch, AccessStratumChain.E_UTRA, NgKsi.mapped(current.ngKsi));
        current.uplinkNext = 0;
        current.downlinkNext = 0;
    }

    /**
     * Idle-mode move from EPS to 5GS with the TAU's UL NAS COUNT: KAMF' = A.15.1(KASME, tauCount), a
     * mapped context from NAS COUNT 0.
     *
     * @param tauCount the TAU's UL NAS COUNT.
     */
    public void idleModeTo5gs(final long tauCount)
    {
        requireSystem(AccessStratumChain.E_UTRA, "idle-to-5gs");
        release();
        kdf.kamfFromKasmeIdle(rootSchedule, tauCount, scratch, 0);
        root(scratch, AccessStratumChain.NR, NgKsi.mapped(current.ngKsi));
        current.uplinkNext = 0;
        current.downlinkNext = 0;
    }

    /**
     * A key change variant from outside 3GPP, applied to the current 5G context: when the KCI signals a
     * key change, KAMF' = {@link KdpBoundKamf}(KAMF, the command's GUAMI, the KDP) replaces KAMF with
     * the same ngKSI and the NAS COUNTs restart (the command's DL NAS COUNT is the first under KAMF', the
     * next uplink is 0), as at the target AMF; when the command carries NAS algorithms the UE takes them.
     * The variants cover idle-mode mobility: a key change while the UE has AS security is refused.
     * <p>
     * The command's KNASint stands for the NAS MAC that protects it: when the command carries one (a
     * target AMF filled it), the UE derives KNASint of the new context and refuses the command when they
     * differ, as a UE whose KAMF' is not the network's would fail the MAC check (a static data KDP
     * configured differently, a key bound to another AMF). A command a UE-side decoder filled with
     * {@link KeyChangeCommand#received} carries none, and only the other checks apply. Every check
     * ({@link UeKeyChangeState#check} first) comes before any change, so a refused command changes
     * nothing.
     *
     * @param command what the target AMF sent.
     * @return what changed.
     * @throws ProcedureNotAllowedException when the command is inconsistent with itself or the UE.
     * @throws VariantNotEnabledException   when it needs a variant the UE does not run.
     */
    public KeyChangeOutcome keyChangeCommand(final KeyChangeCommand command)
    {
        if (command == null)
        {
            throw InvalidParameterException.missing("command", "a KeyChangeCommand");
        }
        requireCurrent(UeKeyChangeState.PROCEDURE);
        requireSystem(AccessStratumChain.NR, UeKeyChangeState.PROCEDURE);
        final KeyDerivationParameter kdp = keyChange.check(command, current.ngKsi, current.downlinkNext);
        if (kdp != null && asActive)
        {
            throw new ProcedureNotAllowedException(UeKeyChangeState.PROCEDURE,
                "the key change variants cover idle-mode mobility; the UE is CONNECTED");
        }
        final int newCiphering = command.algorithmsIncluded() ? command.nas().ciphering() : current.ciphering;
        final int newIntegrity = command.algorithmsIncluded() ? command.nas().integrity() : current.integrity;
        try
        {
            if (kdp != null)
            {
                kdpBoundKamf.derive(kdf, rootSchedule, command.targetAmf(), kdp, scratch, 0);
                kdf.computeSchedule(scratch, scratchSchedule);
            }
            keyChange.verifyIntegrity(kdf, kdp != null ? scratchSchedule : rootSchedule, newIntegrity, command);
            if (kdp != null)
            {
                root(scratch, AccessStratumChain.NR, current.ngKsi);
            }
        }
        finally
        {
            Arrays.fill(scratch, (byte)0);
            scratchSchedule.clear();
            kdf.wipe();
        }
        if (kdp != null)
        {
            keyChange.keyChanged(kdp);
            current.uplinkNext = 0;
            // Nothing sent under the old KAMF keys anything under KAMF', and the NAS SMC before it can no
            // longer be taken back: its context is gone at the target.
            current.lastUplink = NO_COUNT;
            current.smcCountUnused = false;
            dropBeforeSmc();
        }
        current.ciphering = newCiphering;
        current.integrity = newIntegrity;
        current.downlinkNext = command.nas().downlinkNasCount() + 1;
        return KeyChangeOutcome.of(kdp != null, command.algorithmsIncluded());
    }

    /**
     * @return the UE's key change variant settings (static data KDP) and memory (KDP versions and
     *         timestamps used).
     */
    public UeKeyChangeState keyChange()
    {
        return keyChange;
    }

    // ---------------------------------------------------------------------------------------------
    // AS
    // ---------------------------------------------------------------------------------------------

    /**
     * Initial AS security: KgNB (KeNB) bound to NCC 0, from the UL NAS COUNT of a new uplink NAS message
     * the UE sends now (Service Request, Registration Request), or of its latest NAS SMC Complete if
     * that COUNT has keyed no KgNB yet.
     *
     * @param ulCount that COUNT.
     */
    public void initialContextSetup(final long ulCount)
    {
        checkInitialContextSetup(ulCount);
        if (!(current.smcCountUnused && ulCount == current.smcCompleteUplink && ulCount + 1 == current.uplinkNext))
        {
            sendUplink(ulCount);
        }
        startChain(ulCount);
        current.smcCountUnused = false;
        System.arraycopy(nh, 0, kgnb, 0, Kdf.KEY_LENGTH);
        kgnbNcc = 0;
        asActive = true;
    }

    /**
     * Checks, changing nothing, that the UE would take an Initial Context Setup after the uplink NAS
     * message of {@code ulCount}: a new one, or the NAS SMC Complete whose COUNT keyed no KgNB yet.
     *
     * @param ulCount the UL NAS COUNT.
     * @throws ProcedureNotAllowedException when it would not, saying why.
     */
    public void checkInitialContextSetup(final long ulCount)
    {
        requireCurrent("initial-context-setup");
        if (asActive)
        {
            throw new ProcedureNotAllowedException("initial-context-setup", "the UE is already CONNECTED");
        }
        SecurityContext.requireNasCount("ul-count", ulCount);
        if (ulCount < current.uplinkNext &&
            !(current.smcCountUnused && ulCount == current.smcCompleteUplink && ulCount + 1 == current.uplinkNext))
        {
            throw new ProcedureNotAllowedException("initial-context-setup", "UL NAS COUNT " + ulCount +
                " would be a replay: it was used, and not by a NAS SMC Complete that keyed no KgNB yet; the UE's next one is " +
                current.uplinkNext);
        }
    }

    /**
     * A handover command: applies its NAS container (a new KAMF, KASME' or KAMF' derived as the container
     * says), then derives the target's key: from a new initial key when keySetChangeIndicator is set or
     * the root key changed; horizontally from the current KgNB when NCC is unchanged; else vertically,
     * stepping the NH chain until its NCC is the one received.
     *
     * @param command what the network sent.
     */
    public void handoverCommand(final HandoverCommand command)
    {
        if (!asActive)
        {
            throw new ProcedureNotAllowedException("handover", "the UE has no AS security context (it is idle)");
        }
        final AccessStratumChain after = switch (command.nasContainer())
        {
            case HandoverCommand.TO_EPS -> AccessStratumChain.E_UTRA;
            case HandoverCommand.TO_5GS -> AccessStratumChain.NR;
            default -> current.chain;
        };
        if (command.target() != after)
        {
            throw new ProcedureNotAllowedException("handover", "a " + command.target().system() +
                " target cell but the UE's context would be " + after.system());
        }
        if (command.nasContainer() == HandoverCommand.SAME_KAMF && command.nasCount() < current.downlinkNext)
        {
            throw new ProcedureNotAllowedException("handover", "NAS container DL NAS COUNT " + command.nasCount() +
                " is a replay; the UE's next expected is " + current.downlinkNext);
        }
        boolean rootChanged = true;
        switch (command.nasContainer())
        {
            case HandoverCommand.HORIZONTAL_KAMF:
                requireSystem(AccessStratumChain.NR, "n2-handover");
                receiveDownlink(command.nasCount(), "n2-handover");
                kdf.horizontalKamf(rootSchedule, MobilityMode.HANDOVER, command.nasCount(), scratch, 0);
                root(scratch, AccessStratumChain.NR, current.ngKsi);
                current.uplinkNext = 0;
                current.downlinkNext = 0;
                break;

            case HandoverCommand.TO_EPS:
                requireSystem(AccessStratumChain.NR, "handover-to-eps");
                receiveDownlink(command.nasCount(), "handover-to-eps");
                kdf.kasmePrime(rootSchedule, MobilityMode.HANDOVER, command.nasCount(), scratch, 0);
                root(scratch, AccessStratumChain.E_UTRA, NgKsi.mapped(current.ngKsi));
                break;

            case HandoverCommand.TO_5GS:
                requireSystem(AccessStratumChain.E_UTRA, "handover-to-5gs");
                stepChainTo(command.nasNcc());
                kdf.kamfFromKasmeHandover(rootSchedule, nh, scratch, 0);
                root(scratch, AccessStratumChain.NR, NgKsi.mapped(current.ngKsi));
                current.uplinkNext = 0;
                current.downlinkNext = 0;
                break;

            case HandoverCommand.SAME_KAMF:
                receiveDownlink(command.nasCount(), "n2-handover");
                rootChanged = false;
                break;

            default:
                rootChanged = false;
                break;
        }
        final byte[] from;
        if (rootChanged || command.keySetChangeIndicator())
        {
            final long count;
            if (rootChanged)
            {
                count = HANDOVER_UPLINK_COUNT;
            }
            else
            {
                if (!current.smcCountUnused)
                {
                    throw new ProcedureNotAllowedException("handover",
                        "keySetChangeIndicator but no NAS SMC completed since the last AS re-keying");
                }
                count = current.smcCompleteUplink;
                current.smcCountUnused = false;
            }
            startChain(count);
            stepChainTo(command.ncc());
            from = nh;
        }
        else if (command.ncc() == kgnbNcc)
        {
            from = kgnb;
        }
        else
        {
            stepChainTo(command.ncc());
            from = nh;
        }
        kdf.computeSchedule(from, scratchSchedule);
        current.chain.handoverKey(kdf, scratchSchedule, command.pci(), command.arfcn(), kgnb);
        scratchSchedule.clear();
        kgnbNcc = command.ncc();
    }

    /**
     * The UE went to idle: its AS keys are zeroed.
     */
    public void release()
    {
        asActive = false;
        asRootSchedule.clear();
        Arrays.fill(kgnb, (byte)0);
        Arrays.fill(nh, (byte)0);
        kgnbNcc = 0;
        nhNcc = 0;
    }

    /**
     * A downlink NAS message with the given COUNT; refused as a replay when the UE already received it
     * or a later one.
     *
     * @param count the message's DL NAS COUNT.
     */
    public void receiveDownlink(final long count)
    {
        receiveDownlink(count, "dl-nas");
    }

    // ---------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------

    /**
     * @return the system of the current context.
     */
    public AccessStratumChain chain()
    {
        return current.chain;
    }

    /**
     * @return whether the UE has a current context.
     */
    public boolean hasCurrent()
    {
        return current.holdsKey();
    }

    /**
     * @return the current KAMF (KASME); the array itself.
     */
    public byte[] rootKey()
    {
        return current.rootKey;
    }

    /**
     * @return ngKSI (eKSI) of the current context, or {@link NgKsi#NO_KEY}.
     */
    public int ngKsi()
    {
        return current.ngKsi;
    }

    /**
     * @return the NAS ciphering algorithm (5G-EA, EEA) of the current context.
     */
    public int nasCipheringAlgorithm()
    {
        return current.ciphering;
    }

    /**
     * @return the NAS integrity algorithm (5G-IA, EIA) of the current context.
     */
    public int nasIntegrityAlgorithm()
    {
        return current.integrity;
    }

    /**
     * @return whether the old context of a mobility registration in progress is still kept.
     */
    public boolean keepsOldContext()
    {
        return oldKept;
    }

    /**
     * The NAS keys of the current context with its algorithms.
     *
     * @param encryption receives KNASenc, 16 octets.
     * @param integrityKey receives KNASint, 16 octets.
     */
    public void nasKeys(final byte[] encryption, final byte[] integrityKey)
    {
        current.chain.nasKeys(kdf, rootSchedule, current.ciphering, current.integrity, encryption, integrityKey);
    }

    /**
     * @return whether the UE has an AS security context.
     */
    public boolean asActive()
    {
        return asActive;
    }

    /**
     * @return the KgNB (KeNB) in use; the array itself.
     */
    public byte[] kgnb()
    {
        return kgnb;
    }

    /**
     * @return NCC of the KgNB in use.
     */
    public int ncc()
    {
        return kgnbNcc;
    }

    /**
     * @return the next DL NAS COUNT the UE accepts.
     */
    public long nextDownlinkCount()
    {
        return current.downlinkNext;
    }

    // ---------------------------------------------------------------------------------------------

    private void receiveDownlink(final long count, final String procedure)
    {
        if (count < current.downlinkNext)
        {
            throw new ProcedureNotAllowedException(procedure, "DL NAS COUNT " + count +
                " is a replay; the UE's next expected is " + current.downlinkNext);
        }
        current.downlinkNext = count + 1;
    }

    /**
     * Starts the NH chain from a new initial key of the current root key. The chain stays bound to that
     * root until the next start, even when a NAS SMC activates a new KAMF meanwhile.
     */
    private void startChain(final long ulCount)
    {
        kdf.computeSchedule(current.rootKey, asRootSchedule);
        asChain = current.chain;
        asChain.initialKey(kdf, asRootSchedule, ulCount, nh);
        nhNcc = 0;
    }

    private void stepChainTo(final int ncc)
    {
        InvalidParameterException.requireInRange("ncc", ncc, 0, 7);
        while (nhNcc != ncc)
        {
            asChain.nextHop(kdf, asRootSchedule, nh, nh);
            nhNcc = (nhNcc + 1) & 7;
        }
    }

    /**
     * A new root key for the current context, of the given system and ngKSI; its schedule follows.
     */
    private void root(final byte[] key, final AccessStratumChain system, final int ksi)
    {
        System.arraycopy(key, 0, current.rootKey, 0, Kdf.KEY_LENGTH);
        Arrays.fill(scratch, (byte)0);
        kdf.computeSchedule(current.rootKey, rootSchedule);
        current.chain = system;
        current.ngKsi = ksi;
    }

    /**
     * A kept context is current again, whole; the root key's schedule follows.
     */
    private void makeCurrent(final UeNasSecurityContext kept)
    {
        current.copyFrom(kept);
        Arrays.fill(scratch, (byte)0);
        kdf.computeSchedule(current.rootKey, rootSchedule);
    }

    private void keepOld()
    {
        old.copyFrom(current);
        oldKept = true;
    }

    private void dropOld()
    {
        old.wipe();
        oldKept = false;
    }

    private void requireCurrent(final String procedure)
    {
        if (!current.holdsKey())
        {
            throw new ProcedureNotAllowedException(procedure, "the UE has no current security context");
        }
    }

    private void requireSystem(final AccessStratumChain system, final String procedure)
    {
        if (current.chain != system)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE's context is " + current.chain.system() +
                ", not " + system.system());
        }
    }

    /**
     * Copies the UE's whole state, keys included, into {@code into}, so that {@link #restore} can put it
     * back after a step that is refused part way: every NAS security context it keeps, its AS keys and
     * NH chain with the schedules derived from them, and what it remembers of key changes.
     *
     * @param into a snapshot, reused from step to step; {@link Snapshot#wipe wipe} it once it is no
     *             longer needed.
     */
    public void snapshot(final Snapshot into)
    {
        into.current.copyFrom(current);
        into.partialNative.copyFrom(partialNative);
        into.old.copyFrom(old);
        into.beforeSmc.copyFrom(beforeSmc);
        into.partialNativeBeforeSmc.copyFrom(partialNativeBeforeSmc);
        copySchedule(rootSchedule, into.rootSchedule);
        copySchedule(asRootSchedule, into.asRootSchedule);
        System.arraycopy(kgnb, 0, into.kgnb, 0, Kdf.KEY_LENGTH);
        System.arraycopy(nh, 0, into.nh, 0, Kdf.KEY_LENGTH);
        into.keyChange.copyMemoryFrom(keyChange);
        into.oldKept = oldKept;
        into.smcCompleteSent = smcCompleteSent;
        into.oldRootKeyForAs = oldRootKeyForAs;
        into.asActive = asActive;
        into.asChain = asChain;
        into.kgnbNcc = kgnbNcc;
        into.nhNcc = nhNcc;
        into.taken = true;
    }

    /**
     * Puts back the state {@link #snapshot} copied from this UE. The schedules are copied, not derived
     * again: the AS chain's may belong to a root key the UE no longer keeps anywhere else.
     *
     * @param from a snapshot of this UE.
     * @throws IllegalStateException when {@code from} holds no snapshot (never taken, or wiped).
     */
    public void restore(final Snapshot from)
    {
        if (!from.taken)
        {
            throw new IllegalStateException("the UE's snapshot holds nothing to restore");
        }
        current.copyFrom(from.current);
        partialNative.copyFrom(from.partialNative);
        old.copyFrom(from.old);
        beforeSmc.copyFrom(from.beforeSmc);
        partialNativeBeforeSmc.copyFrom(from.partialNativeBeforeSmc);
        copySchedule(from.rootSchedule, rootSchedule);
        copySchedule(from.asRootSchedule, asRootSchedule);
        System.arraycopy(from.kgnb, 0, kgnb, 0, Kdf.KEY_LENGTH);
        System.arraycopy(from.nh, 0, nh, 0, Kdf.KEY_LENGTH);
        keyChange.copyMemoryFrom(from.keyChange);
        oldKept = from.oldKept;
        smcCompleteSent = from.smcCompleteSent;
        oldRootKeyForAs = from.oldRootKeyForAs;
        asActive = from.asActive;
        asChain = from.asChain;
        kgnbNcc = from.kgnbNcc;
        nhNcc = from.nhNcc;
    }

    private static void copySchedule(final KeySchedule from, final KeySchedule to)
    {
        to.buffer().putBytes(to.offset(), from.buffer(), from.offset(), KeyScheduleDescriptor.LENGTH);
    }

    /**
     * Zeroes every key.
     */
    public void close()
    {
        release();
        current.wipe();
        partialNative.wipe();
        dropBeforeSmc();
        dropOld();
        rootSchedule.clear();
        kdpBoundKamf.wipe();
    }

    public String toString()
    {
        return "UeMirror[" + current.chain.system() + ", ngKSI=" + NgKsi.toString(current.ngKsi) + ", asActive=" + asActive +
            ", ncc=" + kgnbNcc + "]";
    }

    /**
     * The state of a {@link UeMirror} at one moment. It holds keys (KAMF or KASME of every context kept,
     * KgNB, NH and their schedules): made once and reused, and {@link #wipe wiped} as soon as it is no
     * longer needed. {@link #toString()} shows no key. Not thread-safe.
     */
    public static final class Snapshot
    {
        private final UeNasSecurityContext current = new UeNasSecurityContext();
        private final UeNasSecurityContext partialNative = new UeNasSecurityContext();
        private final UeNasSecurityContext old = new UeNasSecurityContext();
        private final UeNasSecurityContext beforeSmc = new UeNasSecurityContext();
        private final UeNasSecurityContext partialNativeBeforeSmc = new UeNasSecurityContext();
        private final KeySchedule rootSchedule = new KeySchedule();
        private final KeySchedule asRootSchedule = new KeySchedule();
        private final byte[] kgnb = new byte[Kdf.KEY_LENGTH];
        private final byte[] nh = new byte[Kdf.KEY_LENGTH];
        /** Only its memory of KDPs used is kept; its variants are not the UE's. */
        private final UeKeyChangeState keyChange = new UeKeyChangeState(KeyChangeOptions.THREE_GPP_ONLY, 0);
        private boolean taken;
        private boolean oldKept;
        private long smcCompleteSent = NO_COUNT;
        private boolean oldRootKeyForAs = true;
        private boolean asActive;
        private AccessStratumChain asChain = AccessStratumChain.NR;
        private int kgnbNcc;
        private int nhNcc;

        /**
         * Zeroes every key and schedule and forgets the rest; a wiped snapshot cannot be restored.
         */
        public void wipe()
        {
            current.wipe();
            partialNative.wipe();
            old.wipe();
            beforeSmc.wipe();
            partialNativeBeforeSmc.wipe();
            rootSchedule.clear();
            asRootSchedule.clear();
            Arrays.fill(kgnb, (byte)0);
            Arrays.fill(nh, (byte)0);
            keyChange.forgetMemory();
            taken = false;
            oldKept = false;
            smcCompleteSent = NO_COUNT;
            oldRootKeyForAs = true;
            asActive = false;
            asChain = AccessStratumChain.NR;
            kgnbNcc = 0;
            nhNcc = 0;
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
            return "UeMirror.Snapshot[" + (taken ? current + ", asActive=" + asActive + ", ncc=" + kgnbNcc : "empty") + "]";
        }
    }
}

package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.ContextWriter;
import org.amfkeys.procedures.KeyCarrier;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

import static org.amfkeys.context.SecurityContext.FLAG_EPS;
import static org.amfkeys.context.SecurityContext.FLAG_KAMF_CHANGE_TO_SIGNAL;
import static org.amfkeys.procedures.ProcedureStateDescriptor.PROCEDURE_NAS_SMC;

/**
 * The AMF side of the key change variants from outside 3GPP, on the UE contexts of a
 * {@link ContextTable}. Every call is refused with {@link VariantNotEnabledException} unless the
 * {@link KeyChangeOptions} enable the variant it needs; with {@link KeyChangeOptions#THREE_GPP_ONLY}
 * nothing here runs.
 * <ul>
 *     <li>Source AMF: {@link #prepareKeyChange} derives KAMF' = {@link KdpBoundKamf}(KAMF, target GUAMI,
 *     KDP) from the UE's current KAMF for one target AMF; {@link #prepareCandidates} does so for up to
 *     {@value CandidateKeySet#MAX_CANDIDATES} candidate targets in one call, from the KAMF's key schedule
 *     already held in the context, and {@link CandidateKeySet#choose} later hands on only the chosen
 *     one's key. The source's own context does not change: it keeps serving the UE until the move
 *     completes (then delete it, as {@link org.amfkeys.procedures.AmfProcedures#moveCompleted} does).</li>
 *     <li>Target AMF: {@link #acceptKeyChange} stores the received context under KAMF' with NAS COUNTs
 *     from 0, selects NAS algorithms from the UE security capabilities when given priority lists, and
 *     fills the {@link KeyChangeCommand} for the UE with the KCI, the KDP and the algorithms;
 *     {@link #changeAlgorithms} sends new algorithms for the current KAMF without a NAS SMC.</li>
 * </ul>
 * The variants cover the NAS security context of idle-mode mobility; the AS keys of a UE that is
 * CONNECTED are not derived here.
 * <p>
 * Invalid arguments raise {@link InvalidParameterException} before anything changes. A call the UE's
 * state does not allow throws {@link ProcedureNotAllowedException}, leaves the context as it was and
 * zeroes the carrier it was filling. An unknown UE gives {@code false}.
 * <p>
 * Holds scratch memory and a {@link ContextCursor}: give each thread its own, over the same table.
 */
public final class KeyChangeProcedures implements AutoCloseable
{
    private final ContextTable table;
    private final Kdf kdf;
    private final KeyChangeOptions options;
    private final ContextCursor cursor;
    private final KdpBoundKamf derivation = new KdpBoundKamf();
    private final ContextWriter contexts;
    private final byte[] key = new byte[Kdf.KEY_LENGTH];
    private boolean closed;

    /**
     * @param table   the AMF's UE contexts.
     * @param kdf     derives keys; owned by this instance from now on.
     * @param options the variants this AMF runs.
     */
    public KeyChangeProcedures(final ContextTable table, final Kdf kdf, final KeyChangeOptions options)
    {
        requirePresent("table", table, "a ContextTable");
        requirePresent("options", options, "KeyChangeOptions");
        this.cursor = new ContextCursor(kdf);
        this.table = table;
        this.kdf = kdf;
        this.options = options;
        this.contexts = new ContextWriter(table, cursor);
    }

    /**
     * @return the variants this AMF runs.
     */
    public KeyChangeOptions options()
    {
        ensureOpen();
        return options;
    }

    // ---------------------------------------------------------------------------------------------
    // Source AMF
    // ---------------------------------------------------------------------------------------------

    /**
     * Source AMF: derives KAMF' = {@link KdpBoundKamf}(KAMF, targetAmf, kdp) from the UE's current
     * KAMF and fills the transfer for that target, with the KCI in the form asked for.
     *
     * @param ueId      the UE identifier.
     * @param targetAmf the target AMF's GUAMI.
     * @param kdp       the KDP.
     * @param form      how the UE learns of the change: {@link KeyChangeIndication.Form#EXPLICIT},
     *                  {@link KeyChangeIndication.Form#EXPLICIT_WITHOUT_KDP} (static data only) or
     *                  {@link KeyChangeIndication.Form#IMPLICIT} (needs {@link KeyChangeVariant#IMPLICIT_KCI}).
     * @param transfer  receives KAMF' and the context for the target.
     * @return false when the UE is unknown.
     * @throws VariantNotEnabledException without {@link KeyChangeVariant#KDP_BOUND_KAMF}.
     */
    public boolean prepareKeyChange(
        final long ueId, final Guami targetAmf, final KeyDerivationParameter kdp, final KeyChangeIndication.Form form,
        final KeyChangeTransfer transfer)
    {
        ensureOpen();
        options.require(KeyChangeVariant.KDP_BOUND_KAMF, "kdp-key-change");
        requirePresent("target-amf", targetAmf, "a GUAMI");
        requirePresent("transfer", transfer, "a KeyChangeTransfer");
        final KeyChangeIndication indication = indication(form, kdp, "kdp-key-change");
        final SecurityContext context = contexts.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireSourceContext(context, "kdp-key-change");
            derivation.derive(kdf, context.kamfSchedule(), targetAmf, kdp, key, 0);
            transfer.set(key, 0, targetAmf, indication, context.ngKsi(), context.nasCipheringAlgorithm(),
                context.nasIntegrityAlgorithm(), context.ueSecurityCapabilities());
            return contexts.commit();
        }
        finally
        {
            endStep(transfer);
        }
    }

    /**
     * Source AMF: prepares a distinct KAMF' for each of {@code count} candidate target AMFs in one call,
     * each bound to its candidate's GUAMI and to {@code kdp}, all from the KAMF key schedule held in the
     * context. Hand one on with {@link CandidateKeySet#choose}, which zeroes the others.
     *
     * @param ueId       the UE identifier.
     * @param targetAmfs the candidates' GUAMIs, distinct; the first {@code count} are used.
     * @param count      1..{@value CandidateKeySet#MAX_CANDIDATES}.
     * @param kdp        the KDP.
     * @param form       how the UE learns of the change, as for {@link #prepareKeyChange}.
     * @param candidates receives the keys; what it held before is zeroed.
     * @return false when the UE is unknown.
     * @throws VariantNotEnabledException without {@link KeyChangeVariant#KDP_BOUND_KAMF} and
     *                                    {@link KeyChangeVariant#CANDIDATE_AMFS}.
     */
    public boolean prepareCandidates(
        final long ueId, final Guami[] targetAmfs, final int count, final KeyDerivationParameter kdp,
        final KeyChangeIndication.Form form, final CandidateKeySet candidates)
    {
        ensureOpen();
        options.require(KeyChangeVariant.KDP_BOUND_KAMF, "candidate-key-change");
        options.require(KeyChangeVariant.CANDIDATE_AMFS, "candidate-key-change");
        requirePresent("target-amfs", targetAmfs, "1.." + CandidateKeySet.MAX_CANDIDATES + " distinct GUAMIs");
        InvalidParameterException.requireInRange("candidate-count", count, 1, CandidateKeySet.MAX_CANDIDATES);
        if (count > targetAmfs.length)
        {
            throw new InvalidParameterException("candidate-count", count + " but target-amfs holds " + targetAmfs.length,
                "1.." + Math.min(CandidateKeySet.MAX_CANDIDATES, targetAmfs.length));
        }
        for (int i = 0; i < count; i++)
        {
            requirePresent("target-amfs[" + i + "]", targetAmfs[i], "a GUAMI");
            for (int j = 0; j < i; j++)
            {
                if (targetAmfs[j].equals(targetAmfs[i]))
                {
                    throw new InvalidParameterException("target-amfs[" + i + "]", "the same AMF as target-amfs[" + j + "]",
                        "distinct AMFs, so that each gets its own key");
                }
            }
        }
        requirePresent("candidates", candidates, "a CandidateKeySet");
        final KeyChangeIndication indication = indication(form, kdp, "candidate-key-change");
        final SecurityContext context = contexts.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireSourceContext(context, "candidate-key-change");
            candidates.begin(targetAmfs, count);
            final byte[] keys = candidates.keyArray();
            for (int i = 0; i < count; i++)
            {
                derivation.derive(kdf, context.kamfSchedule(), targetAmfs[i], kdp, keys, i * Kdf.KEY_LENGTH);
            }
            candidates.prepared(indication, context.ngKsi(), context.nasCipheringAlgorithm(), context.nasIntegrityAlgorithm(),
                context.ueSecurityCapabilities());
            return contexts.commit();
        }
        finally
        {
            endStep(candidates);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Target AMF
    // ---------------------------------------------------------------------------------------------

    /**
     * Target AMF: stores the context received in {@code transfer} as the UE's current one (replacing
     * any kept here), under KAMF' with the same ngKSI and NAS COUNTs from 0, and fills the command for
     * the UE: the KCI as the source chose it, this AMF's GUAMI, and DL NAS COUNT 0. With
     * {@code priorities} it selects new NAS algorithms from the UE security capabilities and puts them
     * in the command, which then takes the place of a NAS SMC; without, the algorithms stay as
     * transferred. The transfer is zeroed once the key is stored.
     *
     * @param ueId       the UE identifier.
     * @param thisAmf    this AMF's GUAMI: the key must be bound to it.
     * @param transfer   what the source AMF sent.
     * @param priorities this AMF's NAS algorithm priority lists, or null to keep the algorithms.
     * @param command    receives the command for the UE and its NAS keys.
     * @throws VariantNotEnabledException    without {@link KeyChangeVariant#KDP_BOUND_KAMF}, with an
     *                                       implicit KCI without {@link KeyChangeVariant#IMPLICIT_KCI},
     *                                       with priorities without {@link KeyChangeVariant#ALGORITHMS_WITHOUT_SMC}.
     * @throws ProcedureNotAllowedException  when the transfer holds no key, the key is bound to another
     *                                       AMF, or no NAS algorithm is common to the UE and the lists.
     * @throws ContextTableFullException    when the UE is new here and the table is full.
     */
    public void acceptKeyChange(
        final long ueId, final Guami thisAmf, final KeyChangeTransfer transfer, final NasAlgorithmPriorities priorities,
        final KeyChangeCommand command)
    {
        ensureOpen();
        options.require(KeyChangeVariant.KDP_BOUND_KAMF, "accept-key-change");
        requirePresent("this-amf", thisAmf, "this AMF's GUAMI");
        requirePresent("transfer", transfer, "a KeyChangeTransfer");
        requirePresent("command", command, "a KeyChangeCommand");
        if (!transfer.isFilled())
        {
            throw new ProcedureNotAllowedException("accept-key-change", "the transfer holds no key");
        }
        if (!transfer.targetAmf().equals(thisAmf))
        {
            throw new ProcedureNotAllowedException("accept-key-change", "the key is bound to " + transfer.targetAmf() +
                ", not to this AMF " + thisAmf);
        }
        if (transfer.kci().form() == KeyChangeIndication.Form.IMPLICIT)
        {
            options.require(KeyChangeVariant.IMPLICIT_KCI, "accept-key-change");
        }
        int ciphering = transfer.ciphering();
        int integrity = transfer.integrity();
        if (priorities != null)
        {
            options.require(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC, "accept-key-change");
            ciphering = priorities.selectCiphering(transfer.ueSecurityCapabilities());
            integrity = priorities.selectIntegrity(transfer.ueSecurityCapabilities());
        }
        command.clear();
        try
        {
            final SecurityContext staged = contexts.stage(0);
            staged.kamf(transfer.kamfPrime(), kdf).ngKsi(transfer.ngKsi())
                .uplinkNasCount(0).downlinkNasCount(1)
                .nasAlgorithms(ciphering, integrity)
                .ueSecurityCapabilities(transfer.ueSecurityCapabilities());
            command.set(transfer.kci(), thisAmf, transfer.ngKsi(), priorities != null, ciphering, integrity, 0);
            nasKeys(staged, command);
            contexts.replace(ueId);
            transfer.clear();
        }
        catch (final RuntimeException ex)
        {
            command.clear();
            throw ex;
        }
        finally
        {
            contexts.clearStaged();
            wipe();
        }
    }

    /**
     * Selects new NAS algorithms for the UE's current KAMF from its security capabilities and fills a
     * command that carries them, with no KCI, in place of a NAS SMC; the context takes them at once.
     *
     * @param ueId       the UE identifier.
     * @param priorities this AMF's NAS algorithm priority lists.
     * @param command    receives the command and the new NAS keys.
     * @return false when the UE is unknown.
     * @throws VariantNotEnabledException without {@link KeyChangeVariant#ALGORITHMS_WITHOUT_SMC}.
     */
    public boolean changeAlgorithms(final long ueId, final NasAlgorithmPriorities priorities, final KeyChangeCommand command)
    {
        ensureOpen();
        options.require(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC, "nas-algorithm-change");
        requirePresent("priorities", priorities, "NAS algorithm priority lists");
        requirePresent("command", command, "a KeyChangeCommand");
        final SecurityContext context = contexts.claim(ueId);
        if (context == null)
        {
            return false;
        }
        try
        {
            requireSourceContext(context, "nas-algorithm-change");
            final int ciphering = priorities.selectCiphering(context.ueSecurityCapabilities());
            final int integrity = priorities.selectIntegrity(context.ueSecurityCapabilities());
            final long dlCount = context.takeDownlinkNasCount();
            if (dlCount == SecurityContext.EXHAUSTED)
            {
                throw ProcedureNotAllowedException.nasCountExhausted("nas-algorithm-change", true, AccessStratumChain.NR);
            }
            context.nasAlgorithms(ciphering, integrity);
            command.set(KeyChangeIndication.none(), null, context.ngKsi(), true, ciphering, integrity, dlCount);
            nasKeys(context, command);
            return contexts.commit();
        }
        finally
        {
            endStep(command);
        }
    }

    /**
     * The NAS keys that protect the command: of the context's KAMF, with the command's algorithms.
     */
    private void nasKeys(final SecurityContext context, final KeyChangeCommand command)
    {
        final NasSecurityModeCommand nas = command.nas();
        kdf.nasKeys(context.kamfSchedule(), nas.ciphering(), nas.integrity(), nas.nasEncryptionKey(), nas.nasIntegrityKey());
    }

    // ---------------------------------------------------------------------------------------------

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
        requirePresent("snapshot", snapshot, "a SecurityContext");
        return table.read(ueId, snapshot);
    }

    /**
     * Zeroes the scratch memory and the cursor's, and closes the KDF. Every call but this one and
     * {@link #toString()} throws an {@link IllegalStateException} afterwards; closing again does nothing.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        wipe();
        contexts.clearStaged();
        derivation.wipe();
        cursor.close();
        closed = true;
    }

    /**
     * @return the options, without state.
     */
    public String toString()
    {
        return "KeyChangeProcedures[" + options + "]";
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Ends a step: one that did not commit leaves the context as it was and {@code carrier} zeroed; the
     * scratch keys are zeroed either way.
     */
    private void endStep(final KeyCarrier carrier)
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

    private KeyChangeIndication indication(
        final KeyChangeIndication.Form form, final KeyDerivationParameter kdp, final String procedure)
    {
        final KeyChangeIndication indication = KeyChangeIndication.of(form, kdp);
        if (indication.form() == KeyChangeIndication.Form.IMPLICIT)
        {
            options.require(KeyChangeVariant.IMPLICIT_KCI, procedure);
        }
        return indication;
    }

    /**
     * The variants derive from a current, settled 5G context: not an EPS one, not one whose KAMF' still
     * awaits its NAS SMC, not while a NAS SMC is in flight (the UE may already use the command's keys).
     */
    private static void requireSourceContext(final SecurityContext context, final String procedure)
    {
        if (context.ngKsi() == NgKsi.NO_KEY)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE has no current security context");
        }
        if ((context.contextFlags() & FLAG_EPS) != 0)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE's context is an EPS one (KASME), not a KAMF");
        }
        if ((context.procedureState() & PROCEDURE_NAS_SMC) != 0)
        {
            throw new ProcedureNotAllowedException(procedure, "a NAS Security Mode Command is in flight");
        }
        if ((context.contextFlags() & FLAG_KAMF_CHANGE_TO_SIGNAL) != 0)
        {
            throw new ProcedureNotAllowedException(procedure, "the UE's KAMF' awaits its NAS SMC; it is not in use yet");
        }
    }

    private static void requirePresent(final String parameter, final Object value, final String allowed)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, allowed);
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("KeyChangeProcedures is closed");
        }
    }

    private void wipe()
    {
        // The KDF may have been closed by its owner; its memory is zeroed then.
        if (!kdf.isClosed())
        {
            kdf.wipe();
        }
        Arrays.fill(key, (byte)0);
    }
}

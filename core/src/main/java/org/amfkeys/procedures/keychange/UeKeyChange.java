package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.types.AlgorithmIdentity;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;
import java.util.Objects;

/**
 * The UE's side of the key change variants, kept independently of the network: from its own 5G NAS
 * security context and a {@link KeyChangeCommand} it derives the same KAMF' and NAS keys as the target
 * AMF, when, and only when, the KCI says so, explicitly (the flag) or implicitly (a KDP alone, only with
 * {@link KeyChangeVariant#IMPLICIT_KCI} enabled).
 * <p>
 * It ignores nothing silently: a command whose fields do not fit together, or that needs a variant the
 * UE's {@link KeyChangeOptions} leave off, is refused with an exception saying why, and the UE's context
 * stays as it was. It refuses in particular: an ngKSI that is not its context's; a key change without
 * the GUAMI the key is bound to; the flag without a KDP when it has no static data KDP configured; a
 * static data KDP other than the one configured; a version number or timestamp not above the last one
 * it used; NAS algorithms outside its security capabilities, or 5G-IA0; a command that signals
 * neither a key change nor algorithms; and, without a key change, a DL NAS COUNT it already received.
 * <p>
 * Not thread-safe. {@link #toString()} shows no key material.
 */
public final class UeKeyChange implements AutoCloseable
{
    /** What a command changed. */
    public enum Outcome
    {
        /** KAMF' replaced KAMF; the algorithms stayed. */
        KEY_CHANGED,
        /** New NAS algorithms for the same KAMF. */
        ALGORITHMS_CHANGED,
        /** KAMF' replaced KAMF and new NAS algorithms were taken. */
        KEY_AND_ALGORITHMS_CHANGED
    }

    private static final String PROCEDURE = "key-change";
    private static final long NONE = -1;

    private final Kdf kdf;
    private final KeyChangeOptions options;
    private final KdpBoundKamf derivation = new KdpBoundKamf();
    private final KeySchedule rootSchedule = new KeySchedule();
    private final byte[] rootKey = new byte[Kdf.KEY_LENGTH];
    private final byte[] scratch = new byte[Kdf.KEY_LENGTH];

    private int ngKsi = NgKsi.NO_KEY;
    private int ciphering;
    private int integrity;
    private int ueSecurityCapabilities;
    private long uplinkNext;
    private long downlinkNext;
    private KeyDerivationParameter staticKdp;
    private long lastVersion = NONE;
    private boolean timestampUsed;
    private long lastTimestamp;

    /**
     * @param kdf     derives keys; stays the caller's, and may be shared with other models of one thread.
     * @param options the variants the UE supports.
     */
    public UeKeyChange(final Kdf kdf, final KeyChangeOptions options)
    {
        this.kdf = Objects.requireNonNull(kdf, "kdf");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Sets the UE's current 5G NAS security context.
     *
     * @param kamf                   KAMF, 32 octets; copied.
     * @param ngKsi                  its ngKSI, 0..6 native or mapped.
     * @param ciphering              NAS ciphering algorithm in use, 0..15.
     * @param integrity              NAS integrity algorithm in use, 0..15.
     * @param ueSecurityCapabilities the UE security capabilities, as {@link NasAlgorithmPriorities} reads them.
     * @param nextDownlinkCount      the next DL NAS COUNT the UE accepts, 0..2^24-1.
     */
    public void securityContext(
        final byte[] kamf, final int ngKsi, final int ciphering, final int integrity, final int ueSecurityCapabilities,
        final long nextDownlinkCount)
    {
        if (kamf == null || kamf.length != Kdf.KEY_LENGTH)
        {
            throw kamf == null ? InvalidParameterException.missing("kamf", "32 octets") :
                InvalidParameterException.badLength("kamf", kamf.length, "32 octets");
        }
        if (NgKsi.keySetIdentifier(NgKsi.check("ngksi", ngKsi)) == NgKsi.NO_KEY)
        {
            throw new InvalidParameterException("ngksi", "no key", "a key set identifier 0..6, native or mapped");
        }
        AlgorithmIdentity.check("nas-enc", ciphering);
        AlgorithmIdentity.check("nas-int", integrity);
        if (nextDownlinkCount < 0 || nextDownlinkCount > SecurityContext.MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange("dl-count", nextDownlinkCount, 0, SecurityContext.MAX_NAS_COUNT);
        }
        System.arraycopy(kamf, 0, rootKey, 0, Kdf.KEY_LENGTH);
        kdf.computeSchedule(rootKey, rootSchedule);
        this.ngKsi = ngKsi;
        this.ciphering = ciphering;
        this.integrity = integrity;
        this.ueSecurityCapabilities = ueSecurityCapabilities;
        this.uplinkNext = 0;
        this.downlinkNext = nextDownlinkCount;
    }

    /**
     * Configures the static data KDP the UE shares with the network, used when the KCI carries the flag
     * without a KDP.
     *
     * @param kdp a {@link KeyDerivationParameter.Kind#STATIC_DATA static data} KDP, or null for none.
     */
    public void staticKdp(final KeyDerivationParameter kdp)
    {
        if (kdp != null && kdp.kind() != KeyDerivationParameter.Kind.STATIC_DATA)
        {
            throw new InvalidParameterException("static-kdp", "a " + kdp.kind().token(), "static-data, or none");
        }
        this.staticKdp = kdp;
    }

    /**
     * Applies a command from the target AMF: derives KAMF' = {@link KdpBoundKamf}(KAMF, the command's
     * GUAMI, the KDP) when the KCI signals a change, starting its NAS COUNTs from 0, and takes the
     * command's NAS algorithms when it carries them. All checks come first; a refused command changes
     * nothing.
     *
     * @param command what the network sent.
     * @return what changed.
     * @throws ProcedureNotAllowedException when the command is inconsistent with itself or the UE.
     * @throws VariantNotEnabledException   when it needs a variant the UE does not run.
     */
    public Outcome apply(final KeyChangeCommand command)
    {
        if (command == null)
        {
            throw InvalidParameterException.missing("command", "a KeyChangeCommand");
        }
        if (ngKsi == NgKsi.NO_KEY)
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "the UE has no current security context");
        }
        if (command.ngKsi() != ngKsi)
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "the command names ngKSI " + NgKsi.toString(command.ngKsi()) +
                ", the UE's context is " + NgKsi.toString(ngKsi));
        }
        final KeyChangeIndication kci = command.kci();
        final boolean keyChange = kci.signalsKeyChange();
        if (!keyChange && !command.algorithmsIncluded())
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "the command signals neither a key change nor NAS algorithms");
        }
        final KeyDerivationParameter kdp = keyChange ? checkKeyChange(command, kci) : null;
        if (command.algorithmsIncluded())
        {
            checkAlgorithms(command.ciphering(), command.integrity());
        }
        if (!keyChange && command.downlinkNasCount() < downlinkNext)
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "DL NAS COUNT " + command.downlinkNasCount() +
                " is a replay; the UE's next expected is " + downlinkNext);
        }

        if (keyChange)
        {
            try
            {
                derivation.derive(kdf, rootSchedule, command.targetAmf(), kdp, scratch, 0);
                System.arraycopy(scratch, 0, rootKey, 0, Kdf.KEY_LENGTH);
                kdf.computeSchedule(rootKey, rootSchedule);
            }
            finally
            {
                Arrays.fill(scratch, (byte)0);
                kdf.wipe();
            }
            uplinkNext = 0;
            remember(kdp);
        }
        if (command.algorithmsIncluded())
        {
            ciphering = command.ciphering();
            integrity = command.integrity();
        }
        downlinkNext = command.downlinkNasCount() + 1;
        if (keyChange)
        {
            return command.algorithmsIncluded() ? Outcome.KEY_AND_ALGORITHMS_CHANGED : Outcome.KEY_CHANGED;
        }
        return Outcome.ALGORITHMS_CHANGED;
    }

    private KeyDerivationParameter checkKeyChange(final KeyChangeCommand command, final KeyChangeIndication kci)
    {
        options.require(KeyChangeVariant.KDP_BOUND_KAMF, PROCEDURE);
        if (!kci.keyChangeFlag())
        {
            // A KDP without the flag means a key change only where the implicit KCI is agreed.
            options.require(KeyChangeVariant.IMPLICIT_KCI, PROCEDURE);
        }
        if (command.targetAmf() == null)
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "a key change without the GUAMI the key is bound to");
        }
        final KeyDerivationParameter received = kci.kdp();
        if (received == null)
        {
            if (staticKdp == null)
            {
                throw new ProcedureNotAllowedException(PROCEDURE,
                    "the key change flag came without a KDP and the UE has no static data KDP configured");
            }
            return staticKdp;
        }
        switch (received.kind())
        {
            case STATIC_DATA:
                if (staticKdp != null && !staticKdp.equals(received))
                {
                    throw new ProcedureNotAllowedException(PROCEDURE, "the static data KDP received is not the one the UE is configured with");
                }
                break;

            case VERSION:
                if (lastVersion != NONE && received.numericValue() <= lastVersion)
                {
                    throw new ProcedureNotAllowedException(PROCEDURE, "KDP version " + received.numericValue() +
                        " is not above the last one used, " + lastVersion);
                }
                break;

            case TIMESTAMP:
                if (timestampUsed && Long.compareUnsigned(received.numericValue(), lastTimestamp) <= 0)
                {
                    throw new ProcedureNotAllowedException(PROCEDURE, "KDP timestamp " + Long.toUnsignedString(received.numericValue()) +
                        " is not after the last one used, " + Long.toUnsignedString(lastTimestamp));
                }
                break;

            default:
                break;
        }
        return received;
    }

    private void checkAlgorithms(final int newCiphering, final int newIntegrity)
    {
        options.require(KeyChangeVariant.ALGORITHMS_WITHOUT_SMC, PROCEDURE);
        if (!NasAlgorithmPriorities.supportsCiphering(ueSecurityCapabilities, newCiphering))
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "5G-EA" + newCiphering + " is not among the UE's security capabilities");
        }
        if (newIntegrity == 0)
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "5G-IA0 (null integrity) is only for unauthenticated emergency sessions");
        }
        if (!NasAlgorithmPriorities.supportsIntegrity(ueSecurityCapabilities, newIntegrity))
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "5G-IA" + newIntegrity + " is not among the UE's security capabilities");
        }
    }

    private void remember(final KeyDerivationParameter kdp)
    {
        if (kdp.kind() == KeyDerivationParameter.Kind.VERSION)
        {
            lastVersion = kdp.numericValue();
        }
        else if (kdp.kind() == KeyDerivationParameter.Kind.TIMESTAMP)
        {
            lastTimestamp = kdp.numericValue();
            timestampUsed = true;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------

    /**
     * @return whether the UE has a current context.
     */
    public boolean hasCurrent()
    {
        return ngKsi != NgKsi.NO_KEY;
    }

    /**
     * Copies the current KAMF out.
     *
     * @param destination receives 32 octets.
     */
    public void copyKamf(final byte[] destination)
    {
        System.arraycopy(rootKey, 0, destination, 0, Kdf.KEY_LENGTH);
    }

    /**
     * @return ngKSI of the current context, or {@link NgKsi#NO_KEY}.
     */
    public int ngKsi()
    {
        return ngKsi;
    }

    /**
     * @return the NAS ciphering algorithm in use.
     */
    public int ciphering()
    {
        return ciphering;
    }

    /**
     * @return the NAS integrity algorithm in use.
     */
    public int integrity()
    {
        return integrity;
    }

    /**
     * @return the next DL NAS COUNT the UE accepts.
     */
    public long nextDownlinkCount()
    {
        return downlinkNext;
    }

    /**
     * @return the UL NAS COUNT of the UE's next uplink NAS message.
     */
    public long nextUplinkCount()
    {
        return uplinkNext;
    }

    /**
     * The NAS keys of the current context with its algorithms (TS 33.501 A.8).
     *
     * @param encryption receives KNASenc, 16 octets.
     * @param integrityKey receives KNASint, 16 octets.
     */
    public void nasKeys(final byte[] encryption, final byte[] integrityKey)
    {
        if (ngKsi == NgKsi.NO_KEY)
        {
            throw new ProcedureNotAllowedException("nas-keys", "the UE has no current security context");
        }
        kdf.algorithmKey(rootSchedule, AlgorithmTypeDistinguisher.NAS_ENC, ciphering, encryption, 0);
        kdf.algorithmKey(rootSchedule, AlgorithmTypeDistinguisher.NAS_INT, integrity, integrityKey, 0);
        kdf.wipe();
    }

    /**
     * Zeroes every key.
     */
    public void close()
    {
        Arrays.fill(rootKey, (byte)0);
        Arrays.fill(scratch, (byte)0);
        rootSchedule.clear();
        derivation.wipe();
        ngKsi = NgKsi.NO_KEY;
    }

    public String toString()
    {
        return "UeKeyChange[ngKSI=" + NgKsi.toString(ngKsi) + ", nas=NEA" + ciphering + "/NIA" + integrity + ", " + options + "]";
    }
}

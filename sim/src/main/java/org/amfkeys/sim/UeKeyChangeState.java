package org.amfkeys.sim;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.keychange.KdpBoundKamf;
import org.amfkeys.procedures.keychange.KeyChangeCommand;
import org.amfkeys.procedures.keychange.KeyChangeIndication;
import org.amfkeys.procedures.keychange.KeyChangeOptions;
import org.amfkeys.procedures.keychange.KeyChangeVariant;
import org.amfkeys.procedures.keychange.KeyDerivationParameter;
import org.amfkeys.procedures.keychange.NasAlgorithmPriorities;
import org.amfkeys.procedures.keychange.VariantNotEnabledException;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.NgKsi;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a UE keeps for the key change variants besides its NAS security context: the variants it runs,
 * its UE security capabilities, the static data KDP it is configured with, and the last KDP version
 * number and timestamp it used. {@link #check} judges a {@link KeyChangeCommand} against them and
 * against the UE's context; {@link org.amfkeys.sim.UeMirror#keyChangeCommand} is the one place
 * a UE applies what it accepts, deriving KAMF' with {@link KdpBoundKamf} as the AMF does, and
 * {@link #verifyIntegrity} checks the command under the keys the UE would have after it. Holds no key
 * between calls.
 * <p>
 * It ignores nothing silently: a command whose fields do not fit together, or that needs a variant the
 * {@link KeyChangeOptions} leave off, is refused with an exception saying why. It refuses in
 * particular: an ngKSI that is not the UE's context's; a key change without the GUAMI the key is bound
 * to; the flag without a KDP when no static data KDP is configured; a static data KDP other than the
 * one configured; a version number or timestamp not above the last one used; NAS algorithms outside
 * the UE security capabilities, or 5G-IA0; a command that signals neither a key change nor
 * algorithms; and, without a key change, a DL NAS COUNT the UE already received.
 * <p>
 * Not thread-safe. {@link #toString()} shows no KDP value.
 */
public final class UeKeyChangeState
{
    /** The procedure name refusals carry. */
    public static final String PROCEDURE = "key-change";

    private static final long NONE = -1;

    private final KeyChangeOptions options;
    private final int ueSecurityCapabilities;
    private final byte[] nasIntegrityKey = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private KeyDerivationParameter staticKdp;
    private long lastVersion = NONE;
    private boolean timestampUsed;
    private long lastTimestamp;

    /**
     * @param options                the variants the UE runs.
     * @param ueSecurityCapabilities the UE security capabilities it sends, as {@link NasAlgorithmPriorities}
     *                               reads them; NAS algorithms a command selects must be among them.
     */
    public UeKeyChangeState(final KeyChangeOptions options, final int ueSecurityCapabilities)
    {
        this.options = Objects.requireNonNull(options, "options");
        this.ueSecurityCapabilities = ueSecurityCapabilities;
    }

    /**
     * @return the variants the UE runs.
     */
    public KeyChangeOptions options()
    {
        return options;
    }

    /**
     * @return the UE security capabilities.
     */
    public int ueSecurityCapabilities()
    {
        return ueSecurityCapabilities;
    }

    /**
     * Configures the static data KDP the UE shares with the network, used when the KCI carries the flag
     * without a KDP.
     *
     * @param kdp a {@link KeyDerivationParameter.Kind#STATIC_DATA static data} KDP, or null for none.
     * @return this.
     * @throws InvalidParameterException naming {@code static-kdp} for another kind; nothing changes then.
     */
    public UeKeyChangeState staticKdp(final KeyDerivationParameter kdp)
    {
        if (kdp != null && kdp.kind() != KeyDerivationParameter.Kind.STATIC_DATA)
        {
            throw new InvalidParameterException("static-kdp", "a " + kdp.kind().token(), "static-data, or none");
        }
        this.staticKdp = kdp;
        return this;
    }

    /**
     * Judges a command against these settings and the UE's current 5G context, changing nothing.
     *
     * @param command           what the network sent.
     * @param ngKsi             ngKSI of the UE's current context.
     * @param nextDownlinkCount the next DL NAS COUNT the UE accepts under its current KAMF.
     * @return the KDP to derive KAMF' with when the KCI signals a key change, else null (the command
     *         changes only the NAS algorithms).
     * @throws ProcedureNotAllowedException when the command is inconsistent with itself or the UE.
     * @throws VariantNotEnabledException   when it needs a variant the UE does not run.
     */
    public KeyDerivationParameter check(final KeyChangeCommand command, final int ngKsi, final long nextDownlinkCount)
    {
        if (command == null)
        {
            throw InvalidParameterException.missing("command", "a KeyChangeCommand");
        }
        if (command.nas().ngKsi() != ngKsi)
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "the command names ngKSI " + NgKsi.toString(command.nas().ngKsi()) +
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
            checkAlgorithms(command.nas().ciphering(), command.nas().integrity());
        }
        // Under a new KAMF' the NAS COUNTs restart, so only a command for the same KAMF can be a replay.
        if (!keyChange && command.nas().downlinkNasCount() < nextDownlinkCount)
        {
            throw new ProcedureNotAllowedException(PROCEDURE, "DL NAS COUNT " + command.nas().downlinkNasCount() +
                " is a replay; the UE's next expected is " + nextDownlinkCount);
        }
        return kdp;
    }

    /**
     * Checks the command's KNASint, which stands for the NAS MAC that protects it, against the UE's own
     * of the context it would have after the command: refused when they differ, as a UE whose KAMF' is
     * not the network's fails the MAC check. A command a UE-side decoder filled carries no key (all
     * zeroes), and passes.
     *
     * @param kdf          derives the key.
     * @param newKamf      the key schedule of KAMF after the command (KAMF' on a key change).
     * @param newIntegrity the NAS integrity algorithm after the command.
     * @param command      what the network sent.
     * @throws ProcedureNotAllowedException when the command does not verify.
     */
    public void verifyIntegrity(final Kdf kdf, final KeySchedule newKamf, final int newIntegrity, final KeyChangeCommand command)
    {
        if (command == null)
        {
            throw InvalidParameterException.missing("command", "a KeyChangeCommand");
        }
        final byte[] received = command.nas().nasIntegrityKey();
        if (isZero(received))
        {
            return;
        }
        try
        {
            kdf.algorithmKey(newKamf, AlgorithmTypeDistinguisher.NAS_INT, newIntegrity, nasIntegrityKey, 0);
            if (!MessageDigest.isEqual(received, nasIntegrityKey))
            {
                throw new ProcedureNotAllowedException(PROCEDURE, "the command does not verify under the UE's new NAS integrity key");
            }
        }
        finally
        {
            Arrays.fill(nasIntegrityKey, (byte)0);
        }
    }

    /**
     * Records the KDP of a key change the UE made, so that a version number or timestamp is never
     * accepted a second time.
     *
     * @param kdp the KDP {@link #check} returned.
     */
    public void keyChanged(final KeyDerivationParameter kdp)
    {
        if (kdp == null)
        {
            throw InvalidParameterException.missing("kdp", "the key derivation parameter of the key change");
        }
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

    /**
     * Takes what {@code other} remembers, and its static data KDP; the variants and the UE security
     * capabilities stay this one's. For {@link UeMirror.Snapshot}, which keeps a UE's memory across a
     * step that may be refused.
     *
     * @param other the state to copy from.
     */
    void copyMemoryFrom(final UeKeyChangeState other)
    {
        staticKdp = other.staticKdp;
        lastVersion = other.lastVersion;
        timestampUsed = other.timestampUsed;
        lastTimestamp = other.lastTimestamp;
    }

    /**
     * Forgets every KDP used and the static data KDP, as a new state.
     */
    void forgetMemory()
    {
        staticKdp = null;
        lastVersion = NONE;
        timestampUsed = false;
        lastTimestamp = 0;
    }

    /**
     * @return the options and whether a static data KDP is configured; no KDP value.
     */
    public String toString()
    {
        return "UeKeyChangeState[" + options + ", staticKdp=" + (staticKdp == null ? "none" : "configured") + "]";
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
                    throw new ProcedureNotAllowedException(PROCEDURE,
                        "the static data KDP received is not the one the UE is configured with");
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

    private static boolean isZero(final byte[] octets)
    {
        int any = 0;
        for (final byte octet : octets)
        {
            any |= octet;
        }
        return any == 0;
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
}

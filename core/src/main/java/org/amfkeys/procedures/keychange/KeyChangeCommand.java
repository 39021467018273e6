package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.procedures.KeyCarrier;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.types.NgKsi;

/**
 * What a target AMF sends the UE in a key change variant: the KCI (flag and KDP) and the GUAMI the key
 * is bound to, riding in a {@link #nas() NAS Security Mode Command} that carries the ngKSI, the NAS
 * algorithms, the message's DL NAS COUNT and the NAS keys that protect it (the K_AMF_change_flag of
 * TS 33.501 stays clear: the KCI takes its place). With {@link KeyChangeVariant#ALGORITHMS_WITHOUT_SMC}
 * the algorithms are ones this AMF selected, and the same content can travel in any first downlink NAS
 * message instead of an SMC. The target fills it together with the NAS keys; a UE-side decoder fills
 * it with {@link #received}.
 * <p>
 * Reused by its owner from call to call; {@link #clear()} zeroes the keys.
 */
public final class KeyChangeCommand implements KeyCarrier
{
    private final NasSecurityModeCommand nas = new NasSecurityModeCommand();
    private KeyChangeIndication kci = KeyChangeIndication.none();
    private Guami targetAmf;
    private boolean algorithmsIncluded;

    /**
     * Fills the command as a UE decoded it from a message, before the UE judges it.
     *
     * @param kci                the KCI received.
     * @param targetAmf          the GUAMI received, or null when none was.
     * @param ngKsi              the ngKSI received.
     * @param algorithmsIncluded whether NAS algorithms were received.
     * @param ciphering          the 5G-EA received, 0..15 (ignored without algorithms).
     * @param integrity          the 5G-IA received, 0..15 (ignored without algorithms).
     * @param dlCount            the message's DL NAS COUNT, 0..2^24-1.
     * @return this.
     * @throws InvalidParameterException naming the field out of range; nothing changes then.
     */
    public KeyChangeCommand received(
        final KeyChangeIndication kci, final Guami targetAmf, final int ngKsi, final boolean algorithmsIncluded,
        final int ciphering, final int integrity, final long dlCount)
    {
        if (kci == null)
        {
            throw InvalidParameterException.missing("kci", "a KeyChangeIndication (none() for no key change)");
        }
        // Without algorithms the received values mean nothing, so they are neither checked nor kept.
        set(kci, targetAmf, ngKsi, algorithmsIncluded, algorithmsIncluded ? ciphering : 0,
            algorithmsIncluded ? integrity : 0, dlCount);
        return this;
    }

    /**
     * @return the KCI.
     */
    public KeyChangeIndication kci()
    {
        return kci;
    }

    /**
     * @return the GUAMI the new key is bound to, or null.
     */
    public Guami targetAmf()
    {
        return targetAmf;
    }

    /**
     * @return whether the command carries NAS algorithms selected by the target AMF.
     */
    public boolean algorithmsIncluded()
    {
        return algorithmsIncluded;
    }

    /**
     * @return the NAS part: ngKSI of the context, the NAS algorithms in use after the command (as
     *         selected when {@link #algorithmsIncluded() included}), the command's DL NAS COUNT, and
     *         KNASenc and KNASint the target derived (zeroes in a received command).
     */
    public NasSecurityModeCommand nas()
    {
        return nas;
    }

    /**
     * Fills the command; the NAS keys are zeroed, for the caller to derive into {@link #nas()}'s arrays.
     */
    void set(
        final KeyChangeIndication kci, final Guami targetAmf, final int ngKsi, final boolean algorithmsIncluded,
        final int ciphering, final int integrity, final long dlCount)
    {
        nas.received(ngKsi, ciphering, integrity, false, dlCount);
        this.kci = kci;
        this.targetAmf = targetAmf;
        this.algorithmsIncluded = algorithmsIncluded;
    }

    /**
     * Zeroes the keys and empties the command.
     */
    public void clear()
    {
        nas.clear();
        kci = KeyChangeIndication.none();
        targetAmf = null;
        algorithmsIncluded = false;
    }

    public String toString()
    {
        return "KeyChangeCommand[" + kci + ", target=" + targetAmf + ", ngKSI=" + NgKsi.toString(nas.ngKsi()) +
            (algorithmsIncluded ? ", nas=NEA" + nas.ciphering() + "/NIA" + nas.integrity() : ", algorithms unchanged") +
            ", dlCount=" + nas.downlinkNasCount() + "]";
    }
}

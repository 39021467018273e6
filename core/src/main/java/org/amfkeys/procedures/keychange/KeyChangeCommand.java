package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.types.AlgorithmIdentity;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

/**
 * What a target AMF sends the UE in a key change variant: the KCI (flag and KDP), the GUAMI the key is
 * bound to, the ngKSI, the DL NAS COUNT of the message, and the NAS algorithms when this AMF selected
 * new ones ({@link KeyChangeVariant#ALGORITHMS_WITHOUT_SMC}). It can ride in a NAS Security Mode
 * Command or, with the algorithms, in any first downlink NAS message in its place. The target fills it
 * together with the NAS keys that protect it; a UE-side decoder fills it with {@link #received}.
 * <p>
 * Reused by its owner from call to call; {@link #clear()} zeroes the keys.
 */
public final class KeyChangeCommand
{
    private final byte[] nasEncryptionKey = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private final byte[] nasIntegrityKey = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private KeyChangeIndication kci = KeyChangeIndication.none();
    private Guami targetAmf;
    private int ngKsi = NgKsi.NO_KEY;
    private boolean algorithmsIncluded;
    private int ciphering;
    private int integrity;
    private long downlinkNasCount;

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
        NgKsi.check("ngksi", ngKsi);
        if (algorithmsIncluded)
        {
            AlgorithmIdentity.check("nas-enc", ciphering);
            AlgorithmIdentity.check("nas-int", integrity);
        }
        if (dlCount < 0 || dlCount > SecurityContext.MAX_NAS_COUNT)
        {
            throw InvalidParameterException.outOfRange("dl-count", dlCount, 0, SecurityContext.MAX_NAS_COUNT);
        }
        Arrays.fill(nasEncryptionKey, (byte)0);
        Arrays.fill(nasIntegrityKey, (byte)0);
        set(kci, targetAmf, ngKsi, algorithmsIncluded, ciphering, integrity, dlCount);
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
     * @return the ngKSI of the context.
     */
    public int ngKsi()
    {
        return ngKsi;
    }

    /**
     * @return whether the command carries NAS algorithms selected by the target AMF.
     */
    public boolean algorithmsIncluded()
    {
        return algorithmsIncluded;
    }

    /**
     * @return the NAS ciphering algorithm in use after the command (as selected when included).
     */
    public int ciphering()
    {
        return ciphering;
    }

    /**
     * @return the NAS integrity algorithm in use after the command (as selected when included).
     */
    public int integrity()
    {
        return integrity;
    }

    /**
     * @return the command's DL NAS COUNT.
     */
    public long downlinkNasCount()
    {
        return downlinkNasCount;
    }

    /**
     * @return KNASenc the target derived; the array itself (zeroes in a received command).
     */
    public byte[] nasEncryptionKey()
    {
        return nasEncryptionKey;
    }

    /**
     * @return KNASint the target derived; the array itself (zeroes in a received command).
     */
    public byte[] nasIntegrityKey()
    {
        return nasIntegrityKey;
    }

    void set(
        final KeyChangeIndication kci, final Guami targetAmf, final int ngKsi, final boolean algorithmsIncluded,
        final int ciphering, final int integrity, final long dlCount)
    {
        this.kci = kci;
        this.targetAmf = targetAmf;
        this.ngKsi = ngKsi;
        this.algorithmsIncluded = algorithmsIncluded;
        this.ciphering = ciphering;
        this.integrity = integrity;
        this.downlinkNasCount = dlCount;
    }

    /**
     * Zeroes the keys and empties the command.
     */
    public void clear()
    {
        Arrays.fill(nasEncryptionKey, (byte)0);
        Arrays.fill(nasIntegrityKey, (byte)0);
        set(KeyChangeIndication.none(), null, NgKsi.NO_KEY, false, 0, 0, 0);
    }

    public String toString()
    {
        return "KeyChangeCommand[" + kci + ", target=" + targetAmf + ", ngKSI=" + NgKsi.toString(ngKsi) +
            (algorithmsIncluded ? ", nas=NEA" + ciphering + "/NIA" + integrity : ", algorithms unchanged") +
            ", dlCount=" + downlinkNasCount + "]";
    }
}

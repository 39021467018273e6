package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.types.AlgorithmIdentity;
import org.amfkeys.types.NgKsi;

/**
 * What an AMF (MME) sends in a NAS Security Mode Command, plus the NAS keys it protects the command
 * with: the ngKSI (eKSI) of the context being activated, the selected algorithms, the
 * K_AMF_change_flag of a horizontal KAMF derivation (TS 33.501 6.9.3) and the command's DL NAS COUNT.
 * <p>
 * Reused by its owner from call to call; {@link #clear()} zeroes the keys.
 */
public final class NasSecurityModeCommand implements KeyCarrier
{
    private final byte[] nasEncryptionKey = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private final byte[] nasIntegrityKey = new byte[AccessStratumChain.NAS_KEY_LENGTH];
    private int ngKsi;
    private int ciphering;
    private int integrity;
    private boolean kamfChangeFlag;
    private long downlinkNasCount;

    /**
     * Fills the command as a UE decoded it from a message, before the UE judges it; the NAS keys are
     * zeroed, as a UE derives its own. A command that carries this one, such as a key change variant's,
     * fills it this way too and then derives the keys into {@link #nasEncryptionKey()} and
     * {@link #nasIntegrityKey()}.
     *
     * @param ngKsi          the ngKSI (eKSI) received, 0..15.
     * @param ciphering      the NAS ciphering algorithm received, 0..15.
     * @param integrity      the NAS integrity algorithm received, 0..15.
     * @param kamfChangeFlag the K_AMF_change_flag received.
     * @param dlCount        the command's DL NAS COUNT, 0..2^24-1.
     * @return this.
     * @throws InvalidParameterException naming the field out of range; nothing changes then.
     */
    public NasSecurityModeCommand received(
        final int ngKsi, final int ciphering, final int integrity, final boolean kamfChangeFlag, final long dlCount)
    {
        NgKsi.check("ngksi", ngKsi);
        AlgorithmIdentity.check("nas-enc", ciphering);
        AlgorithmIdentity.check("nas-int", integrity);
        SecurityContext.requireNasCount("dl-count", dlCount);
        Octets.zero(nasEncryptionKey);
        Octets.zero(nasIntegrityKey);
        set(ngKsi, ciphering, integrity, kamfChangeFlag, dlCount);
        return this;
    }

    /**
     * @return ngKSI (eKSI) of the context the command activates.
     */
    public int ngKsi()
    {
        return ngKsi;
    }

    /**
     * @return the selected NAS ciphering algorithm identifier.
     */
    public int ciphering()
    {
        return ciphering;
    }

    /**
     * @return the selected NAS integrity algorithm identifier.
     */
    public int integrity()
    {
        return integrity;
    }

    /**
     * @return K_AMF_change_flag: the UE derives KAMF' (A.13, DIRECTION 0x00) from its current KAMF.
     */
    public boolean kamfChangeFlag()
    {
        return kamfChangeFlag;
    }

    /**
     * @return the DL NAS COUNT of the command.
     */
    public long downlinkNasCount()
    {
        return downlinkNasCount;
    }

    /**
     * @return KNASenc of the activated context; the array itself.
     */
    public byte[] nasEncryptionKey()
    {
        return nasEncryptionKey;
    }

    /**
     * @return KNASint of the activated context; the array itself.
     */
    public byte[] nasIntegrityKey()
    {
        return nasIntegrityKey;
    }

    void set(final int ngKsi, final int ciphering, final int integrity, final boolean kamfChangeFlag, final long dlCount)
    {
        this.ngKsi = ngKsi;
        this.ciphering = ciphering;
        this.integrity = integrity;
        this.kamfChangeFlag = kamfChangeFlag;
        this.downlinkNasCount = dlCount;
    }

    /**
     * Zeroes the keys.
     */
    public void clear()
    {
        Octets.zero(nasEncryptionKey);
        Octets.zero(nasIntegrityKey);
        set(0, 0, 0, false, 0);
    }

    public String toString()
    {
        return "NasSecurityModeCommand[ngKSI=" + NgKsi.toString(ngKsi) + ", ciphering=" + ciphering +
            ", integrity=" + integrity + ", kamfChangeFlag=" + kamfChangeFlag + ", dlCount=" + downlinkNasCount + "]";
    }
}

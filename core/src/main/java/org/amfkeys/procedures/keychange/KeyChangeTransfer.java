package org.amfkeys.procedures.keychange;

import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.KeyCarrier;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

/**
 * What a source AMF hands the target AMF in a KDP-bound key change: KAMF' (never the old KAMF), the
 * GUAMI of the one AMF the key is bound to, the KCI to forward to the UE, and the context's ngKSI,
 * NAS algorithms and UE security capabilities.
 * <p>
 * Reused by its owner from call to call; {@link #clear()} zeroes the key. {@link #toString()} shows no
 * key material.
 */
public final class KeyChangeTransfer implements KeyCarrier
{
    private final byte[] kamfPrime = new byte[Kdf.KEY_LENGTH];
    private Guami targetAmf;
    private KeyChangeIndication kci = KeyChangeIndication.none();
    private int ngKsi = NgKsi.NO_KEY;
    private int ciphering;
    private int integrity;
    private int ueSecurityCapabilities;
    private boolean filled;

    /**
     * @return whether the transfer holds a key (filled by a source AMF and not cleared since).
     */
    public boolean isFilled()
    {
        return filled;
    }

    /**
     * @return KAMF'; the array itself.
     */
    public byte[] kamfPrime()
    {
        return kamfPrime;
    }

    /**
     * @return the GUAMI of the AMF the key is bound to.
     */
    public Guami targetAmf()
    {
        return targetAmf;
    }

    /**
     * @return the KCI for the UE.
     */
    public KeyChangeIndication kci()
    {
        return kci;
    }

    /**
     * @return ngKSI of the context; KAMF' keeps it, as a horizontal KAMF' does in TS 33.501.
     */
    public int ngKsi()
    {
        return ngKsi;
    }

    /**
     * @return the NAS ciphering algorithm in use at the source.
     */
    public int ciphering()
    {
        return ciphering;
    }

    /**
     * @return the NAS integrity algorithm in use at the source.
     */
    public int integrity()
    {
        return integrity;
    }

    /**
     * @return the UE security capabilities.
     */
    public int ueSecurityCapabilities()
    {
        return ueSecurityCapabilities;
    }

    void set(
        final byte[] key, final int keyOffset, final Guami targetAmf, final KeyChangeIndication kci, final int ngKsi,
        final int ciphering, final int integrity, final int ueSecurityCapabilities)
    {
        System.arraycopy(key, keyOffset, kamfPrime, 0, Kdf.KEY_LENGTH);
        this.targetAmf = targetAmf;
        this.kci = kci;
        this.ngKsi = ngKsi;
        this.ciphering = ciphering;
        this.integrity = integrity;
        this.ueSecurityCapabilities = ueSecurityCapabilities;
        this.filled = true;
    }

    /**
     * Zeroes the key and empties the transfer.
     */
    public void clear()
    {
        Arrays.fill(kamfPrime, (byte)0);
        targetAmf = null;
        kci = KeyChangeIndication.none();
        ngKsi = NgKsi.NO_KEY;
        ciphering = 0;
        integrity = 0;
        ueSecurityCapabilities = 0;
        filled = false;
    }

    public String toString()
    {
        return "KeyChangeTransfer[" + (filled ? "target=" + targetAmf + ", " + kci + ", ngKSI=" + NgKsi.toString(ngKsi) +
            ", nas=NEA" + ciphering + "/NIA" + integrity : "empty") + "]";
    }
}

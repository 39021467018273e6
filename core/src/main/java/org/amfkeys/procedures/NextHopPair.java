package org.amfkeys.procedures;

import org.amfkeys.Octets;
import org.amfkeys.kdf.Kdf;

/**
 * The {NH, NCC} pair a core network hands to the RAN in a Path Switch Request Acknowledge, an N2 (S1)
 * Handover Request or a UE Context Modification. After a key change the "NH" is a fresh KgNB (KeNB)
 * with NCC 0 and {@link #newSecurityContext()} is set: the NSCI, or keyAmfChangeInd on N2
 * (TS 33.501 6.9.2.3.2, 6.9.2.3.3). At Initial Context Setup it carries the initial KgNB with NCC 0.
 * <p>
 * Reused by its owner from call to call; {@link #clear()} zeroes the key.
 */
public final class NextHopPair implements KeyCarrier
{
    private final byte[] key = new byte[Kdf.KEY_LENGTH];
    private int ncc;
    private boolean newSecurityContext;

    /**
     * @return the NH, or the KgNB (KeNB) of a new security context; the array itself, not a copy.
     */
    public byte[] key()
    {
        return key;
    }

    /**
     * @return NCC, 0..7.
     */
    public int ncc()
    {
        return ncc;
    }

    /**
     * @return whether the key is a KgNB of a new security context (NSCI, keyAmfChangeInd).
     */
    public boolean newSecurityContext()
    {
        return newSecurityContext;
    }

    /**
     * @param key                the NH or KgNB, 32 octets.
     * @param ncc                its NCC.
     * @param newSecurityContext whether it belongs to a new security context.
     */
    public void set(final byte[] key, final int ncc, final boolean newSecurityContext)
    {
        System.arraycopy(key, 0, this.key, 0, Kdf.KEY_LENGTH);
        this.ncc = ncc;
        this.newSecurityContext = newSecurityContext;
    }

    /**
     * Describes the key written in place into {@link #key()}: no copy of the key onto itself.
     *
     * @param ncc                its NCC.
     * @param newSecurityContext whether it belongs to a new security context.
     */
    public void set(final int ncc, final boolean newSecurityContext)
    {
        this.ncc = ncc;
        this.newSecurityContext = newSecurityContext;
    }

    /**
     * @param other the pair to copy.
     */
    public void copyFrom(final NextHopPair other)
    {
        set(other.key, other.ncc, other.newSecurityContext);
    }

    /**
     * Zeroes the key.
     */
    public void clear()
    {
        Octets.zero(key);
        ncc = 0;
        newSecurityContext = false;
    }

    public String toString()
    {
        return "NextHopPair[ncc=" + ncc + ", newSecurityContext=" + newSecurityContext + "]";
    }
}

package org.amfkeys.sim;

import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

/**
 * One NAS security context as the UE holds it (TS 33.501 6.3, TS 33.401 7.2.5): the root key KAMF
 * (KASME in EPS) with the system whose key hierarchy it belongs to, its ngKSI (eKSI), the selected NAS
 * ciphering and integrity algorithms, and the UL and DL NAS COUNTs; plus what the UE records of its
 * uplink under it: the COUNT of its last uplink NAS message (input to KAMF' with the K_AMF_change_flag)
 * and of its latest NAS SMC Complete (input to the next KgNB, KeNB) with whether that COUNT keyed a KgNB
 * yet.
 * <p>
 * {@link UeMirror} keeps several: the current context, the partial native one an authentication leaves
 * for the NAS SMC that activates it (it uses the key and ngKSI only), the old one a mobility registration
 * keeps until it ends, and copies of the current and partial native ones from before the last NAS SMC.
 * Moving a context from one to another is {@link #copyFrom}; retiring one is {@link #wipe}. The fields
 * are read and written directly by that one owner, which keeps everything derived from a context (the
 * root key's schedule) consistent with it.
 * <p>
 * Not thread-safe. {@link #toString()} shows no key.
 */
final class UeNasSecurityContext
{
    /** A NAS COUNT the UE has not used: no uplink message sent, no NAS SMC Complete under this context. */
    static final long NO_COUNT = -1;

    /** KAMF (KASME); the array lives as long as the context, so a wipe reaches every use of it. */
    final byte[] rootKey = new byte[Kdf.KEY_LENGTH];

    /** The system of the key hierarchy: {@link AccessStratumChain#NR} (5GS) or {@link AccessStratumChain#E_UTRA} (EPS). */
    AccessStratumChain chain = AccessStratumChain.NR;

    /** ngKSI (eKSI) as {@link NgKsi} encodes it; {@link NgKsi#NO_KEY} when the context holds no key. */
    int ngKsi = NgKsi.NO_KEY;

    /** NAS ciphering algorithm, 5G-EA (EEA). */
    int ciphering;

    /** NAS integrity algorithm, 5G-IA (EIA). */
    int integrity;

    /** The UL NAS COUNT of the UE's next uplink NAS message. */
    long uplinkNext;

    /** The DL NAS COUNT the UE accepts next. */
    long downlinkNext;

    /** The UL NAS COUNT of the UE's last uplink NAS message, or {@link #NO_COUNT}. */
    long lastUplink = NO_COUNT;

    /** The UL NAS COUNT of the latest NAS SMC Complete, or {@link #NO_COUNT}. */
    long smcCompleteUplink = NO_COUNT;

    /** Whether {@link #smcCompleteUplink} has keyed no KgNB (KeNB) yet. */
    boolean smcCountUnused;

    /**
     * @return whether the context holds a key: its ngKSI is not {@link NgKsi#NO_KEY}.
     */
    boolean holdsKey()
    {
        return ngKsi != NgKsi.NO_KEY;
    }

    /**
     * Makes this context a copy of {@code other}, key included.
     *
     * @param other the context to copy.
     */
    void copyFrom(final UeNasSecurityContext other)
    {
        System.arraycopy(other.rootKey, 0, rootKey, 0, Kdf.KEY_LENGTH);
        chain = other.chain;
        ngKsi = other.ngKsi;
        ciphering = other.ciphering;
        integrity = other.integrity;
        uplinkNext = other.uplinkNext;
        downlinkNext = other.downlinkNext;
        lastUplink = other.lastUplink;
        smcCompleteUplink = other.smcCompleteUplink;
        smcCountUnused = other.smcCountUnused;
    }

    /**
     * Zeroes the key and resets every field to that of a new context, which holds no key.
     */
    void wipe()
    {
        Arrays.fill(rootKey, (byte)0);
        chain = AccessStratumChain.NR;
        ngKsi = NgKsi.NO_KEY;
        ciphering = 0;
        integrity = 0;
        uplinkNext = 0;
        downlinkNext = 0;
        lastUplink = NO_COUNT;
        smcCompleteUplink = NO_COUNT;
        smcCountUnused = false;
    }

    /**
     * @return the system, ngKSI, algorithms and NAS COUNTs; never the key.
     */
    public String toString()
    {
        return "UeNasSecurityContext[" + chain.system() + ", ngKSI=" + NgKsi.toString(ngKsi) + ", ciphering=" + ciphering +
            ", integrity=" + integrity + ", nextUplink=" + uplinkNext + ", nextDownlink=" + downlinkNext + "]";
    }
}

package org.amfkeys.procedures;

import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

/**
 * The security context one core network node hands another when a UE moves: the content of
 * Namf_Communication_CreateUEContext (N2 handover), of the UEContextTransfer response (mobility
 * registration), or of the S10 Forward Relocation Request between MMEs (TS 33.401 7.2.10 (8)) or to
 * and from an MME (interworking, TS 33.501 clause 8). KSEAF is never part of it.
 * <p>
 * Reused by its owner from call to call; {@link #clear()} zeroes the keys.
 */
public final class UeContextTransfer implements KeyCarrier
{
    private final byte[] rootKey = new byte[Kdf.KEY_LENGTH];
    private final NextHopPair nextHop = new NextHopPair();
    private final byte[] oldRootKeyForAs = new byte[Kdf.KEY_LENGTH];
    private boolean hasOldRootKeyForAs;
    private int oldKsiForAs;
    private long smcCompleteUplinkCount;
    private boolean smcCountUnused;
    private AccessStratumChain system = AccessStratumChain.NR;
    private MobilityMode mobility = MobilityMode.IDLE;
    private int ngKsi;
    private long uplinkNasCount;
    private long downlinkNasCount;
    private int ciphering;
    private int integrity;
    private int ueSecurityCapabilities;
    private boolean keyAmfHDerivationInd;
    private boolean keyAmfChangeInd;
    private long derivationCount;
    private HorizontalKamfDecision horizontalKamfDecision;
    private ConcurrencyRule deferredBy;

    /**
     * @return the system the context is for: {@link AccessStratumChain#NR} (a KAMF) or
     *         {@link AccessStratumChain#E_UTRA} (a KASME).
     */
    public AccessStratumChain system()
    {
        return system;
    }

    /**
     * @return idle-mode mobility or handover.
     */
    public MobilityMode mobility()
    {
        return mobility;
    }

    /**
     * @return KAMF (or KASME) of the transferred context; the array itself.
     */
    public byte[] rootKey()
    {
        return rootKey;
    }

    /**
     * @return ngKSI (or eKSI) of the transferred context.
     */
    public int ngKsi()
    {
        return ngKsi;
    }

    /**
     * @return the next uplink NAS COUNT expected.
     */
    public long uplinkNasCount()
    {
        return uplinkNasCount;
    }

    /**
     * @return the next downlink NAS COUNT.
     */
    public long downlinkNasCount()
    {
        return downlinkNasCount;
    }

    /**
     * @return the selected NAS ciphering algorithm.
     */
    public int ciphering()
    {
        return ciphering;
    }

    /**
     * @return the selected NAS integrity algorithm.
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

    /**
     * @return keyAmfHDerivationInd: the root key is a horizontally derived KAMF' (A.13).
     */
    public boolean keyAmfHDerivationInd()
    {
        return keyAmfHDerivationInd;
    }

    /**
     * @return keyAmfChangeInd: the UE must re-key AS with the {@link #nextHop() pair}'s KgNB.
     */
    public boolean keyAmfChangeInd()
    {
        return keyAmfChangeInd;
    }

    /**
     * @return the NAS COUNT the root key was derived with (A.13, A.14, A.15.1), else 0.
     */
    public long derivationCount()
    {
        return derivationCount;
    }

    /**
     * @return the source's policy decision on a horizontal KAMF, with its reason; null when the
     *         caller passed the decision itself.
     */
    public HorizontalKamfDecision horizontalKamfDecision()
    {
        return horizontalKamfDecision;
    }

    /**
     * @return the rule under which the call that should have filled this carrier was deferred, or null
     *         when it started.
     */
    public ConcurrencyRule deferredBy()
    {
        return deferredBy;
    }

    void deferredBy(final ConcurrencyRule rule)
    {
        clear();
        this.deferredBy = rule;
    }

    void horizontalKamfDecision(final HorizontalKamfDecision decision)
    {
        this.horizontalKamfDecision = decision;
    }

    /**
     * @return whether the transfer also carries an old KASME whose NH chain the AS still follows,
     *         because a NAS SMC took the transferred KASME into use but no UE Context Modification
     *         has yet keyed the AS from it (TS 33.401 7.2.10 (8)). {@link #nextHop()} is then that old
     *         KASME's NH and NCC.
     */
    public boolean hasOldRootKeyForAs()
    {
        return hasOldRootKeyForAs;
    }

    /**
     * @return the old KASME the AS still follows; the array itself, zero unless
     *         {@link #hasOldRootKeyForAs()}.
     */
    public byte[] oldRootKeyForAs()
    {
        return oldRootKeyForAs;
    }

    /**
     * @return the eKSI of {@link #oldRootKeyForAs()}.
     */
    public int oldKsiForAs()
    {
        return oldKsiForAs;
    }

    /**
     * @return the UL NAS COUNT of the latest NAS Security Mode Complete under the transferred key,
     *         which keys the target's UE Context Modification while {@link #smcCountUnused()}.
     */
    public long smcCompleteUplinkCount()
    {
        return smcCompleteUplinkCount;
    }

    /**
     * @return whether {@link #smcCompleteUplinkCount()} has keyed no KgNB (KeNB) yet.
     */
    public boolean smcCountUnused()
    {
        return smcCountUnused;
    }

    void oldRootKeyForAs(final byte[] kasme, final int eKsi)
    {
        System.arraycopy(kasme, 0, oldRootKeyForAs, 0, Kdf.KEY_LENGTH);
        oldKsiForAs = eKsi;
        hasOldRootKeyForAs = true;
    }

    void smcComplete(final long ulCount, final boolean unused)
    {
        smcCompleteUplinkCount = ulCount;
        smcCountUnused = unused;
    }

    /**
     * @return the {NH, NCC} pair for the target RAN (handovers only).
     */
    public NextHopPair nextHop()
    {
        return nextHop;
    }

    void set(
        final AccessStratumChain system, final MobilityMode mobility, final byte[] rootKey, final int ngKsi,
        final long uplinkNasCount, final long downlinkNasCount, final int ciphering, final int integrity,
        final int ueSecurityCapabilities)
    {
        this.system = system;
        this.mobility = mobility;
        System.arraycopy(rootKey, 0, this.rootKey, 0, Kdf.KEY_LENGTH);
        this.ngKsi = ngKsi;
        this.uplinkNasCount = uplinkNasCount;
        this.downlinkNasCount = downlinkNasCount;
        this.ciphering = ciphering;
        this.integrity = integrity;
        this.ueSecurityCapabilities = ueSecurityCapabilities;
        this.keyAmfHDerivationInd = false;
        this.keyAmfChangeInd = false;
        this.derivationCount = 0;
        this.horizontalKamfDecision = null;
        this.deferredBy = null;
        nextHop.clear();
        clearOldRootKeyForAs();
        smcCompleteUplinkCount = 0;
        smcCountUnused = false;
    }

    private void clearOldRootKeyForAs()
    {
        Arrays.fill(oldRootKeyForAs, (byte)0);
        hasOldRootKeyForAs = false;
        oldKsiForAs = 0;
    }

    void derivedWith(final long count, final boolean horizontalKamf)
    {
        this.derivationCount = count;
        this.keyAmfHDerivationInd = horizontalKamf;
    }

    void keyAmfChangeInd(final boolean value)
    {
        this.keyAmfChangeInd = value;
    }

    /**
     * Makes this transfer a copy of {@code other}, keys included: for a simulation that keeps a
     * procedure's carriers across steps and must be able to put them back.
     *
     * @param other the transfer to copy.
     */
    public void copyFrom(final UeContextTransfer other)
    {
        System.arraycopy(other.rootKey, 0, rootKey, 0, Kdf.KEY_LENGTH);
        nextHop.copyFrom(other.nextHop);
        System.arraycopy(other.oldRootKeyForAs, 0, oldRootKeyForAs, 0, Kdf.KEY_LENGTH);
        hasOldRootKeyForAs = other.hasOldRootKeyForAs;
        oldKsiForAs = other.oldKsiForAs;
        smcCompleteUplinkCount = other.smcCompleteUplinkCount;
        smcCountUnused = other.smcCountUnused;
        system = other.system;
        mobility = other.mobility;
        ngKsi = other.ngKsi;
        uplinkNasCount = other.uplinkNasCount;
        downlinkNasCount = other.downlinkNasCount;
        ciphering = other.ciphering;
        integrity = other.integrity;
        ueSecurityCapabilities = other.ueSecurityCapabilities;
        keyAmfHDerivationInd = other.keyAmfHDerivationInd;
        keyAmfChangeInd = other.keyAmfChangeInd;
        derivationCount = other.derivationCount;
        horizontalKamfDecision = other.horizontalKamfDecision;
        deferredBy = other.deferredBy;
    }

    /**
     * Zeroes the keys.
     */
    public void clear()
    {
        Arrays.fill(rootKey, (byte)0);
        nextHop.clear();
        clearOldRootKeyForAs();
        deferredBy = null;
    }

    public String toString()
    {
        return "UeContextTransfer[system=" + system.system() + ", mobility=" + mobility.token() +
            ", ngKSI=" + NgKsi.toString(ngKsi) + ", keyAmfHDerivationInd=" + keyAmfHDerivationInd +
            ", keyAmfChangeInd=" + keyAmfChangeInd + ", ncc=" + nextHop.ncc() +
            (hasOldRootKeyForAs ? ", oldKsiForAs=" + NgKsi.toString(oldKsiForAs) : "") +
            (horizontalKamfDecision == null ? "" : ", decision=" + horizontalKamfDecision) +
            (deferredBy == null ? "" : ", deferredBy=" + deferredBy.clause()) + "]";
    }
}

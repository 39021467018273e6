package org.amfkeys.procedures;

import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

/**
 * The security context one core network node hands another when a UE moves: the content of
 * Namf_Communication_CreateUEContext (N2 handover), of the UEContextTransfer response (mobility
 * registration), or of the forward relocation to or from an MME (interworking, TS 33.501 clause 8).
 * KSEAF is never part of it.
 * <p>
 * Reused by its owner from call to call; {@link #clear()} zeroes the keys.
 */
public final class UeContextTransfer
{
    private final byte[] rootKey = new byte[Kdf.KEY_LENGTH];
    private final NextHopPair nextHop = new NextHopPair();
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
     * Zeroes the keys.
     */
    public void clear()
    {
        Arrays.fill(rootKey, (byte)0);
        nextHop.clear();
        deferredBy = null;
    }

    public String toString()
    {
        return "UeContextTransfer[system=" + system.system() + ", mobility=" + mobility.token() +
            ", ngKSI=" + NgKsi.toString(ngKsi) + ", keyAmfHDerivationInd=" + keyAmfHDerivationInd +
            ", keyAmfChangeInd=" + keyAmfChangeInd + ", ncc=" + nextHop.ncc() +
            (horizontalKamfDecision == null ? "" : ", decision=" + horizontalKamfDecision) +
            (deferredBy == null ? "" : ", deferredBy=" + deferredBy.clause()) + "]";
    }
}

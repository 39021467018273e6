package org.amfkeys.procedures;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NgKsi;

import static org.amfkeys.procedures.UeContextTransferDescriptor.ALL_FLAGS;
import static org.amfkeys.procedures.UeContextTransferDescriptor.CIPHERING_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.DECISION_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.DEFERRED_BY_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.DERIVATION_COUNT_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.DOWNLINK_NAS_COUNT_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.FLAGS_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.FLAG_KEY_AMF_CHANGE_IND;
import static org.amfkeys.procedures.UeContextTransferDescriptor.FLAG_KEY_AMF_H_DERIVATION_IND;
import static org.amfkeys.procedures.UeContextTransferDescriptor.FLAG_NEXT_HOP_NEW_SECURITY_CONTEXT;
import static org.amfkeys.procedures.UeContextTransferDescriptor.FLAG_OLD_ROOT_KEY_FOR_AS;
import static org.amfkeys.procedures.UeContextTransferDescriptor.FLAG_SMC_COUNT_UNUSED;
import static org.amfkeys.procedures.UeContextTransferDescriptor.INTEGRITY_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.MOBILITY_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.NCC_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.NEXT_HOP_KEY_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.NGKSI_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.OLD_KSI_FOR_AS_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.OLD_ROOT_KEY_FOR_AS_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.PADDING_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.ROOT_KEY_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.SMC_COMPLETE_UPLINK_COUNT_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.SYSTEM_5GS;
import static org.amfkeys.procedures.UeContextTransferDescriptor.SYSTEM_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.SYSTEM_EPS;
import static org.amfkeys.procedures.UeContextTransferDescriptor.UE_SECURITY_CAPABILITIES_OFFSET;
import static org.amfkeys.procedures.UeContextTransferDescriptor.UPLINK_NAS_COUNT_OFFSET;

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
    private static final byte[] NO_KEY = new byte[Kdf.KEY_LENGTH];

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
        // A procedure that waits sends nothing yet: the transfer names the rule and holds nothing else,
        // whatever an earlier use of this carrier left in it.
        set(AccessStratumChain.NR, MobilityMode.IDLE, NO_KEY, 0, 0, 0, 0, 0, 0);
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
        Octets.zero(oldRootKeyForAs);
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
        ProcedureFrame.requirePresent("other", other, "a UeContextTransfer");
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
     * Writes this transfer, keys included, at {@code offset} in {@code buffer}, as
     * {@link UeContextTransferDescriptor} lays it out: to hand it to another thread of the node, such as
     * a {@link org.amfkeys.engine.KeyEngine} worker. Zero those octets once read.
     *
     * @param buffer receives {@link UeContextTransferDescriptor#LENGTH} octets.
     * @param offset where they start.
     */
    public void encode(final MutableDirectBuffer buffer, final int offset)
    {
        ProcedureFrame.requirePresent("buffer", buffer, "a buffer");
        Octets.copy(rootKey, 0, buffer, offset + ROOT_KEY_OFFSET, Kdf.KEY_LENGTH);
        Octets.copy(nextHop.key(), 0, buffer, offset + NEXT_HOP_KEY_OFFSET, Kdf.KEY_LENGTH);
        Octets.copy(oldRootKeyForAs, 0, buffer, offset + OLD_ROOT_KEY_FOR_AS_OFFSET, Kdf.KEY_LENGTH);
        buffer.putLong(offset + UPLINK_NAS_COUNT_OFFSET, uplinkNasCount);
        buffer.putLong(offset + DOWNLINK_NAS_COUNT_OFFSET, downlinkNasCount);
        buffer.putLong(offset + DERIVATION_COUNT_OFFSET, derivationCount);
        buffer.putLong(offset + SMC_COMPLETE_UPLINK_COUNT_OFFSET, smcCompleteUplinkCount);
        buffer.putInt(offset + NGKSI_OFFSET, ngKsi);
        buffer.putInt(offset + OLD_KSI_FOR_AS_OFFSET, oldKsiForAs);
        buffer.putInt(offset + CIPHERING_OFFSET, ciphering);
        buffer.putInt(offset + INTEGRITY_OFFSET, integrity);
        buffer.putInt(offset + UE_SECURITY_CAPABILITIES_OFFSET, ueSecurityCapabilities);
        buffer.putInt(offset + NCC_OFFSET, nextHop.ncc());
        buffer.putInt(offset + SYSTEM_OFFSET, system == AccessStratumChain.NR ? SYSTEM_5GS : SYSTEM_EPS);
        buffer.putInt(offset + MOBILITY_OFFSET, mobility.direction());
        buffer.putInt(offset + FLAGS_OFFSET,
            (keyAmfHDerivationInd ? FLAG_KEY_AMF_H_DERIVATION_IND : 0) |
            (keyAmfChangeInd ? FLAG_KEY_AMF_CHANGE_IND : 0) |
            (nextHop.newSecurityContext() ? FLAG_NEXT_HOP_NEW_SECURITY_CONTEXT : 0) |
            (hasOldRootKeyForAs ? FLAG_OLD_ROOT_KEY_FOR_AS : 0) |
            (smcCountUnused ? FLAG_SMC_COUNT_UNUSED : 0));
        buffer.putInt(offset + DECISION_OFFSET, horizontalKamfDecision == null ? 0 : horizontalKamfDecision.code());
        buffer.putInt(offset + DEFERRED_BY_OFFSET, deferredBy == null ? 0 : deferredBy.code());
        buffer.putInt(offset + PADDING_OFFSET, 0);
    }

    /**
     * Makes this transfer the one {@link #encode} wrote at {@code offset} in {@code buffer}. A field
     * outside its range is refused, naming it, and this transfer is left unchanged.
     *
     * @param buffer holds {@link UeContextTransferDescriptor#LENGTH} octets from {@code offset}.
     * @param offset where they start.
     * @throws InvalidParameterException naming the field when one is out of range.
     */
    public void decode(final DirectBuffer buffer, final int offset)
    {
        ProcedureFrame.requirePresent("buffer", buffer, "a buffer");
        final int systemCode = buffer.getInt(offset + SYSTEM_OFFSET);
        InvalidParameterException.requireInRange("transfer.system", systemCode, SYSTEM_5GS, SYSTEM_EPS);
        final int direction = buffer.getInt(offset + MOBILITY_OFFSET);
        InvalidParameterException.requireInRange("transfer.mobility", direction,
            MobilityMode.IDLE.direction(), MobilityMode.HANDOVER.direction());
        final int flags = buffer.getInt(offset + FLAGS_OFFSET);
        InvalidParameterException.requireInRange("transfer.flags", flags, 0, ALL_FLAGS);
        final int ncc = buffer.getInt(offset + NCC_OFFSET);
        InvalidParameterException.requireInRange("transfer.ncc", ncc, 0, SecurityContext.MAX_NCC);
        final int decisionCode = buffer.getInt(offset + DECISION_OFFSET);
        final HorizontalKamfDecision decision = decisionCode == 0 ? null : decisionOf(decisionCode);
        final int ruleCode = buffer.getInt(offset + DEFERRED_BY_OFFSET);
        final ConcurrencyRule rule = ConcurrencyRule.ofCode(ruleCode);
        if (ruleCode != 0 && rule == null)
        {
            throw new InvalidParameterException("transfer.deferred-by", "unknown rule code " + ruleCode, "a ConcurrencyRule code or 0");
        }
        Octets.copy(buffer, offset + ROOT_KEY_OFFSET, rootKey, 0, Kdf.KEY_LENGTH);
        Octets.copy(buffer, offset + NEXT_HOP_KEY_OFFSET, nextHop.key(), 0, Kdf.KEY_LENGTH);
        nextHop.set(ncc, (flags & FLAG_NEXT_HOP_NEW_SECURITY_CONTEXT) != 0);
        Octets.copy(buffer, offset + OLD_ROOT_KEY_FOR_AS_OFFSET, oldRootKeyForAs, 0, Kdf.KEY_LENGTH);
        uplinkNasCount = buffer.getLong(offset + UPLINK_NAS_COUNT_OFFSET);
        downlinkNasCount = buffer.getLong(offset + DOWNLINK_NAS_COUNT_OFFSET);
        derivationCount = buffer.getLong(offset + DERIVATION_COUNT_OFFSET);
        smcCompleteUplinkCount = buffer.getLong(offset + SMC_COMPLETE_UPLINK_COUNT_OFFSET);
        ngKsi = buffer.getInt(offset + NGKSI_OFFSET);
        oldKsiForAs = buffer.getInt(offset + OLD_KSI_FOR_AS_OFFSET);
        ciphering = buffer.getInt(offset + CIPHERING_OFFSET);
        integrity = buffer.getInt(offset + INTEGRITY_OFFSET);
        ueSecurityCapabilities = buffer.getInt(offset + UE_SECURITY_CAPABILITIES_OFFSET);
        system = systemCode == SYSTEM_5GS ? AccessStratumChain.NR : AccessStratumChain.E_UTRA;
        mobility = direction == MobilityMode.HANDOVER.direction() ? MobilityMode.HANDOVER : MobilityMode.IDLE;
        keyAmfHDerivationInd = (flags & FLAG_KEY_AMF_H_DERIVATION_IND) != 0;
        keyAmfChangeInd = (flags & FLAG_KEY_AMF_CHANGE_IND) != 0;
        hasOldRootKeyForAs = (flags & FLAG_OLD_ROOT_KEY_FOR_AS) != 0;
        smcCountUnused = (flags & FLAG_SMC_COUNT_UNUSED) != 0;
        horizontalKamfDecision = decision;
        deferredBy = rule;
    }

    private static HorizontalKamfDecision decisionOf(final int code)
    {
        try
        {
            return HorizontalKamfDecision.ofCode(code);
        }
        catch (final IllegalStateException ex)
        {
            throw new InvalidParameterException("transfer.decision", "unknown decision code " + code,
                "a HorizontalKamfDecision code or 0");
        }
    }

    /**
     * Zeroes the keys.
     */
    public void clear()
    {
        Octets.zero(rootKey);
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

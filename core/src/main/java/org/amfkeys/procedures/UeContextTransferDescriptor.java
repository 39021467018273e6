package org.amfkeys.procedures;

/**
 * Layout of a {@link UeContextTransfer} encoded in a buffer ({@link UeContextTransfer#encode},
 * {@link UeContextTransfer#decode}), such as a ring record carrying it between an AMF's threads.
 * Little-endian. Every stored code is an explicit constant of its type.
 * <pre>
 *    0  KAMF or KASME                  32 octets
 *   32  NH or KgNB of the pair         32 octets
 *   64  old KASME for the AS           32 octets, zero unless {@link #FLAG_OLD_ROOT_KEY_FOR_AS}
 *   96  UL NAS COUNT                   int64
 *  104  DL NAS COUNT                   int64
 *  112  derivation COUNT               int64   of a horizontal KAMF
 *  120  SMC Complete UL NAS COUNT      int64
 *  128  ngKSI or eKSI                  int32
 *  132  eKSI of the old KASME          int32
 *  136  NAS ciphering algorithm        int32
 *  140  NAS integrity algorithm        int32
 *  144  UE security capabilities       int32
 *  148  NCC of the pair                int32
 *  152  system                         int32   {@link #SYSTEM_5GS} or {@link #SYSTEM_EPS}
 *  156  mobility                       int32   the MobilityMode's DIRECTION octet
 *  160  flags                          int32
 *  164  horizontal KAMF decision       int32   its code, 0 for none
 *  168  rule deferred by               int32   its code, 0 for none
 *  172  padding                        int32   zero
 * </pre>
 */
public final class UeContextTransferDescriptor
{
    /** Offset of KAMF (KASME). */
    public static final int ROOT_KEY_OFFSET = 0;
    /** Offset of the key of the {NH, NCC} pair. */
    public static final int NEXT_HOP_KEY_OFFSET = ROOT_KEY_OFFSET + 32;
    /** Offset of the old KASME the AS still follows. */
    public static final int OLD_ROOT_KEY_FOR_AS_OFFSET = NEXT_HOP_KEY_OFFSET + 32;
    /** Offset of the UL NAS COUNT. */
    public static final int UPLINK_NAS_COUNT_OFFSET = OLD_ROOT_KEY_FOR_AS_OFFSET + 32;
    /** Offset of the DL NAS COUNT. */
    public static final int DOWNLINK_NAS_COUNT_OFFSET = UPLINK_NAS_COUNT_OFFSET + Long.BYTES;
    /** Offset of the COUNT a horizontal KAMF was derived with. */
    public static final int DERIVATION_COUNT_OFFSET = DOWNLINK_NAS_COUNT_OFFSET + Long.BYTES;
    /** Offset of the UL NAS COUNT of the latest NAS Security Mode Complete. */
    public static final int SMC_COMPLETE_UPLINK_COUNT_OFFSET = DERIVATION_COUNT_OFFSET + Long.BYTES;
    /** Offset of the ngKSI (eKSI). */
    public static final int NGKSI_OFFSET = SMC_COMPLETE_UPLINK_COUNT_OFFSET + Long.BYTES;
    /** Offset of the eKSI of the old KASME for the AS. */
    public static final int OLD_KSI_FOR_AS_OFFSET = NGKSI_OFFSET + Integer.BYTES;
    /** Offset of the NAS ciphering algorithm. */
    public static final int CIPHERING_OFFSET = OLD_KSI_FOR_AS_OFFSET + Integer.BYTES;
    /** Offset of the NAS integrity algorithm. */
    public static final int INTEGRITY_OFFSET = CIPHERING_OFFSET + Integer.BYTES;
    /** Offset of the UE security capabilities. */
    public static final int UE_SECURITY_CAPABILITIES_OFFSET = INTEGRITY_OFFSET + Integer.BYTES;
    /** Offset of the pair's NCC. */
    public static final int NCC_OFFSET = UE_SECURITY_CAPABILITIES_OFFSET + Integer.BYTES;
    /** Offset of the system code. */
    public static final int SYSTEM_OFFSET = NCC_OFFSET + Integer.BYTES;
    /** Offset of the mobility code. */
    public static final int MOBILITY_OFFSET = SYSTEM_OFFSET + Integer.BYTES;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = MOBILITY_OFFSET + Integer.BYTES;
    /** Offset of the horizontal KAMF decision code. */
    public static final int DECISION_OFFSET = FLAGS_OFFSET + Integer.BYTES;
    /** Offset of the code of the rule the procedure waits under. */
    public static final int DEFERRED_BY_OFFSET = DECISION_OFFSET + Integer.BYTES;
    /** Offset of the padding. */
    public static final int PADDING_OFFSET = DEFERRED_BY_OFFSET + Integer.BYTES;
    /** Octets of an encoded transfer. */
    public static final int LENGTH = PADDING_OFFSET + Integer.BYTES;

    /** System code of a 5GS context (a KAMF). */
    public static final int SYSTEM_5GS = 1;
    /** System code of an EPS context (a KASME). */
    public static final int SYSTEM_EPS = 2;

    /** Flag: keyAmfHDerivationInd. */
    public static final int FLAG_KEY_AMF_H_DERIVATION_IND = 1;
    /** Flag: keyAmfChangeInd. */
    public static final int FLAG_KEY_AMF_CHANGE_IND = 1 << 1;
    /** Flag: the pair's key is a KgNB of a new security context (NSCI). */
    public static final int FLAG_NEXT_HOP_NEW_SECURITY_CONTEXT = 1 << 2;
    /** Flag: an old KASME for the AS is carried. */
    public static final int FLAG_OLD_ROOT_KEY_FOR_AS = 1 << 3;
    /** Flag: the SMC Complete's UL NAS COUNT has keyed no KgNB yet. */
    public static final int FLAG_SMC_COUNT_UNUSED = 1 << 4;

    /** Every flag defined. */
    static final int ALL_FLAGS = (1 << 5) - 1;

    private UeContextTransferDescriptor()
    {
    }
}

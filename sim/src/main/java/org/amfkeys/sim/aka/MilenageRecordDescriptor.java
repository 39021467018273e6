package org.amfkeys.sim.aka;

/**
 * Layout of one subscriber's MILENAGE in a {@link MilenageBatch} ({@code AMFKEYS_MILENAGE_*} in
 * {@code amfkeys_native.h}). Records are {@link #LENGTH} octets apart in a direct buffer aligned to 64
 * octets; ints are in the platform's native byte order.
 * <pre>
 *   0  mode      int32  MODE_GENERATE (SQN_IN is SQN) or MODE_RECOVER_FROM_AUTN (SQN_IN is SQN xor AK)
 *   4  status    int32  STATUS_PENDING once staged; written: STATUS_OK, or STATUS_BAD_MODE with every output zeroed
 *  16  K         16
 *  32  OPc       16
 *  48  RAND      16
 *  64  SQN in    6      SQN, or AUTN's SQN xor AK
 *  70  AMF       2
 *  72  SQN       6      written: SQN as given or recovered
 *  80  AK        6      written: f5
 *  88  AK*       6      written: f5*
 *  96  MAC-A     8      written: f1
 * 104  MAC-S     8      written: f1*
 * 112  RES       8      written: f2
 * 128  CK        16     written: f3
 * 144  IK        16     written: f4
 * </pre>
 */
public final class MilenageRecordDescriptor
{
    /** Octets of one record. */
    public static final int LENGTH = 160;
    /** Alignment of a record buffer. */
    public static final int ALIGNMENT = 64;

    /** Offset of the mode. */
    public static final int MODE_OFFSET = 0;
    /** Offset of the status the kernel writes. */
    public static final int STATUS_OFFSET = 4;
    /** Offset of K. */
    public static final int K_OFFSET = 16;
    /** Offset of OPc. */
    public static final int OPC_OFFSET = 32;
    /** Offset of RAND. */
    public static final int RAND_OFFSET = 48;
    /** Offset of the SQN given: SQN itself, or SQN xor AK as AUTN carries it. */
    public static final int SQN_IN_OFFSET = 64;
    /** Offset of AMF. */
    public static final int AMF_OFFSET = 70;
    /** Offset of SQN, as given or recovered. */
    public static final int SQN_OFFSET = 72;
    /** Offset of AK (f5). */
    public static final int AK_OFFSET = 80;
    /** Offset of AK* (f5*). */
    public static final int AK_STAR_OFFSET = 88;
    /** Offset of MAC-A (f1). */
    public static final int MAC_A_OFFSET = 96;
    /** Offset of MAC-S (f1*). */
    public static final int MAC_S_OFFSET = 104;
    /** Offset of RES (f2). */
    public static final int RES_OFFSET = 112;
    /** Offset of CK (f3). */
    public static final int CK_OFFSET = 128;
    /** Offset of IK (f4). */
    public static final int IK_OFFSET = 144;

    /** The UDM/ARPF's run: SQN given, as {@link Milenage#generate}. */
    public static final int MODE_GENERATE = 1;
    /** The USIM's run on AUTN: SQN recovered with AK, as {@link Milenage#recoverFromAutn}. */
    public static final int MODE_RECOVER_FROM_AUTN = 2;

    /** The record was computed. */
    public static final int STATUS_OK = 0;
    /** The record was staged and is not computed yet: its outputs are not its own. */
    public static final int STATUS_PENDING = 1;
    /** The record's mode is neither: nothing computed, every output zero. */
    public static final int STATUS_BAD_MODE = -1;

    private MilenageRecordDescriptor()
    {
    }
}

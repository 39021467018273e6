package org.amfkeys.sim.subscriber;

import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.aka.SequenceNumbers;

/**
 * Layout of one simulated subscriber's off-heap record: what its home network (UDM/ARPF), its USIM
 * and its ME keep between procedures. The AMF's side is the core's own context table.
 * <pre>
 *   0                   16                  32          40                              232
 *   +-------------------+-------------------+-----------+-------------------------------+
 *   | K                 | OPc               | home SQN  | USIM SEQ_MS, 32 IND slots x 6 |
 *   +-------------------+-------------------+-----------+-------------------------------+
 *   232                                   264      268      272   273   274   275   276          280
 *   +-------------------------------------+--------+--------+-----+-----+-----+-----+------------+
 *   | ME's KAMF                           | UL NAS | DL NAS |ngKSI| alg |state| pad | KgNB's UL  |
 *   +-------------------------------------+--------+--------+-----+-----+-----+-----+------------+
 * </pre>
 * K and OPc are provisioned alike into the USIM and the UDM, so the record holds them once.
 */
public final class SubscriberDescriptor
{
    /** K, the subscriber key (USIM and UDM/ARPF). */
    public static final int K_OFFSET = 0;

    /** OPc (USIM and UDM/ARPF). */
    public static final int OPC_OFFSET = K_OFFSET + Milenage.K_LENGTH;

    /** The UDM/ARPF's last SQN handed out, SEQ || IND, a long in native order; 0 before the first. */
    public static final int HOME_SQN_OFFSET = OPC_OFFSET + Milenage.OP_LENGTH;

    /** The USIM's accepted sequence numbers, as {@link SequenceNumbers} lays them out. */
    public static final int USIM_SEQUENCE_OFFSET = HOME_SQN_OFFSET + Long.BYTES;

    /** The ME's KAMF, of its current NAS security context. */
    public static final int UE_KAMF_OFFSET = USIM_SEQUENCE_OFFSET + SequenceNumbers.LENGTH;

    /** The ME's next UL NAS COUNT, an int in native order. */
    public static final int UE_UPLINK_NAS_COUNT_OFFSET = UE_KAMF_OFFSET + 32;

    /** The ME's next expected DL NAS COUNT, an int in native order. */
    public static final int UE_DOWNLINK_NAS_COUNT_OFFSET = UE_UPLINK_NAS_COUNT_OFFSET + Integer.BYTES;

    /** The ME's ngKSI. */
    public static final int UE_NGKSI_OFFSET = UE_DOWNLINK_NAS_COUNT_OFFSET + Integer.BYTES;

    /** The ME's NAS algorithms: ciphering in the high nibble, integrity in the low one. */
    public static final int UE_NAS_ALGORITHMS_OFFSET = UE_NGKSI_OFFSET + 1;

    /** The UE's registration state, one of the {@code STATE_*} codes. */
    public static final int UE_STATE_OFFSET = UE_NAS_ALGORITHMS_OFFSET + 1;

    /**
     * The UL NAS COUNT the UE's current KgNB was derived from (its AS security context's start), an int
     * in native order, aligned; meaningful in {@link #STATE_CONNECTED}.
     */
    public static final int UE_KGNB_UPLINK_NAS_COUNT_OFFSET = (UE_STATE_OFFSET + 1 + Integer.BYTES - 1) & -Integer.BYTES;

    /** Octets of one record, a multiple of 8 so that every record's longs stay aligned. */
    public static final int LENGTH = (UE_KGNB_UPLINK_NAS_COUNT_OFFSET + Integer.BYTES + Long.BYTES - 1) & -Long.BYTES;

    /** {@link #UE_STATE_OFFSET}: not registered (as provisioned). */
    public static final byte STATE_DEREGISTERED = 0;

    /** {@link #UE_STATE_OFFSET}: registered, with a current NAS security context; idle. */
    public static final byte STATE_REGISTERED = 1;

    /**
     * {@link #UE_STATE_OFFSET}: registered and CONNECTED, with an AS security context whose KgNB came from
     * the UL NAS COUNT at {@link #UE_KGNB_UPLINK_NAS_COUNT_OFFSET} and whose NCC is still 0.
     */
    public static final byte STATE_CONNECTED = 2;

    private SubscriberDescriptor()
    {
    }
}

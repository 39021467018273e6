package org.amfkeys.hmac;

/**
 * Layout of one step of a key chain in a native batch ({@code amfkeys_chain_step} in
 * {@code amfkeys_native.h}): KDF(key, FC || P0 || L0) with P0 32 octets and L0 = 0x00 0x20, the NH of
 * TS 33.501 A.10 and TS 33.401 A.4, whose key schedule and P0 are read where they live instead of
 * copied into a {@link HmacRecordDescriptor record}. Steps are {@link #LENGTH} octets apart in a direct
 * buffer aligned to 64 octets; ints and addresses are in the platform's native byte order.
 * <pre>
 *   0  schedule  int64   address of the key schedule (KeyScheduleDescriptor layout)
 *   8  input     int64   address of P0, 32 octets
 *  16  fc        int32   0..255
 *  20  status    int32   written by the kernel: STATUS_OK or a negative code
 *  24  reserved  8
 *  32  mac       32      written by the kernel
 * </pre>
 */
public final class ChainStepDescriptor
{
    /** Octets of one step: a cache line. */
    public static final int LENGTH = 64;
    /** Alignment of a step buffer. */
    public static final int ALIGNMENT = 64;

    /** Offset of the key schedule's address. */
    public static final int SCHEDULE_OFFSET = 0;
    /** Offset of P0's address. */
    public static final int INPUT_OFFSET = 8;
    /** Offset of FC. */
    public static final int FC_OFFSET = 16;
    /** Offset of the status the kernel writes. */
    public static final int STATUS_OFFSET = 20;
    /** Offset of the MAC the kernel writes. */
    public static final int MAC_OFFSET = 32;

    /**
     * Status of a step set and not computed yet: a kernel that returns without computing a step leaves
     * it, so such a step is never taken for computed (a zeroed status would read as OK).
     */
    public static final int STATUS_NOT_COMPUTED = -5;

    /** Octets of P0. */
    public static final int INPUT_LENGTH = 32;
    /** Octets of S: FC, P0 and L0. */
    public static final int MESSAGE_LENGTH = 1 + INPUT_LENGTH + 2;
    /** Largest FC. */
    public static final int MAX_FC = 0xFF;

    private ChainStepDescriptor()
    {
    }
}

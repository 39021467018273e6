package org.amfkeys.hmac;

/**
 * Layout of a {@link KeySchedule}: the SHA-256 chaining values reached after compressing a key's
 * HMAC inner pad (K xor ipad) and outer pad (K xor opad) blocks.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            inner state H0..H7 (8 x 32 bits, native order)     |  offset 0
 *  +---------------------------------------------------------------+
 *  |            outer state H0..H7 (8 x 32 bits, native order)     |  offset 32
 *  +---------------------------------------------------------------+
 * </pre>
 * Words are in the platform's native byte order so that Java and native kernels load them without
 * swapping. The layout is shared by every engine and by records handed to native code.
 */
public final class KeyScheduleDescriptor
{
    /** Number of 32-bit words in one SHA-256 chaining value. */
    public static final int STATE_WORDS = 8;

    /** Octets of one chaining value. */
    public static final int STATE_LENGTH = STATE_WORDS * Integer.BYTES;

    /** Offset of the inner (ipad) chaining value. */
    public static final int INNER_STATE_OFFSET = 0;

    /** Offset of the outer (opad) chaining value. */
    public static final int OUTER_STATE_OFFSET = INNER_STATE_OFFSET + STATE_LENGTH;

    /** Total octets of a key schedule. */
    public static final int LENGTH = OUTER_STATE_OFFSET + STATE_LENGTH;

    private KeyScheduleDescriptor()
    {
    }
}

package org.amfkeys.hmac;

/**
 * Layout of one derivation in a native batch ({@code AMFKEYS_RECORD_*} in {@code amfkeys_native.h}).
 * Records are {@link #LENGTH} octets apart in a direct buffer aligned to 64 octets; ints are in the
 * platform's native byte order.
 * <pre>
 *   0  flags          int32   FLAG_SCHEDULE: the key area holds a computed KeySchedule
 *   4  key length     int32   octets of a raw key, 0..64
 *   8  message length int32   octets of S, 0..MAX_MESSAGE_LENGTH
 *  12  status         int32   written by the kernel: STATUS_OK or a negative code
 *  16  key            64      raw key, or a key schedule (KeyScheduleDescriptor layout)
 *  80  message        272     S
 * 352  mac            32      written by the kernel
 * </pre>
 */
public final class HmacRecordDescriptor
{
    /** Octets of one record. */
    public static final int LENGTH = 384;
    /** Alignment of a record buffer. */
    public static final int ALIGNMENT = 64;

    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 0;
    /** Offset of the raw key's length. */
    public static final int KEY_LENGTH_OFFSET = 4;
    /** Offset of the message's length. */
    public static final int MESSAGE_LENGTH_OFFSET = 8;
    /** Offset of the status the kernel writes. */
    public static final int STATUS_OFFSET = 12;
    /** Offset of the key or key schedule. */
    public static final int KEY_OFFSET = 16;
    /** Offset of the message. */
    public static final int MESSAGE_OFFSET = 80;
    /** Offset of the MAC the kernel writes. */
    public static final int MAC_OFFSET = 352;

    /** Longest raw key in a record. */
    public static final int MAX_KEY_LENGTH = 64;
    /** Longest message (S) in a record. */
    public static final int MAX_MESSAGE_LENGTH = MAC_OFFSET - MESSAGE_OFFSET;

    /** Flag: the key area holds a computed key schedule. */
    public static final int FLAG_SCHEDULE = 1;

    /** Status: computed. */
    public static final int STATUS_OK = 0;
    /** Status: the raw key's length is out of range. */
    public static final int STATUS_BAD_KEY_LENGTH = -1;
    /** Status: the message's length is out of range. */
    public static final int STATUS_BAD_MESSAGE = -2;
    /** Status: unknown flags. */
    public static final int STATUS_BAD_FLAGS = -3;
    /** Status: a key schedule whose inner or outer chaining value is all zero (never computed). */
    public static final int STATUS_BAD_SCHEDULE = -4;

    private HmacRecordDescriptor()
    {
    }
}

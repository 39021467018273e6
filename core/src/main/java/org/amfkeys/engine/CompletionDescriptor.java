package org.amfkeys.engine;

/**
 * Layout of a completion record in a producer's response ring, after the ring's own header; the
 * record's message type is the {@link CompletionStatus} code. Little-endian.
 * <pre>
 *   0  correlation id  int64   as the request carried it
 *   8  UE id           int64
 *  16  operation       int32   the {@link EngineOperation} code
 *  20  rule            int32   the {@link org.amfkeys.procedures.ConcurrencyRule} code of a refusal, else 0
 *  24  NCC             int32   of the pair, for an operation that gives one
 *  28  flags           int32   {@link #FLAG_NEW_SECURITY_CONTEXT}
 *  32  key             32 octets: NH or KgNB of the pair, else zero
 * </pre>
 * The ring zeroes a record once its handler returns, so no key stays in it.
 */
public final class CompletionDescriptor
{
    /** Offset of the correlation id. */
    public static final int CORRELATION_ID_OFFSET = 0;

    /** Offset of the UE id. */
    public static final int UE_ID_OFFSET = CORRELATION_ID_OFFSET + Long.BYTES;

    /** Offset of the operation code. */
    public static final int OPERATION_OFFSET = UE_ID_OFFSET + Long.BYTES;

    /** Offset of the rule code of a refusal. */
    public static final int RULE_OFFSET = OPERATION_OFFSET + Integer.BYTES;

    /** Offset of the pair's NCC. */
    public static final int NCC_OFFSET = RULE_OFFSET + Integer.BYTES;

    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = NCC_OFFSET + Integer.BYTES;

    /** Offset of the pair's key. */
    public static final int KEY_OFFSET = FLAGS_OFFSET + Integer.BYTES;

    /** Octets of the key. */
    public static final int KEY_LENGTH = 32;

    /** Octets of a completion record. */
    public static final int LENGTH = KEY_OFFSET + KEY_LENGTH;

    /** Flag: the pair carries the new security context indicator (a key of a new KAMF). */
    public static final int FLAG_NEW_SECURITY_CONTEXT = 1;

    private CompletionDescriptor()
    {
    }
}

package org.amfkeys.engine;

import org.amfkeys.procedures.UeContextTransferDescriptor;

/**
 * Layout of a completion record in a producer's response ring, after the ring's own header; the
 * record's message type is the {@link CompletionStatus} code. Little-endian.
 * <pre>
 *   0  correlation id  int64   as the request carried it
 *   8  UE id           int64
 *  16  operation       int32   the {@link EngineOperation} code
 *  20  rule            int32   the {@link org.amfkeys.procedures.ConcurrencyRule} code of a refusal, else 0
 *  24  NCC             int32   of the pair, for an operation that gives one
 *  28  flags           int32   {@link #FLAG_NEW_SECURITY_CONTEXT}, {@link #FLAG_DEFERRED}
 *  32  key             32 octets: NH or KgNB of the pair, else zero
 * then, for a done operation whose output says so ({@link EngineOperation.Output}):
 *  64  NAS container   int32 type, int32 NCC, int64 NAS COUNT (as {@link org.amfkeys.procedures.HandoverCommand})
 *  64  transfer        {@link org.amfkeys.procedures.UeContextTransferDescriptor#LENGTH} octets
 *  64  NAS SMC         int32 ngKSI, int32 ciphering, int32 integrity, int32 flags
 *                      ({@link #FLAG_KAMF_CHANGE}), int64 DL NAS COUNT, 16 octets KNASenc, 16 octets KNASint
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

    /** Octets of a completion record without a NAS container or transfer. */
    public static final int LENGTH = KEY_OFFSET + KEY_LENGTH;
    /** Offset of the NAS container of a handover command. */
    public static final int NAS_CONTAINER_OFFSET = LENGTH;
    /** Offset of the NAS container's NCC. */
    public static final int NAS_CONTAINER_NCC_OFFSET = NAS_CONTAINER_OFFSET + Integer.BYTES;
    /** Offset of the NAS container's NAS COUNT. */
    public static final int NAS_CONTAINER_COUNT_OFFSET = NAS_CONTAINER_NCC_OFFSET + Integer.BYTES;
    /** Octets of the NAS container. */
    public static final int NAS_CONTAINER_LENGTH = NAS_CONTAINER_COUNT_OFFSET + Long.BYTES - NAS_CONTAINER_OFFSET;
    /** Offset of the transfer for the target node. */
    public static final int TRANSFER_OFFSET = LENGTH;
    /** Offset of the NAS Security Mode Command's ngKSI. */
    public static final int NAS_SECURITY_MODE_COMMAND_OFFSET = LENGTH;
    /** Offset of its NAS ciphering algorithm. */
    public static final int NAS_SMC_CIPHERING_OFFSET = NAS_SECURITY_MODE_COMMAND_OFFSET + Integer.BYTES;
    /** Offset of its NAS integrity algorithm. */
    public static final int NAS_SMC_INTEGRITY_OFFSET = NAS_SMC_CIPHERING_OFFSET + Integer.BYTES;
    /** Offset of its flags. */
    public static final int NAS_SMC_FLAGS_OFFSET = NAS_SMC_INTEGRITY_OFFSET + Integer.BYTES;
    /** Offset of its DL NAS COUNT. */
    public static final int NAS_SMC_DOWNLINK_NAS_COUNT_OFFSET = NAS_SMC_FLAGS_OFFSET + Integer.BYTES;
    /** Offset of KNASenc. */
    public static final int NAS_SMC_ENCRYPTION_KEY_OFFSET = NAS_SMC_DOWNLINK_NAS_COUNT_OFFSET + Long.BYTES;
    /** Octets of each NAS key. */
    public static final int NAS_KEY_LENGTH = 16;
    /** Offset of KNASint. */
    public static final int NAS_SMC_INTEGRITY_KEY_OFFSET = NAS_SMC_ENCRYPTION_KEY_OFFSET + NAS_KEY_LENGTH;
    /** Octets of the NAS Security Mode Command. */
    public static final int NAS_SECURITY_MODE_COMMAND_LENGTH =
        NAS_SMC_INTEGRITY_KEY_OFFSET + NAS_KEY_LENGTH - NAS_SECURITY_MODE_COMMAND_OFFSET;
    /** Octets of the longest completion record. */
    public static final int MAX_LENGTH = Math.max(TRANSFER_OFFSET + UeContextTransferDescriptor.LENGTH,
        NAS_SECURITY_MODE_COMMAND_OFFSET + NAS_SECURITY_MODE_COMMAND_LENGTH);

    /** Flag: the pair carries the new security context indicator (a key of a new KAMF). */
    public static final int FLAG_NEW_SECURITY_CONTEXT = 1;
    /** Flag: the procedure waits under the rule in {@link #RULE_OFFSET} and starts when the blocking one ends. */
    public static final int FLAG_DEFERRED = 1 << 1;
    /** NAS SMC flag: K_AMF_change_flag, the UE derives KAMF' from its current KAMF. */
    public static final int FLAG_KAMF_CHANGE = 1;

    private CompletionDescriptor()
    {
    }
}

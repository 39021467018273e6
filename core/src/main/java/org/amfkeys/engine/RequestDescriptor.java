package org.amfkeys.engine;

/**
 * Layout of a request record in a worker's ring, after the ring's own header; the record's message
 * type is the {@link EngineOperation} code. Little-endian, as the ring writes it.
 * <pre>
 *   0  correlation id  int64   the producer's, returned in the completion
 *   8  UE id           int64   the UE the operation is for
 *  16  producer id     int32   where the completion goes
 *  20  padding         int32   zero, so the UL NAS COUNT is 8-aligned
 *  24  UL NAS COUNT    int64   of the uplink message, for an operation that takes one; else 0
 *  32  transfer        {@link org.amfkeys.procedures.UeContextTransferDescriptor#LENGTH} octets, for an
 *                      operation whose input is {@link EngineOperation.Input#TRANSFER} only
 * </pre>
 * Only a transfer holds key material; the ring zeroes every record once its worker has read it.
 */
public final class RequestDescriptor
{
    /** Offset of the producer's correlation id. */
    public static final int CORRELATION_ID_OFFSET = 0;

    /** Offset of the UE id. */
    public static final int UE_ID_OFFSET = CORRELATION_ID_OFFSET + Long.BYTES;

    /** Offset of the producer id. */
    public static final int PRODUCER_ID_OFFSET = UE_ID_OFFSET + Long.BYTES;

    /** Offset of the padding before the UL NAS COUNT. */
    public static final int PADDING_OFFSET = PRODUCER_ID_OFFSET + Integer.BYTES;

    /** Offset of the UL NAS COUNT. */
    public static final int UPLINK_NAS_COUNT_OFFSET = PADDING_OFFSET + Integer.BYTES;

    /** Octets of a request record without a transfer. */
    public static final int LENGTH = UPLINK_NAS_COUNT_OFFSET + Long.BYTES;
    /** Offset of the transfer, in a request that carries one. */
    public static final int TRANSFER_OFFSET = LENGTH;

    private RequestDescriptor()
    {
    }
}

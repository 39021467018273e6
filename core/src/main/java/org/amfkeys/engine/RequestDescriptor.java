package org.amfkeys.engine;

import org.amfkeys.types.Abba;
import org.amfkeys.types.Supi;

/**
 * Layout of a request record in a worker's ring, after the ring's own header; the record's message
 * type is the {@link EngineOperation} code. Little-endian, as the ring writes it.
 * <pre>
 *   0  correlation id  int64   the producer's, returned in the completion
 *   8  UE id           int64   the UE the operation is for
 *  16  producer id     int32   where the completion goes
 *  20  padding         int32   zero, so the UL NAS COUNT is 8-aligned
 *  24  UL NAS COUNT    int64   of the uplink message, for an operation that takes one; else 0
 * then, by the operation's {@link EngineOperation.Input}:
 *  32  transfer        {@link org.amfkeys.procedures.UeContextTransferDescriptor#LENGTH} octets      TRANSFER
 *
 *  32  KSEAF           32 octets                                                   KSEAF
 *  64  ngKSI           int32   0..6
 *  68  UE security capabilities  int32
 *  72  SUPI length     int32   octets of the SUPI's KDF encoding (IMSI digits or NAI), 1..253
 *  76  ABBA length     int32   1..255
 *  80  SUPI octets, then ABBA octets
 *
 *  32  NAS ciphering   int32   0..15                                                       NAS_ALGORITHMS
 *  36  NAS integrity   int32   0..15
 * </pre>
 * Only a transfer and KSEAF hold key material; the ring zeroes every record once its worker has read it.
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

    /** Offset of KSEAF, in a request that carries one. */
    public static final int KSEAF_OFFSET = LENGTH;
    /** Octets of KSEAF. */
    public static final int KSEAF_LENGTH = 32;
    /** Offset of the ngKSI that goes with KSEAF. */
    public static final int KSEAF_NGKSI_OFFSET = KSEAF_OFFSET + KSEAF_LENGTH;
    /** Offset of the UE security capabilities that go with KSEAF. */
    public static final int KSEAF_UE_SECURITY_CAPABILITIES_OFFSET = KSEAF_NGKSI_OFFSET + Integer.BYTES;
    /** Offset of the length of the SUPI's KDF encoding. */
    public static final int KSEAF_SUPI_LENGTH_OFFSET = KSEAF_UE_SECURITY_CAPABILITIES_OFFSET + Integer.BYTES;
    /** Offset of the length of ABBA. */
    public static final int KSEAF_ABBA_LENGTH_OFFSET = KSEAF_SUPI_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the SUPI's KDF encoding, which ABBA's octets follow. */
    public static final int KSEAF_PARAMETERS_OFFSET = KSEAF_ABBA_LENGTH_OFFSET + Integer.BYTES;
    /** Most octets of a SUPI's KDF encoding. */
    public static final int MAX_SUPI_LENGTH = Supi.MAX_NAI_LENGTH;
    /** Most octets of ABBA. */
    public static final int MAX_ABBA_LENGTH = Abba.MAX_LENGTH;

    /** Offset of the NAS ciphering algorithm, in a request that carries the NAS algorithms. */
    public static final int NAS_CIPHERING_OFFSET = LENGTH;
    /** Offset of the NAS integrity algorithm. */
    public static final int NAS_INTEGRITY_OFFSET = NAS_CIPHERING_OFFSET + Integer.BYTES;
    /** Octets of a request record with the NAS algorithms. */
    public static final int NAS_ALGORITHMS_LENGTH = NAS_INTEGRITY_OFFSET + Integer.BYTES;

    private RequestDescriptor()
    {
    }
}

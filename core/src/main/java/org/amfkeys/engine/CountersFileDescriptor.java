package org.amfkeys.engine;

import org.agrona.BitUtil;

/**
 * Layout of the file an engine's counters live in, so another process ({@code amfkeys stat}) can map
 * it and read them while the engine runs, as AeronStat reads Aeron's. Little-endian.
 * <pre>
 *   0  magic            int32   {@link #MAGIC}
 *   4  version          int32   {@link #VERSION}
 *   8  metadata length  int32   octets of the counters' metadata (labels, types)
 *  12  values length    int32   octets of the counters' values
 *  16  pid              int64   of the process that runs the engine
 *  24  start time       int64   epoch milliseconds when the engine started
 *  32  error log length int32   octets of the distinct error log
 *  36  padding          to {@link #HEADER_LENGTH}
 *  64  metadata, then values (Agrona's counters layout), then the error log (Agrona's distinct error log)
 * </pre>
 */
public final class CountersFileDescriptor
{
    /** "AMFK" in ASCII, little-endian: the file is an amfkeys counters file. */
    public static final int MAGIC = 0x4B464D41;

    /** The layout's version. */
    public static final int VERSION = 1;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;

    /** Offset of the version. */
    public static final int VERSION_OFFSET = MAGIC_OFFSET + Integer.BYTES;

    /** Offset of the metadata length. */
    public static final int METADATA_LENGTH_OFFSET = VERSION_OFFSET + Integer.BYTES;

    /** Offset of the values length. */
    public static final int VALUES_LENGTH_OFFSET = METADATA_LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the engine's process id. */
    public static final int PID_OFFSET = VALUES_LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the start time. */
    public static final int START_TIME_OFFSET = PID_OFFSET + Long.BYTES;

    /** Offset of the error log length. */
    public static final int ERROR_LOG_LENGTH_OFFSET = START_TIME_OFFSET + Long.BYTES;

    /** Octets of the header, a cache line so the metadata starts aligned. */
    public static final int HEADER_LENGTH = BitUtil.CACHE_LINE_LENGTH;

    private CountersFileDescriptor()
    {
    }
}

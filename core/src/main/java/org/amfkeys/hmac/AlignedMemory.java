package org.amfkeys.hmac;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Direct memory aligned for the native kernels, that can be zeroed and freed at once rather than when
 * the garbage collector gets to it.
 */
final class AlignedMemory implements AutoCloseable
{
    private final ByteBuffer raw;
    private final UnsafeBuffer buffer;

    AlignedMemory(final int length, final int alignment)
    {
        raw = ByteBuffer.allocateDirect(length + alignment);
        final int padding = (int)(-BufferUtil.address(raw) & (alignment - 1));
        buffer = new UnsafeBuffer(raw, padding, length);
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Zeroes and frees the memory; the buffer must not be used afterwards.
     */
    public void close()
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0);
        BufferUtil.free(raw);
    }
}

package org.amfkeys;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The short copies give the bulk copies' results at every length and alignment, between heap and
 * off-heap buffers and arrays, and copy nothing when a range does not fit.
 */
class OctetsTest
{
    private static final int SIZE = 160;

    @Test
    void everyLengthAndOffsetCopiesWhatTheBulkCopyDoes()
    {
        final SplittableRandom random = new SplittableRandom(1);
        final byte[] source = new byte[SIZE];
        random.nextBytes(source);
        final UnsafeBuffer heap = new UnsafeBuffer(source.clone());
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SIZE, 64));
        direct.putBytes(0, source);
        for (int length = 0; length <= 70; length++)
        {
            for (int from = 0; from < 9; from++)
            {
                final int to = (from * 5 + length) % 11;
                for (final UnsafeBuffer buffer : new UnsafeBuffer[] {heap, direct})
                {
                    final byte[] expected = new byte[SIZE];
                    System.arraycopy(source, from, expected, to, length);

                    final byte[] toArray = new byte[SIZE];
                    Octets.copy(buffer, from, toArray, to, length);
                    assertArrayEquals(expected, toArray, "buffer to array, length " + length);

                    final UnsafeBuffer toBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SIZE, 64));
                    Octets.copy(buffer, from, toBuffer, to, length);
                    assertArrayEquals(expected, bytes(toBuffer), "buffer to buffer, length " + length);

                    final UnsafeBuffer fromArray = new UnsafeBuffer(new byte[SIZE]);
                    Octets.copy(source, from, fromArray, to, length);
                    assertArrayEquals(expected, bytes(fromArray), "array to buffer, length " + length);
                }
            }
        }
    }

    @Test
    void aRangeThatDoesNotFitCopiesNothing()
    {
        final byte[] source = new byte[40];
        Arrays.fill(source, (byte)7);
        final byte[] target = new byte[32];
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        assertThrows(IndexOutOfBoundsException.class, () -> Octets.copy(new UnsafeBuffer(source), 9, target, 0, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> Octets.copy(new UnsafeBuffer(source), 0, target, 1, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> Octets.copy(source, 0, buffer, 1, 32));
        assertThrows(IndexOutOfBoundsException.class, () -> Octets.copy(source, -1, buffer, 0, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> Octets.copy(new UnsafeBuffer(source), 0, buffer, 0, -1));
        assertArrayEquals(new byte[32], target);
        assertArrayEquals(new byte[32], bytes(buffer));
    }

    @Test
    void zeroClearsAWholeArrayOfEveryLength()
    {
        final SplittableRandom random = new SplittableRandom(2);
        for (int length = 0; length <= 41; length++)
        {
            final byte[] array = new byte[length];
            random.nextBytes(array);
            Arrays.fill(array, 0, Math.min(1, length), (byte)1);
            Octets.zero(array);
            assertArrayEquals(new byte[length], array, "length " + length);
        }
    }

    @Test
    void zeroClearsExactlyItsRangeOnHeapAndOffHeap()
    {
        for (final UnsafeBuffer buffer : new UnsafeBuffer[] {
            new UnsafeBuffer(new byte[SIZE]), new UnsafeBuffer(BufferUtil.allocateDirectAligned(SIZE, 64))})
        {
            for (int length = 0; length <= 70; length++)
            {
                for (int index = 0; index < 9; index++)
                {
                    buffer.setMemory(0, SIZE, (byte)0x5A);
                    Octets.zero(buffer, index, length);
                    for (int at = 0; at < SIZE; at++)
                    {
                        final boolean inRange = at >= index && at < index + length;
                        if (buffer.getByte(at) != (inRange ? 0 : 0x5A))
                        {
                            throw new AssertionError("octet " + at + " after zeroing " + length + " from " + index);
                        }
                    }
                }
            }
            buffer.setMemory(0, SIZE, (byte)1);
            assertThrows(IndexOutOfBoundsException.class, () -> Octets.zero(buffer, SIZE - 8, 9));
            assertThrows(IndexOutOfBoundsException.class, () -> Octets.zero(buffer, -1, 4));
            for (int at = 0; at < SIZE; at++)
            {
                if (buffer.getByte(at) != 1)
                {
                    throw new AssertionError("octet " + at + " changed by a refused zeroing");
                }
            }
        }
    }

    private static byte[] bytes(final UnsafeBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}

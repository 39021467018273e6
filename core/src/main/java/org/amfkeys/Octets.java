package org.amfkeys;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import java.util.Objects;

/**
 * Copies and wipes of a few dozen octets (a key, a key schedule, a KDF input string, a slot), eight
 * octets at a time. For such lengths a bulk copy's own checks and the call into the JVM's copy routine
 * cost more than the copy, and a bulk fill ({@code setMemory}) is a call out of compiled code into
 * the JVM: the engine made five copies per derivation and a procedure step half a dozen wipes. Ranges
 * are checked once, up front; a source and its destination must not overlap.
 */
public final class Octets
{
    private static final long ARRAY_BASE = BufferUtil.ARRAY_BASE_OFFSET;

    private Octets()
    {
    }

    /**
     * Copies {@code length} octets from a buffer to a buffer.
     *
     * @param from      the source.
     * @param fromIndex where the octets start in it.
     * @param to        the destination.
     * @param toIndex   where they go in it.
     * @param length    octets to copy.
     * @throws IndexOutOfBoundsException when either range does not fit its buffer; nothing is copied.
     */
    public static void copy(
        final DirectBuffer from, final int fromIndex, final MutableDirectBuffer to, final int toIndex, final int length)
    {
        from.boundsCheck(fromIndex, length);
        to.boundsCheck(toIndex, length);
        copy(from.byteArray(), from.addressOffset() + fromIndex, to.byteArray(), to.addressOffset() + toIndex, length);
    }

    /**
     * Copies {@code length} octets from an array to a buffer.
     *
     * @param from      the source.
     * @param fromIndex where the octets start in it.
     * @param to        the destination.
     * @param toIndex   where they go in it.
     * @param length    octets to copy.
     * @throws IndexOutOfBoundsException when either range does not fit; nothing is copied.
     */
    public static void copy(
        final byte[] from, final int fromIndex, final MutableDirectBuffer to, final int toIndex, final int length)
    {
        Objects.checkFromIndexSize(fromIndex, length, from.length);
        to.boundsCheck(toIndex, length);
        copy(from, ARRAY_BASE + fromIndex, to.byteArray(), to.addressOffset() + toIndex, length);
    }

    /**
     * Copies {@code length} octets from a buffer to an array.
     *
     * @param from      the source.
     * @param fromIndex where the octets start in it.
     * @param to        the destination.
     * @param toIndex   where they go in it.
     * @param length    octets to copy.
     * @throws IndexOutOfBoundsException when either range does not fit; nothing is copied.
     */
    public static void copy(
        final DirectBuffer from, final int fromIndex, final byte[] to, final int toIndex, final int length)
    {
        from.boundsCheck(fromIndex, length);
        Objects.checkFromIndexSize(toIndex, length, to.length);
        copy(from.byteArray(), from.addressOffset() + fromIndex, to, ARRAY_BASE + toIndex, length);
    }

    /**
     * Zeroes {@code length} octets of a buffer.
     *
     * @param buffer the buffer.
     * @param index  where the octets start.
     * @param length octets to zero.
     * @throws IndexOutOfBoundsException when the range does not fit the buffer; nothing is zeroed.
     */
    public static void zero(final MutableDirectBuffer buffer, final int index, final int length)
    {
        buffer.boundsCheck(index, length);
        final Object base = buffer.byteArray();
        final long address = buffer.addressOffset() + index;
        int zeroed = 0;
        for (; zeroed + Long.BYTES <= length; zeroed += Long.BYTES)
        {
            UnsafeApi.putLong(base, address + zeroed, 0L);
        }
        for (; zeroed < length; zeroed++)
        {
            UnsafeApi.putByte(base, address + zeroed, (byte)0);
        }
    }

    /**
     * Zeroes a whole array: a scratch key or input. {@code Arrays.fill} on a byte array stores octet by
     * octet, and every procedure step wipes several.
     *
     * @param array the array.
     */
    public static void zero(final byte[] array)
    {
        final int length = array.length;
        int zeroed = 0;
        for (; zeroed + Long.BYTES <= length; zeroed += Long.BYTES)
        {
            UnsafeApi.putLong(array, ARRAY_BASE + zeroed, 0L);
        }
        for (; zeroed < length; zeroed++)
        {
            UnsafeApi.putByte(array, ARRAY_BASE + zeroed, (byte)0);
        }
    }

    private static void copy(final Object fromBase, final long from, final Object toBase, final long to, final int length)
    {
        int copied = 0;
        for (; copied + Long.BYTES <= length; copied += Long.BYTES)
        {
            UnsafeApi.putLong(toBase, to + copied, UnsafeApi.getLong(fromBase, from + copied));
        }
        for (; copied < length; copied++)
        {
            UnsafeApi.putByte(toBase, to + copied, UnsafeApi.getByte(fromBase, from + copied));
        }
    }
}

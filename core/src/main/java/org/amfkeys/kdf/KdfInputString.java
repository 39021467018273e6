package org.amfkeys.kdf;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.types.KdfParameter;
import org.amfkeys.types.TextEncoding;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The input string S of the TS 33.220 B.2 key derivation function:
 * {@code S = FC || P0 || L0 || P1 || L1 || ... || Pn || Ln}, where FC is one octet (or
 * {@code 0xFF || FC2}) and every parameter Pi is followed by its length Li in octets as a 2-octet
 * big-endian number, even when the length is fixed. Lengths above 65535 are rejected.
 * <p>
 * Reusable: {@link #fc(int)} or {@link #extendedFc(int)} starts a new string in the same storage,
 * which grows to the longest string built and is then never reallocated. Not thread-safe.
 */
public final class KdfInputString
{
    /** Longest parameter in octets: Li is two octets. */
    public static final int MAX_PARAMETER_LENGTH = 0xFFFF;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(128);
    private int length;
    /** Longest string built since the last {@link #wipe}: a wipe zeroes that much, not the whole buffer. */
    private int written;
    private int parameterCount;

    /**
     * Starts a string with a one-octet FC.
     *
     * @param fc function code, 0x00..0xFE (0xFF introduces a two-octet FC, see {@link #extendedFc}).
     * @return this.
     */
    public KdfInputString fc(final int fc)
    {
        if (fc < 0 || fc >= Fc.EXTENSION_PREFIX)
        {
            throw InvalidParameterException.outOfRange("fc", fc, 0, Fc.EXTENSION_PREFIX - 1);
        }
        buffer.putByte(0, (byte)fc);
        written = Math.max(written, length);
        length = 1;
        parameterCount = 0;
        return this;
    }

    /**
     * Starts a string with the two-octet FC {@code 0xFF || fc2}.
     *
     * @param fc2 second octet, 0x00..0xFF.
     * @return this.
     */
    public KdfInputString extendedFc(final int fc2)
    {
        if (fc2 < 0 || fc2 > 0xFF)
        {
            throw InvalidParameterException.outOfRange("fc2", fc2, 0, 0xFF);
        }
        buffer.putByte(0, (byte)Fc.EXTENSION_PREFIX);
        buffer.putByte(1, (byte)fc2);
        written = Math.max(written, Math.max(length, 2));
        length = 2;
        parameterCount = 0;
        return this;
    }

    /**
     * Appends a one-octet parameter.
     *
     * @param value 0..255 (higher bits are dropped).
     * @return this.
     */
    public KdfInputString octet(final int value)
    {
        requireStarted();
        ensureCapacity(1);
        buffer.putByte(length, (byte)value);
        return endParameter(1);
    }

    /**
     * Appends a 2-octet big-endian parameter.
     *
     * @param value 0..65535 (higher bits are dropped).
     * @return this.
     */
    public KdfInputString uint16(final int value)
    {
        requireStarted();
        ensureCapacity(2);
        buffer.putShort(length, (short)value, ByteOrder.BIG_ENDIAN);
        return endParameter(2);
    }

    /**
     * Appends a 3-octet big-endian parameter.
     *
     * @param value 0..16777215 (higher bits are dropped).
     * @return this.
     */
    public KdfInputString uint24(final int value)
    {
        requireStarted();
        ensureCapacity(3);
        buffer.putByte(length, (byte)(value >>> 16));
        buffer.putShort(length + 1, (short)value, ByteOrder.BIG_ENDIAN);
        return endParameter(3);
    }

    /**
     * Appends a 4-octet big-endian parameter, such as a NAS COUNT.
     *
     * @param value the 32 bits, read as unsigned.
     * @return this.
     */
    public KdfInputString uint32(final int value)
    {
        requireStarted();
        ensureCapacity(4);
        buffer.putInt(length, value, ByteOrder.BIG_ENDIAN);
        return endParameter(4);
    }

    /**
     * Appends an octet-string parameter.
     *
     * @param value  array holding the parameter.
     * @param offset of the parameter.
     * @param count  length in octets, 0..65535.
     * @return this.
     */
    public KdfInputString octets(final byte[] value, final int offset, final int count)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing("param", "0..65535 octets");
        }
        requireStarted();
        checkLength(count);
        requireSlice(value.length, offset, count);
        ensureCapacity(count);
        Octets.copy(value, offset, buffer, length, count);
        return endParameter(count);
    }

    /**
     * Appends an octet-string parameter.
     *
     * @param value the parameter, 0..65535 octets.
     * @return this.
     */
    public KdfInputString octets(final byte[] value)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing("param", "0..65535 octets");
        }
        return octets(value, 0, value.length);
    }

    /**
     * Appends an octet-string parameter from a buffer.
     *
     * @param value  buffer holding the parameter.
     * @param offset of the parameter.
     * @param count  length in octets, 0..65535.
     * @return this.
     */
    public KdfInputString octets(final DirectBuffer value, final int offset, final int count)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing("param", "a buffer holding 0..65535 octets");
        }
        requireStarted();
        checkLength(count);
        requireSlice(value.capacity(), offset, count);
        ensureCapacity(count);
        Octets.copy(value, offset, buffer, length, count);
        return endParameter(count);
    }

    /**
     * Appends a typed value in its encoding.
     *
     * @param value e.g. a {@link org.amfkeys.types.Supi}.
     * @return this.
     */
    public KdfInputString parameter(final KdfParameter value)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing("param", "a typed value");
        }
        requireStarted();
        final int count = value.encodedLength();
        checkLength(count);
        ensureCapacity(count);
        value.encodeTo(buffer.byteArray(), length);
        return endParameter(count);
    }

    /**
     * Appends a character string: UTF-8 after NFKC normalisation (TS 33.220 B.2.1.2). Allocates; typed
     * values such as {@link org.amfkeys.types.ServingNetworkName} encode once and do not.
     *
     * @param text the string.
     * @return this.
     */
    public KdfInputString text(final String text)
    {
        if (text == null)
        {
            throw InvalidParameterException.missing("param", "a character string");
        }
        return octets(TextEncoding.encode(text));
    }

    /**
     * Rejects a slice outside its array or buffer: a short one by its length, never a negative range.
     */
    private static void requireSlice(final int capacity, final int offset, final int count)
    {
        if (capacity < count)
        {
            throw InvalidParameterException.badLength("param", capacity, "at least " + count + " octets");
        }
        if (offset < 0 || offset > capacity - count)
        {
            throw InvalidParameterException.outOfRange("param-offset", offset, 0, capacity - count);
        }
    }

    /**
     * @return the array holding S from index 0; valid until the next change.
     */
    public byte[] array()
    {
        return buffer.byteArray();
    }

    /**
     * @return the length of S in octets.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return the number of parameters appended since the FC.
     */
    public int parameterCount()
    {
        return parameterCount;
    }

    /**
     * @return a copy of S.
     */
    public byte[] toByteArray()
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(0, copy);
        return copy;
    }

    /**
     * Zeroes the storage: parameters such as SYNC-input are key material.
     */
    public void wipe()
    {
        Octets.zero(buffer, 0, Math.max(written, Math.max(length, 2)));
        written = 0;
        length = 0;
        parameterCount = 0;
    }

    /**
     * @return a description without content.
     */
    public String toString()
    {
        return "KdfInputString[length=" + length + ", parameters=" + parameterCount + "]";
    }

    private void requireStarted()
    {
        if (length == 0)
        {
            throw new IllegalStateException("start S with fc() or extendedFc() before appending parameters");
        }
    }

    /**
     * Makes room for a parameter of {@code count} octets and its length field. When the storage grows,
     * the old array is zeroed: it may hold parameters that are key material.
     */
    private void ensureCapacity(final int count)
    {
        final byte[] before = buffer.byteArray();
        buffer.checkLimit(length + count + 2);
        if (buffer.byteArray() != before)
        {
            Arrays.fill(before, (byte)0);
        }
    }

    private void checkLength(final int count)
    {
        if (count < 0 || count > MAX_PARAMETER_LENGTH)
        {
            throw InvalidParameterException.badLength("P" + parameterCount, count, "0..65535 octets");
        }
    }

    private KdfInputString endParameter(final int count)
    {
        length += count;
        buffer.putShort(length, (short)count, ByteOrder.BIG_ENDIAN);
        length += 2;
        parameterCount++;
        return this;
    }
}

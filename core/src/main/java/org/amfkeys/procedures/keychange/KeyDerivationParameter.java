package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.types.Token;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A key derivation parameter (KDP): the freshness or separation input of a {@link KdpBoundKamf}
 * derivation, of one of four kinds, each with a fixed range of lengths:
 * <ul>
 *     <li>{@link Kind#NONCE}: 4 to 32 random octets from the source AMF, sent to the UE;</li>
 *     <li>{@link Kind#TIMESTAMP}: 8 octets, an unsigned 64-bit big-endian time; a UE accepts only later
 *     ones than the last it used;</li>
 *     <li>{@link Kind#VERSION}: 4 octets, an unsigned 32-bit big-endian version number; a UE accepts only
 *     higher ones than the last it used;</li>
 *     <li>{@link Kind#STATIC_DATA}: 1 to 255 octets of configuration both the UE and the network know,
 *     which then need not be sent.</li>
 * </ul>
 * A KDP is public (it travels in clear to the UE), so {@link #toString()} may show its kind and length.
 * Immutable: the value is copied in and out.
 */
public final class KeyDerivationParameter
{
    /** The kind of a KDP, with its code octet in the input string S and its allowed lengths. */
    public enum Kind implements Token
    {
        /** Random octets chosen by the source AMF. */
        NONCE("nonce", 0x01, 4, 32),
        /** An unsigned 64-bit big-endian time; only its order matters to amfkeys. */
        TIMESTAMP("timestamp", 0x02, 8, 8),
        /** An unsigned 32-bit big-endian version number. */
        VERSION("version", 0x03, 4, 4),
        /** Configuration octets known to the UE and the network. */
        STATIC_DATA("static-data", 0x04, 1, 255);

        private final String token;
        private final int code;
        private final int minLength;
        private final int maxLength;

        Kind(final String token, final int code, final int minLength, final int maxLength)
        {
            this.token = token;
            this.code = code;
            this.minLength = minLength;
            this.maxLength = maxLength;
        }

        /**
         * @return e.g. {@code nonce}.
         */
        public String token()
        {
            return token;
        }

        /**
         * @return the kind's octet in S (P2 of {@link KdpBoundKamf}), 0x01..0x04.
         */
        public int code()
        {
            return code;
        }

        /**
         * @return the shortest value in octets.
         */
        public int minLength()
        {
            return minLength;
        }

        /**
         * @return the longest value in octets.
         */
        public int maxLength()
        {
            return maxLength;
        }

        /**
         * @return e.g. {@code 4..32 octets}.
         */
        String allowedLength()
        {
            return minLength == maxLength ? minLength + " octets" : minLength + ".." + maxLength + " octets";
        }
    }

    /** Largest version number: 32 bits unsigned. */
    public static final long MAX_VERSION = 0xFFFF_FFFFL;

    /** Length of a nonce from {@link #nonce(SecureRandom)}: 16 octets, 128 bits. */
    public static final int DEFAULT_NONCE_LENGTH = 16;

    private final Kind kind;
    private final byte[] value;

    private KeyDerivationParameter(final Kind kind, final byte[] value)
    {
        this.kind = kind;
        this.value = value;
    }

    /**
     * @param kind  the kind.
     * @param value the value, in the kind's range of lengths; copied.
     * @return the KDP.
     * @throws InvalidParameterException naming {@code kdp-kind} or {@code kdp} with the allowed range.
     */
    public static KeyDerivationParameter of(final Kind kind, final byte[] value)
    {
        if (kind == null)
        {
            throw InvalidParameterException.missing("kdp-kind", "nonce, timestamp, version or static-data");
        }
        if (value == null)
        {
            throw InvalidParameterException.missing("kdp", kind.token() + " of " + kind.allowedLength());
        }
        if (value.length < kind.minLength() || value.length > kind.maxLength())
        {
            throw InvalidParameterException.badLength("kdp", value.length, kind.token() + " of " + kind.allowedLength());
        }
        return new KeyDerivationParameter(kind, value.clone());
    }

    /**
     * @param value 4 to 32 octets; copied.
     * @return a nonce KDP.
     */
    public static KeyDerivationParameter nonce(final byte[] value)
    {
        return of(Kind.NONCE, value);
    }

    /**
     * @param random the source of randomness.
     * @return a fresh nonce of {@value #DEFAULT_NONCE_LENGTH} octets.
     */
    public static KeyDerivationParameter nonce(final SecureRandom random)
    {
        if (random == null)
        {
            throw InvalidParameterException.missing("random", "a SecureRandom");
        }
        final byte[] value = new byte[DEFAULT_NONCE_LENGTH];
        random.nextBytes(value);
        return new KeyDerivationParameter(Kind.NONCE, value);
    }

    /**
     * @param time an unsigned 64-bit time, such as milliseconds since an epoch the operator chooses.
     * @return a timestamp KDP.
     */
    public static KeyDerivationParameter timestamp(final long time)
    {
        final byte[] value = new byte[Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++)
        {
            value[i] = (byte)(time >>> (56 - 8 * i));
        }
        return new KeyDerivationParameter(Kind.TIMESTAMP, value);
    }

    /**
     * @param version 0..2^32-1.
     * @return a version number KDP.
     */
    public static KeyDerivationParameter version(final long version)
    {
        if (version < 0 || version > MAX_VERSION)
        {
            throw InvalidParameterException.outOfRange("kdp-version", version, 0, MAX_VERSION);
        }
        final byte[] value = new byte[Integer.BYTES];
        for (int i = 0; i < Integer.BYTES; i++)
        {
            value[i] = (byte)(version >>> (24 - 8 * i));
        }
        return new KeyDerivationParameter(Kind.VERSION, value);
    }

    /**
     * @param value 1 to 255 octets both sides know; copied.
     * @return a static data KDP.
     */
    public static KeyDerivationParameter staticData(final byte[] value)
    {
        return of(Kind.STATIC_DATA, value);
    }

    /**
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return the length of the value in octets.
     */
    public int length()
    {
        return value.length;
    }

    /**
     * @return a copy of the value.
     */
    public byte[] value()
    {
        return value.clone();
    }

    /**
     * The value as a number, for the order of timestamps and version numbers.
     *
     * @return the unsigned big-endian value (compare timestamps with {@link Long#compareUnsigned}).
     * @throws IllegalStateException for a nonce or static data, which have no order.
     */
    public long numericValue()
    {
        if (kind != Kind.TIMESTAMP && kind != Kind.VERSION)
        {
            throw new IllegalStateException("a " + kind.token() + " KDP has no numeric value");
        }
        long number = 0;
        for (final byte octet : value)
        {
            number = number << 8 | (octet & 0xFF);
        }
        return number;
    }

    /**
     * @return the value array itself, for encoding without a copy.
     */
    byte[] valueArray()
    {
        return value;
    }

    /**
     * @param other another object.
     * @return whether it is a KDP of the same kind and value.
     */
    public boolean equals(final Object other)
    {
        return other instanceof KeyDerivationParameter && ((KeyDerivationParameter)other).kind == kind &&
            Arrays.equals(((KeyDerivationParameter)other).value, value);
    }

    public int hashCode()
    {
        return kind.hashCode() * 31 + Arrays.hashCode(value);
    }

    /**
     * @return e.g. {@code KeyDerivationParameter[kind=nonce, length=16]}.
     */
    public String toString()
    {
        return "KeyDerivationParameter[kind=" + kind.token() + ", length=" + value.length + "]";
    }
}

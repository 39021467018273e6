package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Subscription permanent identifier (TS 23.003 2.2A), as P0 of KAMF (TS 33.501 A.7.0) and P1 of KAKMA
 * and A-TID (TS 33.535): for an IMSI the digits alone, for an NAI (NSI, GLI, GCI) the NAI, both
 * without the {@code imsi-}/{@code nai-} type prefix. Only the first {@code -} ends the prefix: an NAI
 * may itself contain {@code -} (open5gs cuts it there and derives a wrong KAMF).
 */
public final class Supi implements KdfParameter
{
    /** Type of a SUPI. */
    public enum Type
    {
        /** {@code imsi-} followed by 5 to 15 digits. */
        IMSI,
        /** {@code nai-} followed by a network access identifier. */
        NAI
    }

    /** Largest NAI length in octets (RFC 7542 2.2). */
    public static final int MAX_NAI_LENGTH = 253;

    /** What {@link #parse} accepts, as reported in errors. */
    public static final String ALLOWED =
        "'imsi-' followed by 5 to 15 digits, or 'nai-' followed by an NAI user@realm of at most 253 octets";

    private static final int MIN_IMSI_DIGITS = 5;
    private static final int MAX_IMSI_DIGITS = 15;

    private final Type type;
    private final byte[] encoding;

    private Supi(final Type type, final byte[] encoding)
    {
        this.type = type;
        this.encoding = encoding;
    }

    /**
     * @param supi e.g. {@code imsi-001010123456789} or {@code nai-joe-doe@realm.example}.
     * @return the SUPI.
     * @throws InvalidParameterException when {@code supi} is neither form; the parameter is named {@code supi}.
     */
    public static Supi parse(final String supi)
    {
        return parse("supi", supi);
    }

    /**
     * @param parameter name of the parameter, for errors.
     * @param supi      e.g. {@code imsi-001010123456789} or {@code nai-joe-doe@realm.example}.
     * @return the SUPI.
     * @throws InvalidParameterException when {@code supi} is neither form.
     */
    public static Supi parse(final String parameter, final String supi)
    {
        if (supi == null)
        {
            throw InvalidParameterException.missing(parameter, ALLOWED);
        }
        if (supi.startsWith("imsi-"))
        {
            final String digits = supi.substring("imsi-".length());
            if (isImsiDigits(digits))
            {
                return new Supi(Type.IMSI, digits.getBytes(StandardCharsets.US_ASCII));
            }
            throw new InvalidParameterException(parameter, "IMSI is not 5 to 15 digits", ALLOWED);
        }
        if (supi.startsWith("nai-"))
        {
            final String nai = TextEncoding.normalize(supi.substring("nai-".length()));
            final byte[] encoding = nai.getBytes(StandardCharsets.UTF_8);
            final int at = nai.lastIndexOf('@');
            if (encoding.length > MAX_NAI_LENGTH)
            {
                throw new InvalidParameterException(parameter, "NAI of " + encoding.length + " octets", ALLOWED);
            }
            if (at < 0 || at == nai.length() - 1 || !printable(nai))
            {
                throw new InvalidParameterException(parameter, "not an NAI of the form user@realm", ALLOWED);
            }
            return new Supi(Type.NAI, encoding);
        }
        throw new InvalidParameterException(parameter, "unknown SUPI type", ALLOWED);
    }

    /**
     * An IMSI-type SUPI from its digits as a subscriber database holds them, without the text of
     * {@link #parse}: for a caller that makes millions (a load test's subscribers).
     *
     * @param parameter name of the parameter, for errors.
     * @param digits    the IMSI's digits in ASCII, 5 to 15 of them from {@code offset}; copied.
     * @param offset    where they start.
     * @param length    how many.
     * @return the SUPI, equal to {@code parse("imsi-" + digits)}.
     * @throws InvalidParameterException when the slice is not 5 to 15 ASCII digits.
     */
    public static Supi imsi(final String parameter, final byte[] digits, final int offset, final int length)
    {
        if (digits == null)
        {
            throw InvalidParameterException.missing(parameter, "5 to 15 IMSI digits");
        }
        if (length < MIN_IMSI_DIGITS || length > MAX_IMSI_DIGITS || offset < 0 || offset > digits.length - length)
        {
            throw new InvalidParameterException(parameter, length + " digits at " + offset + " of " + digits.length + " octets",
                "5 to 15 IMSI digits within the array");
        }
        for (int i = offset; i < offset + length; i++)
        {
            if (digits[i] < '0' || digits[i] > '9')
            {
                throw new InvalidParameterException(parameter, "IMSI is not 5 to 15 digits",
                    "5 to 15 IMSI digits within the array");
            }
        }
        return new Supi(Type.IMSI, Arrays.copyOfRange(digits, offset, offset + length));
    }

    /**
     * @return the SUPI type.
     */
    public Type type()
    {
        return type;
    }

    /**
     * @return the KDF value of the SUPI (digits or NAI, without prefix) as text.
     */
    public String kdfValue()
    {
        return new String(encoding, StandardCharsets.UTF_8);
    }

    public int encodedLength()
    {
        return encoding.length;
    }

    public void encodeTo(final byte[] destination, final int offset)
    {
        System.arraycopy(encoding, 0, destination, offset, encoding.length);
    }

    public boolean equals(final Object other)
    {
        return other instanceof Supi && ((Supi)other).type == type && Arrays.equals(((Supi)other).encoding, encoding);
    }

    public int hashCode()
    {
        return 31 * (type == Type.IMSI ? 1 : 2) + Arrays.hashCode(encoding);
    }

    /**
     * @return the SUPI with its type prefix, e.g. {@code imsi-001010123456789}.
     */
    public String toString()
    {
        return (type == Type.IMSI ? "imsi-" : "nai-") + new String(encoding, StandardCharsets.UTF_8);
    }

    /** A loop rather than a regular expression: a load test parses millions of SUPIs. */
    private static boolean isImsiDigits(final String digits)
    {
        if (digits.length() < MIN_IMSI_DIGITS || digits.length() > MAX_IMSI_DIGITS)
        {
            return false;
        }
        for (int i = 0; i < digits.length(); i++)
        {
            final char c = digits.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static boolean printable(final String text)
    {
        // An unpaired surrogate has no UTF-8 encoding (it would become '?'): not an NAI.
        return text.codePoints().noneMatch(
            c -> Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSurrogate((char)c));
    }
}

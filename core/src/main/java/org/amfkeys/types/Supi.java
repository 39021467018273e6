package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.nio.charset.StandardCharsets;

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
    private final String value;
    private final byte[] encoding;

    private Supi(final Type type, final String value, final byte[] encoding)
    {
        this.type = type;
        this.value = value;
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
                return new Supi(Type.IMSI, supi, digits.getBytes(StandardCharsets.US_ASCII));
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
            return new Supi(Type.NAI, "nai-" + nai, encoding);
        }
        throw new InvalidParameterException(parameter, "unknown SUPI type", ALLOWED);
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
        return other instanceof Supi && ((Supi)other).value.equals(value);
    }

    public int hashCode()
    {
        return value.hashCode();
    }

    /**
     * @return the SUPI with its type prefix, e.g. {@code imsi-001010123456789}.
     */
    public String toString()
    {
        return value;
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
        return text.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c));
    }
}

package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address as a KDF parameter (KIAB, TS 33.501 A.23): its 4 (IPv4) or 16 (IPv6) octets in network
 * order. TS 33.501 names the address without fixing its encoding; the binary address is the encoding
 * amfkeys uses.
 */
public final class IpAddress extends OctetValue
{
    private static final String ALLOWED = "an IPv4 (a.b.c.d) or IPv6 address literal, or its 4 or 16 octets";
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}" +
        "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    private final String text;

    private IpAddress(final String parameter, final byte[] octets)
    {
        super(parameter, octets, 4, 16);
        if (octets.length != 4 && octets.length != 16)
        {
            throw InvalidParameterException.badLength(parameter, octets.length, "4 or 16 octets");
        }
        try
        {
            text = InetAddress.getByAddress(octets).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param parameter name of the parameter, for errors.
     * @param octets    4 or 16 octets.
     * @return the address.
     */
    public static IpAddress of(final String parameter, final byte[] octets)
    {
        return new IpAddress(parameter, octets);
    }

    /**
     * Parses an address literal. Never resolves a name.
     *
     * @param parameter name of the parameter, for errors.
     * @param literal   e.g. {@code 192.0.2.1} or {@code 2001:db8::1}.
     * @return the address.
     */
    public static IpAddress parse(final String parameter, final String literal)
    {
        if (literal == null)
        {
            throw InvalidParameterException.missing(parameter, ALLOWED);
        }
        final boolean ipv4 = IPV4.matcher(literal).matches();
        final boolean ipv6 = !ipv4 && literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
        if (ipv4 || ipv6)
        {
            try
            {
                // A literal with ':' or a dotted quad is parsed, never looked up.
                final byte[] octets = InetAddress.getByName(literal).getAddress();
                return new IpAddress(parameter, ipv6 && octets.length == 4 ? ipv4Mapped(octets) : octets);
            }
            catch (final UnknownHostException ex)
            {
                // fall through to the error below
            }
        }
        throw new InvalidParameterException(parameter, InvalidParameterException.quote(literal) + " is not an address literal", ALLOWED);
    }

    /**
     * The JDK turns an IPv4-mapped IPv6 literal ({@code ::ffff:a.b.c.d}) into an IPv4 address; the
     * caller wrote an IPv6 address, so it keeps its 16 octets.
     */
    private static byte[] ipv4Mapped(final byte[] ipv4)
    {
        final byte[] mapped = new byte[16];
        mapped[10] = (byte)0xFF;
        mapped[11] = (byte)0xFF;
        System.arraycopy(ipv4, 0, mapped, 12, 4);
        return mapped;
    }

    /**
     * @return the address in its usual text form.
     */
    public String toString()
    {
        return text;
    }
}

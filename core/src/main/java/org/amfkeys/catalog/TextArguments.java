package org.amfkeys.catalog;

import org.amfkeys.InvalidParameterException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Arguments} written as text, as on a command line: byte strings in hexadecimal, integers in
 * decimal or with a {@code 0x} prefix in hexadecimal.
 */
public final class TextArguments implements Arguments
{
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    /**
     * Adds a value; a parameter given twice keeps both (lists) or is rejected when read (single values).
     *
     * @param name  parameter name.
     * @param value the value as text.
     * @return this.
     */
    public TextArguments add(final String name, final String value)
    {
        values.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        return this;
    }

    public Set<String> names()
    {
        return Collections.unmodifiableSet(values.keySet());
    }

    public boolean has(final String name)
    {
        return values.containsKey(name);
    }

    public byte[] octets(final String name)
    {
        return decodeHex(name, single(name, "hexadecimal octets"));
    }

    public long integer(final String name)
    {
        final String text = single(name, "an integer");
        try
        {
            return text.startsWith("0x") || text.startsWith("0X") ?
                Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new InvalidParameterException(
                name, InvalidParameterException.quote(text) + " is not an integer", "a decimal or 0x-hexadecimal integer");
        }
    }

    public String text(final String name)
    {
        return single(name, "text");
    }

    /**
     * @param name parameter name.
     * @return every value given for it, as text; empty when none.
     */
    public List<String> texts(final String name)
    {
        return Collections.unmodifiableList(values.getOrDefault(name, List.of()));
    }

    /**
     * @param name parameter name.
     * @return this, without the parameter.
     */
    public TextArguments remove(final String name)
    {
        values.remove(name);
        return this;
    }

    public List<byte[]> octetsList(final String name)
    {
        final List<String> given = values.getOrDefault(name, List.of());
        final List<byte[]> octets = new ArrayList<>(given.size());
        for (final String text : given)
        {
            octets.add(decodeHex(name, text));
        }
        return octets;
    }

    /**
     * Decodes hexadecimal octets; the error names the parameter and never echoes the value, which may be a key.
     *
     * @param name parameter name.
     * @param text the hexadecimal text.
     * @return the octets.
     */
    public static byte[] decodeHex(final String name, final String text)
    {
        if ((text.length() & 1) != 0)
        {
            throw new InvalidParameterException(name, "odd number of hex digits", "hexadecimal octets");
        }
        try
        {
            return HexFormat.of().parseHex(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InvalidParameterException(name, "not hexadecimal", "hexadecimal octets");
        }
    }

    private String single(final String name, final String allowed)
    {
        final List<String> given = values.get(name);
        if (given == null)
        {
            throw InvalidParameterException.missing(name, allowed);
        }
        if (given.size() != 1)
        {
            throw new InvalidParameterException(name, "given " + given.size() + " times", "once");
        }
        return given.get(0);
    }
}

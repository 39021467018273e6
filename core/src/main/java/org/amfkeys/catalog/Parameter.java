package org.amfkeys.catalog;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.types.Token;

import java.util.List;

/**
 * One named parameter of a {@link Derivation}, as the command line and JSON requests spell it.
 *
 * @param name     the name, e.g. {@code ul-count}.
 * @param kind     how the value is written.
 * @param help     what the value is and its allowed range.
 * @param required whether the derivation needs it.
 * @param min      smallest value of an {@link Kind#INTEGER}.
 * @param max      largest value of an {@link Kind#INTEGER}.
 * @param choices  the allowed values of a {@link Kind#CHOICE}.
 * @param jsonName the member name in JSON requests (differs only for lists).
 * @param when     for a parameter needed only in some cases, which (e.g. {@code mode idle}); else null.
 */
public record Parameter(
    String name, Kind kind, String help, boolean required, long min, long max, List<String> choices, String jsonName,
    String when)
{
    /** How a parameter's value is written. */
    public enum Kind
    {
        /** A byte string, in hexadecimal. */
        OCTETS,
        /** A number (a JSON number; decimal or 0x-hexadecimal on the command line). */
        INTEGER,
        /** Text. */
        TEXT,
        /** One of a few names. */
        CHOICE,
        /** Zero or more byte strings, in hexadecimal (repeated option, JSON array). */
        OCTETS_LIST
    }

    /**
     * @param name the name.
     * @param help what the value is and its allowed length.
     * @return a required byte string parameter.
     */
    public static Parameter octets(final String name, final String help)
    {
        return new Parameter(name, Kind.OCTETS, help, true, 0, 0, List.of(), name, null);
    }

    static Parameter integer(final String name, final long min, final long max, final String help)
    {
        return new Parameter(name, Kind.INTEGER, help + ", " + min + ".." + max, true, min, max, List.of(), name, null);
    }

    /**
     * @param name the name.
     * @param help what the value is and its allowed form.
     * @return a required text parameter.
     */
    public static Parameter text(final String name, final String help)
    {
        return new Parameter(name, Kind.TEXT, help, true, 0, 0, List.of(), name, null);
    }

    static Parameter choice(final String name, final List<String> choices, final String help)
    {
        return new Parameter(name, Kind.CHOICE, help + ": " + String.join(", ", choices), true, 0, 0, choices, name, null);
    }

    static Parameter octetsList(final String name, final String jsonName, final String help)
    {
        return new Parameter(name, Kind.OCTETS_LIST, help, false, 0, 0, List.of(), jsonName, null);
    }

    byte[] octetsOf(final Arguments arguments)
    {
        return arguments.octets(name);
    }

    long longOf(final Arguments arguments)
    {
        final long value = arguments.integer(name);
        if (value < min || value > max)
        {
            throw InvalidParameterException.outOfRange(name, value, min, max);
        }
        return value;
    }

    int intOf(final Arguments arguments)
    {
        return Math.toIntExact(longOf(arguments));
    }

    String textOf(final Arguments arguments)
    {
        return arguments.text(name);
    }

    <E extends Enum<E> & Token> E choiceOf(final Arguments arguments, final Class<E> type)
    {
        return Token.parse(name, arguments.text(name), type);
    }

    /**
     * @return the same parameter, not required.
     */
    public Parameter optional()
    {
        return new Parameter(name, kind, help + " (optional)", false, min, max, choices, jsonName, null);
    }

    Parameter onlyWhen(final String condition)
    {
        return new Parameter(name, kind, help + " (with " + condition + ")", false, min, max, choices, jsonName, condition);
    }
}

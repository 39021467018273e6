package org.amfkeys.types;

import org.amfkeys.InvalidParameterException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A choice among a few named values, spelled the same in the Java API, the command line and JSON.
 */
public interface Token
{
    /**
     * @return the value's name, e.g. {@code non-3gpp}.
     */
    String token();

    /**
     * Looks a value up by its {@link #token()}.
     *
     * @param parameter name of the parameter being parsed, for the error.
     * @param token     the text given.
     * @param type      the enum of choices.
     * @param <E>       the enum type.
     * @return the matching value.
     * @throws InvalidParameterException naming every allowed token when none matches.
     */
    static <E extends Enum<E> & Token> E parse(final String parameter, final String token, final Class<E> type)
    {
        for (final E value : type.getEnumConstants())
        {
            if (value.token().equals(token))
            {
                return value;
            }
        }
        throw new InvalidParameterException(
            parameter, token == null ? "missing" : InvalidParameterException.quote(token) + " is not a choice", allowed(type));
    }

    /**
     * @param type the enum of choices.
     * @param <E>  the enum type.
     * @return the allowed tokens, comma separated.
     */
    static <E extends Enum<E> & Token> String allowed(final Class<E> type)
    {
        return Arrays.stream(type.getEnumConstants()).map(Token::token).collect(Collectors.joining(", "));
    }
}

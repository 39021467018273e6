package org.amfkeys.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Describes JSON that could not be parsed by where it went wrong, never by the parser's message: that
 * message quotes the offending token, which may be a key someone left unquoted.
 */
final class MalformedJson
{
    private MalformedJson()
    {
    }

    /**
     * @param ex what the parser threw: bad syntax, a duplicate member, data after the value.
     * @return e.g. {@code malformed JSON at line 1, column 27}.
     */
    static String describe(final JsonProcessingException ex)
    {
        final JsonLocation location = ex.getLocation();
        if (location == null || location.getLineNr() < 1 || location.getColumnNr() < 1)
        {
            return "malformed JSON";
        }
        return "malformed JSON at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}

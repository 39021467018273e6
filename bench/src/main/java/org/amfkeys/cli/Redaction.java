package org.amfkeys.cli;

import java.util.regex.Pattern;

/**
 * Keeps key bytes out of messages built from someone else's text (a JSON parser's error).
 */
final class Redaction
{
    private static final Pattern HEX_RUN = Pattern.compile("[0-9A-Fa-f]{8,}");

    private Redaction()
    {
    }

    /**
     * @param text any message.
     * @return the message with every run of 8 or more hexadecimal digits replaced.
     */
    static String hexRuns(final String text)
    {
        return text == null ? "" : HEX_RUN.matcher(text).replaceAll("<redacted>");
    }
}

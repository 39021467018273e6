package org.amfkeys;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An input to amfkeys is outside what the 3GPP specifications allow. The message names the parameter
 * (by the same name the command-line tool uses) and the allowed range; it never contains key bytes.
 * <p>
 * Nothing has been computed or written when this is thrown.
 */
public final class InvalidParameterException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /** Longest text {@link #quote} shows. */
    public static final int LONGEST_QUOTED = 24;

    /**
     * Shortest run of hexadecimal digits, with at least one of {@code a-f} among them, that is taken
     * for key material.
     */
    public static final int SHORTEST_KEY_LIKE_HEX_RUN = 8;

    /**
     * Shortest run of digits {@code 0-9} alone that is taken for key material. A key in hex is 32 or
     * 64 digits and may, however rarely, hold no letter; below this, decimal numbers such as COUNTs
     * (up to 10 digits) and IMSIs (up to 15) stay readable.
     */
    public static final int SHORTEST_KEY_LIKE_DECIMAL_RUN = 16;

    /** What {@link #redact} puts in place of a run that could be key material. */
    public static final String REDACTED = "<redacted>";

    private static final Pattern HEX_RUN = Pattern.compile("[0-9A-Fa-f]+");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern HEX_LETTER = Pattern.compile("[A-Fa-f]");

    /** Name of the offending parameter, as the command-line tool names it. */
    private final String parameter;

    /** The allowed range or form of the parameter. */
    private final String allowed;

    /**
     * @param parameter name of the offending parameter, e.g. {@code ul-count}.
     * @param problem   what is wrong with the value, without key material, e.g. {@code 4294967296}.
     * @param allowed   the allowed range or form, e.g. {@code 0..4294967295}.
     */
    public InvalidParameterException(final String parameter, final String problem, final String allowed)
    {
        super(parameter + ": " + problem + "; allowed: " + allowed);
        this.parameter = parameter;
        this.allowed = allowed;
    }

    /**
     * Rejects an integer outside {@code [min, max]}.
     *
     * @param parameter name of the parameter.
     * @param value     the value given.
     * @param min       smallest allowed value.
     * @param max       largest allowed value.
     * @return the exception to throw.
     */
    public static InvalidParameterException outOfRange(
        final String parameter, final long value, final long min, final long max)
    {
        return new InvalidParameterException(parameter, value + " is out of range", min + ".." + max);
    }

    /**
     * Quotes a value someone gave, for a message, unless it could be key material or break the message's
     * line: a value that holds a key-like run (see {@link #redact}) or a control character, or anything
     * longer than {@value #LONGEST_QUOTED} characters, is described by its length only.
     *
     * @param given the text given, or null.
     * @return e.g. {@code 'nas'} or {@code '16777215'}, or {@code a value of 64 characters}.
     */
    public static String quote(final String given)
    {
        if (given == null)
        {
            return "missing";
        }
        if (given.length() > LONGEST_QUOTED || holdsKeyLikeRun(given) || given.chars().anyMatch(Character::isISOControl))
        {
            // A line end or escape sequence in a message would forge log lines or move a terminal's cursor.
            return "a value of " + given.length() + " characters";
        }
        return "'" + given + "'";
    }

    /**
     * Keeps key material out of a message built from someone else's text (a parser's error, a command
     * line). A run of hexadecimal digits is key-like when it has {@value #SHORTEST_KEY_LIKE_HEX_RUN} or
     * more digits with a letter {@code a-f} among them, or {@value #SHORTEST_KEY_LIKE_DECIMAL_RUN} or
     * more digits of any kind; shorter decimal numbers are shown.
     *
     * @param text any message, or null.
     * @return the message with every key-like run replaced by {@value #REDACTED}; empty for null.
     */
    public static String redact(final String text)
    {
        if (text == null)
        {
            return "";
        }
        // A run holds hex digits only, so it is a safe replacement string as it is.
        final String redacted = HEX_RUN.matcher(text).replaceAll(run -> keyLike(run.group()) ? REDACTED : run.group());
        // A message is one line: a control character from someone's text would forge another.
        return CONTROL.matcher(redacted).replaceAll("?");
    }

    private static boolean holdsKeyLikeRun(final String text)
    {
        final Matcher run = HEX_RUN.matcher(text);
        while (run.find())
        {
            if (keyLike(run.group()))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean keyLike(final String run)
    {
        return run.length() >= SHORTEST_KEY_LIKE_DECIMAL_RUN ||
            run.length() >= SHORTEST_KEY_LIKE_HEX_RUN && HEX_LETTER.matcher(run).find();
    }

    /**
     * Checks that an integer lies in {@code [min, max]}.
     *
     * @param parameter name of the parameter.
     * @param value     the value given.
     * @param min       smallest allowed value.
     * @param max       largest allowed value.
     * @return {@code value}.
     * @throws InvalidParameterException when it does not.
     */
    public static int requireInRange(final String parameter, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw outOfRange(parameter, value, min, max);
        }
        return value;
    }

    /**
     * Rejects a byte string of the wrong length. Only the length is reported, never the content.
     *
     * @param parameter name of the parameter.
     * @param length    the length given, in octets.
     * @param allowed   the allowed length(s), e.g. {@code 32 octets}.
     * @return the exception to throw.
     */
    public static InvalidParameterException badLength(final String parameter, final int length, final String allowed)
    {
        return new InvalidParameterException(parameter, "length " + length + " octets", allowed);
    }

    /**
     * Rejects a missing (null) value.
     *
     * @param parameter name of the parameter.
     * @param allowed   what must be given instead.
     * @return the exception to throw.
     */
    public static InvalidParameterException missing(final String parameter, final String allowed)
    {
        return new InvalidParameterException(parameter, "missing", allowed);
    }

    /**
     * @return the name of the offending parameter.
     */
    public String parameter()
    {
        return parameter;
    }

    /**
     * @return the allowed range or form of the parameter.
     */
    public String allowed()
    {
        return allowed;
    }
}

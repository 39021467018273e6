package org.amfkeys.types;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Character strings as KDF parameters: UTF-8 after Unicode NFKC normalisation (TS 33.220 B.2.1.2).
 */
public final class TextEncoding
{
    private TextEncoding()
    {
    }

    /**
     * @param text any text.
     * @return {@code text} after NFKC normalisation.
     */
    public static String normalize(final String text)
    {
        if (text == null)
        {
            throw org.amfkeys.InvalidParameterException.missing("text", "a character string");
        }
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
    }

    /**
     * @param text any text.
     * @return the UTF-8 octets of {@code text} after NFKC normalisation.
     */
    public static byte[] encode(final String text)
    {
        return normalize(text).getBytes(StandardCharsets.UTF_8);
    }
}

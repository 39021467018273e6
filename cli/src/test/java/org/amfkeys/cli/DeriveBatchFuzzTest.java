package org.amfkeys.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.amfkeys.kdf.Kdf;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@code amfkeys derive --batch}'s reading of its input: any octets at all give exactly one
 * answer per line (LF ends a line, a CR before it is dropped, a last line without LF counts), each
 * answer one JSON object with {@code out} or {@code error}, no exception escapes, and no error
 * message repeats a key-like run of hex digits from the input.
 * <p>
 * The normal build runs the inputs kept under {@code DeriveBatchFuzzTestInputs}; {@code JAZZER_FUZZ=1}
 * fuzzes (see the README).
 */
class DeriveBatchFuzzTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Hex with a letter from 8 digits on, or more digits than any integer parameter has. */
    private static final Pattern KEY_LIKE = Pattern.compile("(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{8,}|[0-9]{20,}");
    private static final BatchDeriver DERIVER = new BatchDeriver(new Kdf());

    @FuzzTest(maxDuration = "10m")
    void batchLines(final byte[] input) throws IOException
    {
        final StringWriter answers = new StringWriter();
        final boolean allOut = DERIVER.run(new ByteArrayInputStream(input), new PrintWriter(answers));
        final String[] lines = answers.toString().isEmpty() ? new String[0] : answers.toString().split("\n", -1);
        assertEquals("", lines.length == 0 ? "" : lines[lines.length - 1], "every answer ends with LF");
        assertEquals(linesIn(input), Math.max(0, lines.length - 1), "one answer per line");

        boolean sawError = false;
        for (int i = 0; i < lines.length - 1; i++)
        {
            final JsonNode answer = JSON.readTree(lines[i]);
            assertTrue(answer.isObject() && answer.size() == 1 && (answer.has("out") || answer.has("error")), lines[i]);
            if (answer.has("error"))
            {
                sawError = true;
                final Matcher keyLike = KEY_LIKE.matcher(answer.get("error").asText());
                while (keyLike.find())
                {
                    assertFalse(new String(input, java.nio.charset.StandardCharsets.ISO_8859_1).contains(keyLike.group()),
                        "an error repeats hex from the input: " + answer);
                }
            }
        }
        assertEquals(!sawError, allOut);
    }

    private static int linesIn(final byte[] input)
    {
        int lines = 0;
        for (final byte b : input)
        {
            if (b == '\n')
            {
                lines++;
            }
        }
        return input.length > 0 && input[input.length - 1] != '\n' ? lines + 1 : lines;
    }
}

package org.amfkeys.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code derive --batch} takes for a line: LF ends it, CRLF is tolerated, a bare CR is data, each
 * line is strict UTF-8 on its own, and a line over {@link BatchDeriver#MAX_LINE_OCTETS} is answered
 * with an error without being held. Every line gets exactly one answer, in order.
 */
class DeriveBatchLinesTest
{
    private static final String KAMF = "fe9e89b2129b66d7244a2ae944c1cab16984654b06859f1d7ccef0616ae67682";
    private static final String GOOD = "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":0,\"access\":\"3gpp\"}";
    private static final String OUT = "{\"out\":\"fee31d895d0c54570cc2995de588567d7e5dec7c3878b139612c36d6e8547b21\"}";
    private static final String TOO_LONG =
        "{\"error\":\"request: line longer than 1048576 octets; allowed: lines of at most 1048576 octets\"}";

    /**
     * @param exitCode the exit status.
     * @param answers  the lines of standard output, without their LF.
     */
    private record Batch(int exitCode, List<String> answers)
    {
    }

    private static Batch batch(final InputStream requests)
    {
        final StringWriter out = new StringWriter();
        final Cli.Result result = Cli.runWith(requests, out, "derive", "--batch");
        assertEquals("", result.err());
        final String answers = out.toString();
        assertEquals('\n', answers.charAt(answers.length() - 1), answers);
        return new Batch(result.exitCode(), List.of(answers.substring(0, answers.length() - 1).split("\n", -1)));
    }

    private static Batch batch(final byte[]... lines)
    {
        final ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (final byte[] line : lines)
        {
            requests.writeBytes(line);
        }
        return batch(new ByteArrayInputStream(requests.toByteArray()));
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] octets(final String before, final int[] middle, final String after)
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.writeBytes(utf8(before));
        for (final int octet : middle)
        {
            line.write(octet);
        }
        line.writeBytes(utf8(after));
        return line.toByteArray();
    }

    @Test
    void onlyLfEndsALineSoABareCrKeepsAnswersInLine()
    {
        final Batch batch = batch(
            utf8(GOOD + "\r\n"),
            utf8(GOOD.replace(",\"kamf\"", ",\r\"kamf\"") + "\n"),
            utf8(GOOD.replace("3gpp", "3g\rpp") + "\n"),
            utf8("{\"derive\":\"kgnb3\"}\r\r\n"),
            utf8("\r\n"),
            utf8("\r\r\n"),
            utf8("{\"derive\":\"kgnb4\"}"));
        assertEquals(7, batch.answers().size(), batch.answers().toString());
        assertEquals(OUT, batch.answers().get(0), "CRLF ends a line");
        assertEquals(OUT, batch.answers().get(1), "a CR between members is JSON white space");
        assertEquals("{\"error\":\"request: malformed JSON at line 1, column 117; allowed: one JSON object per line\"}",
            batch.answers().get(2), "a CR inside a string is a control character");
        assertEquals("{\"error\":\"derive: 'kgnb3' is not a derivation; allowed: see amfkeys derive --help\"}",
            batch.answers().get(3), "one CR dropped, the other white space");
        assertEquals("{\"error\":\"request: not a JSON object; allowed: one JSON object per line\"}", batch.answers().get(4));
        assertEquals(batch.answers().get(4), batch.answers().get(5));
        assertEquals("{\"error\":\"derive: 'kgnb4' is not a derivation; allowed: see amfkeys derive --help\"}",
            batch.answers().get(6), "a last line without LF");
        assertEquals(1, batch.exitCode());
    }

    @Test
    void aLineThatIsNotUtf8GetsAnErrorAndTheBatchGoesOn()
    {
        final Batch batch = batch(
            octets("{\"derive\":\"kgnb", new int[] {0xFF}, "\"}\n"),
            octets("{\"derive\":\"kgnb", new int[] {0xC0, 0xAF}, "\"}\n"),
            octets("{\"derive\":\"kgnb", new int[] {0xED, 0xA0, 0x80}, "\"}\n"),
            octets("{\"derive\":\"kgnb", new int[] {0xE2, 0x82}, "\"}\n"),
            utf8("{\"derive\":\"kgnb\u00e9\"}\n"),
            utf8(GOOD + "\n"));
        final String notUtf8 = "{\"error\":\"request: not UTF-8 at octet 16; allowed: one JSON object per line, in UTF-8\"}";
        assertEquals(List.of(notUtf8, notUtf8, notUtf8, notUtf8,
            "{\"error\":\"derive: 'kgnb\u00e9' is not a derivation; allowed: see amfkeys derive --help\"}", OUT), batch.answers());
    }

    @Test
    void aLineOfThreeGibibytesIsAnsweredWithoutBeingHeld()
    {
        final long threeGibibytes = 3L << 30;
        final byte[] block = utf8(" ".repeat(64 * 1024));
        final GeneratedInput requests = new GeneratedInput()
            .then(GOOD + "\n", 1)
            .then("{\"derive\":\"kgnb\",", 1)
            .then(block, threeGibibytes / block.length)
            .then("}\n", 1)
            .then(GOOD, 1);
        final Batch batch = batch(requests);
        assertEquals(List.of(OUT, TOO_LONG, OUT), batch.answers());
        assertEquals(1, batch.exitCode());
        assertEquals(threeGibibytes + 2L * GOOD.length() + 20, requests.consumed());
    }

    @Test
    void theLimitCountsTheOctetsOfALineWithoutItsLineEnd()
    {
        final String padded = GOOD.substring(0, GOOD.length() - 1) + " ".repeat(BatchDeriver.MAX_LINE_OCTETS - GOOD.length()) + "}";
        assertEquals(BatchDeriver.MAX_LINE_OCTETS, padded.length());
        final Batch batch = batch(
            utf8(padded + "\r\n"),
            utf8(padded + " \n"),
            utf8(padded + "\n"),
            utf8(padded + "\r\r\n"),
            utf8(padded));
        assertEquals(List.of(OUT, TOO_LONG, OUT, TOO_LONG, OUT), batch.answers());
    }
}

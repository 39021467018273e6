package org.amfkeys.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.DerivationCatalog;
import org.amfkeys.kdf.Kdf;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * {@code amfkeys derive --batch}: one JSON request per input line, one JSON answer per line, in order.
 * A bad line gets {@code {"error":...}} and the batch goes on.
 */
public final class BatchDeriver
{
    /** The member of a request that names the derivation. */
    public static final String DERIVE = "derive";

    /**
     * Longest request line, in octets without its LF or CRLF (1 MiB). It holds every named derivation
     * with its largest parameters, and generic with seven parameters of the largest size (65535
     * octets, 131070 hex digits each), while a stray binary file or a runaway line costs no more
     * memory than this: a longer line is skipped to its LF without being held, and answered with an
     * error.
     */
    public static final int MAX_LINE_OCTETS = 1024 * 1024;

    /** Answers written between two checks that the output still works, when requests keep coming. */
    private static final int CHECK_OUTPUT_EVERY = 256;

    private final Kdf kdf;
    private final ObjectMapper json = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final HexFormat hex = HexFormat.of();

    /**
     * @param kdf the KDF every request derives with.
     */
    public BatchDeriver(final Kdf kdf)
    {
        this.kdf = kdf;
    }

    /**
     * Answers every line of {@code in}, and stops at the first answer that cannot be written: the rest
     * would be lost as well. An LF ends a line (a CR right before it is dropped, a CR elsewhere is part
     * of the line); a line that is not UTF-8 or is longer than {@link #MAX_LINE_OCTETS} gets an error.
     *
     * @param in  requests, one JSON object per line.
     * @param out answers, one JSON object per line; {@code out.checkError()} tells whether they all got out.
     * @return true when every line was answered with {@code out} and written, false otherwise.
     * @throws IOException when reading fails.
     */
    public boolean run(final InputStream in, final PrintWriter out) throws IOException
    {
        final RequestLines lines = new RequestLines(in, MAX_LINE_OCTETS);
        boolean allOk = true;
        int unchecked = 0;
        for (RequestLines.Line line = lines.next(); line != null; line = lines.next())
        {
            final String answer = line.problem() == null ? answer(line.text()) : error(line.problem().getMessage());
            allOk &= answer.startsWith("{\"out\"");
            out.write(answer);
            out.write('\n');
            // checkError() flushes: when nothing more is waiting an interactive caller sees the answer
            // now, and a long batch flushes and checks now and then.
            if (!lines.waiting() || ++unchecked == CHECK_OUTPUT_EVERY)
            {
                unchecked = 0;
                if (out.checkError())
                {
                    return false;
                }
            }
        }
        return !out.checkError() && allOk;
    }

    /**
     * @param line one request.
     * @return its answer, {@code {"out":"<hex>"}} or {@code {"error":"<message>"}}.
     */
    public String answer(final String line)
    {
        try
        {
            final JsonNode request = parse(line);
            final JsonNode name = request.get(DERIVE);
            if (name == null || !name.isTextual())
            {
                throw new InvalidParameterException(DERIVE, name == null ? "missing" : "not a string",
                    "the name of a derivation, see amfkeys derive --help");
            }
            final Optional<AkaDerivations.AkaDerivation> aka = AkaDerivations.find(name.asText());
            if (aka.isPresent())
            {
                final AkaDerivations.AkaDerivation derivation = aka.get();
                final Map<String, byte[]> outputs = derivation.derive(
                    new JsonArguments(derivation.name(), derivation.parameters(), request, DERIVE));
                return "{\"out\":" + outputObject(outputs) + "}";
            }
            final Derivation derivation = DerivationCatalog.find(name.asText()).orElseThrow(() -> new InvalidParameterException(
                DERIVE, InvalidParameterException.quote(name.asText()) + " is not a derivation", "see amfkeys derive --help"));
            final byte[] output = derivation.derive(kdf, new JsonArguments(derivation.name(), derivation.parameters(), request, DERIVE));
            return "{\"out\":\"" + hex.formatHex(output) + "\"}";
        }
        catch (final InvalidParameterException ex)
        {
            return error(ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            return error("internal error: " + ex.getClass().getSimpleName());
        }
    }

    /** Output names are fixed lowercase words and values are hex, so neither needs escaping. */
    private String outputObject(final Map<String, byte[]> outputs)
    {
        final StringBuilder object = new StringBuilder("{");
        for (final Map.Entry<String, byte[]> output : outputs.entrySet())
        {
            if (object.length() > 1)
            {
                object.append(',');
            }
            object.append('"').append(output.getKey()).append("\":\"").append(hex.formatHex(output.getValue())).append('"');
        }
        return object.append('}').toString();
    }

    private JsonNode parse(final String line)
    {
        final JsonNode request;
        try
        {
            request = json.readTree(line);
        }
        catch (final JsonProcessingException ex)
        {
            throw new InvalidParameterException("request", MalformedJson.describe(ex), "one JSON object per line");
        }
        if (request == null || !request.isObject())
        {
            throw new InvalidParameterException("request", "not a JSON object", "one JSON object per line");
        }
        return request;
    }

    private static String error(final String message)
    {
        return "{\"error\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}";
    }
}

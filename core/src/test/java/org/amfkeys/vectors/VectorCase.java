package org.amfkeys.vectors;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One vector of a shared file, as one or more derivation requests run in order: later steps may take
 * an earlier step's actual output as a parameter ({@link Ref}), so chains are checked step by step.
 *
 * @param file  the vector file's name.
 * @param id    the vector's id or name in the file.
 * @param steps the requests.
 */
public record VectorCase(String file, String id, List<Step> steps)
{
    /** How a step's output is compared with the expected value. */
    public enum Compare
    {
        /** The output equals the expected value. */
        EQUAL,
        /** The expected value is the first octets of the output (NAS-token: 16 bits of 256). */
        EXPECTED_IS_PREFIX,
        /** The output is the last octets of the expected value (algorithm keys given as full KDF output). */
        OUTPUT_IS_SUFFIX
    }

    /**
     * A parameter whose value is the output of an earlier step.
     *
     * @param step index of that step.
     */
    public record Ref(int step)
    {
    }

    /**
     * One derivation request.
     *
     * @param derive   the derivation's name.
     * @param params   parameter name to value: a hex or text {@code String}, a {@code Long}, a list of
     *                 hex strings (generic's params), or a {@link Ref}.
     * @param expected expected output in hex.
     * @param compare  how to compare.
     */
    public record Step(String derive, Map<String, Object> params, String expected, Compare compare)
    {
        /**
         * @param outputs the actual outputs of the earlier steps, in hex.
         * @return the parameters with every {@link Ref} replaced by the output it names.
         */
        public Map<String, Object> resolve(final List<String> outputs)
        {
            final Map<String, Object> resolved = new LinkedHashMap<>();
            params.forEach((name, value) -> resolved.put(name, value instanceof Ref ? outputs.get(((Ref)value).step()) : value));
            return resolved;
        }

        /**
         * @param actualHex the output in hex.
         * @return true when it matches the expected value.
         */
        public boolean matches(final String actualHex)
        {
            return switch (compare)
            {
                case EQUAL -> actualHex.equals(expected);
                case EXPECTED_IS_PREFIX -> actualHex.startsWith(expected) && actualHex.length() > expected.length();
                case OUTPUT_IS_SUFFIX -> expected.endsWith(actualHex) && expected.length() > actualHex.length();
            };
        }
    }

    /**
     * Runs every step in order.
     *
     * @param executor runs one request (derivation name and resolved parameters) and returns the output
     *                 in hex, or throws.
     * @return one line per step that did not match, naming the file, vector and step.
     */
    public List<String> run(final Function<Step, Function<Map<String, Object>, String>> executor)
    {
        final List<String> failures = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++)
        {
            final Step step = steps.get(i);
            String actual;
            try
            {
                actual = executor.apply(step).apply(step.resolve(outputs));
            }
            catch (final RuntimeException ex)
            {
                actual = "error: " + ex.getMessage();
            }
            if (!step.matches(actual))
            {
                failures.add(file + " " + id + " step " + i + " (" + step.derive() + "): expected " + step.compare() +
                    " " + step.expected() + ", got " + actual);
            }
            // A step that threw hands the expected value on, so that the later steps still run.
            outputs.add(actual.startsWith("error") ? step.expected() : actual);
        }
        return failures;
    }

    static String hex(final byte[] bytes)
    {
        return HexFormat.of().formatHex(bytes);
    }
}

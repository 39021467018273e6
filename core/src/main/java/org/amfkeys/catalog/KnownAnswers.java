package org.amfkeys.catalog;

import org.amfkeys.kdf.Kdf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Known-answer tests of every derivation, computed by an independent reference
 * ({@code tools/known-answers/generate.py}) and run through the same {@link DerivationCatalog} path as
 * the command line.
 */
public final class KnownAnswers
{
    /** Classpath resource holding the known answers. */
    public static final String RESOURCE = "known-answers.txt";

    /**
     * One known answer.
     *
     * @param derivation the derivation's name.
     * @param arguments  its parameters.
     * @param expected   the expected output.
     * @param line       line number in the resource, for reports.
     */
    public record Case(String derivation, TextArguments arguments, byte[] expected, int line)
    {
    }

    /**
     * The outcome for one derivation.
     *
     * @param derivation the derivation's name.
     * @param passed     cases that gave the expected output.
     * @param failures   what went wrong in the others (line numbers, never key bytes).
     */
    public record Outcome(String derivation, int passed, List<String> failures)
    {
        /**
         * @return true when at least one case ran and none failed.
         */
        public boolean ok()
        {
            return passed > 0 && failures.isEmpty();
        }
    }

    private KnownAnswers()
    {
    }

    /**
     * @return every known answer in the resource.
     */
    public static List<Case> cases()
    {
        final List<Case> cases = new ArrayList<>();
        try (InputStream in = KnownAnswers.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException("resource " + RESOURCE + " is missing");
            }
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine())
            {
                lineNumber++;
                if (!line.isBlank() && !line.startsWith("#"))
                {
                    cases.add(parse(line, lineNumber));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return cases;
    }

    /**
     * Runs every known answer on a KDF.
     *
     * @param kdf the KDF (and so the HMAC engine) to check.
     * @return one outcome per derivation of the catalog, in catalog order; a derivation without a
     *     known answer fails.
     */
    public static List<Outcome> run(final Kdf kdf)
    {
        final Map<String, List<String>> failures = new LinkedHashMap<>();
        final Map<String, Integer> passed = new LinkedHashMap<>();
        for (final Derivation derivation : DerivationCatalog.all())
        {
            failures.put(derivation.name(), new ArrayList<>());
            passed.put(derivation.name(), 0);
        }

        for (final Case known : cases())
        {
            final List<String> problems = failures.computeIfAbsent(known.derivation(), name -> new ArrayList<>());
            try
            {
                final byte[] actual = DerivationCatalog.derive(kdf, known.derivation(), known.arguments());
                if (java.util.Arrays.equals(actual, known.expected()))
                {
                    passed.merge(known.derivation(), 1, Integer::sum);
                }
                else
                {
                    problems.add("line " + known.line() + ": wrong output");
                }
            }
            catch (final RuntimeException ex)
            {
                problems.add("line " + known.line() + ": " + ex.getMessage());
            }
        }

        final List<Outcome> outcomes = new ArrayList<>();
        failures.forEach((name, problems) ->
        {
            final int ok = passed.getOrDefault(name, 0);
            if (ok == 0 && problems.isEmpty())
            {
                problems.add("no known answer");
            }
            outcomes.add(new Outcome(name, ok, Collections.unmodifiableList(problems)));
        });
        return outcomes;
    }

    private static Case parse(final String line, final int lineNumber)
    {
        final int arrow = line.lastIndexOf(" -> ");
        if (arrow < 0)
        {
            throw new IllegalStateException(RESOURCE + " line " + lineNumber + ": no ' -> '");
        }
        final String[] fields = line.substring(0, arrow).trim().split(" +");
        final TextArguments arguments = new TextArguments();
        for (int i = 1; i < fields.length; i++)
        {
            final int equals = fields[i].indexOf('=');
            if (equals <= 0)
            {
                throw new IllegalStateException(RESOURCE + " line " + lineNumber + ": '" + fields[i] + "' is not name=value");
            }
            arguments.add(fields[i].substring(0, equals), fields[i].substring(equals + 1));
        }
        return new Case(fields[0], arguments, HexFormat.of().parseHex(line.substring(arrow + 4).trim()), lineNumber);
    }
}

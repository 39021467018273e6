package org.amfkeys.vectors;

import org.amfkeys.catalog.DerivationCatalog;
import org.amfkeys.catalog.TextArguments;
import org.amfkeys.hmac.EngineStatus;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every vector of every file in {@code ../shared/vectors/}, through the derivation catalog (the path
 * of {@code amfkeys derive}), on every HMAC engine that passed its self-test.
 */
class VectorFilesTest
{
    static Stream<String> usableEngines()
    {
        return HmacEngines.status().stream().filter(EngineStatus::usable).map(EngineStatus::name);
    }

    @ParameterizedTest
    @MethodSource("usableEngines")
    void everyVectorOfEveryFileMatches(final String engine)
    {
        final List<String> failures = new ArrayList<>();
        int steps = 0;
        try (Kdf kdf = new Kdf(HmacEngines.newEngine(engine)))
        {
            for (final VectorCase vector : VectorCases.all())
            {
                failures.addAll(vector.run(step -> params -> derive(kdf, step.derive(), params)));
                steps += vector.steps().size();
            }
        }
        assertEquals(List.of(), failures, "mismatches on " + engine);
        assertTrue(steps > 0);
    }

    @Test
    void everyFileContributesVectors()
    {
        for (final Path file : SharedVectors.files())
        {
            assertFalse(VectorCases.of(file).isEmpty(), file.toString());
        }
    }

    @Test
    void aWrongExpectedValueIsReported()
    {
        // The runner must be able to fail: corrupt one expected value and see it reported.
        final VectorCase original = VectorCases.all().get(0);
        final VectorCase.Step first = original.steps().get(0);
        final String corrupted = (first.expected().charAt(0) == '0' ? "1" : "0") + first.expected().substring(1);
        final VectorCase broken = new VectorCase(original.file(), original.id(),
            List.of(new VectorCase.Step(first.derive(), first.params(), corrupted, first.compare())));
        try (Kdf kdf = new Kdf())
        {
            assertEquals(1, broken.run(step -> params -> derive(kdf, step.derive(), params)).size());
        }
    }

    static String derive(final Kdf kdf, final String name, final Map<String, Object> params)
    {
        final TextArguments arguments = new TextArguments();
        params.forEach((key, value) ->
        {
            if (value instanceof List<?>)
            {
                // JSON requests name generic's list "params"; the command line repeats "param".
                ((List<?>)value).forEach(item -> arguments.add("param", item.toString()));
            }
            else
            {
                arguments.add(key, value.toString());
            }
        });
        return HexFormat.of().formatHex(DerivationCatalog.derive(kdf, name, arguments));
    }
}

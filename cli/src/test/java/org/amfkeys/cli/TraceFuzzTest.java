package org.amfkeys.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@code amfkeys trace} with any octets as its scenario: it ends with status 0 or 1, never
 * throws, writes either a one-line reason to standard error (a scenario that cannot run) or one JSON
 * line per step whose {@code result} is ran, deferred or refused (a refused one with an {@code error}),
 * and status 0 only when every step ran and the last line is in sync.
 * <p>
 * The normal build runs the inputs kept under {@code TraceFuzzTestInputs} (among them the issue's
 * scenarios that once desynchronised or threw); {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
class TraceFuzzTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESULTS = Set.of("ran", "deferred", "refused");

    @FuzzTest(maxDuration = "10m")
    void traceScenario(final byte[] scenario) throws IOException
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = TraceCommand.trace(new ByteArrayInputStream(scenario), new PrintWriter(out), new PrintWriter(err));
        assertTrue(status == 0 || status == 1, "status " + status);
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        if (!err.toString().isEmpty())
        {
            assertTrue(out.toString().isEmpty(), "a scenario that cannot run prints no step");
            assertTrue(err.toString().startsWith("amfkeys trace: ") && err.toString().indexOf('\n') == err.toString().length() - 1,
                "one line: " + err);
            assertTrue(status == 1);
            return;
        }
        boolean allRan = true;
        JsonNode last = null;
        for (final String line : out.toString().split("\n"))
        {
            if (line.isEmpty())
            {
                continue;
            }
            last = JSON.readTree(line);
            final String result = last.path("result").asText();
            assertTrue(RESULTS.contains(result), line);
            assertTrue(last.has("step") && last.has("in-sync"), line);
            if (result.equals("refused"))
            {
                allRan = false;
                assertTrue(last.path("error").isTextual(), line);
            }
        }
        if (status == 0)
        {
            assertTrue(allRan && (last == null || last.path("in-sync").asBoolean()), out.toString());
        }
    }
}

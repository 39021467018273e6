package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amfkeys.vectors.VectorCase;
import org.amfkeys.vectors.VectorCases;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every vector of every file in {@code ../shared/vectors/} answered by {@code amfkeys derive --batch}.
 * Chained vectors (NH chains, follow-on keys) run in rounds: round k sends step k of every vector,
 * with the earlier steps' actual answers as inputs.
 */
class DeriveBatchVectorsTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyVectorOfEveryFileIsAnsweredCorrectly() throws Exception
    {
        final List<VectorCase> cases = VectorCases.all();
        final List<List<String>> outputs = new ArrayList<>();
        cases.forEach(vector -> outputs.add(new ArrayList<>()));
        final List<String> failures = new ArrayList<>();
        int answered = 0;

        for (int round = 0; ; round++)
        {
            final StringBuilder batch = new StringBuilder();
            final List<Integer> senders = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++)
            {
                if (round < cases.get(i).steps().size())
                {
                    final VectorCase.Step step = cases.get(i).steps().get(round);
                    batch.append(request(step.derive(), step.resolve(outputs.get(i)))).append('\n');
                    senders.add(i);
                }
            }
            if (senders.isEmpty())
            {
                break;
            }

            final Cli.Result result = Cli.runWithInput(batch.toString(), "derive", "--batch");
            final String[] lines = result.out().split("\n");
            assertEquals(senders.size(), lines.length, "one answer per request, round " + round);
            for (int n = 0; n < senders.size(); n++)
            {
                final VectorCase vector = cases.get(senders.get(n));
                final VectorCase.Step step = vector.steps().get(round);
                final JsonNode answer = JSON.readTree(lines[n]);
                final String actual = answer.has("out") ? answer.get("out").asText() : "error: " + answer.path("error").asText();
                if (!step.matches(actual))
                {
                    failures.add(vector.file() + " " + vector.id() + " step " + round + ": expected " + step.expected() +
                        ", got " + actual);
                }
                outputs.get(senders.get(n)).add(answer.has("out") ? actual : step.expected());
                answered++;
            }
            assertEquals(failures.isEmpty() ? 0 : 1, result.exitCode(), "exit status, round " + round);
        }
        assertEquals(List.of(), failures);
        assertTrue(answered >= cases.size());
    }

    static String request(final String derive, final Map<String, Object> params)
    {
        final ObjectNode request = JSON.createObjectNode().put("derive", derive);
        params.forEach((name, value) ->
        {
            if (value instanceof Long)
            {
                request.put(name, (Long)value);
            }
            else if (value instanceof List<?>)
            {
                final ArrayNode array = request.putArray(name);
                ((List<?>)value).forEach(item -> array.add(item.toString()));
            }
            else
            {
                request.put(name, value.toString());
            }
        });
        return request.toString();
    }
}

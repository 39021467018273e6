package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.amfkeys.vectors.SharedVectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code amfkeys derive milenage} and {@code derive 5g-aka}, by options and in {@code --batch}, on
 * every vector of {@code ../shared/vectors/aka/milenage.json} that gives their inputs.
 */
class DeriveAkaTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> MILENAGE_OUTPUTS = outputNames(
        "opc", "opc", "mac-a", "mac_a", "mac-s", "mac_s", "res", "res", "ck", "ck", "ik", "ik", "ak", "ak", "ak-star", "ak_star");
    private static final Map<String, String> AKA_OUTPUTS = outputNames(
        "autn", "autn", "res", "res", "ck", "ck", "ik", "ik", "res-star", "res_star", "hres-star", "hres_star",
        "kausf", "kausf", "kseaf", "kseaf", "kamf", "kamf");

    @Test
    void everyMilenageAnd5gAkaVectorByOptionsAndInBatch() throws Exception
    {
        final List<Case> cases = cases();
        assertFalse(cases.isEmpty(), "no MILENAGE or 5G AKA vector found");
        final StringBuilder batch = new StringBuilder();
        for (final Case vector : cases)
        {
            final List<String> args = new ArrayList<>(List.of("derive", vector.derive));
            vector.inputs.forEach((name, value) -> args.add("--" + name + "=" + value));
            final Cli.Result result = Cli.run(args.toArray(String[]::new));
            assertEquals(0, result.exitCode(), vector.name + ": " + result.err());
            final Map<String, String> printed = new LinkedHashMap<>();
            for (final String line : result.out().strip().split("\n"))
            {
                final int colon = line.indexOf(": ");
                printed.put(line.substring(0, colon), line.substring(colon + 2));
            }
            assertEquals(vector.expected, printed, vector.name + " by options");

            final ObjectNode request = JSON.createObjectNode().put("derive", vector.derive);
            vector.inputs.forEach(request::put);
            batch.append(request).append('\n');
        }

        final Cli.Result result = Cli.runWithInput(batch.toString(), "derive", "--batch");
        assertEquals(0, result.exitCode(), result.out());
        final String[] answers = result.out().split("\n");
        assertEquals(cases.size(), answers.length);
        for (int i = 0; i < answers.length; i++)
        {
            final JsonNode out = JSON.readTree(answers[i]).get("out");
            assertTrue(out != null && out.isObject(), cases.get(i).name + ": " + answers[i]);
            final Map<String, String> answered = new LinkedHashMap<>();
            out.properties().forEach(member -> answered.put(member.getKey(), member.getValue().asText()));
            assertEquals(cases.get(i).expected, answered, cases.get(i).name + " in batch");
        }
    }

    @Test
    void badInputNamesTheParameterAndItsRange()
    {
        final Cli.Result shortK = Cli.run("derive", "milenage", "--k=00", "--opc=" + "00".repeat(16),
            "--rand=" + "00".repeat(16), "--sqn=" + "00".repeat(6), "--amf=8000");
        assertEquals(1, shortK.exitCode());
        assertEquals("amfkeys derive milenage: k: length 1 octets; allowed: 16 octets", shortK.err().strip());

        final Cli.Result both = Cli.run("derive", "milenage", "--k=" + "00".repeat(16), "--op=" + "00".repeat(16),
            "--opc=" + "00".repeat(16), "--rand=" + "00".repeat(16), "--sqn=" + "00".repeat(6), "--amf=8000");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("op: given together with opc; allowed: exactly one of op and opc"), both.err());

        final Cli.Result badSupi = Cli.runWithInput("{\"derive\":\"5g-aka\",\"k\":\"" + "00".repeat(16) + "\",\"opc\":\"" +
            "00".repeat(16) + "\",\"rand\":\"" + "00".repeat(16) + "\",\"sqn\":\"" + "00".repeat(6) +
            "\",\"amf\":\"8000\",\"snn\":\"5G:mnc001.mcc001.3gppnetwork.org\",\"supi\":\"imsi-12\"}\n", "derive", "--batch");
        assertEquals(1, badSupi.exitCode());
        assertTrue(badSupi.out().startsWith("{\"error\":\"supi: "), badSupi.out());
    }

    private static List<Case> cases()
    {
        final JsonNode file = SharedVectors.read(SharedVectors.directory().resolve("aka").resolve("milenage.json"));
        final List<Case> cases = new ArrayList<>();
        for (final JsonNode vector : file.get("vectors"))
        {
            final String kind = vector.get("kind").asText();
            final JsonNode in = vector.get("inputs");
            final JsonNode expected = vector.get("expected");
            final String name = kind + " " + vector.get("id").asInt();
            if (kind.equals("ts35208_conformance") || kind.equals("ts35207_implementers") || kind.equals("milenage"))
            {
                cases.add(new Case(name, "milenage", inputs(in, "k", "op", "rand", "sqn", "amf"), expected(expected, MILENAGE_OUTPUTS)));
            }
            else if (kind.equals("5g_aka"))
            {
                final Map<String, String> milenage = expected(expected, MILENAGE_OUTPUTS, "opc");
                final Map<String, String> withOpc = new LinkedHashMap<>();
                withOpc.put("opc", in.get("opc").asText());
                withOpc.putAll(milenage);
                cases.add(new Case(name, "milenage", inputs(in, "k", "opc", "rand", "sqn", "amf"), withOpc));
                cases.add(new Case(name, "5g-aka", inputs(in, "k", "opc", "rand", "sqn", "amf", "snn", "supi", "abba"),
                    expected(expected, AKA_OUTPUTS)));
            }
        }
        return cases;
    }

    private static Map<String, String> inputs(final JsonNode in, final String... names)
    {
        final Map<String, String> inputs = new LinkedHashMap<>();
        for (final String name : names)
        {
            inputs.put(name, in.get(name).asText());
        }
        return inputs;
    }

    private static Map<String, String> expected(final JsonNode expected, final Map<String, String> outputs, final String... skip)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        outputs.forEach((printed, field) ->
        {
            if (!List.of(skip).contains(printed))
            {
                values.put(printed, expected.get(field).asText());
            }
        });
        return values;
    }

    private static Map<String, String> outputNames(final String... pairs)
    {
        final Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2)
        {
            names.put(pairs[i], pairs[i + 1]);
        }
        return names;
    }

    private record Case(String name, String derive, Map<String, String> inputs, Map<String, String> expected)
    {
    }
}

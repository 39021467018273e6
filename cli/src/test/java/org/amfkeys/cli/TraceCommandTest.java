package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceCommandTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String scenario() throws IOException
    {
        try (InputStream in = TraceCommandTest.class.getResourceAsStream("/trace-scenario.json"))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<JsonNode> lines(final String out) throws IOException
    {
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : out.strip().split("\n"))
        {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void printsOneLinePerStepWithEverySideInSync() throws IOException
    {
        final String scenario = scenario();
        final Cli.Result result = Cli.runWithInput(scenario, "trace");
        final List<JsonNode> lines = lines(result.out());
        assertEquals(JSON.readTree(scenario).get("steps").size(), lines.size());
        for (int i = 0; i < lines.size(); i++)
        {
            final JsonNode line = lines.get(i);
            assertEquals(i + 1, line.get("step").asInt());
            assertTrue(line.get("in-sync").asBoolean(), line.toString());
            assertEquals(line.at("/amf/kamf"), line.at("/ue/kamf"));
            assertEquals(line.at("/amf/knas-int"), line.at("/ue/knas-int"));
            assertEquals(line.at("/gnb/kgnb"), line.at("/ue/kgnb"));
        }
        assertEquals(1, result.exitCode(), "one step of the scenario is refused");
    }

    @Test
    void aRefusedStepNamesWhyAndChangesNoSide() throws IOException
    {
        final List<JsonNode> lines = lines(Cli.runWithInput(scenario(), "trace").out());
        final JsonNode before = lines.get(5);
        final JsonNode refused = lines.get(6);
        assertEquals("xn-handover", refused.get("do").asText());
        assertTrue(refused.get("error").asText().contains("idle"), refused.toString());
        assertEquals("refused", refused.get("result").asText());
        assertEquals("ran", before.get("result").asText());
        final ObjectNode stripped = refused.deepCopy();
        stripped.remove(List.of("error", "step", "do", "result"));
        final ObjectNode previous = before.deepCopy();
        previous.remove(List.of("step", "do", "result"));
        assertEquals(previous, stripped);
    }

    @Test
    void idleAndConnectedStatesAndSideChangesShow() throws IOException
    {
        final List<JsonNode> lines = lines(Cli.runWithInput(scenario(), "trace").out());
        assertTrue(lines.get(5).at("/gnb/kgnb").isNull(), "no KgNB while idle");
        assertEquals("amf-2", lines.get(3).at("/amf/node").asText(), "N2 handover with horizontal KAMF moves the UE");
        assertFalse(lines.get(2).at("/amf/kamf").equals(lines.get(3).at("/amf/kamf")), "KAMF' differs");
        assertEquals("amf-2", lines.get(7).at("/amf/node").asText(), "a failed registration stays at the source");
        assertEquals(lines.get(6).at("/amf/kamf"), lines.get(7).at("/amf/kamf"), "with the old KAMF");
        assertEquals("amf-1", lines.get(8).at("/amf/node").asText());
        assertEquals("eps", lines.get(10).get("system").asText());
        assertEquals(2, lines.get(10).at("/amf/ncc").asInt(), "5GS to EPS hands the MME NCC 2");
        assertEquals("5gs", lines.get(11).get("system").asText());
    }

    @Test
    void badStepsAndScenariosNameTheParameter()
    {
        final String kamf = "\"kamf\": \"" + "00".repeat(32) + "\", \"ngksi\": 1, \"nas-enc\": 1, \"nas-int\": 2";
        final Cli.Result unknown = Cli.runWithInput("{" + kamf + ", \"steps\": [{\"do\": \"teleport\"}]}", "trace");
        assertTrue(unknown.out().contains("\"error\":\"do: unknown step"), unknown.out());
        final Cli.Result missing = Cli.runWithInput(
            "{" + kamf + ", \"steps\": [{\"do\": \"initial-context-setup\"}]}", "trace");
        assertTrue(missing.out().contains("ul-count: missing"), missing.out());
        final Cli.Result badKey = Cli.runWithInput("{\"kamf\": \"00\", \"ngksi\": 1, \"nas-enc\": 1, \"nas-int\": 2, \"steps\": []}",
            "trace");
        assertEquals(1, badKey.exitCode());
        assertTrue(badKey.err().contains("kamf: not 64 hex digits"), badKey.err());
        assertTrue(Cli.run("trace", "--help").out().contains("mobility-registration"));
    }

    @Test
    void aScenarioThatIsNotJsonIsDescribedByWhereItBreaksNeverByTheParsersMessage()
    {
        final String key = "fe9e89b2129b66d7244a2ae944c1cab16984654b06859f1d7ccef0616ae67682";
        final Cli.Result unquotedKey = Cli.runWithInput("{\"ngksi\": 1,\n \"kamf\": " + key + ", \"steps\": []}", "trace");
        assertEquals(new Cli.Result(1, "", "amfkeys trace: the scenario is malformed JSON at line 2, column 10\n"), unquotedKey);
        final Cli.Result word = Cli.runWithInput("{\"kamf\": secret}", "trace");
        assertEquals(new Cli.Result(1, "", "amfkeys trace: the scenario is malformed JSON at line 1, column 10\n"), word);
    }

    private static final String HEAD = "\"kamf\": \"" + "44".repeat(32) + "\", \"nas-enc\": 1, \"nas-int\": 2";

    private static Cli.Result traceOf(final String scenario)
    {
        return Cli.runWithInput(scenario, "trace");
    }

    @Test
    void scenarioValuesAreJsonIntegersInRange()
    {
        final String steps = ", \"steps\": [{\"do\": \"release\"}]}";
        assertEquals(new Cli.Result(1, "", "amfkeys trace: ngksi: not an integer; allowed: 0..6\n"),
            traceOf("{" + HEAD + ", \"ngksi\": 1.9" + steps));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: ngksi: not an integer; allowed: 0..6\n"),
            traceOf("{" + HEAD + ", \"ngksi\": \"1\"" + steps));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: ngksi: not an integer; allowed: 0..6\n"),
            traceOf("{" + HEAD + ", \"ngksi\": 1.0" + steps));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: ngksi: 7 is out of range; allowed: 0..6\n"),
            traceOf("{" + HEAD + ", \"ngksi\": 7" + steps));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: ngksi: 1099511627776 is out of range; allowed: 0..6\n"),
            traceOf("{" + HEAD + ", \"ngksi\": 1099511627776" + steps));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: ngksi: a value of 21 characters is out of range; allowed: 0..6\n"),
            traceOf("{" + HEAD + ", \"ngksi\": 100000000000000000000" + steps));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: ngksi: missing; allowed: 0..6\n"), traceOf("{" + HEAD + steps));
    }

    @Test
    void aMalformedScenarioEndsBeforeAnyStepRuns()
    {
        final String good = "{" + HEAD + ", \"ngksi\": 1, \"steps\": [{\"do\": \"release\"}]}";
        assertEquals(0, traceOf(good).exitCode());
        assertEquals(new Cli.Result(1, "", "amfkeys trace: the scenario is malformed JSON at line 1, column 148\n"),
            traceOf(good + " {\"do\": \"release\"}"));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: the scenario is malformed JSON at line 1, column 125\n"),
            traceOf(good.replace("\"ngksi\": 1", "\"ngksi\": 1, \"ngksi\": 2")));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: the scenario is malformed JSON at line 1, column 150\n"),
            traceOf(good.replace("{\"do\": \"release\"}", "{\"do\": \"release\", \"do\": \"dl-nas\"}")));
        assertEquals(new Cli.Result(1, "",
                "amfkeys trace: ul-count: not a parameter of the scenario; allowed: kamf, ngksi, nas-enc, nas-int, steps\n"),
            traceOf(good.replace("\"ngksi\": 1", "\"ngksi\": 1, \"ul-count\": 1")));
        assertEquals(new Cli.Result(1, "",
                "amfkeys trace: steps: step 2 is not a JSON object; allowed: an array of {\"do\": NAME, parameters}\n"),
            traceOf(good.replace("{\"do\": \"release\"}", "{\"do\": \"release\"}, \"release\"")));
        assertEquals(new Cli.Result(1, "", "amfkeys trace: the scenario is not UTF-8 at octet 11\n"),
            Cli.runWith(new ByteArrayInputStream(new byte[] {'{', '"', 'k', 'a', 'm', 'f', '"', ':', ' ', '"', (byte)0xFF, '"', '}'}),
                new StringWriter(), "trace"));
    }

    @Test
    void aStepWithAMisspeltOrMistypedParameterIsRefusedNamingIt() throws IOException
    {
        final String[][] cases = {
            {"{\"do\": \"initial-context-setup\", \"ul_count\": 1}",
                "ul_count: not a parameter of initial-context-setup; allowed: do, ul-count, pci, arfcn"},
            {"{\"do\": \"initial-context-setup\", \"ul-count\": 1.9}", "ul-count: not an integer; allowed: 0..16777215"},
            {"{\"do\": \"initial-context-setup\", \"ul-count\": \"1\"}", "ul-count: not an integer; allowed: 0..16777215"},
            {"{\"do\": \"initial-context-setup\", \"ul-count\": 16777216}",
                "ul-count: 16777216 is out of range; allowed: 0..16777215"},
            {"{\"do\": \"initial-context-setup\", \"ul-count\": 4294967296}",
                "ul-count: 4294967296 is out of range; allowed: 0..16777215"},
            {"{\"do\": \"xn-handover\", \"pci\": 1, \"arfcn\": 2147483648}",
                "arfcn: 2147483648 is out of range; allowed: 0..2147483647"},
            {"{\"do\": \"n2-handover\", \"pci\": 1, \"arfcn\": 632628, \"horizontal-kamf\": \"true\"}",
                "horizontal-kamf: not a boolean; allowed: true or false"},
            {"{\"do\": \"n2-handover\", \"pci\": 1, \"arfcn\": 632628, \"to-other-amf\": 1}",
                "to-other-amf: not a boolean; allowed: true or false"},
            {"{\"do\": \"mobility-registration\", \"ul-count\": 1, \"outcome\": \"complete\", \"shared-secure-storage\": null}",
                "shared-secure-storage: not a boolean; allowed: true or false"},
            {"{\"do\": \"mobility-registration\", \"ul-count\": 1, \"outcome\": \"done\"}",
                "outcome: unknown outcome 'done'; allowed: complete or failed"},
            {"{\"do\": \"mobility-registration\", \"ul-count\": 1, \"outcome\": true}",
                "outcome: not a string; allowed: complete or failed"},
            {"{\"do\": \"mobility-registration\", \"ul-count\": 1, \"outcome\": \"complete\", \"to-other-amf\": true}",
                "to-other-amf: not a parameter of mobility-registration; allowed: do, ul-count, policy, horizontal-kamf, " +
                    "source-amf-set, target-amf-set, shared-secure-storage, outcome"},
            {"{\"do\": \"n2-handover\", \"pci\": 1, \"arfcn\": 632628, \"policy\": 1}",
                "policy: not a string; allowed: never, always, when-amf-set-changes or when-secure-storage-not-shared"},
            {"{\"do\": \"nas-smc\", \"phase\": \"begin\", \"access\": 3}", "access: not a string; allowed: 3gpp or non-3gpp"},
            {"{\"do\": \"nas-smc\", \"phase\": \"end\", \"outcome\": \"complete\", \"access\": \"3gpp\"}",
                "access: not a parameter of nas-smc (end); allowed: do, phase, outcome"},
            {"{\"do\": \"xn-handover\", \"phase\": 1}", "phase: not a string; allowed: begin or end"},
            {"{\"do\": \"release\", \"phase\": \"begin\"}",
                "do: no phases for 'release'; allowed: nas-smc, xn-handover, n2-handover, inter-mme-handover, " +
                    "mobility-registration, ue-context-modification, handover-to-eps, handover-to-5gs"},
            {"{\"do\": 5}", "do: not a string; allowed: a step listed by amfkeys trace --help"},
            {"{\"ul-count\": 1}", "do: missing; allowed: a step listed by amfkeys trace --help"},
            {"{\"do\": \"release\", \"" + "ab".repeat(16) + "\": 1}",
                "parameter: a value of 32 characters is not a parameter of release; allowed: do"}};
        final StringBuilder steps = new StringBuilder();
        for (final String[] bad : cases)
        {
            steps.append(bad[0]).append(", ");
        }
        final Cli.Result result = traceOf("{" + HEAD + ", \"ngksi\": 1, \"steps\": [" + steps + "{\"do\": \"dl-nas\"}]}");
        final List<JsonNode> lines = lines(result.out());
        assertEquals(cases.length + 1, lines.size(), result.out());
        for (int i = 0; i < cases.length; i++)
        {
            assertEquals("refused", lines.get(i).get("result").asText(), cases[i][0]);
            assertEquals(cases[i][1], lines.get(i).get("error").asText(), cases[i][0]);
        }
        assertEquals("ran", lines.get(cases.length).get("result").asText());
        assertEquals(1, result.exitCode());
    }

    @Test
    void everyParameterEveryStepReadsIsAccepted() throws IOException
    {
        final String amfChange = "\"source-amf-set\": 1, \"target-amf-set\": 2, \"shared-secure-storage\": false";
        final String result = traceOf("{" + HEAD + ", \"ngksi\": 1, \"steps\": [" +
            "{\"do\": \"authenticate\", \"kamf\": \"" + "55".repeat(32) + "\", \"ngksi\": 2}," +
            "{\"do\": \"nas-smc\", \"nas-enc\": 2, \"nas-int\": 1}," +
            "{\"do\": \"initial-context-setup\", \"ul-count\": 3, \"pci\": 1, \"arfcn\": 632628}," +
            "{\"do\": \"xn-handover\", \"pci\": 2, \"arfcn\": 632628}," +
            "{\"do\": \"n2-handover\", \"pci\": 3, \"arfcn\": 632628, \"dl-count\": 3, \"policy\": \"always\", " +
            "\"horizontal-kamf\": true, \"to-other-amf\": true, " + amfChange + "}," +
            "{\"do\": \"nas-smc\"}," +
            "{\"do\": \"ue-context-modification\", \"ul-count\": 0}," +
            "{\"do\": \"as-key-refresh\"}," +
            "{\"do\": \"release\"}," +
            "{\"do\": \"nas-key-refresh\", \"ul-count\": 5}," +
            "{\"do\": \"mobility-registration\", \"ul-count\": 6, \"policy\": \"never\", \"horizontal-kamf\": false, " +
            amfChange + ", \"outcome\": \"complete\"}," +
            "{\"do\": \"idle-to-eps\", \"ul-count\": 7}," +
            "{\"do\": \"idle-to-5gs\", \"ul-count\": 8}," +
            "{\"do\": \"dl-nas\"}," +
            "{\"do\": \"initial-context-setup\", \"ul-count\": 9}," +
            "{\"do\": \"handover-to-eps\", \"pci\": 3, \"earfcn\": 1300}," +
            "{\"do\": \"inter-mme-handover\", \"pci\": 4, \"earfcn\": 1300}," +
            "{\"do\": \"handover-to-5gs\", \"pci\": 5, \"arfcn\": 632628}," +
            "{\"do\": \"nas-smc\", \"phase\": \"begin\", \"access\": \"3gpp\", \"nas-enc\": 1, \"nas-int\": 2}," +
            "{\"do\": \"nas-smc\", \"phase\": \"end\", \"outcome\": \"complete\"}," +
            "{\"do\": \"xn-handover\", \"phase\": \"begin\", \"pci\": 6, \"arfcn\": 632628}," +
            "{\"do\": \"xn-handover\", \"phase\": \"end\", \"outcome\": \"complete\"}," +
            "{\"do\": \"n2-handover\", \"phase\": \"begin\", \"pci\": 7, \"arfcn\": 632628, \"dl-count\": 9, " +
            "\"policy\": \"always\", \"horizontal-kamf\": true, \"to-other-amf\": true, " + amfChange + "}," +
            "{\"do\": \"n2-handover\", \"phase\": \"end\", \"outcome\": \"complete\"}," +
            "{\"do\": \"nas-smc\"}," +
            "{\"do\": \"ue-context-modification\", \"phase\": \"begin\"}," +
            "{\"do\": \"ue-context-modification\", \"phase\": \"end\", \"outcome\": \"abort\"}," +
            "{\"do\": \"release\"}," +
            "{\"do\": \"mobility-registration\", \"phase\": \"begin\", \"ul-count\": 10, \"policy\": \"never\", " +
            "\"horizontal-kamf\": false, " + amfChange + "}," +
            "{\"do\": \"mobility-registration\", \"phase\": \"end\", \"outcome\": \"failure\"}," +
            "{\"do\": \"initial-context-setup\", \"ul-count\": 12}," +
            "{\"do\": \"handover-to-eps\", \"phase\": \"begin\", \"pci\": 8, \"earfcn\": 1300}," +
            "{\"do\": \"handover-to-eps\", \"phase\": \"end\", \"outcome\": \"complete\"}," +
            "{\"do\": \"inter-mme-handover\", \"phase\": \"begin\", \"pci\": 9, \"earfcn\": 1300}," +
            "{\"do\": \"inter-mme-handover\", \"phase\": \"end\", \"outcome\": \"complete\"}," +
            "{\"do\": \"handover-to-5gs\", \"phase\": \"begin\", \"pci\": 10, \"arfcn\": 632628}," +
            "{\"do\": \"handover-to-5gs\", \"phase\": \"end\", \"outcome\": \"complete\"}]}").out();
        for (final JsonNode line : lines(result))
        {
            assertEquals("ran", line.get("result").asText(), line.toString());
        }
    }

    @Test
    void aPolicyDecidesAndTheLineSaysWhy() throws IOException
    {
        final String kamf = "\"kamf\": \"" + "11".repeat(32) + "\", \"ngksi\": 1, \"nas-enc\": 1, \"nas-int\": 2";
        final List<JsonNode> lines = lines(Cli.runWithInput("{" + kamf + ", \"steps\": [" +
            "{\"do\": \"mobility-registration\", \"ul-count\": 1, \"policy\": \"when-amf-set-changes\", " +
            "\"source-amf-set\": 5, \"target-amf-set\": 5, \"outcome\": \"complete\"}," +
            "{\"do\": \"mobility-registration\", \"ul-count\": 2, \"policy\": \"when-amf-set-changes\", " +
            "\"source-amf-set\": 5, \"target-amf-set\": 6, \"outcome\": \"complete\"}," +
            "{\"do\": \"n2-handover\", \"pci\": 1, \"arfcn\": 632628, \"policy\": \"sometimes\"}]}", "trace").out());
        assertFalse(lines.get(0).at("/horizontal-kamf/derive").asBoolean());
        assertEquals("the target AMF is in the source's AMF set", lines.get(0).at("/horizontal-kamf/reason").asText());
        assertEquals("11".repeat(32), lines.get(0).at("/amf/kamf").asText());
        assertTrue(lines.get(1).at("/horizontal-kamf/derive").asBoolean());
        assertFalse(lines.get(1).at("/amf/kamf").asText().equals("11".repeat(32)));
        assertTrue(lines.get(1).get("in-sync").asBoolean());
        assertTrue(lines.get(2).get("error").asText().startsWith("policy: unknown policy"), lines.get(2).toString());
    }

    @Test
    void phasesShowWhatRanWhatWaitedAndWhatWasRefusedUnderWhichRule() throws IOException
    {
        final String kamf = "\"kamf\": \"" + "22".repeat(32) + "\", \"ngksi\": 1, \"nas-enc\": 1, \"nas-int\": 2";
        final Cli.Result result = Cli.runWithInput("{" + kamf + ", \"steps\": [" +
            "{\"do\": \"initial-context-setup\", \"ul-count\": 1}," +
            "{\"do\": \"handover-to-eps\", \"pci\": 3, \"earfcn\": 1300}," +
            "{\"do\": \"authenticate\", \"kamf\": \"" + "33".repeat(32) + "\", \"ngksi\": 2}," +
            "{\"do\": \"nas-smc\", \"phase\": \"begin\"}," +
            "{\"do\": \"ue-context-modification\", \"phase\": \"begin\"}," +
            "{\"do\": \"inter-mme-handover\", \"phase\": \"begin\", \"pci\": 4, \"earfcn\": 1300}," +
            "{\"do\": \"nas-smc\", \"phase\": \"end\", \"outcome\": \"complete\"}," +
            "{\"do\": \"inter-mme-handover\", \"phase\": \"end\", \"outcome\": \"complete\"}," +
            "{\"do\": \"xn-handover\", \"pci\": 5, \"arfcn\": 1300}," +
            "{\"do\": \"ue-context-modification\"}]}", "trace");
        final List<JsonNode> lines = lines(result.out());

        assertEquals(11, lines.size(), result.out());
        assertEquals("ran", lines.get(3).get("result").asText());
        assertEquals("refused", lines.get(4).get("result").asText(), "no UE Context Modification during the SMC");
        assertEquals("TS 33.401 7.2.10 (1)", lines.get(4).get("rule").asText());
        assertEquals("deferred", lines.get(5).get("result").asText());
        assertEquals("TS 33.401 7.2.10 (6)", lines.get(5).get("rule").asText());
        assertEquals("mme-1", lines.get(5).at("/amf/node").asText(), "the handover waits");
        assertEquals("ran", lines.get(6).get("result").asText());
        final JsonNode resumed = lines.get(7);
        assertEquals(7, resumed.get("step").asInt(), "started by the step that ended the SMC");
        assertEquals("forward-relocation", resumed.get("do").asText());
        assertEquals("ran", resumed.get("result").asText());
        assertEquals(6, resumed.get("deferred-from").asInt());
        assertEquals("mme-2", lines.get(8).at("/amf/node").asText());
        assertEquals("33".repeat(32), lines.get(8).at("/amf/kamf").asText(), "NAS runs on the new KASME");
        for (final JsonNode line : lines.subList(6, lines.size()))
        {
            assertTrue(line.get("in-sync").asBoolean(), line.toString());
        }
        assertEquals(1, result.exitCode(), "one step was refused");
    }
}

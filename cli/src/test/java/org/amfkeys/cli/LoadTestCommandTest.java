package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadTestCommandTest
{
    private static long value(final String out, final String name)
    {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + ":? +(\\d+)").matcher(out);
        assertTrue(matcher.find(), name + " in\n" + out);
        return Long.parseLong(matcher.group(1));
    }

    @Test
    void runsEveryProcedureAndReportsEveryUeInSync()
    {
        final Cli.Result result = Cli.run("loadtest", "--ues", "300", "--procedures", "20000", "--threads", "2");
        assertEquals(0, result.exitCode(), result.err());
        final String out = result.out();
        assertEquals(0, value(out, "out-of-sync"));
        assertEquals(20_000, value(out, "ues-checked"));
        // Each UE's procedures fit its state, so no rule has a reason to refuse one; the overlaps made on
        // purpose are reported with the rule that stopped each.
        assertTrue(out.contains("refusals-by-rule: none"), out);
        assertTrue(value(out, "overlaps") > 0, out);
        assertTrue(out.contains("  TS 33.501 6.9.5.1 (1), refused: "), out);
        assertTrue(out.contains("  TS 33.501 6.9.5.2 (2), waited for the SMC, then ran: "), out);
        final Cli.Result none = Cli.run("loadtest", "--ues", "100", "--procedures", "2000", "--threads", "1", "--overlap", "0");
        assertEquals(0, value(none.out(), "overlaps"), none.out());
        final Cli.Result bad = Cli.run("loadtest", "--overlap", "1.5");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("overlap: 1.5 is out of range; allowed: 0..1"), bad.err());
        for (final String procedure : new String[] {"initial-context-setup", "xn-handover", "n2-handover-to-other-amf",
            "mobility-registration", "interworking", "nas-key-refresh", "ue-context-modification"})
        {
            assertTrue(value(out, procedure) > 0, procedure + " ran");
        }
        assertTrue(value(out, "procedures-per-second") > 0);
    }

    /**
     * The AMFs' AS key steps through the engines (the default) or by the direct calls: one thread runs
     * the same procedures with the same outcomes either way, and the engine's batches are reported.
     */
    @Test
    void theEngineGivesTheDirectCallsOutcomes()
    {
        final Cli.Result engine = Cli.run("loadtest", "--ues", "200", "--procedures", "5000", "--threads", "1");
        final Cli.Result direct = Cli.run("loadtest", "--ues", "200", "--procedures", "5000", "--threads", "1", "--engine", "direct");
        assertEquals(0, engine.exitCode(), engine.err());
        assertEquals(0, direct.exitCode(), direct.err());
        assertEquals(procedureTable(direct.out()), procedureTable(engine.out()));
        assertTrue(value(engine.out(), "engine-amf-1 worker 0: requests") > 0, engine.out());
        assertTrue(value(engine.out(), "engine-amf-1 worker 0: batches of 1") > 0, engine.out());
        assertTrue(direct.out().contains("as-key-steps: direct calls"), direct.out());
        final Cli.Result bad = Cli.run("loadtest", "--engine", "fast");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("engine: 'fast' is not a path; allowed: engine or direct"), bad.err());
    }

    /** What ran and what the rules did, without the latencies, which differ from run to run. */
    private static String procedureTable(final String out)
    {
        final StringBuilder table = new StringBuilder();
        for (final String line : out.substring(out.indexOf("\nprocedure "), out.indexOf("\nseconds:")).split("\n"))
        {
            final String[] columns = line.replaceAll("\\(.*\\)", "").trim().split(" +");
            table.append(String.join(" ", Arrays.asList(columns).subList(0, Math.min(3, columns.length)))).append('\n');
        }
        return table.toString();
    }

    @Test
    void badSizesNameTheParameter()
    {
        final Cli.Result none = Cli.run("loadtest", "--ues", "0");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("ues: 0 is out of range; allowed: 1..5000000"), none.err());
        final Cli.Result threads = Cli.run("loadtest", "--ues", "4", "--threads", "0");
        assertEquals(1, threads.exitCode());
        assertTrue(threads.err().contains("threads: 0 is out of range; allowed: 1..1024"), threads.err());
    }

    /**
     * The default is one thread per core, so a run with fewer UEs than threads (one UE on a two-core
     * machine) must work: each UE belongs to one thread, and the threads without a UE are not started.
     */
    @Test
    void fewerUesThanThreadsRunsOneThreadPerUe()
    {
        for (final String[] sizes : new String[][] {{"1", "2"}, {"3", "8"}})
        {
            final Cli.Result result = Cli.run("loadtest", "--ues", sizes[0], "--threads", sizes[1], "--procedures", "3000");
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains(sizes[0] + " simulated UEs, " + sizes[0] + " threads (" + sizes[1] + " asked"),
                result.out());
            assertEquals(3000, value(result.out(), "ues-checked"));
            assertEquals(0, value(result.out(), "out-of-sync"));
        }
    }

    @Test
    void theRegistrationStormRegistersEveryUeInSyncAndReportsItsFigures()
    {
        final Cli.Result result = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "4000", "--threads", "2",
            "--ahead-usims", "0.1", "--progress");
        assertEquals(0, result.exitCode(), result.err());
        final String out = result.out();
        assertEquals(4000, value(out, "registered"));
        assertEquals(0, value(out, "out-of-sync"));
        assertEquals(0, value(out, "authentication-failed"));
        assertEquals(0, value(out, "refused"));
        assertTrue(value(out, "registrations-per-second") > 0, out);
        assertTrue(value(out, "bytes-per-ue") < 600, out);
        assertTrue(out.contains("latency-us: p50 "), out);
        final Matcher resynchronised = Pattern.compile("(\\d+) of them after a synch failure").matcher(out);
        assertTrue(resynchronised.find() && Long.parseLong(resynchronised.group(1)) > 200, out);

        final Cli.Result bad = Cli.run("loadtest", "--scenario", "storm");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("scenario: 'storm' is not a scenario; allowed: mixed, mobility, registration-storm or amf-removal"),
            bad.err());
        final Cli.Result foreign = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "10", "--overlap", "0.1");
        assertEquals(1, foreign.exitCode());
        assertTrue(foreign.err().contains("overlap: does not apply to --scenario registration-storm"), foreign.err());
        final Cli.Result foreignToMixed = Cli.run("loadtest", "--ues", "10", "--aes", "jdk");
        assertEquals(1, foreignToMixed.exitCode());
        assertTrue(foreignToMixed.err().contains("aes: does not apply to --scenario mixed"), foreignToMixed.err());
        final Cli.Result ahead = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "10", "--ahead-usims", "2");
        assertEquals(1, ahead.exitCode());
        assertTrue(ahead.err().contains("ahead-usims: 2.0 is out of range; allowed: 0..1"), ahead.err());
        final Cli.Result batch = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "10", "--batch", "257");
        assertEquals(1, batch.exitCode());
        assertTrue(batch.err().contains("batch: 257 is out of range; allowed: 1..256"), batch.err());
        final Cli.Result directBatch = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "10", "--engine", "direct",
            "--batch", "8");
        assertEquals(1, directBatch.exitCode());
        assertTrue(directBatch.err().contains("batch: given with --engine direct"), directBatch.err());
        final Cli.Result batchToMixed = Cli.run("loadtest", "--ues", "10", "--batch", "8");
        assertEquals(1, batchToMixed.exitCode());
        assertTrue(batchToMixed.err().contains("batch: does not apply to --scenario mixed"), batchToMixed.err());
    }

    @Test
    void theMobilityScenarioRunsOnlyMobilityProceduresInSync()
    {
        final Cli.Result result = Cli.run("loadtest", "--scenario", "mobility", "--ues", "2000", "--procedures", "20000",
            "--threads", "2", "--overlap", "0");
        assertEquals(0, result.exitCode(), result.err());
        final String out = result.out();
        assertTrue(out.startsWith("amfkeys loadtest: mobility, 2000 simulated UEs"), out);
        assertEquals(0, value(out, "out-of-sync"), out);
        for (final String procedure : new String[] {"xn-handover ", "n2-handover ", "mobility-registration ", "initial-context-setup "})
        {
            assertTrue(out.contains("\n" + procedure), procedure + " in " + out);
        }
        for (final String other : new String[] {"nas-smc ", "reauthentication ", "interworking ", "nas-key-refresh "})
        {
            assertTrue(!out.contains("\n" + other), other + " not in " + out);
        }
        assertTrue(out.contains("refusals-by-rule: none"), out);
    }

    @Test
    void theStormRegistersOneAtATimeWithEngineDirect()
    {
        final Cli.Result result = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "2000", "--threads", "2",
            "--engine", "direct", "--warm-up", "100");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains(", one registration at a time"), result.out());
        assertEquals(2000, value(result.out(), "registered"));
        assertEquals(0, value(result.out(), "out-of-sync"));
    }

    @Test
    void theStormWritesItsFiguresAsJsonAndASelfContainedPage(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("storm.json");
        final Path html = dir.resolve("storm.html");
        final Cli.Result result = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "3000", "--threads", "2",
            "--rate", "2000", "--json", json.toString(), "--html", html.toString(), "--progress");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(Pattern.compile("(?m)^progress: 1 s, \\d+ of 3000 registered, \\d+/s, p99 so far [0-9.]+ us, out of sync 0$")
            .matcher(result.err()).find(), result.err());
        assertTrue(result.out().contains("offered 2000, Poisson arrivals"), result.out());
        assertTrue(result.out().contains("from when it was due"), result.out());

        final JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals("registration-storm", report.get("scenario").asText());
        assertEquals(3000, report.get("summary").get("registered").asLong());
        assertEquals(0, report.get("summary").get("out of sync").asLong());
        assertEquals(2000.0, report.get("settings").get("offeredRate").asDouble());
        final JsonNode registration = report.get("latencyMicroseconds").get("series").get(0);
        assertEquals("registration", registration.get("name").asText());
        assertEquals(3000, registration.get("count").asLong());
        assertTrue(registration.get("distribution").size() > 10);
        final JsonNode series = report.get("latencyMicroseconds").get("series");
        assertEquals("authentication", series.get(1).get("name").asText());
        assertEquals("security-mode", series.get(2).get("name").asText());
        assertEquals(3000, series.get(2).get("count").asLong());
        assertTrue(result.out().contains("steps-us: authentication p50 "), result.out());
        // 3,000 at 2,000 a second: one whole second at least, about 2,000 registrations in it.
        final JsonNode perSecond = report.get("throughput").get("perSecond");
        assertTrue(perSecond.size() >= 1 && perSecond.get(0).asLong() > 1000, perSecond.toString());

        // At 1,000 a second per thread most registrations arrive alone; every one ran in some batch.
        final JsonNode batches = report.get("batches");
        assertEquals(32, batches.get("largest").asInt());
        long inBatches = 0;
        for (final Map.Entry<String, JsonNode> size : batches.get("batchesBySize").properties())
        {
            inBatches += Long.parseLong(size.getKey()) * size.getValue().asLong();
        }
        assertEquals(3000, inBatches);
        assertTrue(batches.get("batchesBySize").get("1").asLong() > 1500, batches.toString());

        final String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertEquals(3, page.split("<svg ", -1).length - 1, "three charts: latency, throughput, batch sizes");
        assertTrue(page.contains("<polyline class=\"curve\""));
        assertTrue(page.contains("<h1>Registration storm</h1>"));
        assertTrue(page.contains("Registrations by the size of their batch"), page);
        for (final String external : new String[] {"<script", "src=", "href=", "url(", "@import"})
        {
            assertTrue(!page.contains(external), "no external resource: " + external);
        }

        final Cli.Result unwritable = Cli.run("loadtest", "--scenario", "registration-storm", "--ues", "10", "--threads", "1",
            "--json", dir.resolve("missing").resolve("storm.json").toString());
        assertEquals(74, unwritable.exitCode(), unwritable.err());
        assertTrue(unwritable.err().startsWith("amfkeys loadtest: json: cannot write storm.json"), unwritable.err());
    }

    @Test
    void anAmfRemovalMovesEveryUeInSyncByEitherWayAndWritesItsFigures(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("removal.json");
        final Path html = dir.resolve("removal.html");
        final Cli.Result transfer = Cli.run("loadtest", "--scenario", "amf-removal", "--ues", "3000", "--threads", "2",
            "--warm-up", "500", "--json", json.toString(), "--html", html.toString());
        assertEquals(0, transfer.exitCode(), transfer.err());
        assertTrue(transfer.out().contains("via context-transfer, horizontal KAMF always"), transfer.out());
        assertTrue(transfer.out().contains("moved: 3000 (3000 with a horizontal KAMF, 0 with the KAMF they had)"), transfer.out());
        assertTrue(transfer.out().contains("out-of-sync: 0"), transfer.out());
        assertTrue(transfer.out().contains("transfers-per-second: "), transfer.out());
        final JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals("amf-removal", report.get("scenario").asText());
        assertEquals(3000, report.get("summary").get("moved").asLong());
        assertEquals("context-transfer", report.get("latencyMicroseconds").get("series").get(0).get("name").asText());
        final String page = Files.readString(html);
        assertTrue(page.contains("<h1>AMF removal</h1>"));
        assertEquals(2, page.split("<svg ", -1).length - 1, "two charts");

        // Within one AMF set the policy keeps KAMF; a handover moves CONNECTED UEs with their NH chain.
        final Cli.Result handover = Cli.run("loadtest", "--scenario", "amf-removal", "--ues", "2000", "--threads", "2",
            "--warm-up", "500", "--via", "n2-handover", "--horizontal-kamf", "when-amf-set-changes");
        assertEquals(0, handover.exitCode(), handover.err());
        assertTrue(handover.out().contains("moved: 2000 (0 with a horizontal KAMF, 2000 with the KAMF they had)"), handover.out());
        assertTrue(handover.out().contains("CONNECTED there"), handover.out());

        final Cli.Result badSet = Cli.run("loadtest", "--scenario", "amf-removal", "--ues", "10", "--target-amf-set", "near");
        assertEquals(1, badSet.exitCode());
        assertTrue(badSet.err().contains("target-amf-set: 'near' is not a set; allowed: same or other"), badSet.err());
        final Cli.Result foreign = Cli.run("loadtest", "--scenario", "amf-removal", "--ues", "10", "--ahead-usims", "0.5");
        assertEquals(1, foreign.exitCode());
        assertTrue(foreign.err().contains("ahead-usims: does not apply to --scenario amf-removal"), foreign.err());
        final Cli.Result foreignVia = Cli.run("loadtest", "--ues", "10", "--via", "n2-handover");
        assertEquals(1, foreignVia.exitCode());
        assertTrue(foreignVia.err().contains("via: does not apply to --scenario mixed"), foreignVia.err());
    }

    @Test
    void theMixedLoadTakesAnOfferedRateADurationAndReportsLatencyPerProcedure()
    {
        final Cli.Result result = Cli.run("loadtest", "--ues", "200", "--procedures", "1000000", "--threads", "2",
            "--rate", "5000", "--duration", "1");
        assertEquals(0, result.exitCode(), result.err());
        final String out = result.out();
        // About 5,000 steps in the second the run was given, and the rest left out.
        final long checked = value(out, "ues-checked");
        assertTrue(checked > 2_000 && checked < 20_000, out);
        assertEquals(1_000_000 - checked, value(out, "not-reached"));
        assertTrue(out.contains("offered 5000, Poisson arrivals"), out);
        assertTrue(out.contains("latency: each step from when it was due"), out);
        assertTrue(out.contains("p50-us     p99-us   p99.9-us"), out);
        assertEquals(0, value(out, "out-of-sync"));
    }

    @Test
    void theMixedLoadWritesJsonWithASeriesPerProcedureAndAPageWithTheirCurves(@TempDir final Path dir) throws Exception
    {
        final Path json = dir.resolve("mixed.json");
        final Path html = dir.resolve("mixed.html");
        final Cli.Result result = Cli.run("loadtest", "--ues", "300", "--procedures", "20000", "--threads", "2",
            "--json", json.toString(), "--html", html.toString());
        assertEquals(0, result.exitCode(), result.err());
        final JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals("mixed", report.get("scenario").asText());
        assertEquals(0, report.get("summary").get("out of sync").asLong());
        assertEquals(0, report.get("summary").get("refused (not on purpose)").asLong());
        final JsonNode series = report.get("latencyMicroseconds").get("series");
        // One series per procedure of the mix, then the overlaps; together they count every step.
        long steps = 0;
        for (final JsonNode one : series)
        {
            steps += one.get("count").asLong();
        }
        assertEquals(20_000, steps);
        assertEquals("overlaps", series.get(series.size() - 1).get("name").asText());
        assertTrue(report.get("overlapsByRule").size() > 0, report.toString());

        final String page = Files.readString(html);
        assertTrue(page.contains("<h1>Mixed load</h1>"));
        assertEquals(series.size() + 1, page.split("<polyline ", -1).length - 1, "a curve per series and the throughput");
        for (final String external : new String[] {"<script", "src=", "href=", "url(", "@import"})
        {
            assertTrue(!page.contains(external), "no external resource: " + external);
        }
    }
}

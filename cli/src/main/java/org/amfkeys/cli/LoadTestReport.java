package org.amfkeys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.amfkeys.sim.ProcedureMix;
import org.amfkeys.sim.ProcedureMix.Procedure;
import org.amfkeys.sim.scenario.AmfRemoval;
import org.amfkeys.sim.scenario.MixedLoad;
import org.amfkeys.sim.scenario.RegistrationStorm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A load test's report as files: every figure as JSON, and a self-contained HTML page (no script, no
 * network resource: the charts are inline SVG) that draws the latency percentile curves and the steps
 * of every second. Both scenarios share one shape: {@code settings}, {@code summary} (label to
 * value, in order), {@code throughput} and {@code latencyMicroseconds} (one series per procedure).
 */
final class LoadTestReport
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int WIDTH = 760;
    private static final int HEIGHT = 340;
    private static final int MARGIN = 60;
    /** The percentile curves' x axis: log10(1 / (1 - p)), to 99.999 %. */
    private static final double NINES = 5;
    private static final String[] COLOURS = {
        "#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#4e342e", "#ad1457", "#558b2f", "#283593",
        "#f9a825", "#37474f", "#00695c"};

    private LoadTestReport()
    {
    }

    /**
     * @param settings   what ran.
     * @param result     how it went.
     * @param hmacEngine the HMAC engine's name.
     * @return every figure of a registration storm.
     */
    static ObjectNode storm(final RegistrationStorm.Settings settings, final RegistrationStorm.Result result, final String hmacEngine)
    {
        final ObjectNode report = JSON.createObjectNode();
        report.put("scenario", "registration-storm");
        final ObjectNode run = settings(report, settings.ues(), settings.threads(), settings.seed(), settings.aes(), hmacEngine,
            settings.rate(), settings.seconds(), settings.warmUp());
        run.put("aheadUsims", settings.aheadUsims());

        final ObjectNode summary = report.putObject("summary");
        summary.put("registered", result.registered() + result.resynchronised());
        summary.put("of them after a resynchronisation", result.resynchronised());
        summary.put("authentication failed", result.authenticationFailed());
        summary.put("refused", result.refused());
        summary.put("out of sync", result.outOfSync());
        summary.put("not reached", settings.ues() - result.ues());
        summary.put("bytes per UE, all sides", result.bytesPerUe(settings.ues()));

        throughput(report, result.ues(), result.stormNanos(), result.perSecond());
        final ObjectNode latency = latencies(report, settings.rate());
        series(latency, "registration", result.latency());
        series(latency, "authentication", result.authentication());
        series(latency, "security-mode", result.securityMode());

        final ObjectNode batches = report.putObject("batches");
        batches.put("kernel", result.kernel());
        batches.put("largest", settings.batch());
        final ObjectNode sizes = batches.putObject("batchesBySize");
        for (int size = 1; size < result.batchSizes().length; size++)
        {
            if (result.batchSizes()[size] > 0)
            {
                sizes.put(Integer.toString(size), result.batchSizes()[size]);
            }
        }

        final ObjectNode memory = report.putObject("memory");
        memory.put("bytesPerUe", result.bytesPerUe(settings.ues()));
        memory.put("subscriberRecordBytes", result.subscriberBytes());
        memory.put("contextTableBytes", result.tableBytes());
        memory.put("contextTablePrefaulted", result.tablePrefaulted());
        return report;
    }

    /**
     * @return every figure of an AMF removal.
     */
    static ObjectNode amfRemoval(final AmfRemoval.Settings settings, final AmfRemoval.Result result, final String hmacEngine)
    {
        final ObjectNode report = JSON.createObjectNode();
        report.put("scenario", "amf-removal");
        final ObjectNode run = settings(report, settings.ues(), settings.threads(), settings.seed(), settings.aes(), hmacEngine,
            settings.rate(), settings.seconds(), settings.warmUp());
        run.put("via", settings.via());
        run.put("horizontalKamfPolicy", settings.policy());
        run.put("targetAmfSet", settings.otherAmfSet() ? "other" : "same");

        final ObjectNode summary = report.putObject("summary");
        summary.put("moved", result.moved() + result.movedHorizontal());
        summary.put("of them with a horizontal KAMF", result.movedHorizontal());
        summary.put("refused", result.refused());
        summary.put("out of sync", result.outOfSync());
        summary.put("not reached", settings.ues() - result.ues());
        summary.put("bytes per UE, all sides", result.bytesPerUe(settings.ues()));

        throughput(report, result.ues(), result.moveNanos(), result.perSecond());
        final ObjectNode latency = latencies(report, settings.rate());
        series(latency, settings.via(), result.latency());

        final ObjectNode memory = report.putObject("memory");
        memory.put("bytesPerUe", result.bytesPerUe(settings.ues()));
        memory.put("subscriberRecordBytes", result.subscriberBytes());
        memory.put("contextTableBytes", result.tableBytes());
        return report;
    }

    /**
     * @param settings   what ran.
     * @param result     how it went.
     * @param hmacEngine the HMAC engine's name.
     * @param engines    whether the AS key steps ran through the batching engines.
     * @return every figure of a mixed load.
     */
    static ObjectNode mixed(
        final MixedLoad.Settings settings, final MixedLoad.Result result, final String hmacEngine, final boolean engines)
    {
        final ObjectNode report = JSON.createObjectNode();
        report.put("scenario", settings.mix().equals(ProcedureMix.ALL) ? "mixed" : "mobility");
        final ObjectNode run = report.putObject("settings");
        run.put("ues", settings.ues());
        run.put("threads", settings.threads());
        run.put("procedures", settings.procedures());
        run.put("seed", settings.seed());
        run.put("overlap", settings.overlap());
        run.put("hmacEngine", hmacEngine);
        run.put("asKeySteps", engines ? "engine" : "direct");
        run.put("offeredRate", settings.rate());
        run.put("durationSeconds", settings.seconds());
        run.put("processors", Runtime.getRuntime().availableProcessors());

        final ObjectNode summary = report.putObject("summary");
        long ran = 0;
        long refused = 0;
        for (final Procedure procedure : Procedure.values())
        {
            ran += result.ran()[procedure.ordinal()];
            refused += result.refused()[procedure.ordinal()];
        }
        summary.put("procedures run", ran);
        summary.put("refused (not on purpose)", refused);
        summary.put("overlaps (on purpose)", result.overlaps().values().stream().mapToLong(Long::longValue).sum());
        summary.put("out of sync", result.outOfSync());
        summary.put("not reached", settings.procedures() - result.steps());
        final ObjectNode byProcedure = report.putObject("procedures");
        for (final Procedure procedure : settings.mix())
        {
            final ObjectNode counts = byProcedure.putObject(procedure.token());
            counts.put("ran", result.ran()[procedure.ordinal()]);
            counts.put("refused", result.refused()[procedure.ordinal()]);
        }
        rules(report.putObject("refusalsByRule"), result.refusals());
        rules(report.putObject("overlapsByRule"), result.overlaps());

        throughput(report, result.steps(), result.runNanos(), result.perSecond());
        final ObjectNode latency = latencies(report, settings.rate());
        for (final Procedure procedure : settings.mix())
        {
            series(latency, procedure.token(), result.latency()[procedure.ordinal()]);
        }
        series(latency, "overlaps", result.latency()[MixedLoad.OVERLAPS]);
        return report;
    }

    /**
     * @param file   where to write.
     * @param report the figures.
     * @throws UncheckedIOException naming {@code json} and the file when it cannot be written.
     */
    static void writeJson(final Path file, final ObjectNode report)
    {
        try
        {
            Files.writeString(file, JSON.writeValueAsString(report) + "\n", StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("json: cannot write " + file.getFileName() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @param file   where to write.
     * @param report the figures.
     * @throws UncheckedIOException naming {@code html} and the file when it cannot be written.
     */
    static void writeHtml(final Path file, final ObjectNode report)
    {
        try
        {
            Files.writeString(file, html(report), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("html: cannot write " + file.getFileName() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @param report the figures, from {@link #storm}, {@link #amfRemoval} or {@link #mixed}.
     * @return the page.
     */
    static String html(final ObjectNode report)
    {
        final String scenario = report.get("scenario").asText();
        final String title;
        final String items;
        final String item;
        switch (scenario)
        {
            case "registration-storm" ->
            {
                title = "Registration storm";
                items = "Registrations";
                item = "registration, every side,";
            }
            case "amf-removal" ->
            {
                title = "AMF removal";
                items = "Transfers";
                item = "move to the other AMF, every side,";
            }
            case "mobility" ->
            {
                title = "Mobility";
                items = "Steps";
                item = "step";
            }
            default ->
            {
                title = "Mixed load";
                items = "Steps";
                item = "step";
            }
        }
        final StringBuilder page = new StringBuilder(32_768);
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .append("<title>amfkeys loadtest: ").append(escape(title)).append("</title>\n<style>")
            .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
            .append("td,th{padding:2px 12px;text-align:right;border-bottom:1px solid #ddd}th{text-align:left}")
            .append("svg{background:#fafafa;border:1px solid #ccc;margin:1em 0}.axis{stroke:#888}")
            .append(".grid{stroke:#e4e4e4}.curve{fill:none;stroke-width:2}text{font-size:11px;fill:#444}")
            .append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n<p>");
        final JsonNode settings = report.get("settings");
        settings.properties().forEach(setting ->
            page.append(escape(setting.getKey())).append(" <b>").append(escape(setting.getValue().asText())).append("</b>; "));
        page.append("</p>\n<table>\n");
        report.get("summary").properties().forEach(entry -> row(page, entry.getKey(), format(entry.getValue().asDouble())));
        final JsonNode throughput = report.get("throughput");
        row(page, "seconds", format(throughput.get("seconds").asDouble()));
        row(page, items.toLowerCase(Locale.ROOT) + " per second", format(throughput.get("stepsPerSecond").asDouble()));
        page.append("</table>\n");
        for (final String rules : new String[] {"overlapsByRule", "refusalsByRule"})
        {
            if (report.has(rules) && report.get(rules).size() > 0)
            {
                page.append("<h2>").append(rules.equals("overlapsByRule") ? "Overlaps made on purpose, by the rule that stopped each" :
                    "Refusals, by rule").append("</h2>\n<table>\n");
                report.get(rules).properties().forEach(entry -> row(page, entry.getKey(), format(entry.getValue().asDouble())));
                page.append("</table>\n");
            }
        }
        final JsonNode latency = report.get("latencyMicroseconds");
        page.append("<h2>Latency by percentile</h2>\n<p>Each ").append(item)
            .append(" measured from its ").append(escape(latency.get("measuredFrom").asText())).append(".</p>\n<table>\n")
            .append("<tr><th></th><th>count</th><th>p50 us</th><th>p90 us</th><th>p99 us</th><th>p99.9 us</th><th>max us</th></tr>\n");
        int colour = 0;
        for (final JsonNode series : latency.get("series"))
        {
            page.append("<tr><th style=\"color:").append(COLOURS[colour++ % COLOURS.length]).append("\">")
                .append(escape(series.get("name").asText())).append("</th>");
            for (final String column : new String[] {"count", "p50", "p90", "p99", "p99.9", "max"})
            {
                page.append("<td>").append(format(series.get(column).asDouble())).append("</td>");
            }
            page.append("</tr>\n");
        }
        page.append("</table>\n");
        percentileChart(page, latency.get("series"));
        page.append("<h2>").append(items).append(" per second</h2>\n");
        throughputChart(page, throughput.get("perSecond"));
        if (report.has("batches"))
        {
            final JsonNode batches = report.get("batches");
            page.append("<h2>").append(items).append(" by the size of their batch</h2>\n<p>Each thread computes up to ")
                .append(batches.get("largest").asInt()).append(" together on ").append(escape(batches.get("kernel").asText()))
                .append(", one kernel call per stage of their key derivations; under an offered rate a batch takes only ")
                .append("those already due.</p>\n");
            batchChart(page, batches.get("largest").asInt(), batches.get("batchesBySize"));
        }
        page.append("</body></html>\n");
        return page.toString();
    }

    /** The settings of a scenario of subscribers registered by 5G AKA: the storm's and the removal's. */
    private static ObjectNode settings(
        final ObjectNode report, final int ues, final int threads, final long seed, final String aes, final String hmacEngine,
        final double rate, final double seconds, final int warmUp)
    {
        final ObjectNode run = report.putObject("settings");
        run.put("ues", ues);
        run.put("threads", threads);
        run.put("seed", seed);
        run.put("aes", aes);
        run.put("hmacEngine", hmacEngine);
        run.put("offeredRate", rate);
        run.put("durationSeconds", seconds);
        run.put("warmUpPerThread", warmUp);
        run.put("processors", Runtime.getRuntime().availableProcessors());
        return run;
    }

    private static void throughput(final ObjectNode report, final long steps, final long nanos, final long[] perSecond)
    {
        final ObjectNode throughput = report.putObject("throughput");
        throughput.put("seconds", nanos / 1e9);
        throughput.put("stepsPerSecond", steps / (nanos / 1e9));
        final ArrayNode seconds = throughput.putArray("perSecond");
        for (final long count : perSecond)
        {
            seconds.add(count);
        }
    }

    private static ObjectNode latencies(final ObjectNode report, final double rate)
    {
        final ObjectNode latency = report.putObject("latencyMicroseconds");
        latency.put("measuredFrom", rate == 0 ? "start" : "due time (coordinated omission corrected)");
        latency.putArray("series");
        return latency;
    }

    private static void series(final ObjectNode latency, final String name, final Histogram histogram)
    {
        final ObjectNode series = ((ArrayNode)latency.get("series")).addObject();
        series.put("name", name);
        series.put("count", histogram.getTotalCount());
        for (final double percentile : new double[] {50, 90, 99, 99.9, 99.99})
        {
            series.put("p" + trim(percentile), histogram.getValueAtPercentile(percentile) / 1e3);
        }
        series.put("max", histogram.getMaxValue() / 1e3);
        final ArrayNode distribution = series.putArray("distribution");
        if (histogram.getTotalCount() == 0)
        {
            return;
        }
        for (final HistogramIterationValue value : histogram.percentiles(5))
        {
            final ObjectNode point = distribution.addObject();
            point.put("percentile", value.getPercentileLevelIteratedTo());
            point.put("value", value.getValueIteratedTo() / 1e3);
            point.put("count", value.getTotalCountToThisValue());
            if (value.getPercentileLevelIteratedTo() >= 100)
            {
                break;
            }
        }
    }

    private static void rules(final ObjectNode into, final Map<String, Long> counts)
    {
        counts.forEach(into::put);
    }

    private static void percentileChart(final StringBuilder page, final JsonNode allSeries)
    {
        double highest = 1;
        for (final JsonNode series : allSeries)
        {
            highest = Math.max(highest, series.get("max").asDouble());
        }
        final double top = Math.pow(10, Math.ceil(Math.log10(highest)));
        svgStart(page);
        for (int nines = 0; nines <= NINES; nines++)
        {
            final double x = MARGIN + (WIDTH - 2 * MARGIN) * nines / NINES;
            page.append(line(x, MARGIN / 2.0, x, HEIGHT - MARGIN, "grid"))
                .append(text(x, HEIGHT - MARGIN + 16, nines == 0 ? "0%" : trim(100 - 100 / Math.pow(10, nines)) + "%", "middle"));
        }
        for (double value = 1; value <= top; value *= 10)
        {
            final double y = logY(value, top);
            page.append(line(MARGIN, y, WIDTH - MARGIN, y, "grid")).append(text(MARGIN - 6, y + 4, format(value) + " us", "end"));
        }
        int colour = 0;
        for (final JsonNode series : allSeries)
        {
            final StringBuilder points = new StringBuilder();
            for (final JsonNode point : series.get("distribution"))
            {
                final double percentile = Math.min(point.get("percentile").asDouble(), 100 - 100 / Math.pow(10, NINES));
                final double nines = Math.log10(100 / (100 - percentile));
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", MARGIN + (WIDTH - 2 * MARGIN) * nines / NINES,
                    logY(Math.max(1, point.get("value").asDouble()), top)));
            }
            page.append("<polyline class=\"curve\" stroke=\"").append(COLOURS[colour++ % COLOURS.length])
                .append("\" points=\"").append(points).append("\"/>\n");
        }
        page.append(text(WIDTH / 2.0, HEIGHT - 8, "percentile", "middle")).append("</svg>\n");
    }

    private static void throughputChart(final StringBuilder page, final JsonNode perSecond)
    {
        long highest = 1;
        for (final JsonNode count : perSecond)
        {
            highest = Math.max(highest, count.asLong());
        }
        svgStart(page);
        final int seconds = Math.max(1, perSecond.size());
        for (int tick = 0; tick <= 4; tick++)
        {
            final double y = HEIGHT - MARGIN - (HEIGHT - 1.5 * MARGIN) * tick / 4;
            page.append(line(MARGIN, y, WIDTH - MARGIN, y, "grid")).append(text(MARGIN - 6, y + 4, format(highest * tick / 4.0), "end"));
        }
        final StringBuilder points = new StringBuilder();
        final StringBuilder dots = new StringBuilder();
        for (int second = 0; second < perSecond.size(); second++)
        {
            final double x = MARGIN + (WIDTH - 2 * MARGIN) * (second + 1) / (double)seconds;
            final double y = HEIGHT - MARGIN - (HEIGHT - 1.5 * MARGIN) * perSecond.get(second).asLong() / (double)highest;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            // A dot per second as well: a run of one or two whole seconds draws no line to speak of.
            dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, COLOURS[0]));
        }
        for (int tick = 1; tick <= 4 && perSecond.size() > 0; tick++)
        {
            // The last second and a quarter, half and three quarters of the way there, on the x axis.
            final int second = Math.max(1, (int)Math.round(perSecond.size() * tick / 4.0));
            page.append(text(MARGIN + (WIDTH - 2 * MARGIN) * second / (double)seconds, HEIGHT - MARGIN + 14,
                Integer.toString(second), "middle"));
        }
        page.append("<polyline class=\"curve\" stroke=\"").append(COLOURS[0]).append("\" points=\"").append(points).append("\"/>\n")
            .append(dots).append('\n')
            .append(text(WIDTH / 2.0, HEIGHT - 8, "second of the run (whole seconds only; " + perSecond.size() + ")", "middle"))
            .append("</svg>\n");
    }

    /** Bars: the share of all items that ran in batches of each size, 1 to the largest. */
    private static void batchChart(final StringBuilder page, final int largest, final JsonNode batchesBySize)
    {
        final long[] items = new long[largest + 1];
        long total = 0;
        for (int size = 1; size <= largest; size++)
        {
            final JsonNode batches = batchesBySize.get(Integer.toString(size));
            items[size] = batches == null ? 0 : batches.asLong() * size;
            total += items[size];
        }
        svgStart(page);
        for (int tick = 0; tick <= 4; tick++)
        {
            final double y = HEIGHT - MARGIN - (HEIGHT - 1.5 * MARGIN) * tick / 4;
            page.append(line(MARGIN, y, WIDTH - MARGIN, y, "grid")).append(text(MARGIN - 6, y + 4, tick * 25 + " %", "end"));
        }
        final double width = (WIDTH - 2.0 * MARGIN) / largest;
        for (int size = 1; size <= largest; size++)
        {
            final double height = total == 0 ? 0 : (HEIGHT - 1.5 * MARGIN) * items[size] / (double)total;
            page.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                MARGIN + width * (size - 1) + 0.5, HEIGHT - MARGIN - height, Math.max(0.5, width - 1), height, COLOURS[0]));
        }
        page.append(text(MARGIN + width / 2, HEIGHT - MARGIN + 14, "1", "middle"))
            .append(text(WIDTH - MARGIN - width / 2, HEIGHT - MARGIN + 14, Integer.toString(largest), "middle"))
            .append(text(WIDTH / 2.0, HEIGHT - 8, "batch size (share of all in batches of that size)", "middle"))
            .append("</svg>\n");
    }

    private static void svgStart(final StringBuilder page)
    {
        page.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
            .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\">\n")
            .append(line(MARGIN, HEIGHT - MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN, "axis"))
            .append(line(MARGIN, MARGIN / 2.0, MARGIN, HEIGHT - MARGIN, "axis"));
    }

    private static double logY(final double value, final double top)
    {
        return HEIGHT - MARGIN - (HEIGHT - 1.5 * MARGIN) * Math.log10(value) / Math.log10(top);
    }

    private static String line(final double x1, final double y1, final double x2, final double y2, final String cssClass)
    {
        return String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n",
            cssClass, x1, y1, x2, y2);
    }

    private static String text(final double x, final double y, final String text, final String anchor)
    {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor, escape(text));
    }

    private static void row(final StringBuilder page, final String name, final String value)
    {
        page.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
    }

    private static String format(final double value)
    {
        return value >= 100 || value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value) :
            String.format(Locale.ROOT, "%.1f", value);
    }

    private static String trim(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : Double.toString(value);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

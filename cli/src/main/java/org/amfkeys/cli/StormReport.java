package org.amfkeys.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.amfkeys.sim.scenario.RegistrationStorm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The registration storm's report as files: every figure as JSON, and a self-contained HTML page (no
 * script, no network resource: the charts are inline SVG) that draws the latency percentile curve and
 * the registrations of every second.
 */
final class StormReport
{
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int WIDTH = 720;
    private static final int HEIGHT = 320;
    private static final int MARGIN = 56;
    /** The percentile curve's x axis: log10(1 / (1 - p)), to 99.999 %. */
    private static final double NINES = 5;

    private StormReport()
    {
    }

    /**
     * @param settings   what ran.
     * @param result     how it went.
     * @param hmacEngine the HMAC engine's name.
     * @return every figure of the run.
     */
    static ObjectNode json(final RegistrationStorm.Settings settings, final RegistrationStorm.Result result, final String hmacEngine)
    {
        final ObjectNode report = JSON.createObjectNode();
        report.put("scenario", "registration-storm");
        final ObjectNode run = report.putObject("settings");
        run.put("ues", settings.ues());
        run.put("threads", settings.threads());
        run.put("seed", settings.seed());
        run.put("aheadUsims", settings.aheadUsims());
        run.put("aes", settings.aes());
        run.put("hmacEngine", hmacEngine);
        run.put("offeredRate", settings.rate());
        run.put("durationSeconds", settings.seconds());
        run.put("warmUpPerThread", settings.warmUp());
        run.put("processors", Runtime.getRuntime().availableProcessors());

        final ObjectNode outcomes = report.putObject("outcomes");
        outcomes.put("registered", result.registered() + result.resynchronised());
        outcomes.put("resynchronisedFirst", result.resynchronised());
        outcomes.put("authenticationFailed", result.authenticationFailed());
        outcomes.put("refused", result.refused());
        outcomes.put("outOfSync", result.outOfSync());
        outcomes.put("notReached", settings.ues() - result.ues());

        final ObjectNode rates = report.putObject("throughput");
        rates.put("seconds", result.stormNanos() / 1e9);
        rates.put("registrationsPerSecond", result.ues() / (result.stormNanos() / 1e9));
        final ArrayNode perSecond = rates.putArray("perSecond");
        for (final long count : result.perSecond())
        {
            perSecond.add(count);
        }

        final Histogram latency = result.latency();
        final ObjectNode latencies = report.putObject("latencyMicroseconds");
        latencies.put("measuredFrom", settings.rate() == 0 ? "start" : "due time (coordinated omission corrected)");
        latencies.put("count", latency.getTotalCount());
        for (final double percentile : new double[] {50, 90, 99, 99.9, 99.99})
        {
            latencies.put("p" + trim(percentile), latency.getValueAtPercentile(percentile) / 1e3);
        }
        latencies.put("max", latency.getMaxValue() / 1e3);
        final ArrayNode distribution = latencies.putArray("distribution");
        for (final HistogramIterationValue value : latency.percentiles(5))
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

        final ObjectNode memory = report.putObject("memory");
        memory.put("bytesPerUe", result.bytesPerUe(settings.ues()));
        memory.put("subscriberRecordBytes", result.subscriberBytes());
        memory.put("contextTableBytes", result.tableBytes());
        memory.put("contextTablePrefaulted", result.tablePrefaulted());
        return report;
    }

    /**
     * @param file   where to write.
     * @param report the figures, from {@link #json}.
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
     * @param report the figures, from {@link #json}.
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
     * @param report the figures, from {@link #json}.
     * @return the page.
     */
    static String html(final ObjectNode report)
    {
        final StringBuilder page = new StringBuilder(16_384);
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .append("<title>amfkeys loadtest: registration storm</title>\n<style>")
            .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
            .append("td,th{padding:2px 12px;text-align:right;border-bottom:1px solid #ddd}th{text-align:left}")
            .append("svg{background:#fafafa;border:1px solid #ccc;margin:1em 0}.axis{stroke:#888}")
            .append(".grid{stroke:#e4e4e4}.curve{fill:none;stroke:#1565c0;stroke-width:2}text{font-size:11px;fill:#444}")
            .append("</style></head><body>\n<h1>Registration storm</h1>\n");
        final ObjectNode settings = (ObjectNode)report.get("settings");
        final ObjectNode outcomes = (ObjectNode)report.get("outcomes");
        final ObjectNode throughput = (ObjectNode)report.get("throughput");
        final ObjectNode latency = (ObjectNode)report.get("latencyMicroseconds");
        page.append("<p>").append(settings.get("ues").asLong()).append(" simulated UEs, ")
            .append(settings.get("threads").asInt()).append(" threads, AES-128 ").append(escape(settings.get("aes").asText()))
            .append(", HMAC engine ").append(escape(settings.get("hmacEngine").asText())).append(", ")
            .append(settings.get("offeredRate").asDouble() == 0 ? "as fast as the threads could" :
                "offered " + format(settings.get("offeredRate").asDouble()) + " per second (Poisson arrivals)")
            .append(". Every UE registers by 5G AKA on both sides and a NAS SMC; its KAMF and NAS keys are ")
            .append("compared with the AMF's.</p>\n<table>\n");
        row(page, "registered", outcomes.get("registered").asLong());
        row(page, "of them after a resynchronisation", outcomes.get("resynchronisedFirst").asLong());
        row(page, "authentication failed", outcomes.get("authenticationFailed").asLong());
        row(page, "refused", outcomes.get("refused").asLong());
        row(page, "out of sync", outcomes.get("outOfSync").asLong());
        row(page, "not reached", outcomes.get("notReached").asLong());
        row(page, "seconds", format(throughput.get("seconds").asDouble()));
        row(page, "registrations per second", format(throughput.get("registrationsPerSecond").asDouble()));
        row(page, "bytes per UE, all sides", format(report.get("memory").get("bytesPerUe").asDouble()));
        for (final String percentile : new String[] {"p50", "p90", "p99", "p99.9", "p99.99", "max"})
        {
            row(page, "latency " + percentile + " (us)", format(latency.get(percentile).asDouble()));
        }
        page.append("</table>\n<h2>Latency by percentile</h2>\n<p>Each registration, every side, measured from its ")
            .append(escape(latency.get("measuredFrom").asText())).append(".</p>\n");
        percentileChart(page, (ArrayNode)latency.get("distribution"));
        page.append("<h2>Registrations per second</h2>\n");
        throughputChart(page, (ArrayNode)throughput.get("perSecond"));
        page.append("</body></html>\n");
        return page.toString();
    }

    private static void percentileChart(final StringBuilder page, final ArrayNode distribution)
    {
        double highest = 1;
        for (final var point : distribution)
        {
            highest = Math.max(highest, point.get("value").asDouble());
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
        final StringBuilder points = new StringBuilder();
        for (final var point : distribution)
        {
            final double percentile = Math.min(point.get("percentile").asDouble(), 100 - 100 / Math.pow(10, NINES));
            final double nines = Math.log10(100 / (100 - percentile));
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", MARGIN + (WIDTH - 2 * MARGIN) * nines / NINES,
                logY(Math.max(1, point.get("value").asDouble()), top)));
        }
        page.append("<polyline class=\"curve\" points=\"").append(points).append("\"/>\n")
            .append(text(WIDTH / 2.0, HEIGHT - 8, "percentile", "middle"));
        page.append("</svg>\n");
    }

    private static void throughputChart(final StringBuilder page, final ArrayNode perSecond)
    {
        long highest = 1;
        for (final var count : perSecond)
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
        for (int second = 0; second < perSecond.size(); second++)
        {
            final double x = MARGIN + (WIDTH - 2 * MARGIN) * (second + 1) / (double)seconds;
            final double y = HEIGHT - MARGIN - (HEIGHT - 1.5 * MARGIN) * perSecond.get(second).asLong() / (double)highest;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        page.append("<polyline class=\"curve\" points=\"").append(points).append("\"/>\n")
            .append(text(WIDTH / 2.0, HEIGHT - 8, "second of the storm (whole seconds only; " + perSecond.size() + ")", "middle"));
        page.append("</svg>\n");
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

    private static void row(final StringBuilder page, final String name, final Object value)
    {
        page.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(String.valueOf(value))).append("</td></tr>\n");
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

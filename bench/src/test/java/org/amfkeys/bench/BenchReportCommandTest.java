package org.amfkeys.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportCommandTest
{
    /**
     * What one run of the benchmark jar's command line printed and returned.
     */
    record Result(int exitCode, String out, String err)
    {
    }

    static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = BenchMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void badOptionsAreRefusedNamingTheOptionAndRangeBeforeAnythingRuns()
    {
        check(run("bench-report", "--forks", "0"), "forks", "1..100");
        check(run("bench-report", "--iterations", "0"), "iterations", "1..1000");
        check(run("bench-report", "--warmups", "-1"), "warmups", "0..1000");
        check(run("bench-report", "--include", "("), "include", "regex");
    }

    private static void check(final Result result, final String option, final String allowed)
    {
        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().startsWith("amfkeys bench-report: " + option + ":"), result.err());
        assertTrue(result.err().contains(allowed), result.err());
        assertEquals("", result.out(), "nothing was measured");
    }

    @Test
    void ratiosAreToSunJceInTheSameKeyMode()
    {
        final List<BenchReportCommand.Row> rows = new ArrayList<>(List.of(
            new BenchReportCommand.Row("sunjce", "new", 1, 400, 10),
            new BenchReportCommand.Row("amfkeys-native-batch/avx512", "new", 64, 50, 1),
            new BenchReportCommand.Row("sunjce", "precomputed", 1, 300, 10),
            new BenchReportCommand.Row("amfkeys-native-batch/avx512", "precomputed", 64, 25, 1),
            new BenchReportCommand.Row("bouncycastle", "precomputed", 1, 600, Double.NaN)));
        final StringWriter out = new StringWriter();
        BenchReportCommand.print(new PrintWriter(out), rows);
        final String table = out.toString();
        assertTrue(table.contains("| amfkeys-native-batch/avx512 | new | 64 | 50.0 +- 1.0 | 8.0 |"), table);
        assertTrue(table.contains("| amfkeys-native-batch/avx512 | precomputed | 64 | 25.0 +- 1.0 | 12.0 |"), table);
        assertTrue(table.contains("| bouncycastle | precomputed | 1 | 600.0 | 0.5 |"), table);
        assertTrue(table.indexOf("| sunjce | new |") < table.indexOf("| amfkeys-native-batch/avx512 | new |"), "slowest first");
    }
}

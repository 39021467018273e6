package org.amfkeys.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Output that cannot be written (a full disk, a closed standard output) fails every command with
 * status 74 and one line on standard error, instead of passing for success.
 */
class OutputFailureTest
{
    private static final String KAMF = "fe9e89b2129b66d7244a2ae944c1cab16984654b06859f1d7ccef0616ae67682";
    private static final String GOOD = "{\"derive\":\"kgnb\",\"kamf\":\"" + KAMF + "\",\"ul-count\":0,\"access\":\"3gpp\"}\n";
    private static final String SCENARIO = "{\"kamf\": \"" + KAMF + "\", \"ngksi\": 1, \"nas-enc\": 1, \"nas-int\": 2, " +
        "\"steps\": [{\"do\": \"initial-context-setup\", \"ul-count\": 1}]}";
    private static final String FAILED = ": cannot write the output: standard output is closed or full\n";

    /**
     * A disk that is full from the start.
     */
    private static final class FullDisk extends Writer
    {
        @Override
        public void write(final char[] text, final int from, final int length) throws IOException
        {
            throw new IOException("No space left on device");
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }

    private static InputStream input(final String text)
    {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandFailsWhenItsOutputCannotBeWritten()
    {
        final List<Object[]> runs = List.of(
            new Object[] {"", new String[] {"derive", "kgnb", "--kamf", KAMF, "--ul-count", "0", "--access", "3gpp"}},
            new Object[] {GOOD, new String[] {"derive", "--batch"}},
            new Object[] {GOOD + "{}\n", new String[] {"derive", "--batch"}},
            new Object[] {"", new String[] {"derive", "--table"}},
            new Object[] {SCENARIO, new String[] {"trace"}},
            new Object[] {"", new String[] {"table", "--ues", "100", "--threads", "1"}},
            new Object[] {"", new String[] {"loadtest", "--ues", "10", "--procedures", "100", "--threads", "1"}},
            new Object[] {"", new String[] {"selftest"}},
            new Object[] {"", new String[] {"--help"}},
            new Object[] {"", new String[] {"--version"}},
            new Object[] {"", new String[] {"derive", "kgnb", "--help"}},
            new Object[] {"", new String[] {"bench", "--help"}});
        for (final Object[] run : runs)
        {
            final String[] args = (String[])run[1];
            final Cli.Result result = Cli.runWith(input((String)run[0]), new FullDisk(), args);
            final String command = args[0].startsWith("-") ? "amfkeys:" : "amfkeys " + args[0];
            assertEquals(74, result.exitCode(), String.join(" ", args) + ": " + result.err());
            assertTrue(result.err().startsWith(command) && result.err().endsWith(FAILED), result.err());
            assertEquals(1, result.err().split("\n").length, result.err());
        }
    }

    @Test
    void aBatchStopsReadingOnceItsOutputFails()
    {
        final long lines = 100_000;
        final GeneratedInput requests = new GeneratedInput().then(GOOD, lines);
        final Cli.Result result = Cli.runWith(requests, new FullDisk(), "derive", "--batch");
        assertEquals(new Cli.Result(74, "", "amfkeys derive" + FAILED), result);
        assertTrue(requests.consumed() < GOOD.length() * lines / 20, "read " + requests.consumed() + " octets");
    }

    @Test
    void writingToDevFullFailsTheCommand() throws IOException, InterruptedException
    {
        final File full = new File("/dev/full");
        assumeTrue(full.exists(), "no /dev/full");
        assertDevFullFails(GOOD, "amfkeys derive kgnb", "derive", "kgnb", "--kamf", KAMF, "--ul-count", "0", "--access", "3gpp");
        assertDevFullFails(GOOD.repeat(3), "amfkeys derive", "derive", "--batch");
        assertDevFullFails(SCENARIO, "amfkeys trace", "trace");
    }

    private static void assertDevFullFails(final String stdin, final String command, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            Main.class.getName()));
        line.addAll(List.of(args));
        final Path in = Files.createTempFile("amfkeys-stdin", ".txt");
        try
        {
            Files.writeString(in, stdin);
            final Process process = new ProcessBuilder(line).redirectInput(in.toFile()).redirectOutput(new File("/dev/full")).start();
            final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", args) + " did not finish");
            assertEquals(74, process.exitValue(), String.join(" ", args) + ": " + err);
            assertTrue(err.endsWith(command + FAILED), err);
            assertFalse(err.contains("\tat "), err);
        }
        finally
        {
            Files.deleteIfExists(in);
        }
    }
}

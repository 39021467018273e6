package org.amfkeys.bench;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The benchmark jar keeps the tool's promise: output that cannot be written fails the command with
 * status 74 and one line on standard error.
 */
class BenchOutputFailureTest
{
    private static final String FAILED = ": cannot write the output: standard output is closed or full\n";

    @Test
    void helpThatCannotBeWrittenFailsTheCommand()
    {
        for (final String command : List.of("bench", "bench-report"))
        {
            final StringWriter err = new StringWriter();
            final var commandLine = BenchMain.commandLine();
            commandLine.setOut(new PrintWriter(new Writer()
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
            }, true));
            commandLine.setErr(new PrintWriter(err, true));
            assertEquals(74, commandLine.execute(command, "--help"), command);
            assertEquals("amfkeys " + command + FAILED, err.toString());
        }
    }

    @Test
    void jmhOutputToDevFullFailsTheCommand() throws IOException, InterruptedException
    {
        final File full = new File("/dev/full");
        assumeTrue(full.exists(), "no /dev/full");
        // JMH prints to System.out itself, so this runs in a JVM of its own with /dev/full as its output.
        final List<String> line = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            BenchMain.class.getName(), "bench", "-l");
        final Process process = new ProcessBuilder(line).redirectOutput(full).start();
        final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "bench -l did not finish");
        assertEquals(74, process.exitValue(), err);
        assertTrue(err.endsWith("amfkeys bench" + FAILED), err);
        assertFalse(err.contains("\tat "), err);
    }
}

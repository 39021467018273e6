package org.amfkeys.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Runs the command line in-process, as {@code ./amfkeys} would, capturing its output.
 */
final class Cli
{
    /**
     * What one run printed and returned.
     *
     * @param exitCode the exit status.
     * @param out      standard output.
     * @param err      standard error.
     */
    record Result(int exitCode, String out, String err)
    {
    }

    private Cli()
    {
    }

    static Result run(final String... args)
    {
        return runWithInput("", args);
    }

    static Result runWithInput(final String stdin, final String... args)
    {
        final StringWriter out = new StringWriter();
        final Result result = runWith(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out, args);
        return new Result(result.exitCode(), out.toString(), result.err());
    }

    /**
     * Runs with the given standard input and output; the result's {@code out} is empty.
     */
    static synchronized Result runWith(final InputStream stdin, final Writer out, final String... args)
    {
        final StringWriter err = new StringWriter();
        final InputStream previous = System.in;
        System.setIn(stdin);
        try
        {
            final var commandLine = Main.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            final int exitCode = commandLine.execute(args);
            return new Result(exitCode, "", err.toString());
        }
        finally
        {
            System.setIn(previous);
        }
    }
}

package org.amfkeys.cli;

import org.amfkeys.InvalidParameterException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;

/**
 * The {@code amfkeys} command-line tool.
 */
@Command(
    name = "amfkeys",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Key-derivation engine for 5G and EPS core networks.",
    subcommands = {
        LoadTestCommand.class, SelfTestCommand.class, DeriveCommand.class, TableCommand.class, TraceCommand.class,
        StatCommand.class,
        BenchJar.BenchCommand.class, BenchJar.BenchReportCommand.class})
public final class Main implements Runnable
{
    /** Exit status of a command that was given an invalid value or was refused. */
    public static final int FAILED = 1;

    /** Exit status of a command that failed on a bug of amfkeys (sysexits.h EX_SOFTWARE). */
    public static final int INTERNAL_ERROR = 70;

    /** Exit status of a command whose input or output failed (sysexits.h EX_IOERR). */
    public static final int IO_ERROR = 74;

    private static final int USAGE_WIDTH = 110;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(commandLine(), args));
    }

    /**
     * Runs a command line of this tool's kind on the process's standard output.
     *
     * @param commandLine a command line made by {@link #configure}.
     * @param args        the arguments.
     * @return the exit status.
     */
    public static int execute(final CommandLine commandLine, final String[] args)
    {
        commandLine.setOut(standardOutput());
        return commandLine.execute(args);
    }

    /**
     * Standard output as picocli would open it, but straight on the file descriptor: System.out is a
     * PrintStream, which keeps its write errors to itself, so a writer on it never sees a full disk.
     */
    private static PrintWriter standardOutput()
    {
        final String encoding = System.getProperty("sun.stdout.encoding");
        final Charset charset = encoding == null ? Charset.defaultCharset() : Charset.forName(encoding);
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), charset)), true);
    }

    /**
     * @return the configured command line, also used by tests.
     */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new Main());
        DeriveCommand.addDerivations(commandLine.getSubcommands().get("derive"));
        // The benchmark jar's options (JMH's -f, -prof, ...) are not ours: hand them over untouched.
        commandLine.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
        commandLine.getSubcommands().get("bench-report").setUnmatchedOptionsArePositionalParams(true);
        return configure(commandLine);
    }

    /**
     * Gives a command line this tool's conventions: one-line errors that never echo input, the exit
     * statuses of {@link #FAILED}, {@link #INTERNAL_ERROR} and {@link #IO_ERROR}, and a failed command when
     * its output could not be written. The benchmark jar's command line has them too.
     *
     * @param commandLine a command line of picocli commands.
     * @return {@code commandLine}.
     */
    public static CommandLine configure(final CommandLine commandLine)
    {
        commandLine.setUsageHelpWidth(USAGE_WIDTH);
        commandLine.setParameterExceptionHandler(Main::usageError);
        commandLine.setExecutionStrategy(Main::execute);
        commandLine.setExecutionExceptionHandler(Main::commandFailed);
        return commandLine;
    }

    /**
     * Reports a command line picocli cannot parse without echoing it: a misplaced key must not reach
     * the terminal or a log.
     */
    private static int usageError(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine command = ex.getCommandLine();
        final PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + InvalidParameterException.redact(ex.getMessage()));
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Runs the command picocli parsed and fails it when its output could not be written: a PrintWriter
     * keeps write errors to itself, so a full disk or a closed standard output would pass for success.
     */
    private static int execute(final CommandLine.ParseResult parseResult)
    {
        final CommandLine command = executed(parseResult);
        final int status;
        try
        {
            status = new CommandLine.RunLast().execute(parseResult);
        }
        catch (final Error ex)
        {
            // picocli lets an Error through with its stack trace; reported as every other failure.
            throw new CommandLine.ExecutionException(command, "internal error", ex);
        }
        // JMH (the benchmark jar's bench) prints to System.out itself.
        final boolean outputFailed = command.getOut().checkError() | System.out.checkError();
        if (!outputFailed)
        {
            return status;
        }
        final PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": cannot write the output: standard output is closed or full");
        err.flush();
        return IO_ERROR;
    }

    private static CommandLine executed(final CommandLine.ParseResult parseResult)
    {
        CommandLine.ParseResult deepest = parseResult;
        while (deepest.hasSubcommand())
        {
            deepest = deepest.subcommand();
        }
        return deepest.commandSpec().commandLine();
    }

    /**
     * Reports a command that failed in one line, never with a stack trace. An invalid parameter or a
     * refused procedure says what was wrong: their messages name parameters and rules, never key
     * octets. Anything else is a bug, named by its type only, with its own exit status.
     */
    private static int commandFailed(
        final Exception ex, final CommandLine command, final CommandLine.ParseResult parseResult)
    {
        final Throwable failure = ex instanceof CommandLine.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        final String name = command.getCommandSpec().qualifiedName();
        final PrintWriter err = command.getErr();
        final int status;
        if (failure instanceof InvalidParameterException)
        {
            err.println(name + ": " + failure.getMessage());
            status = FAILED;
        }
        else if (failure instanceof IllegalStateException && failure.getMessage() != null)
        {
            // Thrown by libraries too: their messages are not ours to vouch for.
            err.println(name + ": " + InvalidParameterException.redact(failure.getMessage()));
            status = FAILED;
        }
        else if ((failure instanceof IOException || failure instanceof UncheckedIOException) && failure.getMessage() != null)
        {
            err.println(name + ": " + InvalidParameterException.redact(failure.getMessage()));
            status = IO_ERROR;
        }
        else
        {
            err.println(name + ": internal error: " + failure.getClass().getSimpleName());
            status = INTERNAL_ERROR;
        }
        err.flush();
        return status;
    }

    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Reports the version of the jar.
     */
    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"amfkeys " + (version == null ? "development build" : version)};
        }
    }
}

package org.amfkeys.cli;

import org.amfkeys.InvalidParameterException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code amfkeys} command-line tool.
 */
@Command(
    name = "amfkeys",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Key-derivation engine for 5G and EPS core networks.",
    subcommands = {
        LoadTestCommand.class, SelfTestCommand.class, DeriveCommand.class, TableCommand.class, TraceCommand.class, BenchCommand.class,
        BenchReportCommand.class})
public final class Main implements Runnable
{
    private static final int USAGE_WIDTH = 110;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the configured command line, also used by tests.
     */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new Main());
        DeriveCommand.addDerivations(commandLine.getSubcommands().get("derive"));
        // JMH's options (-f, -prof, ...) are not ours: hand them over untouched.
        commandLine.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
        commandLine.setUsageHelpWidth(USAGE_WIDTH);
        commandLine.setParameterExceptionHandler(Main::usageError);
        commandLine.setExecutionExceptionHandler(Main::invalidParameter);
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
     * Reports an invalid parameter found by a command as a usage error: its message names the parameter
     * and the allowed range, and never holds key octets.
     */
    private static int invalidParameter(
        final Exception ex, final CommandLine command, final CommandLine.ParseResult parseResult) throws Exception
    {
        if (!(ex instanceof InvalidParameterException))
        {
            throw ex;
        }
        final PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        err.flush();
        return 1; // as derive does for an invalid value
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

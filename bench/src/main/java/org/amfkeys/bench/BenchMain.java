package org.amfkeys.bench;

import org.amfkeys.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark jar's entry point: {@code bench} and {@code bench-report}, which {@code amfkeys bench}
 * and {@code amfkeys bench-report} run here, with the tool's conventions for errors and exit statuses.
 */
@Command(
    name = "amfkeys",
    mixinStandardHelpOptions = true,
    description = "The JMH benchmarks of amfkeys against the alternatives.",
    subcommands = {BenchCommand.class, BenchReportCommand.class})
public final class BenchMain implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args {@code bench} or {@code bench-report}, then its arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(Main.execute(commandLine(), args));
    }

    /**
     * @return the configured command line, also used by tests.
     */
    public static CommandLine commandLine()
    {
        final CommandLine commandLine = new CommandLine(new BenchMain());
        // JMH's options (-f, -prof, ...) are not ours: hand them over untouched.
        commandLine.getSubcommands().get("bench").setUnmatchedOptionsArePositionalParams(true);
        return Main.configure(commandLine);
    }

    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

package org.amfkeys.cli;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.DerivationCatalog;
import org.amfkeys.catalog.Parameter;
import org.amfkeys.catalog.TextArguments;
import org.amfkeys.kdf.Kdf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code amfkeys derive}: one subcommand per derivation of the catalog, and {@code --batch} for JSON lines.
 */
@Command(
    name = "derive",
    mixinStandardHelpOptions = true,
    description = {
        "Derives keys: one from options, or many from JSON lines.",
        "",
        "  amfkeys derive NAME --param value ...     prints the result as lowercase hex on one line",
        "  amfkeys derive --batch < requests.jsonl   answers one JSON request per input line",
        "",
        "A request is {\"derive\":\"NAME\", ...} with every parameter under its option name: byte strings in " +
            "hex, integers as JSON numbers, text as JSON strings; generic takes \"params\": [\"hex\", ...]. " +
            "Each answer is {\"out\":\"<hex>\"} or {\"error\":\"<message>\"}, in order; the exit status " +
            "is 1 if any line failed, 74 if the answers could not be written.",
        "",
        "A line ends with LF (CRLF is taken too; a CR elsewhere is part of the line) and holds at most " +
            BatchDeriver.MAX_LINE_OCTETS + " octets of UTF-8; a longer line is skipped and answered with an error.",
        "",
        "Derivations (amfkeys derive NAME --help for the parameters):"},
    footer = {
        "",
        "TS 33.401 A.9 (NAS-token, FC 0x17), A.10 (0x18) and A.12 (0x1A) are not named derivations: " +
            "their spec text could not be confirmed. The generic derivation computes them from their parameters."})
public final class DeriveCommand implements Callable<Integer>
{
    @Option(names = "--batch", description = "Answer JSON requests from standard input, one per line.")
    private boolean batch;

    @Option(names = "--table", description = "Print the derivations as a Markdown table (as in the README).")
    private boolean table;

    @Spec
    private CommandSpec spec;

    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (table)
        {
            out.print(markdownTable());
            out.flush();
            return 0;
        }
        if (!batch)
        {
            spec.commandLine().getErr().println("amfkeys derive: name a derivation or give --batch");
            spec.commandLine().usage(spec.commandLine().getErr());
            return CommandLine.ExitCode.USAGE;
        }
        try (Kdf kdf = new Kdf())
        {
            return new BatchDeriver(kdf).run(System.in, out) ? 0 : 1;
        }
    }

    /**
     * Adds one subcommand per derivation of the catalog, and those of {@link AkaDerivations}.
     *
     * @param derive the {@code derive} command line.
     */
    static void addDerivations(final CommandLine derive)
    {
        for (final Derivation derivation : DerivationCatalog.all())
        {
            addSubcommand(derive, derivation.name(), derivation.parameters(), new String[] {
                derivation.summary() + " (" + derivation.clause() + ", FC " + derivation.fc() + ")",
                "Prints the " + derivation.outputLength() + "-octet result as lowercase hex."},
                arguments -> hexOf(derivation, arguments));
        }
        for (final AkaDerivations.AkaDerivation derivation : AkaDerivations.all())
        {
            addSubcommand(derive, derivation.name(), derivation.parameters(), new String[] {
                derivation.summary(),
                "Prints one line per output, 'name: <lowercase hex>'."},
                arguments -> outputLines(derivation.derive(arguments)));
        }
    }

    private static String hexOf(final Derivation derivation, final TextArguments arguments)
    {
        try (Kdf kdf = new Kdf())
        {
            return HexFormat.of().formatHex(derivation.derive(kdf, arguments));
        }
    }

    private static void addSubcommand(
        final CommandLine derive, final String name, final List<Parameter> parameters, final String[] description,
        final Function<TextArguments, String> computation)
    {
        final Runner runner = new Runner(name, computation);
        final CommandSpec spec = CommandSpec.wrapWithoutInspection(runner);
        spec.name(name);
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().description(description);
        for (final Parameter parameter : parameters)
        {
            final boolean list = parameter.kind() == Parameter.Kind.OCTETS_LIST;
            spec.addOption(OptionSpec.builder("--" + parameter.name())
                .paramLabel(label(parameter))
                .description(parameter.help())
                .required(parameter.required())
                .type(list ? List.class : String.class)
                .auxiliaryTypes(String.class)
                .build());
        }
        final CommandLine sub = new CommandLine(spec);
        runner.spec = spec;
        derive.addSubcommand(name, sub);
    }

    /**
     * @param outputs named outputs, in order.
     * @return one line {@code name: <hex>} per output, without the last line's end.
     */
    static String outputLines(final Map<String, byte[]> outputs)
    {
        final StringBuilder lines = new StringBuilder();
        for (final Map.Entry<String, byte[]> output : outputs.entrySet())
        {
            if (lines.length() > 0)
            {
                lines.append(System.lineSeparator());
            }
            lines.append(output.getKey()).append(": ").append(HexFormat.of().formatHex(output.getValue()));
        }
        return lines.toString();
    }

    /**
     * @return every derivation as a Markdown table: name, clause, FC, inputs, output size.
     */
    static String markdownTable()
    {
        final StringBuilder table = new StringBuilder("| derive | spec clause | FC | inputs | output |\n|---|---|---|---|---|\n");
        for (final Derivation derivation : DerivationCatalog.all())
        {
            table.append("| ").append(derivation.name())
                .append(" | ").append(derivation.clause())
                .append(" | ").append(derivation.fc())
                .append(" | ").append(inputs(derivation))
                .append(" | ").append(derivation.outputLength()).append(" octets |\n");
        }
        return table.toString();
    }

    private static String inputs(final Derivation derivation)
    {
        final StringBuilder inputs = new StringBuilder();
        for (final Parameter parameter : derivation.parameters())
        {
            if (inputs.length() > 0)
            {
                inputs.append(", ");
            }
            inputs.append(parameter.name());
            if (!parameter.choices().isEmpty())
            {
                inputs.append(" (").append(String.join(", ", parameter.choices())).append(")");
            }
            if (parameter.when() != null)
            {
                inputs.append(" (with ").append(parameter.when()).append(")");
            }
            else if (parameter.kind() == Parameter.Kind.OCTETS_LIST)
            {
                inputs.append(" (repeated)");
            }
            else if (!parameter.required())
            {
                inputs.append(" (optional)");
            }
        }
        return inputs.toString();
    }

    private static String label(final Parameter parameter)
    {
        return switch (parameter.kind())
        {
            case OCTETS, OCTETS_LIST -> "<hex>";
            case INTEGER -> "<" + parameter.min() + ".." + parameter.max() + ">";
            case CHOICE -> "<" + String.join("|", parameter.choices()) + ">";
            case TEXT -> "<text>";
        };
    }

    /**
     * Runs one derivation from its parsed options.
     */
    static final class Runner implements Callable<Integer>
    {
        private final String name;
        private final Function<TextArguments, String> computation;
        private CommandSpec spec;

        Runner(final String name, final Function<TextArguments, String> computation)
        {
            this.name = name;
            this.computation = computation;
        }

        public Integer call()
        {
            final TextArguments arguments = new TextArguments();
            // matchedOptions() lists a repeated option once per occurrence; its value already holds them all.
            for (final OptionSpec option : new LinkedHashSet<>(spec.commandLine().getParseResult().matchedOptions()))
            {
                final String optionName = option.longestName().substring(2);
                if (option.usageHelp() || option.versionHelp())
                {
                    continue;
                }
                final Object value = option.getValue();
                if (value instanceof List<?>)
                {
                    ((List<?>)value).forEach(item -> arguments.add(optionName, item.toString()));
                }
                else
                {
                    arguments.add(optionName, value.toString());
                }
            }
            try
            {
                spec.commandLine().getOut().println(computation.apply(arguments));
                spec.commandLine().getOut().flush();
                return 0;
            }
            catch (final InvalidParameterException ex)
            {
                spec.commandLine().getErr().println("amfkeys derive " + name + ": " + ex.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }
}

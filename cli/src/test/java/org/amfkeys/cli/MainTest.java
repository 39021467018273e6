package org.amfkeys.cli;

import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How the tool reports a command that throws: one line on standard error, never a stack trace.
 */
class MainTest
{
    private static final String KAMF = "fe9e89b2129b66d7244a2ae944c1cab16984654b06859f1d7ccef0616ae67682";

    /**
     * A command that fails as asked, standing in for a bug or a refusal in any real command.
     */
    @Command(name = "fail")
    static final class Fail implements Callable<Integer>
    {
        @Parameters
        private String kind;

        public Integer call() throws Exception
        {
            return switch (kind)
            {
                case "state" -> throw new IllegalStateException("the table is full at 16777215 UEs");
                case "refused" -> throw new ProcedureNotAllowedException("xn-handover", "the UE is idle");
                case "io" -> throw new IOException("Input/output error");
                case "bug" -> throw new NullPointerException("kamf " + KAMF);
                case "error" -> throw new OutOfMemoryError("Java heap space");
                case "keyed-state" -> throw new IllegalStateException("engine failed on " + KAMF);
                default -> 0;
            };
        }
    }

    private static Cli.Result fail(final String kind)
    {
        final CommandLine commandLine = Main.commandLine();
        commandLine.addSubcommand(new Fail());
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Cli.Result(commandLine.execute("fail", kind), out.toString(), err.toString());
    }

    @Test
    void aRefusalOrAnIllegalStateIsOneLineWithItsMessage()
    {
        assertEquals(new Cli.Result(1, "", "amfkeys fail: the table is full at 16777215 UEs\n"), fail("state"));
        assertEquals(new Cli.Result(1, "", "amfkeys fail: xn-handover: the UE is idle\n"), fail("refused"));
        assertEquals(new Cli.Result(1, "", "amfkeys fail: engine failed on <redacted>\n"), fail("keyed-state"));
        assertEquals(new Cli.Result(74, "", "amfkeys fail: Input/output error\n"), fail("io"));
    }

    @Test
    void anythingElseIsAnInternalErrorNamedByItsTypeWithStatus70()
    {
        assertEquals(new Cli.Result(70, "", "amfkeys fail: internal error: NullPointerException\n"), fail("bug"));
        assertEquals(new Cli.Result(70, "", "amfkeys fail: internal error: OutOfMemoryError\n"), fail("error"));
        assertEquals(new Cli.Result(0, "", ""), fail("none"));
    }
}

package org.amfkeys.cli;

import org.amfkeys.context.ContextTable;
import org.amfkeys.engine.Completion;
import org.amfkeys.engine.EngineOperation;
import org.amfkeys.engine.EngineProducer;
import org.amfkeys.engine.KeyEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatCommandTest
{
    @Test
    void printsTheCountersOfAnEngineFromItsFile(@TempDir final Path dir)
    {
        final File file = dir.resolve("engine.counters").toFile();
        try (ContextTable table = new ContextTable(1024);
            KeyEngine engine = new KeyEngine(table, new KeyEngine.Options().invoked(true).countersFile(file)))
        {
            final EngineProducer producer = engine.newProducer();
            for (int i = 0; i < 5; i++)
            {
                assertEquals(EngineProducer.SUBMITTED, producer.submit(EngineOperation.PATH_SWITCH, i, 100 + i));
            }
            engine.invoker(0).invoke();
            final int[] unknown = {0};
            producer.poll((Completion completion) -> unknown[0]++, 10);
            assertEquals(5, unknown[0]);

            final Cli.Result result = Cli.run("stat", "--counters-file", file.getPath(), "--count", "1", "--errors");
            assertEquals(0, result.exitCode(), result.err());
            assertCounter(result.out(), "worker 0: requests", 5);
            assertCounter(result.out(), "worker 0: completions unknown_ue", 5);
            assertCounter(result.out(), "worker 0: batches of 4-7", 1);
            assertTrue(result.out().contains("0 distinct error(s)"), result.out());
        }
    }

    @Test
    void aFileThatIsNoCountersFileIsNamed(@TempDir final Path dir) throws Exception
    {
        final Path other = Files.writeString(dir.resolve("other"), "not counters".repeat(10));
        final Cli.Result result = Cli.run("stat", "--counters-file", other.toString(), "--count", "1");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("counters-file"), result.err());
        final Cli.Result missing = Cli.run("stat", "--counters-file", dir.resolve("none").toString(), "--count", "1");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("counters-file: no such file"), missing.err());
    }

    private static void assertCounter(final String out, final String label, final long value)
    {
        final Matcher matcher = Pattern.compile("(?m)^\\s*\\d+:\\s+([0-9,]+) - " + Pattern.quote(label) + "$").matcher(out);
        assertTrue(matcher.find(), label + " in\n" + out);
        assertEquals(value, Long.parseLong(matcher.group(1).replace(",", "")), label);
    }
}

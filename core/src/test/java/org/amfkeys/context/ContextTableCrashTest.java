package org.amfkeys.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uses of a closed or unreachable table that once crashed the JVM with SIGSEGV, each in a JVM of its
 * own ({@link HostileTableUse}), judged by that JVM's exit status: 0 when every use was refused with
 * {@link IllegalStateException} or survived, never the crash status.
 */
class ContextTableCrashTest
{
    private static final long TIMEOUT_SECONDS = 120;

    @ParameterizedTest
    @ValueSource(strings = {"batch-after-close", "close-while-in-use", "context-kept-after-close", "schedule-kept-after-unmap"})
    void noUseOfAClosedTableCrashesTheJvm(final String hostileUse) throws Exception
    {
        final Forked forked = fork(hostileUse);
        assertEquals(0, forked.status, hostileUse + " ended with status " + forked.status + ": " + forked.output);
        assertTrue(forked.output.contains("ok"), forked.output);
    }

    @Test
    void aTableNeverClosedIsUnmappedByItsCleanerAndLoggedOnce() throws Exception
    {
        final Forked forked = fork("unclosed-tables");
        assertEquals(0, forked.status, forked.output);
        final int logged = forked.output.split("was not closed", -1).length - 1;
        assertEquals(1, logged, "one log line for three tables never closed: " + forked.output);
    }

    private static Forked fork(final String hostileUse) throws IOException, InterruptedException
    {
        final Path output = Files.createTempFile("hostile-table-use", ".txt");
        try
        {
            final Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + output + ".hs_err",
                "-cp", System.getProperty("java.class.path"),
                HostileTableUse.class.getName(), hostileUse))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
                return new Forked(-1, "timed out after " + TIMEOUT_SECONDS + " s: " + Files.readString(output));
            }
            return new Forked(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(output);
            Files.deleteIfExists(Path.of(output + ".hs_err"));
        }
    }

    private record Forked(int status, String output)
    {
    }
}

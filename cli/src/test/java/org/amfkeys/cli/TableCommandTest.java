package org.amfkeys.cli;

import com.sun.management.OperatingSystemMXBean;
import org.amfkeys.context.ContextTable;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TableCommandTest
{
    @Test
    void buildsReadsBackAndReportsOnLinesOfTheirOwn()
    {
        final Cli.Result result = Cli.run("table", "--ues", "30000", "--threads", "2");
        assertEquals(0, result.exitCode(), result.err());
        final Matcher bytes = Pattern.compile("(?m)^bytes-per-ue: ([0-9.]+)$").matcher(result.out());
        assertTrue(bytes.find(), result.out());
        final double bytesPerUe = Double.parseDouble(bytes.group(1));
        assertTrue(bytesPerUe > 192 && bytesPerUe <= 320, "bytes per UE " + bytesPerUe);
        final Matcher inserts = Pattern.compile("(?m)^inserts-per-second: ([0-9]+)$").matcher(result.out());
        assertTrue(inserts.find(), result.out());
        assertTrue(Long.parseLong(inserts.group(1)) > 0);
        assertTrue(result.out().contains("read back: 30000 of 30000 UEs equal"), result.out());
    }

    @Test
    void badSizesNameTheParameter()
    {
        final Cli.Result zero = Cli.run("table", "--ues", "0");
        assertEquals(1, zero.exitCode());
        assertTrue(zero.err().contains("ues: 0 is out of range; allowed: 1..200000000"), zero.err());
        final Cli.Result loadFactor = Cli.run("table", "--ues", "10", "--load-factor", "0.95");
        assertEquals(1, loadFactor.exitCode());
        assertTrue(loadFactor.err().contains("load-factor: 0.95 is out of range; allowed: 0.25..0.9"), loadFactor.err());
    }

    /**
     * 200 million UEs need about 55 GB; on a machine that cannot back them the command ends at once with
     * the capacity that fits, instead of growing until the kernel kills it.
     */
    @Test
    void aTableTheMachineCannotHoldIsRefusedAtOnce()
    {
        final OperatingSystemMXBean machine = (OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean();
        final long needed = ContextTable.memoryFor(200_000_000, ContextTable.DEFAULT_LOAD_FACTOR);
        assumeTrue(needed > machine.getTotalMemorySize() + machine.getTotalSwapSpaceSize(), "a machine that holds 55 GB");

        final Cli.Result result = Cli.run("table", "--ues", "200000000");
        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().startsWith("amfkeys table: capacity: 200000000 UEs need 5"), result.err());
        assertTrue(result.err().matches("(?s).*GiB of memory.*allowed: 1\\.\\.[0-9]+ on this machine\\s*"), result.err());
        assertTrue(result.out().isEmpty(), result.out());
    }
}

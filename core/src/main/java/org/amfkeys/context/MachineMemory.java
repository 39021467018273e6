package org.amfkeys.context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How much memory the kernel will back for this process: what a {@link ContextTable} may map at most.
 * <p>
 * A table's mapping is only backed as it fills, so the kernel accepts a mapping far larger than the
 * machine; the process then grows until the kernel kills it. The table instead compares its mapping
 * with what the kernel's own commit rule allows one allocation (Linux's {@code vm.overcommit_memory}):
 * under strict accounting (2) the commit limit not yet committed; otherwise physical memory plus swap,
 * which is what the default heuristic (0) checks a single allocation against, and all the machine can
 * hold even when overcommit is unlimited (1). A control group's memory limit, when lower, wins.
 */
final class MachineMemory
{
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path OVERCOMMIT = Path.of("/proc/sys/vm/overcommit_memory");
    private static final Path CGROUP = Path.of("/proc/self/cgroup");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final int STRICT_OVERCOMMIT = 2;

    private final long bytes;
    private final String basis;

    private MachineMemory(final long bytes, final String basis)
    {
        this.bytes = bytes;
        this.basis = basis;
    }

    /**
     * Reads the limit now; memory use changes, so it is read at each table's creation.
     *
     * @return the limit, or {@link Long#MAX_VALUE} with the reason when this is not Linux or it cannot be read.
     */
    static MachineMemory read()
    {
        try
        {
            final List<String> meminfo = Files.readAllLines(MEMINFO, StandardCharsets.US_ASCII);
            final int overcommit = Integer.parseInt(Files.readString(OVERCOMMIT, StandardCharsets.US_ASCII).trim());
            long limit;
            String basis;
            if (overcommit == STRICT_OVERCOMMIT)
            {
                final long commitLimit = kilobytes(meminfo, "CommitLimit:");
                final long committed = kilobytes(meminfo, "Committed_AS:");
                limit = Math.max(0, commitLimit - committed);
                basis = "the commit limit not yet committed (vm.overcommit_memory 2)";
            }
            else
            {
                limit = kilobytes(meminfo, "MemTotal:") + kilobytes(meminfo, "SwapTotal:");
                basis = "physical memory plus swap";
            }
            final long cgroupLimit = controlGroupLimit();
            if (cgroupLimit < limit)
            {
                limit = cgroupLimit;
                basis = "the control group's memory limit";
            }
            return new MachineMemory(limit, basis);
        }
        catch (final IOException | RuntimeException ex)
        {
            return new MachineMemory(Long.MAX_VALUE, "unknown (" + ex.getClass().getSimpleName() + ")");
        }
    }

    /**
     * @return the most octets one table may map.
     */
    long bytes()
    {
        return bytes;
    }

    /**
     * @return where {@link #bytes()} comes from, for a message.
     */
    String basis()
    {
        return basis;
    }

    private static long kilobytes(final List<String> meminfo, final String field)
    {
        for (final String line : meminfo)
        {
            if (line.startsWith(field))
            {
                final String value = line.substring(field.length()).trim();
                final int space = value.indexOf(' ');
                return Long.parseLong(space < 0 ? value : value.substring(0, space)) * 1024;
            }
        }
        throw new IllegalStateException(field + " not in " + MEMINFO);
    }

    /**
     * The memory limit of this process's control group: cgroup v2's {@code memory.max} or v1's
     * {@code memory.limit_in_bytes}, where the group's folder is visible; otherwise no limit.
     */
    private static long controlGroupLimit() throws IOException
    {
        if (!Files.isReadable(CGROUP))
        {
            return Long.MAX_VALUE;
        }
        long limit = Long.MAX_VALUE;
        for (final String line : Files.readAllLines(CGROUP, StandardCharsets.US_ASCII))
        {
            // hierarchy-id:controllers:path; v2 has id 0 and no controllers.
            final String[] fields = line.split(":", 3);
            if (fields.length != 3)
            {
                continue;
            }
            final String group = fields[2].startsWith("/") ? fields[2].substring(1) : fields[2];
            if (fields[0].equals("0") && fields[1].isEmpty())
            {
                limit = Math.min(limit, limitIn(CGROUP_ROOT.resolve(group).resolve("memory.max")));
            }
            else if (List.of(fields[1].split(",")).contains("memory"))
            {
                limit = Math.min(limit, limitIn(CGROUP_ROOT.resolve("memory").resolve(group).resolve("memory.limit_in_bytes")));
            }
        }
        return limit;
    }

    private static long limitIn(final Path file) throws IOException
    {
        if (!Files.isReadable(file))
        {
            return Long.MAX_VALUE;
        }
        final String value = Files.readString(file, StandardCharsets.US_ASCII).trim();
        return value.equals("max") ? Long.MAX_VALUE : Long.parseLong(value);
    }
}

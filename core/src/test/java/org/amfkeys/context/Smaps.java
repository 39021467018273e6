package org.amfkeys.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the kernel's view of the mapping that holds a table, from {@code /proc/self/smaps}.
 */
final class Smaps
{
    private Smaps()
    {
    }

    /**
     * @param table a table.
     * @param field a field of the mapping's entry, such as {@code Rss:} or {@code VmFlags:}.
     * @return that field's line.
     * @throws IOException when smaps cannot be read.
     */
    static String line(final ContextTable table, final String field) throws IOException
    {
        final long address = table.slots().indexAddress();
        boolean inside = false;
        for (final String line : Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+"))
            {
                final long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= start && address < end;
            }
            else if (inside && line.startsWith(field))
            {
                return line;
            }
        }
        throw new AssertionError("no mapping holds the table");
    }
}

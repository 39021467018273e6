package org.amfkeys.context;

import org.amfkeys.InvalidParameterException;

/**
 * What a {@link ContextTable} of a given capacity needs, checked before anything is mapped: the
 * capacity and load factor in range, and memory the kernel will back (physical memory plus swap,
 * the commit limit under strict overcommit, the control group's limit; {@link MachineMemory}).
 */
final class ContextTableSizing
{
    /** Below this, reading /proc costs more than mapping the table; any machine that runs a JVM holds it. */
    private static final long MACHINE_CHECK_THRESHOLD = 256L << 20;
    private static final int SLOT_LENGTH = SecurityContextDescriptor.LENGTH;
    private static final int ENTRY_LENGTH = ContextIndexDescriptor.LENGTH;

    private ContextTableSizing()
    {
    }

    static void checkSize(final long capacity, final double loadFactor)
    {
        if (capacity < 1 || capacity > ContextTable.MAX_CAPACITY)
        {
            throw InvalidParameterException.outOfRange("capacity", capacity, 1, ContextTable.MAX_CAPACITY);
        }
        if (!(loadFactor >= ContextTable.MIN_LOAD_FACTOR && loadFactor <= ContextTable.MAX_LOAD_FACTOR))
        {
            throw new InvalidParameterException(
                "load-factor", loadFactor + " is out of range", ContextTable.MIN_LOAD_FACTOR + ".." + ContextTable.MAX_LOAD_FACTOR);
        }
        // Entries are numbered by int, in whole lines; past that the table would wrap round on itself.
        final long mostEntries = Integer.MAX_VALUE - SlotMap.ENTRIES_PER_LINE;
        if (Math.ceil(capacity / loadFactor) >= mostEntries)
        {
            throw InvalidParameterException.outOfRange("capacity", capacity, 1, (long)Math.floor((mostEntries - 1) * loadFactor));
        }
    }

    /**
     * The kernel maps far more than the machine holds and the process then grows until it is killed;
     * refuse such a table up front instead, with the capacity that would fit.
     */
    static void refuseMoreThanTheMachineHolds(final long capacity, final double loadFactor, final long length)
    {
        if (length < MACHINE_CHECK_THRESHOLD)
        {
            // Reading /proc costs more than mapping a small table; any machine that runs a JVM holds it.
            return;
        }
        final MachineMemory machine = MachineMemory.read();
        if (length <= machine.bytes())
        {
            return;
        }
        long fits = (long)(machine.bytes() / ((ENTRY_LENGTH + SLOT_LENGTH) / loadFactor));
        while (fits > 0 && ContextTable.memoryFor(fits, loadFactor) > machine.bytes())
        {
            fits -= 1 + fits / 1024;
        }
        throw new InvalidParameterException("capacity", capacity + " UEs need " + SlotMap.gibibytes(length) +
            " of memory at load factor " + loadFactor + ", more than this machine can back (" +
            SlotMap.gibibytes(machine.bytes()) + ", " + machine.basis() + ")",
            fits < 1 ? "none: not even one UE fits" : "1.." + fits + " on this machine");
    }
}

package org.amfkeys.context;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.hmac.NativePrefetch;

/**
 * The first steps of a batch's probes, run by the native library so that each slot's miss starts the
 * moment its index line is in: every UE's home index line is asked for, then, line by line as they
 * arrive, the slot lines of the entry holding the UE's identifier, or the next index line and, from it,
 * the slot lines. Java has no prefetch instruction, and a load in its place holds the processor until its
 * line comes, so from Java the slots could only be asked for after the whole batch's index lines, the
 * slowest of them included. Only hints: nothing in the table is written or decided here, and the probes
 * that follow ({@link SlotMap#find}) give the answers. The native code reads the index, so this class is
 * given only the addresses of a live map, never a caller's.
 */
final class ProbePrefetch
{
    /** Octets of one probe in the buffer: the home entry, then the UE identifier. */
    static final int PROBE_LENGTH = 2 * Long.BYTES;

    private static final boolean AVAILABLE = checkAvailable();

    private ProbePrefetch()
    {
    }

    /**
     * @return whether {@link #prefetch} asks the memory for anything here.
     */
    static boolean available()
    {
        return AVAILABLE;
    }

    /**
     * Asks for the lines of {@code count} probes written to {@code probes} ({@link #PROBE_LENGTH} each, the
     * home entry first), and overwrites each probe's home entry with the entry found holding the UE in its
     * home line or the next, or -1: a hint, read without the entry's sequence lock.
     *
     * @param probes    the probes, in native memory.
     * @param count     how many, 0..capacity / {@link #PROBE_LENGTH}.
     * @param map       where the index and the slots are.
     * @param slotLines the slot lines to ask for, as a mask.
     */
    static void prefetch(final UnsafeBuffer probes, final int count, final SlotMap map, final int slotLines)
    {
        if (probes.byteArray() != null || count < 0 || count > probes.capacity() / PROBE_LENGTH)
        {
            throw new IllegalArgumentException("probes: " + count + " probes in a buffer of " + probes.capacity() +
                " octets" + (probes.byteArray() != null ? " over a Java array" : ""));
        }
        prefetchProbes(probes.addressOffset(), count, map.indexAddress(), map.entries(), ContextIndexDescriptor.LENGTH,
            ContextIndexDescriptor.CONTROL_OFFSET, ContextIndexDescriptor.STATE_MASK, ContextIndexDescriptor.STATE_LIVE,
            ContextIndexDescriptor.UE_ID_OFFSET, SlotMap.ENTRIES_PER_LINE, map.slotsAddress(),
            SecurityContextDescriptor.LENGTH, slotLines);
    }

    private static native void prefetchProbes(
        long probes, int count, long index, int entries, int entryLength, int controlOffset, long stateMask,
        long liveState, int keyOffset, int entriesPerLine, long slots, int slotLength, int slotLines);

    private static boolean checkAvailable()
    {
        if (!NativePrefetch.available())
        {
            return false;
        }
        try
        {
            prefetchProbes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            return true;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return false;
        }
    }
}

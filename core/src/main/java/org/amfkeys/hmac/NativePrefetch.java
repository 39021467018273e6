package org.amfkeys.hmac;

import org.agrona.DirectBuffer;
import org.amfkeys.InvalidParameterException;

/**
 * The processor's prefetch instruction, from the native library: asks the memory for cache lines and
 * returns at once, so that their misses overlap with work that follows instead of stalling it. Java has
 * no such instruction (a load waits for its line). Without the native library nothing is asked for.
 */
public final class NativePrefetch
{
    /**
     * Or'ed into an address given to {@link #prefetch}: the line is asked for with intent to write
     * (PREFETCHW; a CPU without it gets a plain prefetch), for a lock word the caller will
     * compare-and-swap, possibly last written by another core. Lines are at least 2-octet aligned, so
     * the bit is never part of one.
     */
    public static final long FOR_WRITE = 1L;

    private static final boolean AVAILABLE = checkAvailable();

    private NativePrefetch()
    {
    }

    /**
     * @return whether {@link #prefetch} asks the memory for anything here.
     */
    public static boolean available()
    {
        return AVAILABLE;
    }

    /**
     * Asks for the cache line at each of the first {@code count} addresses in {@code addresses}, for
     * writing where the address carries {@link #FOR_WRITE}. A
     * prefetch never faults, whatever address it is given; the addresses themselves are read from the
     * buffer, which must hold them.
     *
     * @param addresses a buffer in native memory holding the addresses, 8 octets each in native order.
     * @param count     how many, 0..capacity / 8.
     * @throws org.amfkeys.InvalidParameterException naming {@code addresses} when missing or not in
     *                                               native memory, or {@code count} when out of range.
     */
    public static void prefetch(final DirectBuffer addresses, final int count)
    {
        if (addresses == null || addresses.byteArray() != null)
        {
            throw new InvalidParameterException("addresses", addresses == null ? "missing" : "a buffer over a Java array",
                "a buffer in native memory");
        }
        InvalidParameterException.requireInRange("count", count, 0, addresses.capacity() / Long.BYTES);
        if (AVAILABLE && count > 0)
        {
            NativeLibrary.prefetch(addresses.addressOffset(), count);
        }
    }

    private static boolean checkAvailable()
    {
        if (!NativeLibrary.status().loaded())
        {
            return false;
        }
        try
        {
            NativeLibrary.prefetch(0, 0);
            return true;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return false;
        }
    }
}

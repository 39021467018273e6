package org.amfkeys.hmac;

/**
 * The processor's prefetch instruction, from the native library: asks the memory for cache lines and
 * returns at once, so that their misses overlap with work that follows instead of stalling it. Java has
 * no such instruction (a load waits for its line). Without the native library nothing is asked for.
 */
public final class NativePrefetch
{
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
     * Asks for the cache line of each address; never faults, whatever the addresses.
     *
     * @param addresses where {@code count} addresses are (native memory, 8 octets each, native order).
     * @param count     how many, 0 or more.
     */
    public static void prefetch(final long addresses, final int count)
    {
        if (AVAILABLE && count > 0)
        {
            NativeLibrary.prefetch(addresses, count);
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

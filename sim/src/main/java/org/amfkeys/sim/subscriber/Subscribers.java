package org.amfkeys.sim.subscriber;

import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.hmac.NativePrefetch;

/**
 * Every simulated subscriber's record ({@link SubscriberDescriptor}) in one off-heap region, so that
 * ten million fit beside the core's context table without the heap noticing. Records are reached
 * through a {@link Subscriber} flyweight; each is written by one thread at a time (the load tester
 * gives every thread its own subscribers). {@link #close} zeroes the region, K and OPc included,
 * before it is freed.
 */
public final class Subscribers implements AutoCloseable
{
    /** Most subscribers one region holds. */
    public static final int MAX_COUNT = 100_000_000;

    private static final int CACHE_LINE = 64;

    private final int count;
    private final long address;
    private final long length;
    private boolean closed;

    /**
     * @param count how many subscribers, 1..{@value #MAX_COUNT}; every record starts zeroed.
     */
    public Subscribers(final int count)
    {
        InvalidParameterException.requireInRange("count", count, 1, MAX_COUNT);
        this.count = count;
        this.length = (long)count * SubscriberDescriptor.LENGTH;
        this.address = UnsafeApi.allocateMemory(length);
        UnsafeApi.setMemory(address, length, (byte)0);
    }

    /**
     * @return how many subscribers.
     */
    public int count()
    {
        return count;
    }

    /**
     * @return octets of the region.
     */
    public long bytes()
    {
        return length;
    }

    /**
     * @param index a subscriber, 0..count-1.
     * @return the address of its record.
     */
    long address(final int index)
    {
        if (closed)
        {
            throw new IllegalStateException("the subscribers are closed");
        }
        if (index < 0 || index >= count)
        {
            throw InvalidParameterException.outOfRange("index", index, 0, count - 1);
        }
        return address + (long)index * SubscriberDescriptor.LENGTH;
    }

    /**
     * @param count subscribers in a row.
     * @return the most cache lines their records span: octets of native scratch for {@link #prefetch}
     *         are eight times that.
     */
    public static int linesFor(final int count)
    {
        return (int)(((long)count * SubscriberDescriptor.LENGTH + CACHE_LINE - 1) / CACHE_LINE) + 1;
    }

    /**
     * Asks the memory for the records of subscribers {@code first .. first + count - 1} and returns
     * without waiting ({@link NativePrefetch}; without the native library, nothing): a batch that reaches
     * them one after another next finds them arriving together.
     *
     * @param first     the first subscriber.
     * @param count     how many, at least 1, all of them subscribers here.
     * @param addresses native scratch for the lines' addresses, {@code 8 * linesFor(count)} octets or more.
     */
    public void prefetch(final int first, final int count, final MutableDirectBuffer addresses)
    {
        InvalidParameterException.requireInRange("first", first, 0, this.count - 1);
        InvalidParameterException.requireInRange("count", count, 1, this.count - first);
        if (!NativePrefetch.available())
        {
            return;
        }
        final long start = address(first) & -CACHE_LINE;
        final long end = address(first + count - 1) + SubscriberDescriptor.LENGTH;
        int lines = 0;
        for (long line = start; line < end; line += CACHE_LINE)
        {
            addresses.putLong(lines++ * Long.BYTES, line);
        }
        NativePrefetch.prefetch(addresses, lines);
    }

    /**
     * Zeroes and frees the region; records cannot be reached afterwards.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            UnsafeApi.setMemory(address, length, (byte)0);
            UnsafeApi.freeMemory(address);
        }
    }

    @Override
    public String toString()
    {
        return "Subscribers(" + count + ", " + SubscriberDescriptor.LENGTH + " octets each)";
    }
}

package org.amfkeys.sim.subscriber;

import org.agrona.UnsafeApi;
import org.amfkeys.InvalidParameterException;

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

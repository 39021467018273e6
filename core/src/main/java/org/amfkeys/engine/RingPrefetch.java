package org.amfkeys.engine;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.amfkeys.hmac.NativePrefetch;

/**
 * Asks for the cache lines of the rings a worker's batch is about to touch, all at once, while it runs
 * the batch: the requests of the next batch, and the room its completions will take.
 * <p>
 * The other core last wrote those lines (the producer its requests; the producer again, zeroing what
 * it polled, the room for completions). Read one after another, as a ring is read (each record's
 * length says where the next one starts), every line is a miss to the other core in turn, for every
 * record of every batch; asked for together and ahead, the misses overlap each other and the batch's
 * work. The room for completions is asked for with intent to write. Asking for a line never changes
 * it, so a wrong guess costs a line's move and nothing else. Without the native library nothing is
 * asked for. Not thread-safe: one per worker.
 */
final class RingPrefetch
{
    private static final int LINE = BitUtil.CACHE_LINE_LENGTH;

    private final UnsafeBuffer addresses;
    private final int capacity;
    private int count;

    /**
     * @param lines the most cache lines asked for at once.
     */
    RingPrefetch(final int lines)
    {
        this.capacity = lines;
        this.addresses = new UnsafeBuffer(BufferUtil.allocateDirectAligned(lines * Long.BYTES, LINE));
    }

    /**
     * @param recordLength a record's length, as claimed from the ring.
     * @return octets the record takes in the ring, its header and alignment included.
     */
    static int footprint(final int recordLength)
    {
        return BitUtil.align(RecordDescriptor.HEADER_LENGTH + recordLength, RecordDescriptor.ALIGNMENT);
    }

    /**
     * Adds the lines of the records waiting in a ring, from its consumer's position, up to
     * {@code maxOctets}: what its consumer reads next.
     */
    void waitingRecords(final RingBuffer ring, final int maxOctets)
    {
        final long head = ring.consumerPosition();
        final long waiting = ring.producerPosition() - head;
        add(ring, head, (int)Math.min(Math.max(waiting, 0), maxOctets), 0);
    }

    /**
     * Adds, for writing, the lines of the room after a ring's producer position, up to
     * {@code octets}: where its producer (the calling worker) writes next. Room only: never a line of
     * a record the consumer has yet to read.
     */
    void room(final RingBuffer ring, final int octets)
    {
        final long tail = ring.producerPosition();
        final long free = ring.capacity() - (tail - ring.consumerPosition());
        add(ring, tail, (int)Math.min(Math.max(free, 0), octets), NativePrefetch.FOR_WRITE);
    }

    /**
     * Asks for every line added since the last call.
     */
    void issue()
    {
        if (count > 0)
        {
            NativePrefetch.prefetch(addresses, count);
            count = 0;
        }
    }

    /** @return lines added since the last {@link #issue()}: for tests. */
    int added()
    {
        return count;
    }

    /** @return the address of line {@code i} added since the last {@link #issue()}, with its intent bit: for tests. */
    long addedLine(final int i)
    {
        return addresses.getLong(i * Long.BYTES);
    }

    private void add(final RingBuffer ring, final long position, final int octets, final long intent)
    {
        final long base = ring.buffer().addressOffset();
        final int mask = ring.capacity() - 1;
        final long end = position + octets;
        for (long line = position & -LINE; line < end && count < capacity; line += LINE)
        {
            addresses.putLong(count++ * Long.BYTES, (base + (line & mask)) | intent);
        }
    }
}

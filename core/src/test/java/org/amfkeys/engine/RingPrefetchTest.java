package org.amfkeys.engine;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.amfkeys.hmac.NativePrefetch;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lines a worker asks for: exactly those of the records waiting to be read, and of the room after
 * the producer's position, never a line of a record the consumer has yet to read; wrapping at the
 * ring's end. Over random sequences of writes and reads on a small ring.
 */
class RingPrefetchTest
{
    private static final int CAPACITY = 1024;
    private static final int LINE = BitUtil.CACHE_LINE_LENGTH;
    private static final MessageHandler IGNORE = (msgTypeId, buffer, index, length) ->
    {
    };

    @Test
    void asksForTheLinesOfWaitingRecordsAndOfRoomOnlyWrappingAtTheEnd()
    {
        final RingBuffer ring = new OneToOneRingBuffer(new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, LINE)));
        final long base = ring.buffer().addressOffset();
        final RingPrefetch prefetch = new RingPrefetch(4 * CAPACITY / LINE);
        final SplittableRandom random = new SplittableRandom(7);
        for (int step = 0; step < 20_000; step++)
        {
            if (random.nextBoolean())
            {
                final int length = 1 + random.nextInt(120);
                final int at = ring.tryClaim(1, length);
                if (at > 0)
                {
                    ring.commit(at);
                }
            }
            else
            {
                ring.read(IGNORE, 1 + random.nextInt(4));
            }
            final long head = ring.consumerPosition();
            final long tail = ring.producerPosition();
            final int limit = random.nextInt(2 * CAPACITY);

            prefetch.waitingRecords(ring, limit);
            final long waitingEnd = head + Math.min(tail - head, limit);
            assertLines(prefetch, base, head, waitingEnd, 0);
            prefetch.issue();
            assertEquals(0, prefetch.added(), "issue starts a new set");

            prefetch.room(ring, limit);
            final long roomEnd = tail + Math.min(CAPACITY - (tail - head), limit);
            assertLines(prefetch, base, tail, roomEnd, NativePrefetch.FOR_WRITE);
            for (int i = 0; i < prefetch.added(); i++)
            {
                final long index = (prefetch.addedLine(i) & ~NativePrefetch.FOR_WRITE) - base;
                // A line of room may share the line of the last waiting record's end, never its start.
                final long position = positionOf(index, tail);
                assertTrue(position + LINE > tail && position < head + CAPACITY,
                    "line at " + index + " is room: tail " + tail + ", head " + head);
            }
            prefetch.issue();
        }
    }

    /** The position, at or after {@code tail}'s line, that ring index {@code index} stands for. */
    private static long positionOf(final long index, final long tail)
    {
        final long tailLine = tail & -LINE;
        return tailLine + ((index - (tailLine & (CAPACITY - 1)) + CAPACITY) & (CAPACITY - 1));
    }

    private static void assertLines(
        final RingPrefetch prefetch, final long base, final long from, final long to, final long intent)
    {
        int expected = 0;
        for (long line = from & -LINE; line < to; line += LINE)
        {
            assertEquals(base + (line & (CAPACITY - 1)) | intent, prefetch.addedLine(expected), "line " + expected);
            expected++;
        }
        assertEquals(expected, prefetch.added(), "lines from " + from + " to " + to);
    }
}

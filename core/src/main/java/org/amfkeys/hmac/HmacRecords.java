package org.amfkeys.hmac;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;

import java.util.Arrays;

import static org.amfkeys.hmac.HmacRecordDescriptor.ALIGNMENT;
import static org.amfkeys.hmac.HmacRecordDescriptor.FLAGS_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.FLAG_SCHEDULE;
import static org.amfkeys.hmac.HmacRecordDescriptor.KEY_LENGTH_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.KEY_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.LENGTH;
import static org.amfkeys.hmac.HmacRecordDescriptor.MAC_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.MAX_KEY_LENGTH;
import static org.amfkeys.hmac.HmacRecordDescriptor.MAX_MESSAGE_LENGTH;
import static org.amfkeys.hmac.HmacRecordDescriptor.MESSAGE_LENGTH_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.MESSAGE_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.STATUS_OFFSET;

/**
 * A batch of derivations for {@link NativeBatchHmac}: fixed-size records ({@link HmacRecordDescriptor})
 * in one aligned direct buffer that callers fill in place, so that one JNI call computes them all
 * with nothing pinned or copied. The buffer holds keys: {@link #close()} zeroes and frees it, after
 * which every method but {@link #close()} (which may be called again) and {@link #toString()} throws
 * an {@link IllegalStateException} rather than touch freed memory. Not thread-safe.
 */
public final class HmacRecords implements AutoCloseable, MacBatch
{
    /** Most records one batch may hold. */
    public static final int MAX_CAPACITY = 1 << 16;

    private final AlignedMemory memory;
    private final UnsafeBuffer buffer;
    private final int capacity;
    private final KeySchedule recordSchedule = new KeySchedule();
    private final KeySchedule keySchedule = new KeySchedule();
    private final byte[] scratchKey = new byte[MAX_KEY_LENGTH];
    private final byte[] scratchMessage = new byte[MAX_MESSAGE_LENGTH];
    private final byte[] scratchMac = new byte[HmacSha256Engine.MAC_LENGTH];
    private boolean closed;

    /**
     * @param capacity records, 1..{@value #MAX_CAPACITY}.
     */
    public HmacRecords(final int capacity)
    {
        InvalidParameterException.requireInRange("capacity", capacity, 1, MAX_CAPACITY);
        this.capacity = capacity;
        memory = new AlignedMemory(capacity * LENGTH, ALIGNMENT);
        buffer = memory.buffer();
    }

    /**
     * @return records this batch holds.
     */
    public int capacity()
    {
        ensureOpen();
        return capacity;
    }

    /**
     * @return the buffer, for callers that fill records in place at {@link #offset(int)}.
     */
    public UnsafeBuffer buffer()
    {
        ensureOpen();
        return buffer;
    }

    /**
     * @param record index.
     * @return the record's offset in {@link #buffer()}.
     */
    public static int offset(final int record)
    {
        return record * LENGTH;
    }

    /**
     * Sets a raw key.
     *
     * @param record index.
     * @param key    array holding the key.
     * @param offset of the key.
     * @param length 0..64 octets.
     * @return this.
     */
    public HmacRecords key(final int record, final byte[] key, final int offset, final int length)
    {
        final int at = checkedOffset(record);
        InvalidParameterException.requireInRange("key-length", length, 0, MAX_KEY_LENGTH);
        requireSlice("key", key, offset, length);
        buffer.putInt(at + FLAGS_OFFSET, 0);
        buffer.putInt(at + KEY_LENGTH_OFFSET, length);
        buffer.putBytes(at + KEY_OFFSET, key, offset, length);
        Octets.zero(buffer, at + KEY_OFFSET + length, MAX_KEY_LENGTH - length);
        return this;
    }

    /**
     * Sets a key by its computed schedule: the record then takes two compressions, not four.
     *
     * @param record   index.
     * @param schedule the key's schedule.
     * @return this.
     */
    public HmacRecords schedule(final int record, final KeySchedule schedule)
    {
        final int at = checkedOffset(record);
        if (schedule == null || !schedule.isComputed())
        {
            throw new InvalidParameterException(
                "schedule", schedule == null ? "missing" : "not computed", "a schedule filled by Kdf.computeSchedule");
        }
        buffer.putInt(at + FLAGS_OFFSET, FLAG_SCHEDULE);
        buffer.putInt(at + KEY_LENGTH_OFFSET, 0);
        Octets.copy(schedule.buffer(), schedule.offset(), buffer, at + KEY_OFFSET, KeyScheduleDescriptor.LENGTH);
        return this;
    }

    /**
     * Sets the message (the KDF input string S).
     *
     * @param record  index.
     * @param message array holding S.
     * @param offset  of S.
     * @param length  0..{@value HmacRecordDescriptor#MAX_MESSAGE_LENGTH} octets.
     * @return this.
     */
    public HmacRecords message(final int record, final byte[] message, final int offset, final int length)
    {
        final int at = checkedOffset(record);
        InvalidParameterException.requireInRange("message-length", length, 0, MAX_MESSAGE_LENGTH);
        requireSlice("message", message, offset, length);
        buffer.putInt(at + MESSAGE_LENGTH_OFFSET, length);
        Octets.copy(message, offset, buffer, at + MESSAGE_OFFSET, length);
        return this;
    }

    /**
     * Sets the message from a buffer.
     *
     * @param record  index.
     * @param message buffer holding S.
     * @param offset  of S.
     * @param length  0..{@value HmacRecordDescriptor#MAX_MESSAGE_LENGTH} octets.
     * @return this.
     */
    public HmacRecords message(final int record, final DirectBuffer message, final int offset, final int length)
    {
        final int at = checkedOffset(record);
        InvalidParameterException.requireInRange("message-length", length, 0, MAX_MESSAGE_LENGTH);
        if (message == null)
        {
            throw InvalidParameterException.missing("message", "a buffer holding the message");
        }
        requireSlice("message", message.capacity(), offset, length);
        buffer.putInt(at + MESSAGE_LENGTH_OFFSET, length);
        Octets.copy(message, offset, buffer, at + MESSAGE_OFFSET, length);
        return this;
    }

    /**
     * Copies a computed MAC out.
     *
     * @param record index.
     * @param out    receives 32 octets.
     * @param offset where they start.
     */
    public void mac(final int record, final byte[] out, final int offset)
    {
        final int at = checkedOffset(record);
        requireSlice("out", out, offset, HmacSha256Engine.MAC_LENGTH);
        Octets.copy(buffer, at + MAC_OFFSET, out, offset, HmacSha256Engine.MAC_LENGTH);
    }

    /**
     * Copies a computed MAC out.
     *
     * @param record index.
     * @param out    receives 32 octets.
     * @param offset where they start.
     */
    public void mac(final int record, final MutableDirectBuffer out, final int offset)
    {
        final int at = checkedOffset(record);
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "a buffer with room for 32 octets");
        }
        if (!out.isExpandable())
        {
            requireSlice("out", out.capacity(), offset, HmacSha256Engine.MAC_LENGTH);
        }
        else if (offset < 0)
        {
            throw InvalidParameterException.outOfRange("out-offset", offset, 0, Integer.MAX_VALUE);
        }
        Octets.copy(buffer, at + MAC_OFFSET, out, offset, HmacSha256Engine.MAC_LENGTH);
    }

    /**
     * @param record index.
     * @return the status the kernel wrote: {@link HmacRecordDescriptor#STATUS_OK} or a negative code.
     */
    public int status(final int record)
    {
        return buffer.getInt(checkedOffset(record) + STATUS_OFFSET);
    }

    /**
     * Rejects records a kernel would refuse, before any native call.
     *
     * @param count records from the first to check.
     */
    void check(final int count)
    {
        requireCount(count);
        for (int record = 0; record < count; record++)
        {
            final int at = offset(record);
            final int flags = buffer.getInt(at + FLAGS_OFFSET);
            if ((flags & ~FLAG_SCHEDULE) != 0)
            {
                throw new InvalidParameterException("record[" + record + "].flags", flags + " has unknown bits", "0 or " + FLAG_SCHEDULE);
            }
            // A schedule filled in place is checked as KeySchedule.isComputed does: an all-zero chaining
            // value is one never computed, cleared or half-written, which a kernel would use silently.
            if (flags == FLAG_SCHEDULE && (isZero(at + KEY_OFFSET + KeyScheduleDescriptor.INNER_STATE_OFFSET) ||
                isZero(at + KEY_OFFSET + KeyScheduleDescriptor.OUTER_STATE_OFFSET)))
            {
                throw new InvalidParameterException(
                    "record[" + record + "].schedule", "not computed", "a schedule filled by Kdf.computeSchedule");
            }
            // Names are built only for an error: checking a valid batch allocates nothing.
            final int keyLength = buffer.getInt(at + KEY_LENGTH_OFFSET);
            if (flags == 0 && (keyLength < 0 || keyLength > MAX_KEY_LENGTH))
            {
                throw InvalidParameterException.outOfRange("record[" + record + "].key-length", keyLength, 0, MAX_KEY_LENGTH);
            }
            final int messageLength = buffer.getInt(at + MESSAGE_LENGTH_OFFSET);
            if (messageLength < 0 || messageLength > MAX_MESSAGE_LENGTH)
            {
                throw InvalidParameterException.outOfRange(
                    "record[" + record + "].message-length", messageLength, 0, MAX_MESSAGE_LENGTH);
            }
        }
    }

    /**
     * @param count records from the first that a call will use: 0..capacity, on an open batch.
     */
    void requireCount(final int count)
    {
        ensureOpen();
        InvalidParameterException.requireInRange("count", count, 0, capacity);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("HmacRecords is closed");
        }
    }

    private static void requireSlice(final String parameter, final byte[] array, final int offset, final int length)
    {
        if (array == null)
        {
            throw InvalidParameterException.missing(parameter, "an array of at least " + length + " octets");
        }
        requireSlice(parameter, array.length, offset, length);
    }

    /**
     * Rejects a slice that does not fit: a short array by its length (never a negative range of
     * offsets), else the offset by the range that fits.
     */
    private static void requireSlice(final String parameter, final int capacity, final int offset, final int length)
    {
        if (capacity < length)
        {
            throw InvalidParameterException.badLength(parameter, capacity, "at least " + length + " octets");
        }
        if (offset < 0 || offset > capacity - length)
        {
            throw InvalidParameterException.outOfRange(parameter + "-offset", offset, 0, capacity - length);
        }
    }

    private boolean isZero(final int at)
    {
        return (buffer.getLong(at) | buffer.getLong(at + 8) | buffer.getLong(at + 16) | buffer.getLong(at + 24)) == 0;
    }

    long address()
    {
        ensureOpen();
        return buffer.addressOffset();
    }

    /**
     * Computes the first {@code count} records one by one on {@code engine}, with the same checks and
     * results as {@link NativeBatchHmac#process}: for a batch too small for a multi-buffer kernel, and
     * to compute again, whole, a batch whose kernel failed.
     *
     * @param engine computes each MAC.
     * @param count  records to compute, 0..capacity.
     * @throws InvalidParameterException naming the record and field when one is invalid.
     */
    public void computeOn(final HmacSha256Engine engine, final int count)
    {
        if (engine == null)
        {
            throw InvalidParameterException.missing("engine", "an HmacSha256Engine");
        }
        check(count);
        try
        {
            for (int record = 0; record < count; record++)
            {
                final int at = offset(record);
                final KeySchedule schedule;
                if (buffer.getInt(at + FLAGS_OFFSET) == FLAG_SCHEDULE)
                {
                    schedule = recordSchedule.wrap(buffer, at + KEY_OFFSET);
                }
                else
                {
                    final int keyLength = buffer.getInt(at + KEY_LENGTH_OFFSET);
                    buffer.getBytes(at + KEY_OFFSET, scratchKey, 0, keyLength);
                    engine.computeSchedule(scratchKey, 0, keyLength, keySchedule);
                    schedule = keySchedule;
                }
                final int messageLength = buffer.getInt(at + MESSAGE_LENGTH_OFFSET);
                buffer.getBytes(at + MESSAGE_OFFSET, scratchMessage, 0, messageLength);
                engine.mac(schedule, scratchMessage, 0, messageLength, scratchMac, 0);
                buffer.putBytes(at + MAC_OFFSET, scratchMac, 0, scratchMac.length);
                buffer.putInt(at + STATUS_OFFSET, HmacRecordDescriptor.STATUS_OK);
            }
        }
        finally
        {
            keySchedule.clear();
            Arrays.fill(scratchKey, (byte)0);
            Arrays.fill(scratchMessage, (byte)0);
            Arrays.fill(scratchMac, (byte)0);
        }
    }

    /**
     * Zeroes the first {@code count} records: of each, what a record can hold, which is its header,
     * key, message as long as its length says and MAC. The octets between the message and the MAC are
     * never written, so a record is wiped in about a third of its length.
     *
     * @param count records to zero.
     */
    public void clear(final int count)
    {
        ensureOpen();
        InvalidParameterException.requireInRange("count", count, 0, capacity);
        for (int record = 0; record < count; record++)
        {
            final int at = offset(record);
            final int messageLength = buffer.getInt(at + MESSAGE_LENGTH_OFFSET);
            // A length written in place that is out of range says nothing of what was written: all of it goes.
            final int used = messageLength >= 0 && messageLength <= MAX_MESSAGE_LENGTH ?
                MESSAGE_OFFSET + align(messageLength, Long.BYTES) : MAC_OFFSET;
            Octets.zero(buffer, at, used);
            Octets.zero(buffer, at + MAC_OFFSET, LENGTH - MAC_OFFSET);
        }
    }

    private static int align(final int value, final int alignment)
    {
        return (value + alignment - 1) & -alignment;
    }

    /**
     * Zeroes every record and frees the memory; the batch is unusable afterwards. Closing again does
     * nothing (freeing twice would corrupt the native heap).
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        memory.close();
    }

    /**
     * @return a description without content.
     */
    public String toString()
    {
        return "HmacRecords[capacity=" + capacity + "]";
    }

    private int checkedOffset(final int record)
    {
        ensureOpen();
        return offset(InvalidParameterException.requireInRange("record", record, 0, capacity - 1));
    }
}

package org.amfkeys.hmac;

import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;

import static org.amfkeys.hmac.KeyScheduleDescriptor.INNER_STATE_OFFSET;
import static org.amfkeys.hmac.KeyScheduleDescriptor.LENGTH;
import static org.amfkeys.hmac.KeyScheduleDescriptor.OUTER_STATE_OFFSET;

/**
 * A key's HMAC-SHA-256 schedule: its inner and outer pad blocks already compressed, so that every
 * derivation keyed by it costs two SHA-256 compressions (message block, outer block) instead of four.
 * The many derivations keyed by one KAMF (NAS keys, KgNB, the NH chain) are the reason it exists.
 * <p>
 * A flyweight over {@link KeyScheduleDescriptor#LENGTH} octets, either its own or wrapped in a
 * caller's buffer (such as a slot of the context table). A schedule is key material: {@link #clear()}
 * zeroes it, and {@link #toString()} never shows it. Not thread-safe.
 * <p>
 * A schedule knows whether it holds a computed key: {@link #isComputed()}. The 64 octets are the two
 * chaining values and nothing else, and the context table embeds the same layout in every slot, so
 * there is no room for a marker octet; the outer chaining value is the marker instead. An engine
 * zeroes it before it starts ({@link #begin()}), writes the inner value, and writes the outer value
 * last, so a schedule never computed, cleared, or left half-written by a computation that failed part
 * way has an all-zero outer value. An all-zero chaining value is exact as a test: a real SHA-256 state
 * after one compression is all zero with probability 2^-256.
 */
public final class KeySchedule
{
    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * A schedule with its own zeroed storage.
     */
    public KeySchedule()
    {
        this(new UnsafeBuffer(new byte[LENGTH]), 0);
    }

    /**
     * A schedule over {@code buffer} at {@code offset}.
     *
     * @param buffer holding at least {@link KeyScheduleDescriptor#LENGTH} octets from {@code offset}.
     * @param offset of the schedule in the buffer.
     */
    public KeySchedule(final MutableDirectBuffer buffer, final int offset)
    {
        wrap(buffer, offset);
    }

    /**
     * Points this flyweight at another schedule's storage.
     *
     * @param buffer holding at least {@link KeyScheduleDescriptor#LENGTH} octets from {@code offset}.
     * @param offset of the schedule in the buffer.
     * @return this.
     */
    public KeySchedule wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (buffer == null)
        {
            throw InvalidParameterException.missing("buffer", "a buffer of at least " + LENGTH + " octets");
        }
        if (buffer.capacity() < LENGTH)
        {
            throw InvalidParameterException.badLength("buffer", buffer.capacity(), "at least " + LENGTH + " octets");
        }
        if (offset < 0 || offset > buffer.capacity() - LENGTH)
        {
            throw InvalidParameterException.outOfRange("offset", offset, 0, buffer.capacity() - LENGTH);
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * @return the buffer holding the schedule.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the offset of the schedule in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * Word {@code index} (0 for H0) of the inner chaining value.
     *
     * @param index 0..7.
     * @return the word.
     */
    public int innerWord(final int index)
    {
        return buffer.getInt(offset + INNER_STATE_OFFSET + (index << 2));
    }

    /**
     * Word {@code index} (0 for H0) of the outer chaining value.
     *
     * @param index 0..7.
     * @return the word.
     */
    public int outerWord(final int index)
    {
        return buffer.getInt(offset + OUTER_STATE_OFFSET + (index << 2));
    }

    void innerWord(final int index, final int value)
    {
        buffer.putInt(offset + INNER_STATE_OFFSET + (index << 2), value);
    }

    void outerWord(final int index, final int value)
    {
        buffer.putInt(offset + OUTER_STATE_OFFSET + (index << 2), value);
    }

    /**
     * Whether this holds a computed schedule: neither chaining value is all zero. Eight loads and
     * compares; no allocation.
     *
     * @return true when computed; false when never computed, cleared, or half-written.
     */
    public boolean isComputed()
    {
        // One bounds check for the 64 octets rather than one per word: staging every NH of a batch asks this.
        buffer.boundsCheck(offset, LENGTH);
        final Object base = buffer.byteArray();
        final long address = buffer.addressOffset() + offset;
        return !isZero(base, address + OUTER_STATE_OFFSET) && !isZero(base, address + INNER_STATE_OFFSET);
    }

    /** @return what an engine throws when given a schedule that {@link #isComputed()} says is not. */
    static IllegalStateException notComputed()
    {
        return new IllegalStateException("key schedule not computed (never computed, cleared or half-written): compute it before use");
    }

    /**
     * Marks the schedule as not computed before an engine writes it: the outer chaining value, written
     * last, is zeroed first, so a computation that stops part way leaves no schedule that looks valid.
     */
    void begin()
    {
        Octets.zero(buffer, offset + OUTER_STATE_OFFSET, KeyScheduleDescriptor.STATE_LENGTH);
    }

    private static boolean isZero(final Object base, final long address)
    {
        return (UnsafeApi.getLong(base, address) | UnsafeApi.getLong(base, address + 8) |
            UnsafeApi.getLong(base, address + 16) | UnsafeApi.getLong(base, address + 24)) == 0;
    }

    /**
     * Zeroes the schedule.
     */
    public void clear()
    {
        Octets.zero(buffer, offset, LENGTH);
    }

    /**
     * @return a description without key material.
     */
    public String toString()
    {
        return "KeySchedule[" + (isComputed() ? "computed" : "empty") + "]";
    }
}

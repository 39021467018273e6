package org.amfkeys.sim.aka;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;

/**
 * A USIM's record of the sequence numbers it accepted, by TS 33.102 Annex C.2: SQN = SEQ || IND with a
 * 5-bit index IND, one SEQ_MS per index. An SQN is fresh when its SEQ is above the SEQ_MS of its
 * index, so vectors the home network handed out in any order to several serving networks are each
 * accepted once. (Annex C's optional limit on how far SEQ may jump, Δ, is not applied.)
 * <p>
 * A flyweight: the {@value #LENGTH} octets it reads and writes ({@value #SLOTS} SEQ_MS values of 6
 * octets, most significant first) live where {@link #wrap} points, e.g. in a simulated subscriber's
 * off-heap record; {@link #SequenceNumbers()} gives it memory of its own.
 */
public final class SequenceNumbers
{
    /** Bits of IND, the low part of SQN (TS 33.102 C.3.2's example value). */
    public static final int IND_BITS = 5;
    /** Number of IND slots, each with its SEQ_MS. */
    public static final int SLOTS = 1 << IND_BITS;
    /** Octets of one SEQ_MS: SEQ has 48 - {@value #IND_BITS} bits. */
    public static final int SEQ_LENGTH = 6;
    /** Octets of the whole record. */
    public static final int LENGTH = SLOTS * SEQ_LENGTH;
    /** Largest SQN: 48 bits. */
    public static final long MAX_SQN = (1L << 48) - 1;

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * A record of its own, as a new USIM's: every SEQ_MS 0.
     */
    public SequenceNumbers()
    {
        wrap(new UnsafeBuffer(new byte[LENGTH]), 0);
    }

    /**
     * Points this flyweight at a record.
     *
     * @param buffer holds the record.
     * @param offset where its {@value #LENGTH} octets start.
     * @return this.
     */
    public SequenceNumbers wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (offset < 0 || (long)offset + LENGTH > buffer.capacity())
        {
            throw InvalidParameterException.outOfRange("offset", offset, 0, (long)buffer.capacity() - LENGTH);
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * @param sqn an SQN, 0..2^48-1.
     * @return whether the USIM would accept it: its SEQ is above the last accepted in its IND slot.
     */
    public boolean isFresh(final long sqn)
    {
        requireSqn(sqn);
        return (sqn >>> IND_BITS) > seqMs((int)(sqn & (SLOTS - 1)));
    }

    /**
     * Records an accepted SQN: its slot's SEQ_MS becomes its SEQ.
     *
     * @param sqn an SQN that {@link #isFresh} accepted, 0..2^48-1.
     * @throws InvalidParameterException when it is not fresh (nothing changes then).
     */
    public void accept(final long sqn)
    {
        if (!isFresh(sqn))
        {
            throw new InvalidParameterException("sqn", "not fresh for its IND slot", "an SQN whose SEQ is above the slot's SEQ_MS");
        }
        final int at = offset + (int)(sqn & (SLOTS - 1)) * SEQ_LENGTH;
        final long seq = sqn >>> IND_BITS;
        for (int i = SEQ_LENGTH - 1, shift = 0; i >= 0; i--, shift += Byte.SIZE)
        {
            buffer.putByte(at + i, (byte)(seq >>> shift));
        }
    }

    /**
     * @return SQN_MS for a resynchronisation: SEQ || IND of the slot with the highest SEQ_MS (the lowest
     *         such IND), 0 when none was accepted.
     */
    public long highest()
    {
        long highest = 0;
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final long seq = seqMs(slot);
            if (seq > (highest >>> IND_BITS))
            {
                highest = (seq << IND_BITS) | slot;
            }
        }
        return highest;
    }

    /**
     * Forgets every accepted SQN, as a new USIM.
     */
    public void clear()
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
    }

    /**
     * @param octets 6 octets, most significant first.
     * @return the SQN they hold.
     */
    public static long sqnOf(final byte[] octets)
    {
        Milenage.requireLength("sqn", octets, Milenage.SQN_LENGTH);
        long sqn = 0;
        for (final byte octet : octets)
        {
            sqn = (sqn << Byte.SIZE) | (octet & 0xFF);
        }
        return sqn;
    }

    /**
     * @param sqn    an SQN, 0..2^48-1.
     * @param octets receives it, 6 octets, most significant first.
     */
    public static void writeSqn(final long sqn, final byte[] octets)
    {
        requireSqn(sqn);
        Milenage.requireLength("sqn", octets, Milenage.SQN_LENGTH);
        for (int i = Milenage.SQN_LENGTH - 1, shift = 0; i >= 0; i--, shift += Byte.SIZE)
        {
            octets[i] = (byte)(sqn >>> shift);
        }
    }

    private long seqMs(final int slot)
    {
        final int at = offset + slot * SEQ_LENGTH;
        long seq = 0;
        for (int i = 0; i < SEQ_LENGTH; i++)
        {
            seq = (seq << Byte.SIZE) | (buffer.getByte(at + i) & 0xFF);
        }
        return seq;
    }

    private static void requireSqn(final long sqn)
    {
        if (sqn < 0 || sqn > MAX_SQN)
        {
            throw InvalidParameterException.outOfRange("sqn", sqn, 0, MAX_SQN);
        }
    }

    @Override
    public String toString()
    {
        return "SequenceNumbers(" + SLOTS + " IND slots)";
    }
}

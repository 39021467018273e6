package org.amfkeys.sim.aka;

import org.amfkeys.InvalidParameterException;

import java.util.Arrays;

/**
 * A USIM's record of the sequence numbers it accepted, by TS 33.102 Annex C.2: SQN = SEQ || IND with a
 * 5-bit index IND, one SEQ_MS per index. An SQN is fresh when its SEQ is above the SEQ_MS of its
 * index, so vectors the home network handed out in any order to several serving networks are each
 * accepted once. (Annex C's optional limit on how far SEQ may jump, Δ, is not applied.)
 */
public final class SequenceNumbers
{
    /** Bits of IND, the low part of SQN (TS 33.102 C.3.2's example value). */
    public static final int IND_BITS = 5;
    /** Largest SQN: 48 bits. */
    public static final long MAX_SQN = (1L << 48) - 1;

    private static final int SLOTS = 1 << IND_BITS;

    private final long[] seqMs = new long[SLOTS];
    private long highest;

    /**
     * @param sqn an SQN, 0..2^48-1.
     * @return whether the USIM would accept it: its SEQ is above the last accepted in its IND slot.
     */
    public boolean isFresh(final long sqn)
    {
        requireSqn("sqn", sqn);
        return (sqn >>> IND_BITS) > seqMs[(int)(sqn & (SLOTS - 1))];
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
        seqMs[(int)(sqn & (SLOTS - 1))] = sqn >>> IND_BITS;
        if ((sqn >>> IND_BITS) > (highest >>> IND_BITS))
        {
            highest = sqn;
        }
    }

    /**
     * @return SQN_MS for a resynchronisation: the accepted SQN with the highest SEQ, 0 when none was.
     */
    public long highest()
    {
        return highest;
    }

    /**
     * Forgets every accepted SQN, as a new USIM.
     */
    public void clear()
    {
        Arrays.fill(seqMs, 0);
        highest = 0;
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
        requireSqn("sqn", sqn);
        Milenage.requireLength("sqn", octets, Milenage.SQN_LENGTH);
        for (int i = Milenage.SQN_LENGTH - 1, shift = 0; i >= 0; i--, shift += Byte.SIZE)
        {
            octets[i] = (byte)(sqn >>> shift);
        }
    }

    private static void requireSqn(final String name, final long sqn)
    {
        if (sqn < 0 || sqn > MAX_SQN)
        {
            throw InvalidParameterException.outOfRange(name, sqn, 0, MAX_SQN);
        }
    }

    @Override
    public String toString()
    {
        return "SequenceNumbers(highest SEQ " + (highest >>> IND_BITS) + ")";
    }
}

package org.amfkeys.context;

/**
 * Layout of one entry of a {@link ContextTable}'s index: the open-addressing array probed by UE
 * identifier. Entry {@code i} describes slot {@code i}; keeping the entries apart from the slots lets
 * a probe read four entries per cache line instead of one slot.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  control word: version (61 bits) | state (2 bits) | locked (1) |  0
 *  +---------------------------------------------------------------+
 *  |                    UE identifier (64 bits)                    |  8
 *  +---------------------------------------------------------------+
 * </pre>
 * The control word is the slot's sequence lock. Writers set {@link #LOCKED} with a compare-and-set,
 * write, then store the word with the version advanced and the lock clear; readers read the word,
 * read the slot, and retry when the word changed meanwhile. A word of zero marks an entry never used,
 * where every probe ends; a deleted entry becomes {@link #STATE_FREE} and never zero again, so the
 * probe chains running through it stay intact.
 */
public final class ContextIndexDescriptor
{
    /** Offset of the control word. */
    public static final int CONTROL_OFFSET = 0;

    /** Offset of the UE identifier, valid while the state is {@link #STATE_LIVE}. */
    public static final int UE_ID_OFFSET = CONTROL_OFFSET + Long.BYTES;

    /** Octets of one entry. */
    public static final int LENGTH = UE_ID_OFFSET + Long.BYTES;

    /** Set while a writer owns the slot. */
    public static final long LOCKED = 1L;

    /** Shift of the state field. */
    public static final int STATE_SHIFT = 1;

    /** Mask of the state field, in place. */
    public static final long STATE_MASK = 3L << STATE_SHIFT;

    /** Never used: the end of every probe chain through it. The whole control word is zero. */
    public static final long STATE_EMPTY = 0L;

    /** Holds a UE's context. */
    public static final long STATE_LIVE = 1L << STATE_SHIFT;

    /** Held a context that was deleted; free for an insert, but probes go on past it. */
    public static final long STATE_FREE = 2L << STATE_SHIFT;

    /** The version's unit: every unlock adds it, so a reader sees any write that happened meanwhile. */
    public static final long VERSION_UNIT = 1L << 3;

    private ContextIndexDescriptor()
    {
    }
}

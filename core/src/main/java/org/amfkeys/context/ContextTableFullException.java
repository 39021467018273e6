package org.amfkeys.context;

/**
 * An insert found the {@link ContextTable} at its capacity. Nothing was inserted and nothing evicted.
 */
public final class ContextTableFullException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** The capacity of the table that was full, in UEs. */
    private final long capacity;

    /**
     * @param capacity the table's capacity in UEs.
     */
    public ContextTableFullException(final long capacity)
    {
        super("context table full: all " + capacity + " UE slots are in use; nothing was inserted or evicted " +
            "(delete a UE, or create the table with a larger capacity)");
        this.capacity = capacity;
    }

    /**
     * @return the table's capacity in UEs.
     */
    public long capacity()
    {
        return capacity;
    }
}

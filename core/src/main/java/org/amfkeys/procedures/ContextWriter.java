package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.ContextUpdate;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;


/**
 * How a node's procedures change the UE contexts of its {@link ContextTable}, in one place for every
 * kind of node (AMF, MME, and the key change variants' AMF side):
 * <ul>
 *     <li>{@link #update}: a step on the UE's context under its slot's lock. When the step is refused
 *     the context is as it was, and the node's carriers being filled are zeroed, so no key stays in a
 *     message that is never sent; the node's scratch keys are zeroed either way.</li>
 *     <li>{@link #stage}, then {@link #insert} or {@link #replace}: a context built outside the table
 *     (received from another node, or a new authentication for a UE not known yet) stored as the
 *     UE's. The staging memory is zeroed once stored, and also when storing fails.</li>
 * </ul>
 * Uses the caller's {@link ContextCursor}: give each thread its own, over the same table. After
 * warm-up no call allocates.
 */
public final class ContextWriter
{
    private final ContextTable table;
    private final ContextCursor cursor;
    private final Runnable clearCarriers;
    private final Runnable wipeScratch;
    private final SecurityContext staged = new SecurityContext();
    private final ContextUpdate overwriteWithStaged = this::overwriteWithStaged;

    /**
     * @param table         the node's UE contexts.
     * @param cursor        the calling thread's cursor over them.
     * @param clearCarriers zeroes what a refused step may have half filled for the node to send.
     * @param wipeScratch   zeroes the node's scratch keys after every step.
     */
    public ContextWriter(
        final ContextTable table, final ContextCursor cursor, final Runnable clearCarriers, final Runnable wipeScratch)
    {
        this.table = present("table", table);
        this.cursor = present("cursor", cursor);
        this.clearCarriers = present("clear-carriers", clearCarriers);
        this.wipeScratch = present("wipe-scratch", wipeScratch);
    }

    private static <T> T present(final String parameter, final T value)
    {
        if (value == null)
        {
            throw InvalidParameterException.missing(parameter, "given");
        }
        return value;
    }

    /**
     * Runs {@code update} on the UE's context under its lock. If it throws, the context is restored
     * and the carriers are zeroed before the exception passes on; the scratch keys are zeroed either way.
     *
     * @param ueId   the UE identifier.
     * @param update the step.
     * @return false when the UE is unknown.
     */
    public boolean update(final long ueId, final ContextUpdate update)
    {
        try
        {
            return table.update(ueId, cursor, update);
        }
        catch (final RuntimeException ex)
        {
            clearCarriers.run();
            throw ex;
        }
        finally
        {
            wipeScratch.run();
        }
    }

    /**
     * @param contextFlags the flags the new context starts with, such as {@link SecurityContext#FLAG_EPS}.
     * @return the staging context, zeroed but for those flags, to fill.
     */
    public SecurityContext stage(final int contextFlags)
    {
        staged.clear();
        staged.contextFlags(contextFlags);
        return staged;
    }

    /**
     * Inserts the staged context for a UE the table does not hold, and zeroes the staging copy.
     *
     * @param ueId the UE identifier.
     * @return false when the UE is already in the table; its context is unchanged then.
     * @throws ContextTableFullException when the table is full.
     */
    public boolean insert(final long ueId)
    {
        try
        {
            return table.insert(ueId, staged);
        }
        finally
        {
            staged.clear();
        }
    }

    /**
     * Stores the staged context as the UE's, replacing the one the table holds, and zeroes the staging
     * copy.
     *
     * @param ueId the UE identifier.
     * @throws ContextTableFullException when the UE is new here and the table is full.
     */
    public void replace(final long ueId)
    {
        try
        {
            // In place when the UE is known, so a full table can never lose its old context; and when
            // another thread inserts the UE between the two calls, overwrite what it inserted.
            while (!table.update(ueId, cursor, overwriteWithStaged))
            {
                if (table.insert(ueId, staged))
                {
                    return;
                }
            }
        }
        finally
        {
            staged.clear();
        }
    }

    /**
     * Zeroes the staging copy, for a procedure that ends without storing it.
     */
    public void clearStaged()
    {
        staged.clear();
    }

    /**
     * @return the staging context's state, without key material.
     */
    public String toString()
    {
        return "ContextWriter[staged=" + staged + "]";
    }

    private void overwriteWithStaged(final SecurityContext context)
    {
        context.buffer().putBytes(context.offset(), staged.buffer(), staged.offset(), SecurityContextDescriptor.LENGTH);
    }
}

package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.kdf.Kdf;

/**
 * The frame every procedure step of a node runs in, in one place for every kind of node (AMF, MME,
 * and the key change variants' AMF side):
 * <ul>
 *     <li>{@link #claim}, then {@link #commit}, with {@link #end} in a {@code finally}: a step on the
 *     UE's context, claimed in the table. A step reads top to bottom (check the rules, derive, write,
 *     commit); one that throws instead (a refusal) never commits, and {@link #end} puts the context
 *     back byte for byte and zeroes the carrier being filled, so no key stays in a message that is
 *     never sent.</li>
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
    private final SecurityContext staged = new SecurityContext();

    /**
     * @param table  the node's UE contexts.
     * @param cursor the calling thread's cursor over them.
     */
    public ContextWriter(final ContextTable table, final ContextCursor cursor)
    {
        if (table == null)
        {
            throw InvalidParameterException.missing("table", "a ContextTable");
        }
        if (cursor == null)
        {
            throw InvalidParameterException.missing("cursor", "a ContextCursor");
        }
        this.table = table;
        this.cursor = cursor;
    }

    /**
     * Claims the UE's context for one step.
     *
     * @param ueId the UE identifier.
     * @return the context, locked until {@link #commit} or {@link #end}; null when the UE is unknown.
     */
    public SecurityContext claim(final long ueId)
    {
        return table.tryClaim(ueId, cursor);
    }

    /**
     * Publishes the step's change to the claimed context.
     *
     * @return true, for a step that reports the UE as known.
     */
    public boolean commit()
    {
        if (outputsDeferred())
        {
            table.abort(cursor);
            return true;
        }
        table.commit(cursor);
        return true;
    }

    /**
     * Ends the claim by deleting the UE, for a step that checked under the claim that the UE may go.
     *
     * @return true, for a step that reports the UE as known.
     */
    public boolean commitDelete()
    {
        if (outputsDeferred())
        {
            table.abort(cursor);
            return true;
        }
        table.commitDelete(cursor);
        return true;
    }

    /**
     * A step whose keys are placeholders for a batch computed later publishes nothing: it runs again
     * with the keys once the batch is done (see {@link Kdf#outputsDeferred()}).
     */
    private boolean outputsDeferred()
    {
        // A KDF its owner closed derives nothing more, so nothing it gave can be a placeholder.
        final Kdf kdf = cursor.kdf();
        return !kdf.isClosed() && kdf.outputsDeferred();
    }

    /**
     * Ends a step, from its {@code finally}: a claim still held (the step was refused, or failed) is
     * aborted, the context put back as it was, and {@code carrier} zeroed.
     *
     * @param carrier what the step was filling for the node to send, or null.
     */
    public void end(final KeyCarrier carrier)
    {
        if (cursor.hasClaim())
        {
            table.abort(cursor);
            if (carrier != null)
            {
                carrier.clear();
            }
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
            return outputsDeferred() || table.insert(ueId, staged);
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
            while (!outputsDeferred())
            {
                final SecurityContext context = table.tryClaim(ueId, cursor);
                if (context != null)
                {
                    context.buffer().putBytes(context.offset(), staged.buffer(), staged.offset(), SecurityContextDescriptor.LENGTH);
                    table.commit(cursor);
                    return;
                }
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
}

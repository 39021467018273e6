package org.amfkeys.context;

import java.util.function.Consumer;

/**
 * A claim, a change and its commit in one call, for tests that change a context in one line: what a
 * procedure step does top to bottom, with the abort when the change throws.
 */
public final class Claims
{
    private Claims()
    {
    }

    /**
     * @return false when the UE is not in the table.
     */
    public static boolean update(
        final ContextTable table, final long ueId, final ContextCursor cursor, final Consumer<SecurityContext> change)
    {
        final SecurityContext context = table.tryClaim(ueId, cursor);
        if (context == null)
        {
            return false;
        }
        try
        {
            change.accept(context);
            table.commit(cursor);
            return true;
        }
        finally
        {
            if (cursor.hasClaim())
            {
                table.abort(cursor);
            }
        }
    }

    /**
     * Deletes the UE if {@code precondition} does not throw on its context.
     *
     * @return false when the UE is not in the table.
     */
    public static boolean delete(
        final ContextTable table, final long ueId, final ContextCursor cursor, final Consumer<SecurityContext> precondition)
    {
        final SecurityContext context = table.tryClaim(ueId, cursor);
        if (context == null)
        {
            return false;
        }
        try
        {
            precondition.accept(context);
            table.commitDelete(cursor);
            return true;
        }
        finally
        {
            if (cursor.hasClaim())
            {
                table.abort(cursor);
            }
        }
    }

    /**
     * Swaps the current and non-current contexts under a claim.
     *
     * @return false when the UE is not in the table.
     */
    public static boolean swap(final ContextTable table, final long ueId, final ContextCursor cursor)
    {
        return update(table, ueId, cursor, context -> context.swapCurrentAndNonCurrent(cursor.kdf()));
    }
}

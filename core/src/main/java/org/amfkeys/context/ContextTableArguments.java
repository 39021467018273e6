package org.amfkeys.context;

import org.agrona.MutableDirectBuffer;
import org.amfkeys.InvalidParameterException;

import static org.amfkeys.context.SecurityContextDescriptor.KEY_LENGTH;

/**
 * The checks a {@link ContextTable} makes on its callers' arguments before it touches a slot, so a bad
 * argument changes nothing and names itself.
 */
final class ContextTableArguments
{
    private static final int SLOT_LENGTH = SecurityContextDescriptor.LENGTH;

    private ContextTableArguments()
    {
    }

    /**
     * The caller's flyweight must still span a whole context: its buffer is the caller's, and may have
     * been wrapped smaller since, while the table copies the context with raw memory operations.
     */
    static void requireWholeContext(final String parameter, final SecurityContext context)
    {
        if (context == null)
        {
            throw InvalidParameterException.missing(parameter, "a SecurityContext");
        }
        final MutableDirectBuffer buffer = context.buffer();
        if (context.offset() < 0 || buffer.capacity() - context.offset() < SLOT_LENGTH)
        {
            throw InvalidParameterException.badLength(parameter, Math.max(0, buffer.capacity() - context.offset()),
                SLOT_LENGTH + " octets from its offset");
        }
    }

    static void checkCursor(final ContextCursor cursor)
    {
        if (cursor == null)
        {
            throw InvalidParameterException.missing("cursor", "a ContextCursor of the calling thread");
        }
    }

    static void checkKeyOutput(final String parameter, final byte[] output, final int at, final int keys)
    {
        if (output == null)
        {
            throw InvalidParameterException.missing(parameter, KEY_LENGTH * keys + " octets");
        }
        final long needed = (long)KEY_LENGTH * keys;
        if (output.length < needed)
        {
            throw InvalidParameterException.badLength(parameter, output.length, "at least " + needed + " octets");
        }
        if (at < 0 || at > output.length - needed)
        {
            throw InvalidParameterException.outOfRange(parameter + "-offset", at, 0, output.length - needed);
        }
    }

    static void checkBatch(final long[] ueIds, final int count, final int[] results)
    {
        checkUeIds(ueIds, count);
        if (results == null || results.length < count)
        {
            throw results == null ? InvalidParameterException.missing("results", "one int per UE") :
                InvalidParameterException.badLength("results", results.length, "at least " + count + " entries");
        }
    }

    /**
     * Hints of a located batch: one per UE, each an entry of the table or {@link ContextTable#ABSENT}, so
     * that no hint, however stale or hostile, addresses memory outside the table.
     */
    static void checkHints(final int[] hints, final int count, final int entries)
    {
        if (hints == null)
        {
            throw InvalidParameterException.missing("hints", "one entry per UE, from ContextTable.locate");
        }
        if (hints.length < count)
        {
            throw InvalidParameterException.badLength("hints", hints.length, "at least " + count + " entries");
        }
        for (int i = 0; i < count; i++)
        {
            if (hints[i] < ContextTable.ABSENT || hints[i] >= entries)
            {
                throw InvalidParameterException.outOfRange("hints[" + i + "]", hints[i], ContextTable.ABSENT, entries - 1);
            }
        }
    }

    static void checkUeIds(final long[] ueIds, final int count)
    {
        if (ueIds == null)
        {
            throw InvalidParameterException.missing("ue-ids", "an array of UE identifiers");
        }
        if (count < 0 || count > ueIds.length)
        {
            throw InvalidParameterException.outOfRange("count", count, 0, ueIds.length);
        }
    }
}

package org.amfkeys.jcstress;

import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the jcstress tests share: one KAMF and the first steps of its NH chain, computed once per JVM,
 * and a cursor per actor thread.
 */
final class Fixtures
{
    /** KAMF of every test UE. */
    static final byte[] KAMF = filled(0x4B);

    /** NH_CHAIN[k]: NH after k advances from the initial NH. */
    static final byte[][] NH_CHAIN = new byte[4][];

    /** Outcome for a read that saw something no write ever produced. */
    static final int TORN = -1;

    /** Capacity of every test table: room for a short probe chain. */
    static final int CAPACITY = 4;

    /** Outcome for a UE that was not found. */
    static final int NOT_FOUND = -2;

    private static final ThreadLocal<ContextCursor> CURSORS = ThreadLocal.withInitial(() -> new ContextCursor(new Kdf()));
    private static final ThreadLocal<byte[]> NH_SCRATCH = ThreadLocal.withInitial(() -> new byte[32]);

    /**
     * Small tables ready for reuse: jcstress makes a state per sample, and mapping a table for each
     * would measure mmap rather than the table.
     */
    private static final ConcurrentLinkedQueue<ContextTable> POOL = new ConcurrentLinkedQueue<>();

    static
    {
        try (Kdf kdf = new Kdf())
        {
            NH_CHAIN[0] = filled(0x11);
            for (int k = 1; k < NH_CHAIN.length; k++)
            {
                NH_CHAIN[k] = kdf.nh(KAMF, NH_CHAIN[k - 1]);
            }
        }
    }

    private Fixtures()
    {
    }

    static ContextCursor cursor()
    {
        return CURSORS.get();
    }

    /**
     * A small table holding {@code ueIds}, each with KAMF, NH_CHAIN[0] and NCC 0. Give it back with
     * {@link #release} once the sample is done.
     */
    static ContextTable table(final long... ueIds)
    {
        final ContextTable pooled = POOL.poll();
        final ContextTable table = pooled != null ? pooled : new ContextTable(CAPACITY);
        final SecurityContext staged = new SecurityContext();
        for (final long ueId : ueIds)
        {
            staged.clear();
            staged.kamf(KAMF, cursor().kdf()).nextHop(NH_CHAIN[0], 0);
            if (!table.insert(ueId, staged))
            {
                throw new IllegalStateException("UE " + ueId + " inserted twice");
            }
        }
        staged.clear();
        return table;
    }

    /**
     * Reads a UE's NH and NCC.
     *
     * @return k when they are NH_CHAIN[k] with NCC k, {@link #NOT_FOUND}, or {@link #TORN} for any other pair.
     */
    static int chainPosition(final ContextTable table, final long ueId)
    {
        final byte[] nh = NH_SCRATCH.get();
        final int ncc = table.readNextHop(ueId, nh, 0);
        if (ncc == ContextTable.ABSENT)
        {
            return NOT_FOUND;
        }
        return ncc < NH_CHAIN.length && Arrays.equals(nh, NH_CHAIN[ncc]) ? ncc : TORN;
    }

    /**
     * Empties a table (its entries become free, as after any delete) and keeps it for another sample.
     *
     * @param table   from {@link #table}.
     * @param ueIds   every UE the sample may have inserted.
     */
    static void release(final ContextTable table, final long... ueIds)
    {
        for (final long ueId : ueIds)
        {
            table.delete(ueId);
        }
        POOL.offer(table);
    }

    /** Up to {@code count} UE identifiers from {@code from} on whose probes start at the same entry. */
    static long[] sameHome(final ContextTable table, final long from, final int count)
    {
        final long[] found = new long[count];
        final int home = table.homeEntry(from);
        found[0] = from;
        int n = 1;
        for (long candidate = from + 1; n < count; candidate++)
        {
            if (table.homeEntry(candidate) == home)
            {
                found[n++] = candidate;
            }
        }
        return found;
    }

    private static byte[] filled(final int value)
    {
        final byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }
}

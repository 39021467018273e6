package org.amfkeys.context;

import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Uses of a {@link ContextTable} that once crashed the JVM, run in a JVM of their own by
 * {@link ContextTableCrashTest} so that a crash shows as the exit status instead of killing the test
 * run. Prints what happened and exits 0 when every use was refused or survived as documented, 1 when
 * one was not refused, and the JVM's own crash status (134) when it crashed.
 */
public final class HostileTableUse
{
    private static final long SEED = 0x5EED_0013L;
    private static final int UES = 10_000;
    private static final int THREADS = 4;
    private static final int OPERATIONS_BEFORE_CLOSE = 20_000;

    private HostileTableUse()
    {
    }

    /**
     * @param args one case name.
     * @throws Exception when the case itself breaks.
     */
    public static void main(final String[] args) throws Exception
    {
        final boolean ok = switch (args[0])
        {
            case "batch-after-close" -> batchAfterClose();
            case "close-while-in-use" -> closeWhileInUse();
            case "context-kept-after-close" -> contextKeptAfterClose();
            case "schedule-kept-after-unmap" -> scheduleKeptAfterUnmap();
            case "unclosed-tables" -> unclosedTables();
            default -> throw new IllegalArgumentException(args[0]);
        };
        System.out.println(ok ? "ok" : "not refused");
        System.exit(ok ? 0 : 1);
    }

    private static boolean batchAfterClose()
    {
        final ContextTable table = filled(UES);
        table.close();
        final long[] ueIds = {1, 2, 3};
        boolean refused = refuses(() -> table.readNextHops(ueIds, ueIds.length, new int[3], new byte[96]));
        refused &= refuses(() -> table.readNextHops(ueIds, new int[3], ueIds.length, new int[3], new byte[96]));
        refused &= refuses(() -> table.locate(1));
        try (ContextCursor cursor = new ContextCursor(new Kdf()))
        {
            refused &= refuses(() -> table.advanceNextHops(ueIds, ueIds.length, cursor, new int[3]));
            refused &= refuses(() -> table.advanceNextHops(ueIds, new int[3], ueIds.length, cursor, new int[3]));
            refused &= refuses(() -> Claims.update(table, 1, cursor, context -> context.ueSecurityCapabilities(1)));
        }
        return refused;
    }

    /**
     * Threads read, step NH chains, update and churn UEs while the main thread closes the table under
     * them. Each stops at its first {@link IllegalStateException}; nothing else may escape.
     */
    private static boolean closeWhileInUse() throws InterruptedException
    {
        final ContextTable table = filled(UES);
        final int entries = table.entries();
        final CountDownLatch busy = new CountDownLatch(THREADS);
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final int id = t;
            final Thread thread = new Thread(() ->
            {
                try (ContextCursor cursor = new ContextCursor(new Kdf()); Kdf kdf = new Kdf())
                {
                    final SecurityContext snapshot = new SecurityContext();
                    final byte[] nh = new byte[32];
                    final long[] batch = new long[16];
                    final int[] hints = new int[16];
                    final int[] nccs = new int[16];
                    final byte[] nhs = new byte[16 * 32];
                    for (long i = 0; ; i++)
                    {
                        final long ueId = 1 + (i * 7919 + id) % UES;
                        switch ((int)(i % 6))
                        {
                            case 0 -> table.read(ueId, snapshot);
                            case 1 -> table.readNextHop(ueId, nh, 0);
                            case 2 -> table.advanceNextHop(ueId, cursor);
                            case 3 -> Claims.update(table, ueId, cursor, context -> context.ueSecurityCapabilities((int)ueId));
                            case 4 ->
                            {
                                for (int b = 0; b < batch.length; b++)
                                {
                                    batch[b] = 1 + (ueId + b * 31L) % UES;
                                    // Hints that are right, stale after the churn below, or another UE's entry.
                                    hints[b] = b % 2 == 0 ? table.locate(batch[b]) : (int)((ueId * 131 + b) % entries);
                                }
                                if ((i / 6) % 2 == 0)
                                {
                                    table.readNextHops(batch, batch.length, nccs, nhs);
                                }
                                else
                                {
                                    table.readNextHops(batch, hints, batch.length, nccs, nhs);
                                }
                            }
                            default ->
                            {
                                if (table.delete(ueId))
                                {
                                    table.insert(ueId, Contexts.random(snapshot, SEED, ueId, kdf));
                                }
                            }
                        }
                        if (i == OPERATIONS_BEFORE_CLOSE)
                        {
                            busy.countDown();
                        }
                    }
                }
                catch (final IllegalStateException expected)
                {
                    // The table was closed: the only way out of the loop.
                }
                catch (final Throwable ex)
                {
                    unexpected.compareAndSet(null, ex);
                }
                finally
                {
                    busy.countDown();
                }
            });
            threads.add(thread);
            thread.start();
        }
        busy.await();
        table.close();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (unexpected.get() != null)
        {
            System.out.println("unexpected " + unexpected.get());
            return false;
        }
        return true;
    }

    private static boolean contextKeptAfterClose()
    {
        final ContextTable table = filled(16);
        final AtomicReference<SecurityContext> kept = new AtomicReference<>();
        try (ContextCursor cursor = new ContextCursor(new Kdf()))
        {
            Claims.update(table, 1, cursor, kept::set);
        }
        table.close();
        final SecurityContext context = kept.get();
        return refuses(() -> context.downlinkNasCount(5)) && refuses(() -> context.nextHop(new byte[32], 3)) &&
            refuses(context::ncc);
    }

    /**
     * A key schedule flyweight kept from an update outlives its table, which the cleaner unmaps; using it
     * must not touch the unmapped memory.
     */
    private static boolean scheduleKeptAfterUnmap()
    {
        final long released = TableMemory.released();
        final KeySchedule kept = scheduleOfAClosedTable();
        for (int attempt = 0; attempt < 1_000 && TableMemory.released() == released; attempt++)
        {
            System.gc();
        }
        if (TableMemory.released() == released)
        {
            System.out.println("the cleaner did not run");
            return false;
        }
        try (Kdf kdf = new Kdf())
        {
            kdf.nh(kept, new byte[32], new byte[32], 0);
        }
        catch (final RuntimeException refused)
        {
            // Refusing an empty schedule is as good as deriving from the zeros now under it.
        }
        return true;
    }

    /**
     * Three tables dropped without close: the cleaner unmaps each, and logs only the first.
     */
    private static boolean unclosedTables()
    {
        final long released = TableMemory.released();
        dropUnclosed(3);
        for (int attempt = 0; attempt < 1_000 && TableMemory.released() < released + 3; attempt++)
        {
            System.gc();
        }
        return TableMemory.released() == released + 3;
    }

    private static void dropUnclosed(final int tables)
    {
        for (int i = 0; i < tables; i++)
        {
            filled(16);
        }
    }

    /** In a method of its own, so that nothing on the caller's stack keeps the table reachable. */
    private static KeySchedule scheduleOfAClosedTable()
    {
        final AtomicReference<KeySchedule> kept = new AtomicReference<>();
        final ContextTable table = filled(16);
        try (ContextCursor cursor = new ContextCursor(new Kdf()))
        {
            Claims.update(table, 1, cursor, context -> kept.set(context.kamfSchedule()));
        }
        table.close();
        return kept.get();
    }

    private static ContextTable filled(final int ues)
    {
        final ContextTable table = new ContextTable(ues);
        try (Kdf kdf = new Kdf())
        {
            final SecurityContext staged = new SecurityContext();
            for (long ueId = 1; ueId <= ues; ueId++)
            {
                table.insert(ueId, Contexts.random(staged, SEED, ueId, kdf));
            }
        }
        return table;
    }

    private static boolean refuses(final Runnable use)
    {
        try
        {
            use.run();
            return false;
        }
        catch (final IllegalStateException expected)
        {
            return true;
        }
    }
}

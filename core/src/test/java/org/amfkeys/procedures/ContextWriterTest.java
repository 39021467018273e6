package org.amfkeys.procedures;

import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ContextWriter}: a refused step leaves the context as it was and zeroes the carriers, a staged
 * context is stored in place or inserted, and the staging memory never keeps a key.
 */
class ContextWriterTest
{
    private static final long UE = 11;

    private final Kdf kdf = new Kdf();
    private final ContextCursor cursor = new ContextCursor(kdf);
    private ContextTable table;
    private ContextWriter writer;

    @BeforeEach
    void start()
    {
        table = new ContextTable(4);
        writer = new ContextWriter(table, cursor);
    }

    @AfterEach
    void stop()
    {
        cursor.close();
        table.close();
    }

    @Test
    void aStepThatDoesNotCommitRestoresTheContextAndZeroesItsCarrier()
    {
        stage(key(1), 1);
        assertTrue(writer.insert(UE));
        final byte[] before = slot(UE);
        final NextHopPair carrier = new NextHopPair();

        assertThrows(ProcedureNotAllowedException.class, () -> refusedStep(carrier));
        assertArrayEquals(before, slot(UE), "the refused step changed nothing");
        assertArrayEquals(new byte[32], carrier.key(), "the carrier holds no key of the refused step");
        assertFalse(cursor.hasClaim());

        final SecurityContext context = writer.claim(UE);
        try
        {
            context.downlinkNasCount(7);
            carrier.set(key(3), 2, false);
            assertTrue(writer.commit());
        }
        finally
        {
            writer.end(carrier);
        }
        assertEquals(7, read(UE).downlinkNasCount());
        assertArrayEquals(key(3), carrier.key(), "a committed step keeps what it sends");
        assertEquals(null, writer.claim(UE + 1), "an unknown UE");
        assertFalse(cursor.hasClaim());
    }

    private void refusedStep(final NextHopPair carrier)
    {
        final SecurityContext context = writer.claim(UE);
        try
        {
            context.downlinkNasCount(99).ngKsi(5);
            carrier.set(key(2), 1, true);
            throw new ProcedureNotAllowedException("test", "refused after changing the context");
        }
        finally
        {
            writer.end(carrier);
        }
    }

    @Test
    void replaceInsertsANewUeAndOverwritesAKnownOneInPlace()
    {
        final SecurityContext staged = stage(key(1), 1);
        writer.replace(UE);
        assertStagingZeroed(staged);
        assertArrayEquals(key(1), kamf(UE));

        stage(key(2), 2).downlinkNasCount(3);
        writer.replace(UE);
        assertStagingZeroed(staged);
        assertArrayEquals(key(2), kamf(UE));
        assertEquals(2, read(UE).ngKsi());
        assertEquals(3, read(UE).downlinkNasCount());
        assertEquals(1, table.size());

        stage(key(3), 3);
        assertFalse(writer.insert(UE), "insert leaves a known UE alone");
        assertStagingZeroed(staged);
        assertArrayEquals(key(2), kamf(UE));
    }

    @Test
    void aFullTableKeepsItsContextsAndRefusesANewUeWithoutKeepingItsKey()
    {
        for (long ue = 0; ue < table.capacity(); ue++)
        {
            stage(key((int)ue + 1), 1);
            writer.replace(ue);
        }
        final SecurityContext staged = stage(key(50), 4);
        writer.replace(0);
        assertArrayEquals(key(50), kamf(0), "a known UE is stored in place in a full table");

        stage(key(60), 5);
        assertThrows(ContextTableFullException.class, () -> writer.replace(table.capacity()));
        assertStagingZeroed(staged);
        assertFalse(table.contains(table.capacity()));
        assertFalse(table.slotsContain(key(60)));
    }

    @Test
    void twoThreadsStoringTheSameNewUesNeverLeaveAZeroedContext() throws Exception
    {
        final int ues = 2_000;
        try (ContextTable shared = new ContextTable(ues))
        {
            final CyclicBarrier barrier = new CyclicBarrier(2);
            final ExecutorService threads = Executors.newFixedThreadPool(2);
            try
            {
                final Future<?> first = threads.submit(() -> storeAll(shared, ues, 1, barrier));
                final Future<?> second = threads.submit(() -> storeAll(shared, ues, 2, barrier));
                first.get(60, TimeUnit.SECONDS);
                second.get(60, TimeUnit.SECONDS);
            }
            finally
            {
                threads.shutdownNow();
            }
            final SecurityContext context = new SecurityContext();
            final byte[] stored = new byte[32];
            for (long ue = 0; ue < ues; ue++)
            {
                assertTrue(shared.read(ue, context));
                context.copyKamf(stored, 0);
                assertTrue(Arrays.equals(key(1), stored) || Arrays.equals(key(2), stored),
                    "UE " + ue + " holds one thread's context, not a zeroed one");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Void storeAll(final ContextTable shared, final int ues, final int which, final CyclicBarrier barrier)
        throws Exception
    {
        try (Kdf threadKdf = new Kdf(); ContextCursor threadCursor = new ContextCursor(threadKdf))
        {
            final ContextWriter threadWriter = new ContextWriter(shared, threadCursor);
            final byte[] threadKey = key(which);
            barrier.await(10, TimeUnit.SECONDS);
            for (long ue = 0; ue < ues; ue++)
            {
                threadWriter.stage(0).kamf(threadKey, threadKdf).ngKsi(which);
                threadWriter.replace(ue);
            }
        }
        return null;
    }

    private SecurityContext stage(final byte[] kamf, final int ngKsi)
    {
        return writer.stage(0).kamf(kamf, kdf).ngKsi(ngKsi);
    }

    private static byte[] key(final int seed)
    {
        final byte[] key = new byte[32];
        Arrays.fill(key, (byte)seed);
        key[31] = (byte)~seed;
        return key;
    }

    private SecurityContext read(final long ueId)
    {
        final SecurityContext context = new SecurityContext();
        assertTrue(table.read(ueId, context));
        return context;
    }

    private byte[] kamf(final long ueId)
    {
        final byte[] kamf = new byte[32];
        read(ueId).copyKamf(kamf, 0);
        return kamf;
    }

    private byte[] slot(final long ueId)
    {
        final SecurityContext context = read(ueId);
        final byte[] octets = new byte[SecurityContextDescriptor.LENGTH];
        context.buffer().getBytes(context.offset(), octets);
        return octets;
    }

    private static void assertStagingZeroed(final SecurityContext staged)
    {
        final byte[] octets = new byte[SecurityContextDescriptor.LENGTH];
        staged.buffer().getBytes(staged.offset(), octets);
        assertArrayEquals(new byte[SecurityContextDescriptor.LENGTH], octets, "no key stays in the staging memory");
    }
}

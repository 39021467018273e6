package org.amfkeys.context;

import org.agrona.UnsafeApi;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The table's life from creation to close: the memory it may map, what close wipes and gives back,
 * refusal of every use once closed, and refusal of locking from inside an update.
 */
class ContextTableLifecycleTest
{
    private static final long SEED = 0x5EED_0013L;
    private static final Duration HANG = Duration.ofSeconds(20);

    private final Kdf kdf = new Kdf();
    private final ContextCursor cursor = new ContextCursor(new Kdf());
    private final SecurityContext staged = new SecurityContext();
    private final SecurityContext snapshot = new SecurityContext();
    private final List<ContextTable> tables = new ArrayList<>();

    @AfterEach
    void closeTables()
    {
        tables.forEach(ContextTable::close);
        cursor.close();
        kdf.close();
    }

    private ContextTable filled(final long capacity, final int ues)
    {
        final ContextTable table = new ContextTable(capacity);
        tables.add(table);
        for (long ueId = 1; ueId <= ues; ueId++)
        {
            assertTrue(table.insert(ueId, Contexts.random(staged, SEED, ueId, kdf)));
        }
        return table;
    }

    // ---------------------------------------------------------------------------------------------
    // Memory
    // ---------------------------------------------------------------------------------------------

    @Test
    void aTableLargerThanTheMachineIsRefusedBeforeAnythingIsMapped()
    {
        final MachineMemory machine = MachineMemory.read();
        final long capacity = ContextTable.MAX_CAPACITY;
        final long needed = ContextTable.memoryFor(capacity, ContextTable.DEFAULT_LOAD_FACTOR);
        assumeTrue(needed > machine.bytes(), "a machine that backs " + needed + " octets holds such a table");

        final InvalidParameterException refused = assertThrows(InvalidParameterException.class, () -> new ContextTable(capacity));
        assertEquals("capacity", refused.parameter());
        assertTrue(refused.getMessage().startsWith("capacity: " + capacity + " UEs need "), refused.getMessage());
        assertTrue(refused.getMessage().contains("GiB"), refused.getMessage());
        final long fits = Long.parseLong(refused.allowed().replaceAll("1\\.\\.(\\d+) on this machine", "$1"));
        assertTrue(ContextTable.memoryFor(fits, ContextTable.DEFAULT_LOAD_FACTOR) <= machine.bytes(), "the capacity offered fits");
        assertTrue(ContextTable.memoryFor(fits + fits / 100 + 1, ContextTable.DEFAULT_LOAD_FACTOR) > machine.bytes(),
            "and is within 1 % of the most that fits: " + fits);
    }

    @Test
    void closeZeroesTheKeysAndGivesThePagesBack() throws IOException
    {
        final ContextTable table = filled(200_000, 100_000);
        assertTrue(table.read(77, snapshot));
        final byte[] kamf = new byte[32];
        snapshot.copyKamf(kamf, 0);
        assertTrue(residentKilobytes(table) > 20_000, "100,000 UEs occupy their slots");

        final long length = table.memoryBytes();
        table.close();
        assertTrue(residentKilobytes(table) < 4_096, "pages given back: " + residentKilobytes(table) + " kB resident");
        // The range stays mapped until the table is unreachable, so it can still be searched here.
        assertFalse(rangeContains(table.slots().indexAddress(), length, kamf), "no KAMF left in the table's memory");
    }

    @Test
    void closingAnEmptyTableOfFiftyMillionUesTouchesNoneOfIt() throws IOException
    {
        assumeTrue(ContextTable.memoryFor(50_000_000, ContextTable.DEFAULT_LOAD_FACTOR) <= MachineMemory.read().bytes(),
            "a machine that can back a table of 50 million UEs");
        final ContextTable table = new ContextTable(50_000_000);
        tables.add(table);
        final long before = residentKilobytes(table);
        table.close();
        assertTrue(residentKilobytes(table) - before < 1_024,
            "close touched " + (residentKilobytes(table) - before) + " kB of an empty table of 50,000,000 UEs");
    }

    // ---------------------------------------------------------------------------------------------
    // Closed
    // ---------------------------------------------------------------------------------------------

    /**
     * Every public method but close, isClosed and toString, called with valid arguments on a closed
     * table, throws IllegalStateException.
     */
    @Test
    void everyOperationOfAClosedTableIsRefused() throws IllegalAccessException
    {
        final ContextTable table = filled(16, 4);
        table.close();
        table.close();
        assertTrue(table.isClosed());
        assertTrue(table.toString().contains("closed"));

        final Set<String> stillAnswering = Set.of("close", "isClosed", "toString", "memoryFor");
        int refused = 0;
        for (final Method method : ContextTable.class.getMethods())
        {
            if (method.getDeclaringClass() != ContextTable.class || stillAnswering.contains(method.getName()))
            {
                continue;
            }
            try
            {
                method.invoke(table, validArguments(method));
                fail(method + " answered on a closed table");
            }
            catch (final InvocationTargetException ex)
            {
                assertInstanceOf(IllegalStateException.class, ex.getCause(), method.toString());
                assertEquals("context table is closed", ex.getCause().getMessage(), method.toString());
                refused++;
            }
        }
        assertTrue(refused >= 25, "methods checked: " + refused);
    }

    private Object[] validArguments(final Method method)
    {
        final Class<?>[] types = method.getParameterTypes();
        final Object[] arguments = new Object[types.length];
        for (int i = 0; i < types.length; i++)
        {
            final Class<?> type = types[i];
            if (type == long.class)
            {
                arguments[i] = 1L;
            }
            else if (type == int.class)
            {
                arguments[i] = method.getName().endsWith("s") ? 1 : 0;
            }
            else if (type == long[].class)
            {
                arguments[i] = new long[] {1};
            }
            else if (type == int[].class)
            {
                arguments[i] = new int[1];
            }
            else if (type == byte[].class)
            {
                arguments[i] = new byte[32];
            }
            else if (type == SecurityContext.class)
            {
                arguments[i] = Contexts.random(new SecurityContext(), SEED, 9, kdf);
            }
            else if (type == ContextCursor.class)
            {
                arguments[i] = cursor;
            }
            else
            {
                throw new AssertionError("no valid argument for " + type + " of " + method);
            }
        }
        if (Modifier.isStatic(method.getModifiers()))
        {
            throw new AssertionError(method + " is static");
        }
        return arguments;
    }

    @Test
    void aContextKeptFromAnUpdateRefusesUseAfterwards()
    {
        final ContextTable table = filled(16, 2);
        final AtomicReference<SecurityContext> kept = new AtomicReference<>();
        assertTrue(Claims.update(table, 1, cursor, kept::set));
        final SecurityContext context = kept.get();
        assertThrows(IllegalStateException.class, () -> context.downlinkNasCount(9));
        assertThrows(IllegalStateException.class, context::kamfSchedule);
        assertThrows(IllegalStateException.class, () -> context.copyKamf(new byte[32], 0));
        assertEquals("SecurityContext[detached]", context.toString());

        assertTrue(Claims.update(table, 2, cursor, updated -> updated.ueSecurityCapabilities(5)), "the cursor lends a context again");
        assertTrue(table.read(1, snapshot));
        assertTrue(Contexts.sameBytes(Contexts.random(staged, SEED, 1, kdf), snapshot), "UE 1 untouched");
    }

    @Test
    void aContextWithoutAnyKeyIsRefused()
    {
        final ContextTable table = filled(16, 0);
        final InvalidParameterException refused = assertThrows(InvalidParameterException.class,
            () -> table.insert(1, new SecurityContext()));
        assertEquals("context", refused.parameter());
        assertFalse(table.contains(1));
        assertEquals(0, table.size());
    }

    // ---------------------------------------------------------------------------------------------
    // Re-entrancy
    // ---------------------------------------------------------------------------------------------

    @Test
    void aNestedUpdateWithTheSameCursorIsRefusedAndChangesNeitherUe()
    {
        final ContextTable table = filled(16, 2);
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Claims.update(table, 1, cursor,
            outer ->
            {
                outer.downlinkNasCount(1_000);
                Claims.update(table, 2, cursor, inner -> inner.downlinkNasCount(2_000));
            }));
        assertTrue(refused.getMessage().contains("holds a claimed slot"), refused.getMessage());
        assertUnchanged(table, 1);
        assertUnchanged(table, 2);
    }

    @Test
    void lockingTheSameUeInsideItsOwnUpdateIsRefusedNotAwaited()
    {
        final ContextTable table = filled(16, 1);
        try (ContextCursor other = new ContextCursor(new Kdf()))
        {
            final List<Runnable> relocks = List.of(
                () -> Claims.update(table, 1, other, context -> context.ueSecurityCapabilities(1)),
                () -> table.advanceNextHop(1, other),
                () -> table.advanceNextHops(new long[] {1}, 1, other, new int[1]),
                () -> table.takeDownlinkNasCount(1),
                () -> table.acceptUplinkNasCount(1, 5),
                () -> Claims.swap(table, 1, other),
                () -> table.delete(1),
                () -> table.read(1, snapshot),
                () -> table.readNextHop(1, new byte[32], 0),
                () -> table.downlinkNasCount(1),
                () -> table.uplinkNasCount(1));
            for (final Runnable relock : relocks)
            {
                assertTimeoutPreemptively(HANG, () -> assertThrows(IllegalStateException.class,
                    () -> Claims.update(table, 1, cursor, context ->
                    {
                        context.ueSecurityCapabilities(42);
                        relock.run();
                    })));
                assertUnchanged(table, 1);
            }
        }
    }

    @Test
    void lockingAnotherUeInsideAnUpdateIsRefusedToo()
    {
        final ContextTable table = filled(16, 2);
        try (ContextCursor other = new ContextCursor(new Kdf()))
        {
            assertThrows(IllegalStateException.class, () -> Claims.update(table, 1, cursor, context -> table.advanceNextHop(2, other)));
            assertThrows(IllegalStateException.class, () -> Claims.update(table, 1, cursor, context -> table.delete(2)));
            assertThrows(IllegalStateException.class, () -> Claims.update(table, 1, cursor,
                context -> table.insert(3, Contexts.random(new SecurityContext(), SEED, 3, new Kdf()))));
        }
        assertUnchanged(table, 1);
        assertUnchanged(table, 2);
        assertFalse(table.contains(3));

        // Reading another UE that no one is writing takes no lock and waits for nobody, so it is allowed.
        final SecurityContext other = new SecurityContext();
        assertTrue(Claims.update(table, 1, cursor, context -> assertTrue(table.read(2, other))));
        assertTrue(Contexts.sameBytes(Contexts.random(staged, SEED, 2, kdf), other));
        assertTrue(Claims.update(table, 1, cursor, context -> context.ueSecurityCapabilities(7)), "the thread may update again afterwards");
    }

    /**
     * Two threads, each updating one UE and reading the other's from inside its callback, would wait
     * for each other forever; a read inside an update that meets a locked UE is refused instead.
     */
    @Test
    void aReadInsideAnUpdateNeverWaitsForAnotherWriter() throws InterruptedException
    {
        final ContextTable table = filled(16, 2);
        final java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        final AtomicReference<Throwable> other = new AtomicReference<>();
        final Thread writer = new Thread(() ->
        {
            try (ContextCursor otherCursor = new ContextCursor(new Kdf()))
            {
                Claims.update(table, 2, otherCursor, context ->
                {
                    holding.countDown();
                    try
                    {
                        done.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            catch (final Throwable ex)
            {
                other.set(ex);
            }
        });
        writer.start();
        holding.await();
        try
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> Claims.update(table, 1, cursor, context -> table.read(2, new SecurityContext())));
            assertTrue(refused.getMessage().contains("would wait for another writer"), refused.getMessage());
        }
        finally
        {
            done.countDown();
            writer.join();
        }
        assertEquals(null, other.get());
        assertUnchanged(table, 1);
    }

    private void assertUnchanged(final ContextTable table, final long ueId)
    {
        assertTrue(table.read(ueId, snapshot));
        assertTrue(Contexts.sameBytes(Contexts.random(staged, SEED, ueId, kdf), snapshot), "UE " + ueId + " unchanged");
    }

    // ---------------------------------------------------------------------------------------------

    private static boolean rangeContains(final long address, final long length, final byte[] octets)
    {
        final long firstWord = UnsafeApi.getLong(octets, UnsafeApi.arrayBaseOffset(byte[].class));
        for (long at = 0; at + octets.length <= length; at++)
        {
            if (UnsafeApi.getLong(address + at) == firstWord)
            {
                int i = Long.BYTES;
                while (i < octets.length && UnsafeApi.getByte(address + at + i) == octets[i])
                {
                    i++;
                }
                if (i == octets.length)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** The Rss of the mapping that holds the table's memory. */
    private static long residentKilobytes(final ContextTable table) throws IOException
    {
        return Long.parseLong(Smaps.line(table, "Rss:").replaceAll("\\D", ""));
    }
}

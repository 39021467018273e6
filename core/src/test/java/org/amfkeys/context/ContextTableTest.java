package org.amfkeys.context;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.hmac.NativePrefetch;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.ProcedureStateDescriptor;
import org.amfkeys.types.NgKsi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContextTableTest
{
    private static final long SEED = 0x5EED_0004L;

    private final Kdf kdf = new Kdf();
    private final ContextCursor cursor = new ContextCursor(new Kdf());
    private final SecurityContext staged = new SecurityContext();
    private final SecurityContext snapshot = new SecurityContext();
    private final SecurityContext expected = new SecurityContext();
    private final List<ContextTable> tables = new ArrayList<>();

    @AfterEach
    void closeTables()
    {
        tables.forEach(ContextTable::close);
        cursor.close();
        kdf.close();
    }

    private ContextTable table(final long capacity)
    {
        final ContextTable table = new ContextTable(capacity);
        tables.add(table);
        return table;
    }

    private static long ueId(final int index)
    {
        // Identifiers spread over all 64 bits, as an AMF's own may be.
        return index * 0x9E3779B97F4A7C15L + 0x1234_5678L;
    }

    private void insertRandom(final ContextTable table, final long ueId)
    {
        assertTrue(table.insert(ueId, Contexts.random(staged, SEED, ueId, kdf)));
    }

    private void assertHolds(final ContextTable table, final long ueId)
    {
        assertTrue(table.read(ueId, snapshot), "UE " + ueId + " readable");
        Contexts.random(expected, SEED, ueId, kdf);
        assertTrue(Contexts.sameBytes(expected, snapshot), "UE " + ueId + " holds what was inserted");
    }

    @Test
    void fillToCapacityDeleteHalfRefill()
    {
        final int capacity = 50_000;
        final ContextTable table = table(capacity);
        for (int i = 0; i < capacity; i++)
        {
            insertRandom(table, ueId(i));
        }
        assertEquals(capacity, table.size());

        final ContextTableFullException full = assertThrows(
            ContextTableFullException.class, () -> table.insert(ueId(capacity), Contexts.random(staged, SEED, 1, kdf)));
        assertTrue(full.getMessage().contains("all " + capacity + " UE slots are in use"), full.getMessage());
        assertFalse(table.contains(ueId(capacity)), "the refused UE is not there");
        assertEquals(capacity, table.size(), "nobody evicted");

        final int[] deletedEntries = new int[capacity / 2];
        for (int i = 0; i < capacity; i += 2)
        {
            deletedEntries[i / 2] = table.slots().entryOf(ueId(i));
            assertTrue(table.delete(ueId(i)));
            assertFalse(table.delete(ueId(i)), "second delete finds nothing");
        }
        assertEquals(capacity / 2, table.size());
        for (final int entry : deletedEntries)
        {
            assertTrue(table.slots().slotIsZero(entry), "deleted slot " + entry + " zeroed");
        }
        for (int i = 0; i < capacity; i++)
        {
            if ((i & 1) == 0)
            {
                assertFalse(table.read(ueId(i), snapshot));
                assertEquals(ContextTable.ABSENT, table.readNextHop(ueId(i), new byte[32], 0));
            }
            else
            {
                assertHolds(table, ueId(i));
            }
        }

        for (int i = capacity; i < capacity + capacity / 2; i++)
        {
            insertRandom(table, ueId(i));
        }
        assertEquals(capacity, table.size());
        assertThrows(ContextTableFullException.class, () -> table.insert(ueId(0), staged));
        for (int i = 1; i < capacity + capacity / 2; i++)
        {
            if (i < capacity && (i & 1) == 0)
            {
                assertFalse(table.contains(ueId(i)));
            }
            else
            {
                assertHolds(table, ueId(i));
            }
        }
    }

    @Test
    void probeChainSurvivesDeletesAndReusesFreedEntries()
    {
        final ContextTable table = table(64);
        final long[] chain = sameHome(table, 5);
        for (final long ueId : chain)
        {
            insertRandom(table, ueId);
        }
        final int home = table.homeEntry(chain[0]);
        for (int i = 0; i < chain.length; i++)
        {
            assertTrue(table.slots().entryOf(chain[i]) != home || i == 0, "only the first sits at home");
        }

        final int freed = table.slots().entryOf(chain[1]);
        assertTrue(table.delete(chain[1]));
        for (int i = 0; i < chain.length; i++)
        {
            assertEquals(i != 1, table.contains(chain[i]), "UE " + i + " of the chain");
        }
        insertRandom(table, chain[1]);
        assertEquals(freed, table.slots().entryOf(chain[1]), "the freed entry is reused");
        for (final long ueId : chain)
        {
            assertHolds(table, ueId);
        }
    }

    @Test
    void insertingAPresentUeChangesNothing()
    {
        final ContextTable table = table(16);
        insertRandom(table, 7);
        assertFalse(table.insert(7, Contexts.random(staged, SEED + 1, 7, kdf)));
        assertHolds(table, 7);
        assertEquals(1, table.size());
    }

    @Test
    void absentUesGiveAbsentEverywhere()
    {
        final ContextTable table = table(16);
        insertRandom(table, 1);
        final byte[] nh = new byte[32];
        Arrays.fill(nh, (byte)0x5A);
        assertFalse(table.contains(2));
        assertFalse(table.read(2, snapshot));
        assertEquals(ContextTable.ABSENT, table.readNextHop(2, nh, 0));
        assertTrue(allEqual(nh, (byte)0x5A), "nh untouched");
        assertEquals(ContextTable.ABSENT, table.downlinkNasCount(2));
        assertEquals(ContextTable.ABSENT, table.uplinkNasCount(2));
        assertEquals(ContextTable.ABSENT, table.takeDownlinkNasCount(2));
        assertEquals(ContextTable.ABSENT, table.acceptUplinkNasCount(2, 5));
        assertEquals(ContextTable.ABSENT, table.advanceNextHop(2, cursor));
        assertFalse(Claims.swap(table, 2, cursor));
        assertFalse(Claims.update(table, 2, cursor, context -> context.procedureState(0)));
        assertFalse(table.delete(2));
        assertHolds(table, 1);
    }

    @Test
    void nextHopChainMatchesTheKdf()
    {
        final ContextTable table = table(16);
        final SplittableRandom random = new SplittableRandom(3);
        final byte[] kamf = Contexts.key(random);
        final byte[] kgnb = Contexts.key(random);
        final byte[] nh = kdf.nh(kamf, kgnb);
        table.insert(42, staged.kamf(kamf, kdf).nextHop(nh, 1));

        byte[] chain = nh;
        final byte[] read = new byte[40];
        for (int step = 0; step < 20; step++)
        {
            chain = kdf.nh(kamf, chain);
            final int ncc = table.advanceNextHop(42, cursor);
            assertEquals((2 + step) & 7, ncc, "NCC wraps from 7 to 0");
            assertEquals(ncc, table.readNextHop(42, read, 8));
            assertArrayEquals(chain, Arrays.copyOfRange(read, 8, 40));
        }
    }

    @Test
    void batchFormsMatchOneByOne()
    {
        final ContextTable table = table(1000);
        final long[] batch = new long[40];
        for (int i = 0; i < batch.length; i++)
        {
            batch[i] = ueId(i);
            if (i % 5 != 4)
            {
                insertRandom(table, batch[i]);
            }
        }
        final int[] nccs = new int[batch.length];
        final byte[] nhs = new byte[32 * batch.length];
        final byte[] nh = new byte[32];
        table.readNextHops(batch, batch.length, nccs, nhs);
        for (int i = 0; i < batch.length; i++)
        {
            assertEquals(table.readNextHop(batch[i], nh, 0), nccs[i], "UE " + i);
            if (nccs[i] != ContextTable.ABSENT)
            {
                assertArrayEquals(nh, Arrays.copyOfRange(nhs, 32 * i, 32 * i + 32));
            }
        }

        final int[] advanced = new int[batch.length];
        table.advanceNextHops(batch, batch.length, cursor, advanced);
        for (int i = 0; i < batch.length; i++)
        {
            if (i % 5 == 4)
            {
                assertEquals(ContextTable.ABSENT, advanced[i]);
                continue;
            }
            assertEquals((nccs[i] + 1) & 7, advanced[i]);
            table.read(batch[i], snapshot);
            final byte[] expectedNh = new byte[32];
            kdf.nh(snapshot.kamfSchedule(), Arrays.copyOfRange(nhs, 32 * i, 32 * i + 32), expectedNh, 0);
            assertEquals(advanced[i], table.readNextHop(batch[i], nh, 0));
            assertArrayEquals(expectedNh, nh);
        }

        final byte[] before = nhCopy(table, batch[0]);
        assertEquals("count", assertThrows(InvalidParameterException.class,
            () -> table.readNextHops(batch, 41, new int[41], new byte[32 * 41])).parameter());
        assertEquals("nhs", assertThrows(InvalidParameterException.class,
            () -> table.readNextHops(batch, 40, nccs, new byte[32 * 39])).parameter());
        assertEquals("results", assertThrows(InvalidParameterException.class,
            () -> table.advanceNextHops(batch, 40, cursor, new int[39])).parameter());
        assertArrayEquals(before, nhCopy(table, batch[0]), "a refused batch changes nothing");
    }

    @Test
    void locatedReadsAnswerAsProbedReadsWhateverTheHints()
    {
        final int ues = 2_000;
        final ContextTable table = table(ues);
        for (int i = 0; i < ues; i++)
        {
            insertRandom(table, ueId(i));
        }
        final int[] located = new int[ues + 100];
        for (int i = 0; i < located.length; i++)
        {
            located[i] = table.locate(ueId(i));
            assertEquals(i < ues, located[i] != ContextTable.ABSENT, "UE " + i + " located when present");
        }
        // Some UEs move: deleted and inserted again, maybe elsewhere, so their hints may be stale;
        // others are deleted for good and their entries taken by UEs that were never located.
        for (int i = 0; i < ues; i += 7)
        {
            assertTrue(table.delete(ueId(i)));
            if (i % 2 == 0)
            {
                insertRandom(table, ueId(i));
            }
            else
            {
                insertRandom(table, ueId(ues + 1000 + i));
            }
        }
        final SplittableRandom random = new SplittableRandom(SEED);
        final int batch = 64;
        final long[] ueIds = new long[batch];
        final int[] hints = new int[batch];
        final int[] probed = new int[batch];
        final int[] read = new int[batch];
        final byte[] probedNhs = new byte[32 * batch];
        final byte[] readNhs = new byte[32 * batch];
        for (int round = 0; round < 200; round++)
        {
            final int count = 1 + random.nextInt(batch);
            for (int i = 0; i < count; i++)
            {
                final int ue = random.nextInt(located.length);
                ueIds[i] = ueId(ue);
                // A right hint, none, or another UE's entry.
                final int kind = random.nextInt(4);
                hints[i] = kind == 0 ? ContextTable.ABSENT : kind == 1 ? random.nextInt(table.entries()) : located[ue];
            }
            table.readNextHops(ueIds, count, probed, probedNhs);
            table.readNextHops(ueIds, hints, count, read, readNhs);
            assertArrayEquals(Arrays.copyOf(probed, count), Arrays.copyOf(read, count), "NCCs of round " + round);
            for (int i = 0; i < count; i++)
            {
                if (probed[i] != ContextTable.ABSENT)
                {
                    assertArrayEquals(Arrays.copyOfRange(probedNhs, 32 * i, 32 * i + 32),
                        Arrays.copyOfRange(readNhs, 32 * i, 32 * i + 32), "NH of UE " + i + " in round " + round);
                }
            }
        }
    }

    @Test
    void locatedAdvancesStepTheSameChainsAsProbedOnes()
    {
        final int ues = 1_000;
        final ContextTable probedTable = table(ues);
        final ContextTable locatedTable = table(ues);
        for (int i = 0; i < ues; i++)
        {
            insertRandom(probedTable, ueId(i));
            insertRandom(locatedTable, ueId(i));
        }
        final int[] located = new int[ues + 50];
        for (int i = 0; i < located.length; i++)
        {
            located[i] = locatedTable.locate(ueId(i));
        }
        for (int i = 0; i < ues; i += 5)
        {
            // Moved after it was located: its hint may now name another UE's entry or a free one.
            assertTrue(locatedTable.delete(ueId(i)));
            assertTrue(probedTable.delete(ueId(i)));
            insertRandom(locatedTable, ueId(i));
            insertRandom(probedTable, ueId(i));
        }
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        final long[] ueIds = new long[32];
        final int[] hints = new int[32];
        final int[] probed = new int[32];
        final int[] advanced = new int[32];
        final byte[] probedNh = new byte[32];
        final byte[] locatedNh = new byte[32];
        for (int round = 0; round < 100; round++)
        {
            final int count = 1 + random.nextInt(32);
            for (int i = 0; i < count; i++)
            {
                final int ue = random.nextInt(located.length);
                ueIds[i] = ueId(ue);
                final int kind = random.nextInt(3);
                hints[i] = kind == 0 ? ContextTable.ABSENT : kind == 1 ? random.nextInt(locatedTable.entries()) : located[ue];
            }
            probedTable.advanceNextHops(ueIds, count, cursor, probed);
            locatedTable.advanceNextHops(ueIds, hints, count, cursor, advanced);
            assertArrayEquals(Arrays.copyOf(probed, count), Arrays.copyOf(advanced, count), "NCCs of round " + round);
            for (int i = 0; i < count; i++)
            {
                assertEquals(probedTable.readNextHop(ueIds[i], probedNh, 0), locatedTable.readNextHop(ueIds[i], locatedNh, 0));
                assertArrayEquals(probedNh, locatedNh, "NH of UE " + i + " in round " + round);
            }
        }
        final int[] nccs = {42};
        final byte[] before = nhCopy(locatedTable, ueId(1));
        assertEquals("hints[0]", assertThrows(InvalidParameterException.class,
            () -> locatedTable.advanceNextHops(new long[] {ueId(1)}, new int[] {locatedTable.entries()}, 1, cursor, nccs))
            .parameter());
        assertEquals(42, nccs[0], "a refused batch writes no NCC");
        assertArrayEquals(before, nhCopy(locatedTable, ueId(1)), "a refused batch steps no chain");
    }

    @Test
    void locatedReadsRefuseHintsOutsideTheTableAndReadNothing()
    {
        final ContextTable table = table(100);
        for (int i = 0; i < 10; i++)
        {
            insertRandom(table, ueId(i));
        }
        final long[] ueIds = {ueId(0), ueId(1), ueId(2)};
        final int[] nccs = {42, 42, 42};
        final byte[] nhs = filled(96, (byte)7);
        for (final int bad : new int[] {-2, table.entries(), Integer.MAX_VALUE, Integer.MIN_VALUE})
        {
            final int[] hints = {table.locate(ueIds[0]), bad, ContextTable.ABSENT};
            final InvalidParameterException refused = assertThrows(InvalidParameterException.class,
                () -> table.readNextHops(ueIds, hints, 3, nccs, nhs));
            assertEquals("hints[1]", refused.parameter());
        }
        assertEquals("hints", assertThrows(InvalidParameterException.class,
            () -> table.readNextHops(ueIds, new int[2], 3, nccs, nhs)).parameter());
        assertEquals("hints", assertThrows(InvalidParameterException.class,
            () -> table.readNextHops(ueIds, null, 3, nccs, nhs)).parameter());
        assertArrayEquals(new int[] {42, 42, 42}, nccs, "a refused batch writes no NCC");
        assertArrayEquals(filled(96, (byte)7), nhs, "a refused batch writes no NH");
        table.close();
        assertThrows(IllegalStateException.class, () -> table.locate(ueIds[0]));
        assertThrows(IllegalStateException.class, () -> table.readNextHops(ueIds, new int[3], 3, nccs, nhs));
    }

    @Test
    void readKamfGivesTheSnapshotsKamfAndRefusesByName()
    {
        final ContextTable table = table(100);
        final byte[] kamf = new byte[40];
        for (int i = 0; i < 50; i++)
        {
            insertRandom(table, ueId(i));
            assertTrue(table.readKamf(ueId(i), kamf, 8));
            assertTrue(table.read(ueId(i), snapshot));
            final byte[] expectedKamf = new byte[32];
            snapshot.copyKamf(expectedKamf, 0);
            assertArrayEquals(expectedKamf, Arrays.copyOfRange(kamf, 8, 40), "UE " + i);
        }
        Arrays.fill(kamf, (byte)7);
        assertFalse(table.readKamf(ueId(99), kamf, 4));
        final byte[] expectedOutput = filled(40, (byte)7);
        Arrays.fill(expectedOutput, 4, 36, (byte)0);
        assertArrayEquals(expectedOutput, kamf, "an absent UE's KAMF reads as zeroes, the rest of the array as it was");
        assertEquals("kamf-offset",
            assertThrows(InvalidParameterException.class, () -> table.readKamf(ueId(1), new byte[40], 9)).parameter());
        assertEquals("kamf", assertThrows(InvalidParameterException.class, () -> table.readKamf(ueId(1), null, 0)).parameter());
    }

    private static byte[] filled(final int length, final byte value)
    {
        final byte[] array = new byte[length];
        Arrays.fill(array, value);
        return array;
    }

    @Test
    void prefetchingChangesNothingAndRefusesBadBatchesByName()
    {
        final ContextTable table = table(1000);
        final long[] batch = new long[300];
        for (int i = 0; i < batch.length; i++)
        {
            batch[i] = ueId(i);
            if (i % 3 != 2)
            {
                insertRandom(table, batch[i]);
            }
        }
        final byte[][] before = new byte[batch.length][];
        for (int i = 0; i < batch.length; i++)
        {
            before[i] = table.read(batch[i], snapshot) ? snapshot.buffer().byteArray().clone() : null;
        }
        // More UEs than the per-thread address scratch starts with, and none at all.
        table.prefetchHomes(batch, batch.length);
        table.prefetchHomes(batch, 0);
        table.prefetch(batch, batch.length);
        table.prefetchKeyChains(batch, batch.length);
        for (int i = 0; i < batch.length; i++)
        {
            assertEquals(before[i] != null, table.read(batch[i], snapshot), "UE " + i + " still there, or still absent");
            if (before[i] != null)
            {
                assertArrayEquals(before[i], snapshot.buffer().byteArray(), "UE " + i + "'s context unchanged");
            }
        }
        assertEquals(HmacEngines.nativeStatus().loaded(), NativePrefetch.available(), "the prefetch comes with the native library");
        final UnsafeBuffer eight = new UnsafeBuffer(ByteBuffer.allocateDirect(8 * Long.BYTES));
        NativePrefetch.prefetch(eight, 8);
        // Any address, for reading or writing, never faults and writes nothing.
        final UnsafeBuffer target = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        target.putLong(0, 0x1122_3344_5566_7788L);
        eight.putLong(0, target.addressOffset() | NativePrefetch.FOR_WRITE);
        eight.putLong(8, 0xFFFF_FFFF_FFFF_FFC0L | NativePrefetch.FOR_WRITE);
        eight.putLong(16, 1L);
        eight.putLong(24, target.addressOffset());
        NativePrefetch.prefetch(eight, 4);
        assertEquals(0x1122_3344_5566_7788L, target.getLong(0));
        assertEquals("count", assertThrows(InvalidParameterException.class, () -> NativePrefetch.prefetch(eight, 9)).parameter());
        assertEquals("addresses", assertThrows(InvalidParameterException.class,
            () -> NativePrefetch.prefetch(new UnsafeBuffer(new byte[64]), 1)).parameter());
        assertEquals("addresses", assertThrows(InvalidParameterException.class, () -> NativePrefetch.prefetch(null, 0)).parameter());
        assertEquals("count", assertThrows(InvalidParameterException.class, () -> table.prefetchHomes(batch, 301)).parameter());
        assertEquals("ue-ids", assertThrows(InvalidParameterException.class, () -> table.prefetchHomes(null, 0)).parameter());
        table.close();
        assertThrows(IllegalStateException.class, () -> table.prefetchHomes(batch, 1));
    }

    private byte[] nhCopy(final ContextTable table, final long ueId)
    {
        final byte[] nh = new byte[32];
        table.readNextHop(ueId, nh, 0);
        return nh;
    }

    @Test
    void nasCountsTakeAndNeverGoBack()
    {
        final ContextTable table = table(16);
        table.insert(9, staged.kamf(new byte[32], kdf).downlinkNasCount(10).uplinkNasCount(100));
        assertEquals(10, table.takeDownlinkNasCount(9));
        assertEquals(11, table.takeDownlinkNasCount(9));
        assertEquals(12, table.downlinkNasCount(9));
        assertEquals(ContextTable.REPLAYED, table.acceptUplinkNasCount(9, 99), "below the next expected");
        assertEquals(151, table.acceptUplinkNasCount(9, 150));
        assertEquals(ContextTable.REPLAYED, table.acceptUplinkNasCount(9, 150), "a COUNT accepted once is a replay");
        assertEquals(ContextTable.REPLAYED, table.acceptUplinkNasCount(9, 120), "a lower COUNT leaves the stored one");
        assertEquals(151, table.uplinkNasCount(9));

        final InvalidParameterException bad = assertThrows(
            InvalidParameterException.class, () -> table.acceptUplinkNasCount(9, 1L << 24));
        assertEquals("ul-count", bad.parameter());
        assertEquals("0..16777215", bad.allowed());
        assertEquals(151, table.uplinkNasCount(9));

        Claims.update(table, 9, cursor, context -> context.downlinkNasCount(SecurityContext.MAX_NAS_COUNT));
        assertEquals(ContextTable.EXHAUSTED, table.takeDownlinkNasCount(9), "a result, not an exception");
        assertEquals(SecurityContext.MAX_NAS_COUNT, table.downlinkNasCount(9), "unchanged");

        assertEquals(SecurityContext.MAX_NAS_COUNT, table.acceptUplinkNasCount(9, SecurityContext.MAX_NAS_COUNT - 1));
        assertEquals(ContextTable.EXHAUSTED, table.acceptUplinkNasCount(9, SecurityContext.MAX_NAS_COUNT),
            "the last COUNT is never accepted, as the procedures refuse it");
        assertEquals(SecurityContext.MAX_NAS_COUNT, table.uplinkNasCount(9), "unchanged");
    }

    @Test
    void swapExchangesContextsAndRecomputesTheSchedule()
    {
        final ContextTable table = table(16);
        final SplittableRandom random = new SplittableRandom(5);
        final byte[] current = Contexts.key(random);
        final byte[] next = Contexts.key(random);
        table.insert(1, staged.kamf(current, kdf).ngKsi(NgKsi.of(2, false)).nonCurrent(next, NgKsi.of(3, false)));
        table.insert(2, staged.kamf(current, kdf).ngKsi(NgKsi.of(2, false)).dropNonCurrent());

        assertTrue(Claims.swap(table, 1, cursor));
        assertTrue(table.read(1, snapshot));
        final byte[] read = new byte[32];
        snapshot.copyKamf(read, 0);
        assertArrayEquals(next, read);
        snapshot.copyNonCurrentKamf(read, 0);
        assertArrayEquals(current, read);
        assertEquals(NgKsi.of(3, false), snapshot.ngKsi());
        assertEquals(NgKsi.of(2, false), snapshot.nonCurrentNgKsi());
        final KeySchedule schedule = kdf.newSchedule(next);
        for (int word = 0; word < 8; word++)
        {
            assertEquals(schedule.innerWord(word), snapshot.kamfSchedule().innerWord(word));
            assertEquals(schedule.outerWord(word), snapshot.kamfSchedule().outerWord(word));
        }

        final SecurityContext before = new SecurityContext();
        table.read(2, before);
        assertThrows(IllegalStateException.class, () -> Claims.swap(table, 2, cursor));
        table.read(2, snapshot);
        assertTrue(Contexts.sameBytes(before, snapshot), "a refused swap changes nothing");
    }

    @Test
    void failedUpdateRestoresTheContext()
    {
        final ContextTable table = table(16);
        insertRandom(table, 3);
        final InvalidParameterException bad = assertThrows(InvalidParameterException.class, () -> Claims.update(table, 3, cursor,
            context -> context.downlinkNasCount(77).ngKsi(NgKsi.of(1, true)).nasAlgorithms(16, 0)));
        assertEquals("nas-enc", bad.parameter());
        assertHolds(table, 3);

        assertTrue(Claims.update(table, 3, cursor, context -> context.procedureState(ProcedureStateDescriptor.PROCEDURE_NAS_SMC)));
        table.read(3, snapshot);
        assertEquals(ProcedureStateDescriptor.PROCEDURE_NAS_SMC, snapshot.procedureState());
    }

    @Test
    void badArgumentsNameTheParameterAndRange()
    {
        final InvalidParameterException capacity = assertThrows(InvalidParameterException.class, () -> new ContextTable(0));
        assertEquals("capacity", capacity.parameter());
        assertEquals("1.." + ContextTable.MAX_CAPACITY, capacity.allowed());
        final InvalidParameterException loadFactor = assertThrows(
            InvalidParameterException.class, () -> new ContextTable(10, 0.99, false));
        assertEquals("load-factor", loadFactor.parameter());
        assertEquals("0.25..0.9", loadFactor.allowed());

        final ContextTable table = table(4);
        insertRandom(table, 1);
        assertEquals("nh-offset", assertThrows(
            InvalidParameterException.class, () -> table.readNextHop(1, new byte[32], 1)).parameter());
        assertEquals("nh", assertThrows(InvalidParameterException.class, () -> table.readNextHop(1, null, 0)).parameter());
        assertEquals("context", assertThrows(InvalidParameterException.class, () -> table.insert(2, null)).parameter());
        assertEquals("ncc", assertThrows(
            InvalidParameterException.class, () -> staged.nextHop(new byte[32], 8)).parameter());
        assertEquals("kamf", assertThrows(
            InvalidParameterException.class, () -> staged.kamf(new byte[31], kdf)).parameter());
        assertEquals("ngksi", assertThrows(InvalidParameterException.class, () -> staged.ngKsi(16)).parameter());
        assertEquals("dl-count", assertThrows(
            InvalidParameterException.class, () -> staged.downlinkNasCount(-1)).parameter());
        assertEquals(1, table.size());
        assertHolds(table, 1);
    }

    @Test
    void noKeyMaterialInToString()
    {
        final ContextTable table = table(4);
        final SplittableRandom random = new SplittableRandom(11);
        final byte[] kamf = Contexts.key(random);
        final byte[] nh = Contexts.key(random);
        staged.kamf(kamf, kdf).nextHop(nh, 3).nonCurrent(Contexts.key(random), 1);
        table.insert(5, staged);
        table.read(5, snapshot);
        final String text = table + " " + snapshot + " " + staged + " " + cursor + " " + snapshot.kamfSchedule();
        for (final byte[] key : new byte[][] {kamf, nh})
        {
            final String hex = HexFormat.of().formatHex(key);
            for (int i = 0; i + 8 <= hex.length(); i += 8)
            {
                assertFalse(text.toLowerCase().contains(hex.substring(i, i + 8)), text);
            }
        }
        assertTrue(snapshot.toString().contains("ncc=3"), snapshot.toString());
    }

    @Test
    void memoryIsKeptOutOfCoreDumps() throws IOException
    {
        final ContextTable table = table(1000);
        assertTrue(table.excludedFromCoreDumps());
        assertTrue(vmFlags(table).contains("dd"), "VmFlags of the table's mapping include dd (MADV_DONTDUMP)");
        assertFalse(table.lockedInRam(), "not locked by default");
    }

    @Test
    void memoryCanBeLockedInRam() throws IOException
    {
        final ContextTable table;
        try
        {
            table = new ContextTable(100, ContextTable.DEFAULT_LOAD_FACTOR, true);
        }
        catch (final IllegalStateException ex)
        {
            // A locked-memory limit too small for the table is reported, naming the option.
            assertTrue(ex.getMessage().startsWith("lock-in-ram: mlock of "), ex.getMessage());
            return;
        }
        tables.add(table);
        assertTrue(table.lockedInRam());
        assertTrue(vmFlags(table).contains("lo"), "VmFlags of the table's mapping include lo (mlock)");
    }

    @Test
    void tenMillionUesFitInAtMost320BytesEach()
    {
        final ContextTable table = table(10_000_000);
        assertTrue(table.bytesPerUe() <= 320, "bytes per UE " + table.bytesPerUe());
        insertRandom(table, 123);
        assertHolds(table, 123);
    }

    @Test
    void closedTableRefusesUse()
    {
        final ContextTable table = new ContextTable(4);
        insertRandom(table, 1);
        table.close();
        table.close();
        assertThrows(IllegalStateException.class, () -> table.read(1, snapshot));
        assertTrue(table.toString().contains("closed"));
    }

    private static long[] sameHome(final ContextTable table, final int count)
    {
        final long[] found = new long[count];
        final int home = table.homeEntry(1000);
        found[0] = 1000;
        int n = 1;
        for (long candidate = 1001; n < count; candidate++)
        {
            if (table.homeEntry(candidate) == home)
            {
                found[n++] = candidate;
            }
        }
        assertNotEquals(found[0], found[1]);
        return found;
    }

    private static boolean allEqual(final byte[] bytes, final byte value)
    {
        for (final byte b : bytes)
        {
            if (b != value)
            {
                return false;
            }
        }
        return true;
    }

    @Test
    void prefaultBringsThePagesInAndChangesNoEntry() throws IOException
    {
        try (ContextTable table = new ContextTable(200_000))
        {
            final SecurityContext context = new SecurityContext();
            final byte[] kamf = new byte[32];
            for (long ueId = 1; ueId <= 1_000; ueId++)
            {
                context.clear();
                kamf[0] = (byte)ueId;
                context.kamf(kamf, kdf).uplinkNasCount(ueId).downlinkNasCount(2 * ueId);
                assertTrue(table.insert(ueId, context));
            }
            final long rssBefore = rssKilobytes(table);
            final boolean populated = table.prefault();
            final long rssAfter = rssKilobytes(table);
            final String[] release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim().split("[.-]");
            final boolean kernelCan = Integer.parseInt(release[0]) > 5 ||
                Integer.parseInt(release[0]) == 5 && Integer.parseInt(release[1]) >= 14;
            assertEquals(kernelCan, populated, "MADV_POPULATE_WRITE exists from Linux 5.14");
            if (populated)
            {
                // Every page is resident now: at least the whole table (in kB), whatever was before.
                assertTrue(rssAfter >= table.memoryBytes() / 1024 - 4, "Rss " + rssBefore + " kB -> " + rssAfter +
                    " kB of " + table.memoryBytes() / 1024);
            }
            final SecurityContext read = new SecurityContext();
            for (long ueId = 1; ueId <= 1_000; ueId++)
            {
                assertTrue(table.read(ueId, read));
                assertEquals(ueId, read.uplinkNasCount());
                assertEquals(2 * ueId, read.downlinkNasCount());
            }
            assertEquals(1_000, table.size());
        }
    }

    private static long rssKilobytes(final ContextTable table) throws IOException
    {
        return Long.parseLong(Smaps.line(table, "Rss:").replaceAll("[^0-9]", ""));
    }

    /** The VmFlags line of the mapping that holds the table's memory. */
    private static String vmFlags(final ContextTable table) throws IOException
    {
        return Smaps.line(table, "VmFlags:");
    }
}

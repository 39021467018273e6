package org.amfkeys.context;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch's sweep gives every UE the entry its probe gives, whichever way it runs: the native probe
 * prefetch (which reads the index without locks and answers for the UEs in their first two lines) and
 * the loads in Java. The table is full to its largest load factor, with UEs at every distance from their
 * home (past the line, past two lines, round the end of the index), entries freed and taken again, and
 * absent UEs, freed ones included; batches run past one native call's chunk; the batched NH reads equal
 * the single ones.
 */
class SlotMapTouchBatchTest
{
    private static final int CAPACITY = 3_000;
    private static final int CROWDED = 12;

    @Test
    void everyWayOfTouchingABatchFindsWhatTheProbeFinds()
    {
        assertEquals(HmacEngines.nativeStatus().loaded(), ProbePrefetch.available(),
            "the probe prefetch comes with the native library");
        try (ContextTable table = new ContextTable(CAPACITY, ContextTable.MAX_LOAD_FACTOR, false); Kdf kdf = new Kdf())
        {
            final SlotMap slots = table.slots();
            final SplittableRandom random = new SplittableRandom(0x5107_BA7CL);
            final List<Long> deleted = new ArrayList<>();
            final List<Long> live = fill(table, slots, kdf, random, deleted);
            final List<Long> absent = new ArrayList<>(List.of(-1L, 0L, Long.MIN_VALUE, 0x7E57_0001L, 0x7E57_0002L));
            // Their entries are free now but still hold their identifiers.
            absent.addAll(deleted);
            assertTrue(deleted.size() > 100, "UEs deleted and not inserted again: " + deleted.size());
            assertEveryDistanceIsThere(slots, live);
            if (ProbePrefetch.available())
            {
                assertHintsArePrecise(slots, live, absent);
            }

            final long[] batch = new long[2 * SlotMap.PREFETCH_CHUNK + 88];
            final int[] byProbes = new int[batch.length];
            final int[] byLoads = new int[batch.length];
            final int[] expected = new int[batch.length];
            for (int round = 0; round < 1_000; round++)
            {
                final int count = round % 10 == 0 ? 1 + random.nextInt(batch.length) : 1 + random.nextInt(64);
                for (int i = 0; i < count; i++)
                {
                    batch[i] = random.nextInt(10) == 0 ? absent.get(random.nextInt(absent.size())) :
                        live.get(random.nextInt(live.size()));
                    expected[i] = slots.entryOf(batch[i]);
                }
                slots.touchBatchByLoads(batch, count, SlotMap.SLOT_LINES_ALL, byLoads);
                assertArrayEquals(Arrays.copyOf(expected, count), Arrays.copyOf(byLoads, count), "loads, round " + round);
                if (ProbePrefetch.available())
                {
                    slots.touchBatchByProbePrefetch(batch, count, SlotMap.SLOT_LINE_NH, byProbes);
                    assertArrayEquals(Arrays.copyOf(expected, count), Arrays.copyOf(byProbes, count),
                        "probe prefetch, round " + round);
                }
                assertBatchedReadsEqualSingleOnes(table, batch, count);
            }
        }
    }

    /**
     * Fills the table to its capacity: crowds of UEs sharing a home line (the last line of the index, whose
     * probes go on at the first, and one in the middle), random UEs, then a third of them deleted and half
     * as many inserted again, the rest new, into the entries the deletes freed.
     */
    private static List<Long> fill(
        final ContextTable table, final SlotMap slots, final Kdf kdf, final SplittableRandom random, final List<Long> deleted)
    {
        final SecurityContext staged = new SecurityContext();
        final List<Long> live = new ArrayList<>();
        final int lastLine = slots.entries() / SlotMap.ENTRIES_PER_LINE - 1;
        for (final int line : new int[] {lastLine, lastLine / 2})
        {
            int crowd = 0;
            for (long ueId = 1; crowd < CROWDED; ueId++)
            {
                if (slots.home(SlotMap.hash(ueId)) / SlotMap.ENTRIES_PER_LINE == line)
                {
                    insert(table, staged, kdf, ueId, live);
                    crowd++;
                }
            }
        }
        while (live.size() < CAPACITY)
        {
            insert(table, staged, kdf, random.nextLong(), live);
        }
        // The crowds stay: the wrap round the index's end is what they are there for.
        for (int i = 0; i < CAPACITY / 3; i++)
        {
            final long ueId = live.remove(2 * CROWDED + random.nextInt(live.size() - 2 * CROWDED));
            assertTrue(table.delete(ueId));
            deleted.add(ueId);
        }
        while (live.size() < CAPACITY)
        {
            final long ueId = random.nextBoolean() ? deleted.remove(deleted.size() - 1) : random.nextLong();
            insert(table, staged, kdf, ueId, live);
        }
        return live;
    }

    private static void insert(
        final ContextTable table, final SecurityContext staged, final Kdf kdf, final long ueId, final List<Long> live)
    {
        if (ueId != 0 && !table.contains(ueId))
        {
            assertTrue(table.insert(ueId, Contexts.random(staged, 0x5107L, ueId, kdf)));
            live.add(ueId);
        }
    }

    private static void assertEveryDistanceIsThere(final SlotMap slots, final List<Long> live)
    {
        // At home, elsewhere in the home line, in the next line, further.
        final int[] byPlace = new int[4];
        boolean wrapped = false;
        final int lastLine = slots.entries() / SlotMap.ENTRIES_PER_LINE - 1;
        for (final long ueId : live)
        {
            final int home = slots.home(SlotMap.hash(ueId));
            final int entry = slots.entryOf(ueId);
            final int distance = SlotMap.distance(slots.entries(), home, entry);
            byPlace[distance == 0 ? 0 : Math.min(3, 1 + distance / SlotMap.ENTRIES_PER_LINE)]++;
            wrapped |= home / SlotMap.ENTRIES_PER_LINE == lastLine && entry < SlotMap.ENTRIES_PER_LINE;
        }
        for (final int count : byPlace)
        {
            assertTrue(count > 0, "UEs at home, in the home line, one line and two lines past: " + Arrays.toString(byPlace));
        }
        assertTrue(wrapped, "a UE of the last line's crowd sits in the first line");
    }

    /**
     * The native call's own answers, before any probe in Java fills the gaps: the entry of every UE within
     * its first two index lines, and -1 for every other UE, absent ones and those whose entry was freed
     * included.
     */
    private static void assertHintsArePrecise(final SlotMap slots, final List<Long> live, final List<Long> absent)
    {
        final List<Long> all = new ArrayList<>(live);
        all.addAll(absent);
        final UnsafeBuffer probes = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            SlotMap.PREFETCH_CHUNK * ProbePrefetch.PROBE_LENGTH, SlotMap.CACHE_LINE));
        int withinTwoLines = 0;
        for (int from = 0; from < all.size(); from += SlotMap.PREFETCH_CHUNK)
        {
            final int count = Math.min(SlotMap.PREFETCH_CHUNK, all.size() - from);
            for (int i = 0; i < count; i++)
            {
                probes.putLong(i * ProbePrefetch.PROBE_LENGTH, slots.home(SlotMap.hash(all.get(from + i))));
                probes.putLong(i * ProbePrefetch.PROBE_LENGTH + Long.BYTES, all.get(from + i));
            }
            ProbePrefetch.prefetch(probes, count, slots, SlotMap.SLOT_LINES_ALL);
            for (int i = 0; i < count; i++)
            {
                final long ueId = all.get(from + i);
                final int entry = slots.entryOf(ueId);
                final boolean near = entry >= 0 &&
                    SlotMap.distance(slots.entries(), slots.home(SlotMap.hash(ueId)), entry) < 2 * SlotMap.ENTRIES_PER_LINE;
                withinTwoLines += near ? 1 : 0;
                assertEquals(near ? entry : -1, probes.getLong(i * ProbePrefetch.PROBE_LENGTH), "hint for UE " + ueId);
            }
        }
        assertTrue(withinTwoLines > 0 && withinTwoLines < live.size(), "UEs within two lines: " + withinTwoLines);
    }

    private static void assertBatchedReadsEqualSingleOnes(final ContextTable table, final long[] batch, final int count)
    {
        final int[] nccs = new int[count];
        final byte[] nhs = new byte[32 * count];
        table.readNextHops(batch, count, nccs, nhs);
        final byte[] nh = new byte[32];
        for (int i = 0; i < count; i++)
        {
            final int ncc = table.readNextHop(batch[i], nh, 0);
            assertEquals(ncc, nccs[i], "NCC of UE " + i);
            if (ncc != ContextTable.ABSENT)
            {
                assertArrayEquals(nh, Arrays.copyOfRange(nhs, 32 * i, 32 * i + 32), "NH of UE " + i);
            }
        }
    }
}

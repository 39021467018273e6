package org.amfkeys.context;

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
 * absent UEs; the batched NH reads then equal the single ones.
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
            final List<Long> live = fill(table, slots, kdf, random);
            final long[] absent = {-1L, 0L, Long.MIN_VALUE, 0x7E57_0001L, 0x7E57_0002L};

            final int[] byDistance = new int[4];
            for (final long ueId : live)
            {
                final int home = slots.home(SlotMap.hash(ueId));
                final int distance = SlotMap.distance(slots.entries(), home, slots.entryOf(ueId));
                byDistance[Math.min(3, distance / SlotMap.ENTRIES_PER_LINE + (distance == 0 ? 0 : 1))]++;
            }
            for (int i = 0; i < byDistance.length; i++)
            {
                assertTrue(byDistance[i] > 0, "UEs at home, in the home line, one line and two lines past: " +
                    Arrays.toString(byDistance));
            }

            final long[] batch = new long[64];
            final int[] byProbes = new int[64];
            final int[] byLoads = new int[64];
            final int[] expected = new int[64];
            for (int round = 0; round < 2_000; round++)
            {
                final int count = 1 + random.nextInt(batch.length);
                for (int i = 0; i < count; i++)
                {
                    batch[i] = random.nextInt(20) == 0 ? absent[random.nextInt(absent.length)] :
                        live.get(random.nextInt(live.size()));
                    expected[i] = slots.entryOf(batch[i]);
                }
                slots.touchBatchByLoads(batch, count, SlotMap.SLOT_LINES_ALL, byLoads);
                assertArrayEquals(Arrays.copyOf(expected, count), Arrays.copyOf(byLoads, count),
                    "loads, round " + round);
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
     * probes go on at the first, and one in the middle), random UEs, then a third of them deleted and as
     * many inserted again, old and new, into the entries the deletes freed.
     */
    private static List<Long> fill(final ContextTable table, final SlotMap slots, final Kdf kdf, final SplittableRandom random)
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
        final List<Long> deleted = new ArrayList<>();
        for (int i = 0; i < CAPACITY / 3; i++)
        {
            final long ueId = live.remove(random.nextInt(live.size()));
            assertTrue(table.delete(ueId));
            deleted.add(ueId);
        }
        while (live.size() < CAPACITY)
        {
            final long ueId = random.nextBoolean() && !deleted.isEmpty() ? deleted.remove(deleted.size() - 1) : random.nextLong();
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

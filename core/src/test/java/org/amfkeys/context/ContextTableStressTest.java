package org.amfkeys.context;

import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every core updates and reads a few thousand hot UEs at once, and each reader checks, on every
 * context it sees, what must hold whatever the interleaving:
 * <ul>
 *     <li>NH and NCC advanced together: the NH seen lies on the UE's chain, k steps after the last NH
 *     this thread saw, and NCC moved by k too (mod 8), whether read alone or in a batch;</li>
 *     <li>COUNTs never go back, and neither does the tag of the multi-field update;</li>
 *     <li>no slot ever holds a mix of two writes: the fields one update writes together all carry the
 *     same tag.</li>
 * </ul>
 * At the end no update is lost: every UE's NH is exactly as many steps along its chain as NH advances
 * were made, its DL COUNT equals the COUNTs taken, its tag the updates made.
 */
class ContextTableStressTest
{
    private static final int HOT_UES = 4096;
    private static final long TOTAL_OPERATIONS = 10_000_000L;
    private static final int LONGEST_WALK = 1 << 16;
    private static final int BATCH = 16;

    private final int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private final long[] ueIds = new long[HOT_UES];
    private final byte[][] initialNh = new byte[HOT_UES][];
    private final KeySchedule[] kamfSchedules = new KeySchedule[HOT_UES];
    private final AtomicReference<String> failure = new AtomicReference<>();

    @Test
    void invariantsHoldUnderConcurrentUpdatesAndReads() throws Exception
    {
        try (ContextTable table = new ContextTable(2 * HOT_UES); Kdf kdf = new Kdf())
        {
            final SplittableRandom random = new SplittableRandom(0xC0FFEE);
            final SecurityContext staged = new SecurityContext();
            for (int ue = 0; ue < HOT_UES; ue++)
            {
                ueIds[ue] = random.nextLong();
                final byte[] kamf = Contexts.key(random);
                initialNh[ue] = Contexts.key(random);
                kamfSchedules[ue] = kdf.newSchedule(kamf);
                staged.clear();
                staged.kamf(kamf, kdf).nextHop(initialNh[ue], 0);
                Tagged.write(staged, 0);
                assertTrue(table.insert(ueIds[ue], staged));
            }

            final CyclicBarrier start = new CyclicBarrier(threads);
            final List<Worker> workers = new ArrayList<>();
            final List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final Worker worker = new Worker(table, start, TOTAL_OPERATIONS / threads + 1, 1000 + t);
                workers.add(worker);
                final Thread thread = new Thread(worker, "stress-" + t);
                running.add(thread);
                thread.start();
            }
            for (final Thread thread : running)
            {
                thread.join();
            }
            assertNull(failure.get());

            long operations = 0;
            final SecurityContext snapshot = new SecurityContext();
            final byte[] nh = new byte[32];
            for (int ue = 0; ue < HOT_UES; ue++)
            {
                long advances = 0;
                long taken = 0;
                long tags = 0;
                for (final Worker worker : workers)
                {
                    advances += worker.advances[ue];
                    taken += worker.taken[ue];
                    tags += worker.tags[ue];
                }
                assertTrue(table.read(ueIds[ue], snapshot));
                byte[] expected = initialNh[ue];
                for (long step = 0; step < advances; step++)
                {
                    expected = nextOnChain(kdf, ue, expected);
                }
                snapshot.copyNextHop(nh, 0);
                assertArrayEquals(expected, nh, "UE " + ue + ": NH is " + advances + " steps along its chain");
                assertEquals(advances & 7, snapshot.ncc(), "UE " + ue + ": NCC");
                assertEquals(taken, snapshot.downlinkNasCount(), "UE " + ue + ": every DL COUNT taken once");
                assertEquals(tags, Tagged.tag(snapshot), "UE " + ue + ": every update kept");
            }
            for (final Worker worker : workers)
            {
                operations += worker.operations;
            }
            assertTrue(operations >= TOTAL_OPERATIONS, "operations " + operations);
        }
    }

    private byte[] nextOnChain(final Kdf kdf, final int ue, final byte[] nh)
    {
        final byte[] next = new byte[32];
        kdf.nh(kamfSchedules[ue], nh, next, 0);
        return next;
    }

    private void fail(final String message)
    {
        failure.compareAndSet(null, message);
    }

    /**
     * The fields one multi-field update writes together, all derived from one tag.
     */
    static final class Tagged
    {
        static void write(final SecurityContext context, final long tag)
        {
            context.ueSecurityCapabilities((int)tag);
            context.smcCompleteUplinkCount((tag * 0x9E3779B1L) & SecurityContext.MAX_NAS_COUNT);
            context.nasAlgorithms((int)(tag & 3), (int)((tag >>> 2) & 3));
            context.procedureState((int)(tag >>> 4) & 7);
            final byte[] kamf = new byte[32];
            for (int i = 0; i < 32; i++)
            {
                kamf[i] = (byte)(tag * (i + 1));
            }
            context.nonCurrent(kamf, (int)(tag % 7));
        }

        static long tag(final SecurityContext context)
        {
            return context.ueSecurityCapabilities();
        }

        static boolean consistent(final SecurityContext context, final byte[] scratch)
        {
            final long tag = context.ueSecurityCapabilities();
            context.copyNonCurrentKamf(scratch, 0);
            for (int i = 0; i < 32; i++)
            {
                if (scratch[i] != (byte)(tag * (i + 1)))
                {
                    return false;
                }
            }
            return context.smcCompleteUplinkCount() == ((tag * 0x9E3779B1L) & SecurityContext.MAX_NAS_COUNT) &&
                context.nasCipheringAlgorithm() == (tag & 3) &&
                context.nasIntegrityAlgorithm() == ((tag >>> 2) & 3) &&
                context.procedureState() == ((int)(tag >>> 4) & 7) &&
                context.nonCurrentNgKsi() == (int)(tag % 7) &&
                context.hasNonCurrent();
        }
    }

    private final class Worker implements Runnable
    {
        final long[] advances = new long[HOT_UES];
        final long[] taken = new long[HOT_UES];
        final long[] tags = new long[HOT_UES];
        long operations;

        private final ContextTable table;
        private final CyclicBarrier start;
        private final long quota;
        private final SplittableRandom random;
        private final Kdf kdf = new Kdf();
        private final ContextCursor cursor = new ContextCursor(new Kdf());
        private final SecurityContext snapshot = new SecurityContext();
        private final byte[][] lastNh = new byte[HOT_UES][];
        private final int[] lastNcc = new int[HOT_UES];
        private final long[] lastUplink = new long[HOT_UES];
        private final long[] lastDownlink = new long[HOT_UES];
        private final long[] lastTag = new long[HOT_UES];
        private final byte[] nh = new byte[32];
        private final byte[] walk = new byte[32];
        private final byte[] scratch = new byte[32];
        private final int[] batchUes = new int[BATCH];
        private final long[] batchIds = new long[BATCH];
        private final int[] batchNccs = new int[BATCH];
        private final byte[] batchNhs = new byte[BATCH * 32];

        Worker(final ContextTable table, final CyclicBarrier start, final long quota, final long seed)
        {
            this.table = table;
            this.start = start;
            this.quota = quota;
            this.random = new SplittableRandom(seed);
            for (int ue = 0; ue < HOT_UES; ue++)
            {
                lastNh[ue] = initialNh[ue].clone();
            }
        }

        public void run()
        {
            try (kdf; cursor)
            {
                start.await();
                for (; operations < quota && failure.get() == null; operations++)
                {
                    final int ue = random.nextInt(HOT_UES);
                    final long ueId = ueIds[ue];
                    final int operation = random.nextInt(100);
                    if (operation < 30)
                    {
                        check(table.read(ueId, snapshot), ue, "read");
                        snapshot.copyNextHop(nh, 0);
                        checkChain(ue, snapshot.ncc());
                        checkCounts(ue, snapshot.uplinkNasCount(), snapshot.downlinkNasCount());
                        final long tag = Tagged.tag(snapshot);
                        check(Tagged.consistent(snapshot, scratch), ue, "a slot mixes two updates (tag " + tag + ")");
                        check(tag >= lastTag[ue], ue, "tag went back from " + lastTag[ue] + " to " + tag);
                        lastTag[ue] = tag;
                    }
                    else if (operation < 40)
                    {
                        final int ncc = table.readNextHop(ueId, nh, 0);
                        check(ncc >= 0, ue, "readNextHop");
                        checkChain(ue, ncc);
                    }
                    else if (operation < 45)
                    {
                        readNextHops();
                    }
                    else if (operation < 55)
                    {
                        check(table.advanceNextHop(ueId, cursor) >= 0, ue, "advanceNextHop");
                        advances[ue]++;
                    }
                    else if (operation < 60)
                    {
                        advanceNextHops();
                    }
                    else if (operation < 75)
                    {
                        final long count = table.takeDownlinkNasCount(ueId);
                        check(count >= lastDownlink[ue], ue, "DL COUNT went back from " + lastDownlink[ue] + " to " + count);
                        lastDownlink[ue] = count + 1;
                        taken[ue]++;
                    }
                    else if (operation < 85)
                    {
                        final long offered = lastUplink[ue] + random.nextInt(4);
                        final long next = table.acceptUplinkNasCount(ueId, offered);
                        check(next == ContextTable.REPLAYED || next > offered, ue,
                            "UL COUNT " + offered + " accepted but next expected is " + next);
                        if (next > 0)
                        {
                            lastUplink[ue] = next;
                        }
                    }
                    else
                    {
                        check(Claims.update(table, ueId, cursor, context -> Tagged.write(context, Tagged.tag(context) + 1)), ue, "update");
                        tags[ue]++;
                    }
                }
            }
            catch (final Throwable ex)
            {
                fail(Thread.currentThread().getName() + ": " + ex);
            }
        }

        /** Random hot UEs for a batched call, repeats allowed. */
        private void drawBatch()
        {
            for (int i = 0; i < BATCH; i++)
            {
                batchUes[i] = random.nextInt(HOT_UES);
                batchIds[i] = ueIds[batchUes[i]];
            }
        }

        /** A batch of NH reads, its slots found at the entries its probes gave: each NH on its chain. */
        private void readNextHops()
        {
            drawBatch();
            table.readNextHops(batchIds, BATCH, batchNccs, batchNhs);
            for (int i = 0; i < BATCH; i++)
            {
                check(batchNccs[i] >= 0, batchUes[i], "readNextHops");
                System.arraycopy(batchNhs, i * 32, nh, 0, 32);
                checkChain(batchUes[i], batchNccs[i]);
            }
        }

        /** A batch of NH advances, each counted for the final check that none was lost. */
        private void advanceNextHops()
        {
            drawBatch();
            table.advanceNextHops(batchIds, BATCH, cursor, batchNccs);
            for (int i = 0; i < BATCH; i++)
            {
                check(batchNccs[i] >= 0, batchUes[i], "advanceNextHops");
                advances[batchUes[i]]++;
            }
        }

        /** The NH just read lies on the chain after the last one seen, and NCC moved with it. */
        private void checkChain(final int ue, final int ncc)
        {
            System.arraycopy(lastNh[ue], 0, walk, 0, 32);
            for (int steps = 0; steps <= LONGEST_WALK; steps++)
            {
                if (Arrays.equals(walk, nh))
                {
                    check(((lastNcc[ue] + steps) & 7) == ncc, ue,
                        "NH moved " + steps + " steps but NCC from " + lastNcc[ue] + " to " + ncc);
                    System.arraycopy(nh, 0, lastNh[ue], 0, 32);
                    lastNcc[ue] = ncc;
                    return;
                }
                kdf.nh(kamfSchedules[ue], walk, walk, 0);
            }
            check(false, ue, "NH is not on its chain after the last one seen (torn, or went back)");
        }

        private void checkCounts(final int ue, final long uplink, final long downlink)
        {
            check(uplink >= lastUplink[ue], ue, "UL COUNT went back from " + lastUplink[ue] + " to " + uplink);
            check(downlink >= lastDownlink[ue], ue, "DL COUNT went back from " + lastDownlink[ue] + " to " + downlink);
            lastUplink[ue] = uplink;
            lastDownlink[ue] = downlink;
        }

        private void check(final boolean condition, final int ue, final String what)
        {
            if (!condition)
            {
                fail("UE " + ue + " after " + operations + " operations: " + what);
            }
        }
    }
}

package org.amfkeys.context;

import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ContextTable#advanceNextHops} steps a batch's NH chains in batch kernel calls when the cursor's
 * KDF derives natively: every NCC and NH equal those of stepping each UE on its own in Java, 5G and EPS
 * contexts alike, with absent UEs, a UE twice in one batch and batches of several kernel calls; a UE
 * another thread holds is stepped once it is released, and the rest of its batch does not wait for it.
 */
class ContextTableNextHopBatchTest
{
    private static final long SEED = 0x5EED_0016L;
    private static final int UES = 600;

    private static long ueId(final int index)
    {
        return index * 0x9E3779B97F4A7C15L + 0x1234_5678L;
    }

    /** Twin tables of the same UEs, a third of them EPS contexts (their NH has FC 0x12). */
    private static void fill(final ContextTable table, final Kdf kdf)
    {
        final SecurityContext staged = new SecurityContext();
        for (int i = 0; i < UES; i++)
        {
            Contexts.random(staged, SEED, ueId(i), kdf);
            if (i % 3 == 0)
            {
                staged.contextFlags(staged.contextFlags() | SecurityContext.FLAG_EPS);
            }
            assertTrue(table.insert(ueId(i), staged));
        }
    }

    @Test
    void batchedAdvancesEqualOneByOneAdvancesInJava()
    {
        final boolean batchKernel = HmacEngines.nativeStatus().batchKernel().isPresent();
        try (ContextTable batched = new ContextTable(UES); ContextTable single = new ContextTable(UES);
            Kdf kdf = new Kdf(); ContextCursor nativeCursor = new ContextCursor(new Kdf());
            ContextCursor javaCursor = new ContextCursor(new Kdf(HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE))))
        {
            fill(batched, kdf);
            fill(single, kdf);
            assertEquals(batchKernel && nativeCursor.kdf().engineName().startsWith("native"), nativeCursor.nextHopSteps() != null,
                "the batch kernel is used wherever the native library is");
            assertNull(javaCursor.nextHopSteps(), "a cursor deriving in Java steps one by one");
            final SplittableRandom random = new SplittableRandom(SEED);
            final long[] ueIds = new long[200];
            final int[] nccs = new int[200];
            final byte[] batchedNh = new byte[32];
            final byte[] singleNh = new byte[32];
            for (int round = 0; round < 60; round++)
            {
                final int count = round == 0 ? 200 : 1 + random.nextInt(round % 2 == 0 ? 8 : 200);
                for (int i = 0; i < count; i++)
                {
                    // Some not in the table, and now and then a UE a second time in the same batch.
                    ueIds[i] = i > 0 && random.nextInt(20) == 0 ? ueIds[random.nextInt(i)] : ueId(random.nextInt(UES + 30));
                }
                if (round % 3 == 2)
                {
                    // As an AMF passes the entries it kept: the same steps, reached without probing.
                    final int[] hints = new int[count];
                    for (int i = 0; i < count; i++)
                    {
                        hints[i] = batched.locate(ueIds[i]);
                    }
                    batched.advanceNextHops(ueIds, hints, count, nativeCursor, nccs);
                }
                else
                {
                    batched.advanceNextHops(ueIds, count, nativeCursor, nccs);
                }
                for (int i = 0; i < count; i++)
                {
                    assertEquals(single.advanceNextHop(ueIds[i], javaCursor), nccs[i], "NCC of UE " + i + " in round " + round);
                }
                for (int i = 0; i < count; i++)
                {
                    assertEquals(single.readNextHop(ueIds[i], singleNh, 0), batched.readNextHop(ueIds[i], batchedNh, 0));
                    assertArrayEquals(singleNh, batchedNh, "NH of UE " + i + " in round " + round);
                }
            }
            // The fallback gives the same keys: only this shows the batch kernel computed them.
            assertEquals(0, nativeCursor.nextHopFallbacks(), "no batch fell back to stepping one by one");
        }
    }

    /**
     * A UE whose step cannot be staged (no current KAMF: its schedule was never computed) fails as the single
     * call fails for it, after the rest of its kernel call's UEs were stepped, each once (one by one, the
     * UEs before it); nothing stays locked.
     */
    @Test
    void aUeWhoseStepFailsFailsAsAloneAndTheRestAreStepped()
    {
        try (ContextTable table = new ContextTable(UES + 1); Kdf kdf = new Kdf(); ContextCursor cursor = new ContextCursor(new Kdf()))
        {
            fill(table, kdf);
            final long keyless = ueId(UES + 1);
            // Only a non-current KAMF: no current one, so no schedule to derive NH from.
            assertTrue(table.insert(keyless, new SecurityContext().nonCurrent(new byte[32], 1)));
            final Class<? extends Throwable> alone = assertThrows(RuntimeException.class,
                () -> table.advanceNextHop(keyless, cursor)).getClass();
            final long[] ueIds = {ueId(5), keyless, ueId(6)};
            final byte[] nh = new byte[32];
            final int[] before = {table.readNextHop(ueIds[0], nh, 0), 0, table.readNextHop(ueIds[2], nh, 0)};
            assertEquals(alone, assertThrows(RuntimeException.class,
                () -> table.advanceNextHops(ueIds, ueIds.length, cursor, new int[3])).getClass());
            assertEquals((before[0] + 1) & SecurityContext.MAX_NCC, table.readNextHop(ueIds[0], nh, 0));
            // One by one (no batch kernel for this KDF) the call stops at the failing UE, as it always did.
            final int after = cursor.nextHopSteps() != null ? (before[2] + 1) & SecurityContext.MAX_NCC : before[2];
            assertEquals(after, table.readNextHop(ueIds[2], nh, 0));
            assertEquals(0, table.readNextHop(keyless, nh, 0), "readable: not left locked");
        }
    }

    @Test
    void aUeHeldElsewhereIsSteppedOnceReleasedAndTheRestDoNotWait() throws Exception
    {
        try (ContextTable table = new ContextTable(UES); Kdf kdf = new Kdf(); ContextCursor stepperCursor = new ContextCursor(new Kdf()))
        {
            // One by one, a batch waits for each UE in turn; only the batch kernel's path locks the free ones first.
            Assumptions.assumeTrue(stepperCursor.nextHopSteps() != null, "no native batch kernel for this KDF");
            fill(table, kdf);
            final long[] ueIds = {ueId(1), ueId(2), ueId(3), ueId(4)};
            final int[] before = new int[ueIds.length];
            final byte[] nh = new byte[32];
            for (int i = 0; i < ueIds.length; i++)
            {
                before[i] = table.readNextHop(ueIds[i], nh, 0);
            }
            final CountDownLatch held = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final CompletableFuture<Void> holder = CompletableFuture.runAsync(() ->
            {
                try (ContextCursor cursor = new ContextCursor(new Kdf()))
                {
                    assertNotNull(table.tryClaim(ueIds[2], cursor));
                    held.countDown();
                    release.await();
                    table.commit(cursor);
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            held.await();
            final int[] nccs = new int[ueIds.length];
            final CompletableFuture<Void> stepper = CompletableFuture.runAsync(
                () -> table.advanceNextHops(ueIds, ueIds.length, stepperCursor, nccs));
            // The free UEs are stepped while the held one is still held: the batch never waits holding them.
            for (final int i : new int[] {0, 1, 3})
            {
                while (table.readNextHop(ueIds[i], nh, 0) == before[i] && !stepper.isDone())
                {
                    Thread.onSpinWait();
                }
            }
            // (The held UE is not read here: a reader waits for its holder, which waits for this thread.)
            assertTrue(!stepper.isDone(), "the batch waits for the held UE");
            release.countDown();
            holder.get();
            stepper.get();
            for (int i = 0; i < ueIds.length; i++)
            {
                assertEquals((before[i] + 1) & SecurityContext.MAX_NCC, nccs[i], "UE " + i);
                assertEquals(nccs[i], table.readNextHop(ueIds[i], nh, 0), "UE " + i + " stepped once");
            }
        }
    }
}

package org.amfkeys.context;

import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer claims a UE's slot, changes the context in place, then commits or aborts; an abort puts
 * the slot back byte for byte, and nothing locks on the thread while it holds the claim.
 */
class ContextTableClaimTest
{
    private static final long SEED = 0xC1A1L;

    private final Kdf kdf = new Kdf();
    private final ContextCursor cursor = new ContextCursor(new Kdf());
    private final SecurityContext staged = new SecurityContext();
    private final SecurityContext snapshot = new SecurityContext();
    private final ContextTable table = new ContextTable(64);

    ContextTableClaimTest()
    {
        for (long ueId = 1; ueId <= 8; ueId++)
        {
            assertTrue(table.insert(ueId, Contexts.random(staged, SEED, ueId, kdf)));
        }
    }

    @AfterEach
    void close()
    {
        table.close();
        cursor.close();
        kdf.close();
    }

    @Test
    void aCommittedChangeIsWhatReadersSeeAfterwards()
    {
        final SecurityContext context = table.tryClaim(3, cursor);
        assertNotNull(context);
        assertTrue(cursor.hasClaim());
        context.downlinkNasCount(4_242).nextHop(Contexts.key(new SplittableRandom(1)), 5);
        table.commit(cursor);
        assertFalse(cursor.hasClaim());

        assertTrue(table.read(3, snapshot));
        assertEquals(4_242, snapshot.downlinkNasCount());
        assertEquals(5, snapshot.ncc());
        assertUnchanged(4);
    }

    @Test
    void anAbortPutsEveryOctetBackWhateverWasWritten()
    {
        final SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 200; round++)
        {
            final long ueId = 1 + random.nextInt(8);
            final SecurityContext context = table.tryClaim(ueId, cursor);
            assertNotNull(context);
            // Scribble over the whole slot, not only through the setters.
            for (int i = 0; i < SecurityContextDescriptor.LENGTH; i++)
            {
                context.buffer().putByte(context.offset() + i, (byte)random.nextInt());
            }
            table.abort(cursor);
            assertUnchanged(ueId);
        }
    }

    @Test
    void anAbsentUeClaimsNothing()
    {
        assertNull(table.tryClaim(99, cursor));
        assertFalse(cursor.hasClaim());
        assertThrows(IllegalStateException.class, () -> table.commit(cursor));
        assertThrows(IllegalStateException.class, () -> table.abort(cursor));
        assertNotNull(table.tryClaim(1, cursor), "the thread holds nothing, so it may claim again");
        table.abort(cursor);
    }

    @Test
    void aClaimEndsExactlyOnce()
    {
        table.tryClaim(2, cursor).downlinkNasCount(77);
        table.commit(cursor);
        final IllegalStateException again = assertThrows(IllegalStateException.class, () -> table.commit(cursor));
        assertTrue(again.getMessage().contains("holds no claim"), again.getMessage());
        assertThrows(IllegalStateException.class, () -> table.abort(cursor));
        assertThrows(IllegalStateException.class, () -> table.commitDelete(cursor));
        assertTrue(table.read(2, snapshot));
        assertEquals(77, snapshot.downlinkNasCount(), "the commit stands");
    }

    @Test
    void theContextRefusesEveryUseOnceItsClaimEnded()
    {
        final SecurityContext committed = table.tryClaim(1, cursor);
        table.commit(cursor);
        assertThrows(IllegalStateException.class, () -> committed.downlinkNasCount(9));
        assertThrows(IllegalStateException.class, committed::downlinkNasCount);

        final SecurityContext aborted = table.tryClaim(1, cursor);
        table.abort(cursor);
        assertThrows(IllegalStateException.class, () -> aborted.uplinkNasCount(9));
        assertUnchanged(1);
    }

    @Test
    void aClaimOnAnotherTableIsNotEndedHere()
    {
        try (ContextTable other = new ContextTable(16))
        {
            assertTrue(other.insert(1, Contexts.random(staged, SEED, 1, kdf)));
            other.tryClaim(1, cursor).downlinkNasCount(5);
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> table.commit(cursor));
            assertTrue(refused.getMessage().contains("another ContextTable"), refused.getMessage());
            assertTrue(cursor.hasClaim());
            other.abort(cursor);
        }
        assertUnchanged(1);
    }

    @Test
    void nothingLocksOnTheThreadWhileItHoldsAClaim()
    {
        final SecurityContext context = table.tryClaim(1, cursor);
        context.downlinkNasCount(1_000);
        try (ContextCursor other = new ContextCursor(new Kdf()))
        {
            final List<Runnable> locking = List.of(
                () -> table.tryClaim(2, cursor),
                () -> table.tryClaim(2, other),
                () -> table.tryClaim(1, other),
                () -> Claims.update(table, 2, other, changed -> changed.downlinkNasCount(1)),
                () -> table.advanceNextHop(2, other),
                () -> table.takeDownlinkNasCount(2),
                () -> table.acceptUplinkNasCount(2, 1 << 21),
                () -> Claims.swap(table, 2, other),
                () -> table.delete(2),
                () -> Claims.delete(table, 2, other, unchanged ->
                {
                }),
                () -> table.insert(50, Contexts.random(staged, SEED, 50, kdf)),
                () -> table.read(1, snapshot));
            for (final Runnable call : locking)
            {
                final IllegalStateException refused = assertThrows(IllegalStateException.class, call::run);
                assertTrue(refused.getMessage().contains("holds a claimed slot"), refused.getMessage());
            }
            assertThrows(IllegalStateException.class, cursor::close, "a cursor holding a claim keeps its image");
        }
        assertEquals(1_000, context.downlinkNasCount(), "the claim is still usable");
        table.abort(cursor);
        for (long ueId = 1; ueId <= 8; ueId++)
        {
            assertUnchanged(ueId);
        }
        assertFalse(table.contains(50));
    }

    @Test
    void aReaderOfAnotherThreadSeesNothingOfTheClaimUntilItsCommit() throws Exception
    {
        final SecurityContext context = table.tryClaim(5, cursor);
        context.downlinkNasCount(1 << 22).uplinkNasCount(1 << 22);
        // The reader cannot finish while the slot is locked: whenever it returns, the commit came first.
        final CompletableFuture<long[]> seen = CompletableFuture.supplyAsync(() ->
        {
            final SecurityContext read = new SecurityContext();
            assertTrue(table.read(5, read));
            return new long[] {read.downlinkNasCount(), read.uplinkNasCount()};
        });
        context.downlinkNasCount(3 << 21).uplinkNasCount(3 << 21);
        table.commit(cursor);
        final long[] counts = seen.get(60, TimeUnit.SECONDS);
        assertEquals(3 << 21, counts[0]);
        assertEquals(3 << 21, counts[1]);
    }

    @Test
    void commitDeleteRemovesTheUeAndZeroesItsSlot()
    {
        final int entry = table.slots().entryOf(6);
        assertNotNull(table.tryClaim(6, cursor));
        table.commitDelete(cursor);
        assertFalse(cursor.hasClaim());
        assertFalse(table.contains(6));
        assertTrue(table.slots().slotIsZero(entry));
        assertEquals(7, table.size());
        assertNotNull(table.tryClaim(7, cursor), "the thread holds nothing afterwards");
        table.abort(cursor);
    }

    @Test
    void aClaimThatOutlivesTheTableEndsWithoutWritingTheKeysBack()
    {
        final ContextTable closing = new ContextTable(16);
        assertTrue(closing.insert(1, Contexts.random(staged, SEED, 1, kdf)));
        final SecurityContext context = closing.tryClaim(1, cursor);
        context.downlinkNasCount(3);
        closing.close();
        final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> closing.commit(cursor));
        assertEquals("context table is closed", closed.getMessage());
        assertFalse(cursor.hasClaim(), "the claim ended with the refusal");
        assertThrows(IllegalStateException.class, () -> closing.abort(cursor));
        assertThrows(IllegalStateException.class, () -> closing.tryClaim(1, cursor));
        assertNotNull(table.tryClaim(1, cursor), "the thread holds nothing afterwards");
        table.abort(cursor);
    }

    private void assertUnchanged(final long ueId)
    {
        assertTrue(table.read(ueId, snapshot));
        assertTrue(Contexts.sameBytes(Contexts.random(staged, SEED, ueId, kdf), snapshot), "UE " + ueId + " unchanged");
    }
}

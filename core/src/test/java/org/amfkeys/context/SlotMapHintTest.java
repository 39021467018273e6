package org.amfkeys.context;

import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A batch reads and locks at the entries its probes found, and another thread may have changed them
 * since: a hint that no longer holds the UE (another UE's entry, a freed one, none) must still give
 * the UE's own NH and lock the UE's own entry, or say it is absent.
 */
class SlotMapHintTest
{
    private static final long A = 1_001;
    private static final long B = 2_002;

    @Test
    void aStaleHintFallsBackToTheProbe()
    {
        try (ContextTable table = new ContextTable(64); Kdf kdf = new Kdf())
        {
            final SplittableRandom random = new SplittableRandom(7);
            final byte[] nhA = Contexts.key(random);
            final byte[] nhB = Contexts.key(random);
            final SecurityContext staged = new SecurityContext();
            table.insert(A, staged.kamf(Contexts.key(random), kdf).nextHop(nhA, 3));
            staged.clear();
            table.insert(B, staged.kamf(Contexts.key(random), kdf).nextHop(nhB, 5));
            final SlotMap slots = table.slots();
            final int entryA = table.slots().entryOf(A);
            final int entryB = table.slots().entryOf(B);
            final byte[] nh = new byte[32];

            for (final int hint : new int[] {entryA, entryB, -1, (entryA + 1) % 64})
            {
                assertEquals(3, slots.readNextHopAt(hint, A, nh, 0), "hint " + hint);
                assertArrayEquals(nhA, nh, "hint " + hint);
                final int locked = slots.lockAt(hint, A);
                assertEquals(entryA, locked, "hint " + hint + " locks A's own entry");
                slots.unlock(locked);
            }

            table.delete(A);
            assertEquals(ContextTable.ABSENT, slots.readNextHopAt(entryA, A, nh, 0), "a freed entry");
            assertEquals(-1, slots.lockAt(entryA, A), "a freed entry");
            assertEquals(ContextTable.ABSENT, slots.readNextHopAt(entryB, A, nh, 0), "another UE's entry");
            assertEquals(-1, slots.lockAt(entryB, A), "another UE's entry");
            assertEquals(5, slots.readNextHopAt(entryB, B, nh, 0));
            assertArrayEquals(nhB, nh);
        }
    }
}

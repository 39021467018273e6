package org.amfkeys.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The probe order visits every entry of the index exactly once, its home's line first, and
 * {@code distance} undoes {@code probe}: inserts, finds and the longest-probe bound all rely on it.
 */
class SlotMapProbeTest
{
    @ParameterizedTest(name = "{0} entries")
    @ValueSource(ints = {4, 8, 12, 64, 1028})
    void everyProbeVisitsEveryEntryOnceItsHomeLineFirst(final int entries)
    {
        for (int home = 0; home < entries; home++)
        {
            final BitSet seen = new BitSet(entries);
            final int line = home / SlotMap.ENTRIES_PER_LINE;
            for (int distance = 0; distance < entries; distance++)
            {
                final int entry = SlotMap.probe(entries, home, distance);
                assertFalse(entry < 0 || entry >= entries, "entry " + entry + " of " + entries);
                assertFalse(seen.get(entry), "home " + home + " visits entry " + entry + " twice");
                seen.set(entry);
                if (distance < SlotMap.ENTRIES_PER_LINE)
                {
                    assertEquals(line, entry / SlotMap.ENTRIES_PER_LINE, "home " + home + ", distance " + distance);
                }
                assertEquals(distance, SlotMap.distance(entries, home, entry), "home " + home + ", entry " + entry);
            }
            assertEquals(home, SlotMap.probe(entries, home, 0));
            assertEquals(entries, seen.cardinality());
        }
    }
}

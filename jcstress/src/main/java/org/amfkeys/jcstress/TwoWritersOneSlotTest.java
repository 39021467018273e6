package org.amfkeys.jcstress;

import org.amfkeys.context.ContextTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Two writers of one slot: each advances NH/NCC and takes a DL NAS COUNT. Neither update may be lost:
 * the writers see NCC 1 and 2 and COUNTs 0 and 1 between them, and the slot ends at NH_2, NCC 2, DL
 * COUNT 2.
 */
@JCStressTest
@Outcome(id = {"1, 2, 0, 1, 2", "1, 2, 1, 0, 2", "2, 1, 0, 1, 2", "2, 1, 1, 0, 2"}, expect = Expect.ACCEPTABLE,
    desc = "the writes serialised, in either order, each operation on its own")
@Outcome(expect = Expect.FORBIDDEN, desc = "an update lost or torn")
@State
public class TwoWritersOneSlotTest
{
    private static final long UE = 0x5EED_0002L;

    private final ContextTable table = Fixtures.table(UE);

    /**
     * First writer.
     *
     * @param result NCC and COUNT this writer got.
     */
    @Actor
    public void first(final IIIII_Result result)
    {
        result.r1 = table.advanceNextHop(UE, Fixtures.cursor());
        result.r3 = (int)table.takeDownlinkNasCount(UE);
    }

    /**
     * Second writer.
     *
     * @param result NCC and COUNT this writer got.
     */
    @Actor
    public void second(final IIIII_Result result)
    {
        result.r2 = table.advanceNextHop(UE, Fixtures.cursor());
        result.r4 = (int)table.takeDownlinkNasCount(UE);
    }

    /**
     * Checks the slot once both are done.
     *
     * @param result 2 when NH_2, NCC 2 and DL COUNT 2 are in the slot.
     */
    @Arbiter
    public void end(final IIIII_Result result)
    {
        final int position = Fixtures.chainPosition(table, UE);
        result.r5 = position == 2 && table.downlinkNasCount(UE) == 2 ? 2 : Fixtures.TORN;
        Fixtures.release(table, UE);
    }
}

package org.amfkeys.jcstress;

import org.amfkeys.context.ContextTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A reader against a writer of one slot: the writer advances NH and NCC together, the reader must see
 * the pair before or after, never NH of one with NCC of the other, nor half an NH.
 */
@JCStressTest
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "read before the advance: NH_0 with NCC 0")
@Outcome(id = "1", expect = Expect.ACCEPTABLE, desc = "read after the advance: NH_1 with NCC 1")
@Outcome(id = "-1", expect = Expect.FORBIDDEN, desc = "torn read: NH and NCC from different writes")
@Outcome(id = "-2", expect = Expect.FORBIDDEN, desc = "UE lost while being written")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class SlotReaderWriterTest
{
    private static final long UE = 0x5EED_0001L;

    private final ContextTable table = Fixtures.table(UE);

    /** Advances the UE's NH chain. */
    @Actor
    public void writer()
    {
        table.advanceNextHop(UE, Fixtures.cursor());
    }

    /**
     * Reads NH and NCC.
     *
     * @param result the chain position seen.
     */
    @Actor
    public void reader(final I_Result result)
    {
        result.r1 = Fixtures.chainPosition(table, UE);
    }

    /** Gives the table back. */
    @Arbiter
    public void release()
    {
        Fixtures.release(table, UE);
    }
}

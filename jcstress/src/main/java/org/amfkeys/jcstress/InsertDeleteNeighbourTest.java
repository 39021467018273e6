package org.amfkeys.jcstress;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Insert and delete against reads of a neighbouring key in the same probe chain. A, B and C all start
 * their probe at one entry; A sits there and B just after it. One thread deletes A and inserts C (which
 * takes A's freed entry, ahead of B); the other reads B, then C. B must be found, whole, every time;
 * C is either not there yet or there whole.
 */
@JCStressTest
@Outcome(id = {"0, -2, 1", "0, 0, 1"}, expect = Expect.ACCEPTABLE, desc = "B found whole; C not yet, or already, inserted")
@Outcome(id = "-2, .*", expect = Expect.FORBIDDEN, desc = "B lost while its chain changed")
@Outcome(id = "-1, .*", expect = Expect.FORBIDDEN, desc = "B read torn")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class InsertDeleteNeighbourTest
{
    private static final long[] CHAIN = Fixtures.sameHome(new ContextTable(Fixtures.CAPACITY), 0x5EED_0003L, 3);
    private static final long A = CHAIN[0];
    private static final long B = CHAIN[1];
    private static final long C = CHAIN[2];

    private final ContextTable table = Fixtures.table(A, B);
    private final SecurityContext staged = new SecurityContext();

    /** Deletes A, then inserts C. */
    @Actor
    public void changeChain()
    {
        table.delete(A);
        staged.kamf(Fixtures.KAMF, Fixtures.cursor().kdf()).nextHop(Fixtures.NH_CHAIN[0], 0);
        table.insert(C, staged);
    }

    /**
     * Reads B, then C.
     *
     * @param result B's and C's chain positions.
     */
    @Actor
    public void readNeighbours(final III_Result result)
    {
        result.r1 = Fixtures.chainPosition(table, B);
        result.r2 = Fixtures.chainPosition(table, C);
    }

    /**
     * Checks the chain once both are done.
     *
     * @param result 1 when A is gone and B and C are there.
     */
    @Arbiter
    public void end(final III_Result result)
    {
        result.r3 = !table.contains(A) && table.contains(B) && table.contains(C) && table.size() == 2 ? 1 : 0;
        Fixtures.release(table, A, B, C);
    }
}

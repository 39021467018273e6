package org.amfkeys.jcstress;

import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.Arrays;

/**
 * {@link ContextTable#readKamf} against a writer that claims the slot and puts a new KAMF in it (with
 * its schedule, in another cache line of the slot): the reader sees the old KAMF or the new one,
 * never octets of both.
 */
@JCStressTest
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "read before the change: the old KAMF")
@Outcome(id = "1", expect = Expect.ACCEPTABLE, desc = "read after the change: the new KAMF")
@Outcome(id = "-1", expect = Expect.FORBIDDEN, desc = "torn read: octets of both KAMFs, or of neither")
@Outcome(id = "-2", expect = Expect.FORBIDDEN, desc = "UE lost while being written")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class KamfReaderWriterTest
{
    private static final long UE = 0x5EED_0003L;
    private static final byte[] NEW_KAMF = new byte[32];
    private static final ThreadLocal<byte[]> KAMF_SCRATCH = ThreadLocal.withInitial(() -> new byte[32]);

    static
    {
        Arrays.fill(NEW_KAMF, (byte)0x6D);
    }

    private final ContextTable table = Fixtures.table(UE);

    /** Claims the UE's slot, sets the new KAMF and commits. */
    @Actor
    public void writer()
    {
        final ContextCursor cursor = Fixtures.cursor();
        final SecurityContext context = table.tryClaim(UE, cursor);
        if (context != null)
        {
            context.kamf(NEW_KAMF, cursor.kdf());
            table.commit(cursor);
        }
    }

    /**
     * Reads KAMF.
     *
     * @param result which KAMF was seen.
     */
    @Actor
    public void reader(final I_Result result)
    {
        final byte[] kamf = KAMF_SCRATCH.get();
        if (!table.readKamf(UE, kamf, 0))
        {
            result.r1 = Fixtures.NOT_FOUND;
            return;
        }
        result.r1 = Arrays.equals(kamf, Fixtures.KAMF) ? 0 : Arrays.equals(kamf, NEW_KAMF) ? 1 : Fixtures.TORN;
    }

    /** Gives the table back. */
    @Arbiter
    public void release()
    {
        Fixtures.release(table, UE);
    }
}

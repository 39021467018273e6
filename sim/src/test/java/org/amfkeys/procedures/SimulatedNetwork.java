package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.SimulatedCore;

/**
 * The tests' small network: two AMFs' tables and two MMEs', and one thread's {@link SimulatedCore}
 * over them, closed together.
 */
final class SimulatedNetwork implements AutoCloseable
{
    final ContextTable amf1;
    final ContextTable amf2;
    final ContextTable mme;
    final ContextTable mme2;
    final SimulatedCore core;

    SimulatedNetwork(final long capacity)
    {
        amf1 = new ContextTable(capacity);
        amf2 = new ContextTable(capacity);
        mme = new ContextTable(capacity);
        mme2 = new ContextTable(capacity);
        core = new SimulatedCore(new ContextTable[] {amf1, amf2}, new ContextTable[] {mme, mme2}, Kdf::new);
    }

    /**
     * @return how many UE contexts all the tables hold.
     */
    long size()
    {
        return amf1.size() + amf2.size() + mme.size() + mme2.size();
    }

    public void close()
    {
        core.close();
        amf1.close();
        amf2.close();
        mme.close();
        mme2.close();
    }
}

package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;

/**
 * The tests' small network: two AMFs' tables and an MME's, and one thread's {@link SimulatedCore}
 * over them, closed together.
 */
final class SimulatedNetwork implements AutoCloseable
{
    final ContextTable amf1;
    final ContextTable amf2;
    final ContextTable mme;
    final SimulatedCore core;

    SimulatedNetwork(final long capacity)
    {
        amf1 = new ContextTable(capacity);
        amf2 = new ContextTable(capacity);
        mme = new ContextTable(capacity);
        core = new SimulatedCore(new ContextTable[] {amf1, amf2}, mme, Kdf::new);
    }

    public void close()
    {
        core.close();
        amf1.close();
        amf2.close();
        mme.close();
    }
}

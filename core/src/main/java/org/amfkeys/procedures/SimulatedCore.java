package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One thread's view of a small simulated core network: two AMFs (so UEs can move between them) and
 * one MME, each over its own {@link ContextTable}, with the carriers the procedures fill. The tables
 * may be shared by several threads, each with its own {@code SimulatedCore}.
 */
public final class SimulatedCore implements AutoCloseable
{
    /** Number of AMFs. */
    public static final int AMFS = 2;

    private final AmfProcedures[] amfs = new AmfProcedures[AMFS];
    private final MmeProcedures mme;
    private final Kdf kdf;

    final NextHopPair pair = new NextHopPair();
    final NextHopPair toTarget = new NextHopPair();
    final UeContextTransfer transfer = new UeContextTransfer();
    final NasSecurityModeCommand command = new NasSecurityModeCommand();
    final HandoverCommand handoverCommand = new HandoverCommand();

    /**
     * @param amfTables   the AMFs' tables, {@link #AMFS} of them.
     * @param mmeTable    the MME's table.
     * @param kdfs        makes this thread's KDFs.
     */
    public SimulatedCore(final ContextTable[] amfTables, final ContextTable mmeTable, final Supplier<Kdf> kdfs)
    {
        if (amfTables.length != AMFS)
        {
            throw new IllegalArgumentException("amfTables: " + AMFS + " tables expected, got " + amfTables.length);
        }
        for (int i = 0; i < AMFS; i++)
        {
            amfs[i] = new AmfProcedures(Objects.requireNonNull(amfTables[i], "amfTables"), kdfs.get());
        }
        mme = new MmeProcedures(mmeTable, kdfs.get());
        kdf = kdfs.get();
    }

    /**
     * @param index 0..{@link #AMFS}-1.
     * @return that AMF's procedures.
     */
    public AmfProcedures amf(final int index)
    {
        return amfs[index];
    }

    /**
     * @return the MME's procedures.
     */
    public MmeProcedures mme()
    {
        return mme;
    }

    /**
     * @return the KDF for this thread's UE and RAN models.
     */
    public Kdf kdf()
    {
        return kdf;
    }

    void wipeCarriers()
    {
        pair.clear();
        toTarget.clear();
        transfer.clear();
        command.clear();
    }

    /**
     * Zeroes the carriers and closes every node's procedures.
     */
    public void close()
    {
        wipeCarriers();
        for (final AmfProcedures amf : amfs)
        {
            amf.close();
        }
        mme.close();
        kdf.close();
    }
}

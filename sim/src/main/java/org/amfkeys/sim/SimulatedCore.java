package org.amfkeys.sim;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.CoreNetworkProcedures;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.MmeProcedures;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.UeContextTransfer;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One thread's view of a small simulated core network: two AMFs (so UEs can move between them) and
 * one or two MMEs (the second for inter-MME S1 handovers), each over its own {@link ContextTable},
 * with the carriers the procedures fill. The tables may be shared by several threads, each with its
 * own {@code SimulatedCore}.
 */
public final class SimulatedCore implements AutoCloseable
{
    /** Number of AMFs. */
    public static final int AMFS = 2;

    /** Most MMEs. */
    public static final int MAX_MMES = 2;

    private final AmfProcedures[] amfs = new AmfProcedures[AMFS];
    private final MmeProcedures[] mmes;
    private final Kdf kdf;
    private final ContextCursor repairs;

    final NextHopPair pair = new NextHopPair();
    final NextHopPair toTarget = new NextHopPair();
    final UeContextTransfer transfer = new UeContextTransfer();
    final NasSecurityModeCommand command = new NasSecurityModeCommand();
    final HandoverCommand handoverCommand = new HandoverCommand();

    /**
     * A core with one MME.
     *
     * @param amfTables the AMFs' tables, {@link #AMFS} of them.
     * @param mmeTable  the MME's table.
     * @param kdfs      makes this thread's KDFs.
     */
    public SimulatedCore(final ContextTable[] amfTables, final ContextTable mmeTable, final Supplier<Kdf> kdfs)
    {
        this(amfTables, new ContextTable[] {mmeTable}, kdfs);
    }

    /**
     * @param amfTables the AMFs' tables, {@link #AMFS} of them.
     * @param mmeTables the MMEs' tables, 1..{@link #MAX_MMES} of them.
     * @param kdfs      makes this thread's KDFs.
     */
    public SimulatedCore(final ContextTable[] amfTables, final ContextTable[] mmeTables, final Supplier<Kdf> kdfs)
    {
        if (amfTables == null || amfTables.length != AMFS || Arrays.asList(amfTables).contains(null))
        {
            throw new InvalidParameterException("amf-tables", amfTables == null ? "missing" : "not " + AMFS + " tables",
                AMFS + " tables");
        }
        if (mmeTables == null || mmeTables.length < 1 || mmeTables.length > MAX_MMES || Arrays.asList(mmeTables).contains(null))
        {
            throw new InvalidParameterException("mme-tables", mmeTables == null ? "missing" : "not 1.." + MAX_MMES + " tables",
                "1.." + MAX_MMES + " tables");
        }
        if (kdfs == null)
        {
            throw InvalidParameterException.missing("kdfs", "a supplier of Kdf");
        }
        for (int i = 0; i < AMFS; i++)
        {
            amfs[i] = new AmfProcedures(amfTables[i], kdfs.get());
        }
        mmes = new MmeProcedures[mmeTables.length];
        for (int i = 0; i < mmes.length; i++)
        {
            mmes[i] = new MmeProcedures(mmeTables[i], kdfs.get());
        }
        kdf = kdfs.get();
        repairs = new ContextCursor(kdfs.get());
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
     * @param index 0..{@link #mmes()}-1.
     * @return that MME's procedures.
     */
    public MmeProcedures mme(final int index)
    {
        return mmes[index];
    }

    /**
     * @return how many MMEs this core has.
     */
    public int mmes()
    {
        return mmes.length;
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
     * Puts a node's DL NAS COUNT back where it was before a simulated step moved it for downlink NAS
     * messages the UE missed and the step was then refused: the simulation's way of taking back those
     * messages, which no node's procedure may do.
     */
    void restoreDownlinkNasCount(final CoreNetworkProcedures node, final long ueId, final long count)
    {
        final ContextTable table = node.table();
        final SecurityContext context = table.tryClaim(ueId, repairs);
        if (context != null)
        {
            context.downlinkNasCount(count);
            table.commit(repairs);
        }
    }

    /**
     * Zeroes the carriers and closes every node's procedures.
     */
    public void close()
    {
        wipeCarriers();
        repairs.close();
        for (final AmfProcedures amf : amfs)
        {
            amf.close();
        }
        for (final MmeProcedures mme : mmes)
        {
            mme.close();
        }
        kdf.close();
    }
}

package org.amfkeys.sim;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextCursor;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.engine.EngineCalls;
import org.amfkeys.engine.KeyEngine;
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
    private final EngineCalls[] amfEngines = new EngineCalls[AMFS];
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
        this(amfTables, mmeTables, kdfs, null);
    }

    /**
     * A core whose AMFs run their AS key steps (Initial Context Setup, Path Switch, N2 handover within
     * the AMF and its completion, UE Context Modification, release) through batching engines, one per
     * AMF table, and every other step by the direct calls.
     *
     * @param amfTables  the AMFs' tables, {@link #AMFS} of them.
     * @param mmeTables  the MMEs' tables, 1..{@link #MAX_MMES} of them.
     * @param kdfs       makes this thread's KDFs.
     * @param amfEngines the engines over the AMFs' tables, {@link #AMFS} of them, or null for direct calls only.
     */
    public SimulatedCore(
        final ContextTable[] amfTables, final ContextTable[] mmeTables, final Supplier<Kdf> kdfs, final KeyEngine[] amfEngines)
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
        if (amfEngines != null)
        {
            if (amfEngines.length != AMFS || Arrays.asList(amfEngines).contains(null))
            {
                throw new InvalidParameterException("amf-engines", "not " + AMFS + " engines", AMFS + " engines, or none");
            }
            for (int i = 0; i < AMFS; i++)
            {
                this.amfEngines[i] = new EngineCalls(amfEngines[i]);
            }
        }
    }

    /**
     * @return whether the AMFs' AS key steps run through batching engines.
     */
    public boolean throughEngines()
    {
        return amfEngines[0] != null;
    }

    /**
     * {@code node.initialContextSetup}, through the node's engine when it has one.
     *
     * @param node    the serving node.
     * @param ueId    the UE.
     * @param ulCount the UL NAS COUNT.
     * @param kgnb    receives {KgNB, NCC 0}.
     * @return false when the UE is unknown.
     */
    public boolean initialContextSetup(final CoreNetworkProcedures node, final long ueId, final long ulCount, final NextHopPair kgnb)
    {
        final EngineCalls engine = engineOf(node);
        return engine == null ? node.initialContextSetup(ueId, ulCount, kgnb) : engine.initialContextSetup(ueId, ulCount, kgnb);
    }

    /**
     * {@code node.pathSwitch}, through the node's engine when it has one.
     *
     * @param node the serving node.
     * @param ueId the UE.
     * @param pair receives {NH, NCC}.
     * @return false when the UE is unknown.
     */
    public boolean pathSwitch(final CoreNetworkProcedures node, final long ueId, final NextHopPair pair)
    {
        final EngineCalls engine = engineOf(node);
        return engine == null ? node.pathSwitch(ueId, pair) : engine.pathSwitch(ueId, pair);
    }

    /**
     * {@code node.handoverWithinNode}, through the node's engine when it has one.
     *
     * @param node the serving node.
     * @param ueId the UE.
     * @param pair receives {NH, NCC}.
     * @return false when the UE is unknown.
     */
    public boolean handoverWithinNode(final CoreNetworkProcedures node, final long ueId, final NextHopPair pair)
    {
        final EngineCalls engine = engineOf(node);
        return engine == null ? node.handoverWithinNode(ueId, pair) : engine.handoverWithinNode(ueId, pair);
    }

    /**
     * {@code node.handoverCompleted}, through the node's engine when it has one.
     *
     * @param node the source node.
     * @param ueId the UE.
     * @return false when the UE is unknown.
     */
    public boolean handoverCompleted(final CoreNetworkProcedures node, final long ueId)
    {
        final EngineCalls engine = engineOf(node);
        return engine == null ? node.handoverCompleted(ueId) : engine.handoverCompleted(ueId);
    }

    /**
     * {@code node.ueContextModification}, through the node's engine when it has one.
     *
     * @param node the serving node.
     * @param ueId the UE.
     * @param kgnb receives the new KgNB.
     * @return false when the UE is unknown.
     */
    public boolean ueContextModification(final CoreNetworkProcedures node, final long ueId, final NextHopPair kgnb)
    {
        final EngineCalls engine = engineOf(node);
        return engine == null ? node.ueContextModification(ueId, kgnb) : engine.ueContextModification(ueId, kgnb);
    }

    /**
     * {@code node.release}, through the node's engine when it has one.
     *
     * @param node the serving node.
     * @param ueId the UE.
     * @return false when the UE is unknown.
     */
    public boolean release(final CoreNetworkProcedures node, final long ueId)
    {
        final EngineCalls engine = engineOf(node);
        return engine == null ? node.release(ueId) : engine.release(ueId);
    }

    private EngineCalls engineOf(final CoreNetworkProcedures node)
    {
        for (int i = 0; i < AMFS; i++)
        {
            if (amfs[i] == node)
            {
                return amfEngines[i];
            }
        }
        return null;
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
     * Copies the UE's context at every node, or that a node does not hold the UE, into {@code into}, so
     * that {@link #restore} can put every table back as it was.
     *
     * @param ueId the UE identifier.
     * @param into a snapshot, reused from step to step; {@link Snapshot#wipe wipe} it once it is no
     *             longer needed.
     */
    public void snapshot(final long ueId, final Snapshot into)
    {
        for (int i = 0; i < nodes(); i++)
        {
            final SecurityContext context = into.contexts[i];
            into.held[i] = node(i).table().read(ueId, context);
            if (!into.held[i])
            {
                context.clear();
            }
        }
        into.ueId = ueId;
        into.taken = true;
    }

    /**
     * Puts the UE's context at every node back as {@link #snapshot} found it: a context the node held
     * is written back in place (or inserted again if a step deleted it), and a node that did not hold
     * the UE forgets it. The simulation's way of taking back a step that was refused part way: no
     * node's procedure may rewrite a context, and none is asked to. The carriers of the step's
     * messages, never sent, are zeroed too.
     *
     * @param from a snapshot of this core network.
     * @throws IllegalStateException when {@code from} holds no snapshot (never taken, or wiped).
     */
    public void restore(final Snapshot from)
    {
        if (!from.taken)
        {
            throw new IllegalStateException("the core network's snapshot holds nothing to restore");
        }
        for (int i = 0; i < nodes(); i++)
        {
            final ContextTable table = node(i).table();
            if (!from.held[i])
            {
                table.delete(from.ueId);
                continue;
            }
            final SecurityContext kept = from.contexts[i];
            final SecurityContext context = table.tryClaim(from.ueId, repairs);
            if (context != null)
            {
                context.buffer().putBytes(context.offset(), kept.buffer(), kept.offset(), SecurityContextDescriptor.LENGTH);
                table.commit(repairs);
            }
            else
            {
                table.insert(from.ueId, kept);
            }
        }
        wipeCarriers();
    }

    private int nodes()
    {
        return AMFS + mmes.length;
    }

    private CoreNetworkProcedures node(final int index)
    {
        return index < AMFS ? amfs[index] : mmes[index - AMFS];
    }

    /**
     * One UE's context at every node of a {@link SimulatedCore} at one moment, or that a node did not
     * hold the UE. It holds keys (each context's KAMF or KASME, its schedule, NH): made once and reused,
     * and {@link #wipe wiped} as soon as it is no longer needed. {@link #toString()} shows no key. Not
     * thread-safe.
     */
    public static final class Snapshot
    {
        private final SecurityContext[] contexts = new SecurityContext[AMFS + MAX_MMES];
        private final boolean[] held = new boolean[AMFS + MAX_MMES];
        private long ueId;
        private boolean taken;

        /**
         * An empty snapshot, with room for the context of every node a core network may have.
         */
        public Snapshot()
        {
            for (int i = 0; i < contexts.length; i++)
            {
                contexts[i] = new SecurityContext();
            }
        }

        /**
         * Zeroes every context copied and forgets the rest; a wiped snapshot cannot be restored.
         */
        public void wipe()
        {
            for (int i = 0; i < contexts.length; i++)
            {
                contexts[i].clear();
                held[i] = false;
            }
            ueId = 0;
            taken = false;
        }

        /**
         * @return whether it holds a snapshot that can be restored.
         */
        public boolean taken()
        {
            return taken;
        }

        public String toString()
        {
            return "SimulatedCore.Snapshot[" + (taken ? "ue=" + ueId + ", held=" + Arrays.toString(held) : "empty") + "]";
        }
    }

    /**
     * Zeroes the carriers and closes every node's procedures.
     */
    public void close()
    {
        wipeCarriers();
        repairs.close();
        for (final EngineCalls engine : amfEngines)
        {
            if (engine != null)
            {
                engine.close();
            }
        }
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

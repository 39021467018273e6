package org.amfkeys.sim;

import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;

import java.util.Arrays;
import java.util.Objects;

/**
 * A model of the gNB (or eNB) serving one UE: the KgNB (KeNB) in use with its NCC and the unused
 * {NH, NCC} pair of the last Path Switch Request Acknowledge, as TS 33.501 6.9.2 (TS 33.401 7.2.8)
 * describe them. Handover keys are vertical (from NH) when an unused pair is held, horizontal (from
 * the current key) otherwise. Used by tests, the trace and the load tester to check that UE, RAN and
 * core network agree; not thread-safe.
 */
public final class RanNode implements AutoCloseable
{
    private final AccessStratumChain chain;
    private final Kdf kdf;
    private final KeySchedule schedule = new KeySchedule();
    private final byte[] key = new byte[Kdf.KEY_LENGTH];
    private final byte[] unusedNextHop = new byte[Kdf.KEY_LENGTH];
    private final byte[] derived = new byte[Kdf.KEY_LENGTH];
    private final NextHopPair intraCell = new NextHopPair();
    private boolean active;
    private int keyNcc;
    private boolean holdsUnusedPair;
    private int unusedNcc;
    private boolean unusedPairIsNewContext;
    private int pci;
    private int arfcn;

    /**
     * @param chain {@link AccessStratumChain#NR} for a gNB, {@link AccessStratumChain#E_UTRA} for an eNB.
     * @param kdf   derives keys; stays the caller's, and may be shared with other models of one thread.
     */
    public RanNode(final AccessStratumChain chain, final Kdf kdf)
    {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.kdf = Objects.requireNonNull(kdf, "kdf");
    }

    /**
     * Initial Context Setup: the KgNB from the core network, with NCC 0, in the given cell.
     *
     * @param kgnb  {KgNB, NCC 0}.
     * @param pci   the serving cell's PCI.
     * @param arfcn the serving cell's ARFCN-DL (EARFCN-DL).
     */
    public void initialContextSetup(final NextHopPair kgnb, final int pci, final int arfcn)
    {
        use(kgnb.key(), 0, pci, arfcn);
    }

    /**
     * Path Switch Request Acknowledge: keeps the pair for the next handover.
     *
     * @param pair the {NH, NCC} pair, or {KgNB, NCC 0} with the NSCI.
     */
    public void pathSwitchAcknowledged(final NextHopPair pair)
    {
        requireActive("path-switch");
        System.arraycopy(pair.key(), 0, unusedNextHop, 0, Kdf.KEY_LENGTH);
        unusedNcc = pair.ncc();
        unusedPairIsNewContext = pair.newSecurityContext();
        holdsUnusedPair = true;
    }

    /**
     * Source side of an Xn (X2) handover, or of an intra-cell handover for AS key refresh: KNG-RAN*
     * (KeNB*) for the target cell, vertical from the unused NH if one is held, else horizontal.
     *
     * @param targetPci   the target cell's PCI.
     * @param targetArfcn the target cell's ARFCN-DL.
     * @param toTarget    receives {KNG-RAN*, NCC} and, as its new-context flag, keySetChangeIndicator.
     */
    public void prepareHandover(final int targetPci, final int targetArfcn, final NextHopPair toTarget)
    {
        requireActive("handover");
        final byte[] from = holdsUnusedPair ? unusedNextHop : key;
        kdf.computeSchedule(from, schedule);
        chain.handoverKey(kdf, schedule, targetPci, targetArfcn, derived);
        toTarget.set(derived, holdsUnusedPair ? unusedNcc : keyNcc, holdsUnusedPair && unusedPairIsNewContext);
        Arrays.fill(derived, (byte)0);
        schedule.clear();
    }

    /**
     * Target side of an Xn (X2) handover: uses the source's KNG-RAN* as its KgNB.
     *
     * @param fromSource  what {@link #prepareHandover} gave.
     * @param pci         this cell's PCI.
     * @param arfcn       this cell's ARFCN-DL.
     * @param command     receives the handover command for the UE.
     */
    public void acceptXnHandover(final NextHopPair fromSource, final int pci, final int arfcn, final HandoverCommand command)
    {
        use(fromSource.key(), fromSource.ncc(), pci, arfcn);
        command.set(chain, pci, arfcn, fromSource.ncc(), fromSource.newSecurityContext());
    }

    /**
     * Target side of a handover through the core network (N2, S1, inter-system): KNG-RAN* (KeNB*) from
     * the received NH, which after a key change is a KgNB with NCC 0 and the NSCI.
     *
     * @param fromCore the pair from the core network.
     * @param pci      this cell's PCI.
     * @param arfcn    this cell's ARFCN-DL.
     * @param command  receives the cell part of the handover command; the NAS container stays as the
     *                 core network built it.
     */
    public void acceptHandover(final NextHopPair fromCore, final int pci, final int arfcn, final HandoverCommand command)
    {
        kdf.computeSchedule(fromCore.key(), schedule);
        chain.handoverKey(kdf, schedule, pci, arfcn, key);
        schedule.clear();
        use(key, fromCore.ncc(), pci, arfcn);
        command.set(chain, pci, arfcn, fromCore.ncc(), fromCore.newSecurityContext());
    }

    /**
     * UE Context Modification for AS re-keying: an intra-cell handover from the new KgNB, with
     * keySetChangeIndicator; any unused pair is dropped.
     *
     * @param kgnb    {KgNB, NCC 0} from the core network.
     * @param command receives the handover command for the UE.
     */
    public void ueContextModification(final NextHopPair kgnb, final HandoverCommand command)
    {
        requireActive("ue-context-modification");
        command.clear();
        kdf.computeSchedule(kgnb.key(), schedule);
        chain.handoverKey(kdf, schedule, pci, arfcn, key);
        schedule.clear();
        use(key, 0, pci, arfcn);
        command.set(chain, pci, arfcn, 0, true);
    }

    /**
     * AS key refresh: an intra-cell handover with the usual chaining (TS 33.501 6.9.4.4).
     *
     * @param command receives the handover command for the UE.
     */
    public void asKeyRefresh(final HandoverCommand command)
    {
        prepareHandover(pci, arfcn, intraCell);
        command.clear();
        acceptXnHandover(intraCell, pci, arfcn, command);
        intraCell.clear();
    }

    /**
     * The UE left (idle, or handed over elsewhere): every key is zeroed.
     */
    public void release()
    {
        Arrays.fill(key, (byte)0);
        Arrays.fill(unusedNextHop, (byte)0);
        active = false;
        holdsUnusedPair = false;
        keyNcc = 0;
        unusedNcc = 0;
    }

    /**
     * @return whether it holds an AS security context for the UE.
     */
    public boolean active()
    {
        return active;
    }

    /**
     * @return the KgNB (KeNB) in use; the array itself.
     */
    public byte[] key()
    {
        return key;
    }

    /**
     * @return NCC of the KgNB in use.
     */
    public int keyNcc()
    {
        return keyNcc;
    }

    /**
     * @return whether an unused {NH, NCC} pair is held.
     */
    public boolean holdsUnusedPair()
    {
        return holdsUnusedPair;
    }

    /**
     * @return the unused NH; the array itself, zero when none is held.
     */
    public byte[] unusedNextHop()
    {
        return unusedNextHop;
    }

    /**
     * @return NCC of the unused pair.
     */
    public int unusedNcc()
    {
        return unusedNcc;
    }

    /**
     * @return the system of this node.
     */
    public AccessStratumChain chain()
    {
        return chain;
    }

    /**
     * @return the serving cell's PCI.
     */
    public int pci()
    {
        return pci;
    }

    /**
     * @return the serving cell's ARFCN-DL.
     */
    public int arfcn()
    {
        return arfcn;
    }

    private void use(final byte[] newKey, final int ncc, final int pci, final int arfcn)
    {
        if (newKey != key)
        {
            System.arraycopy(newKey, 0, key, 0, Kdf.KEY_LENGTH);
        }
        keyNcc = ncc;
        this.pci = pci;
        this.arfcn = arfcn;
        active = true;
        holdsUnusedPair = false;
        Arrays.fill(unusedNextHop, (byte)0);
    }

    private void requireActive(final String procedure)
    {
        if (!active)
        {
            throw new ProcedureNotAllowedException(procedure, "the " + (chain == AccessStratumChain.NR ? "gNB" : "eNB") +
                " holds no AS security context for the UE");
        }
    }

    /**
     * Copies the node's whole state, keys included, into {@code into}, so that {@link #restore} can put
     * it back after a step that is refused part way.
     *
     * @param into a snapshot, reused from step to step; {@link Snapshot#wipe wipe} it once it is no
     *             longer needed.
     */
    public void snapshot(final Snapshot into)
    {
        System.arraycopy(key, 0, into.key, 0, Kdf.KEY_LENGTH);
        System.arraycopy(unusedNextHop, 0, into.unusedNextHop, 0, Kdf.KEY_LENGTH);
        into.active = active;
        into.keyNcc = keyNcc;
        into.holdsUnusedPair = holdsUnusedPair;
        into.unusedNcc = unusedNcc;
        into.unusedPairIsNewContext = unusedPairIsNewContext;
        into.pci = pci;
        into.arfcn = arfcn;
        into.taken = true;
    }

    /**
     * Puts back the state {@link #snapshot} copied from this node.
     *
     * @param from a snapshot of this node.
     * @throws IllegalStateException when {@code from} holds no snapshot (never taken, or wiped).
     */
    public void restore(final Snapshot from)
    {
        if (!from.taken)
        {
            throw new IllegalStateException("the RAN node's snapshot holds nothing to restore");
        }
        System.arraycopy(from.key, 0, key, 0, Kdf.KEY_LENGTH);
        System.arraycopy(from.unusedNextHop, 0, unusedNextHop, 0, Kdf.KEY_LENGTH);
        active = from.active;
        keyNcc = from.keyNcc;
        holdsUnusedPair = from.holdsUnusedPair;
        unusedNcc = from.unusedNcc;
        unusedPairIsNewContext = from.unusedPairIsNewContext;
        pci = from.pci;
        arfcn = from.arfcn;
    }

    /**
     * Zeroes every key.
     */
    public void close()
    {
        release();
    }

    public String toString()
    {
        return "RanNode[" + chain.system() + ", active=" + active + ", ncc=" + keyNcc +
            ", unusedPair=" + holdsUnusedPair + "]";
    }

    /**
     * The state of a {@link RanNode} at one moment: its KgNB (KeNB) with NCC, its unused {NH, NCC} pair
     * and its cell. It holds keys: made once and reused, and {@link #wipe wiped} as soon as it is no
     * longer needed. {@link #toString()} shows no key. Not thread-safe.
     */
    public static final class Snapshot
    {
        private final byte[] key = new byte[Kdf.KEY_LENGTH];
        private final byte[] unusedNextHop = new byte[Kdf.KEY_LENGTH];
        private boolean taken;
        private boolean active;
        private int keyNcc;
        private boolean holdsUnusedPair;
        private int unusedNcc;
        private boolean unusedPairIsNewContext;
        private int pci;
        private int arfcn;

        /**
         * Zeroes the keys and forgets the rest; a wiped snapshot cannot be restored.
         */
        public void wipe()
        {
            Arrays.fill(key, (byte)0);
            Arrays.fill(unusedNextHop, (byte)0);
            taken = false;
            active = false;
            keyNcc = 0;
            holdsUnusedPair = false;
            unusedNcc = 0;
            unusedPairIsNewContext = false;
            pci = 0;
            arfcn = 0;
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
            return "RanNode.Snapshot[" + (taken ? "active=" + active + ", ncc=" + keyNcc + ", unusedPair=" + holdsUnusedPair :
                "empty") + "]";
        }
    }
}

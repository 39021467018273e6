package org.amfkeys.sim.scenario;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AccessStratumChain;
import org.amfkeys.procedures.AmfChange;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.HorizontalKamfPolicy;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.ProcedureStart;
import org.amfkeys.procedures.UeContextTransfer;
import org.amfkeys.sim.subscriber.Subscriber;
import org.amfkeys.sim.subscriber.Subscribers;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.MobilityMode;

import java.util.Arrays;

/**
 * One thread's moves of registered UEs from the AMF being taken out of service to another AMF (TS 23.501
 * 5.21.2), each move every side: the source AMF's context transfer (an idle UE's mobility registration)
 * or N2 handover to the target (a CONNECTED UE), the source's horizontal KAMF decision by the
 * operator's {@link HorizontalKamfPolicy}, the target's acceptance (and NAS SMC under KAMF'), and the
 * UE's own derivations from what it received, compared with the target AMF's KAMF and NAS keys and the
 * target gNB's pair. The UE side is written from TS 33.501, not from the network's code, so the two
 * check each other. Not thread-safe: one per thread, over that thread's subscribers.
 */
public final class AmfMove implements AutoCloseable
{
    /** How one move ended. */
    public enum Outcome
    {
        /** Moved; the UE kept KAMF, and its keys equal the target's. */
        MOVED,
        /** Moved with a horizontal KAMF (KAMF'), and the UE's keys equal the target's. */
        MOVED_WITH_HORIZONTAL_KAMF,
        /** Moved, but the UE's keys differ from the target AMF's or gNB's. */
        OUT_OF_SYNC,
        /** An AMF refused a step, or the UE was not at the source. */
        REFUSED
    }

    private static final int NEA2 = 2;
    private static final int NIA2 = 2;
    private static final int NAS_KEY_LENGTH = 16;

    private final Subscribers subscribers;
    private final AmfProcedures source;
    private final AmfProcedures target;
    private final ContextTable targetTable;
    private final AmfChange transferChange;
    private final AmfChange handoverChange;
    private final HorizontalKamfPolicy policy;
    private final Kdf sourceKdf = new Kdf();
    private final Kdf targetKdf = new Kdf();
    /** The UE's own KDF: the ME derives apart from the network. */
    private final Kdf ueKdf = new Kdf();
    private final Subscriber subscriber = new Subscriber();
    private final UeContextTransfer transfer = new UeContextTransfer();
    private final NextHopPair pair = new NextHopPair();
    private final HandoverCommand handoverCommand = new HandoverCommand();
    private final NasSecurityModeCommand command = new NasSecurityModeCommand();
    private final SecurityContext targetContext = new SecurityContext();
    private final KeySchedule ueSchedule = new KeySchedule();
    private final byte[] ueKamf = new byte[Kdf.KEY_LENGTH];
    private final byte[] ueKey = new byte[Kdf.KEY_LENGTH];
    private final byte[] networkKamf = new byte[Kdf.KEY_LENGTH];
    private final byte[] nasKey = new byte[NAS_KEY_LENGTH];

    /**
     * @param subscribers the subscribers' records, the UE side.
     * @param sourceTable the context table of the AMF being removed.
     * @param targetTable the context table of the AMF taking its UEs.
     * @param sets        the source and target AMF sets and whether they share secure storage, of
     *                    either kind: each move takes the kind its UE's state calls for.
     * @param policy      the source AMF's horizontal KAMF policy.
     */
    public AmfMove(
        final Subscribers subscribers, final ContextTable sourceTable, final ContextTable targetTable, final AmfChange sets,
        final HorizontalKamfPolicy policy)
    {
        this.subscribers = subscribers;
        this.source = new AmfProcedures(sourceTable, sourceKdf);
        this.target = new AmfProcedures(targetTable, targetKdf);
        this.targetTable = targetTable;
        this.transferChange = new AmfChange(
            AmfChange.Kind.CONTEXT_TRANSFER, sets.sourceAmfSet(), sets.targetAmfSet(), sets.sharedSecureStorage());
        this.handoverChange = new AmfChange(
            AmfChange.Kind.N2_HANDOVER, sets.sourceAmfSet(), sets.targetAmfSet(), sets.sharedSecureStorage());
        this.policy = policy;
    }

    /**
     * Takes a registered UE CONNECTED at the source: Initial Context Setup from its next UL NAS COUNT
     * (its Service Request's), {KgNB, NCC 0} to the source gNB.
     *
     * @param index the subscriber; its UE identifier is {@code index + 1}.
     * @return false when the source AMF does not know the UE.
     */
    public boolean connect(final int index)
    {
        final Subscriber record = subscriber.wrap(subscribers, index);
        final long ulCount = record.ueUplinkNasCount();
        try
        {
            if (!source.initialContextSetup(index + 1L, ulCount, pair))
            {
                return false;
            }
            record.ueUplinkNasCount(ulCount + 1);
            record.ueConnected(ulCount);
            return true;
        }
        finally
        {
            pair.clear();
        }
    }

    /**
     * Moves one UE to the target AMF, by context transfer when it is idle and by N2 handover when it is
     * CONNECTED, and checks the UE's keys against the target's.
     *
     * @param index the subscriber; its UE identifier is {@code index + 1}.
     * @return how it ended.
     */
    public Outcome move(final int index)
    {
        final Subscriber record = subscriber.wrap(subscribers, index);
        final long ueId = index + 1L;
        record.ueKamf(ueKamf);
        try
        {
            return record.connected() ? handover(record, ueId) : contextTransfer(record, ueId);
        }
        catch (final ProcedureNotAllowedException refused)
        {
            return Outcome.REFUSED;
        }
        finally
        {
            Arrays.fill(ueKamf, (byte)0);
            Arrays.fill(ueKey, (byte)0);
            Arrays.fill(networkKamf, (byte)0);
            ueSchedule.clear();
            transfer.clear();
            pair.clear();
            handoverCommand.clear();
            command.clear();
            targetContext.clear();
        }
    }

    /**
     * Closes the KDFs and the procedures' scratch memory.
     */
    @Override
    public void close()
    {
        source.close();
        target.close();
        sourceKdf.close();
        targetKdf.close();
        ueKdf.close();
    }

    /**
     * An idle UE's mobility registration at the target: the Registration Request's UL NAS COUNT keys
     * KAMF' (TS 33.501 6.9.3, A.13 with DIRECTION 0) when the source derives one, and the target's NAS
     * SMC with the K_AMF_change_flag then puts it to use at the UE.
     */
    private Outcome contextTransfer(final Subscriber record, final long ueId)
    {
        final long ulCount = record.ueUplinkNasCount();
        if (source.contextTransfer(ueId, ulCount, policy, transferChange, transfer) != ProcedureStart.STARTED)
        {
            return Outcome.REFUSED;
        }
        target.acceptContextTransfer(ueId, transfer);
        final boolean horizontal = transfer.keyAmfHDerivationInd();
        boolean agrees = true;
        if (horizontal)
        {
            ueKdf.computeSchedule(ueKamf, ueSchedule);
            ueKdf.horizontalKamf(ueSchedule, MobilityMode.IDLE, ulCount, ueKamf, 0);
            if (!target.nasSecurityModeCommand(ueId, NEA2, NIA2, command))
            {
                return Outcome.REFUSED;
            }
            agrees = command.kamfChangeFlag() && ueNasKeysEqual(command);
            if (!target.nasSecurityModeComplete(ueId, 0))
            {
                return Outcome.REFUSED;
            }
            record.ueNasContext(ueKamf, command.ngKsi(), NEA2, NIA2, 1);
        }
        else
        {
            record.ueUplinkNasCount(ulCount + 1);
        }
        source.moveCompleted(ueId);
        return outcome(ueId, horizontal, agrees);
    }

    /**
     * A CONNECTED UE's N2 handover to a gNB of the target AMF (TS 33.501 6.9.2.3.3). With a horizontal
     * KAMF the UE takes the DL NAS COUNT from the NAS container, derives KAMF' (A.13 with DIRECTION 1)
     * and the KgNB of UL NAS COUNT 2^32-1 from it, and the target gNB gets that KgNB with NCC 0; without
     * one the target gNB gets the source's next {NH, NCC}, which the UE steps its own chain to.
     */
    private Outcome handover(final Subscriber record, final long ueId)
    {
        if (source.handoverToAmf(ueId, policy, handoverChange, transfer) != ProcedureStart.STARTED)
        {
            return Outcome.REFUSED;
        }
        target.acceptHandover(ueId, transfer, pair, handoverCommand);
        source.moveCompleted(ueId);
        final boolean horizontal = handoverCommand.nasContainer() == HandoverCommand.HORIZONTAL_KAMF;
        ueKdf.computeSchedule(ueKamf, ueSchedule);
        final int expectedNcc;
        if (horizontal)
        {
            ueKdf.horizontalKamf(ueSchedule, MobilityMode.HANDOVER, handoverCommand.nasCount(), ueKamf, 0);
            ueKdf.computeSchedule(ueKamf, ueSchedule);
            ueKdf.kgnb(ueSchedule, AccessStratumChain.HANDOVER_UPLINK_COUNT, AccessType.THREE_GPP, ueKey, 0);
            expectedNcc = 0;
            record.ueNasContext(ueKamf, record.ueNgKsi(), NEA2, NIA2, 0);
            record.ueConnected(AccessStratumChain.HANDOVER_UPLINK_COUNT);
        }
        else
        {
            // NH of NCC 1 is keyed by KgNB; each later NCC by the NH before it (TS 33.501 A.10).
            ueKdf.kgnb(ueSchedule, record.ueKgnbUplinkNasCount(), AccessType.THREE_GPP, ueKey, 0);
            for (int ncc = 1; ncc <= pair.ncc(); ncc++)
            {
                ueKdf.nh(ueSchedule, ueKey, ueKey, 0);
            }
            expectedNcc = pair.ncc();
        }
        final boolean agrees = pair.ncc() == expectedNcc && Arrays.equals(pair.key(), ueKey);
        return outcome(ueId, horizontal, agrees);
    }

    /** The ME derives its NAS keys from its own KAMF and compares them with those protecting the SMC. */
    private boolean ueNasKeysEqual(final NasSecurityModeCommand received)
    {
        ueKdf.computeSchedule(ueKamf, ueSchedule);
        ueKdf.algorithmKey(ueSchedule, AlgorithmTypeDistinguisher.NAS_ENC, received.ciphering(), nasKey, 0);
        final boolean encryption = Arrays.equals(nasKey, received.nasEncryptionKey());
        ueKdf.algorithmKey(ueSchedule, AlgorithmTypeDistinguisher.NAS_INT, received.integrity(), nasKey, 0);
        final boolean integrity = Arrays.equals(nasKey, received.nasIntegrityKey());
        Arrays.fill(nasKey, (byte)0);
        return encryption && integrity;
    }

    /** The move's outcome, once the target AMF's KAMF is compared with the UE's too. */
    private Outcome outcome(final long ueId, final boolean horizontal, final boolean agrees)
    {
        if (!targetTable.read(ueId, targetContext))
        {
            return Outcome.OUT_OF_SYNC;
        }
        targetContext.copyKamf(networkKamf, 0);
        if (!agrees || !Arrays.equals(networkKamf, ueKamf))
        {
            return Outcome.OUT_OF_SYNC;
        }
        return horizontal ? Outcome.MOVED_WITH_HORIZONTAL_KAMF : Outcome.MOVED;
    }
}

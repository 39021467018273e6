package org.amfkeys.bench;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.MmeProcedures;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.UeContextTransfer;
import org.amfkeys.types.Abba;
import org.amfkeys.types.Supi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * AMF-side procedures per second on two AMFs' context tables of {@link #ues} UEs, each call on a UE
 * picked at random from the calling thread's own share: a Path Switch, an N2 handover to the other AMF
 * with a horizontal KAMF derivation (source and target AMF), and a mobility registration update with
 * one (context transfer at the source, acceptance and the NAS SMC with K_AMF_change_flag at the target,
 * deletion at the source). Throughput is for all threads together; run with {@code -t 1} and
 * {@code -t 2}, and with {@code -prof gc} to see that no procedure allocates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class ProcedureBenchmark
{
    private static final int CIPHERING = 1;
    private static final int INTEGRITY = 2;

    /** UEs in the tables. */
    @Param("1000000")
    public int ues;

    private final ContextTable[] tables = new ContextTable[2];
    private ContextTable mmeTable;

    /**
     * Registers every UE at AMF 0, with its NAS SMC done and an AS security context.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        tables[0] = new ContextTable(ues);
        tables[1] = new ContextTable(ues);
        mmeTable = new ContextTable(ues);
        final SplittableRandom random = new SplittableRandom(33501);
        final byte[] kamf = new byte[Kdf.KEY_LENGTH];
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        final NextHopPair kgnb = new NextHopPair();
        try (AmfProcedures amf = new AmfProcedures(tables[0], new Kdf()))
        {
            for (int i = 0; i < ues; i++)
            {
                random.nextBytes(kamf);
                final long ueId = ueId(i);
                amf.authenticated(ueId, kamf, 1, 0);
                amf.nasSecurityModeCommand(ueId, CIPHERING, INTEGRITY, command);
                amf.nasSecurityModeComplete(ueId, 0);
                amf.initialContextSetup(ueId, 1, kgnb);
            }
        }
        command.clear();
        kgnb.clear();
    }

    /**
     * Zeroes and frees the tables.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        tables[0].close();
        tables[1].close();
        mmeTable.close();
    }

    static long ueId(final int index)
    {
        return index * 0x9E37_79B9_7F4A_7C15L + 1;
    }

    /**
     * One caller thread: its procedures on both AMFs, its carriers, and its own share of the UEs, whose
     * AMF it tracks as they move.
     */
    @State(Scope.Thread)
    public static class Caller
    {
        final NextHopPair pair = new NextHopPair();
        final UeContextTransfer transfer = new UeContextTransfer();
        final HandoverCommand handoverCommand = new HandoverCommand();
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        AmfProcedures[] amfs;
        MmeProcedures mme;
        boolean[] atSecondAmf;
        long[] uplinkNext;
        int[] ngKsi;
        final byte[] kseaf = new byte[Kdf.KEY_LENGTH];
        final Supi supi = Supi.parse("imsi-001010123456789");
        SplittableRandom random;
        int first;
        int share;

        /**
         * @param benchmark the tables.
         * @param params    the trial's thread count.
         * @param thread    this thread's index.
         */
        @Setup(Level.Trial)
        public void setUp(final ProcedureBenchmark benchmark, final BenchmarkParams params, final ThreadParams thread)
        {
            amfs = new AmfProcedures[] {
                new AmfProcedures(benchmark.tables[0], new Kdf()), new AmfProcedures(benchmark.tables[1], new Kdf())};
            share = benchmark.ues / params.getThreads();
            first = thread.getThreadIndex() * share;
            mme = new MmeProcedures(benchmark.mmeTable, new Kdf());
            atSecondAmf = new boolean[share];
            uplinkNext = new long[share];
            Arrays.fill(uplinkNext, 2);
            ngKsi = new int[share];
            Arrays.fill(ngKsi, 1);
            random = new SplittableRandom(thread.getThreadIndex());
        }

        int nextUe()
        {
            return random.nextInt(share);
        }

        /**
         * Zeroes the carriers and the procedures' scratch memory.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            pair.clear();
            transfer.clear();
            command.clear();
            amfs[0].close();
            amfs[1].close();
            mme.close();
        }
    }

    /**
     * Path Switch Request: NCC + 1 and a fresh NH from the current KAMF.
     *
     * @param caller the calling thread's state.
     * @return the pair for the gNB.
     */
    @Benchmark
    public NextHopPair pathSwitch(final Caller caller)
    {
        caller.amfs[0].pathSwitch(ueId(caller.first + caller.nextUe()), caller.pair);
        return caller.pair;
    }

    /**
     * N2 handover to the other AMF with a horizontal KAMF derivation: KAMF', the temporary KgNB, the
     * target's NH, and the source's context deleted.
     *
     * @param caller the calling thread's state.
     * @return the pair for the target gNB.
     */
    @Benchmark
    public NextHopPair n2HandoverWithHorizontalKamf(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        final int source = caller.atSecondAmf[ue] ? 1 : 0;
        caller.amfs[source].handoverToAmf(ueId, true, caller.transfer);
        caller.amfs[1 - source].acceptHandover(ueId, caller.transfer, caller.pair, caller.handoverCommand);
        caller.amfs[source].moveCompleted(ueId);
        caller.atSecondAmf[ue] = source == 0;
        return caller.pair;
    }

    /**
     * Mobility registration update with a horizontal KAMF derivation: the source's context transfer,
     * the target's acceptance and NAS SMC with K_AMF_change_flag, and the source's deletion.
     *
     * @param caller the calling thread's state.
     * @return the NAS SMC the target sent.
     */
    @Benchmark
    public NasSecurityModeCommand mobilityRegistrationWithHorizontalKamf(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        final int source = caller.atSecondAmf[ue] ? 1 : 0;
        final AmfProcedures target = caller.amfs[1 - source];
        caller.amfs[source].contextTransfer(ueId, caller.uplinkNext[ue], true, caller.transfer);
        target.acceptContextTransfer(ueId, caller.transfer);
        target.nasSecurityModeCommand(ueId, CIPHERING, INTEGRITY, caller.command);
        target.nasSecurityModeComplete(ueId, 0);
        caller.amfs[source].moveCompleted(ueId);
        caller.atSecondAmf[ue] = source == 0;
        caller.uplinkNext[ue] = 1;
        return caller.command;
    }

    // ---------------------------------------------------------------------------------------------
    // The other procedures, measured above all for their allocation (-prof gc); all on AMF 0
    // ---------------------------------------------------------------------------------------------

    /**
     * The UE goes idle, then Initial Context Setup after its latest uplink message.
     *
     * @param caller the calling thread's state.
     * @return the KgNB pair.
     */
    @Benchmark
    public NextHopPair releaseAndInitialContextSetup(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        caller.amfs[0].release(ueId);
        caller.amfs[0].initialContextSetup(ueId, caller.uplinkNext[ue]++, caller.pair);
        return caller.pair;
    }

    /**
     * A NAS SMC with the same algorithms, then AS re-keying with its Complete's UL NAS COUNT.
     *
     * @param caller the calling thread's state.
     * @return the new KgNB pair.
     */
    @Benchmark
    public NextHopPair nasSecurityModeCommandAndUeContextModification(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        final AmfProcedures amf = caller.amfs[0];
        amf.nasSecurityModeCommand(ueId, CIPHERING, INTEGRITY, caller.command);
        amf.nasSecurityModeComplete(ueId, caller.uplinkNext[ue]++);
        amf.ueContextModification(ueId, caller.pair);
        amf.ueContextModificationComplete(ueId, null);
        return caller.pair;
    }

    /**
     * NAS key refresh: release, KAMF' from an initial NAS message, the NAS SMC that activates it, and
     * Initial Context Setup.
     *
     * @param caller the calling thread's state.
     * @return the KgNB pair.
     */
    @Benchmark
    public NextHopPair nasKeyRefresh(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        final AmfProcedures amf = caller.amfs[0];
        amf.release(ueId);
        amf.nasKeyRefresh(ueId, caller.uplinkNext[ue]);
        amf.nasSecurityModeCommand(ueId, CIPHERING, INTEGRITY, caller.command);
        amf.nasSecurityModeComplete(ueId, 0);
        amf.initialContextSetup(ueId, 1, caller.pair);
        caller.uplinkNext[ue] = 2;
        return caller.pair;
    }

    /**
     * 5GS to EPS handover (AMF and MME) and back (MME and AMF).
     *
     * @param caller the calling thread's state.
     * @return the pair for the last target gNB.
     */
    @Benchmark
    public NextHopPair handoverToEpsAndBack(final Caller caller)
    {
        final long ueId = ueId(caller.first + caller.nextUe());
        final AmfProcedures amf = caller.amfs[0];
        amf.handoverToEps(ueId, caller.transfer);
        caller.mme.acceptHandoverFrom5gs(ueId, caller.transfer, caller.pair, caller.handoverCommand);
        amf.moveCompleted(ueId);
        caller.mme.handoverTo5gs(ueId, caller.transfer);
        amf.acceptHandoverFromEps(ueId, caller.transfer, caller.pair, caller.handoverCommand);
        caller.mme.moveCompleted(ueId);
        return caller.pair;
    }

    /**
     * 5GS to EPS idle-mode mobility and back, then Initial Context Setup.
     *
     * @param caller the calling thread's state.
     * @return the KgNB pair.
     */
    @Benchmark
    public NextHopPair idleModeToEpsAndBack(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        final AmfProcedures amf = caller.amfs[0];
        amf.release(ueId);
        amf.idleModeToEps(ueId, caller.uplinkNext[ue], caller.transfer);
        caller.mme.acceptIdleModeFrom5gs(ueId, caller.transfer);
        amf.moveCompleted(ueId);
        caller.mme.idleModeTo5gs(ueId, 0, caller.transfer);
        amf.acceptIdleModeFromEps(ueId, caller.transfer);
        caller.mme.moveCompleted(ueId);
        amf.initialContextSetup(ueId, 0, caller.pair);
        caller.uplinkNext[ue] = 1;
        return caller.pair;
    }

    /**
     * Primary authentication of a CONNECTED UE (KAMF from KSEAF), the NAS SMC that activates the new
     * context, and the UE Context Modification that takes it into AS.
     *
     * @param caller the calling thread's state.
     * @return the new KgNB pair.
     */
    @Benchmark
    public NextHopPair reauthenticationAndAsRekeying(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        final AmfProcedures amf = caller.amfs[0];
        caller.kseaf[0] = (byte)ue;
        caller.ngKsi[ue] = 3 - caller.ngKsi[ue];
        amf.authenticated(ueId, caller.kseaf, caller.supi, Abba.DEFAULT, caller.ngKsi[ue], 0);
        amf.nasSecurityModeCommand(ueId, CIPHERING, INTEGRITY, caller.command);
        amf.nasSecurityModeComplete(ueId, 0);
        amf.ueContextModification(ueId, caller.pair);
        amf.ueContextModificationComplete(ueId, null);
        caller.uplinkNext[ue] = 1;
        return caller.pair;
    }

    /**
     * A mobility registration without horizontal KAMF that fails: the source's context transfer, the
     * target's acceptance and deletion, and the source's bookkeeping.
     *
     * @param caller the calling thread's state.
     * @return the transferred context.
     */
    @Benchmark
    public UeContextTransfer failedMobilityRegistration(final Caller caller)
    {
        final int ue = caller.nextUe();
        final long ueId = ueId(caller.first + ue);
        caller.amfs[0].contextTransfer(ueId, caller.uplinkNext[ue]++, false, caller.transfer);
        caller.amfs[1].acceptContextTransfer(ueId, caller.transfer);
        caller.amfs[1].delete(ueId);
        caller.amfs[0].registrationFailed(ueId);
        return caller.transfer;
    }
}

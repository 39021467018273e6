package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.PhasedProcedure;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.AccessType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.amfkeys.sim.PhasedProcedure.INTER_AMF_HANDOVER;
import static org.amfkeys.sim.PhasedProcedure.INTER_MME_HANDOVER;
import static org.amfkeys.sim.PhasedProcedure.INTER_SYSTEM_HANDOVER;
import static org.amfkeys.sim.PhasedProcedure.MOBILITY_REGISTRATION;
import static org.amfkeys.sim.PhasedProcedure.N2_HANDOVER;
import static org.amfkeys.sim.PhasedProcedure.NAS_SMC;
import static org.amfkeys.sim.PhasedProcedure.UE_CONTEXT_MODIFICATION;
import static org.amfkeys.sim.PhasedProcedure.XN_HANDOVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Overlapping procedures for one UE: every interleaving of the begin and end events of up to four of
 * the seven phased procedures of a UE in 5GS, and of the six of a UE in EPS, each from three starting
 * states, and random overlaps for many UEs on all cores. After each run, once everything has ended,
 * nothing may be left in flight, and UE, RAN node and AMF (MME) must be in sync. An oracle written from
 * the rules' text (TS 33.501 6.9.5, TS 33.401 7.2.10; not from the engine) watches which procedures run
 * at once and fails on any pair the rules forbid.
 */
final class ConcurrentInterleavingsTest
{
    private static final int ARFCN = 620_000;
    private static final int EARFCN = 1_850;
    private static final AmfChange CONTEXT_TRANSFER = new AmfChange(AmfChange.Kind.CONTEXT_TRANSFER, 1, 2, false);
    private static final AmfChange N2_TO_OTHER_AMF = new AmfChange(AmfChange.Kind.N2_HANDOVER, 1, 2, false);

    /** The UE's state before the procedures start. */
    private enum Start
    {
        /** CONNECTED, with a NAS SMC Complete COUNT not yet used for a KgNB. */
        CONNECTED,
        /** As CONNECTED, plus a new native context from an authentication waiting for its SMC. */
        CONNECTED_NEW_CONTEXT,
        /** Idle, with a new native context waiting for its SMC. */
        IDLE_NEW_CONTEXT,
        /** CONNECTED, with a new root key taken into use by a NAS SMC but not yet used for AS. */
        CONNECTED_NEW_KEY_NOT_YET_IN_AS
    }

    /** Where the UE is, the phased procedures it runs there, and the states it starts from. */
    private enum Core
    {
        FIVE_GS(new PhasedProcedure[] {NAS_SMC, N2_HANDOVER, INTER_AMF_HANDOVER, UE_CONTEXT_MODIFICATION, XN_HANDOVER,
            MOBILITY_REGISTRATION, INTER_SYSTEM_HANDOVER}, Start.CONNECTED, Start.CONNECTED_NEW_CONTEXT,
            Start.IDLE_NEW_CONTEXT),
        EPS(new PhasedProcedure[] {NAS_SMC, N2_HANDOVER, INTER_MME_HANDOVER, UE_CONTEXT_MODIFICATION, XN_HANDOVER,
            INTER_SYSTEM_HANDOVER}, Start.CONNECTED, Start.CONNECTED_NEW_CONTEXT, Start.CONNECTED_NEW_KEY_NOT_YET_IN_AS);

        final PhasedProcedure[] procedures;
        final Start[] starts;

        Core(final PhasedProcedure[] procedures, final Start... starts)
        {
            this.procedures = procedures;
            this.starts = starts;
        }
    }

    @Test
    void everyInterleavingOfUpToFourProceduresIn5gsKeepsUeAndNetworkInSync()
    {
        // 7 + 21 * 6 + 35 * 90 + 35 * 2520 orders of 1 to 4 of 7 procedures, from three starting states.
        everyInterleavingOfUpToFourProcedures(Core.FIVE_GS, 3L * (7 + 21 * 6 + 35 * 90 + 35 * 2520));
    }

    @Test
    void everyInterleavingOfUpToFourProceduresInEpsKeepsUeAndNetworkInSync()
    {
        // 6 + 15 * 6 + 20 * 90 + 15 * 2520 orders of 1 to 4 of 6 procedures, from three starting states.
        everyInterleavingOfUpToFourProcedures(Core.EPS, 3L * (6 + 15 * 6 + 20 * 90 + 15 * 2520));
    }

    private static void everyInterleavingOfUpToFourProcedures(final Core system, final long expectedRuns)
    {
        final List<PhasedProcedure[]> sets = new ArrayList<>();
        subsets(system.procedures, 0, new ArrayList<>(), sets);
        final long[] runs = new long[1];
        final long[] outcomes = new long[3];
        try (SimulatedNetwork network = new SimulatedNetwork(64))
        {
            final long[] ueId = {1};
            for (final PhasedProcedure[] set : sets)
            {
                final int[] events = new int[set.length * 2];
                interleavings(events, 0, new int[set.length], set.length, order ->
                {
                    for (final Start start : system.starts)
                    {
                        final long variant = runs[0]++;
                        final Run run = new Run(network.core, ueId[0]++, system, start, variant);
                        run.events(set, order);
                        outcomes[0] += run.ran;
                        outcomes[1] += run.deferred;
                        outcomes[2] += run.refusedCount;
                        run.close();
                    }
                });
            }
            assertEquals(0, network.size(),
                "every run's contexts were deleted");
        }
        assertEquals(expectedRuns, runs[0]);
        final String counts = outcomes[0] + " ran, " + outcomes[1] + " deferred, " + outcomes[2] + " refused";
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0, counts);
        System.out.println("interleavings in " + system + ": " + runs[0] + " runs; " + counts);
    }

    @Test
    void randomOverlapsForManyUesOnAllCoresKeepThemInSync() throws Exception
    {
        final int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        final int uesPerThread = 400;
        final int runsPerUe = 25;
        final AtomicLong deferredTotal = new AtomicLong();
        try (ContextTable amf1 = new ContextTable(threads * uesPerThread * 2L);
            ContextTable amf2 = new ContextTable(threads * uesPerThread * 2L);
            ContextTable mme = new ContextTable(threads * uesPerThread * 2L);
            ContextTable mme2 = new ContextTable(threads * uesPerThread * 2L))
        {
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try
            {
                final List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++)
                {
                    final int thread = t;
                    done.add(pool.submit(() ->
                    {
                        final SplittableRandom random = new SplittableRandom(0x5EED + thread);
                        try (SimulatedCore core = new SimulatedCore(
                            new ContextTable[] {amf1, amf2}, new ContextTable[] {mme, mme2}, Kdf::new))
                        {
                            for (int i = 0; i < uesPerThread * runsPerUe; i++)
                            {
                                final long ueId = 1 + thread + (long)threads * (i % uesPerThread);
                                final Core system = Core.values()[random.nextInt(Core.values().length)];
                                final PhasedProcedure[] set = randomSet(random, system.procedures);
                                final int[] order = randomOrder(random, set.length);
                                final Start start = system.starts[random.nextInt(system.starts.length)];
                                final Run run = new Run(core, ueId, system, start, random.nextLong());
                                run.events(set, order);
                                deferredTotal.addAndGet(run.deferred);
                                run.close();
                            }
                        }
                        return null;
                    }));
                }
                for (final Future<?> future : done)
                {
                    future.get();
                }
            }
            finally
            {
                pool.shutdown();
            }
            assertEquals(0, amf1.size() + amf2.size() + mme.size() + mme2.size(), "every run's contexts were deleted");
        }
        assertTrue(deferredTotal.get() > 0, "some procedures were deferred");
    }

    /**
     * One UE through one order of events, checked as it goes and at the end.
     */
    private static final class Run implements AutoCloseable
    {
        private final SimulatedCore core;
        private final SimulatedUe ue;
        private final long variant;
        private final Set<PhasedProcedure> running = EnumSet.noneOf(PhasedProcedure.class);
        private final Set<PhasedProcedure> waiting = EnumSet.noneOf(PhasedProcedure.class);
        private final Set<PhasedProcedure> refused = EnumSet.noneOf(PhasedProcedure.class);
        private final Set<PhasedProcedure> refusedWhenReleased = EnumSet.noneOf(PhasedProcedure.class);
        private final StringBuilder log = new StringBuilder();
        private boolean smcForNewKey;
        private boolean handoverKeepsKamf;
        private int pci = 1;
        int ran;
        int deferred;
        int refusedCount;

        Run(final SimulatedCore core, final long ueId, final Core system, final Start start, final long variant)
        {
            this.core = core;
            this.variant = variant;
            final byte[] kamf = key(ueId, 1);
            ue = new SimulatedUe(ueId, core, kamf, 1, 1, 2);
            ue.initialContextSetup(ue.ue().nextUplinkCount(), pci++, ARFCN);
            if (system == Core.EPS)
            {
                ue.handoverToEps(pci++, EARFCN);
            }
            ue.nasSecurityModeCommand(2, 2);
            if (start != Start.CONNECTED)
            {
                ue.authenticate(key(ueId, 2), 2);
            }
            if (start == Start.IDLE_NEW_CONTEXT)
            {
                ue.release();
            }
            if (start == Start.CONNECTED_NEW_KEY_NOT_YET_IN_AS)
            {
                ue.nasSecurityModeCommand(2, 2);
            }
            log.append(system).append(' ').append(start).append(':');
        }

        void events(final PhasedProcedure[] set, final int[] order)
        {
            final boolean[] begun = new boolean[set.length];
            for (int i = 0; i < order.length; i++)
            {
                final int p = order[i];
                final PhasedProcedure procedure = set[p];
                if (!begun[p])
                {
                    begun[p] = true;
                    begin(procedure);
                }
                else
                {
                    end(procedure, outcome(p + i));
                }
            }
            for (final PhasedProcedure procedure : PhasedProcedure.values())
            {
                if (ue.inFlight(procedure))
                {
                    fail("left in flight: " + procedure + " after " + log);
                }
            }
            if (!ue.inSync())
            {
                fail("out of sync after " + log);
            }
        }

        private ProcedureOutcome outcome(final int salt)
        {
            final int pick = (int)((variant + salt) % 5);
            return pick == 3 ? ProcedureOutcome.FAILURE : pick == 4 ? ProcedureOutcome.ABORT : ProcedureOutcome.COMPLETE;
        }

        private void begin(final PhasedProcedure procedure)
        {
            log.append(' ').append(procedure.token()).append("+");
            try
            {
                ProcedureStart start = ProcedureStart.STARTED;
                switch (procedure)
                {
                    case NAS_SMC ->
                    {
                        final boolean newKey = ue.readServing().hasNonCurrent();
                        ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, 2, 2);
                        smcForNewKey = newKey;
                    }
                    case N2_HANDOVER -> start = ue.beginN2Handover(pci++, cell(), null, N2_TO_OTHER_AMF, -1);
                    case INTER_MME_HANDOVER -> start = ue.beginInterMmeHandover(pci++, EARFCN);
                    case INTER_AMF_HANDOVER ->
                    {
                        final boolean keep = variant % 2 == 0;
                        start = ue.beginN2Handover(pci++, cell(),
                            keep ? HorizontalKamfPolicy.never() : HorizontalKamfPolicy.always(), N2_TO_OTHER_AMF, -1);
                        handoverKeepsKamf = keep;
                    }
                    case UE_CONTEXT_MODIFICATION -> ue.beginUeContextModification();
                    case XN_HANDOVER -> ue.beginXnHandover(pci++, cell());
                    case INTER_SYSTEM_HANDOVER -> start = inEps() ? ue.beginHandoverTo5gs(pci++, ARFCN) :
                        ue.beginHandoverToEps(pci++, EARFCN);
                    case MOBILITY_REGISTRATION -> start = ue.beginMobilityRegistration(-1, variant % 3 == 0 ?
                        HorizontalKamfPolicy.never() : HorizontalKamfPolicy.always(), CONTEXT_TRANSFER);
                    default -> throw new AssertionError(procedure + " has no begin step");
                }
                if (start == ProcedureStart.DEFERRED)
                {
                    log.append("deferred");
                    deferred++;
                    waiting.add(procedure);
                }
                else
                {
                    log.append("ran");
                    ran++;
                    starts(procedure);
                }
            }
            catch (final ProcedureNotAllowedException ex)
            {
                log.append("refused");
                refusedCount++;
                refused.add(procedure);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError(ex.getMessage() + " after " + log, ex);
            }
        }

        private void end(final PhasedProcedure procedure, final ProcedureOutcome outcome)
        {
            if (refused.contains(procedure))
            {
                return;
            }
            log.append(' ').append(procedure.token()).append('-').append(outcome.token());
            running.remove(procedure);
            if (waiting.remove(procedure) && !ue.inFlight(procedure))
            {
                // Released by the end of what it waited for, it was refused then, and said so.
                if (!refusedWhenReleased.contains(procedure))
                {
                    fail(procedure + " stopped waiting without starting or being refused, after " + log);
                }
                log.append("(refused when released)");
                return;
            }
            try
            {
                switch (procedure)
                {
                    case NAS_SMC -> ue.endNasSecurityModeCommand(outcome);
                    case N2_HANDOVER, INTER_AMF_HANDOVER, INTER_MME_HANDOVER, INTER_SYSTEM_HANDOVER ->
                        ue.endHandover(procedure, outcome);
                    case UE_CONTEXT_MODIFICATION -> ue.endUeContextModification(outcome);
                    case XN_HANDOVER -> ue.endXnHandover(outcome);
                    case MOBILITY_REGISTRATION -> ue.endMobilityRegistration(outcome);
                    default -> throw new AssertionError(procedure + " has no end step");
                }
            }
            catch (final ProcedureNotAllowedException ex)
            {
                // The end's own step was refused (a Path Switch during an SMC): the procedure ended failed.
                log.append("(refused)");
            }
            if ((procedure == INTER_AMF_HANDOVER || procedure == INTER_MME_HANDOVER ||
                procedure == INTER_SYSTEM_HANDOVER) && outcome == ProcedureOutcome.COMPLETE && !ue.inFlight(procedure))
            {
                // The source node deleted the context: what still ran there can only end failed.
                running.remove(UE_CONTEXT_MODIFICATION);
            }
            final DeferredProcedure refusedOnRelease = ue.refusedDeferred();
            if (refusedOnRelease != null)
            {
                refusedWhenReleased.add(phased(refusedOnRelease));
            }
            final DeferredProcedure started = ue.startedDeferred();
            if (started != null)
            {
                final PhasedProcedure resumed = phased(started);
                log.append(" [").append(resumed.token()).append(" started]");
                waiting.remove(resumed);
                starts(resumed);
            }
        }

        /**
         * The oracle: the pairs TS 33.501 6.9.5 (in 5GS) or TS 33.401 7.2.10 (in EPS) forbid to run at
         * once for one UE.
         */
        private void starts(final PhasedProcedure procedure)
        {
            for (final PhasedProcedure other : running)
            {
                if (forbidden(procedure, other) || forbidden(other, procedure))
                {
                    fail(procedure + " started while " + other + " ran, after " + log);
                }
            }
            running.add(procedure);
        }

        private boolean forbidden(final PhasedProcedure a, final PhasedProcedure b)
        {
            if (inEps())
            {
                // (1), (2): SMC and a new KeNB; (6): SMC and a Forward Relocation or an inter-RAT handover;
                // (5), (7): a UE Context Modification and any further handover.
                return a == NAS_SMC && (b == UE_CONTEXT_MODIFICATION || b == INTER_MME_HANDOVER || b == INTER_SYSTEM_HANDOVER) ||
                    a == UE_CONTEXT_MODIFICATION && (b == N2_HANDOVER || b == INTER_MME_HANDOVER || b == XN_HANDOVER ||
                    b == INTER_SYSTEM_HANDOVER);
            }
            if (a == NAS_SMC)
            {
                return b == N2_HANDOVER || b == UE_CONTEXT_MODIFICATION || b == INTER_AMF_HANDOVER ||
                    b == MOBILITY_REGISTRATION || b == INTER_SYSTEM_HANDOVER;
            }
            return a == UE_CONTEXT_MODIFICATION && b == INTER_AMF_HANDOVER && handoverKeepsKamf ||
                a == UE_CONTEXT_MODIFICATION && b == N2_HANDOVER;
        }

        private static PhasedProcedure phased(final DeferredProcedure procedure)
        {
            return switch (procedure)
            {
                case CONTEXT_TRANSFER -> MOBILITY_REGISTRATION;
                case FORWARD_RELOCATION -> INTER_MME_HANDOVER;
                case INTER_SYSTEM_HANDOVER -> INTER_SYSTEM_HANDOVER;
                case INTER_AMF_HANDOVER -> INTER_AMF_HANDOVER;
            };
        }

        private boolean inEps()
        {
            return ue.serving().chain() == AccessStratumChain.E_UTRA;
        }

        private int cell()
        {
            return inEps() ? EARFCN : ARFCN;
        }

        public void close()
        {
            for (int amf = 0; amf < SimulatedCore.AMFS; amf++)
            {
                core.amf(amf).delete(ue.ueId());
            }
            for (int mme = 0; mme < core.mmes(); mme++)
            {
                core.mme(mme).delete(ue.ueId());
            }
            ue.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static byte[] key(final long ueId, final int which)
    {
        final byte[] key = new byte[Kdf.KEY_LENGTH];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(ueId * 31 + which * 7 + i);
        }
        return key;
    }

    private static void subsets(
        final PhasedProcedure[] procedures, final int from, final List<PhasedProcedure> chosen,
        final List<PhasedProcedure[]> out)
    {
        if (!chosen.isEmpty())
        {
            out.add(chosen.toArray(new PhasedProcedure[0]));
        }
        if (chosen.size() == 4)
        {
            return;
        }
        for (int i = from; i < procedures.length; i++)
        {
            chosen.add(procedures[i]);
            subsets(procedures, i + 1, chosen, out);
            chosen.remove(chosen.size() - 1);
        }
    }

    /**
     * Every sequence in which each procedure appears twice (begin, then end).
     */
    private static void interleavings(
        final int[] events, final int filled, final int[] used, final int procedures,
        final java.util.function.Consumer<int[]> visit)
    {
        if (filled == events.length)
        {
            visit.accept(events);
            return;
        }
        for (int p = 0; p < procedures; p++)
        {
            if (used[p] < 2)
            {
                used[p]++;
                events[filled] = p;
                interleavings(events, filled + 1, used, procedures, visit);
                used[p]--;
            }
        }
    }

    private static PhasedProcedure[] randomSet(final SplittableRandom random, final PhasedProcedure[] procedures)
    {
        final int size = 1 + random.nextInt(4);
        final List<PhasedProcedure> pool = new ArrayList<>(List.of(procedures));
        final PhasedProcedure[] set = new PhasedProcedure[size];
        for (int i = 0; i < size; i++)
        {
            set[i] = pool.remove(random.nextInt(pool.size()));
        }
        return set;
    }

    private static int[] randomOrder(final SplittableRandom random, final int procedures)
    {
        final int[] order = new int[procedures * 2];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i / 2;
        }
        for (int i = order.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}

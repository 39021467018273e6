package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
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

import static org.amfkeys.procedures.PhasedProcedure.INTER_AMF_HANDOVER;
import static org.amfkeys.procedures.PhasedProcedure.MOBILITY_REGISTRATION;
import static org.amfkeys.procedures.PhasedProcedure.NAS_SMC;
import static org.amfkeys.procedures.PhasedProcedure.N2_HANDOVER;
import static org.amfkeys.procedures.PhasedProcedure.UE_CONTEXT_MODIFICATION;
import static org.amfkeys.procedures.PhasedProcedure.XN_HANDOVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Overlapping procedures for one UE: every interleaving of the begin and end events of up to four of
 * the six phased procedures, from three starting states, and random overlaps for many UEs on all cores.
 * After each run, once everything has ended, nothing may be left in flight, and UE, gNB and AMF must be
 * in sync. An oracle written from the rules' text (not from the engine) watches which procedures run
 * at once and fails on any pair the rules forbid.
 */
final class ConcurrentInterleavingsTest
{
    private static final PhasedProcedure[] PROCEDURES = PhasedProcedure.values();
    private static final int ARFCN = 620_000;
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
        IDLE_NEW_CONTEXT
    }

    @Test
    void everyInterleavingOfUpToFourProceduresKeepsUeAndNetworkInSync()
    {
        final List<PhasedProcedure[]> sets = new ArrayList<>();
        subsets(0, new ArrayList<>(), sets);
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
                    for (final Start start : Start.values())
                    {
                        final long variant = runs[0]++;
                        final Run run = new Run(network.core, ueId[0]++, start, variant);
                        run.events(set, order);
                        outcomes[0] += run.ran;
                        outcomes[1] += run.deferred;
                        outcomes[2] += run.refusedCount;
                        run.close();
                    }
                });
            }
            assertEquals(0, network.amf1.size() + network.amf2.size() + network.mme.size(),
                "every run's contexts were deleted");
        }
        // 6 + 15 * 6 + 20 * 90 + 15 * 2520 orders, from three starting states.
        assertEquals(3L * (6 + 15 * 6 + 20 * 90 + 15 * 2520), runs[0]);
        final String counts = outcomes[0] + " ran, " + outcomes[1] + " deferred, " + outcomes[2] + " refused";
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0 && outcomes[2] > 0, counts);
        System.out.println("interleavings: " + runs[0] + " runs; " + counts);
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
            ContextTable mme = new ContextTable(threads * uesPerThread * 2L))
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
                        try (SimulatedCore core = new SimulatedCore(new ContextTable[] {amf1, amf2}, mme, Kdf::new))
                        {
                            for (int i = 0; i < uesPerThread * runsPerUe; i++)
                            {
                                final long ueId = 1 + thread + (long)threads * (i % uesPerThread);
                                final PhasedProcedure[] set = randomSet(random);
                                final int[] order = randomOrder(random, set.length);
                                final Run run = new Run(core, ueId, Start.values()[random.nextInt(3)], random.nextLong());
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
            assertEquals(0, amf1.size() + amf2.size() + mme.size(), "every run's contexts were deleted");
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
        private final StringBuilder log = new StringBuilder();
        private boolean smcForNewKey;
        private boolean handoverKeepsKamf;
        private int pci = 1;
        int ran;
        int deferred;
        int refusedCount;

        Run(final SimulatedCore core, final long ueId, final Start start, final long variant)
        {
            this.core = core;
            this.variant = variant;
            final byte[] kamf = key(ueId, 1);
            ue = new SimulatedUe(ueId, core, kamf, 1, 1, 2);
            ue.initialContextSetup(ue.ue().nextUplinkCount(), pci++, ARFCN);
            ue.nasSecurityModeCommand(2, 2);
            if (start != Start.CONNECTED)
            {
                ue.authenticate(key(ueId, 2), 2);
            }
            if (start == Start.IDLE_NEW_CONTEXT)
            {
                ue.release();
            }
            log.append(start).append(':');
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
            for (final PhasedProcedure procedure : PROCEDURES)
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
                    case N2_HANDOVER -> start = ue.beginN2Handover(pci++, ARFCN, null, N2_TO_OTHER_AMF, -1);
                    case INTER_AMF_HANDOVER ->
                    {
                        final boolean keep = variant % 2 == 0;
                        start = ue.beginN2Handover(pci++, ARFCN,
                            keep ? HorizontalKamfPolicy.never() : HorizontalKamfPolicy.always(), N2_TO_OTHER_AMF, -1);
                        handoverKeepsKamf = keep;
                    }
                    case UE_CONTEXT_MODIFICATION -> ue.beginUeContextModification();
                    case XN_HANDOVER -> ue.beginXnHandover(pci++, ARFCN);
                    case MOBILITY_REGISTRATION -> start = ue.beginMobilityRegistration(-1, variant % 3 == 0 ?
                        HorizontalKamfPolicy.never() : HorizontalKamfPolicy.always(), CONTEXT_TRANSFER);
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
        }

        private void end(final PhasedProcedure procedure, final ProcedureOutcome outcome)
        {
            if (refused.contains(procedure))
            {
                return;
            }
            log.append(' ').append(procedure.token()).append('-').append(outcome.token());
            running.remove(procedure);
            waiting.remove(procedure);
            try
            {
                switch (procedure)
                {
                    case NAS_SMC -> ue.endNasSecurityModeCommand(outcome);
                    case N2_HANDOVER, INTER_AMF_HANDOVER -> ue.endN2Handover(outcome);
                    case UE_CONTEXT_MODIFICATION -> ue.endUeContextModification(outcome);
                    case XN_HANDOVER -> ue.endXnHandover(outcome);
                    case MOBILITY_REGISTRATION -> ue.endMobilityRegistration(outcome);
                }
            }
            catch (final ProcedureNotAllowedException ex)
            {
                // The end's own step was refused (a Path Switch during an SMC): the procedure ended failed.
                log.append("(refused)");
            }
            if (procedure == INTER_AMF_HANDOVER && outcome == ProcedureOutcome.COMPLETE && !ue.inFlight(INTER_AMF_HANDOVER))
            {
                // The source AMF deleted the context: what still ran there can only end failed.
                running.remove(UE_CONTEXT_MODIFICATION);
            }
            final DeferredProcedure started = ue.startedDeferred();
            if (started != null)
            {
                final PhasedProcedure resumed = started == DeferredProcedure.CONTEXT_TRANSFER ?
                    MOBILITY_REGISTRATION : INTER_AMF_HANDOVER;
                log.append(" [").append(resumed.token()).append(" started]");
                waiting.remove(resumed);
                starts(resumed);
            }
        }

        /**
         * The oracle: the pairs TS 33.501 6.9.5 forbids to run at once for one UE.
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
            if (a == NAS_SMC)
            {
                return b == N2_HANDOVER || b == UE_CONTEXT_MODIFICATION || b == INTER_AMF_HANDOVER ||
                    b == MOBILITY_REGISTRATION;
            }
            return a == UE_CONTEXT_MODIFICATION && b == INTER_AMF_HANDOVER && handoverKeepsKamf ||
                a == UE_CONTEXT_MODIFICATION && b == N2_HANDOVER;
        }

        public void close()
        {
            for (int amf = 0; amf < SimulatedCore.AMFS; amf++)
            {
                core.amf(amf).delete(ue.ueId());
            }
            core.mme().delete(ue.ueId());
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

    private static void subsets(final int from, final List<PhasedProcedure> chosen, final List<PhasedProcedure[]> out)
    {
        if (!chosen.isEmpty())
        {
            out.add(chosen.toArray(new PhasedProcedure[0]));
        }
        if (chosen.size() == 4)
        {
            return;
        }
        for (int i = from; i < PROCEDURES.length; i++)
        {
            chosen.add(PROCEDURES[i]);
            subsets(i + 1, chosen, out);
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

    private static PhasedProcedure[] randomSet(final SplittableRandom random)
    {
        final int size = 1 + random.nextInt(4);
        final List<PhasedProcedure> pool = new ArrayList<>(List.of(PROCEDURES));
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

package org.amfkeys.procedures;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.context.ContextBatch;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.engine.RecordsKernel;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch forms of the horizontal KAMF handover and mobility registration, Initial Context Setup and
 * the keyless steps against the direct calls,
 * on twin tables whose UEs are put in random states (connected, released, a handover or a NAS SMC,
 * with or without a new KAMF, in flight; unknown): the same transfers, the same refusals, the same contexts byte for byte, and every
 * claim released, at every batch size.
 */
class BatchStepsTest
{
    private static final int UES = 48;
    private static final long UNKNOWN_UE = 999_999;

    @Test
    void theBatchFormsGiveTheDirectCallsResultsInEveryState()
    {
        final SplittableRandom random = new SplittableRandom(33501_6923L);
        final Set<String> seen = new TreeSet<>();
        for (int round = 0; round < 60; round++)
        {
            try (ContextTable batchTable = new ContextTable(UES * 2); ContextTable directTable = new ContextTable(UES * 2);
                AmfProcedures batchAmf = new AmfProcedures(batchTable, new Kdf());
                AmfProcedures directAmf = new AmfProcedures(directTable, new Kdf());
                RecordsKernel kernel = RecordsKernel.open(random.nextBoolean()))
            {
                final long seed = random.nextLong();
                putInRandomStates(batchAmf, new SplittableRandom(seed));
                putInRandomStates(directAmf, new SplittableRandom(seed));
                final int size = 1 + random.nextInt(UES);
                final long[] ueIds = new long[size];
                for (int i = 0; i < size; i++)
                {
                    // Each UE once per batch; now and then one the table does not hold.
                    ueIds[i] = random.nextInt(12) == 0 ? UNKNOWN_UE + i : (i * 7L + round) % UES;
                }
                final ContextBatch claims = new ContextBatch(batchTable, size);
                assertEquals(ueIdsDistinct(ueIds), ueIds.length);
                switch (random.nextInt(4))
                {
                    case 0 -> runHorizontalKamf(batchAmf, directAmf, claims, kernel, ueIds, "round " + round, seen);
                    case 2 -> runIdleHorizontalKamf(batchAmf, directAmf, claims, kernel, ueIds, random, "round " + round, seen);
                    case 1 -> runInitialContextSetup(batchAmf, directAmf, claims, kernel, ueIds, random, "round " + round, seen);
                    default -> runKeyless(batchAmf, directAmf, claims, ueIds, random, "round " + round, seen);
                }
                assertEquals(0, claims.held(), "claims left held");
                assertTablesEqual(batchTable, directTable, "round " + round);
            }
        }
        // Every kind of outcome was compared, not only the easy ones.
        assertEquals(Set.of("handover deferred", "handover refused", "handover started", "handover unknown",
            "keyless known", "keyless refused", "setup done", "setup refused", "setup unknown",
            "transfer deferred", "transfer refused", "transfer started", "transfer unknown"), seen);
    }

    private static void runHorizontalKamf(
        final AmfProcedures batchAmf, final AmfProcedures directAmf, final ContextBatch claims, final RecordsKernel kernel,
        final long[] ueIds, final String where, final Set<String> seen)
    {
        final int size = ueIds.length;
        final UeContextTransfer[] transfers = new UeContextTransfer[size];
        final String[] outcomes = new String[size];
        final List<Integer> notStaged = new ArrayList<>();
        try (HorizontalKamfBatch batch = new HorizontalKamfBatch(batchAmf, claims))
        {
            final BatchStaging[] stagings = new BatchStaging[size];
            for (int i = 0; i < size; i++)
            {
                transfers[i] = new UeContextTransfer();
                try
                {
                    stagings[i] = batch.stage(i, ueIds[i]);
                    outcomes[i] = stagings[i] == BatchStaging.UNKNOWN_UE ? "unknown" : null;
                }
                catch (final ProcedureNotAllowedException ex)
                {
                    outcomes[i] = "refused: " + ex.getMessage();
                }
            }
            kernel.compute(batch.horizontalKamfRecords(), batch.staged());
            batch.stageTemporaryKgnbs();
            kernel.compute(batch.temporaryKgnbRecords(), batch.staged());
            for (int i = 0; i < size; i++)
            {
                if (stagings[i] == BatchStaging.STAGED)
                {
                    assertTrue(batch.finish(i, transfers[i]));
                    outcomes[i] = "started " + encoded(transfers[i]);
                }
                else if (stagings[i] == BatchStaging.NOT_STAGED)
                {
                    notStaged.add(i);
                }
            }
            batch.endBatch();
        }
        for (final int i : notStaged)
        {
            outcomes[i] = direct(batchAmf, ueIds[i], transfers[i]);
        }
        for (int i = 0; i < size; i++)
        {
            assertEquals(direct(directAmf, ueIds[i], new UeContextTransfer()), outcomes[i], where + ", request " + i);
            seen.add("handover " + outcomes[i].split("[ :]")[0]);
        }
    }

    private static String direct(final AmfProcedures amf, final long ueId, final UeContextTransfer transfer)
    {
        try
        {
            final ProcedureStart start = amf.handoverToAmf(ueId, true, transfer);
            return switch (start)
            {
                case UNKNOWN_UE -> "unknown";
                case STARTED -> "started " + encoded(transfer);
                default -> "deferred " + encoded(transfer);
            };
        }
        catch (final ProcedureNotAllowedException ex)
        {
            return "refused: " + ex.getMessage();
        }
    }

    private static void runIdleHorizontalKamf(
        final AmfProcedures batchAmf, final AmfProcedures directAmf, final ContextBatch claims, final RecordsKernel kernel,
        final long[] ueIds, final SplittableRandom random, final String where, final Set<String> seen)
    {
        final int size = ueIds.length;
        final long[] ulCounts = new long[size];
        final UeContextTransfer[] transfers = new UeContextTransfer[size];
        final String[] outcomes = new String[size];
        final List<Integer> notStaged = new ArrayList<>();
        try (IdleHorizontalKamfBatch batch = new IdleHorizontalKamfBatch(batchAmf, claims))
        {
            final BatchStaging[] stagings = new BatchStaging[size];
            for (int i = 0; i < size; i++)
            {
                // Now and then a replay of an earlier COUNT.
                ulCounts[i] = random.nextInt(8) == 0 ? 0 : 2 + random.nextInt(50);
                transfers[i] = new UeContextTransfer();
                try
                {
                    stagings[i] = batch.stage(i, ueIds[i], ulCounts[i]);
                    outcomes[i] = stagings[i] == BatchStaging.UNKNOWN_UE ? "unknown" : null;
                }
                catch (final ProcedureNotAllowedException ex)
                {
                    outcomes[i] = "refused: " + ex.getMessage();
                }
            }
            kernel.compute(batch.horizontalKamfRecords(), batch.staged());
            for (int i = 0; i < size; i++)
            {
                if (stagings[i] == BatchStaging.STAGED)
                {
                    assertTrue(batch.finish(i, transfers[i]));
                    outcomes[i] = "started " + encoded(transfers[i]);
                }
                else if (stagings[i] == BatchStaging.NOT_STAGED)
                {
                    notStaged.add(i);
                }
            }
            batch.endBatch();
        }
        for (final int i : notStaged)
        {
            outcomes[i] = directTransfer(batchAmf, ueIds[i], ulCounts[i], transfers[i]);
        }
        for (int i = 0; i < size; i++)
        {
            assertEquals(directTransfer(directAmf, ueIds[i], ulCounts[i], new UeContextTransfer()), outcomes[i], where + ", request " + i);
            seen.add("transfer " + outcomes[i].split("[ :]")[0]);
        }
    }

    private static String directTransfer(final AmfProcedures amf, final long ueId, final long ulCount, final UeContextTransfer transfer)
    {
        try
        {
            return switch (amf.contextTransfer(ueId, ulCount, true, transfer))
            {
                case UNKNOWN_UE -> "unknown";
                case STARTED -> "started " + encoded(transfer);
                default -> "deferred " + encoded(transfer);
            };
        }
        catch (final ProcedureNotAllowedException ex)
        {
            return "refused: " + ex.getMessage();
        }
    }

    private static void runInitialContextSetup(
        final AmfProcedures batchAmf, final AmfProcedures directAmf, final ContextBatch claims, final RecordsKernel kernel,
        final long[] ueIds, final SplittableRandom random, final String where, final Set<String> seen)
    {
        final int size = ueIds.length;
        final long[] ulCounts = new long[size];
        final NextHopPair[] pairs = new NextHopPair[size];
        final String[] outcomes = new String[size];
        try (InitialContextSetupBatch batch = new InitialContextSetupBatch(batchAmf, claims))
        {
            final BatchStaging[] stagings = new BatchStaging[size];
            for (int i = 0; i < size; i++)
            {
                // Now and then a replay of an earlier COUNT.
                ulCounts[i] = random.nextInt(8) == 0 ? 0 : 2 + random.nextInt(50);
                pairs[i] = new NextHopPair();
                try
                {
                    stagings[i] = batch.stage(i, ueIds[i], ulCounts[i]);
                    outcomes[i] = stagings[i] == BatchStaging.UNKNOWN_UE ? "unknown" : null;
                }
                catch (final ProcedureNotAllowedException ex)
                {
                    outcomes[i] = "refused: " + ex.getMessage();
                }
            }
            kernel.compute(batch.kgnbRecords(), batch.staged());
            batch.stageNextHops();
            kernel.compute(batch.nextHopRecords(), batch.staged());
            for (int i = 0; i < size; i++)
            {
                if (stagings[i] == BatchStaging.STAGED)
                {
                    assertTrue(batch.finish(i, pairs[i]));
                    outcomes[i] = "done " + pairs[i].ncc() + " " + hex(pairs[i].key());
                }
            }
            batch.endBatch();
        }
        for (int i = 0; i < size; i++)
        {
            String viaDirect;
            final NextHopPair pair = new NextHopPair();
            try
            {
                final boolean known = directAmf.initialContextSetup(ueIds[i], ulCounts[i], pair);
                viaDirect = known ? "done " + pair.ncc() + " " + hex(pair.key()) : "unknown";
            }
            catch (final ProcedureNotAllowedException ex)
            {
                viaDirect = "refused: " + ex.getMessage();
            }
            assertEquals(viaDirect, outcomes[i], where + ", request " + i);
            seen.add("setup " + outcomes[i].split("[ :]")[0]);
        }
    }

    private static void runKeyless(
        final AmfProcedures batchAmf, final AmfProcedures directAmf, final ContextBatch claims, final long[] ueIds,
        final SplittableRandom random, final String where, final Set<String> seen)
    {
        final KeylessStepBatch batch = new KeylessStepBatch(batchAmf, claims);
        for (int i = 0; i < ueIds.length; i++)
        {
            final KeylessStepBatch.Step step = random.nextBoolean() ? KeylessStepBatch.Step.RELEASE : KeylessStepBatch.Step.HANDOVER_FAILED;
            String viaBatch;
            try
            {
                viaBatch = "known " + batch.run(i, ueIds[i], step);
            }
            catch (final ProcedureNotAllowedException ex)
            {
                viaBatch = "refused: " + ex.getMessage();
            }
            String viaDirect;
            try
            {
                viaDirect = "known " + (step == KeylessStepBatch.Step.RELEASE ?
                    directAmf.release(ueIds[i]) : directAmf.handoverFailed(ueIds[i]));
            }
            catch (final ProcedureNotAllowedException ex)
            {
                viaDirect = "refused: " + ex.getMessage();
            }
            assertEquals(viaDirect, viaBatch, where + ", " + step + " of UE " + ueIds[i]);
            seen.add("keyless " + viaBatch.split("[ :]")[0]);
        }
    }

    /**
     * Registers every UE and leaves it connected, released, in a handover, in a horizontal handover or
     * with a NAS SMC in flight; the same seed gives the same states.
     */
    private static void putInRandomStates(final AmfProcedures amf, final SplittableRandom random)
    {
        final byte[] kamf = new byte[Kdf.KEY_LENGTH];
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        final NextHopPair pair = new NextHopPair();
        final UeContextTransfer transfer = new UeContextTransfer();
        for (long ueId = 0; ueId < UES; ueId++)
        {
            random.nextBytes(kamf);
            amf.authenticated(ueId, kamf, 1, 0);
            amf.nasSecurityModeCommand(ueId, 1, 2, command);
            amf.nasSecurityModeComplete(ueId, 0);
            amf.initialContextSetup(ueId, 1, pair);
            for (int step = random.nextInt(3); step > 0; step--)
            {
                amf.pathSwitch(ueId, pair);
            }
            switch (random.nextInt(7))
            {
                case 0 -> amf.release(ueId);
                case 1 -> amf.handoverWithinNode(ueId, pair);
                case 2 -> amf.handoverToAmf(ueId, true, transfer);
                case 3 -> amf.nasSecurityModeCommand(ueId, 2, 1, command);
                case 4 ->
                {
                    // A NAS SMC for a new KAMF: a handover to another AMF waits for it.
                    random.nextBytes(kamf);
                    amf.authenticated(ueId, kamf, 2, 0);
                    amf.nasSecurityModeCommand(ueId, 1, 2, command);
                }
                default ->
                {
                    // Connected, nothing in flight.
                }
            }
        }
    }

    private static String encoded(final UeContextTransfer transfer)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[UeContextTransferDescriptor.LENGTH]);
        transfer.encode(buffer, 0);
        return hex(buffer.byteArray());
    }

    private static String hex(final byte[] octets)
    {
        final StringBuilder hex = new StringBuilder();
        for (final byte octet : octets)
        {
            hex.append(String.format("%02x", octet));
        }
        return hex.toString();
    }

    private static int ueIdsDistinct(final long[] ueIds)
    {
        return (int)Arrays.stream(ueIds).distinct().count();
    }

    private static void assertTablesEqual(final ContextTable batchTable, final ContextTable directTable, final String where)
    {
        final SecurityContext viaBatch = new SecurityContext();
        final SecurityContext viaDirect = new SecurityContext();
        for (long ueId = 0; ueId < UES; ueId++)
        {
            assertEquals(directTable.read(ueId, viaDirect), batchTable.read(ueId, viaBatch), where + ", presence of UE " + ueId);
            final byte[] a = new byte[SecurityContextDescriptor.LENGTH];
            final byte[] b = new byte[SecurityContextDescriptor.LENGTH];
            viaBatch.buffer().getBytes(viaBatch.offset(), a);
            viaDirect.buffer().getBytes(viaDirect.offset(), b);
            assertArrayEquals(b, a, where + ", context of UE " + ueId);
        }
    }
}

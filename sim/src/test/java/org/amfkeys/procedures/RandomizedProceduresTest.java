package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.ProcedureMix;
import org.amfkeys.sim.SimulatedCore;
import org.amfkeys.sim.SimulatedUe;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random procedure sequences for many UEs on all cores at once, over shared AMF and MME tables. After
 * every procedure, completed or refused, UE, RAN node and core network must agree; no NAS COUNT may be
 * used twice under one root key, and no gNB or eNB key twice; and at the end, no root key that only a deleted context held may
 * remain anywhere in a table.
 */
class RandomizedProceduresTest
{
    private static final int SEQUENCES = 100_000;
    private static final int UES_PER_THREAD = 500;
    private static final int MAX_SEQUENCE_LENGTH = 6;
    private static final int AUDITED_KEYS = 256;

    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong sequences = new AtomicLong();
    private final AtomicLong procedures = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong audited = new AtomicLong();
    private ContextTable[] tables;

    @Test
    void randomSequencesKeepEverySideInStep() throws InterruptedException
    {
        final int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        final long capacity = (long)threads * UES_PER_THREAD;
        try (ContextTable amf1 = new ContextTable(capacity);
            ContextTable amf2 = new ContextTable(capacity);
            ContextTable mme = new ContextTable(capacity))
        {
            final ContextTable[] amfs = {amf1, amf2};
            tables = new ContextTable[] {amf1, amf2, mme};
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                workers[t] = new Thread(() -> run(thread, threads, amfs, mme), "procedures-" + t);
                workers[t].start();
            }
            for (final Thread worker : workers)
            {
                worker.join();
            }
            assertNull(failure.get(), failure.get());
            assertTrue(sequences.get() >= SEQUENCES, "sequences " + sequences.get());
            assertTrue(refused.get() < procedures.get() / 2, "most procedures ran: " + refused + " of " + procedures);

            assertEquals(AUDITED_KEYS, audited.get(), "replaced root keys audited");
        }
    }

    private void run(final int thread, final int threads, final ContextTable[] amfs, final ContextTable mme)
    {
        final SplittableRandom random = new SplittableRandom(0x5EED_0000L + thread);
        final ProcedureMix mix = new ProcedureMix();
        try (SimulatedCore core = new SimulatedCore(amfs, mme, Kdf::new))
        {
            final SimulatedUe[] ues = new SimulatedUe[UES_PER_THREAD];
            final List<Set<ByteBuffer>> used = new ArrayList<>();
            final Set<ByteBuffer> ranKeys = new HashSet<>();
            for (int i = 0; i < UES_PER_THREAD; i++)
            {
                final Set<ByteBuffer> counts = new HashSet<>();
                used.add(counts);
                ues[i] = new SimulatedUe((long)i * threads + thread + 1, core, randomKey(random), random.nextInt(7), 1, 2)
                    .observer((rootKey, direction, count) -> record(counts, rootKey, direction, count));
            }
            final int share = SEQUENCES / threads + 1;
            for (int s = 0; s < share && failure.get() == null; s++)
            {
                final SimulatedUe ue = ues[random.nextInt(UES_PER_THREAD)];
                final int length = 1 + random.nextInt(MAX_SEQUENCE_LENGTH);
                for (int p = 0; p < length; p++)
                {
                    final byte[] ranKeyBefore = ue.ran() == null ? null : ue.ran().key().clone();
                    final String done = step(ue, random, mix);
                    procedures.incrementAndGet();
                    if (!ue.inSync())
                    {
                        failure.compareAndSet(null, "UE " + ue.ueId() + " out of sync after " + done + " in sequence " + s);
                        return;
                    }
                    if (ue.ran() != null && !Arrays.equals(ranKeyBefore, ue.ran().key()) &&
                        !ranKeys.add(ByteBuffer.wrap(ue.ran().key().clone())))
                    {
                        failure.compareAndSet(null, "UE " + ue.ueId() + ": a KgNB came back after " + done);
                        return;
                    }
                }
                sequences.incrementAndGet();
            }
            for (final SimulatedUe ue : ues)
            {
                ue.close();
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, Thread.currentThread().getName() + ": " + ex);
        }
    }

    private void record(final Set<ByteBuffer> counts, final byte[] rootKey, final SimulatedUe.Direction direction, final long count)
    {
        final ByteBuffer entry = ByteBuffer.allocate(rootKey.length + 9);
        entry.put(rootKey).put((byte)direction.ordinal()).putLong(count).flip();
        if (!counts.add(entry))
        {
            failure.compareAndSet(null, direction + " NAS COUNT " + count + " used twice under one key");
        }
    }

    private String step(final SimulatedUe ue, final SplittableRandom random, final ProcedureMix mix)
    {
        final ProcedureMix.Procedure procedure = mix.pick(random);
        final byte[] before = ue.ue().rootKey().clone();
        try
        {
            mix.run(procedure, ue, random);
        }
        catch (final ProcedureNotAllowedException refusal)
        {
            refused.incrementAndGet();
            return procedure.token() + " refused: " + refusal.getMessage();
        }
        // An MME keeps the old KASME for the AS until a UE Context Modification (TS 33.401 7.2.10 rule 3).
        final boolean keptForAs = (ue.readServing().contextFlags() & SecurityContext.FLAG_OLD_KEY_FOR_AS) != 0;
        if (!keptForAs && !Arrays.equals(before, ue.ue().rootKey()) && audited.get() < AUDITED_KEYS &&
            random.nextInt(4) == 0)
        {
            audited.incrementAndGet();
            for (final ContextTable table : tables)
            {
                if (table.slotsContain(before))
                {
                    failure.compareAndSet(null, procedure.token() + " replaced a root key but left it in a table");
                }
            }
        }
        return procedure.token();
    }

    private static byte[] randomKey(final SplittableRandom random)
    {
        final byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    @Test
    void aRefusedStepChangesNoSide()
    {
        try (SimulatedNetwork network = new SimulatedNetwork(8);
            SimulatedUe ue = new SimulatedUe(1, network.core, new byte[32], 1, 1, 2))
        {
            final ProcedureNotAllowedException idle = org.junit.jupiter.api.Assertions.assertThrows(
                ProcedureNotAllowedException.class, () -> ue.xnHandover(1, 1000));
            assertTrue(idle.getMessage().contains("idle"), idle.getMessage());
            ue.initialContextSetup(ue.ue().nextUplinkCount(), 1, 1000);
            final byte[] kgnb = ue.ran().key().clone();
            final ProcedureNotAllowedException noSmc = org.junit.jupiter.api.Assertions.assertThrows(
                ProcedureNotAllowedException.class, ue::ueContextModification);
            assertTrue(noSmc.getMessage().contains("NAS SMC"), noSmc.getMessage());
            ue.nasSecurityModeCommand(1, 2);
            ue.ueContextModification();
            assertFalse(java.util.Arrays.equals(kgnb, ue.ran().key()));
            org.junit.jupiter.api.Assertions.assertThrows(ProcedureNotAllowedException.class, ue::ueContextModification,
                "one SMC Complete keys one KgNB only");
            assertTrue(ue.inSync());
            assertEquals(0, ue.ran().keyNcc());
        }
    }
}

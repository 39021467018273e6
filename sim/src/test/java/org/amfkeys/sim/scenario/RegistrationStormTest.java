package org.amfkeys.sim.scenario;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureStart;
import org.amfkeys.procedures.UeContextTransfer;
import org.amfkeys.sim.aka.JdkAes128;
import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.aka.NativeAes128;
import org.amfkeys.sim.subscriber.Subscriber;
import org.amfkeys.sim.subscriber.SubscriberDescriptor;
import org.amfkeys.sim.subscriber.Subscribers;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registration storm registers every UE on both sides with equal keys, takes the resynchronisation
 * path exactly for the USIMs provisioned ahead of their home network, and reports what it counted.
 */
class RegistrationStormTest
{
    @Test
    void everyUeRegistersInSyncOnEveryAesPath() throws Exception
    {
        final List<String> paths = new ArrayList<>(List.of("jdk"));
        if (NativeAes128.availability() == null)
        {
            paths.add("aes-ni");
        }
        for (final String aes : paths)
        {
            final int ues = 6_000;
            final List<Progress> progress = new ArrayList<>();
            final RegistrationStorm.Result result =
                RegistrationStorm.run(new RegistrationStorm.Settings(ues, 2, 33501, 0.05, aes, 0, 0, 1_000, 32), progress::add);
            assertEquals(ues, result.ues(), aes);
            assertEquals(0, result.outOfSync(), aes);
            assertEquals(0, result.authenticationFailed(), aes);
            assertEquals(0, result.refused(), aes);
            // About 5 % of the USIMs were provisioned ahead; each resynchronised once, then registered.
            assertTrue(result.resynchronised() > ues * 0.03 && result.resynchronised() < ues * 0.07, aes + ": " + result.resynchronised());
            assertEquals(ues, result.latency().getTotalCount(), aes);
            // The steps split each registration: neither takes longer than the whole.
            assertEquals(ues, result.authentication().getTotalCount(), aes);
            assertEquals(ues, result.securityMode().getTotalCount(), aes);
            assertTrue(result.authentication().getMaxValue() <= result.latency().getMaxValue() * 1.01, aes);
            assertTrue(result.securityMode().getMaxValue() <= result.latency().getMaxValue() * 1.01, aes);
            assertTrue(result.bytesPerUe(ues) < 600, "bytes per UE " + result.bytesPerUe(ues));
        }
    }

    @Test
    void aSecondRegistrationOfTheSameSubscribersTakesTheNextSqnAndStaysInSync()
    {
        final int ues = 500;
        try (Subscribers subscribers = new Subscribers(ues);
            ContextTable table = new ContextTable(ues);
            Registration registration = new Registration(subscribers, table, new Milenage(new JdkAes128())))
        {
            final SplittableRandom random = new SplittableRandom(7);
            final Subscriber subscriber = new Subscriber();
            for (int i = 0; i < ues; i++)
            {
                registration.provision(i, random, 0);
            }
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < ues; i++)
                {
                    final long before = subscriber.wrap(subscribers, i).homeSqn();
                    assertEquals(Registration.Outcome.REGISTERED, registration.register(i, random), "UE " + i + ", round " + round);
                    final long after = subscriber.wrap(subscribers, i).homeSqn();
                    assertEquals((before >>> 5) + 1, after >>> 5, "the home network's SEQ steps by one");
                    assertTrue(subscriber.registered());
                    assertTrue(!subscriber.usim().isFresh(after), "the USIM accepted the SQN it was given");
                }
            }
        }
    }

    @Test
    void aUsimAheadOfItsHomeNetworkResynchronisesOnceThenRegistersNormally()
    {
        try (Subscribers subscribers = new Subscribers(1);
            ContextTable table = new ContextTable(1);
            Registration registration = new Registration(subscribers, table, new Milenage(new JdkAes128())))
        {
            final SplittableRandom random = new SplittableRandom(11);
            registration.provision(0, random, 1.0);
            final Subscriber subscriber = new Subscriber().wrap(subscribers, 0);
            final long usimHighest = subscriber.usim().highest();
            assertTrue(usimHighest >>> 5 > subscriber.homeSqn() >>> 5, "provisioned ahead");
            assertEquals(Registration.Outcome.REGISTERED_AFTER_RESYNCHRONISATION, registration.register(0, random));
            assertEquals((usimHighest >>> 5) + 1, subscriber.homeSqn() >>> 5, "the home network continued after SQN_MS");
            assertEquals(Registration.Outcome.REGISTERED, registration.register(0, random));
        }
    }

    @Test
    void everyBatchSizeAndKernelEndsEachRegistrationWithTheKeysOfOneAtATime()
    {
        final int ues = 300;
        final Registration.Outcome[] referenceOutcomes = new Registration.Outcome[ues];
        final byte[][] reference = registerAll(ues, 1, false, referenceOutcomes);
        assertTrue(List.of(referenceOutcomes).contains(Registration.Outcome.REGISTERED_AFTER_RESYNCHRONISATION),
            "some USIMs resynchronise inside a batch");
        for (final int batch : new int[] {2, 7, 32, Registration.MAX_BATCH})
        {
            for (final boolean nativeBatch : new boolean[] {true, false})
            {
                final Registration.Outcome[] outcomes = new Registration.Outcome[ues];
                final byte[][] kamfs = registerAll(ues, batch, nativeBatch, outcomes);
                for (int i = 0; i < ues; i++)
                {
                    assertEquals(referenceOutcomes[i], outcomes[i], "UE " + i + ", batch " + batch + ", native " + nativeBatch);
                    assertArrayEquals(reference[i], kamfs[i], "KAMF of UE " + i + ", batch " + batch + ", native " + nativeBatch);
                }
            }
        }
    }

    @Test
    void aUeTheAmfRefusesEndsAloneAndTheRestOfItsBatchRegisters()
    {
        final int ues = 10;
        try (Subscribers subscribers = new Subscribers(ues);
            ContextTable table = new ContextTable(ues);
            Registration registration = new Registration(subscribers, table, new Milenage(new JdkAes128()), ues, true);
            Kdf kdf = new Kdf())
        {
            final SplittableRandom random = new SplittableRandom(13);
            final Registration.Outcome[] outcomes = new Registration.Outcome[ues];
            for (int i = 0; i < ues; i++)
            {
                registration.provision(i, random, 0);
            }
            registration.register(0, ues, random, outcomes);
            assertEquals(Collections.nCopies(ues, Registration.Outcome.REGISTERED), List.of(outcomes));

            // UE 3 (identifier 4) is handed over to another AMF: no NAS SMC may start now (TS 33.501 6.9.5.1 (5)).
            final AmfProcedures amf = new AmfProcedures(table, kdf);
            assertTrue(amf.initialContextSetup(4, 1, new NextHopPair()));
            assertEquals(ProcedureStart.STARTED, amf.handoverToAmf(4, false, new UeContextTransfer()));
            final byte[] kamfBefore = kamfOf(table, 4);
            registration.register(0, ues, random, outcomes);
            for (int i = 0; i < ues; i++)
            {
                assertEquals(i == 3 ? Registration.Outcome.REFUSED : Registration.Outcome.REGISTERED, outcomes[i], "UE " + i);
            }
            assertArrayEquals(kamfBefore, kamfOf(table, 4), "the refused UE keeps its current KAMF");
        }
    }

    /** Registers subscribers 0..ues-1 in batches; returns the KAMF of each in the AMF's table. */
    private static byte[][] registerAll(
        final int ues, final int batch, final boolean nativeBatch, final Registration.Outcome[] outcomes)
    {
        try (Subscribers subscribers = new Subscribers(ues);
            ContextTable table = new ContextTable(ues);
            Registration registration = new Registration(subscribers, table, new Milenage(new JdkAes128()), batch, nativeBatch))
        {
            final SplittableRandom random = new SplittableRandom(9);
            for (int i = 0; i < ues; i++)
            {
                registration.provision(i, random, 0.1);
            }
            final Registration.Outcome[] batchOutcomes = new Registration.Outcome[batch];
            for (int first = 0; first < ues; first += batch)
            {
                final int count = Math.min(batch, ues - first);
                registration.register(first, count, random, batchOutcomes);
                System.arraycopy(batchOutcomes, 0, outcomes, first, count);
            }
            final byte[][] kamfs = new byte[ues][];
            for (int i = 0; i < ues; i++)
            {
                kamfs[i] = kamfOf(table, i + 1L);
            }
            return kamfs;
        }
    }

    private static byte[] kamfOf(final ContextTable table, final long ueId)
    {
        final SecurityContext context = new SecurityContext();
        assertTrue(table.read(ueId, context), "UE " + ueId + " known");
        final byte[] kamf = new byte[Kdf.KEY_LENGTH];
        context.copyKamf(kamf, 0);
        return kamf;
    }

    @Test
    void anOfferedRateAndADurationBoundTheStorm() throws Exception
    {
        final RegistrationStorm.Result paced =
            RegistrationStorm.run(new RegistrationStorm.Settings(2_000, 2, 5, 0, "jdk", 20_000, 0, 0, 32), null);
        assertEquals(2_000, paced.ues());
        assertEquals(0, paced.outOfSync());

        // 1,000 a second for half a second registers some hundreds of the 100,000 and leaves the rest.
        final RegistrationStorm.Result bounded =
            RegistrationStorm.run(new RegistrationStorm.Settings(100_000, 2, 5, 0, "jdk", 1_000, 0.5, 0, 32), null);
        assertTrue(bounded.ues() > 50 && bounded.ues() < 5_000, "registered " + bounded.ues());
        assertEquals(0, bounded.outOfSync());
        assertEquals(bounded.ues(), bounded.latency().getTotalCount());

        final InvalidParameterException rate = assertThrows(InvalidParameterException.class,
            () -> new RegistrationStorm.Settings(10, 1, 1, 0, "jdk", -5, 0, 0, 32));
        assertTrue(rate.getMessage().startsWith("rate: "), rate.getMessage());
        final InvalidParameterException duration = assertThrows(InvalidParameterException.class,
            () -> new RegistrationStorm.Settings(10, 1, 1, 0, "jdk", 0, Double.NaN, 0, 32));
        assertTrue(duration.getMessage().startsWith("duration: "), duration.getMessage());
    }

    @Test
    void theProgressEachSecondCountsUpAndCarriesTheP99SoFar() throws Exception
    {
        // 6,000 registrations at 2,500 a second: two samples at least, each after whole seconds of work.
        final List<Progress> progress = new ArrayList<>();
        final RegistrationStorm.Result result =
            RegistrationStorm.run(new RegistrationStorm.Settings(6_000, 2, 17, 0, "jdk", 2_500, 0, 0, 32), progress::add);
        assertTrue(progress.size() >= 2, "samples: " + progress);
        for (int i = 0; i < progress.size(); i++)
        {
            final Progress now = progress.get(i);
            assertEquals(0, now.outOfSync());
            assertTrue(now.done() > 0 && now.p99Nanos() > 0, now.toString());
            assertTrue(now.elapsedNanos() >= (i + 1) * 1_000_000_000L, now.toString());
            assertTrue(i == 0 || now.done() > progress.get(i - 1).done(), "counts up: " + progress);
            // About 2,500 a second: the count follows the offered rate, not the end of the run.
            assertTrue(Math.abs(now.done() - 2_500.0 * now.elapsedNanos() / 1e9) < 1_000, now.toString());
        }
        assertTrue(progress.get(progress.size() - 1).p99Nanos() <= result.latency().getMaxValue(), progress.toString());
        assertEquals(6_000, result.latency().getTotalCount());
    }

    @Test
    void eachSubscriberHasItsOwnImsi()
    {
        assertEquals("imsi-001010000000000", Registration.supiOf(0).toString());
        assertEquals("imsi-001010001234567", Registration.supiOf(1_234_567).toString());
        assertEquals("imsi-001012147483647", Registration.supiOf(Integer.MAX_VALUE).toString());
    }

    @Test
    void subscriberRecordsArePrefetchedWithoutChangeAndBadRangesAreNamed()
    {
        try (Subscribers subscribers = new Subscribers(100))
        {
            final UnsafeBuffer lines = new UnsafeBuffer(ByteBuffer.allocateDirect(Long.BYTES * Subscribers.linesFor(100)));
            final Subscriber subscriber = new Subscriber().wrap(subscribers, 99);
            subscriber.homeSqn(12345);
            subscribers.prefetch(0, 100, lines);
            subscribers.prefetch(99, 1, lines);
            assertEquals(12345, new Subscriber().wrap(subscribers, 99).homeSqn(), "a prefetch changes nothing");
            assertEquals("first", assertThrows(InvalidParameterException.class, () -> subscribers.prefetch(100, 1, lines)).parameter());
            assertEquals("first", assertThrows(InvalidParameterException.class, () -> subscribers.prefetch(-1, 1, lines)).parameter());
            assertEquals("count", assertThrows(InvalidParameterException.class, () -> subscribers.prefetch(50, 51, lines)).parameter());
            assertEquals("count", assertThrows(InvalidParameterException.class, () -> subscribers.prefetch(0, 0, lines)).parameter());
        }
    }

    @Test
    void badSettingsNameTheSettingAndItsRange()
    {
        final InvalidParameterException threads = assertThrows(InvalidParameterException.class,
            () -> new RegistrationStorm.Settings(10, 11, 1, 0, "jdk", 0, 0, 0, 32));
        assertTrue(threads.getMessage().startsWith("threads: 11 is out of range"), threads.getMessage());
        final InvalidParameterException ahead = assertThrows(InvalidParameterException.class,
            () -> new RegistrationStorm.Settings(10, 1, 1, 1.5, "jdk", 0, 0, 0, 32));
        assertTrue(ahead.getMessage().startsWith("ahead-usims:"), ahead.getMessage());
        final InvalidParameterException aes = assertThrows(InvalidParameterException.class,
            () -> new RegistrationStorm.Settings(10, 1, 1, 0, "rot13", 0, 0, 0, 32));
        assertTrue(aes.getMessage().startsWith("aes:"), aes.getMessage());
        final InvalidParameterException warmUp = assertThrows(InvalidParameterException.class,
            () -> new RegistrationStorm.Settings(10, 1, 1, 0, "jdk", 0, 0, -1, 32));
        assertTrue(warmUp.getMessage().startsWith("warm-up: -1 is out of range"), warmUp.getMessage());
        assertEquals(0, SubscriberDescriptor.LENGTH % Long.BYTES);
    }
}

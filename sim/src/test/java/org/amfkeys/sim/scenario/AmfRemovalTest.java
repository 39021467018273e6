package org.amfkeys.sim.scenario;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.procedures.AmfChange;
import org.amfkeys.procedures.HorizontalKamfPolicy;
import org.amfkeys.sim.aka.JdkAes128;
import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.subscriber.Subscriber;
import org.amfkeys.sim.subscriber.Subscribers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Removing an AMF moves every UE to the target with the UE's keys equal to the target's, by context
 * transfer and by N2 handover, with a horizontal KAMF exactly where the policy asks for one; a UE whose
 * keys were made to differ is caught.
 */
class AmfRemovalTest
{
    @Test
    void everyUeMovesInSyncByEitherWayUnderEveryPolicy() throws Exception
    {
        final int ues = 1_500;
        for (final String via : AmfRemoval.VIAS)
        {
            for (final String policy : AmfRemoval.POLICIES)
            {
                for (final boolean otherAmfSet : new boolean[] {false, true})
                {
                    final String what = via + ", " + policy + (otherAmfSet ? ", other AMF set" : ", same AMF set");
                    final List<Progress> progress = new ArrayList<>();
                    final AmfRemoval.Result result = AmfRemoval.run(
                        new AmfRemoval.Settings(ues, 2, 23501, via, policy, otherAmfSet, "jdk", 0, 0, 200), progress::add);
                    assertEquals(ues, result.ues(), what);
                    assertEquals(0, result.outOfSync(), what);
                    assertEquals(0, result.refused(), what);
                    final boolean derives = switch (policy)
                    {
                        case "always" -> true;
                        case "never" -> false;
                        default -> otherAmfSet;
                    };
                    assertEquals(derives ? ues : 0, result.movedHorizontal(), what);
                    assertEquals(ues, result.latency().getTotalCount(), what);
                }
            }
        }
    }

    @Test
    void aUeWhoseKamfDiffersFromTheNetworksIsOutOfSyncAfterItsMove()
    {
        for (final boolean connected : new boolean[] {false, true})
        {
            for (final HorizontalKamfPolicy policy : List.of(HorizontalKamfPolicy.always(), HorizontalKamfPolicy.never()))
            {
                final int ues = 40;
                try (Subscribers subscribers = new Subscribers(ues);
                    ContextTable source = new ContextTable(ues);
                    ContextTable target = new ContextTable(ues);
                    Registration registration = new Registration(subscribers, source, new Milenage(new JdkAes128()));
                    AmfMove move = new AmfMove(subscribers, source, target,
                        new AmfChange(AmfChange.Kind.CONTEXT_TRANSFER, 1, 2, false), policy))
                {
                    final SplittableRandom random = new SplittableRandom(5);
                    final Subscriber subscriber = new Subscriber();
                    for (int i = 0; i < ues; i++)
                    {
                        registration.provision(i, random, 0);
                        assertEquals(Registration.Outcome.REGISTERED, registration.register(i, random));
                        if (connected)
                        {
                            assertTrue(move.connect(i));
                        }
                    }
                    // One UE's ME holds a KAMF the network never derived: only its move is out of sync.
                    final byte[] kamf = new byte[32];
                    subscriber.wrap(subscribers, 17).ueKamf(kamf);
                    kamf[31] ^= 1;
                    final long ulCount = subscriber.ueUplinkNasCount();
                    final long kgnbCount = subscriber.ueKgnbUplinkNasCount();
                    subscriber.ueNasContext(kamf, subscriber.ueNgKsi(), 2, 2, ulCount);
                    if (connected)
                    {
                        subscriber.ueConnected(kgnbCount);
                    }
                    for (int i = 0; i < ues; i++)
                    {
                        final AmfMove.Outcome outcome = move.move(i);
                        final String what = "UE " + i + (connected ? ", connected" : ", idle");
                        if (i == 17)
                        {
                            assertEquals(AmfMove.Outcome.OUT_OF_SYNC, outcome, what);
                        }
                        else
                        {
                            assertFalse(outcome == AmfMove.Outcome.OUT_OF_SYNC || outcome == AmfMove.Outcome.REFUSED, what);
                        }
                        assertFalse(source.contains(i + 1L), what + " left the source");
                        assertTrue(target.contains(i + 1L), what + " is at the target");
                    }
                    // A UE the source no longer serves cannot move again.
                    assertEquals(AmfMove.Outcome.REFUSED, move.move(3));
                }
            }
        }
    }

    @Test
    void badSettingsAreRefusedByName()
    {
        assertEquals("via", assertThrows(InvalidParameterException.class,
            () -> new AmfRemoval.Settings(10, 1, 1, "xn", "always", false, "jdk", 0, 0, 0)).parameter());
        assertEquals("horizontal-kamf", assertThrows(InvalidParameterException.class,
            () -> new AmfRemoval.Settings(10, 1, 1, "n2-handover", "sometimes", false, "jdk", 0, 0, 0)).parameter());
        assertEquals("threads", assertThrows(InvalidParameterException.class,
            () -> new AmfRemoval.Settings(10, 11, 1, "n2-handover", "always", false, "jdk", 0, 0, 0)).parameter());
    }
}

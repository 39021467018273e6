package org.amfkeys.procedures;

import org.amfkeys.sim.SimulatedUe;
import org.amfkeys.types.AccessType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fingerprint of {@link SimulationInvariants} is what shows that a refused step changed nothing, so
 * it has to see every piece of the UE model's state: each value held by the simulated UE, its UE mirror
 * with every NAS security context it keeps, its RAN nodes and its procedures in flight.
 */
class SimulationInvariantsTest
{
    private static final int ARFCN = 632_628;

    @Test
    void changingAnyValueOfTheUeModelChangesTheFingerprint() throws IllegalAccessException
    {
        final byte[] kamf = new byte[32];
        new Random(7).nextBytes(kamf);
        try (SimulatedNetwork network = new SimulatedNetwork(8);
            SimulatedUe ue = new SimulatedUe(1, network.core, kamf, 1, 1, 2))
        {
            // CONNECTED with a procedure in flight, so that the in-flight state exists too.
            ue.initialContextSetup(ue.smcCompleteUplinkCount(), 1, ARFCN);
            ue.beginNasSecurityModeCommand(AccessType.THREE_GPP, 2, 1);
            final SimulationInvariants invariants = new SimulationInvariants(ue, network.core);
            final long before = invariants.fingerprint();
            final List<String> changed = new ArrayList<>();
            changeEachValue(invariants, before, "SimulatedUe", ue, new IdentityHashMap<>(), changed);

            assertTrue(changed.contains("SimulatedUe.ue.current.rootKey"), changed::toString);
            assertTrue(changed.contains("SimulatedUe.ue.current.ngKsi"), changed::toString);
            assertTrue(changed.contains("SimulatedUe.ue.old.uplinkNext"), changed::toString);
            assertTrue(changed.contains("SimulatedUe.ue.beforeSmc.smcCountUnused"), changed::toString);
            assertTrue(changed.contains("SimulatedUe.ue.partialNativeBeforeSmc.chain"), changed::toString);
            assertTrue(changed.contains("SimulatedUe.inFlight.handover"), changed::toString);
            assertTrue(changed.contains("SimulatedUe.inFlight.handoverKind"), changed::toString);
            assertTrue(changed.contains("SimulatedUe.inFlight.registration"), changed::toString);
            assertEquals(before, invariants.fingerprint());
        }
    }

    /**
     * Changes each value reachable from {@code object} through the model's own classes, one at a time,
     * checks that the fingerprint sees it, and puts it back.
     */
    private static void changeEachValue(
        final SimulationInvariants invariants, final long before, final String path, final Object object,
        final IdentityHashMap<Object, Boolean> seen, final List<String> changed) throws IllegalAccessException
    {
        if (object == null || seen.put(object, Boolean.TRUE) != null)
        {
            return;
        }
        for (final Field field : SimulationInvariants.fields(object.getClass()))
        {
            final String at = path + "." + field.getName();
            final Object value = field.get(object);
            if (value == null)
            {
                continue;
            }
            final Class<?> type = field.getType();
            if (isModel(type))
            {
                changeEachValue(invariants, before, at, value, seen, changed);
            }
            else if (type.isArray() && isModel(type.getComponentType()))
            {
                for (int i = 0; i < Array.getLength(value); i++)
                {
                    changeEachValue(invariants, before, at + "[" + i + "]", Array.get(value, i), seen, changed);
                }
            }
            else if (type == byte[].class)
            {
                final byte[] bytes = (byte[])value;
                bytes[0] ^= 1;
                assertChanged(invariants, before, at);
                bytes[0] ^= 1;
                changed.add(at);
            }
            else if (type.isPrimitive() || type.isEnum())
            {
                field.set(object, SimulationInvariants.otherValue(value));
                assertChanged(invariants, before, at);
                field.set(object, value);
                changed.add(at);
            }
            assertEquals(before, invariants.fingerprint(), at + " put back");
        }
    }

    private static boolean isModel(final Class<?> type)
    {
        return type.getName().startsWith("org.amfkeys.sim.") && !type.isEnum();
    }

    private static void assertChanged(final SimulationInvariants invariants, final long before, final String path)
    {
        assertTrue(invariants.fingerprint() != before, "the fingerprint does not see " + path);
    }
}

package org.amfkeys.engine;

import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocking calls give what the direct calls give: the pair, an unknown UE as false, a refusal as
 * the exception with its rule.
 */
class EngineCallsTest
{
    private static final long FIRST_UE = 500;

    @Test
    void blockingCallsGiveTheDirectCallsResults()
    {
        try (EngineFixture fixture = new EngineFixture(4, FIRST_UE, 3);
            KeyEngine engine = new KeyEngine(fixture.engineTable, new KeyEngine.Options());
            EngineCalls calls = new EngineCalls(engine))
        {
            final NextHopPair viaEngine = new NextHopPair();
            final NextHopPair viaDirect = new NextHopPair();
            assertFalse(calls.pathSwitch(EngineFixture.UNKNOWN_UE, viaEngine));
            assertFalse(fixture.direct.pathSwitch(EngineFixture.UNKNOWN_UE, viaDirect));

            // Not CONNECTED yet: refused by the UE's state on both paths.
            final ProcedureNotAllowedException engineRefusal =
                assertThrows(ProcedureNotAllowedException.class, () -> calls.pathSwitch(FIRST_UE, viaEngine));
            final ProcedureNotAllowedException directRefusal =
                assertThrows(ProcedureNotAllowedException.class, () -> fixture.direct.pathSwitch(FIRST_UE, viaDirect));
            assertEquals(directRefusal.rule(), engineRefusal.rule());

            assertTrue(calls.initialContextSetup(FIRST_UE, 0, viaEngine));
            assertTrue(fixture.direct.initialContextSetup(FIRST_UE, 0, viaDirect));
            assertPairsEqual(viaDirect, viaEngine);
            for (int i = 0; i < 10; i++)
            {
                assertTrue(calls.pathSwitch(FIRST_UE, viaEngine));
                assertTrue(fixture.direct.pathSwitch(FIRST_UE, viaDirect));
                assertPairsEqual(viaDirect, viaEngine);
            }
            assertTrue(calls.handoverWithinNode(FIRST_UE, viaEngine));
            assertTrue(fixture.direct.handoverWithinNode(FIRST_UE, viaDirect));
            assertPairsEqual(viaDirect, viaEngine);
            assertTrue(calls.handoverCompleted(FIRST_UE));
            assertTrue(fixture.direct.handoverCompleted(FIRST_UE));
            assertTrue(calls.release(FIRST_UE));
            assertTrue(fixture.direct.release(FIRST_UE));
            fixture.assertTablesEqual(FIRST_UE, 4);
        }
    }

    @Test
    void aClosedEngineRefusesEveryCall()
    {
        try (EngineFixture fixture = new EngineFixture(1, FIRST_UE, 3))
        {
            final KeyEngine engine = new KeyEngine(fixture.engineTable, new KeyEngine.Options());
            final EngineCalls calls = new EngineCalls(engine);
            engine.close();
            final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> calls.release(FIRST_UE));
            assertEquals("KeyEngine is closed", closed.getMessage());
            calls.close();
        }
    }

    private static void assertPairsEqual(final NextHopPair expected, final NextHopPair actual)
    {
        assertEquals(expected.ncc(), actual.ncc());
        assertEquals(expected.newSecurityContext(), actual.newSecurityContext());
        assertArrayEquals(expected.key(), actual.key());
    }
}

package org.amfkeys.engine;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two tables that start equal, one driven through the engine and one by the direct calls, and the
 * requests and outcomes that must match between them.
 */
final class EngineFixture implements AutoCloseable
{
    /** A UE id no table holds. */
    static final long UNKNOWN_UE = 999_999_999L;

    final ContextTable engineTable;
    final ContextTable directTable;
    final AmfProcedures direct;
    private final AmfProcedures engineSetup;

    EngineFixture(final int ues, final long firstUe, final long seed)
    {
        engineTable = new ContextTable(4L * ues + 64);
        directTable = new ContextTable(4L * ues + 64);
        direct = new AmfProcedures(directTable, new Kdf());
        engineSetup = new AmfProcedures(engineTable, new Kdf());
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] kamf = new byte[32];
        for (int i = 0; i < ues; i++)
        {
            random.nextBytes(kamf);
            register(direct, firstUe + i, kamf);
            register(engineSetup, firstUe + i, kamf);
        }
        Arrays.fill(kamf, (byte)0);
    }

    private static void register(final AmfProcedures amf, final long ueId, final byte[] kamf)
    {
        amf.authenticated(ueId, kamf, 1, 0xF0F0);
        assertTrue(amf.nasSecurityModeCommand(ueId, 2, 2, new NasSecurityModeCommand()));
        assertTrue(amf.nasSecurityModeComplete(ueId, 0));
    }

    /**
     * A random request for one of the UEs, or now and then for an unknown one.
     */
    static Request randomRequest(final SplittableRandom random, final long correlationId, final long firstUe, final int ues)
    {
        final EngineOperation[] operations = EngineOperation.values();
        final EngineOperation operation = operations[random.nextInt(operations.length)];
        final long ueId = random.nextInt(50) == 0 ? UNKNOWN_UE : firstUe + random.nextInt(ues);
        return new Request(correlationId, operation, ueId, operation == EngineOperation.INITIAL_CONTEXT_SETUP ? random.nextInt(40) : 0);
    }

    /**
     * Runs a request as the direct call.
     */
    Outcome runDirect(final Request request)
    {
        final NextHopPair pair = new NextHopPair();
        final long ueId = request.ueId;
        try
        {
            final boolean known = switch (request.operation)
            {
                case PATH_SWITCH -> direct.pathSwitch(ueId, pair);
                case HANDOVER_WITHIN_NODE -> direct.handoverWithinNode(ueId, pair);
                case HANDOVER_COMPLETED -> direct.handoverCompleted(ueId);
                case HANDOVER_FAILED -> direct.handoverFailed(ueId);
                case INITIAL_CONTEXT_SETUP -> direct.initialContextSetup(ueId, request.ulCount, pair);
                case UE_CONTEXT_MODIFICATION -> direct.ueContextModification(ueId, pair);
                case UE_CONTEXT_MODIFICATION_COMPLETE -> direct.ueContextModificationComplete(ueId, null);
                case UE_CONTEXT_MODIFICATION_FAILED -> direct.ueContextModificationFailed(ueId, null);
                case RELEASE -> direct.release(ueId);
            };
            if (!known)
            {
                return new Outcome(request.correlationId, ueId, CompletionStatus.UNKNOWN_UE, null, 0, false, new byte[32]);
            }
            final boolean pairGiven = request.operation.givesPair();
            return new Outcome(request.correlationId, ueId, CompletionStatus.DONE, null, pairGiven ? pair.ncc() : 0,
                pairGiven && pair.newSecurityContext(), pairGiven ? pair.key().clone() : new byte[32]);
        }
        catch (final ProcedureNotAllowedException ex)
        {
            return new Outcome(request.correlationId, ueId, CompletionStatus.REFUSED, ex.rule(), 0, false, new byte[32]);
        }
    }

    /**
     * Submits a request, as the direct call's twin.
     */
    static int submit(final EngineProducer producer, final Request request)
    {
        return request.operation == EngineOperation.INITIAL_CONTEXT_SETUP ?
            producer.submitInitialContextSetup(request.correlationId, request.ueId, request.ulCount) :
            producer.submit(request.operation, request.correlationId, request.ueId);
    }

    /**
     * Every UE's context is byte for byte the same in both tables.
     */
    void assertTablesEqual(final long firstUe, final int ues)
    {
        final SecurityContext viaEngine = new SecurityContext();
        final SecurityContext viaDirect = new SecurityContext();
        for (int i = 0; i < ues; i++)
        {
            final long ueId = firstUe + i;
            assertEquals(directTable.read(ueId, viaDirect), engineTable.read(ueId, viaEngine), "presence of UE " + ueId);
            final byte[] a = new byte[SecurityContextDescriptor.LENGTH];
            final byte[] b = new byte[SecurityContextDescriptor.LENGTH];
            viaEngine.buffer().getBytes(viaEngine.offset(), a);
            viaDirect.buffer().getBytes(viaDirect.offset(), b);
            assertArrayEquals(b, a, "context of UE " + ueId);
        }
    }

    public void close()
    {
        direct.close();
        engineSetup.close();
        engineTable.close();
        directTable.close();
    }

    /** One request as a test submits it. */
    record Request(long correlationId, EngineOperation operation, long ueId, long ulCount)
    {
    }

    /** What a request ended with, from the engine or the direct call. */
    record Outcome(long correlationId, long ueId, CompletionStatus status, ConcurrencyRule rule, int ncc,
        boolean newSecurityContext, byte[] key)
    {
        static Outcome of(final Completion completion)
        {
            final byte[] key = new byte[32];
            completion.copyKey(key, 0);
            return new Outcome(completion.correlationId(), completion.ueId(), completion.status(), completion.rule(),
                completion.ncc(), completion.newSecurityContext(), key);
        }

        void assertSameAs(final Outcome expected, final String context)
        {
            final String what = context + " request " + correlationId;
            assertEquals(expected.correlationId, correlationId, what);
            assertEquals(expected.ueId, ueId, what);
            assertEquals(expected.status, status, what);
            assertEquals(expected.rule, rule, what);
            assertEquals(expected.ncc, ncc, what);
            assertEquals(expected.newSecurityContext, newSecurityContext, what);
            assertArrayEquals(expected.key, key, what);
        }
    }

    /** Collects completions as a producer polls them. */
    static final class Collected implements CompletionHandler
    {
        final List<Outcome> outcomes = new ArrayList<>();

        public void onCompletion(final Completion completion)
        {
            outcomes.add(Outcome.of(completion));
        }
    }
}

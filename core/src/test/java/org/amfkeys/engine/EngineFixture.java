package org.amfkeys.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextTable;
import org.amfkeys.context.ContextTableFullException;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.context.SecurityContextDescriptor;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.AmfProcedures;
import org.amfkeys.procedures.ConcurrencyRule;
import org.amfkeys.procedures.HandoverCommand;
import org.amfkeys.procedures.NasSecurityModeCommand;
import org.amfkeys.procedures.NextHopPair;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.procedures.ProcedureStart;
import org.amfkeys.procedures.UeContextTransfer;
import org.amfkeys.procedures.UeContextTransferDescriptor;
import org.amfkeys.types.Abba;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NgKsi;
import org.amfkeys.types.Supi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

    /** UEs that get half of the random requests. */
    private static final int HOT_UES = 8;

    /** Added to a producer's first UE for the UEs its AUTHENTICATED requests add. */
    private static final long NEW_UES = 1_000_000_000L;

    /** SUPIs of the authentications: an IMSI and NAIs up to the longest allowed. */
    private static final Supi[] SUPIS = {
        Supi.parse("imsi-001010123456789"), Supi.parse("nai-joe@realm.example"),
        Supi.parse("nai-" + "u".repeat(Supi.MAX_NAI_LENGTH - "@r.example".length()) + "@r.example")};

    final ContextTable engineTable;
    final ContextTable directTable;
    final AmfProcedures direct;
    /** How many requests of each operation the direct calls did, so a test can tell the mix covered it. */
    final Map<EngineOperation, Integer> done = new EnumMap<>(EngineOperation.class);
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
     * A NAS SMC with a Complete of the UE's next UL NAS COUNT, run by the direct calls on both tables for
     * a few random UEs while no request is in flight: AS re-keying needs a fresh SMC's UL NAS COUNT,
     * which the random mix of engine requests hits only now and then.
     */
    void runNasSecurityModeCommands(final SplittableRandom random, final long firstUe, final int ues, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long ueId = firstUe + someUe(random, ues);
            final boolean viaDirect = nasSecurityModeCommand(direct, ueId);
            assertEquals(viaDirect, nasSecurityModeCommand(engineSetup, ueId), "NAS SMC of UE " + ueId);
        }
    }

    /**
     * @return a UE index, half the time among the first few, so one UE's procedures follow each other
     *         often enough to reach the steps that need another before them (a UE Context
     *         Modification's completion, a handover's).
     */
    private static int someUe(final SplittableRandom random, final int ues)
    {
        return random.nextInt(random.nextBoolean() ? Math.min(ues, HOT_UES) : ues);
    }

    private static boolean nasSecurityModeCommand(final AmfProcedures amf, final long ueId)
    {
        try
        {
            final long ulCount = amf.table().uplinkNasCount(ueId);
            return ulCount >= 0 && amf.nasSecurityModeCommand(ueId, 2, 2, new NasSecurityModeCommand()) &&
                amf.nasSecurityModeComplete(ueId, ulCount);
        }
        catch (final ProcedureNotAllowedException ex)
        {
            return false;
        }
    }

    /**
     * A random request for one of the UEs, or now and then for an unknown one; a target-side move
     * carries a random transfer, now and then one of the wrong system or mobility.
     */
    static Request randomRequest(final SplittableRandom random, final long correlationId, final long firstUe, final int ues)
    {
        final EngineOperation[] operations = EngineOperation.values();
        final EngineOperation operation = operations[random.nextInt(operations.length)];
        // A target-side move stores the UE, so it never goes to the unknown UE other producers share.
        final boolean stores = operation.input() == EngineOperation.Input.TRANSFER || operation == EngineOperation.AUTHENTICATED;
        final long ueId;
        if (operation == EngineOperation.AUTHENTICATED && random.nextInt(20) == 0)
        {
            // A UE not yet known, added by the step: one of a few of this producer's own.
            ueId = NEW_UES + firstUe + random.nextInt(4);
        }
        else
        {
            ueId = !stores && random.nextInt(50) == 0 ? UNKNOWN_UE : firstUe + someUe(random, ues);
        }
        final long ulCount = operation.input() == EngineOperation.Input.UPLINK_NAS_COUNT ? random.nextInt(40) : 0;
        final byte[] transfer = operation.input() == EngineOperation.Input.TRANSFER ? randomTransfer(random,
            operation == EngineOperation.ACCEPT_HANDOVER || operation == EngineOperation.ACCEPT_HANDOVER_FROM_EPS,
            operation == EngineOperation.ACCEPT_HANDOVER_FROM_EPS || operation == EngineOperation.ACCEPT_IDLE_MODE_FROM_EPS) : null;
        final Authentication authentication = operation.input() == EngineOperation.Input.KSEAF ? randomAuthentication(random) : null;
        return new Request(correlationId, operation, ueId, ulCount, transfer, authentication, random.nextInt(4), random.nextInt(4));
    }

    private static Authentication randomAuthentication(final SplittableRandom random)
    {
        final byte[] kseaf = new byte[32];
        random.nextBytes(kseaf);
        final Supi supi = SUPIS[random.nextInt(SUPIS.length)];
        final byte[] abba = new byte[random.nextInt(4) == 0 ? 1 + random.nextInt(Abba.MAX_LENGTH) : 2];
        random.nextBytes(abba);
        return new Authentication(kseaf, supi, Abba.of(abba), random.nextInt(NgKsi.MAX_KEY_SET_IDENTIFIER + 1), 0xF0F0);
    }

    private static byte[] randomTransfer(final SplittableRandom random, final boolean handover, final boolean fromEps)
    {
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[UeContextTransferDescriptor.LENGTH]);
        final byte[] key = new byte[32];
        random.nextBytes(key);
        encoded.putBytes(UeContextTransferDescriptor.ROOT_KEY_OFFSET, key);
        random.nextBytes(key);
        encoded.putBytes(UeContextTransferDescriptor.NEXT_HOP_KEY_OFFSET, key);
        encoded.putLong(UeContextTransferDescriptor.UPLINK_NAS_COUNT_OFFSET, random.nextInt(1 << 10));
        encoded.putLong(UeContextTransferDescriptor.DOWNLINK_NAS_COUNT_OFFSET, random.nextInt(1 << 10));
        encoded.putLong(UeContextTransferDescriptor.DERIVATION_COUNT_OFFSET, random.nextInt(1 << 10));
        encoded.putInt(UeContextTransferDescriptor.NGKSI_OFFSET, random.nextInt(7));
        encoded.putInt(UeContextTransferDescriptor.CIPHERING_OFFSET, random.nextInt(4));
        encoded.putInt(UeContextTransferDescriptor.INTEGRITY_OFFSET, 1 + random.nextInt(3));
        encoded.putInt(UeContextTransferDescriptor.UE_SECURITY_CAPABILITIES_OFFSET, 0xF0F0);
        encoded.putInt(UeContextTransferDescriptor.NCC_OFFSET, random.nextInt(8));
        final boolean wrong = random.nextInt(10) == 0;
        final boolean eps = wrong && random.nextBoolean() ? !fromEps : fromEps;
        encoded.putInt(UeContextTransferDescriptor.SYSTEM_OFFSET,
            eps ? UeContextTransferDescriptor.SYSTEM_EPS : UeContextTransferDescriptor.SYSTEM_5GS);
        final boolean asHandover = wrong && random.nextBoolean() ? !handover : handover;
        encoded.putInt(UeContextTransferDescriptor.MOBILITY_OFFSET,
            asHandover ? MobilityMode.HANDOVER.direction() : MobilityMode.IDLE.direction());
        encoded.putInt(UeContextTransferDescriptor.FLAGS_OFFSET, random.nextInt(8));
        return encoded.byteArray();
    }

    /**
     * Runs a request as the direct call.
     */
    Outcome runDirect(final Request request)
    {
        final NextHopPair pair = new NextHopPair();
        final UeContextTransfer transfer = new UeContextTransfer();
        final HandoverCommand command = new HandoverCommand();
        final NasSecurityModeCommand smc = new NasSecurityModeCommand();
        final long ueId = request.ueId;
        if (request.transfer != null)
        {
            transfer.decode(new UnsafeBuffer(request.transfer), 0);
        }
        try
        {
            final ProcedureStart start = switch (request.operation)
            {
                case PATH_SWITCH -> startOf(direct.pathSwitch(ueId, pair));
                case HANDOVER_WITHIN_NODE -> startOf(direct.handoverWithinNode(ueId, pair));
                case HANDOVER_COMPLETED -> startOf(direct.handoverCompleted(ueId));
                case HANDOVER_FAILED -> startOf(direct.handoverFailed(ueId));
                case INITIAL_CONTEXT_SETUP -> startOf(direct.initialContextSetup(ueId, request.ulCount, pair));
                case UE_CONTEXT_MODIFICATION -> startOf(direct.ueContextModification(ueId, pair));
                case UE_CONTEXT_MODIFICATION_COMPLETE -> startOf(direct.ueContextModificationComplete(ueId, null));
                case UE_CONTEXT_MODIFICATION_FAILED -> startOf(direct.ueContextModificationFailed(ueId, null));
                case RELEASE -> startOf(direct.release(ueId));
                case HANDOVER_TO_AMF -> direct.handoverToAmf(ueId, false, transfer);
                case HANDOVER_TO_AMF_WITH_HORIZONTAL_KAMF -> direct.handoverToAmf(ueId, true, transfer);
                case ACCEPT_HANDOVER -> accepted(() -> direct.acceptHandover(ueId, transfer, pair, command));
                case CONTEXT_TRANSFER -> direct.contextTransfer(ueId, request.ulCount, false, transfer);
                case CONTEXT_TRANSFER_WITH_HORIZONTAL_KAMF -> direct.contextTransfer(ueId, request.ulCount, true, transfer);
                case ACCEPT_CONTEXT_TRANSFER -> accepted(() -> direct.acceptContextTransfer(ueId, transfer));
                case MOVE_COMPLETED -> startOf(direct.moveCompleted(ueId));
                case HANDOVER_TO_EPS -> direct.handoverToEps(ueId, transfer);
                case IDLE_MODE_TO_EPS -> startOf(direct.idleModeToEps(ueId, request.ulCount, transfer));
                case ACCEPT_HANDOVER_FROM_EPS -> accepted(() -> direct.acceptHandoverFromEps(ueId, transfer, pair, command));
                case ACCEPT_IDLE_MODE_FROM_EPS -> accepted(() -> direct.acceptIdleModeFromEps(ueId, transfer));
                case AUTHENTICATED -> accepted(() -> direct.authenticated(ueId, request.authentication.kseaf,
                    request.authentication.supi, request.authentication.abba, request.authentication.ngKsi,
                    request.authentication.ueSecurityCapabilities));
                case NAS_SECURITY_MODE_COMMAND -> startOf(direct.nasSecurityModeCommand(ueId, request.ciphering, request.integrity, smc));
                case NAS_SECURITY_MODE_COMPLETE -> startOf(direct.nasSecurityModeComplete(ueId, request.ulCount));
                case NAS_SECURITY_MODE_FAILED -> startOf(direct.nasSecurityModeFailed(ueId));
            };
            final boolean known = start != ProcedureStart.UNKNOWN_UE;
            if (!known)
            {
                return Outcome.without(request, CompletionStatus.UNKNOWN_UE, null);
            }
            final EngineOperation.Output output = request.operation.output();
            final boolean pairGiven = request.operation.givesPair();
            final byte[] extra;
            if (output == EngineOperation.Output.TRANSFER)
            {
                extra = encoded(transfer);
            }
            else if (output == EngineOperation.Output.PAIR_AND_NAS_CONTAINER)
            {
                extra = nasContainer(command.nasContainer(), command.nasNcc(), command.nasCount());
            }
            else if (output == EngineOperation.Output.NAS_SECURITY_MODE_COMMAND)
            {
                extra = encoded(smc);
            }
            else
            {
                extra = new byte[0];
            }
            final boolean deferred = start == ProcedureStart.DEFERRED;
            done.merge(request.operation, 1, Integer::sum);
            return new Outcome(request.correlationId, ueId, CompletionStatus.DONE, deferred ? transfer.deferredBy() : null,
                pairGiven ? pair.ncc() : 0, pairGiven && pair.newSecurityContext(),
                pairGiven ? pair.key().clone() : new byte[32], deferred, extra);
        }
        catch (final ProcedureNotAllowedException ex)
        {
            return Outcome.without(request, CompletionStatus.REFUSED, ex.rule());
        }
        catch (final InvalidParameterException ex)
        {
            return Outcome.without(request, CompletionStatus.INVALID, null);
        }
        catch (final ContextTableFullException ex)
        {
            return Outcome.without(request, CompletionStatus.TABLE_FULL, null);
        }
    }

    private static ProcedureStart accepted(final Runnable accept)
    {
        accept.run();
        return ProcedureStart.STARTED;
    }

    private static ProcedureStart startOf(final boolean known)
    {
        return known ? ProcedureStart.STARTED : ProcedureStart.UNKNOWN_UE;
    }

    static byte[] encoded(final UeContextTransfer transfer)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[UeContextTransferDescriptor.LENGTH]);
        transfer.encode(buffer, 0);
        return buffer.byteArray();
    }

    static byte[] encoded(final NasSecurityModeCommand smc)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[56]);
        buffer.putInt(0, smc.ngKsi());
        buffer.putInt(4, smc.ciphering());
        buffer.putInt(8, smc.integrity());
        buffer.putInt(12, smc.kamfChangeFlag() ? 1 : 0);
        buffer.putLong(16, smc.downlinkNasCount());
        buffer.putBytes(24, smc.nasEncryptionKey());
        buffer.putBytes(40, smc.nasIntegrityKey());
        return buffer.byteArray();
    }

    static byte[] nasContainer(final int type, final int ncc, final long count)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        buffer.putInt(0, type);
        buffer.putInt(4, ncc);
        buffer.putLong(8, count);
        return buffer.byteArray();
    }

    /**
     * Submits a request, as the direct call's twin.
     */
    static int submit(final EngineProducer producer, final Request request)
    {
        return switch (request.operation.input())
        {
            case NONE -> producer.submit(request.operation, request.correlationId, request.ueId);
            case UPLINK_NAS_COUNT -> switch (request.operation)
            {
                case INITIAL_CONTEXT_SETUP -> producer.submitInitialContextSetup(request.correlationId, request.ueId, request.ulCount);
                case IDLE_MODE_TO_EPS -> producer.submitIdleModeToEps(request.correlationId, request.ueId, request.ulCount);
                case NAS_SECURITY_MODE_COMPLETE ->
                    producer.submitNasSecurityModeComplete(request.correlationId, request.ueId, request.ulCount);
                default -> producer.submitContextTransfer(request.correlationId, request.ueId, request.ulCount,
                    request.operation == EngineOperation.CONTEXT_TRANSFER_WITH_HORIZONTAL_KAMF);
            };
            case TRANSFER -> submitTransfer(producer, request);
            case KSEAF -> producer.submitAuthenticated(request.correlationId, request.ueId, request.authentication.kseaf,
                request.authentication.supi, request.authentication.abba, request.authentication.ngKsi,
                request.authentication.ueSecurityCapabilities);
            case NAS_ALGORITHMS -> producer.submitNasSecurityModeCommand(
                request.correlationId, request.ueId, request.ciphering, request.integrity);
        };
    }

    private static int submitTransfer(final EngineProducer producer, final Request request)
    {
        final UeContextTransfer transfer = new UeContextTransfer();
        transfer.decode(new UnsafeBuffer(request.transfer), 0);
        return producer.submitTransfer(request.operation, request.correlationId, request.ueId, transfer);
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

    /**
     * One request as a test submits it: {@code transfer} encoded, for a target-side move only;
     * {@code authentication} for {@link EngineOperation#AUTHENTICATED} only; the algorithms for a NAS SMC.
     */
    record Request(long correlationId, EngineOperation operation, long ueId, long ulCount, byte[] transfer,
        Authentication authentication, int ciphering, int integrity)
    {
    }

    /** What an {@link EngineOperation#AUTHENTICATED} request carries. */
    record Authentication(byte[] kseaf, Supi supi, Abba abba, int ngKsi, int ueSecurityCapabilities)
    {
    }

    /**
     * What a request ended with, from the engine or the direct call: {@code extra} is the encoded
     * transfer or NAS container its operation gives, else empty.
     */
    record Outcome(long correlationId, long ueId, CompletionStatus status, ConcurrencyRule rule, int ncc,
        boolean newSecurityContext, byte[] key, boolean deferred, byte[] extra)
    {
        static Outcome without(final Request request, final CompletionStatus status, final ConcurrencyRule rule)
        {
            return new Outcome(request.correlationId, request.ueId, status, rule, 0, false, new byte[32], false, new byte[0]);
        }

        static Outcome of(final Completion completion)
        {
            final byte[] key = new byte[32];
            completion.copyKey(key, 0);
            byte[] extra = new byte[0];
            final EngineOperation operation = completion.operation();
            if (completion.status() == CompletionStatus.DONE && operation != null)
            {
                if (operation.output() == EngineOperation.Output.TRANSFER)
                {
                    final UeContextTransfer transfer = new UeContextTransfer();
                    completion.copyTransfer(transfer);
                    extra = encoded(transfer);
                }
                else if (operation.output() == EngineOperation.Output.PAIR_AND_NAS_CONTAINER)
                {
                    extra = nasContainer(completion.nasContainer(), completion.nasNcc(), completion.nasCount());
                }
                else if (operation.output() == EngineOperation.Output.NAS_SECURITY_MODE_COMMAND)
                {
                    final NasSecurityModeCommand smc = new NasSecurityModeCommand();
                    completion.copyNasSecurityModeCommand(smc);
                    extra = encoded(smc);
                }
            }
            return new Outcome(completion.correlationId(), completion.ueId(), completion.status(), completion.rule(),
                completion.ncc(), completion.newSecurityContext(), key, completion.deferred(), extra);
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
            assertEquals(expected.deferred, deferred, what);
            assertArrayEquals(expected.extra, extra, what);
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

package org.amfkeys.procedures;

import org.amfkeys.context.ContextTable;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.hmac.KeyScheduleDescriptor;
import org.amfkeys.kdf.Kdf;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every step leaves the node's scratch keys zeroed, whether it derived, derived nothing, or was
 * refused: the wipes skip only scratch that no step took since the last one.
 */
class ScratchWipeTest
{
    private static final long UE = 7;

    @Test
    void everyStepOfARandomSequenceEndsWithTheScratchKeysZeroed()
    {
        final SplittableRandom random = new SplittableRandom(33501);
        final NextHopPair pair = new NextHopPair();
        final NasSecurityModeCommand command = new NasSecurityModeCommand();
        final UeContextTransfer transfer = new UeContextTransfer();
        final byte[] kamf = new byte[Kdf.KEY_LENGTH];
        final long[] ulCount = {0};
        try (ContextTable table = new ContextTable(16);
            ContextTable other = new ContextTable(16);
            AmfProcedures amf = new AmfProcedures(table, new Kdf());
            AmfProcedures target = new AmfProcedures(other, new Kdf()))
        {
            final List<Consumer<AmfProcedures>> steps = new ArrayList<>();
            steps.add(node -> node.pathSwitch(UE, pair));
            steps.add(node -> node.release(UE));
            steps.add(node -> node.initialContextSetup(UE, ulCount[0]++, pair));
            steps.add(node -> node.nasSecurityModeCommand(UE, 1, 2, command));
            steps.add(node -> node.nasSecurityModeComplete(UE, ulCount[0]++));
            steps.add(node -> node.ueContextModification(UE, pair));
            steps.add(node -> node.ueContextModificationComplete(UE, null));
            steps.add(node -> node.downlinkNasMessage(UE));
            steps.add(node -> node.delete(UE + 1));
            steps.add(node ->
            {
                random.nextBytes(kamf);
                node.authenticated(UE, kamf, random.nextInt(7), 0);
            });
            random.nextBytes(kamf);
            amf.authenticated(UE, kamf, 0, 0);
            assertZeroed(amf, "after authenticated");
            amf.nasSecurityModeCommand(UE, 1, 2, command);
            amf.nasSecurityModeComplete(UE, ulCount[0]++);
            assertZeroed(amf, "after the first SMC");
            int derivedNothing = 0;
            for (int round = 0; round < 2_000; round++)
            {
                final int step = random.nextInt(steps.size());
                try
                {
                    steps.get(step).accept(amf);
                }
                catch (final RuntimeException refusedOrInvalid)
                {
                    // A refusal ends the step too: its scratch must be as zero as a success's.
                    assertFalse(refusedOrInvalid instanceof IllegalStateException && "closed".equals(refusedOrInvalid.getMessage()));
                }
                derivedNothing += step == 1 || step == 7 || step == 8 ? 1 : 0;
                assertZeroed(amf, "after step " + step + " of round " + round);
            }
            assertTrue(derivedNothing > 100, "steps that derive nothing ran too: " + derivedNothing);
            // A step of another node that derives KAMF' leaves that node's scratch zeroed as well.
            final long moving = UE + 3;
            amf.authenticated(moving, kamf, 1, 0);
            amf.nasSecurityModeCommand(moving, 1, 2, command);
            amf.nasSecurityModeComplete(moving, 0);
            assertEquals(ProcedureStart.STARTED, amf.contextTransfer(moving, 1, true, transfer));
            assertZeroed(amf, "after a context transfer with a horizontal KAMF");
            target.acceptContextTransfer(moving, transfer);
            assertZeroed(target, "after accepting it");
        }
        finally
        {
            pair.clear();
            command.clear();
            transfer.clear();
        }
    }

    private static void assertZeroed(final CoreNetworkProcedures node, final String when)
    {
        final ProcedureFrame frame = node.frame;
        for (final byte[] key : new byte[][] {frameField(frame, "key"), frameField(frame, "nextKey"), frameField(frame, "thirdKey")})
        {
            for (final byte b : key)
            {
                assertEquals(0, b, "frame scratch key " + when);
            }
        }
        assertScheduleZero(frameField(frame, "derivedSchedule"), "frame schedule " + when);
        for (final String name : new String[] {"key", "nextKey"})
        {
            for (final byte b : (byte[])field(AsKeyChain.class, frame.asKeys, name))
            {
                assertEquals(0, b, "AS chain scratch " + name + " " + when);
            }
        }
        assertScheduleZero((KeySchedule)field(AsKeyChain.class, frame.asKeys, "derivedSchedule"), "AS chain schedule " + when);
    }

    @SuppressWarnings("unchecked")
    private static <T> T frameField(final ProcedureFrame frame, final String name)
    {
        return (T)field(ProcedureFrame.class, frame, name);
    }

    private static Object field(final Class<?> type, final Object owner, final String name)
    {
        try
        {
            final Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(owner);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new AssertionError(type.getSimpleName() + " has no field " + name, ex);
        }
    }

    private static void assertScheduleZero(final KeySchedule schedule, final String what)
    {
        for (int i = 0; i < KeyScheduleDescriptor.LENGTH; i++)
        {
            assertEquals(0, schedule.buffer().getByte(schedule.offset() + i), what);
        }
    }
}

package org.amfkeys.context;

import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slot's bookkeeping fields each have their own octets: writing one changes no other, and a bad
 * value is refused naming the parameter.
 */
class SecurityContextFieldsTest
{
    @Test
    void theFieldsAfterTheProcedureStateShareNoOctet()
    {
        assertEquals(SecurityContextDescriptor.SMC_COMPLETE_UPLINK_COUNT_OFFSET + Integer.BYTES,
            SecurityContextDescriptor.PENDING_NAS_ALGORITHMS_OFFSET);
        assertEquals(SecurityContextDescriptor.PENDING_NAS_ALGORITHMS_OFFSET + 1,
            SecurityContextDescriptor.DEFERRED_UPLINK_NAS_COUNT_OFFSET);
        assertEquals(SecurityContextDescriptor.KEY_CHAIN_LENGTH,
            SecurityContextDescriptor.DEFERRED_UPLINK_NAS_COUNT_OFFSET + SecurityContextDescriptor.DEFERRED_UPLINK_NAS_COUNT_LENGTH);
        assertEquals(SecurityContextDescriptor.KAMF_OFFSET, SecurityContextDescriptor.KEY_CHAIN_LENGTH);
        assertEquals(SecurityContextDescriptor.LENGTH,
            SecurityContextDescriptor.NON_CURRENT_KAMF_OFFSET + SecurityContextDescriptor.KEY_LENGTH);
        assertEquals(0, SecurityContextDescriptor.LENGTH % SecurityContextDescriptor.CACHE_LINE, "whole cache lines");

        final SecurityContext context = new SecurityContext();
        context.smcCompleteUplinkCount(SecurityContext.MAX_NAS_COUNT);
        context.pendingNasAlgorithms(15, 14);
        context.deferredUplinkNasCount(0xABCDEF);
        assertEquals(SecurityContext.MAX_NAS_COUNT, context.smcCompleteUplinkCount());
        assertEquals(0xFE, context.pendingNasAlgorithms());
        assertEquals(0xABCDEF, context.deferredUplinkNasCount());

        context.clearPendingNasAlgorithms();
        assertEquals(0, context.pendingNasAlgorithms());
        assertEquals(0xABCDEF, context.deferredUplinkNasCount());
        context.deferredUplinkNasCount(1);
        assertEquals(SecurityContext.MAX_NAS_COUNT, context.smcCompleteUplinkCount());
        assertEquals(1, context.deferredUplinkNasCount());
    }

    @Test
    void aStepOfTheKeyChainReachesOnlyTheFirstTwoCacheLines()
    {
        final int line = SecurityContextDescriptor.CACHE_LINE;
        assertTrue(SecurityContextDescriptor.KEY_CHAIN_LENGTH <= 2 * line);
        final int[][] keyChainFields = {
            {SecurityContextDescriptor.KAMF_SCHEDULE_OFFSET, org.amfkeys.hmac.KeyScheduleDescriptor.LENGTH},
            {SecurityContextDescriptor.NH_OFFSET, SecurityContextDescriptor.KEY_LENGTH},
            {SecurityContextDescriptor.NCC_OFFSET, 1},
            {SecurityContextDescriptor.UPLINK_NAS_COUNT_OFFSET, Integer.BYTES},
            {SecurityContextDescriptor.CONTEXT_FLAGS_OFFSET, Integer.BYTES},
            {SecurityContextDescriptor.PROCEDURE_STATE_OFFSET, Integer.BYTES},
            {SecurityContextDescriptor.SMC_COMPLETE_UPLINK_COUNT_OFFSET, Integer.BYTES},
        };
        for (final int[] field : keyChainFields)
        {
            assertTrue(field[0] + field[1] <= SecurityContextDescriptor.KEY_CHAIN_LENGTH, "field at " + field[0]);
            assertEquals(field[0] / line, (field[0] + field[1] - 1) / line, "field at " + field[0] + " within one line");
        }
        assertEquals(0b011, SlotMap.SLOT_LINES_KEY_CHAIN);
        assertEquals(0b010, SlotMap.SLOT_LINE_NH, "NH and NCC share one line");
        assertEquals(0b111, SlotMap.SLOT_LINES_ALL);
        assertEquals(0b110, SlotMap.lineOf(100, 50));
        assertEquals(0b001, SlotMap.lineOf(0, 64));
    }

    @Test
    void badValuesAreRefusedAndChangeNothing()
    {
        final SecurityContext context = new SecurityContext();
        context.pendingNasAlgorithms(1, 2).deferredUplinkNasCount(7);
        assertEquals("nas-enc", assertThrows(InvalidParameterException.class, () -> context.pendingNasAlgorithms(16, 0)).parameter());
        assertEquals("nas-int", assertThrows(InvalidParameterException.class, () -> context.pendingNasAlgorithms(0, -1)).parameter());
        assertEquals("deferred-ul-count",
            assertThrows(InvalidParameterException.class, () -> context.deferredUplinkNasCount(1L << 24)).parameter());
        assertEquals(0x12, context.pendingNasAlgorithms());
        assertEquals(7, context.deferredUplinkNasCount());
    }

    @Test
    void theNasCountRulesRefuseReplaysAndNeverUseTheLastCount()
    {
        final SecurityContext context = new SecurityContext();
        context.uplinkNasCount(10).downlinkNasCount(SecurityContext.MAX_NAS_COUNT - 1);
        assertEquals(SecurityContext.REPLAYED, context.acceptUplinkNasCount(9));
        assertEquals(11, context.acceptUplinkNasCount(10));
        assertEquals(SecurityContext.EXHAUSTED, context.acceptUplinkNasCount(SecurityContext.MAX_NAS_COUNT));
        assertEquals(11, context.uplinkNasCount(), "a refused COUNT changes nothing");

        assertEquals(SecurityContext.MAX_NAS_COUNT - 1, context.takeDownlinkNasCount());
        assertEquals(SecurityContext.EXHAUSTED, context.takeDownlinkNasCount());
        assertEquals(SecurityContext.MAX_NAS_COUNT, context.downlinkNasCount(), "nothing taken");
    }
}

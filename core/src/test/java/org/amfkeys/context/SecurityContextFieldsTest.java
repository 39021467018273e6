package org.amfkeys.context;

import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals(SecurityContextDescriptor.LENGTH,
            SecurityContextDescriptor.DEFERRED_UPLINK_NAS_COUNT_OFFSET + SecurityContextDescriptor.DEFERRED_UPLINK_NAS_COUNT_LENGTH);
        assertEquals(0, SecurityContextDescriptor.LENGTH % 64, "whole cache lines");

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

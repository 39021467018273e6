package org.amfkeys.procedures;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deferred procedure's context stores its decision as an explicit code: each decision has its own,
 * it fits the four bits the procedure state gives it, and it reads back as the same decision.
 */
class HorizontalKamfDecisionTest
{
    @Test
    void everyDecisionHasItsOwnCodeThatFitsItsBitsAndReadsBack()
    {
        final Set<Integer> codes = new HashSet<>();
        for (final HorizontalKamfDecision decision : HorizontalKamfDecision.values())
        {
            assertTrue(decision.code() >= 1 && decision.code() <= ProcedureStateDescriptor.DEFERRED_DECISION_MASK, decision.name());
            assertTrue(codes.add(decision.code()), decision.name() + " shares its code");
            assertEquals(decision, HorizontalKamfDecision.ofCode(decision.code()));
        }
        assertThrows(IllegalStateException.class, () -> HorizontalKamfDecision.ofCode(0));
    }
}

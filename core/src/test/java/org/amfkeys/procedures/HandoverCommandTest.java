package org.amfkeys.procedures;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of a handover command is the whole command: a simulation that puts back a handover in flight
 * must not lose the NAS container a core network added, which the UE derives its new root key from.
 */
class HandoverCommandTest
{
    @Test
    void aCopyHasEveryFieldNasContainerIncluded()
    {
        final HandoverCommand original = new HandoverCommand();
        original.set(AccessStratumChain.E_UTRA, 17, 1_300, 5, true);
        original.nasContainer(HandoverCommand.TO_5GS, 0xABCDEFL, 6);
        final HandoverCommand copy = new HandoverCommand();

        copy.copyFrom(original);

        assertEquals(AccessStratumChain.E_UTRA, copy.target());
        assertEquals(17, copy.pci());
        assertEquals(1_300, copy.arfcn());
        assertEquals(5, copy.ncc());
        assertTrue(copy.keySetChangeIndicator());
        assertEquals(HandoverCommand.TO_5GS, copy.nasContainer());
        assertEquals(0xABCDEFL, copy.nasCount());
        assertEquals(6, copy.nasNcc());
    }

    @Test
    void copyingAnEmptyCommandEmptiesThisOne()
    {
        final HandoverCommand command = new HandoverCommand();
        command.set(AccessStratumChain.E_UTRA, 17, 1_300, 5, true);
        command.nasContainer(HandoverCommand.HORIZONTAL_KAMF, 9, 0);

        command.copyFrom(new HandoverCommand());

        assertEquals(new HandoverCommand().toString(), command.toString());
        assertEquals(HandoverCommand.NO_NAS_CONTAINER, command.nasContainer());
        assertEquals(0, command.nasCount());
        assertEquals(0, command.nasNcc());
    }
}

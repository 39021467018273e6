package org.amfkeys.procedures;

/**
 * What a procedure hands back for the node to send (a {NH, NCC} pair, a NAS Security Mode Command, a
 * context for another node): it may hold key octets, so a refused procedure clears it, and no key
 * stays in a message that is never sent.
 */
public interface KeyCarrier
{
    /**
     * Zeroes every key octet and resets every field.
     */
    void clear();
}

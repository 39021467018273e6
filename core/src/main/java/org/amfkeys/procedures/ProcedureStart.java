package org.amfkeys.procedures;

/**
 * What became of a call that starts a procedure a {@link ConcurrencyRule} may defer.
 */
public enum ProcedureStart
{
    /** The procedure started: its carrier holds what the node sends. */
    STARTED,

    /**
     * A procedure in flight blocks it under a rule that says "shall wait": it is recorded in the UE's
     * context and starts when the blocking procedure ends (see {@link DeferredStart}), unless it is
     * cancelled first. The carrier names the rule.
     */
    DEFERRED,

    /** The node does not know the UE. */
    UNKNOWN_UE
}

package org.amfkeys.procedures;

/**
 * The procedure state of a UE's context ({@link org.amfkeys.context.SecurityContext#procedureState()}):
 * which procedures are in flight for the UE, and which one waits, bit by bit. The table stores the
 * 32 bits as they are; only the procedures read and write them, all through these names.
 * <pre>
 * bit  0  NAS SMC in flight              bit  6  primary authentication in flight
 * bit  1  N2 (S1) procedure with new key bit  7  the NAS procedure is on non-3GPP access
 * bit  2  context transferred, pending   bit  8  handover within the node in flight
 * bit  3  UE Context Modification        bit  9  that handover carries a new KgNB
 * bit  4  inter-node handover in flight  bits 16..19  the deferred procedure (at most one)
 * bit  5  the NAS SMC takes a new key    bits 24..27  its horizontal-KAMF decision code
 * </pre>
 */
public final class ProcedureStateDescriptor
{
    /** a NAS Security Mode Command is in flight. */
    public static final int PROCEDURE_NAS_SMC = 1;

    /**
     * an N2 (S1) procedure that carries a new key is in flight: a UE Context
     * Modification, or a handover whose target was sent {NH, NCC} or a new KgNB.
     */
    public static final int PROCEDURE_N2_WITH_KEY = 1 << 1;

    /** the context was transferred to another AMF; the registration's outcome is pending. */
    public static final int PROCEDURE_CONTEXT_TRANSFER = 1 << 2;

    /** a UE Context Modification for a new KgNB (KeNB) is in flight. */
    public static final int PROCEDURE_UE_CONTEXT_MODIFICATION = 1 << 3;

    /** an inter-AMF (inter-MME) or inter-system handover from this node is in flight. */
    public static final int PROCEDURE_INTER_NODE_HANDOVER = 1 << 4;

    /** the NAS SMC in flight takes a new KAMF (KASME) into use. */
    public static final int PROCEDURE_NAS_SMC_NEW_KEY = 1 << 5;

    /** a primary authentication is in flight. */
    public static final int PROCEDURE_AUTHENTICATION = 1 << 6;

    /** the NAS procedure in flight runs on the non-3GPP access's NAS connection. */
    public static final int PROCEDURE_ON_NON_3GPP_ACCESS = 1 << 7;

    /** an N2 (S1) handover within this node is in flight. */
    public static final int PROCEDURE_HANDOVER = 1 << 8;

    /** the handover in flight carries a new KgNB, taken into use when it completes. */
    public static final int PROCEDURE_HANDOVER_NEW_KEY = 1 << 9;

    /** a context transfer waits (its UL NAS COUNT is in the slot's deferred UL NAS COUNT). */
    public static final int DEFERRED_CONTEXT_TRANSFER = 1 << 16;

    /** an inter-AMF handover waits. */
    public static final int DEFERRED_INTER_AMF_HANDOVER = 1 << 17;

    /** a handover to the other system waits. */
    public static final int DEFERRED_INTER_SYSTEM_HANDOVER = 1 << 18;

    /** an S10 Forward Relocation waits. */
    public static final int DEFERRED_FORWARD_RELOCATION = 1 << 19;

    /** every deferred procedure kind. */
    public static final int DEFERRED_ANY = DEFERRED_CONTEXT_TRANSFER | DEFERRED_INTER_AMF_HANDOVER |
        DEFERRED_INTER_SYSTEM_HANDOVER | DEFERRED_FORWARD_RELOCATION;

    /**
     * bits 24..27 hold the deferred procedure's horizontal-KAMF decision, as its
     * {@link HorizontalKamfDecision#code() code}; 0 for none.
     */
    public static final int DEFERRED_DECISION_SHIFT = 24;

    /** the bits of the deferred procedure's decision, before the shift. */
    public static final int DEFERRED_DECISION_MASK = 0xF;

    private ProcedureStateDescriptor()
    {
    }
}

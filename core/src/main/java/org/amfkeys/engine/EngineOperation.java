package org.amfkeys.engine;

/**
 * What a request asks the engine to run for one UE: each the same step as the direct call on
 * {@link org.amfkeys.procedures.AmfProcedures} named here, with the same effects and refusals. The code
 * is the request record's message type in the ring; it is explicit, never an ordinal, so a record keeps
 * its meaning whatever constants are added.
 */
public enum EngineOperation
{
    /** {@code pathSwitch}: the next {NH, NCC} for the target gNB. */
    PATH_SWITCH(1, true),
    /** {@code handoverWithinNode}: the {NH, NCC} of an N2 handover whose target this AMF serves. */
    HANDOVER_WITHIN_NODE(2, true),
    /** {@code handoverCompleted}: the UE arrived at the target of a handover within the node. */
    HANDOVER_COMPLETED(3, false),
    /** {@code handoverFailed}: a handover within the node failed; the old chain stays. */
    HANDOVER_FAILED(4, false),
    /** {@code initialContextSetup}: the initial KgNB of a UL NAS COUNT, NCC 0, with NH of NCC 1 kept. */
    INITIAL_CONTEXT_SETUP(5, true),
    /** {@code ueContextModification}: AS re-keying with the KgNB of the active KAMF. */
    UE_CONTEXT_MODIFICATION(6, true),
    /** {@code ueContextModificationComplete}: the AS took the new KgNB into use. */
    UE_CONTEXT_MODIFICATION_COMPLETE(7, false),
    /** {@code ueContextModificationFailed}: the AS kept its KgNB. */
    UE_CONTEXT_MODIFICATION_FAILED(8, false),
    /** {@code release}: the AS context is gone (CONNECTED to IDLE). */
    RELEASE(9, false);

    private static final EngineOperation[] BY_CODE = new EngineOperation[values().length + 1];

    static
    {
        for (final EngineOperation operation : values())
        {
            BY_CODE[operation.code] = operation;
        }
    }

    private final int code;
    private final boolean givesPair;

    EngineOperation(final int code, final boolean givesPair)
    {
        this.code = code;
        this.givesPair = givesPair;
    }

    /**
     * @return the code a request record carries as its message type, 1 and up.
     */
    public int code()
    {
        return code;
    }

    /**
     * @return whether a completion of this operation carries a key and its NCC ({NH, NCC} or {KgNB, NCC}).
     */
    public boolean givesPair()
    {
        return givesPair;
    }

    /**
     * @param code a code as {@link #code()} gives it.
     * @return the operation, or null when no operation has that code.
     */
    public static EngineOperation ofCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}

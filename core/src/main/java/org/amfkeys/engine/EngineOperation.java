package org.amfkeys.engine;

import org.amfkeys.procedures.UeContextTransferDescriptor;

/**
 * What a request asks the engine to run for one UE: each the same step as the direct call on
 * {@link org.amfkeys.procedures.AmfProcedures} named here, with the same effects and refusals. The code
 * is the request record's message type in the ring; it is explicit, never an ordinal, so a record keeps
 * its meaning whatever constants are added.
 */
public enum EngineOperation
{
    /** {@code pathSwitch}: the next {NH, NCC} for the target gNB. */
    PATH_SWITCH(1, Input.NONE, Output.PAIR),
    /** {@code handoverWithinNode}: the {NH, NCC} of an N2 handover whose target this AMF serves. */
    HANDOVER_WITHIN_NODE(2, Input.NONE, Output.PAIR),
    /** {@code handoverCompleted}: the UE arrived at the target of a handover within the node. */
    HANDOVER_COMPLETED(3, Input.NONE, Output.NONE),
    /** {@code handoverFailed}: a handover within the node failed; the old chain stays. */
    HANDOVER_FAILED(4, Input.NONE, Output.NONE),
    /** {@code initialContextSetup}: the initial KgNB of a UL NAS COUNT, NCC 0, with NH of NCC 1 kept. */
    INITIAL_CONTEXT_SETUP(5, Input.UPLINK_NAS_COUNT, Output.PAIR),
    /** {@code ueContextModification}: AS re-keying with the KgNB of the active KAMF. */
    UE_CONTEXT_MODIFICATION(6, Input.NONE, Output.PAIR),
    /** {@code ueContextModificationComplete}: the AS took the new KgNB into use. */
    UE_CONTEXT_MODIFICATION_COMPLETE(7, Input.NONE, Output.NONE),
    /** {@code ueContextModificationFailed}: the AS kept its KgNB. */
    UE_CONTEXT_MODIFICATION_FAILED(8, Input.NONE, Output.NONE),
    /** {@code release}: the AS context is gone (CONNECTED to IDLE). */
    RELEASE(9, Input.NONE, Output.NONE),
    /** {@code handoverToAmf(ueId, false, transfer)}: source of an N2 handover to another AMF, keeping KAMF. */
    HANDOVER_TO_AMF(10, Input.NONE, Output.TRANSFER),
    /** {@code handoverToAmf(ueId, true, transfer)}: source of an N2 handover to another AMF, with a horizontal KAMF. */
    HANDOVER_TO_AMF_WITH_HORIZONTAL_KAMF(11, Input.NONE, Output.TRANSFER),
    /** {@code acceptHandover}: target of an N2 handover from another AMF, the source's transfer in the request. */
    ACCEPT_HANDOVER(12, Input.TRANSFER, Output.PAIR_AND_NAS_CONTAINER),
    /** {@code contextTransfer(ueId, ulCount, false, transfer)}: source of a mobility registration, keeping KAMF. */
    CONTEXT_TRANSFER(13, Input.UPLINK_NAS_COUNT, Output.TRANSFER),
    /** {@code contextTransfer(ueId, ulCount, true, transfer)}: source of a mobility registration, with a horizontal KAMF. */
    CONTEXT_TRANSFER_WITH_HORIZONTAL_KAMF(14, Input.UPLINK_NAS_COUNT, Output.TRANSFER),
    /** {@code acceptContextTransfer}: target of a mobility registration, the source's transfer in the request. */
    ACCEPT_CONTEXT_TRANSFER(15, Input.TRANSFER, Output.NONE),
    /** {@code moveCompleted}: the UE moved to the target; the source forgets it. */
    MOVE_COMPLETED(16, Input.NONE, Output.NONE),
    /** {@code handoverToEps}: source AMF of a 5GS to EPS handover; the completion carries the content for the MME. */
    HANDOVER_TO_EPS(17, Input.NONE, Output.TRANSFER),
    /** {@code idleModeToEps}: source AMF of a 5GS to EPS idle-mode move (TAU), the TAU Request's UL NAS COUNT in the request. */
    IDLE_MODE_TO_EPS(18, Input.UPLINK_NAS_COUNT, Output.TRANSFER),
    /** {@code acceptHandoverFromEps}: target AMF of an EPS to 5GS handover, the MME's transfer in the request. */
    ACCEPT_HANDOVER_FROM_EPS(19, Input.TRANSFER, Output.PAIR_AND_NAS_CONTAINER),
    /** {@code acceptIdleModeFromEps}: target AMF of an EPS to 5GS idle-mode move, the MME's transfer in the request. */
    ACCEPT_IDLE_MODE_FROM_EPS(20, Input.TRANSFER, Output.NONE),
    /**
     * {@code authenticated(ueId, kseaf, supi, abba, ngKsi, ueSecurityCapabilities)}: KAMF from KSEAF
     * (A.7) becomes the UE's new partial native context; a UE not yet known is added.
     */
    AUTHENTICATED(21, Input.KSEAF, Output.NONE),
    /** {@code nasSecurityModeCommand}: activates the new context; the completion carries the command and its NAS keys. */
    NAS_SECURITY_MODE_COMMAND(22, Input.NAS_ALGORITHMS, Output.NAS_SECURITY_MODE_COMMAND),
    /** {@code nasSecurityModeComplete}: the activated context becomes current, the Complete's UL NAS COUNT in the request. */
    NAS_SECURITY_MODE_COMPLETE(23, Input.UPLINK_NAS_COUNT, Output.NONE),
    /** {@code nasSecurityModeFailed}: the NAS SMC in flight ends without activating anything. */
    NAS_SECURITY_MODE_FAILED(24, Input.NONE, Output.NONE);

    /**
     * What a request carries besides the UE.
     */
    public enum Input
    {
        /** Nothing more. */
        NONE,
        /** A UL NAS COUNT ({@link RequestDescriptor#UPLINK_NAS_COUNT_OFFSET}). */
        UPLINK_NAS_COUNT,
        /** A {@link org.amfkeys.procedures.UeContextTransfer} ({@link RequestDescriptor#TRANSFER_OFFSET}). */
        TRANSFER,
        /** KSEAF, the KDF encodings of SUPI and ABBA, ngKSI and the UE security capabilities ({@link RequestDescriptor#KSEAF_OFFSET}). */
        KSEAF,
        /** The NAS ciphering and integrity algorithms ({@link RequestDescriptor#NAS_CIPHERING_OFFSET}). */
        NAS_ALGORITHMS
    }

    /**
     * What a completion of a request done carries besides its status.
     */
    public enum Output
    {
        /** Nothing more. */
        NONE,
        /** A key and its NCC: {NH, NCC} or {KgNB, NCC}. */
        PAIR,
        /** The pair and the NAS container of the handover command ({@link CompletionDescriptor#NAS_CONTAINER_OFFSET}). */
        PAIR_AND_NAS_CONTAINER,
        /** The {@link org.amfkeys.procedures.UeContextTransfer} for the target ({@link CompletionDescriptor#TRANSFER_OFFSET}). */
        TRANSFER,
        /** The NAS Security Mode Command and its NAS keys ({@link CompletionDescriptor#NAS_SECURITY_MODE_COMMAND_OFFSET}). */
        NAS_SECURITY_MODE_COMMAND
    }

    private static final EngineOperation[] BY_CODE = new EngineOperation[values().length + 1];

    static
    {
        for (final EngineOperation operation : values())
        {
            BY_CODE[operation.code] = operation;
        }
    }

    private final int code;
    private final Input input;
    private final Output output;

    EngineOperation(final int code, final Input input, final Output output)
    {
        this.code = code;
        this.input = input;
        this.output = output;
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
        return output == Output.PAIR || output == Output.PAIR_AND_NAS_CONTAINER;
    }

    /**
     * @return what a request of this operation carries besides the UE.
     */
    public Input input()
    {
        return input;
    }

    /**
     * @return what a completion of this operation carries when done.
     */
    public Output output()
    {
        return output;
    }

    /**
     * @return octets of a request record of this operation; for {@link Input#KSEAF}, without the SUPI and
     *         ABBA octets that follow.
     */
    int requestLength()
    {
        return switch (input)
        {
            case NONE, UPLINK_NAS_COUNT -> RequestDescriptor.LENGTH;
            case TRANSFER -> RequestDescriptor.TRANSFER_OFFSET + UeContextTransferDescriptor.LENGTH;
            case KSEAF -> RequestDescriptor.KSEAF_PARAMETERS_OFFSET;
            case NAS_ALGORITHMS -> RequestDescriptor.NAS_ALGORITHMS_LENGTH;
        };
    }

    /**
     * @return octets of a completion record of this operation.
     */
    int completionLength()
    {
        return switch (output)
        {
            case NONE, PAIR -> CompletionDescriptor.LENGTH;
            case PAIR_AND_NAS_CONTAINER -> CompletionDescriptor.NAS_CONTAINER_OFFSET + CompletionDescriptor.NAS_CONTAINER_LENGTH;
            case TRANSFER -> CompletionDescriptor.TRANSFER_OFFSET + UeContextTransferDescriptor.LENGTH;
            case NAS_SECURITY_MODE_COMMAND -> CompletionDescriptor.NAS_SECURITY_MODE_COMMAND_OFFSET +
                CompletionDescriptor.NAS_SECURITY_MODE_COMMAND_LENGTH;
        };
    }

    /**
     * @return octets of the largest completion record of any operation.
     */
    static int largestCompletion()
    {
        int largest = 0;
        for (final EngineOperation operation : values())
        {
            largest = Math.max(largest, operation.completionLength());
        }
        return largest;
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

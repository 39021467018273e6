package org.amfkeys.procedures;

import static org.amfkeys.procedures.ProcedureStateDescriptor.DEFERRED_CONTEXT_TRANSFER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.DEFERRED_FORWARD_RELOCATION;
import static org.amfkeys.procedures.ProcedureStateDescriptor.DEFERRED_INTER_AMF_HANDOVER;
import static org.amfkeys.procedures.ProcedureStateDescriptor.DEFERRED_INTER_SYSTEM_HANDOVER;

/**
 * A procedure kind that a {@link ConcurrencyRule} with {@link ConcurrencyRule.Action#WAIT} can defer,
 * and the procedure-state bit that records it in the UE's context.
 */
public enum DeferredProcedure
{
    /** The source AMF's part of a mobility registration: the UEContextTransfer response. */
    CONTEXT_TRANSFER("context-transfer", DEFERRED_CONTEXT_TRANSFER),

    /** An N2 handover to another AMF: Namf_Communication_CreateUEContext. */
    INTER_AMF_HANDOVER("n2-handover", DEFERRED_INTER_AMF_HANDOVER),

    /** A handover to the other system (5GS to EPS from an AMF, EPS to 5GS from an MME). */
    INTER_SYSTEM_HANDOVER("inter-system-handover", DEFERRED_INTER_SYSTEM_HANDOVER),

    /** An inter-MME S1 handover: the S10 Forward Relocation Request. */
    FORWARD_RELOCATION("forward-relocation", DEFERRED_FORWARD_RELOCATION);

    /** {@code values()} copies its array on every call; {@link #in} runs in every release and NAS SMC Complete. */
    private static final DeferredProcedure[] ALL = values();

    private final String token;
    private final int bit;

    DeferredProcedure(final String token, final int bit)
    {
        this.token = token;
        this.bit = bit;
    }

    /**
     * @return the procedure's name in {@code amfkeys trace} and in messages.
     */
    public String token()
    {
        return token;
    }

    /**
     * @return its procedure-state bit.
     */
    public int bit()
    {
        return bit;
    }

    /**
     * @param procedureState a context's procedure state.
     * @return the procedure deferred in it, or null.
     */
    public static DeferredProcedure in(final int procedureState)
    {
        for (final DeferredProcedure procedure : ALL)
        {
            if ((procedureState & procedure.bit) != 0)
            {
                return procedure;
            }
        }
        return null;
    }
}

package org.amfkeys.sim;

/**
 * The procedures a {@link SimulatedUe} runs in phases, begun and ended by separate calls so that they
 * can overlap.
 */
public enum PhasedProcedure
{
    /** NAS Security Mode Command and Complete. */
    NAS_SMC("nas-smc"),
    /** N2 (S1) handover within the serving AMF (MME), whose Handover Request carries a new key. */
    N2_HANDOVER("n2-handover"),
    /** N2 handover to another AMF: the context goes to the target AMF (CreateUEContext). */
    INTER_AMF_HANDOVER("inter-amf-handover"),
    /** S1 handover to another MME: the context goes to the target MME (S10 Forward Relocation). */
    INTER_MME_HANDOVER("inter-mme-handover"),
    /** Handover to the other system: 5GS to EPS from an AMF, EPS to 5GS from an MME. */
    INTER_SYSTEM_HANDOVER("inter-system-handover"),
    /** UE Context Modification for a new KgNB. */
    UE_CONTEXT_MODIFICATION("ue-context-modification"),
    /** Xn handover and its Path Switch. */
    XN_HANDOVER("xn-handover"),
    /** Mobility registration update to another AMF, with the source's context transfer. */
    MOBILITY_REGISTRATION("mobility-registration");

    private final String token;

    PhasedProcedure(final String token)
    {
        this.token = token;
    }

    /**
     * @return its name in {@code amfkeys trace}.
     */
    public String token()
    {
        return token;
    }
}

package org.amfkeys.procedures.keychange;

import org.amfkeys.types.Token;

/**
 * One key change variant from outside 3GPP. Each is off until listed in {@link KeyChangeOptions}.
 */
public enum KeyChangeVariant implements Token
{
    /** KAMF' = HMAC-SHA-256(KAMF, S) with S of {@link KdpBoundKamf}: bound to a KDP and the target AMF. */
    KDP_BOUND_KAMF("kdp-bound-kamf"),

    /** Distinct KAMF' for up to {@value CandidateKeySet#MAX_CANDIDATES} candidate target AMFs in one call. */
    CANDIDATE_AMFS("candidate-amfs"),

    /** The KDP alone, without the key change flag, tells the UE that KAMF changed. */
    IMPLICIT_KCI("implicit-kci"),

    /** The target AMF selects NAS algorithms and sends them with the KCI instead of a NAS SMC. */
    ALGORITHMS_WITHOUT_SMC("algorithms-without-smc");

    private final String token;

    KeyChangeVariant(final String token)
    {
        this.token = token;
    }

    /**
     * @return the variant's name in options and messages, e.g. {@code implicit-kci}.
     */
    public String token()
    {
        return token;
    }
}

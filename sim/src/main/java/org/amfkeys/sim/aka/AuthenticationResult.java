package org.amfkeys.sim.aka;

/**
 * What a UE answers an AUTHENTICATION REQUEST of 5G AKA with (TS 33.501 6.1.3.2, TS 24.501 5.4.1.3).
 */
public enum AuthenticationResult
{
    /** AUTN verified and SQN fresh: the UE answers RES* and derives KAUSF, KSEAF and KAMF. */
    ACCEPTED(0),
    /** XMAC-A differs from AUTN's MAC: AUTHENTICATION FAILURE, 5GMM cause #20 (MAC failure). */
    MAC_FAILURE(20),
    /** AUTN genuine but SQN not fresh: AUTHENTICATION FAILURE, cause #21 (synch failure), with AUTS. */
    SYNCH_FAILURE(21),
    /** AUTN's AMF separation bit is 0: cause #26 (non-5G authentication unacceptable). */
    NON_5G_AUTHENTICATION_UNACCEPTABLE(26);

    private final int cause;

    AuthenticationResult(final int cause)
    {
        this.cause = cause;
    }

    /**
     * @return the 5GMM cause of the AUTHENTICATION FAILURE (TS 24.501 9.11.3.2), 0 for {@link #ACCEPTED}.
     */
    public int cause()
    {
        return cause;
    }
}

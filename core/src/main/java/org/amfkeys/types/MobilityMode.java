package org.amfkeys.types;

/**
 * Whether a key is derived for idle-mode mobility or for a handover. It picks the DIRECTION octet of
 * the horizontal KAMF derivation (TS 33.501 A.13) and the FC of the interworking derivations (A.14,
 * A.15).
 */
public enum MobilityMode implements Token
{
    /** Idle-mode mobility (mobility registration update, TAU); A.13 DIRECTION 0x00. */
    IDLE(0x00, "idle"),
    /** Handover; A.13 DIRECTION 0x01. */
    HANDOVER(0x01, "handover");

    private final int direction;
    private final String token;

    MobilityMode(final int direction, final String token)
    {
        this.direction = direction;
        this.token = token;
    }

    /**
     * @return the DIRECTION octet of TS 33.501 A.13.
     */
    public int direction()
    {
        return direction;
    }

    public String token()
    {
        return token;
    }
}

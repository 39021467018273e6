package org.amfkeys.types;

/**
 * Usage type distinguisher of TS 33.501 A.22 (table A.22-1).
 */
public enum UsageTypeDistinguisher implements Token
{
    /** KTIPSec from KTNGF (0x01). */
    IPSEC(0x01, "ipsec"),
    /** KTNAP from KTWIF or KTNGF (0x02). */
    TNAP(0x02, "tnap"),
    /** KFT, TNAP key refresh using FT (0x03). */
    FT(0x03, "ft");

    private final int code;
    private final String token;

    UsageTypeDistinguisher(final int code, final String token)
    {
        this.code = code;
        this.token = token;
    }

    /**
     * @return the octet fed to the KDF.
     */
    public int code()
    {
        return code;
    }

    public String token()
    {
        return token;
    }
}

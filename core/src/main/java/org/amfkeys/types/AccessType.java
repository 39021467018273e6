package org.amfkeys.types;

/**
 * Access type distinguisher of TS 33.501 A.9 (table A.9-1): 3GPP access derives KgNB, non-3GPP
 * access derives KN3IWF, KTNGF, KTWIF or KWAGF.
 */
public enum AccessType implements Token
{
    /** 3GPP access (0x01): KgNB. */
    THREE_GPP(0x01, "3gpp"),
    /** Non-3GPP access (0x02): KN3IWF, KTNGF, KTWIF, KWAGF. */
    NON_THREE_GPP(0x02, "non-3gpp");

    private final int code;
    private final String token;

    AccessType(final int code, final String token)
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

package org.amfkeys.types;

/**
 * Algorithm type distinguisher of the algorithm-key derivations (TS 33.501 A.8 table A.8-1,
 * TS 33.401 A.7 table A.7-1; both specifications use the same values).
 */
public enum AlgorithmTypeDistinguisher implements Token
{
    /** N-NAS-enc-alg / NAS-enc-alg. */
    NAS_ENC(0x01, "nas-enc"),
    /** N-NAS-int-alg / NAS-int-alg. */
    NAS_INT(0x02, "nas-int"),
    /** N-RRC-enc-alg / RRC-enc-alg. */
    RRC_ENC(0x03, "rrc-enc"),
    /** N-RRC-int-alg / RRC-int-alg. */
    RRC_INT(0x04, "rrc-int"),
    /** N-UP-enc-alg / UP-enc-alg. */
    UP_ENC(0x05, "up-enc"),
    /** N-UP-int-alg / UP-int-alg. */
    UP_INT(0x06, "up-int");

    private final int code;
    private final String token;

    AlgorithmTypeDistinguisher(final int code, final String token)
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

package org.amfkeys.sim.aka;

import org.amfkeys.Octets;

/**
 * What one MILENAGE run gives (TS 35.206 4.1): MAC-A (f1), MAC-S (f1*), RES (f2), CK (f3), IK (f4),
 * AK (f5), AK* (f5*), and the SQN and AMF they were computed over. Reused from run to run, so a
 * simulation allocates nothing per run; the accessors return the arrays themselves.
 */
public final class MilenageOutputs
{
    private final byte[] macA = new byte[Milenage.MAC_LENGTH];
    private final byte[] macS = new byte[Milenage.MAC_LENGTH];
    private final byte[] res = new byte[Milenage.RES_LENGTH];
    private final byte[] ck = new byte[Milenage.CK_LENGTH];
    private final byte[] ik = new byte[Milenage.IK_LENGTH];
    private final byte[] ak = new byte[Milenage.AK_LENGTH];
    private final byte[] akStar = new byte[Milenage.AK_LENGTH];
    private final byte[] sqn = new byte[Milenage.SQN_LENGTH];
    private final byte[] amf = new byte[Milenage.AMF_LENGTH];

    /** @return MAC-A = f1, 8 octets (XMAC-A when the UE computed it). */
    public byte[] macA()
    {
        return macA;
    }

    /** @return MAC-S = f1*, 8 octets (XMAC-S when the home network checks an AUTS). */
    public byte[] macS()
    {
        return macS;
    }

    /** @return RES = f2 (XRES at the home network), 8 octets. */
    public byte[] res()
    {
        return res;
    }

    /** @return CK = f3, 16 octets. */
    public byte[] ck()
    {
        return ck;
    }

    /** @return IK = f4, 16 octets. */
    public byte[] ik()
    {
        return ik;
    }

    /** @return AK = f5, 6 octets. */
    public byte[] ak()
    {
        return ak;
    }

    /** @return AK* = f5*, 6 octets. */
    public byte[] akStar()
    {
        return akStar;
    }

    /** @return the SQN f1 and f1* ran over: given, or recovered from AUTN or AUTS; 6 octets. */
    public byte[] sqn()
    {
        return sqn;
    }

    /** @return the AMF f1 and f1* ran over, 2 octets. */
    public byte[] amf()
    {
        return amf;
    }

    /**
     * Zeroes every output.
     */
    public void wipe()
    {
        Octets.zero(macA);
        Octets.zero(macS);
        Octets.zero(res);
        Octets.zero(ck);
        Octets.zero(ik);
        Octets.zero(ak);
        Octets.zero(akStar);
        Octets.zero(sqn);
        Octets.zero(amf);
    }

    @Override
    public String toString()
    {
        return "MilenageOutputs (MAC-A, MAC-S, RES, CK, IK, AK, AK*; not shown)";
    }
}

package org.amfkeys.sim.aka;

import org.amfkeys.Octets;

/**
 * The values of one 5G AKA run on one side (TS 33.501 6.1.3.2): MILENAGE's outputs, AUTN, RES* (XRES*
 * at the home network), HRES* (HXRES*), KAUSF, KSEAF, KAMF, and AUTS when the UE asks to
 * resynchronise. Reused from run to run; the accessors return the arrays themselves.
 */
public final class AkaKeys
{
    /** Octets of RES*, HRES*. */
    public static final int RES_STAR_LENGTH = 16;
    /** Octets of KAUSF, KSEAF, KAMF. */
    public static final int KEY_LENGTH = 32;

    private final MilenageOutputs milenage = new MilenageOutputs();
    private final byte[] sqnXorAk = new byte[Milenage.SQN_LENGTH];
    private final byte[] autn = new byte[Milenage.AUTN_LENGTH];
    private final byte[] resStar = new byte[RES_STAR_LENGTH];
    private final byte[] hresStar = new byte[RES_STAR_LENGTH];
    private final byte[] kausf = new byte[KEY_LENGTH];
    private final byte[] kseaf = new byte[KEY_LENGTH];
    private final byte[] kamf = new byte[KEY_LENGTH];
    private final byte[] auts = new byte[Milenage.AUTS_LENGTH];

    /** @return MILENAGE's outputs of the run. */
    public MilenageOutputs milenage()
    {
        return milenage;
    }

    /** @return SQN xor AK, 6 octets (AUTN's first field, KAUSF's P1). */
    public byte[] sqnXorAk()
    {
        return sqnXorAk;
    }

    /** @return AUTN = SQN xor AK || AMF || MAC-A, 16 octets. */
    public byte[] autn()
    {
        return autn;
    }

    /** @return RES* (XRES* at the home network), 16 octets. */
    public byte[] resStar()
    {
        return resStar;
    }

    /** @return HRES* (HXRES* at the home network), 16 octets. */
    public byte[] hresStar()
    {
        return hresStar;
    }

    /** @return KAUSF, 32 octets. */
    public byte[] kausf()
    {
        return kausf;
    }

    /** @return KSEAF, 32 octets. */
    public byte[] kseaf()
    {
        return kseaf;
    }

    /** @return KAMF, 32 octets. */
    public byte[] kamf()
    {
        return kamf;
    }

    /** @return AUTS, 14 octets, after a {@link AuthenticationResult#SYNCH_FAILURE}. */
    public byte[] auts()
    {
        return auts;
    }

    /**
     * Zeroes every value.
     */
    public void wipe()
    {
        milenage.wipe();
        Octets.zero(sqnXorAk);
        Octets.zero(autn);
        Octets.zero(resStar);
        Octets.zero(hresStar);
        Octets.zero(kausf);
        Octets.zero(kseaf);
        Octets.zero(kamf);
        Octets.zero(auts);
    }

    @Override
    public String toString()
    {
        return "AkaKeys (AUTN, RES*, HRES*, KAUSF, KSEAF, KAMF, AUTS; not shown)";
    }
}

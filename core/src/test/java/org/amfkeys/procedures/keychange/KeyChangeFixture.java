package org.amfkeys.procedures.keychange;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.types.PlmnId;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the key change tests share: three AMFs of PLMN 001-01 for a UE to move between, the options
 * and UE security capabilities they run with, and reading a table back.
 */
final class KeyChangeFixture
{
    static final PlmnId PLMN = PlmnId.of("001", "01");
    static final Guami AMF_A = new Guami(PLMN, 0x01, 0x004, 0x01);
    static final Guami AMF_B = new Guami(PLMN, 0x01, 0x005, 0x02);
    static final Guami AMF_C = new Guami(PLMN, 0x02, 0x004, 0x03);
    static final KeyChangeOptions ALL = KeyChangeOptions.all();
    /** 5G-EA0, 1, 2 and 5G-IA1, 2: no 5G-EA3 or 5G-IA3, so an AMF that prefers them falls back. */
    static final int CAPABILITIES = NasAlgorithmPriorities.capabilities(new int[] {0, 1, 2}, new int[] {1, 2});

    private KeyChangeFixture()
    {
    }

    /**
     * @return the GUAMI's octets as {@link SpecKdp} encodes them, without the code under test.
     */
    static byte[] guami(final Guami amf)
    {
        return SpecKdp.guami(SpecKdp.PLMN_001_01, amf.amfRegionId(), amf.amfSetId(), amf.amfPointer());
    }

    /**
     * @return the KAMF {@code table} holds for the UE, which must be there.
     */
    static byte[] kamfOf(final ContextTable table, final long ueId)
    {
        final SecurityContext context = new SecurityContext();
        assertTrue(table.read(ueId, context));
        final byte[] key = new byte[32];
        context.copyKamf(key, 0);
        return key;
    }
}

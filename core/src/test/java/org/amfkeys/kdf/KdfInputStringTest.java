package org.amfkeys.kdf;

import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KdfInputStringTest
{
    private static String hex(final KdfInputString s)
    {
        return HexFormat.of().formatHex(s.toByteArray());
    }

    @Test
    void everyParameterIsFollowedByItsTwoOctetLength()
    {
        final KdfInputString s = new KdfInputString().fc(0x6e).uint32(0xFFFF_FFFF).octet(1).uint16(0x1234).uint24(0x0A0B0C)
            .octets(new byte[0]);
        assertEquals("6e" + "ffffffff0004" + "010001" + "12340002" + "0a0b0c0003" + "0000", hex(s));
        assertEquals(5, s.parameterCount());
    }

    @Test
    void oneOrTwoOctetFunctionCode()
    {
        assertEquals("fe", hex(new KdfInputString().fc(0xFE)));
        assertEquals("ff01", hex(new KdfInputString().extendedFc(0x01)));
        final InvalidParameterException reserved = assertThrows(InvalidParameterException.class, () -> new KdfInputString().fc(0xFF));
        assertEquals("fc", reserved.parameter());
        assertEquals("0..254", reserved.allowed());
        assertThrows(InvalidParameterException.class, () -> new KdfInputString().fc(-1));
        assertThrows(InvalidParameterException.class, () -> new KdfInputString().extendedFc(256));
    }

    @Test
    void parametersUpTo65535OctetsAndNotBeyond()
    {
        final KdfInputString s = new KdfInputString().fc(1).octets(new byte[65535]);
        assertEquals(1 + 65535 + 2, s.length());
        assertEquals("ffff", hex(s).substring(hex(s).length() - 4));
        final InvalidParameterException tooLong = assertThrows(InvalidParameterException.class,
            () -> new KdfInputString().fc(1).octet(1).octets(new byte[65536]));
        assertEquals("P1", tooLong.parameter());
        assertTrue(tooLong.getMessage().contains("0..65535 octets"));
    }

    @Test
    void typedParameterLongerThanTheInitialStorageGrowsIt()
    {
        final String name = "x".repeat(5000);
        final KdfInputString s = new KdfInputString().fc(0x20).parameter(org.amfkeys.types.AccessNetworkIdentity.of(name)).octet(7);
        assertEquals("20" + "78".repeat(5000) + "1388" + "070001", hex(s));
    }

    @Test
    void growingZeroesTheArrayItLeaves()
    {
        final byte[] nh = new byte[32];
        java.util.Arrays.fill(nh, (byte)0x4e);
        final KdfInputString s = new KdfInputString().fc(0x6f).octets(nh);
        final byte[] before = s.array();
        s.octets(new byte[4000]);
        org.junit.jupiter.api.Assertions.assertNotSame(before, s.array());
        for (final byte b : before)
        {
            assertEquals(0, b);
        }
    }

    @Test
    void textIsUtf8AfterNfkc()
    {
        // "A" + combining ring composes to U+00C5; fullwidth letters fold to ASCII; the ligature "fi" splits.
        assertEquals("01" + "c385" + "0002", hex(new KdfInputString().fc(1).text("A\u030A")));
        assertEquals("01" + "414b4d41" + "0004", hex(new KdfInputString().fc(1).text("\uff21\uff2b\uff2d\uff21")));
        assertEquals("01" + "6669" + "0002", hex(new KdfInputString().fc(1).text("\ufb01")));
    }

    @Test
    void reusedForANewStringAndWiped()
    {
        final byte[] long300 = new byte[300];
        Arrays.fill(long300, (byte)0x5A);
        // A long string, a shorter one over it, then an extended-FC one: the wipe must reach the longest.
        final KdfInputString s = new KdfInputString().fc(1).octets(long300);
        s.extendedFc(3).octets(new byte[] {7, 7, 7});
        s.fc(2).octet(9);
        assertEquals("02090001", hex(s));
        s.wipe();
        assertEquals(0, s.length());
        for (final byte b : s.array())
        {
            assertEquals(0, b);
        }
        assertThrows(IllegalStateException.class, () -> s.octet(1));
    }
}

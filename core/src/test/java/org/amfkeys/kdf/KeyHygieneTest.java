package org.amfkeys.kdf;

import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.types.AccessType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class KeyHygieneTest
{
    private static final byte[] KAMF = HexFormat.of().parseHex("6b6579206279746573206e6576657220696e20746f537472696e67206f72206c");

    @Test
    void noKeyBytesInToString()
    {
        try (Kdf kdf = new Kdf())
        {
            final KeySchedule schedule = kdf.newSchedule(KAMF);
            kdf.nh(schedule, KAMF, new byte[32], 0);
            for (final Object o : new Object[] {kdf, schedule, new KdfInputString().fc(0x6f).octets(KAMF)})
            {
                assertFalse(o.toString().toLowerCase().contains("6b6579"), o.toString());
            }
        }
    }

    @Test
    void closeZeroesTheScratchThatHeldKeysAndTheKdfRefusesFurtherUse() throws Exception
    {
        final Kdf kdf = new Kdf();
        final byte[] before = kdf.kgnb(KAMF, 7, AccessType.THREE_GPP);
        kdf.nh(KAMF, KAMF);
        kdf.close();
        for (final String name : new String[] {"ckIk", "output", "hashInput"})
        {
            final Field field = Kdf.class.getDeclaredField(name);
            field.setAccessible(true);
            for (final byte b : (byte[])field.get(kdf))
            {
                assertEquals(0, b, name);
            }
        }
        final Field s = Kdf.class.getDeclaredField("s");
        s.setAccessible(true);
        for (final byte b : ((KdfInputString)s.get(kdf)).array())
        {
            assertEquals(0, b, "S");
        }
        final Field schedule = Kdf.class.getDeclaredField("scratchSchedule");
        schedule.setAccessible(true);
        assertFalse(((KeySchedule)schedule.get(kdf)).isComputed());
        // Closed is closed: a KDF that keeps deriving after close() would refill the scratch it zeroed.
        assertEquals("Kdf is closed", org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> kdf.kgnb(KAMF, 7, AccessType.THREE_GPP)).getMessage());
        kdf.close();
        try (Kdf open = new Kdf())
        {
            open.kgnb(KAMF, 7, AccessType.THREE_GPP);
            open.wipe();
            assertEquals(HexFormat.of().formatHex(before), HexFormat.of().formatHex(open.kgnb(KAMF, 7, AccessType.THREE_GPP)),
                "wipe() keeps the KDF usable");
        }
    }
}

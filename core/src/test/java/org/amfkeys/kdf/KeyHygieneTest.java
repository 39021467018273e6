package org.amfkeys.kdf;

import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.hmac.KeyScheduleDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.ServingNetworkName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

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

    @Test
    void wipeZeroesTheScratchAfterEveryKindOfDerivationAndAgainAfterAWipe() throws Exception
    {
        final byte[] half = Arrays.copyOf(KAMF, 16);
        final ServingNetworkName snn = ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org");
        final List<Consumer<Kdf>> derivations = List.of(
            kdf -> kdf.kgnb(KAMF, 7, AccessType.THREE_GPP),
            kdf -> kdf.nh(KAMF, KAMF),
            kdf -> kdf.kausf(half, half, snn, new byte[6]),
            kdf -> kdf.resStar(half, half, snn, half, half),
            kdf -> kdf.hresStar(half, half),
            kdf -> kdf.computeSchedule(new UnsafeBuffer(KAMF), 0, new KeySchedule()));
        try (Kdf kdf = new Kdf())
        {
            for (int i = 0; i < derivations.size(); i++)
            {
                derivations.get(i).accept(kdf);
                kdf.wipe();
                assertScratchZero(kdf, "after derivation " + i);
                // A second derivation of another kind after a wipe: the next wipe must still reach it.
                derivations.get((i + 1) % derivations.size()).accept(kdf);
                kdf.wipe();
                kdf.wipe();
                assertScratchZero(kdf, "after derivation " + (i + 1) % derivations.size() + " and two wipes");
            }
        }
    }

    private static void assertScratchZero(final Kdf kdf, final String when) throws Exception
    {
        for (final String name : new String[] {"ckIk", "output", "hashInput"})
        {
            final Field field = Kdf.class.getDeclaredField(name);
            field.setAccessible(true);
            for (final byte b : (byte[])field.get(kdf))
            {
                assertEquals(0, b, name + " " + when);
            }
        }
        final Field s = Kdf.class.getDeclaredField("s");
        s.setAccessible(true);
        for (final byte b : ((KdfInputString)s.get(kdf)).array())
        {
            assertEquals(0, b, "S " + when);
        }
        final Field schedule = Kdf.class.getDeclaredField("scratchSchedule");
        schedule.setAccessible(true);
        final KeySchedule scratch = (KeySchedule)schedule.get(kdf);
        for (int i = 0; i < KeyScheduleDescriptor.LENGTH; i++)
        {
            assertEquals(0, scratch.buffer().getByte(scratch.offset() + i), "scratch schedule " + when);
        }
    }
}

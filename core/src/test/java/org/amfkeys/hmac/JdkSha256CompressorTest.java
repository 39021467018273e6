package org.amfkeys.hmac;

import org.agrona.UnsafeApi;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class JdkSha256CompressorTest
{
    @Test
    void wipeClearsTheProvidersMessageSchedule() throws Exception
    {
        // Interpreted, the SUN provider keeps the last block compressed (a key's pad block after a
        // schedule) in SHA2.W; compiled, the intrinsic never fills W. Plant a filled W and wipe.
        final JdkSha256Compressor compressor = JdkSha256Compressor.create();
        compressor.loadInitialHash();
        compressor.compress(new byte[64], 0, 1);
        final Object spi = internal(compressor.digestForTests(), "digestSpi");
        final long wOffset = UnsafeApi.objectFieldOffset(declared(spi.getClass(), "W"));
        final int[] planted = new int[64];
        Arrays.fill(planted, 0x6b657921);
        UnsafeApi.putReference(spi, wOffset, planted);

        compressor.wipe();

        final Object w = UnsafeApi.getReference(spi, wOffset);
        if (w != null)
        {
            assertSame(planted, w);
            assertArrayEquals(new int[64], planted);
        }
        // The chaining value is zeroed, or back at the initial hash value: either way it holds no key.
        final boolean cleared = Arrays.equals(compressor.state, new int[8]) ||
            Arrays.equals(compressor.state, Sha256Compressor.INITIAL_HASH);
        org.junit.jupiter.api.Assertions.assertTrue(cleared, Arrays.toString(compressor.state));
    }

    private static Object internal(final Object instance, final String name) throws NoSuchFieldException
    {
        return UnsafeApi.getReference(instance, UnsafeApi.objectFieldOffset(declared(instance.getClass(), name)));
    }

    private static Field declared(final Class<?> start, final String name) throws NoSuchFieldException
    {
        for (Class<?> type = start; type != null; type = type.getSuperclass())
        {
            for (final Field field : type.getDeclaredFields())
            {
                if (field.getName().equals(name))
                {
                    return field;
                }
            }
        }
        throw new NoSuchFieldException(name);
    }
}

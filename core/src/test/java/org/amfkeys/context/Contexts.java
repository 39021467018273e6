package org.amfkeys.context;

import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.NgKsi;

import java.util.SplittableRandom;

/**
 * Random but reproducible contexts for tests: the same seed and UE give the same context.
 */
final class Contexts
{
    private Contexts()
    {
    }

    static byte[] key(final SplittableRandom random)
    {
        final byte[] key = new byte[SecurityContextDescriptor.KEY_LENGTH];
        random.nextBytes(key);
        return key;
    }

    /** Fills {@code context} with a random context derived from {@code seed} and {@code ueId}. */
    static SecurityContext random(final SecurityContext context, final long seed, final long ueId, final Kdf kdf)
    {
        final SplittableRandom random = new SplittableRandom(seed ^ (ueId * 0x9E3779B97F4A7C15L));
        context.clear();
        context.kamf(key(random), kdf)
            .ngKsi(NgKsi.of(random.nextInt(NgKsi.MAX_KEY_SET_IDENTIFIER + 1), random.nextBoolean()))
            .nextHop(key(random), random.nextInt(SecurityContext.MAX_NCC + 1))
            .uplinkNasCount(random.nextInt(1 << 20))
            .downlinkNasCount(random.nextInt(1 << 20))
            .nasAlgorithms(random.nextInt(4), 1 + random.nextInt(3))
            .ueSecurityCapabilities(random.nextInt());
        if (random.nextBoolean())
        {
            context.nonCurrent(key(random), NgKsi.of(random.nextInt(NgKsi.MAX_KEY_SET_IDENTIFIER + 1), false));
        }
        return context;
    }

    static boolean sameBytes(final SecurityContext a, final SecurityContext b)
    {
        for (int i = 0; i < SecurityContextDescriptor.LENGTH; i++)
        {
            if (a.buffer().getByte(a.offset() + i) != b.buffer().getByte(b.offset() + i))
            {
                return false;
            }
        }
        return true;
    }
}

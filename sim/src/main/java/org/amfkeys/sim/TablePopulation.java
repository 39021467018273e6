package org.amfkeys.sim;

import org.amfkeys.context.ContextTable;
import org.amfkeys.context.SecurityContext;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.NgKsi;

import java.util.SplittableRandom;

/**
 * Simulated UEs for the context table's benchmark and the {@code table} command: UE number {@code i}
 * always has the same identifier and, for one seed, the same random context, so a reader can
 * regenerate what it expects instead of keeping a copy.
 */
public final class TablePopulation
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final byte[] key = new byte[32];
    private final SecurityContext staged = new SecurityContext();
    private final Kdf kdf;

    /**
     * @param seed picks the contexts.
     * @param kdf  computes each KAMF's key schedule; used by this population's thread only.
     */
    public TablePopulation(final long seed, final Kdf kdf)
    {
        this.seed = seed;
        this.kdf = kdf;
    }

    /**
     * @param index the UE's number, 0 and up.
     * @return its identifier: distinct for distinct numbers and spread over all 64 bits, as an AMF's may be.
     */
    public static long ueId(final long index)
    {
        return index * GOLDEN_GAMMA + 1;
    }

    /**
     * Fills the staging context with UE {@code index}'s context.
     *
     * @param index the UE's number.
     * @return the staging context, valid until the next call.
     */
    public SecurityContext context(final long index)
    {
        final SplittableRandom random = new SplittableRandom(seed + index * GOLDEN_GAMMA);
        staged.clear();
        random.nextBytes(key);
        staged.kamf(key, kdf);
        random.nextBytes(key);
        staged.nextHop(key, 1 + random.nextInt(SecurityContext.MAX_NCC))
            .ngKsi(NgKsi.of(random.nextInt(NgKsi.MAX_KEY_SET_IDENTIFIER + 1), false))
            .uplinkNasCount(random.nextInt(1 << 16))
            .downlinkNasCount(random.nextInt(1 << 16))
            .nasAlgorithms(random.nextInt(4), 1 + random.nextInt(3))
            .ueSecurityCapabilities(0xF0F0_0000 | random.nextInt(1 << 16))
            .contextFlags(SecurityContext.FLAG_KGNB_AT_NCC_0);
        return staged;
    }

    /**
     * Inserts UEs {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @param table where.
     * @param from  first UE number.
     * @param to    one past the last.
     */
    public void insert(final ContextTable table, final long from, final long to)
    {
        for (long index = from; index < to; index++)
        {
            if (!table.insert(ueId(index), context(index)))
            {
                throw new IllegalStateException("UE number " + index + " was already in the table");
            }
        }
    }

    /**
     * Zeroes the staging context and the key scratch.
     */
    public void clear()
    {
        staged.clear();
        java.util.Arrays.fill(key, (byte)0);
    }
}

package org.amfkeys.hmac;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * CPU features the native kernels depend on, with the bits the native library reports them by
 * ({@code AMFKEYS_CPU_*} in {@code amfkeys_native.h}).
 */
public enum CpuFeature
{
    /** SSE4.1. */
    SSE41(1, "sse4_1"),
    /** The SHA extensions. */
    SHA_NI(1 << 1, "sha_ni"),
    /** AVX2, with the OS saving the YMM state. */
    AVX2(1 << 2, "avx2"),
    /** AVX-512 Foundation, with the OS saving the ZMM state. */
    AVX512F(1 << 3, "avx512f"),
    /** AVX-512 byte and word instructions. */
    AVX512BW(1 << 4, "avx512bw"),
    /** AVX-512 vector length extensions. */
    AVX512VL(1 << 5, "avx512vl"),
    /** AES-NI: AES rounds in one instruction (MILENAGE's kernel). */
    AES_NI(1 << 6, "aes");

    private final int bit;
    private final String token;

    CpuFeature(final int bit, final String token)
    {
        this.bit = bit;
        this.token = token;
    }

    /**
     * @return the feature's bit.
     */
    public int bit()
    {
        return bit;
    }

    /**
     * @return the name /proc/cpuinfo gives the feature.
     */
    public String token()
    {
        return token;
    }

    /**
     * @param bits a set of feature bits.
     * @return the features in it.
     */
    public static Set<CpuFeature> of(final int bits)
    {
        final Set<CpuFeature> features = EnumSet.noneOf(CpuFeature.class);
        for (final CpuFeature feature : values())
        {
            if ((bits & feature.bit) != 0)
            {
                features.add(feature);
            }
        }
        return features;
    }

    /**
     * @param features comma-separated feature names, e.g. {@code avx512f,sha_ni}; blank for none.
     * @return their bits.
     * @throws IllegalArgumentException naming an unknown feature.
     */
    public static int parse(final String features)
    {
        int bits = 0;
        if (features == null || features.isBlank())
        {
            return bits;
        }
        for (final String name : features.split(","))
        {
            final String token = name.trim().toLowerCase(Locale.ROOT);
            CpuFeature found = null;
            for (final CpuFeature feature : values())
            {
                if (feature.token.equals(token))
                {
                    found = feature;
                }
            }
            if (found == null)
            {
                throw new IllegalArgumentException("unknown CPU feature '" + token + "'");
            }
            bits |= found.bit;
        }
        return bits;
    }
}

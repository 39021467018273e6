/*
 * SHA-NI kernel: the x86 SHA extensions, one block per sha256rnds2 chain. A single stream is bound by
 * the instruction's latency, so two independent lanes are interleaved to fill the pipeline.
 */
#include "amfkeys_native.h"

#include <immintrin.h>

#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

SHANI_TARGET static inline void load_state(const uint32_t s[8], __m128i *abef, __m128i *cdgh)
{
    const __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[0]), 0xB1); /* CDAB */
    const __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[4]), 0x1B); /* EFGH */
    *abef = _mm_alignr_epi8(dcba, hgfe, 8);
    *cdgh = _mm_blend_epi16(hgfe, dcba, 0xF0);
}

SHANI_TARGET static inline void store_state(uint32_t s[8], __m128i abef, __m128i cdgh)
{
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&s[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&s[4], _mm_alignr_epi8(dchg, feba, 8));
}

#define K4(i) _mm_load_si128((const __m128i *)&amfkeys_sha256_k[4 * (i)])

/* Message words of group i (4 words) from groups i-4..i-1, kept in m[] indexed mod 4. */
#define SCHEDULE(m, i)                                                                            \
    do                                                                                            \
    {                                                                                             \
        __m128i x_ = _mm_sha256msg1_epu32((m)[(i) & 3], (m)[((i) + 1) & 3]);                      \
        x_ = _mm_add_epi32(x_, _mm_alignr_epi8((m)[((i) + 3) & 3], (m)[((i) + 2) & 3], 4));       \
        (m)[(i) & 3] = _mm_sha256msg2_epu32(x_, (m)[((i) + 3) & 3]);                              \
    } while (0)

/* Four rounds: two sha256rnds2, each of which also swaps the roles of the two state halves. */
#define ROUNDS4(abef, cdgh, words, i)                                                             \
    do                                                                                            \
    {                                                                                             \
        const __m128i wk_ = _mm_add_epi32((words), K4(i));                                        \
        (cdgh) = _mm_sha256rnds2_epu32((cdgh), (abef), wk_);                                      \
        (abef) = _mm_sha256rnds2_epu32((abef), (cdgh), _mm_shuffle_epi32(wk_, 0x0E));             \
    } while (0)

SHANI_TARGET static void compress_one(uint32_t state[8], const uint8_t *block, int count)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef, cdgh;
    load_state(state, &abef, &cdgh);
    for (int b = 0; b < count; b++, block += 64)
    {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i m[4];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
        {
            if (i < 4)
            {
                m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * i)), bswap);
            }
            else
            {
                SCHEDULE(m, i);
            }
            ROUNDS4(abef, cdgh, m[i & 3], i);
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    store_state(state, abef, cdgh);
}

/* Two lanes, the same number of blocks each, their round chains interleaved. */
SHANI_TARGET static void compress_two(uint32_t s0[8], const uint8_t *p0, uint32_t s1[8], const uint8_t *p1, int count)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef0, cdgh0, abef1, cdgh1;
    load_state(s0, &abef0, &cdgh0);
    load_state(s1, &abef1, &cdgh1);
    for (int b = 0; b < count; b++, p0 += 64, p1 += 64)
    {
        const __m128i save_abef0 = abef0, save_cdgh0 = cdgh0, save_abef1 = abef1, save_cdgh1 = cdgh1;
        __m128i m0[4], m1[4];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
        {
            if (i < 4)
            {
                m0[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p0 + 16 * i)), bswap);
                m1[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p1 + 16 * i)), bswap);
            }
            else
            {
                SCHEDULE(m0, i);
                SCHEDULE(m1, i);
            }
            ROUNDS4(abef0, cdgh0, m0[i & 3], i);
            ROUNDS4(abef1, cdgh1, m1[i & 3], i);
        }
        abef0 = _mm_add_epi32(abef0, save_abef0);
        cdgh0 = _mm_add_epi32(cdgh0, save_cdgh0);
        abef1 = _mm_add_epi32(abef1, save_abef1);
        cdgh1 = _mm_add_epi32(cdgh1, save_cdgh1);
    }
    store_state(s0, abef0, cdgh0);
    store_state(s1, abef1, cdgh1);
}

void amfkeys_compress_shani(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts)
{
    int lane = 0;
    for (; lane + 1 < lanes; lane += 2)
    {
        const int common = counts[lane] < counts[lane + 1] ? counts[lane] : counts[lane + 1];
        compress_two(states[lane], blocks[lane], states[lane + 1], blocks[lane + 1], common);
        compress_one(states[lane], blocks[lane] + 64 * common, counts[lane] - common);
        compress_one(states[lane + 1], blocks[lane + 1] + 64 * common, counts[lane + 1] - common);
    }
    if (lane < lanes)
    {
        compress_one(states[lane], blocks[lane], counts[lane]);
    }
}

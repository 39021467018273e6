/*
 * AVX-512 multi-buffer kernel: 16 lanes per register, one SHA-256 message per lane, two groups of 16
 * interleaved so that each round's dependency chain of one group hides the other's latency. The
 * rounds run 16 at a time in a loop so that the code stays well inside the L1 instruction cache (a
 * fully unrolled 2 x 64-round body does not).
 *
 * Lanes may have different block counts: a lane whose blocks are done keeps its state (masked add).
 */
#include "amfkeys_native.h"

#include <immintrin.h>

#define AVX512_TARGET __attribute__((target("avx512f,avx512bw")))

typedef struct
{
    __m512i a, b, c, d, e, f, g, h;
} lanes16;

static const uint8_t zero_block[64] __attribute__((aligned(64)));

/* Rows r[i] (lane i's 16 words) become columns: r[t] holds word t of every lane. */
AVX512_TARGET static inline void transpose16(__m512i r[16])
{
    __m512i t[16];
    for (int i = 0; i < 16; i += 2)
    {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    /* u[4g + c]: within 128-bit block q, column 4q + c of rows 4g..4g+3. */
    __m512i u[16];
    for (int g = 0; g < 4; g++)
    {
        u[4 * g + 0] = _mm512_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
        u[4 * g + 1] = _mm512_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
        u[4 * g + 2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
        u[4 * g + 3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
    }
    /* A 4 x 4 transpose of 128-bit blocks for each c. */
    for (int c = 0; c < 4; c++)
    {
        const __m512i x0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0x44);
        const __m512i x1 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0xEE);
        const __m512i x2 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0x44);
        const __m512i x3 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0xEE);
        r[c] = _mm512_shuffle_i32x4(x0, x2, 0x88);
        r[4 + c] = _mm512_shuffle_i32x4(x0, x2, 0xDD);
        r[8 + c] = _mm512_shuffle_i32x4(x1, x3, 0x88);
        r[12 + c] = _mm512_shuffle_i32x4(x1, x3, 0xDD);
    }
}

/* Word t of block `block` of every lane, big-endian to native. */
AVX512_TARGET static inline void load_words(
    __m512i w[16], const uint8_t *const *blocks, const int *counts, int first, int lanes, int block)
{
    const __m512i bswap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
    for (int i = 0; i < 16; i++)
    {
        const int lane = first + i;
        const uint8_t *p = (i < lanes && block < counts[lane]) ? blocks[lane] + 64 * block : zero_block;
        w[i] = _mm512_shuffle_epi8(_mm512_loadu_si512(p), bswap);
    }
    transpose16(w);
}

AVX512_TARGET static inline __mmask16 active(const int *counts, int first, int lanes, int block)
{
    __mmask16 mask = 0;
    for (int i = 0; i < lanes; i++)
    {
        if (block < counts[first + i])
        {
            mask |= (__mmask16)(1u << i);
        }
    }
    return mask;
}

/* Lane states are rows of 8 words: gather word w of 16 lanes into one register, and back. */
AVX512_TARGET static inline __m512i row_index(int word)
{
    return _mm512_add_epi32(_mm512_setr_epi32(0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104, 112, 120),
        _mm512_set1_epi32(word));
}

AVX512_TARGET static inline __mmask16 lane_mask(int lanes)
{
    return (__mmask16)(lanes >= 16 ? 0xFFFF : (1u << lanes) - 1);
}

AVX512_TARGET static inline void load_states(lanes16 *s, uint32_t (*states)[8], int first, int lanes)
{
    const __mmask16 m = lane_mask(lanes);
    const void *base = states[first];
    const __m512i zero = _mm512_setzero_si512();
    s->a = _mm512_mask_i32gather_epi32(zero, m, row_index(0), base, 4);
    s->b = _mm512_mask_i32gather_epi32(zero, m, row_index(1), base, 4);
    s->c = _mm512_mask_i32gather_epi32(zero, m, row_index(2), base, 4);
    s->d = _mm512_mask_i32gather_epi32(zero, m, row_index(3), base, 4);
    s->e = _mm512_mask_i32gather_epi32(zero, m, row_index(4), base, 4);
    s->f = _mm512_mask_i32gather_epi32(zero, m, row_index(5), base, 4);
    s->g = _mm512_mask_i32gather_epi32(zero, m, row_index(6), base, 4);
    s->h = _mm512_mask_i32gather_epi32(zero, m, row_index(7), base, 4);
}

AVX512_TARGET static inline void store_states(const lanes16 *s, uint32_t (*states)[8], int first, int lanes)
{
    const __mmask16 m = lane_mask(lanes);
    void *base = states[first];
    _mm512_mask_i32scatter_epi32(base, m, row_index(0), s->a, 4);
    _mm512_mask_i32scatter_epi32(base, m, row_index(1), s->b, 4);
    _mm512_mask_i32scatter_epi32(base, m, row_index(2), s->c, 4);
    _mm512_mask_i32scatter_epi32(base, m, row_index(3), s->d, 4);
    _mm512_mask_i32scatter_epi32(base, m, row_index(4), s->e, 4);
    _mm512_mask_i32scatter_epi32(base, m, row_index(5), s->f, 4);
    _mm512_mask_i32scatter_epi32(base, m, row_index(6), s->g, 4);
    _mm512_mask_i32scatter_epi32(base, m, row_index(7), s->h, 4);
}

#define XOR3 0x96 /* a ^ b ^ c */
#define CH 0xCA   /* a ? b : c */
#define MAJ 0xE8  /* majority */

/* One round of one group; the caller renames a..h instead of moving them. */
#define ROUND(a, b, c, d, e, f, g, h, wk)                                                                    \
    do                                                                                                       \
    {                                                                                                        \
        const __m512i s1_ = _mm512_ternarylogic_epi32(                                                       \
            _mm512_ror_epi32(e, 6), _mm512_ror_epi32(e, 11), _mm512_ror_epi32(e, 25), XOR3);                 \
        const __m512i t1_ = _mm512_add_epi32(                                                                \
            _mm512_add_epi32(h, s1_), _mm512_add_epi32(_mm512_ternarylogic_epi32(e, f, g, CH), wk));         \
        const __m512i s0_ = _mm512_ternarylogic_epi32(                                                       \
            _mm512_ror_epi32(a, 2), _mm512_ror_epi32(a, 13), _mm512_ror_epi32(a, 22), XOR3);                 \
        d = _mm512_add_epi32(d, t1_);                                                                        \
        h = _mm512_add_epi32(t1_, _mm512_add_epi32(s0_, _mm512_ternarylogic_epi32(a, b, c, MAJ)));           \
    } while (0)

/* W[i] += sigma0(W[i+1]) + W[i+9] + sigma1(W[i+14]), indices mod 16: word t from words t-16..t-2. */
#define SCHEDULE(w, i)                                                                                       \
    do                                                                                                       \
    {                                                                                                        \
        const __m512i w15_ = (w)[((i) + 1) & 15];                                                            \
        const __m512i w2_ = (w)[((i) + 14) & 15];                                                            \
        const __m512i s0_ = _mm512_ternarylogic_epi32(                                                       \
            _mm512_ror_epi32(w15_, 7), _mm512_ror_epi32(w15_, 18), _mm512_srli_epi32(w15_, 3), XOR3);        \
        const __m512i s1_ = _mm512_ternarylogic_epi32(                                                       \
            _mm512_ror_epi32(w2_, 17), _mm512_ror_epi32(w2_, 19), _mm512_srli_epi32(w2_, 10), XOR3);         \
        (w)[(i) & 15] = _mm512_add_epi32(_mm512_add_epi32((w)[(i) & 15], s0_),                               \
            _mm512_add_epi32((w)[((i) + 9) & 15], s1_));                                                     \
    } while (0)

#define K(t) _mm512_set1_epi32((int)amfkeys_sha256_k[(t)])

/* Round t of group x (state s##x, words w##x); the state letters rotate with t mod 8. */
#define GROUP_ROUND(x, t, i)                                                                                 \
    do                                                                                                       \
    {                                                                                                        \
        const __m512i wk_ = _mm512_add_epi32(w##x[(i) & 15], K(t));                                          \
        switch ((i) & 7)                                                                                     \
        {                                                                                                    \
            case 0: ROUND(v##x[0], v##x[1], v##x[2], v##x[3], v##x[4], v##x[5], v##x[6], v##x[7], wk_); break; \
            case 1: ROUND(v##x[7], v##x[0], v##x[1], v##x[2], v##x[3], v##x[4], v##x[5], v##x[6], wk_); break; \
            case 2: ROUND(v##x[6], v##x[7], v##x[0], v##x[1], v##x[2], v##x[3], v##x[4], v##x[5], wk_); break; \
            case 3: ROUND(v##x[5], v##x[6], v##x[7], v##x[0], v##x[1], v##x[2], v##x[3], v##x[4], wk_); break; \
            case 4: ROUND(v##x[4], v##x[5], v##x[6], v##x[7], v##x[0], v##x[1], v##x[2], v##x[3], wk_); break; \
            case 5: ROUND(v##x[3], v##x[4], v##x[5], v##x[6], v##x[7], v##x[0], v##x[1], v##x[2], wk_); break; \
            case 6: ROUND(v##x[2], v##x[3], v##x[4], v##x[5], v##x[6], v##x[7], v##x[0], v##x[1], wk_); break; \
            default: ROUND(v##x[1], v##x[2], v##x[3], v##x[4], v##x[5], v##x[6], v##x[7], v##x[0], wk_); break; \
        }                                                                                                    \
    } while (0)

/* 64 rounds for `groups` groups (1 or 2) of 16 lanes. v0/v1 hold a..h, w0/w1 the message words. */
AVX512_TARGET static inline void rounds(__m512i v0[8], __m512i w0[16], __m512i v1[8], __m512i w1[16], const int groups)
{
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++)
    {
        GROUP_ROUND(0, i, i);
        if (groups > 1)
        {
            GROUP_ROUND(1, i, i);
        }
    }
    for (int t = 16; t < 64; t += 16)
    {
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
        {
            SCHEDULE(w0, i);
            GROUP_ROUND(0, t + i, i);
            if (groups > 1)
            {
                SCHEDULE(w1, i);
                GROUP_ROUND(1, t + i, i);
            }
        }
    }
}

AVX512_TARGET static inline void to_array(const lanes16 *s, __m512i v[8])
{
    v[0] = s->a; v[1] = s->b; v[2] = s->c; v[3] = s->d;
    v[4] = s->e; v[5] = s->f; v[6] = s->g; v[7] = s->h;
}

AVX512_TARGET static inline void masked_add(lanes16 *s, const __m512i v[8], __mmask16 m)
{
    s->a = _mm512_mask_add_epi32(s->a, m, s->a, v[0]);
    s->b = _mm512_mask_add_epi32(s->b, m, s->b, v[1]);
    s->c = _mm512_mask_add_epi32(s->c, m, s->c, v[2]);
    s->d = _mm512_mask_add_epi32(s->d, m, s->d, v[3]);
    s->e = _mm512_mask_add_epi32(s->e, m, s->e, v[4]);
    s->f = _mm512_mask_add_epi32(s->f, m, s->f, v[5]);
    s->g = _mm512_mask_add_epi32(s->g, m, s->g, v[6]);
    s->h = _mm512_mask_add_epi32(s->h, m, s->h, v[7]);
}

static int max_count(const int *counts, int first, int lanes)
{
    int max = 0;
    for (int i = 0; i < lanes; i++)
    {
        if (counts[first + i] > max)
        {
            max = counts[first + i];
        }
    }
    return max;
}

/* One group of up to 16 lanes. */
AVX512_TARGET static void compress_group(uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts, int first, int lanes)
{
    lanes16 s;
    __m512i v[8], w[16];
    load_states(&s, states, first, lanes);
    const int blocks_max = max_count(counts, first, lanes);
    for (int block = 0; block < blocks_max; block++)
    {
        load_words(w, blocks, counts, first, lanes, block);
        to_array(&s, v);
        rounds(v, w, v, w, 1);
        masked_add(&s, v, active(counts, first, lanes, block));
    }
    store_states(&s, states, first, lanes);
}

/* Two groups: lanes first..first+15 and the up to 16 after them, interleaved. */
AVX512_TARGET static void compress_pair(uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts, int first, int lanes)
{
    const int lanes1 = lanes - 16;
    lanes16 s0, s1;
    __m512i v0[8], w0[16], v1[8], w1[16];
    load_states(&s0, states, first, 16);
    load_states(&s1, states, first + 16, lanes1);
    const int max0 = max_count(counts, first, 16);
    const int max1 = max_count(counts, first + 16, lanes1);
    const int blocks_max = max0 > max1 ? max0 : max1;
    for (int block = 0; block < blocks_max; block++)
    {
        load_words(w0, blocks, counts, first, 16, block);
        load_words(w1, blocks, counts, first + 16, lanes1, block);
        to_array(&s0, v0);
        to_array(&s1, v1);
        rounds(v0, w0, v1, w1, 2);
        masked_add(&s0, v0, active(counts, first, 16, block));
        masked_add(&s1, v1, active(counts, first + 16, lanes1, block));
    }
    store_states(&s0, states, first, 16);
    store_states(&s1, states, first + 16, lanes1);
}

void amfkeys_compress_avx512(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts)
{
    int first = 0;
    for (; lanes - first > 16; first += 32)
    {
        const int n = lanes - first < 32 ? lanes - first : 32;
        compress_pair(states, blocks, counts, first, n);
    }
    if (first < lanes)
    {
        compress_group(states, blocks, counts, first, lanes - first);
    }
}

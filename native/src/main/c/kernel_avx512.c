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
#include <string.h>
#include <time.h>

#define AVX512_TARGET __attribute__((target("avx512f,avx512bw")))

typedef struct
{
    __m512i a, b, c, d, e, f, g, h;
} lanes16;

static const uint8_t zero_block[64] __attribute__((aligned(64)));

AVX512_TARGET static inline __m512i row_index(int word);
AVX512_TARGET static inline __mmask16 lane_mask(int lanes);

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

/*
 * Word t of block `block` of every lane's S, padded as it is loaded: the octets of S in the block, read
 * with a byte mask (so nothing past S is read and S is never copied), then 0x80 after S and, in the
 * last block, the length in bits after the ipad block (below 2^32, so word 14 stays zero).
 */
AVX512_TARGET static inline void load_message_words(
    __m512i w[16], const uint8_t *const *messages, const int *lengths, int first, int lanes, int block)
{
    const __m512i bswap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
    for (int i = 0; i < 16; i++)
    {
        __m512i v = _mm512_setzero_si512();
        if (i < lanes)
        {
            const int length = lengths[first + i];
            const int rest = length - 64 * block;
            if (rest >= 64)
            {
                v = _mm512_loadu_si512(messages[first + i] + 64 * block);
            }
            else if (rest >= 0)
            {
                v = _mm512_maskz_loadu_epi8(((__mmask64)1 << rest) - 1, messages[first + i] + 64 * block);
                v = _mm512_mask_set1_epi8(v, (__mmask64)1 << rest, (char)0x80);
            }
            v = _mm512_shuffle_epi8(v, bswap);
            if (block == amfkeys_message_blocks(length) - 1)
            {
                v = _mm512_mask_set1_epi32(v, (__mmask16)(1u << 15), (64 + length) * 8);
            }
        }
        w[i] = v;
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

/* Eight rounds t..t+7 of one group: the letters rotate by one each round, back in place after eight. */
#define ROUNDS8(a, b, c, d, e, f, g, h, w, t, i)                                                             \
    do                                                                                                       \
    {                                                                                                        \
        ROUND(a, b, c, d, e, f, g, h, _mm512_add_epi32((w)[((i) + 0) & 15], K((t) + (i) + 0)));             \
        ROUND(h, a, b, c, d, e, f, g, _mm512_add_epi32((w)[((i) + 1) & 15], K((t) + (i) + 1)));             \
        ROUND(g, h, a, b, c, d, e, f, _mm512_add_epi32((w)[((i) + 2) & 15], K((t) + (i) + 2)));             \
        ROUND(f, g, h, a, b, c, d, e, _mm512_add_epi32((w)[((i) + 3) & 15], K((t) + (i) + 3)));             \
        ROUND(e, f, g, h, a, b, c, d, _mm512_add_epi32((w)[((i) + 4) & 15], K((t) + (i) + 4)));             \
        ROUND(d, e, f, g, h, a, b, c, _mm512_add_epi32((w)[((i) + 5) & 15], K((t) + (i) + 5)));             \
        ROUND(c, d, e, f, g, h, a, b, _mm512_add_epi32((w)[((i) + 6) & 15], K((t) + (i) + 6)));             \
        ROUND(b, c, d, e, f, g, h, a, _mm512_add_epi32((w)[((i) + 7) & 15], K((t) + (i) + 7)));             \
    } while (0)

/* Message words i..i+7 (mod 16) of the next 16: word t from words t-16..t-2. */
#define SCHEDULE8(w, i)                                                                                      \
    do                                                                                                       \
    {                                                                                                        \
        SCHEDULE(w, (i) + 0); SCHEDULE(w, (i) + 1); SCHEDULE(w, (i) + 2); SCHEDULE(w, (i) + 3);             \
        SCHEDULE(w, (i) + 4); SCHEDULE(w, (i) + 5); SCHEDULE(w, (i) + 6); SCHEDULE(w, (i) + 7);             \
    } while (0)

/*
 * 64 rounds of one block for one group, out of line so that every caller shares one copy of the code.
 * The body covers 16 rounds, so the message-word indices are constants and the words stay in
 * registers; three trips of it after the first 16 rounds make the 64.
 */
AVX512_TARGET __attribute__((noinline)) static void rounds_one(__m512i v[8], __m512i w[16])
{
    __m512i a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
    ROUNDS8(a, b, c, d, e, f, g, h, w, 0, 0);
    ROUNDS8(a, b, c, d, e, f, g, h, w, 0, 8);
    for (int t = 16; t < 64; t += 16)
    {
        SCHEDULE8(w, 0);
        ROUNDS8(a, b, c, d, e, f, g, h, w, t, 0);
        SCHEDULE8(w, 8);
        ROUNDS8(a, b, c, d, e, f, g, h, w, t, 8);
    }
    v[0] = a; v[1] = b; v[2] = c; v[3] = d; v[4] = e; v[5] = f; v[6] = g; v[7] = h;
}

/* The same for two groups whose rounds interleave: one group's dependency chain hides the other's. */
AVX512_TARGET __attribute__((noinline)) static void rounds_two(__m512i v0[8], __m512i w0[16], __m512i v1[8], __m512i w1[16])
{
    __m512i a0 = v0[0], b0 = v0[1], c0 = v0[2], d0 = v0[3], e0 = v0[4], f0 = v0[5], g0 = v0[6], h0 = v0[7];
    __m512i a1 = v1[0], b1 = v1[1], c1 = v1[2], d1 = v1[3], e1 = v1[4], f1 = v1[5], g1 = v1[6], h1 = v1[7];
    ROUNDS8(a0, b0, c0, d0, e0, f0, g0, h0, w0, 0, 0);
    ROUNDS8(a1, b1, c1, d1, e1, f1, g1, h1, w1, 0, 0);
    ROUNDS8(a0, b0, c0, d0, e0, f0, g0, h0, w0, 0, 8);
    ROUNDS8(a1, b1, c1, d1, e1, f1, g1, h1, w1, 0, 8);
    for (int t = 16; t < 64; t += 16)
    {
        SCHEDULE8(w0, 0);
        SCHEDULE8(w1, 0);
        ROUNDS8(a0, b0, c0, d0, e0, f0, g0, h0, w0, t, 0);
        ROUNDS8(a1, b1, c1, d1, e1, f1, g1, h1, w1, t, 0);
        SCHEDULE8(w0, 8);
        SCHEDULE8(w1, 8);
        ROUNDS8(a0, b0, c0, d0, e0, f0, g0, h0, w0, t, 8);
        ROUNDS8(a1, b1, c1, d1, e1, f1, g1, h1, w1, t, 8);
    }
    v0[0] = a0; v0[1] = b0; v0[2] = c0; v0[3] = d0; v0[4] = e0; v0[5] = f0; v0[6] = g0; v0[7] = h0;
    v1[0] = a1; v1[1] = b1; v1[2] = c1; v1[3] = d1; v1[4] = e1; v1[5] = f1; v1[6] = g1; v1[7] = h1;
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
        rounds_one(v, w);
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
        rounds_two(v0, w0, v1, w1);
        masked_add(&s0, v0, active(counts, first, 16, block));
        masked_add(&s1, v1, active(counts, first + 16, lanes1, block));
    }
    store_states(&s0, states, first, 16);
    store_states(&s1, states, first + 16, lanes1);
}

/*
 * Fewest lanes worth a 16-lane group: below this a group of mostly idle lanes costs more than SHA-NI
 * compressing them one pair at a time, so such leftovers go to SHA-NI when the CPU has it.
 */
#define MIN_GROUP_LANES 9

static int small_groups_to_shani(void)
{
    return (amfkeys_cpu_features() & (AMFKEYS_CPU_SHANI | AMFKEYS_CPU_SSE41)) == (AMFKEYS_CPU_SHANI | AMFKEYS_CPU_SSE41);
}

/*
 * How to cut `lanes` lanes: returns the lanes taken by 16-lane groups from the start (pairs of groups
 * where two groups are worth it), leaving the rest for SHA-NI.
 */
static int group_lanes(int lanes, int shani)
{
    const int min = shani ? MIN_GROUP_LANES : 1;
    const int whole = lanes / 16 * 16;
    return lanes - whole >= min ? lanes : whole;
}

void amfkeys_compress_avx512(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts)
{
    const int shani = small_groups_to_shani();
    const int grouped = group_lanes(lanes, shani);
    int first = 0;
    for (; grouped - first > 16; first += 32)
    {
        compress_pair(states, blocks, counts, first, grouped - first < 32 ? grouped - first : 32);
    }
    if (first < grouped)
    {
        compress_group(states, blocks, counts, first, grouped - first);
    }
    if (grouped < lanes)
    {
        amfkeys_compress_shani(lanes - grouped, states + grouped, blocks + grouped, counts + grouped);
    }
}

/* The outer hash's message: the inner digest, 0x80, zeros, and the 768-bit length. */
AVX512_TARGET static inline void outer_words(__m512i w[16], const lanes16 *inner)
{
    w[0] = inner->a; w[1] = inner->b; w[2] = inner->c; w[3] = inner->d;
    w[4] = inner->e; w[5] = inner->f; w[6] = inner->g; w[7] = inner->h;
    w[8] = _mm512_set1_epi32((int)0x80000000u);
    for (int i = 9; i < 15; i++)
    {
        w[i] = _mm512_setzero_si512();
    }
    w[15] = _mm512_set1_epi32((64 + 32) * 8);
}

/*
 * Lanes' keys as columns: k[0..7] the inner chaining values a..h of 16 lanes, k[8..15] the outer ones.
 * A schedule is one 64-octet row per lane, transposed (faster than 16 gathers). A raw key is read
 * with a byte mask, so octets past its length count as zeros, and its pads are compressed here from
 * the IV, ipad and opad blocks interleaved: they never exist outside registers and this stack frame.
 */
AVX512_TARGET static void load_keys(__m512i k[16], const uint8_t *const *keys, const int *key_lengths, int first, int lanes)
{
    const __m512i zero = _mm512_setzero_si512();
    __mmask16 raw = 0;
    for (int i = 0; i < 16; i++)
    {
        const int scheduled = i < lanes && key_lengths[first + i] == AMFKEYS_KEY_SCHEDULE;
        k[i] = scheduled ? _mm512_loadu_si512(keys[first + i]) : zero;
        if (i < lanes && !scheduled)
        {
            raw |= (__mmask16)(1u << i);
        }
    }
    transpose16(k);
    if (raw == 0)
    {
        return;
    }
    const __m512i bswap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
    __m512i ipad[16], opad[16], inner[8], outer[8];
    for (int i = 0; i < 16; i++)
    {
        __m512i key = zero;
        if (raw & (1u << i))
        {
            const int length = key_lengths[first + i];
            key = _mm512_maskz_loadu_epi8(length >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << length) - 1, keys[first + i]);
        }
        ipad[i] = _mm512_shuffle_epi8(_mm512_xor_si512(key, _mm512_set1_epi8(0x36)), bswap);
        opad[i] = _mm512_shuffle_epi8(_mm512_xor_si512(key, _mm512_set1_epi8(0x5c)), bswap);
    }
    transpose16(ipad);
    transpose16(opad);
    for (int j = 0; j < 8; j++)
    {
        inner[j] = outer[j] = _mm512_set1_epi32((int)amfkeys_sha256_iv[j]);
    }
    rounds_two(inner, ipad, outer, opad);
    for (int j = 0; j < 8; j++)
    {
        const __m512i iv = _mm512_set1_epi32((int)amfkeys_sha256_iv[j]);
        k[j] = _mm512_mask_add_epi32(k[j], raw, iv, inner[j]);
        k[8 + j] = _mm512_mask_add_epi32(k[8 + j], raw, iv, outer[j]);
    }
    amfkeys_wipe(ipad, sizeof(ipad));
    amfkeys_wipe(opad, sizeof(opad));
    amfkeys_wipe(inner, sizeof(inner));
    amfkeys_wipe(outer, sizeof(outer));
}

AVX512_TARGET static inline void from_words(lanes16 *s, const __m512i v[8])
{
    s->a = v[0]; s->b = v[1]; s->c = v[2]; s->d = v[3];
    s->e = v[4]; s->f = v[5]; s->g = v[6]; s->h = v[7];
}

/* Lanes c, 4 + c, 8 + c and 12 + c: 128-bit block q of `low` and of `high` are the two halves of lane 4q + c. */
AVX512_TARGET static inline void store_mac_quartet(__m512i low, __m512i high, uint8_t *const *macs, int first, int lanes, int c)
{
    /* [low.q0, low.q1, high.q0, high.q1] reordered to [low.q0, high.q0, low.q1, high.q1]: two whole MACs. */
    const __m512i pairs01 = _mm512_shuffle_i32x4(low, high, 0x44);
    const __m512i pairs23 = _mm512_shuffle_i32x4(low, high, 0xEE);
    const __m512i lanes01 = _mm512_shuffle_i32x4(pairs01, pairs01, 0xD8);
    const __m512i lanes23 = _mm512_shuffle_i32x4(pairs23, pairs23, 0xD8);
    if (c < lanes)
    {
        _mm256_storeu_si256((__m256i *)macs[first + c], _mm512_castsi512_si256(lanes01));
    }
    if (4 + c < lanes)
    {
        _mm256_storeu_si256((__m256i *)macs[first + 4 + c], _mm512_extracti64x4_epi64(lanes01, 1));
    }
    if (8 + c < lanes)
    {
        _mm256_storeu_si256((__m256i *)macs[first + 8 + c], _mm512_castsi512_si256(lanes23));
    }
    if (12 + c < lanes)
    {
        _mm256_storeu_si256((__m256i *)macs[first + 12 + c], _mm512_extracti64x4_epi64(lanes23, 1));
    }
}

/*
 * Each lane's MAC, big-endian, to macs[first + lane]: words a..h of 16 lanes turned into 16 rows of 8
 * words in registers (pairs of words interleaved, then pairs of pairs, then 128-bit blocks), one store
 * per lane. No array: an array here would only put a copy of the MACs on the stack, to be wiped.
 */
AVX512_TARGET static inline void store_macs(const lanes16 *s, uint8_t *const *macs, int first, int lanes)
{
    const __m512i bswap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
    const __m512i a = _mm512_shuffle_epi8(s->a, bswap), b = _mm512_shuffle_epi8(s->b, bswap);
    const __m512i c = _mm512_shuffle_epi8(s->c, bswap), d = _mm512_shuffle_epi8(s->d, bswap);
    const __m512i e = _mm512_shuffle_epi8(s->e, bswap), f = _mm512_shuffle_epi8(s->f, bswap);
    const __m512i g = _mm512_shuffle_epi8(s->g, bswap), h = _mm512_shuffle_epi8(s->h, bswap);
    /* Block q: ab0 = [a, b of lane 4q, a, b of lane 4q + 1], ab1 the same for lanes 4q + 2 and 4q + 3. */
    const __m512i ab0 = _mm512_unpacklo_epi32(a, b), ab1 = _mm512_unpackhi_epi32(a, b);
    const __m512i cd0 = _mm512_unpacklo_epi32(c, d), cd1 = _mm512_unpackhi_epi32(c, d);
    const __m512i ef0 = _mm512_unpacklo_epi32(e, f), ef1 = _mm512_unpackhi_epi32(e, f);
    const __m512i gh0 = _mm512_unpacklo_epi32(g, h), gh1 = _mm512_unpackhi_epi32(g, h);
    /* Block q of the n-th pair: words a..d and e..h of lane 4q + n. */
    store_mac_quartet(_mm512_unpacklo_epi64(ab0, cd0), _mm512_unpacklo_epi64(ef0, gh0), macs, first, lanes, 0);
    store_mac_quartet(_mm512_unpackhi_epi64(ab0, cd0), _mm512_unpackhi_epi64(ef0, gh0), macs, first, lanes, 1);
    store_mac_quartet(_mm512_unpacklo_epi64(ab1, cd1), _mm512_unpacklo_epi64(ef1, gh1), macs, first, lanes, 2);
    store_mac_quartet(_mm512_unpackhi_epi64(ab1, cd1), _mm512_unpackhi_epi64(ef1, gh1), macs, first, lanes, 3);
}

/*
 * HMAC for up to two groups (lanes first.. first+lanes-1): inner blocks, then the outer block built in
 * registers from the inner digest, which never leaves them.
 */
AVX512_TARGET static void hmac_groups(const uint8_t *const *keys, const int *key_lengths, const uint8_t *const *messages,
    const int *lengths, uint8_t *const *macs, int first, int lanes)
{
    int counts[32]; /* blocks of each lane's S, from lane `first` */
    for (int i = 0; i < lanes; i++)
    {
        counts[i] = amfkeys_message_blocks(lengths[first + i]);
    }
    const int lanes0 = lanes < 16 ? lanes : 16;
    const int lanes1 = lanes - lanes0;
    lanes16 s0, s1;
    __m512i k0[16], v0[8], w0[16], k1[16], v1[8], w1[16];
    load_keys(k0, keys, key_lengths, first, lanes0);
    from_words(&s0, k0);
    const int max0 = max_count(counts, 0, lanes0);
    if (lanes1 > 0)
    {
        load_keys(k1, keys, key_lengths, first + 16, lanes1);
        from_words(&s1, k1);
        const int max1 = max_count(counts, 16, lanes1);
        const int blocks_max = max0 > max1 ? max0 : max1;
        for (int block = 0; block < blocks_max; block++)
        {
            load_message_words(w0, messages, lengths, first, lanes0, block);
            load_message_words(w1, messages, lengths, first + 16, lanes1, block);
            to_array(&s0, v0);
            to_array(&s1, v1);
            rounds_two(v0, w0, v1, w1);
            masked_add(&s0, v0, active(counts, 0, lanes0, block));
            masked_add(&s1, v1, active(counts, 16, lanes1, block));
        }
        outer_words(w0, &s0);
        outer_words(w1, &s1);
        from_words(&s0, k0 + 8);
        from_words(&s1, k1 + 8);
        to_array(&s0, v0);
        to_array(&s1, v1);
        rounds_two(v0, w0, v1, w1);
        masked_add(&s0, v0, 0xFFFF);
        masked_add(&s1, v1, 0xFFFF);
        store_macs(&s0, macs, first, lanes0);
        store_macs(&s1, macs, first + 16, lanes1);
        amfkeys_wipe(k1, sizeof(k1));
        amfkeys_wipe(v1, sizeof(v1));
        amfkeys_wipe(w1, sizeof(w1));
    }
    else
    {
        for (int block = 0; block < max0; block++)
        {
            load_message_words(w0, messages, lengths, first, lanes0, block);
            to_array(&s0, v0);
            rounds_one(v0, w0);
            masked_add(&s0, v0, active(counts, 0, lanes0, block));
        }
        outer_words(w0, &s0);
        from_words(&s0, k0 + 8);
        to_array(&s0, v0);
        rounds_one(v0, w0);
        masked_add(&s0, v0, 0xFFFF);
        store_macs(&s0, macs, first, lanes0);
    }
    amfkeys_wipe(k0, sizeof(k0));
    amfkeys_wipe(v0, sizeof(v0));
    amfkeys_wipe(w0, sizeof(w0));
}

/*
 * How a chunk of up to 32 lanes is computed when the CPU has SHA-NI as well: 16-lane groups (two
 * interleaved when there are more than 16 lanes), SHA-NI pairs, or one group of 16 and SHA-NI for the
 * rest. Which is fastest depends on the chunk's size, on whether its keys are schedules or raw keys
 * (a raw key costs two more compressions, which the groups run 16 at a time), and on the machine:
 * amfkeys_calibrate() measures every case at load. Until then, groups from 9 lanes.
 */
enum chunk_plan
{
    PLAN_GROUPS = 0,
    PLAN_SHANI = 1,
    PLAN_GROUP_AND_SHANI = 2,
};

#define CHUNK 32
#define MODE_SCHEDULE 0
#define MODE_RAW_KEY 1
#define MODE_RAW_KEY_PAIRS 2
#define MODES 3

static volatile uint8_t plans[MODES][CHUNK + 1];
static volatile int calibrated;

static int default_plan(int lanes)
{
    return lanes >= 16 + 9 || (lanes <= 16 && lanes >= 9) ? PLAN_GROUPS
        : lanes > 16 ? PLAN_GROUP_AND_SHANI : PLAN_SHANI;
}

static void run_chunk(int plan, const uint8_t *const *keys, const int *key_lengths, const uint8_t *const *messages,
    const int *lengths, uint8_t *const *macs, int lanes)
{
    if (plan == PLAN_SHANI)
    {
        amfkeys_hmac_shani(lanes, keys, key_lengths, messages, lengths, macs);
        return;
    }
    const int grouped = plan == PLAN_GROUPS || lanes < 16 ? lanes : 16;
    hmac_groups(keys, key_lengths, messages, lengths, macs, 0, grouped);
    if (grouped < lanes)
    {
        amfkeys_hmac_shani(lanes - grouped, keys + grouped, key_lengths + grouped, messages + grouped,
            lengths + grouped, macs + grouped);
    }
}

/*
 * The kind of work a chunk is: mostly key schedules; mostly distinct raw keys; or raw keys that repeat
 * the key before them at least half the time, whose schedules the SHA-NI kernel computes once per run
 * of equal keys (the rule of amfkeys_hmac_shani).
 */
static int chunk_mode(const uint8_t *const *keys, const int *key_lengths, int n)
{
    int raw = 0;
    for (int i = 0; i < n; i++)
    {
        raw += key_lengths[i] != AMFKEYS_KEY_SCHEDULE;
    }
    if (2 * raw <= n)
    {
        return MODE_SCHEDULE;
    }
    int repeated = 0;
    for (int i = 1; i < n; i++)
    {
        repeated += key_lengths[i] != AMFKEYS_KEY_SCHEDULE && key_lengths[i - 1] == key_lengths[i] &&
            amfkeys_same_key(keys[i - 1], keys[i], key_lengths[i]);
    }
    return 2 * repeated >= raw ? MODE_RAW_KEY_PAIRS : MODE_RAW_KEY;
}

void amfkeys_hmac_avx512(int lanes, const uint8_t *const *keys, const int *key_lengths,
    const uint8_t *const *messages, const int *lengths, uint8_t *const *macs)
{
    const int shani = small_groups_to_shani();
    for (int first = 0; first < lanes; first += CHUNK)
    {
        const int n = lanes - first < CHUNK ? lanes - first : CHUNK;
        const int forced = amfkeys_plan_override();
        const int plan = !shani ? PLAN_GROUPS : forced >= 0 ? forced
            : calibrated ? plans[chunk_mode(keys + first, key_lengths + first, n)][n] : default_plan(n);
        run_chunk(plan, keys + first, key_lengths + first, messages + first, lengths + first, macs + first, n);
    }
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* One timing of a plan on `lanes` lanes: a few calls, so that the clock's own cost is small beside them. */
static uint64_t time_plan(int plan, const uint8_t *const *keys, const int *key_lengths, const uint8_t *const *messages,
    const int *lengths, uint8_t *const *macs, int lanes)
{
    const uint64_t start = now_ns();
    for (int call = 0; call < 4; call++)
    {
        run_chunk(plan, keys, key_lengths, messages, lengths, macs, lanes);
    }
    return now_ns() - start;
}

/*
 * The fastest plan on `lanes` lanes: each plan's best of several timings, the plans' timings taken in
 * turn, so that a stretch when the rest of the machine slows this core (a host taking the vCPU away,
 * another thread's burst) falls on every plan alike rather than on all the timings of one of them.
 */
static int fastest_plan(const uint8_t *const *keys, const int *key_lengths, const uint8_t *const *messages,
    const int *lengths, uint8_t *const *macs, int lanes)
{
    static const int candidates[] = {PLAN_GROUPS, PLAN_SHANI, PLAN_GROUP_AND_SHANI};
    const int count = lanes > 16 ? 3 : 2;
    uint64_t best[3] = {UINT64_MAX, UINT64_MAX, UINT64_MAX};
    for (int trial = 0; trial < 9; trial++)
    {
        for (int c = 0; c < count; c++)
        {
            const uint64_t elapsed = time_plan(candidates[c], keys, key_lengths, messages, lengths, macs, lanes);
            best[c] = elapsed < best[c] ? elapsed : best[c];
        }
    }
    int fastest = 0;
    for (int c = 1; c < count; c++)
    {
        fastest = best[c] < best[fastest] ? c : fastest;
    }
    return candidates[fastest];
}

int amfkeys_calibrate(void)
{
    if (!small_groups_to_shani() || !amfkeys_kernel_supported(AMFKEYS_KERNEL_AVX512))
    {
        return 0;
    }
    amfkeys_clear_upper();
    /* Typical 3GPP S (one block), keys of 32 octets; the values do not matter, only the work. */
    uint8_t key_area[CHUNK][64];
    uint8_t message_area[CHUNK][32];
    uint8_t mac_area[CHUNK][32];
    const uint8_t *keys[CHUNK];
    const uint8_t *messages[CHUNK];
    uint8_t *macs[CHUNK];
    int key_lengths[CHUNK];
    int lengths[CHUNK];
    for (int i = 0; i < CHUNK; i++)
    {
        for (int j = 0; j < 64; j++)
        {
            key_area[i][j] = (uint8_t)(31 * i + 7 * j + 1);
        }
        memset(message_area[i], i, sizeof(message_area[i]));
        keys[i] = key_area[i];
        messages[i] = message_area[i];
        macs[i] = mac_area[i];
        lengths[i] = 16;
    }
    uint8_t chosen[MODES][CHUNK + 1];
    for (int mode = MODE_SCHEDULE; mode < MODES; mode++)
    {
        for (int i = 0; i < CHUNK; i++)
        {
            key_lengths[i] = mode == MODE_SCHEDULE ? AMFKEYS_KEY_SCHEDULE : 32;
            keys[i] = key_area[mode == MODE_RAW_KEY_PAIRS ? i & ~1 : i];
        }
        chosen[mode][0] = PLAN_SHANI;
        for (int n = 1; n <= CHUNK; n++)
        {
            const int best = fastest_plan(keys, key_lengths, messages, lengths, macs, n);
            chosen[mode][n] = (uint8_t)best;
        }
    }
    for (int mode = MODE_SCHEDULE; mode < MODES; mode++)
    {
        for (int n = 0; n <= CHUNK; n++)
        {
            plans[mode][n] = chosen[mode][n];
        }
    }
    calibrated = 1;
    amfkeys_wipe(mac_area, sizeof(mac_area));
    return 1;
}

int amfkeys_calibration(int32_t *values, int capacity)
{
    for (int mode = MODE_SCHEDULE; mode < MODES; mode++)
    {
        for (int n = 1; n <= CHUNK; n++)
        {
            const int at = mode * CHUNK + n - 1;
            if (at < capacity)
            {
                values[at] = calibrated ? plans[mode][n] : default_plan(n);
            }
        }
    }
    return MODES * CHUNK;
}

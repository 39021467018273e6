/*
 * SHA-NI kernel: the x86 SHA extensions, one block per sha256rnds2 chain. A single stream is bound by
 * the instruction's latency, so two independent lanes are interleaved to fill the pipeline.
 */
#include "amfkeys_native.h"

#include <immintrin.h>
#include <string.h>

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

/* 64 rounds of one block whose first 16 message words are m[0..3] (m is overwritten by the schedule). */
SHANI_TARGET static inline void block_rounds(__m128i *abef, __m128i *cdgh, __m128i m[4])
{
    const __m128i abef0 = *abef, cdgh0 = *cdgh;
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++)
    {
        if (i >= 4)
        {
            SCHEDULE(m, i);
        }
        ROUNDS4(*abef, *cdgh, m[i & 3], i);
    }
    *abef = _mm_add_epi32(*abef, abef0);
    *cdgh = _mm_add_epi32(*cdgh, cdgh0);
}

/* A block's message words, big-endian to native. */
SHANI_TARGET static inline void load_block(__m128i m[4], const uint8_t *block)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    for (int i = 0; i < 4; i++)
    {
        m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * i)), bswap);
    }
}

SHANI_TARGET static void compress_one(uint32_t state[8], const uint8_t *block, int count)
{
    __m128i abef, cdgh;
    load_state(state, &abef, &cdgh);
    for (int b = 0; b < count; b++, block += 64)
    {
        __m128i m[4];
        load_block(m, block);
        block_rounds(&abef, &cdgh, m);
    }
    store_state(state, abef, cdgh);
}

/* 64 rounds of one block for each of two lanes, their round chains interleaved. */
SHANI_TARGET static inline void block_rounds_two(__m128i *abef0, __m128i *cdgh0, __m128i m0[4],
    __m128i *abef1, __m128i *cdgh1, __m128i m1[4])
{
    const __m128i save_abef0 = *abef0, save_cdgh0 = *cdgh0, save_abef1 = *abef1, save_cdgh1 = *cdgh1;
#pragma GCC unroll 16
    for (int i = 0; i < 16; i++)
    {
        if (i >= 4)
        {
            SCHEDULE(m0, i);
            SCHEDULE(m1, i);
        }
        ROUNDS4(*abef0, *cdgh0, m0[i & 3], i);
        ROUNDS4(*abef1, *cdgh1, m1[i & 3], i);
    }
    *abef0 = _mm_add_epi32(*abef0, save_abef0);
    *cdgh0 = _mm_add_epi32(*cdgh0, save_cdgh0);
    *abef1 = _mm_add_epi32(*abef1, save_abef1);
    *cdgh1 = _mm_add_epi32(*cdgh1, save_cdgh1);
}

/* Two lanes, the same number of blocks each, their round chains interleaved. */
SHANI_TARGET static void compress_two(uint32_t s0[8], const uint8_t *p0, uint32_t s1[8], const uint8_t *p1, int count)
{
    __m128i abef0, cdgh0, abef1, cdgh1;
    load_state(s0, &abef0, &cdgh0);
    load_state(s1, &abef1, &cdgh1);
    for (int b = 0; b < count; b++, p0 += 64, p1 += 64)
    {
        __m128i m0[4], m1[4];
        load_block(m0, p0);
        load_block(m1, p1);
        block_rounds_two(&abef0, &cdgh0, m0, &abef1, &cdgh1, m1);
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

/*
 * Octets p[0..n), 0 <= n <= 16, in a vector's first n octets and zeros after, without reading outside
 * p[0..n): two overlapping loads of 8 (or 4) octets, then a shuffle that moves the second into place.
 */
SHANI_TARGET static inline __m128i load_partial(const uint8_t *p, int n)
{
    if (n >= 16)
    {
        return _mm_loadu_si128((const __m128i *)p);
    }
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m128i v;
    int half;
    if (n >= 8)
    {
        v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)p), _mm_loadl_epi64((const __m128i *)(p + n - 8)));
        half = 8;
    }
    else if (n >= 4)
    {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        v = _mm_cvtsi32_si128((int)lo);
        v = _mm_insert_epi32(v, (int)hi, 1);
        half = 4;
    }
    else
    {
        uint32_t x = 0;
        for (int i = 0; i < n; i++)
        {
            x |= (uint32_t)p[i] << (8 * i);
        }
        v = _mm_cvtsi32_si128((int)x);
        half = 16;
    }
    /* Octet j < half comes from j; octet half <= j < n from the second load, at j + 2 * half - n. */
    const __m128i second = _mm_cmpgt_epi8(iota, _mm_set1_epi8((char)(half - 1)));
    __m128i index = _mm_add_epi8(iota, _mm_and_si128(second, _mm_set1_epi8((char)(2 * half - n))));
    const __m128i past = _mm_cmpgt_epi8(iota, _mm_set1_epi8((char)(n - 1)));
    index = _mm_or_si128(index, past); /* an index with its top bit set gives a zero octet */
    return _mm_shuffle_epi8(v, index);
}

/*
 * Block b (0 or 1) of the padded tail: the `rest` (< 64) octets at p, 0x80, zeros; the caller adds the
 * length. Built in registers: a tail stored octet by octet and loaded back as words would wait for
 * the store buffer, which costs more than the shuffles.
 */
SHANI_TARGET static inline void load_tail_block(__m128i m[4], const uint8_t *p, int rest, int b)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int i = 0; i < 4; i++)
    {
        const int at = 64 * b + 16 * i;
        const int n = rest - at;
        __m128i v = _mm_setzero_si128();
        if (n > 0)
        {
            v = load_partial(p + at, n > 16 ? 16 : n);
        }
        if (n >= 0 && n < 16)
        {
            v = _mm_or_si128(v, _mm_and_si128(_mm_cmpeq_epi8(iota, _mm_set1_epi8((char)n)), _mm_set1_epi8((char)0x80)));
        }
        m[i] = _mm_shuffle_epi8(v, bswap);
    }
}

/* Block b of S padded as it is hashed after the ipad block: whole blocks as they are, then the tail. */
SHANI_TARGET static inline void load_message_block(__m128i m[4], const uint8_t *message, int length, int b)
{
    const int whole = length / 64;
    if (b < whole)
    {
        load_block(m, message + 64 * b);
        return;
    }
    load_tail_block(m, message + 64 * whole, length % 64, b - whole);
    if (b == amfkeys_message_blocks(length) - 1)
    {
        const uint64_t bits = (uint64_t)(64 + length) * 8;
        m[3] = _mm_insert_epi32(_mm_insert_epi32(m[3], (int)(bits >> 32), 2), (int)bits, 3);
    }
}

/* The outer block from the inner digest (A..H in abef/cdgh): the digest, 0x80, zeros, 768 bits. */
SHANI_TARGET static inline void outer_block(__m128i m[4], __m128i abef, __m128i cdgh)
{
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    m[0] = _mm_blend_epi16(feba, dchg, 0xF0);
    m[1] = _mm_alignr_epi8(dchg, feba, 8);
    m[2] = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
    m[3] = _mm_set_epi32((64 + 32) * 8, 0, 0, 0);
}

SHANI_TARGET static inline void store_mac(uint8_t mac[32], __m128i abef, __m128i cdgh)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)mac, _mm_shuffle_epi8(_mm_blend_epi16(feba, dchg, 0xF0), bswap));
    _mm_storeu_si128((__m128i *)(mac + 16), _mm_shuffle_epi8(_mm_alignr_epi8(dchg, feba, 8), bswap));
}

/*
 * One HMAC from a key schedule with the chaining value in registers throughout: S's padded tail is
 * built in registers and the inner digest becomes the outer block by shuffles, so nothing is stored
 * and loaded back (a reload of octets just stored one by one waits for the store buffer) and nothing
 * key-derived is left in memory but the MAC.
 */
SHANI_TARGET void amfkeys_hmac_one_shani(const uint8_t schedule[64], const uint8_t *message, int length, uint8_t mac[32])
{
    __m128i abef, cdgh, m[4];
    load_state((const uint32_t *)schedule, &abef, &cdgh);
    const int blocks = amfkeys_message_blocks(length);
    for (int b = 0; b < blocks; b++)
    {
        load_message_block(m, message, length, b);
        block_rounds(&abef, &cdgh, m);
    }
    outer_block(m, abef, cdgh);
    load_state((const uint32_t *)(schedule + 32), &abef, &cdgh);
    block_rounds(&abef, &cdgh, m);
    store_mac(mac, abef, cdgh);
}

/* Two HMACs as amfkeys_hmac_one_shani, their round chains interleaved while both have blocks left. */
SHANI_TARGET static void hmac_two(const uint8_t *schedule0, const uint8_t *message0, int length0, uint8_t *mac0,
    const uint8_t *schedule1, const uint8_t *message1, int length1, uint8_t *mac1)
{
    __m128i abef0, cdgh0, abef1, cdgh1, m0[4], m1[4];
    load_state((const uint32_t *)schedule0, &abef0, &cdgh0);
    load_state((const uint32_t *)schedule1, &abef1, &cdgh1);
    const int blocks0 = amfkeys_message_blocks(length0);
    const int blocks1 = amfkeys_message_blocks(length1);
    const int common = blocks0 < blocks1 ? blocks0 : blocks1;
    for (int b = 0; b < common; b++)
    {
        load_message_block(m0, message0, length0, b);
        load_message_block(m1, message1, length1, b);
        block_rounds_two(&abef0, &cdgh0, m0, &abef1, &cdgh1, m1);
    }
    for (int b = common; b < blocks0; b++)
    {
        load_message_block(m0, message0, length0, b);
        block_rounds(&abef0, &cdgh0, m0);
    }
    for (int b = common; b < blocks1; b++)
    {
        load_message_block(m1, message1, length1, b);
        block_rounds(&abef1, &cdgh1, m1);
    }
    outer_block(m0, abef0, cdgh0);
    outer_block(m1, abef1, cdgh1);
    load_state((const uint32_t *)(schedule0 + 32), &abef0, &cdgh0);
    load_state((const uint32_t *)(schedule1 + 32), &abef1, &cdgh1);
    block_rounds_two(&abef0, &cdgh0, m0, &abef1, &cdgh1, m1);
    store_mac(mac0, abef0, cdgh0);
    store_mac(mac1, abef1, cdgh1);
}

/* Two HMACs under one schedule, interleaved (the NAS SMC's two keys from one KAMF). */
void amfkeys_hmac_pair_shani(const uint8_t schedule[64], const uint8_t *first, int first_length, uint8_t first_mac[32],
    const uint8_t *second, int second_length, uint8_t second_mac[32])
{
    hmac_two(schedule, first, first_length, first_mac, schedule, second, second_length, second_mac);
}

/*
 * A key's schedule (the chaining values after the ipad and the opad block, 0 <= length <= 64), both
 * blocks built in registers from the key and compressed interleaved: the pads never exist in memory.
 */
SHANI_TARGET void amfkeys_schedule_shani(const uint8_t *key, int length, uint8_t schedule[64])
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i inner[4], outer[4];
    for (int i = 0; i < 4; i++)
    {
        const int n = length - 16 * i;
        const __m128i k = n > 0 ? load_partial(key + 16 * i, n > 16 ? 16 : n) : _mm_setzero_si128();
        inner[i] = _mm_shuffle_epi8(_mm_xor_si128(k, _mm_set1_epi8(0x36)), bswap);
        outer[i] = _mm_shuffle_epi8(_mm_xor_si128(k, _mm_set1_epi8(0x5c)), bswap);
    }
    __m128i abef0, cdgh0, abef1, cdgh1;
    load_state(amfkeys_sha256_iv, &abef0, &cdgh0);
    load_state(amfkeys_sha256_iv, &abef1, &cdgh1);
    block_rounds_two(&abef0, &cdgh0, inner, &abef1, &cdgh1, outer);
    store_state((uint32_t *)schedule, abef0, cdgh0);
    store_state((uint32_t *)(schedule + 32), abef1, cdgh1);
}

int amfkeys_same_key(const uint8_t *a, const uint8_t *b, int length)
{
    uint64_t difference = 0;
    int i = 0;
    for (; i + 8 <= length; i += 8)
    {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        difference |= x ^ y;
    }
    for (; i < length; i++)
    {
        difference |= (uint64_t)(a[i] ^ b[i]);
    }
    return difference == 0;
}

/*
 * The fused HMAC of amfkeys_kernel.hmac on SHA-NI: lanes in pairs (hmac_two), a raw key's schedule
 * computed first into a buffer that is wiped before return. A raw key equal to the key before it (3GPP
 * derives in pairs from one key: RES* and KAUSF from CK || IK, the NAS or AS encryption and integrity
 * keys from one KAMF or KgNB; a simulation computes both sides' equal keys side by side) takes that
 * key's schedule instead of computing it again: two compressions fewer, the same MACs.
 */
void amfkeys_hmac_shani(int lanes, const uint8_t *const *keys, const int *key_lengths,
    const uint8_t *const *messages, const int *lengths, uint8_t *const *macs)
{
    uint8_t computed[2][64];
    int raw = 0;
    /* The schedule of the lane before, while it is a raw key's in `computed`: the next lane may reuse it. */
    const uint8_t *previous = NULL;
    for (int lane = 0; lane < lanes; lane += 2)
    {
        const int pair = lane + 1 < lanes;
        const uint8_t *schedule[2];
        for (int i = 0; i <= pair; i++)
        {
            const int at = lane + i;
            schedule[i] = keys[at];
            if (key_lengths[at] == AMFKEYS_KEY_SCHEDULE)
            {
                previous = NULL;
                continue;
            }
            if (previous != NULL && key_lengths[at - 1] == key_lengths[at] &&
                amfkeys_same_key(keys[at - 1], keys[at], key_lengths[at]))
            {
                schedule[i] = previous;
                continue;
            }
            /* A pair's second lane must not overwrite the schedule its first lane uses. */
            uint8_t *into = i == 1 && schedule[0] == computed[0] ? computed[1] : computed[0];
            amfkeys_schedule_shani(keys[at], key_lengths[at], into);
            schedule[i] = into;
            previous = into;
            raw = 1;
        }
        if (pair)
        {
            hmac_two(schedule[0], messages[lane], lengths[lane], macs[lane],
                schedule[1], messages[lane + 1], lengths[lane + 1], macs[lane + 1]);
        }
        else
        {
            amfkeys_hmac_one_shani(schedule[0], messages[lane], lengths[lane], macs[lane]);
        }
    }
    if (raw)
    {
        amfkeys_wipe(computed, sizeof(computed));
    }
}

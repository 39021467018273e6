/*
 * AES-128 encryption on AES-NI: MILENAGE's kernel. Only encryption is needed (MILENAGE never
 * decrypts), so there are no inverse round keys. Compiled for AES-NI by function attribute; called
 * only after the CPU reported it.
 */
#include "amfkeys_native.h"

#include <immintrin.h>
#include <openssl/evp.h>
#include <string.h>

#define AES_ROUNDS 10

/* One step of FIPS-197's key expansion: the previous round key, xored into itself shifted by 4, 8
 * and 12 octets, and the broadcast last word of AESKEYGENASSIST. */
__attribute__((target("aes,sse2")))
static inline __m128i expand_step(__m128i key, __m128i assist)
{
    assist = _mm_shuffle_epi32(assist, 0xFF);
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
    return _mm_xor_si128(key, assist);
}

/* AESKEYGENASSIST takes its round constant as an immediate, hence the macro. */
#define EXPAND(previous, rcon) expand_step((previous), _mm_aeskeygenassist_si128((previous), (rcon)))

__attribute__((target("aes,sse2")))
void amfkeys_aes128_expand(const uint8_t key[16], uint8_t round_keys[AMFKEYS_AES_ROUND_KEYS_LENGTH])
{
    __m128i k[AES_ROUNDS + 1];
    k[0] = _mm_loadu_si128((const __m128i *)key);
    k[1] = EXPAND(k[0], 0x01);
    k[2] = EXPAND(k[1], 0x02);
    k[3] = EXPAND(k[2], 0x04);
    k[4] = EXPAND(k[3], 0x08);
    k[5] = EXPAND(k[4], 0x10);
    k[6] = EXPAND(k[5], 0x20);
    k[7] = EXPAND(k[6], 0x40);
    k[8] = EXPAND(k[7], 0x80);
    k[9] = EXPAND(k[8], 0x1B);
    k[10] = EXPAND(k[9], 0x36);
    for (int i = 0; i <= AES_ROUNDS; i++)
    {
        _mm_storeu_si128((__m128i *)(round_keys + 16 * i), k[i]);
    }
    /* The copies on the stack are key material too. */
    amfkeys_wipe(k, sizeof(k));
}

__attribute__((target("aes,sse2")))
void amfkeys_aes128_encrypt(const uint8_t round_keys[AMFKEYS_AES_ROUND_KEYS_LENGTH], const uint8_t *in, uint8_t *out, int blocks)
{
    __m128i k[AES_ROUNDS + 1];
    for (int i = 0; i <= AES_ROUNDS; i++)
    {
        k[i] = _mm_loadu_si128((const __m128i *)(round_keys + 16 * i));
    }
    int b = 0;
    /* Four blocks interleaved: AESENC's latency is several cycles, its throughput one or two per cycle. */
    for (; b + 4 <= blocks; b += 4)
    {
        __m128i x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 16 * b)), k[0]);
        __m128i x1 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 16 * (b + 1))), k[0]);
        __m128i x2 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 16 * (b + 2))), k[0]);
        __m128i x3 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 16 * (b + 3))), k[0]);
        for (int r = 1; r < AES_ROUNDS; r++)
        {
            x0 = _mm_aesenc_si128(x0, k[r]);
            x1 = _mm_aesenc_si128(x1, k[r]);
            x2 = _mm_aesenc_si128(x2, k[r]);
            x3 = _mm_aesenc_si128(x3, k[r]);
        }
        _mm_storeu_si128((__m128i *)(out + 16 * b), _mm_aesenclast_si128(x0, k[AES_ROUNDS]));
        _mm_storeu_si128((__m128i *)(out + 16 * (b + 1)), _mm_aesenclast_si128(x1, k[AES_ROUNDS]));
        _mm_storeu_si128((__m128i *)(out + 16 * (b + 2)), _mm_aesenclast_si128(x2, k[AES_ROUNDS]));
        _mm_storeu_si128((__m128i *)(out + 16 * (b + 3)), _mm_aesenclast_si128(x3, k[AES_ROUNDS]));
    }
    for (; b < blocks; b++)
    {
        __m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(in + 16 * b)), k[0]);
        for (int r = 1; r < AES_ROUNDS; r++)
        {
            x = _mm_aesenc_si128(x, k[r]);
        }
        _mm_storeu_si128((__m128i *)(out + 16 * b), _mm_aesenclast_si128(x, k[AES_ROUNDS]));
    }
    amfkeys_wipe(k, sizeof(k));
}

int amfkeys_openssl_aes128_encrypt(const uint8_t key[16], const uint8_t *in, uint8_t *out, int blocks)
{
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    if (context == NULL)
    {
        return AMFKEYS_ERROR_ARGUMENT;
    }
    int written = 0;
    int ok = EVP_EncryptInit_ex(context, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
        EVP_CIPHER_CTX_set_padding(context, 0) == 1 &&
        EVP_EncryptUpdate(context, out, &written, in, 16 * blocks) == 1 &&
        written == 16 * blocks;
    EVP_CIPHER_CTX_free(context);
    return ok ? 0 : AMFKEYS_ERROR_ARGUMENT;
}

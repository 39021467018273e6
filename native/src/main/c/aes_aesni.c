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

/*
 * MILENAGE for a batch: subscribers four at a time, so that the AES chains of four keys interleave
 * (one subscriber's TEMP, OUT1 and key expansion are each one dependent chain, which alone leaves
 * AES-NI mostly idle). The algorithm's steps are those of org.amfkeys.sim.aka.Milenage, which the
 * tests compare this with.
 */
#define MILENAGE_LANES 4

/* Round key r of every lane from round key r - 1; the round constant is an immediate, hence the macro. */
#define EXPAND_LANES(rk, lanes, r, rcon)                                                          \
    do                                                                                            \
    {                                                                                             \
        for (int j_ = 0; j_ < (lanes); j_++)                                                      \
        {                                                                                         \
            (rk)[j_][r] = EXPAND((rk)[j_][(r) - 1], (rcon));                                      \
        }                                                                                         \
    } while (0)

/* Blocks x[j * per_lane + b] encrypted under lane j's round keys, every chain interleaved. */
__attribute__((target("aes,sse2")))
static inline void encrypt_lanes(__m128i rk[][AES_ROUNDS + 1], __m128i *x, int lanes, int per_lane)
{
    for (int j = 0; j < lanes; j++)
    {
        for (int b = 0; b < per_lane; b++)
        {
            x[j * per_lane + b] = _mm_xor_si128(x[j * per_lane + b], rk[j][0]);
        }
    }
    for (int r = 1; r < AES_ROUNDS; r++)
    {
        for (int j = 0; j < lanes; j++)
        {
            for (int b = 0; b < per_lane; b++)
            {
                x[j * per_lane + b] = _mm_aesenc_si128(x[j * per_lane + b], rk[j][r]);
            }
        }
    }
    for (int j = 0; j < lanes; j++)
    {
        for (int b = 0; b < per_lane; b++)
        {
            x[j * per_lane + b] = _mm_aesenclast_si128(x[j * per_lane + b], rk[j][AES_ROUNDS]);
        }
    }
}

static int32_t read_int32(const uint8_t *p)
{
    int32_t value;
    memcpy(&value, p, sizeof(value));
    return value;
}

static void write_int32(uint8_t *p, int32_t value)
{
    memcpy(p, &value, sizeof(value));
}

__attribute__((target("aes,sse2")))
static void milenage_lanes(uint8_t *records, int lanes)
{
    __m128i rk[MILENAGE_LANES][AES_ROUNDS + 1];
    __m128i opc[MILENAGE_LANES], temp[MILENAGE_LANES], out[MILENAGE_LANES * 4], out1[MILENAGE_LANES];
    for (int j = 0; j < lanes; j++)
    {
        const uint8_t *r = records + (size_t)j * AMFKEYS_MILENAGE_RECORD_LENGTH;
        rk[j][0] = _mm_loadu_si128((const __m128i *)(r + AMFKEYS_MILENAGE_K));
        opc[j] = _mm_loadu_si128((const __m128i *)(r + AMFKEYS_MILENAGE_OPC));
        temp[j] = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r + AMFKEYS_MILENAGE_RAND)), opc[j]);
    }
    EXPAND_LANES(rk, lanes, 1, 0x01);
    EXPAND_LANES(rk, lanes, 2, 0x02);
    EXPAND_LANES(rk, lanes, 3, 0x04);
    EXPAND_LANES(rk, lanes, 4, 0x08);
    EXPAND_LANES(rk, lanes, 5, 0x10);
    EXPAND_LANES(rk, lanes, 6, 0x20);
    EXPAND_LANES(rk, lanes, 7, 0x40);
    EXPAND_LANES(rk, lanes, 8, 0x80);
    EXPAND_LANES(rk, lanes, 9, 0x1B);
    EXPAND_LANES(rk, lanes, 10, 0x36);

    /* TEMP = E_K(RAND xor OPc) */
    encrypt_lanes(rk, temp, lanes, 1);

    /* OUTn = E_K(rot(TEMP xor OPc, rn) xor cn) xor OPc, n = 2..5: r = 0, 32, 64, 96 bits; cn's last octet 1, 2, 4, 8. */
    for (int j = 0; j < lanes; j++)
    {
        const __m128i t = _mm_xor_si128(temp[j], opc[j]);
        out[4 * j + 0] = _mm_xor_si128(t, _mm_set_epi32(0x01000000, 0, 0, 0));
        out[4 * j + 1] = _mm_xor_si128(_mm_shuffle_epi32(t, 0x39), _mm_set_epi32(0x02000000, 0, 0, 0));
        out[4 * j + 2] = _mm_xor_si128(_mm_shuffle_epi32(t, 0x4E), _mm_set_epi32(0x04000000, 0, 0, 0));
        out[4 * j + 3] = _mm_xor_si128(_mm_shuffle_epi32(t, 0x93), _mm_set_epi32(0x08000000, 0, 0, 0));
    }
    encrypt_lanes(rk, out, lanes, 4);

    /* SQN, given or recovered with AK, then OUT1 = E_K(TEMP xor rot(IN1 xor OPc, 64)) xor OPc, IN1 = SQN || AMF twice. */
    for (int j = 0; j < lanes; j++)
    {
        uint8_t *r = records + (size_t)j * AMFKEYS_MILENAGE_RECORD_LENGTH;
        for (int b = 0; b < 4; b++)
        {
            out[4 * j + b] = _mm_xor_si128(out[4 * j + b], opc[j]);
        }
        uint8_t ak[16];
        _mm_storeu_si128((__m128i *)ak, out[4 * j]);
        uint8_t in1[8];
        const int recover = read_int32(r + AMFKEYS_MILENAGE_MODE) == AMFKEYS_MILENAGE_RECOVER_FROM_AUTN;
        for (int i = 0; i < 6; i++)
        {
            in1[i] = (uint8_t)(r[AMFKEYS_MILENAGE_SQN_IN + i] ^ (recover ? ak[i] : 0));
        }
        in1[6] = r[AMFKEYS_MILENAGE_AMF];
        in1[7] = r[AMFKEYS_MILENAGE_AMF + 1];
        memcpy(r + AMFKEYS_MILENAGE_SQN, in1, 6);
        amfkeys_wipe(ak, sizeof(ak));
        uint64_t word;
        memcpy(&word, in1, sizeof(word));
        out1[j] = _mm_xor_si128(_mm_xor_si128(temp[j], _mm_set1_epi64x((long long)word)), _mm_shuffle_epi32(opc[j], 0x4E));
        /* SQN is what AK conceals. */
        amfkeys_wipe(in1, sizeof(in1));
        amfkeys_wipe(&word, sizeof(word));
    }
    encrypt_lanes(rk, out1, lanes, 1);

    for (int j = 0; j < lanes; j++)
    {
        uint8_t *r = records + (size_t)j * AMFKEYS_MILENAGE_RECORD_LENGTH;
        uint8_t block[16];
        _mm_storeu_si128((__m128i *)block, _mm_xor_si128(out1[j], opc[j]));
        memcpy(r + AMFKEYS_MILENAGE_MAC_A, block, 8);
        memcpy(r + AMFKEYS_MILENAGE_MAC_S, block + 8, 8);
        _mm_storeu_si128((__m128i *)block, out[4 * j]);
        memcpy(r + AMFKEYS_MILENAGE_AK, block, 6);
        memcpy(r + AMFKEYS_MILENAGE_RES, block + 8, 8);
        _mm_storeu_si128((__m128i *)(r + AMFKEYS_MILENAGE_CK), out[4 * j + 1]);
        _mm_storeu_si128((__m128i *)(r + AMFKEYS_MILENAGE_IK), out[4 * j + 2]);
        _mm_storeu_si128((__m128i *)block, out[4 * j + 3]);
        memcpy(r + AMFKEYS_MILENAGE_AK_STAR, block, 6);
        amfkeys_wipe(block, sizeof(block));
    }
    /* Round keys, TEMP and the OUTs on the stack are key material too. */
    amfkeys_wipe(rk, sizeof(rk));
    amfkeys_wipe(temp, sizeof(temp));
    amfkeys_wipe(out, sizeof(out));
    amfkeys_wipe(out1, sizeof(out1));
    amfkeys_wipe(opc, sizeof(opc));
}

int amfkeys_milenage_records(uint8_t *records, int count)
{
    /* A record of an unknown mode gets zeroed outputs and a status; the others of its lanes go on. */
    for (int i = 0; i < count; i++)
    {
        uint8_t *r = records + (size_t)i * AMFKEYS_MILENAGE_RECORD_LENGTH;
        const int32_t mode = read_int32(r + AMFKEYS_MILENAGE_MODE);
        const int valid = mode == AMFKEYS_MILENAGE_GENERATE || mode == AMFKEYS_MILENAGE_RECOVER_FROM_AUTN;
        write_int32(r + AMFKEYS_MILENAGE_STATUS, valid ? 0 : AMFKEYS_MILENAGE_BAD_MODE);
    }
    for (int first = 0; first < count; first += MILENAGE_LANES)
    {
        const int lanes = count - first < MILENAGE_LANES ? count - first : MILENAGE_LANES;
        milenage_lanes(records + (size_t)first * AMFKEYS_MILENAGE_RECORD_LENGTH, lanes);
    }
    for (int i = 0; i < count; i++)
    {
        uint8_t *r = records + (size_t)i * AMFKEYS_MILENAGE_RECORD_LENGTH;
        if (read_int32(r + AMFKEYS_MILENAGE_STATUS) != 0)
        {
            memset(r + AMFKEYS_MILENAGE_SQN, 0, AMFKEYS_MILENAGE_RECORD_LENGTH - AMFKEYS_MILENAGE_SQN);
        }
    }
    return count;
}

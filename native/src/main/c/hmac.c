/*
 * HMAC-SHA-256 on any kernel: the key's pad states, the padded message after the inner pad block, and
 * the outer hash. Kernels only compress blocks, so this logic exists once.
 */
#define _DEFAULT_SOURCE
#include "amfkeys_native.h"

#include <emmintrin.h>
#include <string.h>

#define GROUP 32          /* lanes the composed HMAC and a chain step batch handle together */
#define STAGED 256        /* records staged per kernel call: their lanes' pointers and lengths, 8 KB of stack */
#define MESSAGE_BLOCKS 5  /* blocks of the longest S (272 octets) with its padding */

static const amfkeys_kernel kernels[AMFKEYS_KERNELS] =
{
    {"openssl", 0, amfkeys_compress_openssl, NULL, NULL, NULL, NULL},
    {"sha-ni", AMFKEYS_CPU_SSE41 | AMFKEYS_CPU_SHANI, amfkeys_compress_shani, amfkeys_hmac_shani, amfkeys_hmac_one_shani,
        amfkeys_hmac_pair_shani, amfkeys_schedule_shani},
    {"avx512", AMFKEYS_CPU_AVX512F | AMFKEYS_CPU_AVX512BW, amfkeys_compress_avx512, amfkeys_hmac_avx512, NULL, NULL, NULL},
};

#ifdef AMFKEYS_TEST_HOOKS
static int injected_faults;
static int forced_plan = -1;

void amfkeys_fault_inject(int faults)
{
    injected_faults = faults;
}

void amfkeys_force_plan(int plan)
{
    forced_plan = plan;
}

int amfkeys_plan_override(void)
{
    return forced_plan;
}
#else
/* The library in the jar: the calibrated plans always. */
int amfkeys_plan_override(void)
{
    return -1;
}
#endif

const amfkeys_kernel *amfkeys_kernel_get(int id)
{
    return id >= 0 && id < AMFKEYS_KERNELS ? &kernels[id] : NULL;
}

int amfkeys_record_layout(int32_t *values, int capacity)
{
    const int32_t layout[AMFKEYS_LAYOUT_VALUES] =
    {
        (int32_t)sizeof(amfkeys_record),
        (int32_t)offsetof(amfkeys_record, flags), (int32_t)sizeof(((amfkeys_record *)0)->flags),
        (int32_t)offsetof(amfkeys_record, key_length), (int32_t)sizeof(((amfkeys_record *)0)->key_length),
        (int32_t)offsetof(amfkeys_record, message_length), (int32_t)sizeof(((amfkeys_record *)0)->message_length),
        (int32_t)offsetof(amfkeys_record, status), (int32_t)sizeof(((amfkeys_record *)0)->status),
        (int32_t)offsetof(amfkeys_record, key), (int32_t)sizeof(((amfkeys_record *)0)->key),
        (int32_t)offsetof(amfkeys_record, message), (int32_t)sizeof(((amfkeys_record *)0)->message),
#ifdef AMFKEYS_TEST_HOOKS
        /* A library whose MAC sits elsewhere than Java thinks: what the load-time check must catch. */
        (int32_t)offsetof(amfkeys_record, mac) + ((injected_faults & AMFKEYS_FAULT_LAYOUT) ? 4 : 0),
#else
        (int32_t)offsetof(amfkeys_record, mac),
#endif
        (int32_t)sizeof(((amfkeys_record *)0)->mac),
        (int32_t)sizeof(amfkeys_chain_step),
        (int32_t)offsetof(amfkeys_chain_step, schedule), (int32_t)sizeof(((amfkeys_chain_step *)0)->schedule),
        (int32_t)offsetof(amfkeys_chain_step, input), (int32_t)sizeof(((amfkeys_chain_step *)0)->input),
        (int32_t)offsetof(amfkeys_chain_step, fc), (int32_t)sizeof(((amfkeys_chain_step *)0)->fc),
        (int32_t)offsetof(amfkeys_chain_step, status), (int32_t)sizeof(((amfkeys_chain_step *)0)->status),
        (int32_t)offsetof(amfkeys_chain_step, mac), (int32_t)sizeof(((amfkeys_chain_step *)0)->mac),
    };
    for (int i = 0; i < capacity && i < AMFKEYS_LAYOUT_VALUES; i++)
    {
        values[i] = layout[i];
    }
    return AMFKEYS_LAYOUT_VALUES;
}

/* explicit_bzero (glibc 2.25+): as fast as memset, and never dropped as a dead store. */
void amfkeys_wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

static inline void wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

static inline int32_t read_int(const uint8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static inline void write_int(uint8_t *p, int32_t v)
{
    memcpy(p, &v, sizeof(v));
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
    v = __builtin_bswap32(v);
    memcpy(p, &v, sizeof(v));
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
    v = __builtin_bswap64(v);
    memcpy(p, &v, sizeof(v));
}

static void store_digest(uint8_t out[32], const uint32_t state[8])
{
    for (int i = 0; i < 8; i++)
    {
        store_be32(out + 4 * i, state[i]);
    }
}

static const uint8_t zero_blocks[128];

/*
 * Fewer than 64 octets, in fixed-size moves that overlap rather than a call to memcpy: S is short in
 * every 3GPP derivation, and the call and its size dispatch would cost more than the move.
 */
static inline void copy_short(uint8_t *to, const uint8_t *from, int n)
{
    if (n >= 32)
    {
        memcpy(to, from, 32);
        memcpy(to + n - 32, from + n - 32, 32);
    }
    else if (n >= 16)
    {
        memcpy(to, from, 16);
        memcpy(to + n - 16, from + n - 16, 16);
    }
    else if (n >= 8)
    {
        memcpy(to, from, 8);
        memcpy(to + n - 8, from + n - 8, 8);
    }
    else if (n >= 4)
    {
        memcpy(to, from, 4);
        memcpy(to + n - 4, from + n - 4, 4);
    }
    else
    {
        for (int i = 0; i < n; i++)
        {
            to[i] = from[i];
        }
    }
}

/*
 * The last `length` (< 64) octets of a message with FIPS 180-4 padding for a message of total_length
 * octets (counting what was hashed before): returns the blocks written to out, 1 or 2.
 */
static int pad_tail(uint8_t out[128], const uint8_t *tail, int length, uint64_t total_length)
{
    /* A copy of constant zeros compiles to vector stores; a memset this short became rep stos. */
    memcpy(out, zero_blocks, sizeof(zero_blocks));
    copy_short(out, tail, length);
    out[length] = 0x80;
    const int blocks = length < 56 ? 1 : 2;
    store_be64(out + 64 * blocks - 8, total_length * 8);
    return blocks;
}

/* S padded as it is hashed after the ipad block: returns its blocks (amfkeys_message_blocks). */
static int pad_message(uint8_t *out, const uint8_t *message, int length)
{
    const int whole = length / 64;
    if (whole > 0)
    {
        memcpy(out, message, (size_t)(64 * whole));
    }
    return whole + pad_tail(out + 64 * whole, message + 64 * whole, length % 64, (uint64_t)(64 + length));
}

/* The outer message: the inner digest, then padding that never changes (total 96 octets). */
static const uint8_t outer_padding[32] =
{
    0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x00
};

static void outer_block(uint8_t block[64], const uint32_t inner[8])
{
    store_digest(block, inner);
    memcpy(block + 32, outer_padding, sizeof(outer_padding));
}

/* Lanes 2i and 2i+1 of key_blocks get key xor ipad and key xor opad. */
static void pad_blocks(uint8_t ipad[64], uint8_t opad[64], const uint8_t *key, int length)
{
    uint8_t block[64];
    memset(block, 0, sizeof(block));
    memcpy(block, key, (size_t)length);
    for (int i = 0; i < 64; i++)
    {
        ipad[i] = block[i] ^ 0x36;
        opad[i] = block[i] ^ 0x5c;
    }
    wipe(block, sizeof(block));
}

#ifdef AMFKEYS_TEST_HOOKS
static void corrupt_if_injected(int kernel, uint8_t mac[32])
{
    if (injected_faults & (1 << kernel))
    {
        mac[31] ^= 1;
    }
}
#else
/* The library in the jar: no fault can be injected, and this compiles to nothing. */
static inline void corrupt_if_injected(int kernel, uint8_t mac[32])
{
    (void)kernel;
    (void)mac;
}
#endif

typedef struct
{
    const uint8_t *keys[STAGED];
    int key_lengths[STAGED];
    const uint8_t *messages[STAGED];
    int lengths[STAGED];
    uint8_t *macs[STAGED];
} scratch;

void amfkeys_hmac_lanes(const amfkeys_kernel *kernel, int lanes, const uint8_t *const *keys,
    const int *key_lengths, const uint8_t *const *messages, const int *lengths, uint8_t *const *macs)
{
    uint8_t padded[GROUP * 64 * MESSAGE_BLOCKS]; /* lanes' padded S, packed */
    const uint8_t *blocks[GROUP];
    int counts[GROUP];
    uint32_t inner[GROUP][8];
    uint32_t outer[GROUP][8];
    uint32_t pad_states[2 * GROUP][8]; /* pairs of a raw key's inner and outer chaining values */
    uint8_t pads[2 * GROUP][64];       /* pairs of key ^ ipad and key ^ opad, then outer blocks */
    const uint8_t *pointers[2 * GROUP];
    int counts_one[2 * GROUP];
    for (int done = 0; done < lanes; done += GROUP)
    {
        const int n = lanes - done < GROUP ? lanes - done : GROUP;
        int raw = 0;
        for (int lane = 0; lane < n; lane++)
        {
            const uint8_t *key = keys[done + lane];
            if (key_lengths[done + lane] == AMFKEYS_KEY_SCHEDULE)
            {
                memcpy(inner[lane], key, 32);
                memcpy(outer[lane], key + 32, 32);
                continue;
            }
            pad_blocks(pads[2 * raw], pads[2 * raw + 1], key, key_lengths[done + lane]);
            memcpy(pad_states[2 * raw], amfkeys_sha256_iv, 32);
            memcpy(pad_states[2 * raw + 1], amfkeys_sha256_iv, 32);
            pointers[2 * raw] = pads[2 * raw];
            pointers[2 * raw + 1] = pads[2 * raw + 1];
            counts_one[2 * raw] = 1;
            counts_one[2 * raw + 1] = 1;
            raw++;
        }
        if (raw > 0)
        {
            kernel->compress(2 * raw, pad_states, pointers, counts_one);
            raw = 0;
            for (int lane = 0; lane < n; lane++)
            {
                if (key_lengths[done + lane] != AMFKEYS_KEY_SCHEDULE)
                {
                    memcpy(inner[lane], pad_states[2 * raw], 32);
                    memcpy(outer[lane], pad_states[2 * raw + 1], 32);
                    raw++;
                }
            }
            wipe(pad_states, (size_t)raw * 2 * 32);
        }
        size_t packed = 0;
        for (int lane = 0; lane < n; lane++)
        {
            blocks[lane] = padded + packed;
            counts[lane] = pad_message(padded + packed, messages[done + lane], lengths[done + lane]);
            packed += (size_t)64 * (size_t)counts[lane];
        }
        kernel->compress(n, inner, blocks, counts);
        for (int lane = 0; lane < n; lane++)
        {
            outer_block(pads[lane], inner[lane]);
            pointers[lane] = pads[lane];
            counts_one[lane] = 1;
        }
        kernel->compress(n, outer, pointers, counts_one);
        for (int lane = 0; lane < n; lane++)
        {
            store_digest(macs[done + lane], outer[lane]);
        }
        wipe(inner, (size_t)n * 32);
        wipe(outer, (size_t)n * 32);
        wipe(pads, (size_t)(2 * raw > n ? 2 * raw : n) * 64);
        wipe(padded, packed);
    }
}

/*
 * 32 octets, as two 16-octet loads compared in registers (SSE2, every x86-64 has it). Copied into a
 * word array first, the compiler stored the octets on the stack in 16-octet halves and read them back
 * in 8-octet quarters, a store forwarded to a narrower load: most of a batch's record checks.
 */
static inline int all_zero32(const uint8_t *p)
{
    const __m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)p), _mm_loadu_si128((const __m128i *)(p + 16)));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128())) == 0xFFFF;
}

int amfkeys_schedule_computed(const uint8_t schedule[64])
{
    return !all_zero32(schedule) && !all_zero32(schedule + 32);
}

/* The checks the Java side would make, here so that a batch costs no pass over its records in Java. */
static int record_status(const uint8_t *record, int32_t flags, int32_t key_length, int32_t message_length)
{
    if ((flags & ~AMFKEYS_FLAG_SCHEDULE) != 0)
    {
        return AMFKEYS_STATUS_BAD_FLAGS;
    }
    if ((flags & AMFKEYS_FLAG_SCHEDULE) && !amfkeys_schedule_computed(record + AMFKEYS_RECORD_KEY))
    {
        return AMFKEYS_STATUS_BAD_SCHEDULE;
    }
    if (!(flags & AMFKEYS_FLAG_SCHEDULE) && (key_length < 0 || key_length > AMFKEYS_MAX_KEY))
    {
        return AMFKEYS_STATUS_BAD_KEY_LENGTH;
    }
    if (message_length < 0 || message_length > AMFKEYS_MAX_MESSAGE)
    {
        return AMFKEYS_STATUS_BAD_MESSAGE;
    }
    return AMFKEYS_STATUS_OK;
}

static int check_record(uint8_t *record)
{
    const int status = record_status(record, read_int(record + AMFKEYS_RECORD_FLAGS),
        read_int(record + AMFKEYS_RECORD_KEY_LENGTH), read_int(record + AMFKEYS_RECORD_MESSAGE_LENGTH));
    write_int(record + AMFKEYS_RECORD_STATUS, status);
    return status == AMFKEYS_STATUS_OK;
}

/*
 * A record checked and staged as lane `lane` from one read of its fields, so that the lane computes what
 * was checked even if another thread writes the record meanwhile. Keys, S and MACs stay in the record:
 * the kernel reads and writes them there.
 */
static int stage_record(uint8_t *record, scratch *s, int lane)
{
    const int32_t flags = read_int(record + AMFKEYS_RECORD_FLAGS);
    const int32_t key_length = read_int(record + AMFKEYS_RECORD_KEY_LENGTH);
    const int32_t message_length = read_int(record + AMFKEYS_RECORD_MESSAGE_LENGTH);
    /* From here the compiler cannot reload the fields in place of the values read: they may have changed. */
    __asm__ __volatile__("" ::: "memory");
    const int status = record_status(record, flags, key_length, message_length);
    write_int(record + AMFKEYS_RECORD_STATUS, status);
    s->key_lengths[lane] = (flags & AMFKEYS_FLAG_SCHEDULE) ? AMFKEYS_KEY_SCHEDULE : key_length;
    s->keys[lane] = record + AMFKEYS_RECORD_KEY;
    s->messages[lane] = record + AMFKEYS_RECORD_MESSAGE;
    s->lengths[lane] = message_length;
    s->macs[lane] = record + AMFKEYS_RECORD_MAC;
    return status == AMFKEYS_STATUS_OK;
}

/* The lanes the scratch points at, on the kernel's fused HMAC or the driver's composed one. */
static void hmac_scratch(int kernel_id, const amfkeys_kernel *kernel, int lanes, scratch *s)
{
    if (kernel->hmac != NULL)
    {
        kernel->hmac(lanes, s->keys, s->key_lengths, s->messages, s->lengths, s->macs);
    }
    else
    {
        amfkeys_hmac_lanes(kernel, lanes, s->keys, s->key_lengths, s->messages, s->lengths, s->macs);
    }
    for (int lane = 0; lane < lanes; lane++)
    {
        corrupt_if_injected(kernel_id, s->macs[lane]);
    }
}

int amfkeys_hmac_records(int kernel_id, uint8_t *records, int count)
{
    amfkeys_clear_upper();
    if (!amfkeys_kernel_supported(kernel_id))
    {
        return AMFKEYS_ERROR_KERNEL;
    }
    if (records == NULL || count < 0)
    {
        return AMFKEYS_ERROR_ARGUMENT;
    }
    /*
     * Nothing is computed unless every record passes. A batch that fits the staging area is checked as it
     * is staged, one pass over its records; a larger one is checked whole first.
     */
    int refused = 0;
    for (int i = 0; count > STAGED && i < count; i++)
    {
        refused |= !check_record(records + (size_t)i * AMFKEYS_RECORD_LENGTH);
    }
    if (refused)
    {
        return AMFKEYS_ERROR_RECORDS;
    }
    const amfkeys_kernel *kernel = amfkeys_kernel_get(kernel_id);
    scratch s;
    for (int start = 0; start < count; start += STAGED)
    {
        const int n = count - start < STAGED ? count - start : STAGED;
        for (int lane = 0; lane < n; lane++)
        {
            refused |= !stage_record(records + (size_t)(start + lane) * AMFKEYS_RECORD_LENGTH, &s, lane);
        }
        if (refused)
        {
            /* In a batch of more than STAGED, checked whole above, only a record changed since gets here. */
            return AMFKEYS_ERROR_RECORDS;
        }
        hmac_scratch(kernel_id, kernel, n, &s);
    }
    return count;
}

/* S of a chain step: FC, P0 (32 octets), L0 = 0x00 0x20. */
#define CHAIN_MESSAGE_LENGTH (1 + AMFKEYS_CHAIN_INPUT_LENGTH + 2)

/*
 * A step that passes keeps the status it came with (not computed) until its MAC is written; a refused
 * one gets its reason. An address of 0 is a step never set: refused, never read through.
 */
static int check_chain_step(uint8_t *step)
{
    uint64_t schedule;
    uint64_t input;
    memcpy(&schedule, step + offsetof(amfkeys_chain_step, schedule), sizeof(schedule));
    memcpy(&input, step + offsetof(amfkeys_chain_step, input), sizeof(input));
    const int32_t fc = read_int(step + offsetof(amfkeys_chain_step, fc));
    int status = AMFKEYS_STATUS_OK;
    if (fc < 0 || fc > 255 || input == 0)
    {
        status = AMFKEYS_STATUS_BAD_MESSAGE;
    }
    else if (schedule == 0 || !amfkeys_schedule_computed((const uint8_t *)(uintptr_t)schedule))
    {
        status = AMFKEYS_STATUS_BAD_SCHEDULE;
    }
    if (status != AMFKEYS_STATUS_OK)
    {
        write_int(step + offsetof(amfkeys_chain_step, status), status);
    }
    return status == AMFKEYS_STATUS_OK;
}

/* Up to GROUP steps, every one checked: each lane's S built here, its key schedule read where it lives. */
static void chain_group(int kernel_id, const amfkeys_kernel *kernel, uint8_t *steps, int lanes, scratch *s)
{
    uint8_t messages[GROUP][48];
    for (int lane = 0; lane < lanes; lane++)
    {
        uint8_t *step = steps + (size_t)lane * sizeof(amfkeys_chain_step);
        uint64_t schedule;
        uint64_t input;
        memcpy(&schedule, step + offsetof(amfkeys_chain_step, schedule), sizeof(schedule));
        memcpy(&input, step + offsetof(amfkeys_chain_step, input), sizeof(input));
        uint8_t *m = messages[lane];
        m[0] = (uint8_t)read_int(step + offsetof(amfkeys_chain_step, fc));
        memcpy(m + 1, (const uint8_t *)(uintptr_t)input, AMFKEYS_CHAIN_INPUT_LENGTH);
        m[1 + AMFKEYS_CHAIN_INPUT_LENGTH] = 0x00;
        m[2 + AMFKEYS_CHAIN_INPUT_LENGTH] = AMFKEYS_CHAIN_INPUT_LENGTH;
        s->keys[lane] = (const uint8_t *)(uintptr_t)schedule;
        s->key_lengths[lane] = AMFKEYS_KEY_SCHEDULE;
        s->messages[lane] = m;
        s->lengths[lane] = CHAIN_MESSAGE_LENGTH;
        s->macs[lane] = step + offsetof(amfkeys_chain_step, mac);
    }
    hmac_scratch(kernel_id, kernel, lanes, s);
    for (int lane = 0; lane < lanes; lane++)
    {
        write_int(steps + (size_t)lane * sizeof(amfkeys_chain_step) + offsetof(amfkeys_chain_step, status), AMFKEYS_STATUS_OK);
    }
    wipe(messages, sizeof(messages));
}

int amfkeys_chain_steps(int kernel_id, uint8_t *steps, int count)
{
    amfkeys_clear_upper();
    if (!amfkeys_kernel_supported(kernel_id))
    {
        return AMFKEYS_ERROR_KERNEL;
    }
    if (steps == NULL || count < 0)
    {
        return AMFKEYS_ERROR_ARGUMENT;
    }
    int refused = 0;
    for (int i = 0; i < count; i++)
    {
        refused |= !check_chain_step(steps + (size_t)i * sizeof(amfkeys_chain_step));
    }
    if (refused)
    {
        return AMFKEYS_ERROR_RECORDS;
    }
    const amfkeys_kernel *kernel = amfkeys_kernel_get(kernel_id);
    scratch s;
    for (int start = 0; start < count; start += GROUP)
    {
        const int n = count - start < GROUP ? count - start : GROUP;
        chain_group(kernel_id, kernel, steps + (size_t)start * sizeof(amfkeys_chain_step), n, &s);
    }
    return count;
}

/* SHA-256 of a message of any length, on one lane. */
static void digest_one(const amfkeys_kernel *kernel, const uint8_t *message, size_t length, uint64_t prefix,
    uint32_t state[8])
{
    uint32_t (*states)[8] = (uint32_t (*)[8])state;
    const size_t whole = length / 64;
    /* Kernels take an int count: feed whole blocks in bounded slices. */
    for (size_t done = 0; done < whole; )
    {
        const size_t slice = whole - done > (1u << 20) ? (1u << 20) : whole - done;
        const uint8_t *p = message + 64 * done;
        const int n = (int)slice;
        kernel->compress(1, states, &p, &n);
        done += slice;
    }
    uint8_t tail[128];
    const uint8_t *p = tail;
    const int n = pad_tail(tail, message + 64 * whole, (int)(length % 64), prefix + length);
    kernel->compress(1, states, &p, &n);
    wipe(tail, sizeof(tail));
}

void amfkeys_hmac_schedule(int kernel_id, const uint8_t *key, int key_length, uint8_t schedule[64])
{
    amfkeys_clear_upper();
    const amfkeys_kernel *kernel = amfkeys_kernel_get(kernel_id);
    uint32_t hashed[8];
    if (key_length > 64)
    {
        memcpy(hashed, amfkeys_sha256_iv, 32);
        digest_one(kernel, key, (size_t)key_length, 0, hashed);
        uint8_t digest[32];
        store_digest(digest, hashed);
        amfkeys_hmac_schedule(kernel_id, digest, 32, schedule);
        wipe(digest, sizeof(digest));
        wipe(hashed, sizeof(hashed));
        return;
    }
    if (kernel->schedule != NULL)
    {
        kernel->schedule(key, key_length, schedule);
        return;
    }
    uint8_t pads[2][64];
    uint32_t states[2][8];
    pad_blocks(pads[0], pads[1], key, key_length);
    memcpy(states[0], amfkeys_sha256_iv, 32);
    memcpy(states[1], amfkeys_sha256_iv, 32);
    const uint8_t *pointers[2] = {pads[0], pads[1]};
    const int counts[2] = {1, 1};
    kernel->compress(2, states, pointers, counts);
    memcpy(schedule, states[0], 32);
    memcpy(schedule + 32, states[1], 32);
    wipe(pads, sizeof(pads));
    wipe(states, sizeof(states));
}

void amfkeys_hmac_mac(int kernel_id, const uint8_t schedule[64], const uint8_t *message, int length, uint8_t mac[32])
{
    amfkeys_clear_upper();
    const amfkeys_kernel *kernel = amfkeys_kernel_get(kernel_id);
    if (kernel->hmac_one != NULL)
    {
        kernel->hmac_one(schedule, message, length, mac);
        corrupt_if_injected(kernel_id, mac);
        return;
    }
    uint32_t state[8];
    memcpy(state, schedule, 32);
    digest_one(kernel, message, (size_t)length, 64, state);
    uint8_t block[64];
    outer_block(block, state);
    memcpy(state, schedule + 32, 32);
    const uint8_t *p = block;
    const int one = 1;
    kernel->compress(1, (uint32_t (*)[8])state, &p, &one);
    store_digest(mac, state);
    corrupt_if_injected(kernel_id, mac);
    wipe(block, sizeof(block));
    wipe(state, sizeof(state));
}

void amfkeys_hmac_mac_pair(int kernel_id, const uint8_t schedule[64], const uint8_t *first, int first_length,
    uint8_t first_mac[32], const uint8_t *second, int second_length, uint8_t second_mac[32])
{
    amfkeys_clear_upper();
    const amfkeys_kernel *kernel = amfkeys_kernel_get(kernel_id);
    if (kernel->hmac_pair == NULL)
    {
        amfkeys_hmac_mac(kernel_id, schedule, first, first_length, first_mac);
        amfkeys_hmac_mac(kernel_id, schedule, second, second_length, second_mac);
        return;
    }
    kernel->hmac_pair(schedule, first, first_length, first_mac, second, second_length, second_mac);
    corrupt_if_injected(kernel_id, first_mac);
    corrupt_if_injected(kernel_id, second_mac);
}

void amfkeys_sha256(int kernel_id, const uint8_t *message, size_t length, uint8_t digest[32])
{
    amfkeys_clear_upper();
    uint32_t state[8];
    memcpy(state, amfkeys_sha256_iv, 32);
    digest_one(amfkeys_kernel_get(kernel_id), message, length, 0, state);
    store_digest(digest, state);
    wipe(state, sizeof(state));
}

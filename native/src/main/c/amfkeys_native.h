/*
 * amfkeys native HMAC-SHA-256: record layout, kernels and the HMAC driver shared by them.
 *
 * The record layout must match org.amfkeys.hmac.HmacRecordDescriptor (checked at load: the library
 * reports it, and the Java side refuses a library that differs); a key schedule is laid out as
 * org.amfkeys.hmac.KeyScheduleDescriptor says (inner then outer chaining value, 8 native-order words each).
 */
#ifndef AMFKEYS_NATIVE_H
#define AMFKEYS_NATIVE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Everything declared here is internal to the library. Declared hidden (not only defined so, which
 * -fvisibility=hidden does), a symbol is reached directly from position-independent code rather than
 * through the GOT: the round constants are then a memory operand of the add, not a load of their
 * address first, which cost the SHA-NI kernel 10 %.
 */
#pragma GCC visibility push(hidden)

/*
 * One derivation in a batch. The struct is the layout's only definition: the offsets below are taken
 * from it, and amfkeys_record_layout() reports them (with every size) at load, so that the Java side
 * refuses a library whose records differ from its own instead of reading MACs from the wrong place.
 * Records are accessed through byte pointers and memcpy, never through the struct, so a record
 * buffer needs no alignment beyond what the caller gives it.
 */
#define AMFKEYS_MAX_KEY                64
#define AMFKEYS_MAX_MESSAGE            272
#define AMFKEYS_MAC_LENGTH             32

typedef struct
{
    int32_t flags;                          /* AMFKEYS_FLAG_* */
    int32_t key_length;                     /* octets of a raw key, 0..AMFKEYS_MAX_KEY */
    int32_t message_length;                 /* octets of S, 0..AMFKEYS_MAX_MESSAGE */
    int32_t status;                         /* written: AMFKEYS_STATUS_* */
    uint8_t key[AMFKEYS_MAX_KEY];           /* raw key, or a key schedule */
    uint8_t message[AMFKEYS_MAX_MESSAGE];   /* S */
    uint8_t mac[AMFKEYS_MAC_LENGTH];        /* written */
} amfkeys_record;

#define AMFKEYS_RECORD_LENGTH          ((int)sizeof(amfkeys_record))
#define AMFKEYS_RECORD_FLAGS           ((int)offsetof(amfkeys_record, flags))
#define AMFKEYS_RECORD_KEY_LENGTH      ((int)offsetof(amfkeys_record, key_length))
#define AMFKEYS_RECORD_MESSAGE_LENGTH  ((int)offsetof(amfkeys_record, message_length))
#define AMFKEYS_RECORD_STATUS          ((int)offsetof(amfkeys_record, status))
#define AMFKEYS_RECORD_KEY             ((int)offsetof(amfkeys_record, key))
#define AMFKEYS_RECORD_MESSAGE         ((int)offsetof(amfkeys_record, message))
#define AMFKEYS_RECORD_MAC             ((int)offsetof(amfkeys_record, mac))

/*
 * One step of a key chain in a batch (org.amfkeys.hmac.ChainStepDescriptor): KDF(key, FC || P0 || L0)
 * with P0 the 32 octets at input and L0 = 0x00 0x20, the NH of TS 33.501 A.10 and TS 33.401 A.4, the
 * key schedule and P0 read where they live (a context table's slot) instead of copied into a record;
 * the result goes to mac, for the caller to take once the whole batch is known good. The addresses
 * come from the Java side, which takes them from bounds-checked buffers over native memory.
 */
typedef struct
{
    uint64_t schedule;                      /* address of a key schedule, 64 octets */
    uint64_t input;                         /* address of P0, 32 octets */
    int32_t fc;                             /* 0..255 */
    int32_t status;                         /* written: AMFKEYS_STATUS_* */
    uint8_t reserved[8];
    uint8_t mac[AMFKEYS_MAC_LENGTH];        /* written */
} amfkeys_chain_step;

#define AMFKEYS_CHAIN_INPUT_LENGTH     32

/*
 * The layout as the library was compiled: the record's size, then offset and size of each field in
 * the order of amfkeys_record, then the same for amfkeys_chain_step, which org.amfkeys.hmac.NativeLibrary
 * compares with its own, value by value. Writes at most capacity values; returns how many the library has.
 */
#define AMFKEYS_LAYOUT_VALUES          26
int amfkeys_record_layout(int32_t *values, int capacity);

#define AMFKEYS_FLAG_SCHEDULE          1    /* the key area holds a computed key schedule */
#define AMFKEYS_KEY_SCHEDULE           (-1) /* a kernel's key length for a key schedule */

#define AMFKEYS_STATUS_OK              0
#define AMFKEYS_STATUS_BAD_KEY_LENGTH  (-1)
#define AMFKEYS_STATUS_BAD_MESSAGE     (-2)
#define AMFKEYS_STATUS_BAD_FLAGS       (-3)
#define AMFKEYS_STATUS_BAD_SCHEDULE    (-4) /* a chaining value of the schedule is all zero: never computed */

/* Errors of a whole call. */
#define AMFKEYS_ERROR_KERNEL           (-100) /* unknown kernel, or one this CPU cannot run */
#define AMFKEYS_ERROR_ARGUMENT         (-101)
#define AMFKEYS_ERROR_RECORDS          (-102) /* a record was refused (its status says why): none computed, unless the records changed during the call */
#define AMFKEYS_ERROR_SCHEDULE         (-103) /* a key schedule never computed: a chaining value of zeros */

/* Kernels, in the order the Java side knows them (org.amfkeys.hmac.NativeKernel). */
#define AMFKEYS_KERNEL_OPENSSL         0
#define AMFKEYS_KERNEL_SHANI           1
#define AMFKEYS_KERNEL_AVX512          2
#define AMFKEYS_KERNELS                3

/* CPU features, as bits (org.amfkeys.hmac.CpuFeature). */
#define AMFKEYS_CPU_SSE41              (1 << 0)
#define AMFKEYS_CPU_SHANI              (1 << 1)
#define AMFKEYS_CPU_AVX2               (1 << 2)
#define AMFKEYS_CPU_AVX512F            (1 << 3)
#define AMFKEYS_CPU_AVX512BW           (1 << 4)
#define AMFKEYS_CPU_AVX512VL           (1 << 5)
#define AMFKEYS_CPU_AESNI              (1 << 6)

/*
 * A kernel compresses whole 64-octet blocks into SHA-256 chaining values, for any number of
 * independent messages ("lanes") at once. Lane i compresses counts[i] blocks read from blocks[i]
 * (contiguous) into states[i]. Counts may differ between lanes and may be 0.
 */
typedef struct
{
    const char *name;
    int cpu_required;
    void (*compress)(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts);
    /*
     * Optional, fused HMAC: lane i's key is keys[i], key_lengths[i] octets of a raw key (0..64), or a
     * key schedule (inner then outer chaining value, 64 octets) when key_lengths[i] is
     * AMFKEYS_KEY_SCHEDULE; its message S is lengths[i] octets (0..AMFKEYS_MAX_MESSAGE) at messages[i],
     * unpadded: the lane hashes S and its padding after the inner pad, then the outer block, and writes
     * its MAC (big-endian) to macs[i]. Keys, S and MACs are reached through pointers so that the driver
     * can point straight into the records, and the kernel pads S as it loads it. NULL: the driver
     * composes it from compress() (amfkeys_hmac_lanes).
     */
    void (*hmac)(int lanes, const uint8_t *const *keys, const int *key_lengths, const uint8_t *const *messages,
        const int *lengths, uint8_t *const *macs);
    /* Optional: one HMAC from a key schedule, for callers with one derivation at a time. NULL: composed. */
    void (*hmac_one)(const uint8_t schedule[64], const uint8_t *message, int length, uint8_t mac[32]);
    /* Optional: two MACs under one schedule, computed together. NULL: hmac_one or the composed form twice. */
    void (*hmac_pair)(const uint8_t schedule[64], const uint8_t *first, int first_length, uint8_t first_mac[32],
        const uint8_t *second, int second_length, uint8_t second_mac[32]);
    /* Optional: a raw key's schedule (0..64 octets), for callers with one key at a time. NULL: composed. */
    void (*schedule)(const uint8_t *key, int length, uint8_t schedule[64]);
} amfkeys_kernel;

const amfkeys_kernel *amfkeys_kernel_get(int id);

/*
 * Partial batches: measures, once, which way the AVX-512 kernel computes each chunk size (1..32 lanes)
 * fastest on this machine (16-lane groups, SHA-NI pairs, or a group and SHA-NI for the rest), for each
 * kind of chunk: key schedules; raw keys; raw keys in equal neighbouring pairs, as 3GPP derives two
 * keys from one (the SHA-NI kernel schedules such a pair's key once). Run at load; returns 1 when it
 * measured, 0 when there is no choice to make (no AVX-512 or no SHA-NI). amfkeys_calibration writes
 * the plan of each kind and size (0 groups, 1 SHA-NI, 2 a group and SHA-NI; schedules for 1..32
 * lanes, then raw keys, then raw keys in pairs) and returns how many values it has.
 */
int amfkeys_calibrate(void);
int amfkeys_calibration(int32_t *values, int capacity);

/* A plan every chunk must use instead of the calibrated one (test variant only), or -1. */
int amfkeys_plan_override(void);

/* CPU features this process may use: detected, less the features masked (for tests). */
int amfkeys_cpu_features(void);

/*
 * AES-128 on AES-NI, MILENAGE's kernel (org.amfkeys.sim.aka.NativeAes128). A key is expanded into 11
 * round keys (176 octets, any alignment); blocks are encrypted in ECB, four interleaved at a time.
 * Callers check AMFKEYS_CPU_AESNI first. The OpenSSL function is the reference the tests compare
 * with: 0, or AMFKEYS_ERROR_ARGUMENT when OpenSSL refuses.
 */
#define AMFKEYS_AES_ROUND_KEYS_LENGTH  176
void amfkeys_aes128_expand(const uint8_t key[16], uint8_t round_keys[AMFKEYS_AES_ROUND_KEYS_LENGTH]);
void amfkeys_aes128_encrypt(const uint8_t round_keys[AMFKEYS_AES_ROUND_KEYS_LENGTH], const uint8_t *in, uint8_t *out, int blocks);
int amfkeys_openssl_aes128_encrypt(const uint8_t key[16], const uint8_t *in, uint8_t *out, int blocks);

/*
 * MILENAGE (TS 35.206) for a batch of subscribers on AES-NI (org.amfkeys.sim.aka.MilenageBatch, whose
 * MilenageRecordDescriptor names the same offsets): each record holds its K, OPc, RAND, SQN (or SQN
 * xor AK, as AUTN carries it) and AMF, and receives SQN, AK, AK*, MAC-A, MAC-S, RES, CK and IK. A
 * record's status is 0, or AMFKEYS_MILENAGE_BAD_MODE (its outputs zeroed). Returns count.
 */
#define AMFKEYS_MILENAGE_RECORD_LENGTH   160
#define AMFKEYS_MILENAGE_MODE            0    /* int: AMFKEYS_MILENAGE_GENERATE or _RECOVER_FROM_AUTN */
#define AMFKEYS_MILENAGE_STATUS          4    /* int, written */
#define AMFKEYS_MILENAGE_K               16
#define AMFKEYS_MILENAGE_OPC             32
#define AMFKEYS_MILENAGE_RAND            48
#define AMFKEYS_MILENAGE_SQN_IN          64   /* 6: SQN, or SQN xor AK */
#define AMFKEYS_MILENAGE_AMF             70   /* 2 */
#define AMFKEYS_MILENAGE_SQN             72   /* 6, written */
#define AMFKEYS_MILENAGE_AK              80   /* 6, written */
#define AMFKEYS_MILENAGE_AK_STAR         88   /* 6, written */
#define AMFKEYS_MILENAGE_MAC_A           96   /* 8, written */
#define AMFKEYS_MILENAGE_MAC_S           104  /* 8, written */
#define AMFKEYS_MILENAGE_RES             112  /* 8, written */
#define AMFKEYS_MILENAGE_CK              128  /* 16, written */
#define AMFKEYS_MILENAGE_IK              144  /* 16, written */
#define AMFKEYS_MILENAGE_GENERATE        1
#define AMFKEYS_MILENAGE_RECOVER_FROM_AUTN 2
#define AMFKEYS_MILENAGE_BAD_MODE        (-1)
int amfkeys_milenage_records(uint8_t *records, int count);
void amfkeys_cpu_mask(int masked);
int amfkeys_kernel_supported(int id);
/* Whether the CPU has PREFETCHW (prefetch with intent to write); elsewhere its opcode is not to be run. */
int amfkeys_prefetchw_supported(void);

/*
 * Clears the upper halves of the vector registers when the CPU has AVX. Legacy-SSE code (the SHA-NI
 * kernel) that runs while they are dirty, as the JVM's own AVX code leaves them, pays a penalty on
 * every instruction (measured on Zen 4: a batch 60 % slower); every driver entry calls this first.
 */
void amfkeys_clear_upper(void);

#ifdef AMFKEYS_TEST_HOOKS
/*
 * Test hooks, compiled only into the test variant (libamfkeys-test.so, CMake option
 * AMFKEYS_TEST_HOOKS); the library in the jar has none. A kernel whose bit (1 << id) is set corrupts
 * its results, so that its self-test must fail; AMFKEYS_FAULT_LAYOUT makes amfkeys_record_layout()
 * misreport the MAC's offset, so that the Java side must refuse the library.
 */
#define AMFKEYS_FAULT_LAYOUT           (1 << 8)
void amfkeys_fault_inject(int faults);
/* Every chunk of the AVX-512 kernel computed by this plan (0..2), whatever the calibration says; -1 undoes. */
void amfkeys_force_plan(int plan);
#endif

/* Blocks S of `length` octets takes after the ipad block, with its padding (0x80 and 64-bit length). */
static inline int amfkeys_message_blocks(int length)
{
    return (length + 8) / 64 + 1;
}

/* The fused HMAC of amfkeys_kernel.hmac, composed from kernel->compress() alone. */
void amfkeys_hmac_lanes(const amfkeys_kernel *kernel, int lanes, const uint8_t *const *keys,
    const int *key_lengths, const uint8_t *const *messages, const int *lengths, uint8_t *const *macs);

/*
 * Whether a key schedule was computed: a chaining value of zeros is one never computed, cleared or
 * half-written (org.amfkeys.hmac.KeySchedule), which the rounds would use without complaint.
 */
int amfkeys_schedule_computed(const uint8_t schedule[64]);

/* memset that the compiler may not drop: for everything that held keys or key-derived values. */
void amfkeys_wipe(void *p, size_t n);

/*
 * The HMAC driver: padding, pad states and outer hash, on any kernel. amfkeys_hmac_records checks every
 * record first and writes its status; if one is refused it computes none and returns
 * AMFKEYS_ERROR_RECORDS, so a bad batch changes nothing but statuses. Otherwise it returns count. A
 * record another thread changes during the call is computed as it was checked, or refused; in a batch of
 * more than 256, such a refusal may come after earlier records were computed.
 */
int amfkeys_hmac_records(int kernel, uint8_t *records, int count);
/*
 * Chain steps (amfkeys_chain_step), checked as records are: a key schedule never computed, an address
 * of 0 or an FC out of range refuses the whole call (AMFKEYS_ERROR_RECORDS, the refused steps' statuses
 * written, no MAC); else each step's status becomes AMFKEYS_STATUS_OK once its MAC is written, and
 * the call returns count.
 */
int amfkeys_chain_steps(int kernel, uint8_t *steps, int count);
void amfkeys_hmac_schedule(int kernel, const uint8_t *key, int key_length, uint8_t schedule[64]);
void amfkeys_hmac_mac(int kernel, const uint8_t schedule[64], const uint8_t *message, int length, uint8_t mac[32]);
/* Two MACs under one schedule, as two amfkeys_hmac_mac calls give them; the kernel may interleave them. */
void amfkeys_hmac_mac_pair(int kernel, const uint8_t schedule[64], const uint8_t *first, int first_length,
    uint8_t first_mac[32], const uint8_t *second, int second_length, uint8_t second_mac[32]);
void amfkeys_sha256(int kernel, const uint8_t *message, size_t length, uint8_t digest[32]);

/* Reference: OpenSSL's one-shot HMAC() over records holding raw keys (for tests and benchmarks). */
int amfkeys_openssl_hmac_records(uint8_t *records, int count);

/* Kernel implementations. */
void amfkeys_compress_openssl(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts);
void amfkeys_compress_shani(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts);
void amfkeys_compress_avx512(int lanes, uint32_t (*states)[8], const uint8_t *const *blocks, const int *counts);
void amfkeys_hmac_one_shani(const uint8_t schedule[64], const uint8_t *message, int length, uint8_t mac[32]);
void amfkeys_hmac_pair_shani(const uint8_t schedule[64], const uint8_t *first, int first_length, uint8_t first_mac[32],
    const uint8_t *second, int second_length, uint8_t second_mac[32]);
void amfkeys_schedule_shani(const uint8_t *key, int length, uint8_t schedule[64]);
/* Whether two raw keys of `length` octets are equal, in time independent of where they differ. */
int amfkeys_same_key(const uint8_t *a, const uint8_t *b, int length);
void amfkeys_hmac_shani(int lanes, const uint8_t *const *keys, const int *key_lengths,
    const uint8_t *const *messages, const int *lengths, uint8_t *const *macs);
void amfkeys_hmac_avx512(int lanes, const uint8_t *const *keys, const int *key_lengths,
    const uint8_t *const *messages, const int *lengths, uint8_t *const *macs);

extern const uint32_t amfkeys_sha256_k[64];
extern const uint32_t amfkeys_sha256_iv[8];

#pragma GCC visibility pop

#endif

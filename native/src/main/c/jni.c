/*
 * The JNI surface: addresses in, no arrays pinned or copied. Every entry is in org.amfkeys.hmac.NativeLibrary
 * but one, the context table's probe prefetch (org.amfkeys.context.ProbePrefetch), which reads the table's index.
 */
#include "amfkeys_native.h"

#include <jni.h>
#include <openssl/crypto.h>
#include <stdint.h>

#define ADDRESS(a) ((uint8_t *)(intptr_t)(a))

/* Why a single-derivation call cannot run (a kernel this CPU cannot execute, a negative length), or 0. */
static jint refuse(jint kernel, jint length)
{
    if (!amfkeys_kernel_supported(kernel))
    {
        return AMFKEYS_ERROR_KERNEL;
    }
    return length < 0 ? AMFKEYS_ERROR_ARGUMENT : 0;
}

/* At load: how partial batches are computed fastest here is measured before the first batch. */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void)vm;
    (void)reserved;
    amfkeys_calibrate();
    /* Detected here, before any thread prefetches. */
    amfkeys_prefetchw_supported();
    return JNI_VERSION_1_8;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_batchPlans(JNIEnv *env, jclass type, jintArray values)
{
    (void)type;
    int32_t plans[128];
    const int count = amfkeys_calibration(plans, 128);
    const jsize length = values == NULL ? 0 : (*env)->GetArrayLength(env, values);
    const jsize copied = length < count ? length : count;
    if (copied > 0)
    {
        (*env)->SetIntArrayRegion(env, values, 0, copied, (const jint *)plans);
    }
    return count;
}

/*
 * Asks the memory for the cache line at each of `count` addresses (an array at `addresses`) and returns
 * without waiting: a prefetch never faults, whatever the address. Java has no such instruction. An
 * address with its lowest bit set asks for the line with intent to write (PREFETCHW), so that a lock
 * word another core wrote last arrives ready for the compare-and-swap instead of shared; a CPU without
 * PREFETCHW gets a plain prefetch instead.
 */
__attribute__((target("prfchw")))
JNIEXPORT void JNICALL Java_org_amfkeys_hmac_NativeLibrary_prefetch(JNIEnv *env, jclass type, jlong addresses, jint count)
{
    (void)env;
    (void)type;
    const uint64_t *lines = (const uint64_t *)(intptr_t)addresses;
    if (lines == NULL)
    {
        return;
    }
    const int for_write = amfkeys_prefetchw_supported();
    for (jint i = 0; i < count; i++)
    {
        const uint64_t line = lines[i];
        if ((line & 1) && for_write)
        {
            __builtin_prefetch((const void *)(uintptr_t)(line & ~(uint64_t)1), 1, 3);
        }
        else
        {
            __builtin_prefetch((const void *)(uintptr_t)(line & ~(uint64_t)1), 0, 3);
        }
    }
}

/* A probe's entry once matched, below -1 so that the passes skip it; its own inverse. */
#define MATCHED(entry) (-(entry) - 2)

/*
 * For a batch of UEs about to be looked up in the context table: asks for every UE's home index line, then,
 * as each line arrives, for the slot lines of the entry in it that holds the UE's identifier, or for the
 * next index line when none does, whose matching entry's slot lines are asked for in a second pass. The
 * slots' misses then start as soon as each index line is in, not after the slowest of the batch, which a
 * Java caller (no prefetch instruction) cannot do. Only hints: nothing is written to the table, the
 * entries are read without their sequence lock (the caller checks each hint under it), and a stale one
 * costs a line.
 *
 * `probes` holds `count` pairs of 64-bit words: the UE's home entry (0..entries-1) and its identifier. The
 * first word of each is overwritten with the entry that held the identifier live, or -1 when neither line
 * did (every probe, when the arguments describe no index). The index holds
 * `entries` entries of `entry_length` octets (the control word at `control_offset`, live when its bits in
 * `state_mask` equal `live_state`; the identifier at `key_offset`), `entries_per_line` to a 64-octet cache
 * line (a power of two dividing `entries`); slot i starts at slots + i * slot_length, and bit l of
 * `slot_lines` asks for its cache line l.
 */
JNIEXPORT void JNICALL Java_org_amfkeys_context_ProbePrefetch_prefetchProbes(JNIEnv *env, jclass type,
    jlong probes, jint count, jlong index, jint entries, jint entry_length, jint control_offset, jlong state_mask,
    jlong live_state, jint key_offset, jint entries_per_line, jlong slots, jint slot_length, jint slot_lines)
{
    (void)env;
    (void)type;
    int64_t *probe = (int64_t *)(intptr_t)probes;
    const uint8_t *entry_base = ADDRESS(index);
    const uint8_t *slot_base = ADDRESS(slots);
    if (probe == NULL || count <= 0)
    {
        return;
    }
    if (entry_base == NULL || slot_base == NULL || entries <= 0 || entries_per_line <= 0 ||
        (entries_per_line & (entries_per_line - 1)) != 0 || entries % entries_per_line != 0)
    {
        for (jint i = 0; i < count; i++)
        {
            probe[2 * i] = -1;
        }
        return;
    }
    const int64_t line_mask = -(int64_t)entries_per_line;
    for (jint i = 0; i < count; i++)
    {
        const int64_t home = probe[2 * i];
        if (home < 0 || home >= entries)
        {
            probe[2 * i] = -1;
            continue;
        }
        probe[2 * i] = home & line_mask;
        __builtin_prefetch(entry_base + (home & line_mask) * entry_length, 0, 3);
    }
    for (int pass = 0; pass < 2; pass++)
    {
        for (jint i = 0; i < count; i++)
        {
            const int64_t line = probe[2 * i];
            if (line < 0)
            {
                continue;
            }
            const uint64_t key = (uint64_t)probe[2 * i + 1];
            int64_t match = -1;
            for (jint k = 0; k < entries_per_line; k++)
            {
                const uint8_t *entry = entry_base + (line + k) * entry_length;
                const uint64_t control = __atomic_load_n((const uint64_t *)(entry + control_offset), __ATOMIC_RELAXED);
                const uint64_t id = __atomic_load_n((const uint64_t *)(entry + key_offset), __ATOMIC_RELAXED);
                match = id == key && (control & (uint64_t)state_mask) == (uint64_t)live_state ? line + k : match;
            }
            if (match >= 0)
            {
                const uint8_t *slot = slot_base + match * (int64_t)slot_length;
                for (int l = 0; l < 31 && (slot_lines >> l) != 0; l++)
                {
                    if (slot_lines & (1 << l))
                    {
                        __builtin_prefetch(slot + 64 * l, 0, 3);
                    }
                }
                probe[2 * i] = MATCHED(match);
            }
            else if (pass == 0)
            {
                const int64_t next = line + entries_per_line < entries ? line + entries_per_line : 0;
                probe[2 * i] = next;
                __builtin_prefetch(entry_base + next * entry_length, 0, 3);
            }
        }
    }
    for (jint i = 0; i < count; i++)
    {
        probe[2 * i] = probe[2 * i] <= MATCHED(0) ? MATCHED(probe[2 * i]) : -1;
    }
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_cpuFeatures(JNIEnv *env, jclass type)
{
    (void)env;
    (void)type;
    return amfkeys_cpu_features();
}

JNIEXPORT void JNICALL Java_org_amfkeys_hmac_NativeLibrary_maskCpuFeatures(JNIEnv *env, jclass type, jint masked)
{
    (void)env;
    (void)type;
    amfkeys_cpu_mask(masked);
}

JNIEXPORT jboolean JNICALL Java_org_amfkeys_hmac_NativeLibrary_kernelSupported(JNIEnv *env, jclass type, jint kernel)
{
    (void)env;
    (void)type;
    return amfkeys_kernel_supported(kernel) ? JNI_TRUE : JNI_FALSE;
}

#ifdef AMFKEYS_TEST_HOOKS
/* Only in the test variant: the library in the jar has no such entry point, and Java says so. */
JNIEXPORT void JNICALL Java_org_amfkeys_hmac_NativeLibrary_injectFaults(JNIEnv *env, jclass type, jint faults)
{
    (void)env;
    (void)type;
    amfkeys_fault_inject(faults);
}

JNIEXPORT void JNICALL Java_org_amfkeys_hmac_NativeLibrary_forceBatchPlan(JNIEnv *env, jclass type, jint plan)
{
    (void)env;
    (void)type;
    amfkeys_force_plan(plan);
}
#endif

/*
 * Fills as much of values as fits and returns how many values the library has: Java passes a longer
 * array than it expects, so that a library with more values shows as a mismatch too.
 */
JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_recordLayout(JNIEnv *env, jclass type, jintArray values)
{
    (void)type;
    int32_t layout[AMFKEYS_LAYOUT_VALUES];
    const int count = amfkeys_record_layout(layout, AMFKEYS_LAYOUT_VALUES);
    const jsize length = values == NULL ? 0 : (*env)->GetArrayLength(env, values);
    const jsize copied = length < count ? length : count;
    if (copied > 0)
    {
        (*env)->SetIntArrayRegion(env, values, 0, copied, (const jint *)layout);
    }
    return count;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_hmacRecords(
    JNIEnv *env, jclass type, jint kernel, jlong records, jint count)
{
    (void)env;
    (void)type;
    return amfkeys_hmac_records(kernel, ADDRESS(records), count);
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_chainSteps(
    JNIEnv *env, jclass type, jint kernel, jlong steps, jint count)
{
    (void)env;
    (void)type;
    return amfkeys_chain_steps(kernel, ADDRESS(steps), count);
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_opensslHmacRecords(
    JNIEnv *env, jclass type, jlong records, jint count)
{
    (void)env;
    (void)type;
    return amfkeys_openssl_hmac_records(ADDRESS(records), count);
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_schedule(
    JNIEnv *env, jclass type, jint kernel, jlong key, jint length, jlong schedule)
{
    (void)env;
    (void)type;
    const jint refused = refuse(kernel, length);
    if (refused != 0)
    {
        return refused;
    }
    amfkeys_hmac_schedule(kernel, ADDRESS(key), length, ADDRESS(schedule));
    return 0;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_mac(
    JNIEnv *env, jclass type, jint kernel, jlong schedule, jlong message, jint length, jlong mac)
{
    (void)env;
    (void)type;
    const jint refused = refuse(kernel, length);
    if (refused != 0)
    {
        return refused;
    }
    if (!amfkeys_schedule_computed(ADDRESS(schedule)))
    {
        return AMFKEYS_ERROR_SCHEDULE;
    }
    amfkeys_hmac_mac(kernel, ADDRESS(schedule), ADDRESS(message), length, ADDRESS(mac));
    return 0;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_macPair(
    JNIEnv *env, jclass type, jint kernel, jlong schedule, jlong first, jint firstLength, jlong second, jint secondLength,
    jlong macs)
{
    (void)env;
    (void)type;
    /* Negative when either length is. */
    const jint refused = refuse(kernel, firstLength | secondLength);
    if (refused != 0)
    {
        return refused;
    }
    if (!amfkeys_schedule_computed(ADDRESS(schedule)))
    {
        return AMFKEYS_ERROR_SCHEDULE;
    }
    amfkeys_hmac_mac_pair(kernel, ADDRESS(schedule), ADDRESS(first), firstLength, ADDRESS(macs), ADDRESS(second), secondLength,
        ADDRESS(macs) + AMFKEYS_MAC_LENGTH);
    return 0;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_hmac_NativeLibrary_sha256(
    JNIEnv *env, jclass type, jint kernel, jlong message, jint length, jlong digest)
{
    (void)env;
    (void)type;
    const jint refused = refuse(kernel, length);
    if (refused != 0)
    {
        return refused;
    }
    amfkeys_sha256(kernel, ADDRESS(message), (size_t)length, ADDRESS(digest));
    return 0;
}

JNIEXPORT jstring JNICALL Java_org_amfkeys_hmac_NativeLibrary_opensslVersion(JNIEnv *env, jclass type)
{
    (void)type;
    return (*env)->NewStringUTF(env, OpenSSL_version(OPENSSL_VERSION));
}

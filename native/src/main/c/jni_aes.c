/* The JNI surface of MILENAGE's AES-128 kernel: every entry is in org.amfkeys.sim.aka.NativeAes128. */
#include "amfkeys_native.h"

#include <jni.h>
#include <stdint.h>

#define ADDRESS(a) ((uint8_t *)(intptr_t)(a))

static int aesni(void)
{
    return (amfkeys_cpu_features() & AMFKEYS_CPU_AESNI) != 0;
}

JNIEXPORT jboolean JNICALL Java_org_amfkeys_sim_aka_NativeAes128_aesniSupported(JNIEnv *env, jclass type)
{
    (void)env;
    (void)type;
    return aesni() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_sim_aka_NativeAes128_expandKey(JNIEnv *env, jclass type, jlong key, jlong roundKeys)
{
    (void)env;
    (void)type;
    if (!aesni())
    {
        return AMFKEYS_ERROR_KERNEL;
    }
    amfkeys_aes128_expand(ADDRESS(key), ADDRESS(roundKeys));
    return 0;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_sim_aka_NativeAes128_encrypt(
    JNIEnv *env, jclass type, jlong roundKeys, jlong in, jlong out, jint blocks)
{
    (void)env;
    (void)type;
    if (!aesni())
    {
        return AMFKEYS_ERROR_KERNEL;
    }
    if (blocks < 0)
    {
        return AMFKEYS_ERROR_ARGUMENT;
    }
    amfkeys_aes128_encrypt(ADDRESS(roundKeys), ADDRESS(in), ADDRESS(out), blocks);
    return 0;
}

JNIEXPORT jint JNICALL Java_org_amfkeys_sim_aka_NativeAes128_opensslEncrypt(
    JNIEnv *env, jclass type, jlong key, jlong in, jlong out, jint blocks)
{
    (void)env;
    (void)type;
    if (blocks < 0)
    {
        return AMFKEYS_ERROR_ARGUMENT;
    }
    return amfkeys_openssl_aes128_encrypt(ADDRESS(key), ADDRESS(in), ADDRESS(out), blocks);
}

/* org.amfkeys.sim.aka.MilenageBatch: MILENAGE for `count` records at `records`. */
JNIEXPORT jint JNICALL Java_org_amfkeys_sim_aka_MilenageBatch_computeRecords(JNIEnv *env, jclass type, jlong records, jint count)
{
    (void)env;
    (void)type;
    if (!aesni())
    {
        return AMFKEYS_ERROR_KERNEL;
    }
    if (records == 0 || count < 0)
    {
        return AMFKEYS_ERROR_ARGUMENT;
    }
    return amfkeys_milenage_records(ADDRESS(records), count);
}

/* The record length the library was built with, for MilenageBatch to check its descriptor against. */
JNIEXPORT jint JNICALL Java_org_amfkeys_sim_aka_MilenageBatch_recordLength(JNIEnv *env, jclass type)
{
    (void)env;
    (void)type;
    return AMFKEYS_MILENAGE_RECORD_LENGTH;
}

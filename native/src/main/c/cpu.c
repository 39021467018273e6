/* CPU feature detection: CPUID for what the processor has, XGETBV for what the OS saves. */
#include "amfkeys_native.h"

#include <cpuid.h>
#include <immintrin.h>

#define AVX_TARGET __attribute__((target("avx")))

static int masked_features;

static uint64_t xgetbv0(void)
{
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

static int detect(void)
{
    unsigned int eax, ebx, ecx, edx;
    int features = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    {
        return 0;
    }
    const int sse41 = (ecx >> 19) & 1;
    const int osxsave = (ecx >> 27) & 1;
    const int avx = (ecx >> 28) & 1;
    if (sse41)
    {
        features |= AMFKEYS_CPU_SSE41;
    }
    if ((ecx >> 25) & 1)
    {
        features |= AMFKEYS_CPU_AESNI;
    }
    if (__get_cpuid_max(0, 0) < 7)
    {
        return features;
    }
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if (sse41 && ((ebx >> 29) & 1))
    {
        features |= AMFKEYS_CPU_SHANI;
    }
    if (!osxsave || !avx)
    {
        return features;
    }
    const uint64_t xcr0 = xgetbv0();
    const int ymm_saved = (xcr0 & 0x6) == 0x6;
    const int zmm_saved = (xcr0 & 0xE6) == 0xE6;
    if (ymm_saved && ((ebx >> 5) & 1))
    {
        features |= AMFKEYS_CPU_AVX2;
    }
    if (zmm_saved && ((ebx >> 16) & 1))
    {
        features |= AMFKEYS_CPU_AVX512F;
        if ((ebx >> 30) & 1)
        {
            features |= AMFKEYS_CPU_AVX512BW;
        }
        if ((ebx >> 31) & 1)
        {
            features |= AMFKEYS_CPU_AVX512VL;
        }
    }
    return features;
}

static int detected_features(void)
{
    static int detected = -1;
    if (detected < 0)
    {
        detected = detect();
    }
    return detected;
}

int amfkeys_cpu_features(void)
{
    return detected_features() & ~masked_features;
}

int amfkeys_prefetchw_supported(void)
{
    static int supported = -1;
    if (supported < 0)
    {
        unsigned int eax, ebx, ecx, edx;
        /* CPUID 8000_0001h ECX bit 8: PRFCHW (3DNowPrefetch), on AMD and on Intel since Broadwell. */
        supported = __get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 8)) != 0;
    }
    return supported;
}

AVX_TARGET static void zero_upper(void)
{
    _mm256_zeroupper();
}

void amfkeys_clear_upper(void)
{
    /* What the CPU has, not what tests mask: the state to clear is the hardware's. */
    if (detected_features() & AMFKEYS_CPU_AVX2)
    {
        zero_upper();
    }
}

void amfkeys_cpu_mask(int masked)
{
    masked_features = masked;
}

int amfkeys_kernel_supported(int id)
{
    const amfkeys_kernel *kernel = amfkeys_kernel_get(id);
    if (kernel == NULL)
    {
        return 0;
    }
    return (amfkeys_cpu_features() & kernel->cpu_required) == kernel->cpu_required;
}

package org.amfkeys.hmac;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native library loads (CI fails when it does not, unless the build skipped it), every kernel the
 * CPU can run passes its self-test, and the fastest is picked.
 */
class NativeLibraryTest
{
    static boolean nativeRequired()
    {
        return !"false".equals(System.getProperty("amfkeys.native.required"));
    }

    @Test
    void loadsAndPicksTheFastestKernelThisCpuCanRun()
    {
        final NativeStatus status = HmacEngines.nativeStatus();
        if (!nativeRequired())
        {
            return;
        }
        assertTrue(status.loaded(), "native library did not load: " + status.library());
        for (final NativeStatus.KernelStatus kernel : status.kernels())
        {
            assertEquals(kernel.supported(), kernel.usable(), kernel.toString());
            assertEquals(status.cpuFeatures().containsAll(kernel.kernel().requires()), kernel.supported(), kernel.toString());
        }
        final Set<CpuFeature> cpu = status.cpuFeatures();
        final NativeKernel expected = cpu.containsAll(NativeKernel.AVX512.requires()) ? NativeKernel.AVX512 :
            cpu.containsAll(NativeKernel.SHA_NI.requires()) ? NativeKernel.SHA_NI : NativeKernel.OPENSSL;
        assertEquals(expected, status.batchKernel().orElseThrow());
        assertEquals(cpu.contains(CpuFeature.SHA_NI) ? NativeKernel.SHA_NI : NativeKernel.OPENSSL, status.singleKernel().orElseThrow());
    }

    @Test
    void cpuFeaturesMatchWhatTheKernelSees()
    {
        if (!nativeRequired())
        {
            return;
        }
        final int bits = NativeLibrary.cpuFeatures();
        assertEquals(CpuFeature.of(bits), HmacEngines.nativeStatus().cpuFeatures());
        for (final NativeKernel kernel : NativeKernel.values())
        {
            final boolean able = CpuFeature.of(bits).containsAll(kernel.requires());
            assertEquals(able, NativeLibrary.kernelSupported(kernel.id()), kernel.token());
        }
        assertEquals(false, NativeLibrary.kernelSupported(7));
        assertTrue(NativeLibrary.hmacRecords(7, 0, 0) < 0, "an unknown kernel is refused");
    }

    @Test
    void batchPlansAreDescribedAsRunsOfSizes()
    {
        final int[] plans = new int[96];
        java.util.Arrays.fill(plans, 0, 32, 1);
        java.util.Arrays.fill(plans, 64, 96, 1);
        for (int lanes = 1; lanes <= 32; lanes++)
        {
            plans[32 + lanes - 1] = lanes <= 13 ? 1 : lanes <= 16 ? 0 : lanes <= 29 ? 2 : 0;
        }
        assertEquals("partial batches by size, measured at load: schedules: sha-ni 1-32; raw keys: sha-ni 1-13, groups 14-16, " +
            "group-and-sha-ni 17-29, groups 30-32; raw keys in pairs: sha-ni 1-32", NativeLibrary.describeBatchPlans(plans));
        plans[0] = 0;
        plans[63] = 1;
        plans[95] = 2;
        assertTrue(NativeLibrary.describeBatchPlans(plans).contains("schedules: groups 1, sha-ni 2-32;"));
        assertTrue(NativeLibrary.describeBatchPlans(plans).contains("groups 30-31, sha-ni 32;"));
        assertTrue(NativeLibrary.describeBatchPlans(plans).endsWith("raw keys in pairs: sha-ni 1-31, group-and-sha-ni 32"));
    }

    @Test
    void theLibraryReportsAPlanForEveryKindAndSize()
    {
        if (!nativeRequired() || !HmacEngines.nativeStatus().loaded())
        {
            return;
        }
        final int[] plans = new int[NativeLibrary.BATCH_CHUNK_KINDS.size() * NativeLibrary.BATCH_CHUNK];
        assertEquals(plans.length, NativeLibrary.batchPlans(plans));
        for (final int plan : plans)
        {
            assertTrue(plan >= 0 && plan < NativeLibrary.BATCH_PLANS.size(), "plan " + plan);
        }
    }
}

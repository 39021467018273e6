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
}

package org.amfkeys.hmac;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the native library can do on this machine, as found at load.
 *
 * @param loaded       true when the library is loaded.
 * @param library      where it was loaded from, or why it was not.
 * @param cpuFeatures  CPU features the kernels may use (detected, less any masked for tests).
 * @param kernels      every kernel's self-test outcome.
 * @param batchKernel  the kernel the native batch engine uses, if any passed.
 * @param singleKernel the kernel the native single engine uses, if any passed.
 */
public record NativeStatus(
    boolean loaded, String library, Set<CpuFeature> cpuFeatures, List<KernelStatus> kernels,
    Optional<NativeKernel> batchKernel, Optional<NativeKernel> singleKernel)
{
    /**
     * One kernel's outcome.
     *
     * @param kernel    the kernel.
     * @param supported true when the CPU can run it.
     * @param usable    true when it is supported and passed its self-test.
     * @param detail    what was checked, or why it is not used.
     */
    public record KernelStatus(NativeKernel kernel, boolean supported, boolean usable, String detail)
    {
    }
}

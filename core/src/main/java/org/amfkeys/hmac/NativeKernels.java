package org.amfkeys.hmac;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Self-tests every native kernel the CPU can run, once, before any is used, and picks the kernels of
 * the native engines: the forced one ({@value NativeLibrary#KERNEL_PROPERTY}) or else the fastest
 * that passed. A kernel that fails is never used; why is logged once.
 */
final class NativeKernels
{
    /** How every message about an unusable native layer starts. */
    static final String UNAVAILABLE = "native ";

    private static final System.Logger LOGGER = System.getLogger("org.amfkeys.hmac");
    private static final int[] BATCH_SIZES = {1, 2, 3, 15, 16, 17, 31, 32, 33, 64, 67};
    private static final NativeStatus STATUS = evaluate();

    private NativeKernels()
    {
    }

    static NativeStatus status()
    {
        return STATUS;
    }

    static NativeKernel batchKernel()
    {
        return STATUS.batchKernel().orElseThrow(() -> new IllegalStateException(unavailable()));
    }

    static NativeKernel singleKernel()
    {
        return STATUS.singleKernel().orElseThrow(() -> new IllegalStateException(unavailable()));
    }

    private static String unavailable()
    {
        if (!STATUS.loaded())
        {
            return "native library not loaded: " + STATUS.library();
        }
        final String forced = System.getProperty(NativeLibrary.KERNEL_PROPERTY);
        if (forced != null && !forced.isBlank() && NativeKernel.find(forced.trim()) == null)
        {
            return unknownForcedKernel(forced.trim());
        }
        return forced != null && !forced.isBlank() ?
            "native kernel " + forced + " (forced) is not usable: " + STATUS.kernels() :
            "native kernels: none passed its self-test: " + STATUS.kernels();
    }

    private static String unknownForcedKernel(final String forced)
    {
        return NativeLibrary.KERNEL_PROPERTY + ": " + org.amfkeys.InvalidParameterException.quote(forced) +
            " is unknown; allowed: " + NativeKernel.tokens();
    }

    private static NativeStatus evaluate()
    {
        final NativeLibrary.Status library = NativeLibrary.status();
        if (!library.loaded())
        {
            // A library that is absent is a choice (-Dnative.skip, another platform); one that loaded
            // and was refused is a broken build or setup.
            LOGGER.log(library.refused() ? Level.WARNING : Level.INFO,
                "amfkeys native library not used ({0}); Java engines only", library.detail());
            return new NativeStatus(false, library.detail(), CpuFeature.of(0), List.of(), Optional.empty(), Optional.empty());
        }

        final List<NativeStatus.KernelStatus> kernels = new ArrayList<>();
        for (final NativeKernel kernel : NativeKernel.values())
        {
            if (!NativeLibrary.kernelSupported(kernel.id()))
            {
                LOGGER.log(Level.INFO, "native kernel {0} needs {1}, which this CPU lacks", kernel.token(), kernel.requires());
                kernels.add(new NativeStatus.KernelStatus(kernel, false, false, "this CPU lacks " + kernel.requires()));
                continue;
            }
            final String failure = failure(kernel);
            if (failure != null)
            {
                LOGGER.log(Level.WARNING, "native kernel {0} is not used: {1}", kernel.token(), failure);
            }
            final String passed = "batches of 1 to 67 and single calls against the JDK passed" +
                (kernel == NativeKernel.AVX512 && NativeLibrary.kernelSupported(NativeKernel.SHA_NI.id()) ?
                "; " + NativeLibrary.describeBatchPlans() : "");
            kernels.add(new NativeStatus.KernelStatus(kernel, true, failure == null, failure == null ? passed : failure));
        }

        Optional<NativeKernel> batch = Optional.empty();
        Optional<NativeKernel> single = Optional.empty();
        final String forced = System.getProperty(NativeLibrary.KERNEL_PROPERTY);
        if (forced != null && !forced.isBlank())
        {
            // Found in a static initializer: throwing here would make the class unusable for good
            // (NoClassDefFoundError on every later use), so an unknown name leaves no native kernel
            // and every request for one names the property instead.
            final NativeKernel kernel = NativeKernel.find(forced.trim());
            if (kernel == null)
            {
                LOGGER.log(Level.WARNING, unknownForcedKernel(forced.trim()));
            }
            else if (usable(kernels, kernel))
            {
                batch = Optional.of(kernel);
                single = Optional.of(kernel);
            }
        }
        else
        {
            for (final NativeKernel kernel : NativeKernel.values())
            {
                if (usable(kernels, kernel))
                {
                    batch = batch.isPresent() ? batch : Optional.of(kernel);
                    // One derivation at a time gains nothing from 16-lane registers.
                    if (kernel != NativeKernel.AVX512 && single.isEmpty())
                    {
                        single = Optional.of(kernel);
                    }
                }
            }
        }
        return new NativeStatus(true, library.detail(), CpuFeature.of(NativeLibrary.cpuFeatures()),
            List.copyOf(kernels), batch, single);
    }

    private static boolean usable(final List<NativeStatus.KernelStatus> kernels, final NativeKernel kernel)
    {
        return kernels.stream().anyMatch(status -> status.kernel() == kernel && status.usable());
    }

    /**
     * @return null when the kernel's batches and single calls equal the JDK's Mac, else what differed.
     */
    private static String failure(final NativeKernel kernel)
    {
        try (NativeBatchHmac engine = new NativeBatchHmac("self-test-" + kernel.token(), kernel);
            HmacSha256Engine java = new Sha256Hmac("reference", new PortableSha256Compressor());
            HmacRecords records = new HmacRecords(BATCH_SIZES[BATCH_SIZES.length - 1]))
        {
            final String single = HmacSelfTest.failure(engine);
            if (single != null)
            {
                return "single calls: " + single;
            }
            final Mac reference = Mac.getInstance("HmacSHA256");
            final KeySchedule schedule = new KeySchedule();
            final byte[] expected = new byte[HmacSha256Engine.MAC_LENGTH];
            final byte[] actual = new byte[HmacSha256Engine.MAC_LENGTH];
            long seed = 0x33501_0000L + kernel.id();
            for (final int size : BATCH_SIZES)
            {
                final byte[][] keys = new byte[size][];
                final byte[][] messages = new byte[size][];
                for (int i = 0; i < size; i++)
                {
                    keys[i] = new byte[1 + (i * 7 + size) % HmacRecordDescriptor.MAX_KEY_LENGTH];
                    messages[i] = new byte[(i * 37 + size * 11) % (HmacRecordDescriptor.MAX_MESSAGE_LENGTH + 1)];
                    seed = HmacSelfTest.fill(keys[i], seed);
                    seed = HmacSelfTest.fill(messages[i], seed);
                    if ((i + size) % 3 == 0)
                    {
                        java.computeSchedule(keys[i], 0, keys[i].length, schedule);
                        records.schedule(i, schedule);
                    }
                    else
                    {
                        records.key(i, keys[i], 0, keys[i].length);
                    }
                    records.message(i, messages[i], 0, messages[i].length);
                }
                engine.process(records, size);
                for (int i = 0; i < size; i++)
                {
                    reference.init(new SecretKeySpec(keys[i], "HmacSHA256"));
                    reference.update(messages[i]);
                    reference.doFinal(expected, 0);
                    records.mac(i, actual, 0);
                    if (!Arrays.equals(expected, actual))
                    {
                        return "a batch of " + size + " differs from the JDK at record " + i + " (key " +
                            keys[i].length + " octets, message " + messages[i].length + " octets)";
                    }
                }
            }
            schedule.clear();
            return null;
        }
        catch (final Exception | LinkageError ex)
        {
            return "self-test failed with " + ex;
        }
    }
}

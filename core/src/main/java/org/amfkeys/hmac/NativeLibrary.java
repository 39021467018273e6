package org.amfkeys.hmac;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The JNI library {@code libamfkeys.so}: loaded once, from the path in {@value #LIBRARY_PROPERTY} or
 * from the classpath (extracted to a private temporary file, deleted as soon as it is mapped).
 * Addresses go in, nothing is pinned or copied; callers validate before they call.
 */
final class NativeLibrary
{
    /** System property: path of the library to load instead of the one on the classpath. */
    static final String LIBRARY_PROPERTY = "amfkeys.native.library";

    /** System property: the kernel the native engines must use (avx512, sha-ni, openssl). */
    static final String KERNEL_PROPERTY = "amfkeys.native.kernel";

    /** System property: CPU features to treat as absent, e.g. {@code avx512f} (for tests). */
    static final String CPU_MASK_PROPERTY = "amfkeys.native.cpuMask";

    /** System property: kernels whose results are corrupted on purpose, so their self-test fails (for tests). */
    static final String FAULT_PROPERTY = "amfkeys.native.fault";

    static final String RESOURCE = "/org/amfkeys/hmac/native/linux-x86_64/libamfkeys.so";

    /**
     * How loading went.
     *
     * @param loaded true when the library is loaded and its entry points can be called.
     * @param detail where it came from, or why it is not loaded.
     */
    record Status(boolean loaded, String detail)
    {
    }

    private static final Status STATUS = load();

    private NativeLibrary()
    {
    }

    static Status status()
    {
        return STATUS;
    }

    private static Status load()
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
        {
            return new Status(false, "no native library for " + os + "/" + arch);
        }
        try
        {
            final String configured = System.getProperty(LIBRARY_PROPERTY);
            final String source;
            if (configured != null && !configured.isBlank())
            {
                System.load(Path.of(configured).toAbsolutePath().toString());
                source = configured;
            }
            else
            {
                source = extractAndLoad();
            }
            applyTestSettings();
            return new Status(true, source + " (" + opensslVersion() + ")");
        }
        catch (final IOException | RuntimeException | LinkageError ex)
        {
            return new Status(false, ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
    }

    private static String extractAndLoad() throws IOException
    {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IOException("libamfkeys.so is not on the classpath (built with -Dnative.skip?)");
            }
            final Path file = Files.createTempFile("amfkeys-", ".so",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try
            {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            }
            finally
            {
                // Mapped now: the file is no longer needed, and nothing is left behind in /tmp.
                Files.deleteIfExists(file);
            }
            return "classpath " + RESOURCE;
        }
    }

    private static void applyTestSettings()
    {
        maskCpuFeatures(CpuFeature.parse(System.getProperty(CPU_MASK_PROPERTY)));
        int faults = 0;
        final String faulty = System.getProperty(FAULT_PROPERTY);
        if (faulty != null && !faulty.isBlank())
        {
            for (final String kernel : faulty.split(","))
            {
                faults |= 1 << NativeKernel.parse(kernel.trim()).id();
            }
        }
        injectFaults(faults);
    }

    /** @return CPU feature bits this process may use (detected, less the masked ones). */
    static native int cpuFeatures();

    /** @param masked CPU feature bits to treat as absent. */
    static native void maskCpuFeatures(int masked);

    /** @return true when the kernel exists and the CPU (after masking) can run it. */
    static native boolean kernelSupported(int kernel);

    /** @param kernels bit per kernel id whose results are to be corrupted (test hook). */
    static native void injectFaults(int kernels);

    /** @return records computed; negative when the kernel is unknown or unsupported. */
    static native int hmacRecords(int kernel, long records, int count);

    /** @return records computed by OpenSSL's one-shot HMAC() (raw keys only). */
    static native int opensslHmacRecords(long records, int count);

    /** @return 0, or a negative code. */
    static native int schedule(int kernel, long key, int length, long schedule);

    /** @return 0, or a negative code. */
    static native int mac(int kernel, long schedule, long message, int length, long mac);

    /** @return 0, or a negative code. */
    static native int sha256(int kernel, long message, int length, long digest);

    /** @return OpenSSL's version string. */
    static native String opensslVersion();
}

package org.amfkeys.hmac;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HMAC-SHA-256 engines amfkeys can run on, each self-tested against the JDK before it is first
 * handed out. An engine that fails is never used; the reason is logged once (logger
 * {@code org.amfkeys.hmac}) and reported by {@link #status()}.
 * <p>
 * {@link #newEngine()} gives the fastest engine that passed, unless the system property
 * {@value #ENGINE_PROPERTY} names one (for tests and benchmarks), in which case that engine or an
 * error is given, never a silent substitute.
 */
public final class HmacEngines
{
    /** System property that forces an engine by name. */
    public static final String ENGINE_PROPERTY = "amfkeys.hmac.engine";

    /** The native library, one derivation per JNI call (SHA-NI, else OpenSSL). */
    public static final String NATIVE_SINGLE = "native-single";

    /** The native library's batch engine (AVX-512 multi-buffer, SHA-NI or OpenSSL kernel). */
    public static final String NATIVE_BATCH = "native-batch";

    /** The system's libcrypto through JNA, with no compiled glue. */
    public static final String JNA_LIBCRYPTO = "jna-libcrypto";

    /** Java on the JDK's SHA-256 compression, which HotSpot intrinsifies (SHA-NI / AVX2). */
    public static final String JAVA_INTRINSIC = "java-intrinsic";

    /** Java on amfkeys' own SHA-256 compression; works on any JVM. */
    public static final String JAVA_PORTABLE = "java-portable";

    private static final System.Logger LOGGER = System.getLogger("org.amfkeys.hmac");

    private HmacEngines()
    {
    }

    /**
     * @return a new instance of the forced engine, or of the fastest engine that passed its self-test.
     * @throws IllegalStateException if the forced engine is unknown or failed its self-test.
     */
    public static HmacSha256Engine newEngine()
    {
        final String forced = System.getProperty(ENGINE_PROPERTY);
        if (forced != null && !forced.isBlank())
        {
            return newEngine(forced.trim());
        }
        for (final EngineStatus status : Registry.STATUS.values())
        {
            if (status.usable())
            {
                return Registry.FACTORIES.get(status.name()).get();
            }
        }
        throw new IllegalStateException("no HMAC-SHA-256 engine passed its self-test: " + status());
    }

    /**
     * @param name one of the names in {@link #status()}, or a native engine with its kernel, e.g.
     *             {@code native-batch/sha-ni}.
     * @return a new instance of that engine.
     * @throws IllegalStateException if the engine or kernel is unknown or failed its self-test.
     */
    public static HmacSha256Engine newEngine(final String name)
    {
        final int slash = name.indexOf('/');
        if (slash > 0)
        {
            return newNativeEngine(name.substring(0, slash), name.substring(slash + 1));
        }
        final EngineStatus status = Registry.STATUS.get(name);
        if (status == null)
        {
            throw new IllegalStateException(
                "unknown HMAC engine '" + name + "'; engines: " + String.join(", ", Registry.STATUS.keySet()));
        }
        if (!status.usable())
        {
            throw new IllegalStateException("HMAC engine " + name + " is not usable: " + status.detail());
        }
        return Registry.FACTORIES.get(name).get();
    }

    private static HmacSha256Engine newNativeEngine(final String engine, final String kernelName)
    {
        final NativeKernel kernel;
        try
        {
            kernel = NativeKernel.parse(kernelName);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
        final boolean usable = NativeKernels.status().kernels().stream()
            .anyMatch(status -> status.kernel() == kernel && status.usable());
        if (!usable)
        {
            throw new IllegalStateException("native kernel " + kernelName + " is not usable: " + NativeKernels.status().kernels());
        }
        switch (engine)
        {
            case NATIVE_SINGLE:
                return new NativeHmac(NATIVE_SINGLE + "/" + kernel.token(), kernel);
            case NATIVE_BATCH:
                return new NativeBatchHmac(NATIVE_BATCH + "/" + kernel.token(), kernel);
            default:
                throw new IllegalStateException("'" + engine + "' takes no kernel; native-single and native-batch do");
        }
    }

    /**
     * @return the self-test outcome of every engine, fastest first.
     */
    public static List<EngineStatus> status()
    {
        return Collections.unmodifiableList(new ArrayList<>(Registry.STATUS.values()));
    }

    /**
     * @return what the native library can do here: CPU features, kernels and their self-tests.
     */
    public static NativeStatus nativeStatus()
    {
        return NativeKernels.status();
    }

    /**
     * @return a new native batch engine, for {@link NativeBatchHmac#process} over {@link HmacRecords}.
     * @throws IllegalStateException when the native library or every kernel is unusable here.
     */
    public static NativeBatchHmac newBatchEngine()
    {
        return (NativeBatchHmac)newEngine(NATIVE_BATCH);
    }

    /**
     * Self-tests every engine once, on first use, and remembers the outcome.
     */
    private static final class Registry
    {
        static final Map<String, Supplier<HmacSha256Engine>> FACTORIES = new LinkedHashMap<>();
        static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();
        static final Map<String, EngineStatus> STATUS;

        static
        {
            register(
                NATIVE_SINGLE,
                "native, one derivation per JNI call",
                () -> new NativeHmac(NATIVE_SINGLE, NativeKernels.singleKernel()));
            register(
                JAVA_INTRINSIC,
                "Java over the JDK's SHA-256 compression (HotSpot intrinsic)",
                () -> new Sha256Hmac(JAVA_INTRINSIC, JdkSha256Compressor.create()));
            register(
                NATIVE_BATCH,
                "native, many derivations per JNI call",
                () -> new NativeBatchHmac(NATIVE_BATCH, NativeKernels.batchKernel()));
            register(
                JNA_LIBCRYPTO,
                "libcrypto's SHA-256 through JNA",
                () -> new Sha256Hmac(JNA_LIBCRYPTO, new LibcryptoSha256Compressor()));
            register(
                JAVA_PORTABLE,
                "Java over amfkeys' own SHA-256 compression",
                () -> new Sha256Hmac(JAVA_PORTABLE, new PortableSha256Compressor()));

            final Map<String, EngineStatus> status = new LinkedHashMap<>();
            FACTORIES.forEach((name, factory) -> status.put(name, selfTest(name, factory)));
            STATUS = Collections.unmodifiableMap(status);
        }

        private static void register(final String name, final String description, final Supplier<HmacSha256Engine> factory)
        {
            FACTORIES.put(name, factory);
            DESCRIPTIONS.put(name, description);
        }

        private static EngineStatus selfTest(final String name, final Supplier<HmacSha256Engine> factory)
        {
            final String description = DESCRIPTIONS.get(name);
            String failure;
            String kernel = "";
            try (HmacSha256Engine engine = factory.get())
            {
                failure = HmacSelfTest.failure(engine);
                if (engine instanceof NativeHmac)
                {
                    kernel = "kernel " + ((NativeHmac)engine).kernel().token() + ": ";
                }
            }
            catch (final RuntimeException | LinkageError ex)
            {
                failure = "unavailable: " + ex.getMessage();
            }

            if (failure != null)
            {
                // NativeKernels already said once why the native layer is out; do not repeat it per engine.
                LOGGER.log(failure.startsWith("unavailable: " + NativeKernels.UNAVAILABLE) ? Level.DEBUG : Level.WARNING,
                    "HMAC engine {0} is not used: {1}", name, failure);
                return new EngineStatus(name, description, false, failure);
            }
            return new EngineStatus(name, description, true, kernel + HmacSelfTest.coverage());
        }
    }
}

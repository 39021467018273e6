package org.amfkeys.hmac;

import org.amfkeys.InvalidParameterException;

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
 * error is given, never a silent substitute. A name that is unknown, or whose engine failed its
 * self-test here, is an {@link InvalidParameterException} naming the property and the engines usable
 * here: the property is an input like any other, and the command-line tool reports it in one line.
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
     * @throws InvalidParameterException naming {@value #ENGINE_PROPERTY} when it names an engine or
     *                                   kernel that is unknown or failed its self-test here.
     * @throws IllegalStateException     when no engine passed its self-test.
     */
    public static HmacSha256Engine newEngine()
    {
        final String forced = System.getProperty(ENGINE_PROPERTY);
        if (forced != null && !forced.isBlank())
        {
            return newEngine(ENGINE_PROPERTY, forced.trim());
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
     * @throws InvalidParameterException naming {@code engine} when the engine or kernel is unknown or
     *                                   failed its self-test here.
     */
    public static HmacSha256Engine newEngine(final String name)
    {
        return newEngine("engine", name);
    }

    private static HmacSha256Engine newEngine(final String parameter, final String name)
    {
        if (name == null)
        {
            throw InvalidParameterException.missing(parameter, allowedEngines());
        }
        final int slash = name.indexOf('/');
        if (slash > 0)
        {
            return newNativeEngine(parameter, name.substring(0, slash), name.substring(slash + 1));
        }
        final EngineStatus status = Registry.STATUS.get(name);
        if (status == null)
        {
            throw new InvalidParameterException(parameter, InvalidParameterException.quote(name) + " is no HMAC engine",
                allowedEngines());
        }
        if (!status.usable())
        {
            throw new InvalidParameterException(parameter, name + " is not usable here (" + status.detail() + ")",
                allowedEngines());
        }
        return Registry.FACTORIES.get(name).get();
    }

    /**
     * @return the engine names usable here, for a message.
     */
    private static String allowedEngines()
    {
        final List<String> usable = new ArrayList<>();
        Registry.STATUS.values().stream().filter(EngineStatus::usable).forEach(status -> usable.add(status.name()));
        return (usable.isEmpty() ? "none: no engine passed its self-test here" : String.join(", ", usable)) +
            (usable.contains(NATIVE_SINGLE) || usable.contains(NATIVE_BATCH) ?
                "; a native one may name its kernel, e.g. " + NATIVE_BATCH + "/sha-ni" : "");
    }

    private static HmacSha256Engine newNativeEngine(final String parameter, final String engine, final String kernelName)
    {
        if (!engine.equals(NATIVE_SINGLE) && !engine.equals(NATIVE_BATCH))
        {
            throw new InvalidParameterException(parameter, InvalidParameterException.quote(engine) + " takes no kernel",
                NATIVE_SINGLE + "/<kernel> or " + NATIVE_BATCH + "/<kernel>");
        }
        final NativeKernel kernel = NativeKernel.find(kernelName);
        if (kernel == null)
        {
            throw new InvalidParameterException(parameter, "kernel " + InvalidParameterException.quote(kernelName) + " is unknown",
                engine + "/ and one of " + NativeKernel.tokens());
        }
        final boolean usable = NativeKernels.status().kernels().stream()
            .anyMatch(status -> status.kernel() == kernel && status.usable());
        if (!usable)
        {
            throw new InvalidParameterException(parameter, "native kernel " + kernelName + " is not usable here",
                "a kernel that passed its self-test: " + NativeKernels.status().kernels());
        }
        return engine.equals(NATIVE_SINGLE) ?
            new NativeHmac(NATIVE_SINGLE + "/" + kernel.token(), kernel) :
            new NativeBatchHmac(NATIVE_BATCH + "/" + kernel.token(), kernel);
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

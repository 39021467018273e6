package org.amfkeys.hmac;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault tests, each in a fresh JVM because engines are chosen once per JVM: with the library missing,
 * with kernels forced to fail their self-test, with a record layout that differs from Java's, and with
 * CPU features masked, amfkeys falls back, says so once, and every key stays right. Faults are injected
 * into the test variant of the library ({@link NativeTestHooksTest#testVariant()}); the library in the
 * jar has no hook, and asking it for a fault leaves the native engines unused.
 */
class NativeFallbackTest
{
    @BeforeEach
    void nativeBuilt()
    {
        Assumptions.assumeTrue(HmacEngines.nativeStatus().loaded(), "the fallbacks are from a native library that loads");
    }

    @Test
    void libraryMissing() throws Exception
    {
        final Probe probe = run("-D" + NativeLibrary.LIBRARY_PROPERTY + "=/nonexistent/libamfkeys.so");
        assertEquals("false", probe.get("native"));
        assertEquals(HmacEngines.JAVA_INTRINSIC, probe.get("default"));
        probe.assertRight();
        assertEquals("RIGHT", probe.get("table"), "located table reads without the native prefetch: " + probe.log);
        assertEquals(1, probe.logged("native library not used"), probe.log);
        assertEquals(0, probe.logged("WARNING"), probe.log);
    }

    @Test
    void avx512KernelFailsItsSelfTest() throws Exception
    {
        Assumptions.assumeTrue(supported(NativeKernel.AVX512));
        final Probe probe = run(testVariant(), "-D" + NativeLibrary.FAULT_PROPERTY + "=avx512");
        assertEquals("true", probe.get("native"));
        assertEquals("sha-ni", probe.get("batch"));
        assertEquals(HmacEngines.NATIVE_SINGLE, probe.get("default"));
        probe.assertRight();
        assertEquals(1, probe.logged("native kernel avx512 is not used"), probe.log);
        assertEquals(1, probe.logged("WARNING"), probe.log);
    }

    @Test
    void everyKernelFailsItsSelfTest() throws Exception
    {
        final Probe probe = run(testVariant(), "-D" + NativeLibrary.FAULT_PROPERTY + "=avx512,sha-ni,openssl");
        assertEquals("true", probe.get("native"));
        assertEquals("none", probe.get("batch"));
        assertEquals(HmacEngines.JAVA_INTRINSIC, probe.get("default"));
        probe.assertRight();
        for (final NativeKernel kernel : NativeKernel.values())
        {
            assertEquals(supported(kernel) ? 1 : 0, probe.logged("native kernel " + kernel.token() + " is not used"), probe.log);
        }
        assertEquals(0, probe.logged("HMAC engine native"), "engines repeat what the kernels said: " + probe.log);
    }

    /** The test variant without a fault is the library in the jar plus a hook: every kernel passes. */
    @Test
    void testVariantWithoutAFaultIsHealthy() throws Exception
    {
        final Probe probe = run(testVariant());
        assertEquals("true", probe.get("native"));
        assertEquals(HmacEngines.nativeStatus().batchKernel().orElseThrow().token(), probe.get("batch"));
        assertEquals(HmacEngines.NATIVE_SINGLE, probe.get("default"));
        probe.assertRight();
        assertEquals(0, probe.logged("WARNING"), probe.log);
    }

    /**
     * The library in the jar has no fault hook. Asked for a fault, it is not used at all (rather than
     * run unfaulted, which would let a fault test pass for nothing), and the reason is shown once.
     */
    @Test
    void faultAskedOfTheLibraryInTheJarIsRefused() throws Exception
    {
        final Probe probe = run("-D" + NativeLibrary.FAULT_PROPERTY + "=avx512");
        assertEquals("false", probe.get("native"));
        assertEquals("none", probe.get("batch"));
        assertEquals(HmacEngines.JAVA_INTRINSIC, probe.get("default"));
        probe.assertRight();
        assertEquals(NativeLibrary.FAULT_PROPERTY + " needs the test variant of the library (libamfkeys-test.so, built with " +
            "AMFKEYS_TEST_HOOKS), and this one has no test hooks (classpath " + NativeLibrary.RESOURCE + ")", probe.get("library"));
        assertEquals(1, probe.logged("needs the test variant"), probe.log);
        assertEquals(1, probe.logged("WARNING"), probe.log);
        assertEquals(0, probe.logged("UnsatisfiedLinkError"), "no stack trace or error class for users: " + probe.log);
    }

    /**
     * A library whose records differ from HmacRecordDescriptor would read keys and write MACs in the
     * wrong places: it is not used, the native engines say why, and the Java engines give every key.
     */
    @Test
    void recordLayoutThatDiffersDisablesTheNativeEngines() throws Exception
    {
        final Probe probe = run(testVariant(), "-D" + NativeLibrary.FAULT_PROPERTY + "=" + NativeLibrary.LAYOUT_FAULT);
        assertEquals("false", probe.get("native"));
        assertEquals("none", probe.get("batch"));
        assertEquals("none", probe.get("single"));
        assertEquals(HmacEngines.JAVA_INTRINSIC, probe.get("default"));
        probe.assertRight();
        final String reason = NativeRecordLayoutTest.DIFFERS + "mac offset is 356 in the library, 352 in Java";
        assertTrue(probe.get("library").startsWith(reason + " ("), probe.get("library"));
        assertTrue(probe.get("nativeEngines").contains(reason), probe.get("nativeEngines"));
        assertEquals(1, probe.logged(reason), probe.log);
        assertEquals(1, probe.logged("WARNING"), probe.log);
    }

    @Test
    void unknownFaultIsNamed() throws Exception
    {
        final Probe probe = run(testVariant(), "-D" + NativeLibrary.FAULT_PROPERTY + "=avx512,bogus");
        assertEquals("false", probe.get("native"));
        probe.assertRight();
        assertTrue(probe.get("library").startsWith(
            "amfkeys.native.fault: 'bogus' is unknown; allowed: avx512, sha-ni, openssl, layout ("), probe.get("library"));
    }

    @Test
    void avx512Masked() throws Exception
    {
        Assumptions.assumeTrue(supported(NativeKernel.SHA_NI));
        final Probe probe = run("-D" + NativeLibrary.CPU_MASK_PROPERTY + "=avx512f");
        assertEquals("sha-ni", probe.get("batch"));
        probe.assertRight();
        assertEquals(1, probe.logged("native kernel avx512 needs"), probe.log);
    }

    @Test
    void shaNiAndAvx512Masked() throws Exception
    {
        final Probe probe = run("-D" + NativeLibrary.CPU_MASK_PROPERTY + "=avx512f,sha_ni");
        assertEquals("openssl", probe.get("batch"));
        assertEquals("openssl", probe.get("single"));
        probe.assertRight();
        assertEquals(1, probe.logged("native kernel sha-ni needs"), probe.log);
    }

    /**
     * An unknown forced kernel used to throw in NativeKernels' static initializer: the first use was an
     * ExceptionInInitializerError and every later one a NoClassDefFoundError (the self-test command
     * died with one). Now no native kernel is chosen, the property is named once, and Java engines run.
     */
    @Test
    void unknownForcedKernelIsNamedAndLeavesJavaEngines() throws Exception
    {
        final Probe probe = run("-D" + NativeLibrary.KERNEL_PROPERTY + "=bogus");
        assertEquals("true", probe.get("native"));
        assertEquals("none", probe.get("batch"));
        assertEquals("none", probe.get("single"));
        assertEquals(HmacEngines.JAVA_INTRINSIC, probe.get("default"));
        probe.assertRight();
        assertTrue(probe.logged("amfkeys.native.kernel: 'bogus' is unknown; allowed: avx512, sha-ni, openssl") >= 1, probe.log);
        assertEquals(0, probe.logged("Error"), probe.log);
    }

    /**
     * The AVX-512 kernel computes each chunk of a batch the way measured fastest at load, which on one
     * machine may never pick some of them: each way, forced in turn through the test variant, gives the
     * JDK's MAC on every batch size from 1 to 67, for key schedules, raw keys, a mix, and raw keys in equal pairs.
     */
    @Test
    void everyBatchPlanGivesTheJdksMacsOnEveryBatchSize() throws Exception
    {
        Assumptions.assumeTrue(supported(NativeKernel.AVX512) && supported(NativeKernel.SHA_NI),
            "a plan is chosen only with both kernels");
        for (final String plan : NativeLibrary.BATCH_PLANS)
        {
            final Probe probe = run(BatchPlanProbe.class, testVariant(), "-D" + NativeLibrary.BATCH_PLAN_PROPERTY + "=" + plan);
            assertTrue(probe.get("native").startsWith("true"), plan + ": " + probe.get("native") + probe.log);
            assertEquals("RIGHT", probe.get("keys"), plan + ": " + probe.get("wrong") + probe.log);
        }
        // What the calibration chose: a plan for every size and kind of chunk, a group and SHA-NI only past 16 lanes.
        final Probe calibrated = run(BatchPlanProbe.class, testVariant());
        final String[] plans = calibrated.get("plans").replaceAll("[\\[\\] ]", "").split(",");
        assertEquals(NativeLibrary.BATCH_CHUNK_KINDS.size() * NativeLibrary.BATCH_CHUNK, plans.length, calibrated.get("plans"));
        for (int i = 0; i < plans.length; i++)
        {
            final int plan = Integer.parseInt(plans[i]);
            final int lanes = i % 32 + 1;
            final boolean known = plan >= 0 && plan < NativeLibrary.BATCH_PLANS.size();
            assertTrue(known && (plan != 2 || lanes > 16), calibrated.get("plans"));
        }
    }

    /** Like a fault, a forced plan needs the test variant; an unknown one is named with the allowed ones. */
    @Test
    void aBatchPlanIsRefusedByTheLibraryInTheJarAndAnUnknownOneIsNamed() throws Exception
    {
        final Probe inJar = run("-D" + NativeLibrary.BATCH_PLAN_PROPERTY + "=groups");
        assertEquals("false", inJar.get("native"));
        inJar.assertRight();
        assertTrue(inJar.get("library").startsWith(NativeLibrary.BATCH_PLAN_PROPERTY + " needs the test variant"), inJar.get("library"));
        final Probe unknown = run(testVariant(), "-D" + NativeLibrary.BATCH_PLAN_PROPERTY + "=fastest");
        assertEquals("false", unknown.get("native"));
        unknown.assertRight();
        final String named = NativeLibrary.BATCH_PLAN_PROPERTY + ": 'fastest' is unknown; allowed: groups, sha-ni, group-and-sha-ni";
        assertTrue(unknown.get("library").startsWith(named), unknown.get("library"));
    }

    private static String testVariant()
    {
        return "-D" + NativeLibrary.LIBRARY_PROPERTY + "=" + NativeTestHooksTest.testVariant();
    }

    private static boolean supported(final NativeKernel kernel)
    {
        return HmacEngines.nativeStatus().kernels().stream().anyMatch(k -> k.kernel() == kernel && k.supported());
    }

    private static Probe run(final String... properties) throws IOException, InterruptedException
    {
        return run(FallbackProbe.class, properties);
    }

    private static Probe run(final Class<?> probe, final String... properties) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.addAll(List.of(properties));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(probe.getName());
        final Path err = Files.createTempFile("probe", ".err");
        try
        {
            final Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
            final String log = Files.readString(err);
            assertEquals(0, process.exitValue(), out + log);
            return new Probe(out, log);
        }
        finally
        {
            Files.deleteIfExists(err);
        }
    }

    private static final class Probe
    {
        private static final Pattern LINE = Pattern.compile("^(\\w+)=(.*)$", Pattern.MULTILINE);
        private final Map<String, String> values = new java.util.HashMap<>();
        private final String log;

        Probe(final String out, final String log)
        {
            this.log = log;
            final Matcher matcher = LINE.matcher(out);
            while (matcher.find())
            {
                values.put(matcher.group(1), matcher.group(2).trim());
            }
        }

        String get(final String key)
        {
            return values.get(key);
        }

        void assertRight()
        {
            assertEquals("PASS", get("selftest"), values + log);
            assertEquals("RIGHT", get("keys"), values + log);
        }

        int logged(final String text)
        {
            int count = 0;
            for (int at = log.indexOf(text); at >= 0; at = log.indexOf(text, at + 1))
            {
                count++;
            }
            return count;
        }
    }
}

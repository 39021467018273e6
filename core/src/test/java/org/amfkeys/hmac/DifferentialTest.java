package org.amfkeys.hmac;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every engine and every native kernel against the JDK's {@code Mac} and OpenSSL's {@code HMAC()}: one
 * million random derivations each (keys of 1 to 64 octets, S of 1 to 200 octets), batches of every size
 * from 1 to 67 (so that 16- and 32-lane groups have leftover lanes), with new keys and with precomputed
 * key schedules.
 */
class DifferentialTest
{
    static final int DERIVATIONS = 1_000_000;
    private static final int MAX_BATCH = 67;
    private static final int MAX_S = 200;

    /** Expected MACs, 32 octets each; key schedules (computed by the JDK-intrinsic engine), 64 octets each. */
    private static byte[] expected;
    private static byte[] schedules;

    @BeforeAll
    static void references() throws Exception
    {
        if (expected != null)
        {
            return;
        }
        expected = new byte[DERIVATIONS * 32];
        schedules = new byte[DERIVATIONS * 64];
        final Mac jdk = Mac.getInstance("HmacSHA256");
        final byte[] key = new byte[64];
        final byte[] s = new byte[MAX_S];
        final KeySchedule schedule = new KeySchedule();
        try (HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_INTRINSIC))
        {
            for (int i = 0; i < DERIVATIONS; i++)
            {
                final int keyLength = keyLength(i);
                final int sLength = sLength(i);
                fill(i, key, keyLength, s, sLength);
                jdk.init(new SecretKeySpec(key, 0, keyLength, "HmacSHA256"));
                jdk.update(s, 0, sLength);
                jdk.doFinal(expected, i * 32);
                java.computeSchedule(key, 0, keyLength, schedule);
                schedule.buffer().getBytes(schedule.offset(), schedules, i * 64, 64);
            }
        }
    }

    static Stream<String> singleEngines()
    {
        final List<String> engines = new ArrayList<>(List.of(HmacEngines.JAVA_INTRINSIC, HmacEngines.JAVA_PORTABLE,
            HmacEngines.JNA_LIBCRYPTO));
        for (final NativeKernel kernel : supportedKernels())
        {
            engines.add(HmacEngines.NATIVE_SINGLE + "/" + kernel.token());
        }
        return engines.stream();
    }

    static Stream<NativeKernel> batchKernels()
    {
        return supportedKernels().stream();
    }

    private static List<NativeKernel> supportedKernels()
    {
        final List<NativeKernel> kernels = new ArrayList<>();
        for (final NativeStatus.KernelStatus status : HmacEngines.nativeStatus().kernels())
        {
            if (status.supported())
            {
                kernels.add(status.kernel());
            }
        }
        return kernels;
    }

    @Test
    void theJdkAndOpenSslAgreeOnEveryReference()
    {
        if (!HmacEngines.nativeStatus().loaded())
        {
            assertTrue(!NativeLibraryTest.nativeRequired(), "native library required for OpenSSL's HMAC()");
            return;
        }
        final byte[] key = new byte[64];
        final byte[] s = new byte[MAX_S];
        final byte[] mac = new byte[32];
        int mismatches = 0;
        try (HmacRecords records = new HmacRecords(256))
        {
            for (int first = 0; first < DERIVATIONS; first += 256)
            {
                final int n = Math.min(256, DERIVATIONS - first);
                for (int j = 0; j < n; j++)
                {
                    final int i = first + j;
                    fill(i, key, keyLength(i), s, sLength(i));
                    records.key(j, key, 0, keyLength(i)).message(j, s, 0, sLength(i));
                }
                assertEquals(n, NativeLibrary.opensslHmacRecords(records.address(), n));
                for (int j = 0; j < n; j++)
                {
                    records.mac(j, mac, 0);
                    mismatches += Arrays.equals(mac, 0, 32, expected, (first + j) * 32, (first + j) * 32 + 32) ? 0 : 1;
                }
            }
        }
        assertEquals(0, mismatches, "OpenSSL HMAC() differs from the JDK's Mac");
    }

    @ParameterizedTest(allowZeroInvocations = true)
    @MethodSource("batchKernels")
    void batchKernelWithNewKeysAndWithSchedules(final NativeKernel kernel)
    {
        final byte[] key = new byte[64];
        final byte[] s = new byte[MAX_S];
        final byte[] mac = new byte[32];
        final KeySchedule schedule = new KeySchedule(new UnsafeBuffer(schedules), 0);
        final List<String> failures = new ArrayList<>();
        try (NativeBatchHmac engine = (NativeBatchHmac)HmacEngines.newEngine(HmacEngines.NATIVE_BATCH + "/" + kernel.token());
            HmacRecords records = new HmacRecords(MAX_BATCH))
        {
            for (final boolean precomputed : new boolean[] {false, true})
            {
                int batch = 0;
                for (int first = 0; first < DERIVATIONS; first += batch)
                {
                    batch = Math.min(1 + (first / 7) % MAX_BATCH, DERIVATIONS - first);
                    for (int j = 0; j < batch; j++)
                    {
                        final int i = first + j;
                        fill(i, key, keyLength(i), s, sLength(i));
                        if (precomputed)
                        {
                            records.schedule(j, schedule.wrap(schedule.buffer(), i * 64));
                        }
                        else
                        {
                            records.key(j, key, 0, keyLength(i));
                        }
                        records.message(j, s, 0, sLength(i));
                    }
                    engine.process(records, batch);
                    for (int j = 0; j < batch; j++)
                    {
                        records.mac(j, mac, 0);
                        check(failures, first + j, mac, "batch of " + batch + (precomputed ? ", schedule" : ", new key"));
                    }
                }
            }
        }
        assertEquals(List.of(), failures, kernel.token());
    }

    /**
     * Keys repeated as 3GPP repeats them (RES* and KAUSF from one CK || IK, NAS keys from one KAMF), where
     * a kernel may compute a key's schedule once for neighbouring records: equal keys, keys equal but
     * for their length, and a raw key beside its own schedule, at every batch size to 67.
     */
    @ParameterizedTest(allowZeroInvocations = true)
    @MethodSource("batchKernels")
    void batchKernelWithKeysRepeatedInNeighbouringRecords(final NativeKernel kernel) throws Exception
    {
        final Mac jdk = Mac.getInstance("HmacSHA256");
        final SplittableRandom random = new SplittableRandom(0x33501_0002L);
        final byte[][] keys = new byte[MAX_BATCH][];
        final byte[][] messages = new byte[MAX_BATCH][];
        final byte[] expectedMac = new byte[32];
        final byte[] mac = new byte[32];
        final KeySchedule schedule = new KeySchedule();
        final List<String> failures = new ArrayList<>();
        try (NativeBatchHmac engine = (NativeBatchHmac)HmacEngines.newEngine(HmacEngines.NATIVE_BATCH + "/" + kernel.token());
            HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_INTRINSIC);
            HmacRecords records = new HmacRecords(MAX_BATCH))
        {
            for (int round = 0; round < 30_000; round++)
            {
                final int batch = 1 + round % MAX_BATCH;
                for (int j = 0; j < batch; j++)
                {
                    final int kind = random.nextInt(8);
                    if (j > 0 && kind < 4)
                    {
                        keys[j] = keys[j - 1].clone();
                    }
                    else if (j > 0 && kind == 4 && keys[j - 1].length > 1)
                    {
                        keys[j] = Arrays.copyOf(keys[j - 1], keys[j - 1].length - 1);
                    }
                    else
                    {
                        keys[j] = new byte[1 + random.nextInt(64)];
                        random.nextBytes(keys[j]);
                    }
                    messages[j] = new byte[random.nextInt(MAX_S + 1)];
                    random.nextBytes(messages[j]);
                    if (kind == 5)
                    {
                        java.computeSchedule(keys[j], 0, keys[j].length, schedule);
                        records.schedule(j, schedule);
                    }
                    else
                    {
                        records.key(j, keys[j], 0, keys[j].length);
                    }
                    records.message(j, messages[j], 0, messages[j].length);
                }
                engine.process(records, batch);
                for (int j = 0; j < batch && failures.size() < 5; j++)
                {
                    jdk.init(new SecretKeySpec(keys[j], "HmacSHA256"));
                    jdk.update(messages[j]);
                    jdk.doFinal(expectedMac, 0);
                    records.mac(j, mac, 0);
                    if (!Arrays.equals(expectedMac, mac))
                    {
                        failures.add("round " + round + ", batch of " + batch + ", record " + j);
                    }
                }
            }
        }
        schedule.clear();
        assertEquals(List.of(), failures, kernel.token());
    }

    @ParameterizedTest
    @MethodSource("singleEngines")
    void singleEngineWithNewKeysAndWithSchedules(final String name)
    {
        final byte[] key = new byte[64];
        final byte[] s = new byte[MAX_S];
        final byte[] mac = new byte[32];
        final KeySchedule precomputed = new KeySchedule(new UnsafeBuffer(schedules), 0);
        final KeySchedule own = new KeySchedule();
        final List<String> failures = new ArrayList<>();
        try (HmacSha256Engine engine = HmacEngines.newEngine(name))
        {
            for (int i = 0; i < DERIVATIONS; i++)
            {
                fill(i, key, keyLength(i), s, sLength(i));
                final KeySchedule schedule;
                if ((i & 1) == 0)
                {
                    engine.computeSchedule(key, 0, keyLength(i), own);
                    schedule = own;
                }
                else
                {
                    schedule = precomputed.wrap(precomputed.buffer(), i * 64);
                }
                engine.mac(schedule, s, 0, sLength(i), mac, 0);
                check(failures, i, mac, (i & 1) == 0 ? "new key" : "schedule");
            }
        }
        assertEquals(List.of(), failures, name);
    }

    private static void check(final List<String> failures, final int i, final byte[] mac, final String how)
    {
        if (!Arrays.equals(mac, 0, 32, expected, i * 32, i * 32 + 32) && failures.size() < 5)
        {
            failures.add("derivation " + i + " (" + how + ", key " + keyLength(i) + " octets, S " + sLength(i) + " octets)");
        }
    }

    static int keyLength(final int i)
    {
        return 1 + (int)(mix(i, 1) % 64);
    }

    static int sLength(final int i)
    {
        return 1 + (int)(mix(i, 2) % MAX_S);
    }

    static void fill(final int i, final byte[] key, final int keyLength, final byte[] s, final int sLength)
    {
        long x = mix(i, 3);
        for (int k = 0; k < keyLength; k++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            key[k] = (byte)(x >>> 56);
        }
        for (int k = 0; k < sLength; k++)
        {
            x = x * 6364136223846793005L + 1442695040888963407L;
            s[k] = (byte)(x >>> 56);
        }
    }

    private static long mix(final int i, final int stream)
    {
        long z = (i * 0x9E3779B97F4A7C15L) ^ (stream * 0xBF58476D1CE4E5B9L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }
}

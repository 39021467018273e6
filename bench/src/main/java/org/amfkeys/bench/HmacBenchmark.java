package org.amfkeys.bench;

import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.hmac.KeySchedule;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;

/**
 * One HMAC-SHA-256 over the 10-octet input string of a KgNB derivation, keyed by a 32-octet key:
 * amfkeys' pure-Java engines against the JDK's {@code Mac} (SunJCE) and Bouncy Castle's {@code HMac},
 * with a new key per derivation and with one key reused.
 * <p>
 * "New key" cycles through 1024 keys so that no path can cache one key's pads; "same key" reuses one
 * key, where amfkeys starts from the key's precomputed schedule.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class HmacBenchmark
{
    private static final int KEYS = 1024;

    /** Inputs shared by every path. */
    @State(Scope.Thread)
    public static class Inputs
    {
        final byte[][] keys = new byte[KEYS][32];
        final byte[] s = {0x6e, 0, 0, 0, 1, 0, 4, 1, 0, 1};
        final byte[] out = new byte[32];
        int next;

        @Setup
        public void setUp()
        {
            final SplittableRandom random = new SplittableRandom(33501);
            for (final byte[] key : keys)
            {
                random.nextBytes(key);
            }
        }

        byte[] nextKey()
        {
            next = (next + 1) & (KEYS - 1);
            return keys[next];
        }
    }

    /** An amfkeys engine. */
    @State(Scope.Thread)
    public static class Amfkeys
    {
        @Param({HmacEngines.JAVA_INTRINSIC, HmacEngines.JAVA_PORTABLE})
        public String engine;

        HmacSha256Engine hmac;
        final KeySchedule schedule = new KeySchedule();
        final KeySchedule reused = new KeySchedule();

        @Setup(Level.Trial)
        public void setUp(final Inputs inputs)
        {
            hmac = HmacEngines.newEngine(engine);
            hmac.computeSchedule(inputs.keys[0], 0, 32, reused);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            hmac.close();
        }
    }

    /** SunJCE's HmacSHA256. */
    @State(Scope.Thread)
    public static class Jdk
    {
        Mac mac;

        @Setup(Level.Trial)
        public void setUp(final Inputs inputs) throws GeneralSecurityException
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(inputs.keys[0], "HmacSHA256"));
        }
    }

    /** Bouncy Castle's HMac over SHA256Digest. */
    @State(Scope.Thread)
    public static class BouncyCastle
    {
        final HMac mac = new HMac(new SHA256Digest());

        @Setup(Level.Trial)
        public void setUp(final Inputs inputs)
        {
            mac.init(new KeyParameter(inputs.keys[0]));
        }
    }

    /**
     * @return the MAC.
     */
    @Benchmark
    public byte[] amfkeysNewKey(final Inputs inputs, final Amfkeys amfkeys)
    {
        final byte[] key = inputs.nextKey();
        amfkeys.hmac.computeSchedule(key, 0, key.length, amfkeys.schedule);
        amfkeys.hmac.mac(amfkeys.schedule, inputs.s, 0, inputs.s.length, inputs.out, 0);
        return inputs.out;
    }

    /**
     * @return the MAC.
     */
    @Benchmark
    public byte[] amfkeysSameKey(final Inputs inputs, final Amfkeys amfkeys)
    {
        amfkeys.hmac.mac(amfkeys.reused, inputs.s, 0, inputs.s.length, inputs.out, 0);
        return inputs.out;
    }

    /**
     * @return the MAC.
     */
    @Benchmark
    public byte[] jdkMacNewInstance(final Inputs inputs) throws GeneralSecurityException
    {
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(inputs.nextKey(), "HmacSHA256"));
        mac.update(inputs.s);
        mac.doFinal(inputs.out, 0);
        return inputs.out;
    }

    /**
     * @return the MAC.
     */
    @Benchmark
    public byte[] jdkMacNewKey(final Inputs inputs, final Jdk jdk) throws GeneralSecurityException
    {
        jdk.mac.init(new SecretKeySpec(inputs.nextKey(), "HmacSHA256"));
        jdk.mac.update(inputs.s);
        jdk.mac.doFinal(inputs.out, 0);
        return inputs.out;
    }

    /**
     * @return the MAC.
     */
    @Benchmark
    public byte[] jdkMacSameKey(final Inputs inputs, final Jdk jdk) throws ShortBufferException
    {
        jdk.mac.update(inputs.s);
        jdk.mac.doFinal(inputs.out, 0);
        return inputs.out;
    }

    /**
     * @return the MAC.
     */
    @Benchmark
    public byte[] bouncyCastleNewKey(final Inputs inputs, final BouncyCastle bc)
    {
        bc.mac.init(new KeyParameter(inputs.nextKey()));
        bc.mac.update(inputs.s, 0, inputs.s.length);
        bc.mac.doFinal(inputs.out, 0);
        return inputs.out;
    }

    /**
     * @return the MAC.
     */
    @Benchmark
    public byte[] bouncyCastleSameKey(final Inputs inputs, final BouncyCastle bc)
    {
        bc.mac.update(inputs.s, 0, inputs.s.length);
        bc.mac.doFinal(inputs.out, 0);
        return inputs.out;
    }
}

package org.amfkeys.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.hmac.KeyScheduleDescriptor;
import org.amfkeys.hmac.NativeBatchHmac;
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
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one derivation (HMAC-SHA-256 over the 10-octet S of KgNB, 32-octet key) on every path a
 * user could take, in one run: the JDK's SunJCE, Bouncy Castle, Amazon Corretto Crypto Provider,
 * OpenSSL through JNA, and every amfkeys engine and native kernel; with a new key per derivation and
 * with the key's state kept ("precomputed"). {@link #perCall} computes one derivation per operation;
 * {@link #nativeBatch} computes a whole batch per operation, so its ns/op is divided by the batch size
 * ({@code amfkeys bench-report} does that).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class DerivationCostBenchmark
{
    private static final int KEYS = 1024;
    private static final int JCA = 0;
    private static final int BOUNCY_CASTLE = 1;
    private static final int OPENSSL_JNA = 2;
    private static final int AMFKEYS = 3;
    static final byte[] S = {0x6e, 0, 0, 0, 1, 0, 4, 1, 0, 1};

    /** One derivation per call. */
    @State(Scope.Thread)
    public static class PerCall
    {
        @Param({"sunjce", "bouncycastle", "accp", "openssl-jna",
            "amfkeys-native-single/sha-ni", "amfkeys-native-single/openssl",
            "amfkeys-java-intrinsic", "amfkeys-jna-libcrypto", "amfkeys-java-portable"})
        public String path;

        @Param({"new", "precomputed"})
        public String key;

        final byte[][] keys = new byte[KEYS][32];
        final byte[] out = new byte[32];
        int next;
        boolean precomputed;
        Mac mac;
        HMac bc;
        HmacSha256Engine engine;
        final KeySchedule schedule = new KeySchedule();
        /**
         * The kept schedule lies off the heap, aligned, as in a context table's slot, where the AMF
         * keeps KAMF's: a native engine reads it in place.
         */
        final KeySchedule reused = new KeySchedule(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(KeyScheduleDescriptor.LENGTH, BitUtil.CACHE_LINE_LENGTH)), 0);
        /** The path as a small number, so that the measured call dispatches on an int, not a string. */
        int kind;
        UnsafeBuffer direct;
        long md;
        long context;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException
        {
            final SplittableRandom random = new SplittableRandom(33501);
            for (final byte[] k : keys)
            {
                random.nextBytes(k);
            }
            precomputed = key.equals("precomputed");
            kind = switch (path)
            {
                case "sunjce", "accp" -> JCA;
                case "bouncycastle" -> BOUNCY_CASTLE;
                case "openssl-jna" -> OPENSSL_JNA;
                default -> AMFKEYS;
            };
            switch (path)
            {
                case "sunjce" -> mac = Mac.getInstance("HmacSHA256", "SunJCE");
                case "accp" ->
                {
                    AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
                    mac = Mac.getInstance("HmacSHA256", AmazonCorrettoCryptoProvider.INSTANCE);
                }
                case "bouncycastle" -> bc = new HMac(new SHA256Digest());
                case "openssl-jna" ->
                {
                    direct = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
                    md = OpensslJna.EVP_sha256();
                    context = OpensslJna.HMAC_CTX_new();
                }
                default -> engine = HmacEngines.newEngine(path.substring("amfkeys-".length()));
            }
            if (mac != null)
            {
                mac.init(new SecretKeySpec(keys[0], "HmacSHA256"));
            }
            if (bc != null)
            {
                bc.init(new KeyParameter(keys[0]));
            }
            if (engine != null)
            {
                engine.computeSchedule(keys[0], 0, 32, reused);
            }
            if (direct != null)
            {
                direct.putBytes(0, keys[0]);
                direct.putBytes(64, S);
                OpensslJna.HMAC_Init_ex(context, direct.addressOffset(), 32, md, 0);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            reused.clear();
            schedule.clear();
            if (engine != null)
            {
                engine.close();
            }
            if (context != 0)
            {
                OpensslJna.HMAC_CTX_free(context);
            }
        }

        byte[] nextKey()
        {
            next = (next + 1) & (KEYS - 1);
            return keys[next];
        }
    }

    /** A batch of records for the native batch engine. */
    @State(Scope.Thread)
    public static class Batch
    {
        @Param({"avx512", "sha-ni", "openssl"})
        public String kernel;

        @Param({"new", "precomputed"})
        public String key;

        @Param({"1", "8", "64", "256"})
        public int size;

        NativeBatchHmac engine;
        HmacRecords records;

        @Setup(Level.Trial)
        public void setUp()
        {
            engine = (NativeBatchHmac)HmacEngines.newEngine(HmacEngines.NATIVE_BATCH + "/" + kernel);
            records = new HmacRecords(size);
            final SplittableRandom random = new SplittableRandom(33501);
            final byte[] k = new byte[32];
            final KeySchedule schedule = new KeySchedule();
            for (int i = 0; i < size; i++)
            {
                random.nextBytes(k);
                if (key.equals("precomputed"))
                {
                    engine.computeSchedule(k, 0, 32, schedule);
                    records.schedule(i, schedule);
                }
                else
                {
                    records.key(i, k, 0, 32);
                }
                records.message(i, S, 0, S.length);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            records.close();
            engine.close();
        }
    }

    /**
     * @param state the path and key mode.
     * @return the MAC.
     * @throws GeneralSecurityException never, for a valid key.
     */
    @Benchmark
    public byte[] perCall(final PerCall state) throws GeneralSecurityException
    {
        final byte[] out = state.out;
        switch (state.kind)
        {
            case JCA ->
            {
                if (!state.precomputed)
                {
                    state.mac.init(new SecretKeySpec(state.nextKey(), "HmacSHA256"));
                }
                state.mac.update(S);
                state.mac.doFinal(out, 0);
            }
            case BOUNCY_CASTLE ->
            {
                if (!state.precomputed)
                {
                    state.bc.init(new KeyParameter(state.nextKey()));
                }
                state.bc.update(S, 0, S.length);
                state.bc.doFinal(out, 0);
            }
            case OPENSSL_JNA ->
            {
                final UnsafeBuffer direct = state.direct;
                final long address = direct.addressOffset();
                if (state.precomputed)
                {
                    OpensslJna.HMAC_Init_ex(state.context, 0, 0, 0, 0);
                    OpensslJna.HMAC_Update(state.context, address + 64, S.length);
                    OpensslJna.HMAC_Final(state.context, address + 128, 0);
                }
                else
                {
                    direct.putBytes(0, state.nextKey());
                    OpensslJna.HMAC(state.md, address, 32, address + 64, S.length, address + 128, 0);
                }
                direct.getBytes(128, out);
            }
            default ->
            {
                if (state.precomputed)
                {
                    state.engine.mac(state.reused, S, 0, S.length, out, 0);
                }
                else
                {
                    final byte[] k = state.nextKey();
                    state.engine.computeSchedule(k, 0, k.length, state.schedule);
                    state.engine.mac(state.schedule, S, 0, S.length, out, 0);
                }
            }
        }
        return out;
    }

    /**
     * @param state the kernel, key mode and batch size.
     * @return the records, MACs computed.
     */
    @Benchmark
    public HmacRecords nativeBatch(final Batch state)
    {
        state.engine.process(state.records, state.size);
        return state.records;
    }
}

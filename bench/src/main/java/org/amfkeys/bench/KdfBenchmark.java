package org.amfkeys.bench;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Whole derivations through the allocation-free forms of {@link Kdf} (run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} should read 0 B/op), and the casual form for contrast.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class KdfBenchmark
{
    private Kdf kdf;
    private final byte[] kamf = new byte[32];
    private final byte[] ck = new byte[16];
    private final byte[] ik = new byte[16];
    private final byte[] sqnXorAk = new byte[6];
    private final KeySchedule kamfSchedule = new KeySchedule();
    private final byte[] nh = new byte[32];
    private final byte[] out = new byte[32];
    private final UnsafeBuffer outBuffer = new UnsafeBuffer(new byte[64]);
    private final Supi supi = Supi.parse("imsi-001010123456789");
    private final ServingNetworkName snn = ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org");
    private long count;

    /**
     * Keys and the KAMF schedule, computed once.
     */
    @Setup(Level.Trial)
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(33501);
        random.nextBytes(kamf);
        random.nextBytes(ck);
        random.nextBytes(ik);
        random.nextBytes(nh);
        kdf = new Kdf();
        kdf.computeSchedule(kamf, kamfSchedule);
    }

    /**
     * Zeroes the KDF's scratch.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        kdf.close();
    }

    /**
     * @return the buffer holding KgNB.
     */
    @Benchmark
    public UnsafeBuffer kgnbIntoBuffer()
    {
        kdf.kgnb(kamfSchedule, count++ & 0xFF_FFFF, AccessType.THREE_GPP, outBuffer, 8);
        return outBuffer;
    }

    /**
     * @return the array holding the next NH of the chain.
     */
    @Benchmark
    public byte[] nhChainStepInPlace()
    {
        kdf.nh(kamfSchedule, nh, nh, 0);
        return nh;
    }

    /**
     * @return the array holding KNASint.
     */
    @Benchmark
    public byte[] nasIntegrityKeyIntoArray()
    {
        kdf.algorithmKey(kamfSchedule, AlgorithmTypeDistinguisher.NAS_INT, 2, out, 0);
        return out;
    }

    /**
     * @return the array holding KAMF'.
     */
    @Benchmark
    public byte[] horizontalKamfIntoArray()
    {
        kdf.horizontalKamf(kamfSchedule, MobilityMode.HANDOVER, count++ & 0xFF_FFFF, out, 0);
        return out;
    }

    /**
     * @return the buffer holding KAMF (KSEAF scheduled once: the KAMF schedule stands in for it).
     */
    @Benchmark
    public UnsafeBuffer kamfIntoBuffer()
    {
        kdf.kamf(kamfSchedule, supi, Abba.DEFAULT, outBuffer, 0);
        return outBuffer;
    }

    /**
     * @return the array holding KAUSF; CK and IK are a one-off key, so this costs four compressions.
     */
    @Benchmark
    public byte[] kausfIntoArray()
    {
        kdf.kausf(ck, ik, snn, sqnXorAk, out, 0);
        return out;
    }

    /**
     * @return a new array holding KgNB: the casual form, with a raw key (four compressions and two allocations).
     */
    @Benchmark
    public byte[] kgnbCasual()
    {
        return kdf.kgnb(kamf, count++ & 0xFF_FFFF, AccessType.THREE_GPP);
    }
}

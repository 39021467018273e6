package org.amfkeys.bench;

import org.amfkeys.sim.aka.Aes128;
import org.amfkeys.sim.aka.JdkAes128;
import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.aka.MilenageOutputs;
import org.amfkeys.sim.aka.NativeAes128;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One subscriber's MILENAGE, as a registration needs it (f1 to f5* under the subscriber's own K), on
 * each AES-128 path: the JDK's {@code AES/ECB/NoPadding} (SunJCE, AES-NI through the JIT) and the
 * native AES-NI kernel. Keys cycle through 1024 subscribers so that no path keeps one key expanded.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class MilenageBenchmark
{
    private static final int SUBSCRIBERS = 1024;

    /** The AES-128 path. */
    @Param({"jdk", "aes-ni"})
    public String path;

    private final byte[][] k = new byte[SUBSCRIBERS][Milenage.K_LENGTH];
    private final byte[][] opc = new byte[SUBSCRIBERS][Milenage.OP_LENGTH];
    private final byte[] rand = new byte[Milenage.RAND_LENGTH];
    private final byte[] sqn = new byte[Milenage.SQN_LENGTH];
    private final byte[] amf = {(byte)0x80, 0};
    private final MilenageOutputs out = new MilenageOutputs();
    private Milenage milenage;
    private int next;

    /**
     * Draws the subscribers and opens the path.
     */
    @Setup
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(35206);
        for (int i = 0; i < SUBSCRIBERS; i++)
        {
            random.nextBytes(k[i]);
            random.nextBytes(opc[i]);
        }
        random.nextBytes(rand);
        random.nextBytes(sqn);
        final Aes128 aes = switch (path)
        {
            case "jdk" -> new JdkAes128();
            case "aes-ni" -> new NativeAes128();
            default -> throw new IllegalArgumentException("path: " + path + " (jdk, aes-ni)");
        };
        milenage = new Milenage(aes);
    }

    /**
     * Closes the path.
     */
    @TearDown
    public void tearDown()
    {
        milenage.close();
    }

    /**
     * f1, f1*, f2, f3, f4, f5, f5* for the next subscriber.
     *
     * @return the outputs.
     */
    @Benchmark
    public MilenageOutputs generate()
    {
        final int subscriber = next++ & (SUBSCRIBERS - 1);
        milenage.generate(k[subscriber], opc[subscriber], rand, sqn, amf, out);
        return out;
    }
}

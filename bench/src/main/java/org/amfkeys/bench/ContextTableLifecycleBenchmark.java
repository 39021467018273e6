package org.amfkeys.bench;

import org.amfkeys.context.ContextTable;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.TablePopulation;
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

import java.util.concurrent.TimeUnit;

/**
 * Creating and closing a large context table, one call per measurement: close zeroes only the regions
 * that ever held a UE and hands the pages back, so an empty table of 50 million UEs closes as fast as a
 * small one, and a table holding {@code filled} UEs pays for those only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
public class ContextTableLifecycleBenchmark
{
    /** The table's capacity in UEs. */
    @Param("50000000")
    public int ues;

    /** UEs inserted before the close. */
    @Param({"0", "100000"})
    public int filled;

    private ContextTable table;

    /**
     * A new table, filled as asked, for the next close.
     */
    @Setup(Level.Invocation)
    public void setUp()
    {
        table = new ContextTable(ues);
        if (filled > 0)
        {
            try (Kdf kdf = new Kdf())
            {
                final TablePopulation population = new TablePopulation(13, kdf);
                population.insert(table, 0, filled);
                population.clear();
            }
        }
    }

    /**
     * Closes what a measurement left open.
     */
    @TearDown(Level.Invocation)
    public void tearDown()
    {
        table.close();
    }

    /**
     * @return the table, closed.
     */
    @Benchmark
    public ContextTable close()
    {
        table.close();
        return table;
    }

    /**
     * @return a new empty table of {@code ues}, closed.
     */
    @Benchmark
    public ContextTable createAndClose()
    {
        final ContextTable created = new ContextTable(ues);
        created.close();
        return created;
    }
}

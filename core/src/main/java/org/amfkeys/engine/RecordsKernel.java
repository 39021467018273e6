package org.amfkeys.engine;

import org.amfkeys.hmac.ChainSteps;
import org.amfkeys.hmac.EngineStatus;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacRecordDescriptor;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.hmac.MacBatch;
import org.amfkeys.hmac.NativeBatchHmac;

/**
 * Computes batches of derivation records ({@link HmacRecords}, filled by the {@code stage} forms of
 * {@link org.amfkeys.kdf.Kdf}): on the batch kernel from the size where it wins, one by one on the direct
 * engine below it, and on the Java fallback, whole, when the kernel fails the call or reports a bad
 * status for any record, so no MAC of a failed call is ever used. An engine's worker computes its
 * stages with one; so does a simulator that derives the UE side of many UEs at once. Not thread-safe:
 * one per thread.
 */
public final class RecordsKernel implements AutoCloseable
{
    private final BatchKernel batch;
    private final HmacSha256Engine direct;
    private final HmacSha256Engine fallback;
    private final int batchThreshold;
    private final boolean ownsDirect;

    /**
     * @param batch          the batch kernel, or null to compute every batch on the direct engine; owned from now on.
     * @param direct         computes batches smaller than {@code batchThreshold}; the caller's.
     * @param fallback       computes a batch the kernel failed; owned from now on.
     * @param batchThreshold the smallest batch computed by the batch kernel.
     */
    RecordsKernel(
        final BatchKernel batch, final HmacSha256Engine direct, final HmacSha256Engine fallback, final int batchThreshold)
    {
        this(batch, direct, fallback, batchThreshold, false);
    }

    private RecordsKernel(
        final BatchKernel batch, final HmacSha256Engine direct, final HmacSha256Engine fallback, final int batchThreshold,
        final boolean ownsDirect)
    {
        this.batch = batch;
        this.direct = direct;
        this.fallback = fallback;
        this.batchThreshold = batchThreshold;
        this.ownsDirect = ownsDirect;
    }

    /**
     * The best this machine has: the native batch kernel when it is usable, the fastest engine of
     * {@link HmacEngines#newEngine()} otherwise and for what the kernel computes one by one.
     *
     * @param nativeBatch false to compute every batch on the direct engine (for comparison).
     * @return a new kernel; close it when done.
     */
    public static RecordsKernel open(final boolean nativeBatch)
    {
        return new RecordsKernel(nativeBatch ? nativeBatchKernel() : null, HmacEngines.newEngine(), fallbackEngine(), 1, true);
    }

    /**
     * @return the name of the batch kernel, or of the direct engine when there is none.
     */
    public String name()
    {
        return batch == null ? direct.name() : batch.name();
    }

    /**
     * Computes the MAC of the first {@code count} records.
     *
     * @param records the batch.
     * @param count   records to compute, from the first.
     * @return false when the kernel failed and the fallback computed them; true otherwise.
     */
    public boolean compute(final HmacRecords records, final int count)
    {
        return compute(records, count, RECORDS);
    }

    /**
     * Computes the MAC of the first {@code count} key chain steps, as {@link #compute} computes records.
     *
     * @param steps the batch.
     * @param count steps to compute, from the first.
     * @return false when the kernel failed and the fallback computed them; true otherwise.
     */
    public boolean computeSteps(final ChainSteps steps, final int count)
    {
        return compute(steps, count, STEPS);
    }

    /** How the batch kernel takes one kind of batch. */
    private interface KernelCall<B extends MacBatch>
    {
        void process(BatchKernel kernel, B macs, int count);
    }

    private static final KernelCall<HmacRecords> RECORDS = BatchKernel::process;
    private static final KernelCall<ChainSteps> STEPS = BatchKernel::processSteps;

    private <B extends MacBatch> boolean compute(final B macs, final int count, final KernelCall<B> call)
    {
        if (count == 0)
        {
            return true;
        }
        if (computedFirstTry(macs, count, call))
        {
            return true;
        }
        macs.computeOn(fallback, count);
        return false;
    }

    private <B extends MacBatch> boolean computedFirstTry(final B macs, final int count, final KernelCall<B> call)
    {
        try
        {
            if (batch == null || count < batchThreshold)
            {
                macs.computeOn(direct, count);
                return true;
            }
            call.process(batch, macs, count);
            for (int i = 0; i < count; i++)
            {
                if (macs.status(i) != HmacRecordDescriptor.STATUS_OK)
                {
                    return false;
                }
            }
            return true;
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * Closes the batch kernel and the fallback engine, and the direct engine when {@link #open} made it.
     */
    public void close()
    {
        try
        {
            if (batch != null)
            {
                batch.close();
            }
        }
        finally
        {
            try
            {
                fallback.close();
            }
            finally
            {
                if (ownsDirect)
                {
                    direct.close();
                }
            }
        }
    }

    /**
     * @return the Java engine that recomputes a batch the kernel failed: never the native library.
     */
    static HmacSha256Engine fallbackEngine()
    {
        for (final EngineStatus status : HmacEngines.status())
        {
            if (status.usable() && status.name().startsWith("java-"))
            {
                return HmacEngines.newEngine(status.name());
            }
        }
        throw new IllegalStateException("no Java HMAC engine passed its self-test: " + HmacEngines.status());
    }

    /**
     * @return the native batch kernel, or null when the native library or every kernel is unusable here.
     */
    static BatchKernel nativeBatchKernel()
    {
        final NativeBatchHmac batch;
        try
        {
            batch = HmacEngines.newBatchEngine();
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        return new BatchKernel()
        {
            public String name()
            {
                return batch.name();
            }

            public void process(final HmacRecords records, final int count)
            {
                batch.process(records, count);
            }

            public void processSteps(final ChainSteps steps, final int count)
            {
                batch.processSteps(steps, count);
            }

            public void close()
            {
                batch.close();
            }
        };
    }

    /**
     * @return the kernels' names, without key material.
     */
    public String toString()
    {
        return "RecordsKernel[" + name() + ", from " + batchThreshold + "]";
    }
}

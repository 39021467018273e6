package org.amfkeys.engine;

import org.amfkeys.hmac.HmacRecordDescriptor;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.HmacSha256Engine;

/**
 * Computes a worker's batches of derivation records: on the batch kernel from the size where it wins,
 * one by one on the direct engine below it, and on the Java fallback, whole, when the kernel fails the
 * call or reports a bad status for any record, so no MAC of a failed call is ever used. Not
 * thread-safe: one per worker.
 */
final class RecordsKernel implements AutoCloseable
{
    private final BatchKernel batch;
    private final HmacSha256Engine direct;
    private final HmacSha256Engine fallback;
    private final int batchThreshold;

    /**
     * @param batch          the batch kernel, or null to compute every batch on the direct engine; owned from now on.
     * @param direct         computes batches smaller than {@code batchThreshold}; the caller's.
     * @param fallback       computes a batch the kernel failed; owned from now on.
     * @param batchThreshold the smallest batch computed by the batch kernel.
     */
    RecordsKernel(
        final BatchKernel batch, final HmacSha256Engine direct, final HmacSha256Engine fallback, final int batchThreshold)
    {
        this.batch = batch;
        this.direct = direct;
        this.fallback = fallback;
        this.batchThreshold = batchThreshold;
    }

    /**
     * @return the name of the batch kernel, or of the direct engine when there is none.
     */
    String name()
    {
        return batch == null ? direct.name() : batch.name();
    }

    /**
     * Computes the MAC of the first {@code count} records.
     *
     * @return false when the kernel failed and the fallback computed them; true otherwise.
     */
    boolean compute(final HmacRecords records, final int count)
    {
        if (count == 0)
        {
            return true;
        }
        if (computedFirstTry(records, count))
        {
            return true;
        }
        records.computeOn(fallback, count);
        return false;
    }

    private boolean computedFirstTry(final HmacRecords records, final int count)
    {
        try
        {
            if (batch == null || count < batchThreshold)
            {
                records.computeOn(direct, count);
                return true;
            }
            batch.process(records, count);
            for (int i = 0; i < count; i++)
            {
                if (records.status(i) != HmacRecordDescriptor.STATUS_OK)
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
     * Closes the batch kernel and the fallback engine.
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
            fallback.close();
        }
    }

    /**
     * @return the kernels' names, without key material.
     */
    public String toString()
    {
        return "RecordsKernel[" + name() + ", from " + batchThreshold + "]";
    }
}

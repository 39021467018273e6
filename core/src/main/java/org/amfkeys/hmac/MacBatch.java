package org.amfkeys.hmac;

/**
 * A batch of MACs a kernel writes in place with a status for each ({@link HmacRecords}, {@link ChainSteps}),
 * which a Java engine can also compute, whole, with the same results: what a caller needs to recompute a
 * batch whose kernel failed.
 */
public interface MacBatch
{
    /**
     * Computes the first {@code count} MACs one by one on {@code engine}.
     *
     * @param engine computes each MAC.
     * @param count  how many, from the first.
     */
    void computeOn(HmacSha256Engine engine, int count);

    /**
     * @param index the MAC's index in the batch.
     * @return the status the kernel wrote: {@link HmacRecordDescriptor#STATUS_OK} or a negative code.
     */
    int status(int index);
}

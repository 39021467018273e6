package org.amfkeys.engine;

import org.amfkeys.hmac.ChainSteps;
import org.amfkeys.hmac.HmacRecords;

/**
 * What computes a stage's derivations in one call: the native batch kernel
 * ({@link org.amfkeys.hmac.NativeBatchHmac#process}), or a batch of key chain steps. A kernel reports a record it could not compute
 * by its status, or fails the call with an exception; either way the stage is computed again on the
 * Java fallback.
 */
interface BatchKernel extends AutoCloseable
{
    /**
     * @return the kernel's name, e.g. {@code native-batch/avx512}.
     */
    String name();

    /**
     * Computes the MAC of the first {@code count} records.
     */
    void process(HmacRecords records, int count);

    /**
     * Computes the MAC of the first {@code count} key chain steps.
     */
    void processSteps(ChainSteps steps, int count);

    /**
     * Frees the kernel's memory.
     */
    void close();
}

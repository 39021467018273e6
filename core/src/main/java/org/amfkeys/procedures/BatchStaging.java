package org.amfkeys.procedures;

/**
 * What the {@code stage} call of a batch step ({@link NextHopBatch}, {@link HorizontalKamfBatch}) did with
 * one request.
 */
public enum BatchStaging
{
    /** Claimed, checked and its derivations staged: finish it once the batch is computed. */
    STAGED,
    /** The UE is not in the table. */
    UNKNOWN_UE,
    /**
     * Checked, but the batch form does not cover what the UE's state asks for (a key change that waits
     * to reach the AS, a procedure that waits under a rule): run the direct call after the batch.
     */
    NOT_STAGED
}

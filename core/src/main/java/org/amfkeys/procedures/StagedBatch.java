package org.amfkeys.procedures;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.context.ContextBatch;
import org.amfkeys.hmac.HmacRecords;

/**
 * What every batch form of a step shares ({@link NextHopBatch}, {@link HorizontalKamfBatch}): the claims,
 * the derivation records of each stage, how many requests are staged, and the end of a batch, which
 * commits the claims still held and zeroes what was staged.
 */
abstract class StagedBatch implements AutoCloseable
{
    final ProcedureFrame frame;
    final ContextBatch claims;
    /** Where each request's derivations sit in the stages' records, by its place in the batch. */
    final int[] recordOf;
    private final HmacRecords[] stages;
    private int staged;
    private boolean closed;

    /**
     * @param frame  the node's frame.
     * @param claims the batch's claims, over the node's table.
     * @param stages derivation stages, each its own records.
     */
    StagedBatch(final ProcedureFrame frame, final ContextBatch claims, final int stages)
    {
        this.frame = frame;
        this.claims = requireClaimsOf(frame, claims);
        this.recordOf = new int[claims.capacity()];
        this.stages = new HmacRecords[stages];
        for (int i = 0; i < stages; i++)
        {
            this.stages[i] = new HmacRecords(claims.capacity());
        }
    }

    /**
     * Claims of their own, for a batch that shares them with no other.
     */
    static ContextBatch newClaims(final CoreNetworkProcedures node, final int capacity)
    {
        ProcedureFrame.requirePresent("node", node, "an AmfProcedures or MmeProcedures");
        InvalidParameterException.requireInRange("capacity", capacity, 1, HmacRecords.MAX_CAPACITY);
        return new ContextBatch(node.frame.table, capacity);
    }

    static ContextBatch requireClaimsOf(final ProcedureFrame frame, final ContextBatch claims)
    {
        ProcedureFrame.requirePresent("claims", claims, "a ContextBatch");
        if (claims.table() != frame.table)
        {
            throw new InvalidParameterException("claims", "a batch over another table", "a ContextBatch over the node's table");
        }
        return claims;
    }

    /**
     * @return the records of stage {@code stage}.
     */
    final HmacRecords records(final int stage)
    {
        return stages[stage];
    }

    /**
     * @return the record the next request staged takes, in every stage.
     */
    final int nextRecord()
    {
        return staged;
    }

    /**
     * Records request {@code index} as staged, in {@link #nextRecord()} of every stage.
     */
    final void addStaged(final int index)
    {
        recordOf[index] = staged++;
    }

    /**
     * @return records staged in this batch, in each stage.
     */
    public int staged()
    {
        ensureOpen();
        return staged;
    }

    /**
     * Ends the batch: claims still held (a batch that stopped before finishing them) are committed
     * unchanged, and the records are zeroed.
     */
    public void endBatch()
    {
        ensureOpen();
        endClaims();
    }

    private void endClaims()
    {
        try
        {
            claims.commitAll();
        }
        finally
        {
            if (!frame.kdf.isClosed())
            {
                // The last input string staged is still in the KDF's scratch.
                frame.kdf.wipe();
            }
            if (staged > 0)
            {
                for (final HmacRecords records : stages)
                {
                    records.clear(staged);
                }
                clearStaged(staged);
                staged = 0;
            }
        }
    }

    /**
     * Zeroes what a batch form stages beyond the records, {@code staged} requests' worth: at the end of
     * every batch that staged any.
     */
    void clearStaged(final int staged)
    {
    }

    /**
     * Frees what a batch form stages beyond the records, zeroed: once, when it closes.
     */
    void freeStaged()
    {
    }

    /**
     * Ends any batch and frees the records, zeroed. Closing again does nothing.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        endClaims();
        closed = true;
        for (final HmacRecords records : stages)
        {
            records.close();
        }
        freeStaged();
    }

    /**
     * Refuses every call once closed, and every call of a closed node.
     */
    final void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
        frame.ensureOpen();
    }

    /**
     * @return the batch's state, without key material.
     */
    public String toString()
    {
        return getClass().getSimpleName() + "[capacity=" + recordOf.length + ", staged=" + staged + ", claims=" + claims + "]";
    }
}

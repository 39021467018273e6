package org.amfkeys.context;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;
import org.amfkeys.hmac.ChainSteps;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.HmacRecordDescriptor;
import org.amfkeys.hmac.NativeBatchHmac;
import org.amfkeys.kdf.Kdf;

/**
 * One thread's working state for the {@link ContextTable} operations that change a slot in place: a
 * {@link SecurityContext} flyweight pointed at the locked slot, the {@link Kdf} that derives under the
 * lock, and room to restore the slot if an update fails. Give each thread its own; the table itself is
 * shared.
 * <p>
 * After {@link #close()} (which may be called again) every use throws an {@link IllegalStateException}:
 * the table reaches a slot only through {@code wrapSlot}, which refuses a closed cursor before it
 * points anywhere, so a closed cursor never touches a slot.
 */
public final class ContextCursor implements AutoCloseable
{
    private final Kdf kdf;
    private final UnsafeBuffer slot = new UnsafeBuffer(0L, 0);
    private final SecurityContext context = new SecurityContext();
    private final UnsafeBuffer backup = new UnsafeBuffer(new byte[SecurityContextDescriptor.LENGTH]);
    private final byte[] detachedSlot = new byte[SecurityContextDescriptor.LENGTH];
    /** The batch kernel of {@link ContextTable#advanceNextHops} and its steps, made on first use; none when the KDF derives in Java. */
    private NativeBatchHmac nextHopKernel;
    private ChainSteps nextHopSteps;
    private int[] nextHopEntries;
    private int[] nextHopRequests;
    /** A flyweight per step of a batch: a step keeps its slot's buffer, which must stay on that slot until computed. */
    private UnsafeBuffer[] nextHopSlots;
    private SecurityContext[] nextHopContexts;
    private boolean nextHopKernelChecked;
    private long nextHopFallbacks;
    private ContextTable claimedTable;
    private int claimedEntry = -1;
    private boolean closed;

    /**
     * @param kdf derives NH and key schedules under the slot lock; used by this cursor's thread only,
     *            and closed with it.
     * @throws InvalidParameterException when {@code kdf} is missing or closed.
     */
    public ContextCursor(final Kdf kdf)
    {
        if (kdf == null || kdf.isClosed())
        {
            throw new InvalidParameterException("kdf", kdf == null ? "missing" : "closed", "an open Kdf");
        }
        this.kdf = kdf;
    }

    /**
     * @return the KDF this cursor derives with.
     * @throws IllegalStateException when the cursor is closed.
     */
    public Kdf kdf()
    {
        ensureOpen();
        return kdf;
    }

    /**
     * @return whether this cursor holds a claimed slot: {@link ContextTable#tryClaim} gave it one and
     *         neither {@link ContextTable#commit} nor {@link ContextTable#abort} has ended it yet.
     * @throws IllegalStateException when the cursor is closed.
     */
    public boolean hasClaim()
    {
        ensureOpen();
        return claimedTable != null;
    }

    boolean hasClaimOn(final ContextTable table)
    {
        return claimedTable == table;
    }

    /**
     * Points the flyweight at a slot the table just locked for this cursor and keeps its image, so an
     * abort can put it back byte for byte.
     */
    SecurityContext claim(final ContextTable table, final int entry, final long address)
    {
        final SecurityContext claimed = wrapSlot(address);
        saveSlot();
        claimedTable = table;
        claimedEntry = entry;
        return claimed;
    }

    /**
     * @return the entry this cursor claimed in {@code table}.
     * @throws IllegalStateException when it holds no claim there.
     */
    int claimedEntry(final ContextTable table)
    {
        if (claimedTable != table)
        {
            throw new IllegalStateException(claimedTable == null ?
                "the cursor holds no claim: call tryClaim first (each claim ends with one commit or abort)" :
                "the cursor's claim is on another ContextTable");
        }
        return claimedEntry;
    }

    /**
     * Ends the claim: forgets the image and takes the flyweight off the slot.
     */
    void endClaim()
    {
        claimedTable = null;
        claimedEntry = -1;
        clearBackup();
        detach();
    }

    /**
     * @return the steps of a batch of NH advances, {@value #NEXT_HOP_BATCH} at most per kernel call, or
     *         null when this cursor's KDF does not derive in the native library or it has no batch kernel.
     */
    ChainSteps nextHopSteps()
    {
        ensureOpen();
        if (!nextHopKernelChecked)
        {
            nextHopKernelChecked = true;
            if (kdf.engineName().startsWith("native") && HmacEngines.nativeStatus().batchKernel().isPresent())
            {
                final ChainSteps steps = new ChainSteps(NEXT_HOP_BATCH);
                try
                {
                    nextHopKernel = HmacEngines.newBatchEngine();
                }
                catch (final RuntimeException ex)
                {
                    steps.close();
                    throw ex;
                }
                nextHopSteps = steps;
                nextHopEntries = new int[NEXT_HOP_BATCH];
                nextHopRequests = new int[NEXT_HOP_BATCH];
                nextHopSlots = new UnsafeBuffer[NEXT_HOP_BATCH];
                nextHopContexts = new SecurityContext[NEXT_HOP_BATCH];
                for (int k = 0; k < NEXT_HOP_BATCH; k++)
                {
                    nextHopSlots[k] = new UnsafeBuffer(detachedSlot);
                    nextHopContexts[k] = new SecurityContext();
                }
            }
        }
        return nextHopSteps;
    }

    /** Most NH steps of one batch kernel call: a batch's worth of the engine's, and of the calibrated plans. */
    static final int NEXT_HOP_BATCH = 64;

    /**
     * @return the context of step {@code step} of a batch of NH advances, over the slot at {@code address}.
     */
    SecurityContext wrapNextHopSlot(final int step, final long address)
    {
        ensureOpen();
        nextHopSlots[step].wrap(address, SecurityContextDescriptor.LENGTH);
        return nextHopContexts[step].wrap(nextHopSlots[step], 0);
    }

    /**
     * @return the context step {@code step} was staged from, still over its slot.
     */
    SecurityContext nextHopContext(final int step)
    {
        return nextHopContexts[step];
    }

    /**
     * Takes step flyweights {@code from..to-1} off their slots, as {@link #detach()} does for the claim's.
     */
    void detachNextHopSlots(final int from, final int to)
    {
        for (int k = from; k < to; k++)
        {
            nextHopSlots[k].wrap(detachedSlot);
            nextHopContexts[k].detach();
        }
    }

    int[] nextHopEntries()
    {
        return nextHopEntries;
    }

    int[] nextHopRequests()
    {
        return nextHopRequests;
    }

    /**
     * Computes the first {@code count} of {@link #nextHopSteps()} on the batch kernel.
     *
     * @return whether every step was computed; false when the kernel failed, whose results are then not to be used.
     */
    boolean computeNextHops(final int count)
    {
        if (count == 0)
        {
            return true;
        }
        try
        {
            nextHopKernel.processSteps(nextHopSteps, count);
            for (int i = 0; i < count; i++)
            {
                if (nextHopSteps.status(i) != HmacRecordDescriptor.STATUS_OK)
                {
                    nextHopFallbacks++;
                    return false;
                }
            }
            return true;
        }
        catch (final RuntimeException ex)
        {
            nextHopFallbacks++;
            return false;
        }
    }

    /**
     * @return batches of NH advances whose kernel call failed and that were stepped one by one: for tests.
     */
    long nextHopFallbacks()
    {
        return nextHopFallbacks;
    }

    SecurityContext wrapSlot(final long address)
    {
        ensureOpen();
        slot.wrap(address, SecurityContextDescriptor.LENGTH);
        return context.wrap(slot, 0);
    }

    /**
     * Takes the flyweight off the slot once the lock is gone: the context handed to an update refuses
     * every use, and the buffer under it (and under the key schedule flyweight it lent) no longer
     * points into the table, whose memory may be freed later.
     */
    void detach()
    {
        slot.wrap(detachedSlot);
        context.detach();
    }

    void saveSlot()
    {
        Octets.copy(slot, 0, backup, 0, SecurityContextDescriptor.LENGTH);
    }

    void restoreSlot()
    {
        Octets.copy(backup, 0, slot, 0, SecurityContextDescriptor.LENGTH);
    }

    void clearBackup()
    {
        Octets.zero(backup, 0, SecurityContextDescriptor.LENGTH);
    }

    /**
     * Zeroes the cursor's copies of key material and closes its KDF. Closing again does nothing.
     *
     * @throws IllegalStateException when the cursor holds a claim; nothing changes then.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (claimedTable != null)
        {
            // Its image is what an abort puts back; wiping it now would leave the slot locked for good.
            throw new IllegalStateException("the cursor holds a claim: commit or abort it before closing the cursor");
        }
        closed = true;
        clearBackup();
        try
        {
            if (nextHopSteps != null)
            {
                nextHopSteps.close();
                nextHopKernel.close();
            }
        }
        finally
        {
            kdf.close();
        }
    }

    /**
     * @return a description without key material.
     */
    public String toString()
    {
        return closed ? "ContextCursor[closed]" : "ContextCursor[kdf=" + kdf.engineName() + "]";
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("ContextCursor is closed");
        }
    }
}

package org.amfkeys.context;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;

import java.lang.ref.Reference;

/**
 * Claims of one thread on many UEs' contexts at once, for a step run over a batch: bring the batch's
 * slots in with their misses overlapped ({@link #prefetch}), claim each UE, check every context, derive
 * the batch's keys in one kernel call, write them and commit each claim. Between {@link #claim} and
 * {@link #commit} the slot is locked as by {@link ContextTable#tryClaim}: readers wait, and see the
 * whole change or none of it.
 * <p>
 * A batch claim keeps no image of the slot, so it has no abort: it is for steps that check everything
 * before they write anything. A step refused by its checks commits the claim unchanged, which readers
 * simply read again. While any claim is held the thread may take no other lock on the table
 * ({@link ContextTable#tryClaim} and every locking call are refused), so a batch never waits for
 * itself. Each UE may be claimed once per batch. Not thread-safe: one per thread.
 */
public final class ContextBatch
{
    /** The thread's held slot while a batch holds claims: no single entry. */
    private static final int BATCH_ENTRY = -2;

    private final ContextTable table;
    private final int[] entries;
    /** Where the last prefetch's probes found each UE, for its claim to try first. */
    private final int[] hints;
    private final UnsafeBuffer[] slots;
    private final SecurityContext[] contexts;
    private final byte[] detachedSlot = new byte[SecurityContextDescriptor.LENGTH];
    /** The holding thread's mark while any claim is held: looked up once per batch, not once per claim. */
    private SlotMap.HeldSlot holder;
    private int held;
    /** The thread that last took a first claim, and its mark. */
    private Thread lastThread;
    private SlotMap.HeldSlot lastHeldSlot;

    /**
     * @param table    the UEs' contexts.
     * @param capacity claims the batch may hold at once, 1..65536.
     */
    public ContextBatch(final ContextTable table, final int capacity)
    {
        if (table == null)
        {
            throw InvalidParameterException.missing("table", "a ContextTable");
        }
        InvalidParameterException.requireInRange("capacity", capacity, 1, 1 << 16);
        this.table = table;
        this.entries = new int[capacity];
        this.hints = new int[capacity];
        this.slots = new UnsafeBuffer[capacity];
        this.contexts = new SecurityContext[capacity];
        for (int i = 0; i < capacity; i++)
        {
            entries[i] = -1;
            hints[i] = -1;
            slots[i] = new UnsafeBuffer(detachedSlot);
            contexts[i] = new SecurityContext(slots[i], 0);
            contexts[i].detach();
        }
    }

    /**
     * @return claims the batch may hold at once.
     */
    public int capacity()
    {
        return entries.length;
    }

    /**
     * @return the table whose contexts this batch claims.
     */
    public ContextTable table()
    {
        return table;
    }

    /**
     * @return claims held now.
     */
    public int held()
    {
        return held;
    }

    /**
     * Brings the slots of the batch's UEs into the cache, their misses overlapped, before they are
     * claimed one after another ({@link ContextTable#prefetch}); claim {@code i} then starts where the
     * probe found {@code ueIds[i]}.
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0, in the order of their claims.
     * @param count how many, 0..{@code ueIds.length} and 0..capacity.
     */
    public void prefetch(final long[] ueIds, final int count)
    {
        prefetch(ueIds, count, SlotMap.SLOT_LINES_ALL);
    }

    /**
     * As {@link #prefetch}, but only the two cache lines a step of the AS key chain reaches
     * ({@link ContextTable#prefetchKeyChains}).
     *
     * @param ueIds the UE identifiers, {@code count} of them from index 0, in the order of their claims.
     * @param count how many, 0..{@code ueIds.length} and 0..capacity.
     */
    public void prefetchKeyChains(final long[] ueIds, final int count)
    {
        prefetch(ueIds, count, SlotMap.SLOT_LINES_KEY_CHAIN);
    }

    private void prefetch(final long[] ueIds, final int count, final int slotLines)
    {
        InvalidParameterException.requireInRange("count", count, 0, entries.length);
        table.prefetchLines(ueIds, count, slotLines, hints);
    }

    /**
     * Claims the UE's context as claim {@code index} of the batch.
     *
     * @param index the claim, 0..capacity-1, not holding one now.
     * @param ueId  the UE identifier, not claimed by this batch now.
     * @return the context, locked until {@link #commit}; null when the UE is unknown.
     * @throws IllegalStateException when the table is closed, or this thread holds a claim of
     *                               {@link ContextTable#tryClaim}.
     */
    public SecurityContext claim(final int index, final long ueId)
    {
        InvalidParameterException.requireInRange("index", index, 0, entries.length - 1);
        if (entries[index] >= 0)
        {
            throw new IllegalStateException("claim " + index + " of the batch is held: commit it first");
        }
        final SlotMap.HeldSlot thread = held == 0 ? heldSlotOfThisThread() : holder;
        if (held == 0 && thread.map != null)
        {
            throw SlotMap.reentered("a batch claim");
        }
        final int hint = hints[index];
        hints[index] = -1;
        final int entry = lock(ueId, hint);
        if (entry < 0)
        {
            return null;
        }
        entries[index] = entry;
        thread.map = table.slots();
        thread.entry = BATCH_ENTRY;
        holder = thread;
        held++;
        slots[index].wrap(table.slots().slotAddress(entry), SecurityContextDescriptor.LENGTH);
        return contexts[index].wrap(slots[index], 0);
    }

    /**
     * @return the calling thread's mark, from the thread-local map only when the thread is not the one
     *         that last claimed: a map lookup per batch cost more than a cache line miss.
     */
    private SlotMap.HeldSlot heldSlotOfThisThread()
    {
        final Thread current = Thread.currentThread();
        if (current != lastThread)
        {
            lastHeldSlot = SlotMap.heldSlot();
            lastThread = current;
        }
        return lastHeldSlot;
    }

    /**
     * @param index the claim.
     * @return the context claim {@code index} holds.
     * @throws IllegalStateException when claim {@code index} is not held.
     */
    public SecurityContext context(final int index)
    {
        InvalidParameterException.requireInRange("index", index, 0, entries.length - 1);
        if (entries[index] < 0)
        {
            throw new IllegalStateException("claim " + index + " of the batch is not held");
        }
        return contexts[index];
    }

    /**
     * Publishes claim {@code index}'s change, if any, and unlocks the slot.
     *
     * @param index the claim.
     * @return false when the table was closed meanwhile: the slot stays wiped and the change is lost.
     * @throws IllegalStateException when claim {@code index} is not held.
     */
    public boolean commit(final int index)
    {
        InvalidParameterException.requireInRange("index", index, 0, entries.length - 1);
        final int entry = entries[index];
        if (entry < 0)
        {
            throw new IllegalStateException("claim " + index + " of the batch is not held");
        }
        entries[index] = -1;
        contexts[index].detach();
        // Off the slot, whose memory a closed table frees once unreachable.
        slots[index].wrap(detachedSlot);
        if (--held == 0)
        {
            holder.map = null;
            holder.entry = -1;
            holder = null;
        }
        try
        {
            // After a close the slot stays wiped: only the lock is released.
            table.slots().unlock(entry);
        }
        finally
        {
            Reference.reachabilityFence(table);
        }
        return !table.isClosed();
    }

    /**
     * Locks the UE's slot, after the same checks as {@link ContextTable#tryClaim}.
     *
     * @param hint the entry the batch's probe found for the UE, or -1: tried first.
     * @return the entry, or -1 when the UE is not in the table.
     */
    private int lock(final long ueId, final int hint)
    {
        table.ensureOpen();
        try
        {
            return table.slots().lockAt(hint, ueId);
        }
        finally
        {
            Reference.reachabilityFence(table);
        }
    }

    /**
     * Commits every claim still held, as they are: the end of a batch that stopped early.
     */
    public void commitAll()
    {
        for (int i = 0; i < entries.length && held > 0; i++)
        {
            if (entries[i] >= 0)
            {
                commit(i);
            }
        }
    }

    /**
     * @return the claims held, without key material.
     */
    public String toString()
    {
        return "ContextBatch[capacity=" + entries.length + ", held=" + held + "]";
    }
}

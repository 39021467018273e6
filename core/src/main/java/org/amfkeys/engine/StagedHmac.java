package org.amfkeys.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.Octets;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.hmac.HmacSha256Engine;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.hmac.KeyScheduleDescriptor;

import java.util.Arrays;

import static org.amfkeys.engine.StagedDerivationDescriptor.DONE;
import static org.amfkeys.engine.StagedDerivationDescriptor.LENGTH;
import static org.amfkeys.engine.StagedDerivationDescriptor.MAC_OFFSET;
import static org.amfkeys.engine.StagedDerivationDescriptor.MAX_MESSAGE_LENGTH;
import static org.amfkeys.engine.StagedDerivationDescriptor.MESSAGE_LENGTH_OFFSET;
import static org.amfkeys.engine.StagedDerivationDescriptor.MESSAGE_OFFSET;
import static org.amfkeys.engine.StagedDerivationDescriptor.PENDING;
import static org.amfkeys.engine.StagedDerivationDescriptor.SCHEDULE_OFFSET;
import static org.amfkeys.engine.StagedDerivationDescriptor.STATE_OFFSET;

/**
 * The HMAC engine a worker's procedures derive with: it turns one step of many UEs into stages, each
 * one batch kernel call.
 * <p>
 * In a pass over a batch, each request's step runs as the direct call would, under its UE's claim. The
 * first derivation of a step this engine has no MAC for yet is recorded ({@link #PENDING}); it answers
 * zeros from then on and {@link #outputsDeferred()} is true, so the step publishes nothing (the claim is
 * aborted, the context left byte for byte as it was). After the pass, {@link #computePending()}
 * computes every recorded derivation in one batch call. In the next pass the step runs again and gets
 * those MACs, for exactly the same key schedule and input string only, so a change of the context
 * between passes never lets a MAC answer another input. A step whose derivations are all answered
 * commits, and its request completes. Steps therefore take as many passes as their chain of dependent
 * keys is long, each pass one kernel call for the whole batch.
 * <p>
 * Outside a pass ({@link #computeAtOnce()}) every MAC is computed at once by the direct engine. Key
 * schedules and digests are always computed at once. Not thread-safe: one per worker.
 */
final class StagedHmac implements HmacSha256Engine
{
    /** Derivations staged per request and step; deeper ones are computed at once. */
    static final int MAX_DEPTH = 8;

    private final HmacSha256Engine direct;
    private final RecordsKernel kernel;
    private final HmacRecords records;
    private final byte[] stagedBytes;
    private final UnsafeBuffer staged;
    private final byte[] scratchSchedule = new byte[KeyScheduleDescriptor.LENGTH];
    private final KeySchedule stagedSchedule = new KeySchedule();
    private final int[] pendingEntries;
    private final int[] depthsUsed;
    private int pendingCount;
    private int request = -1;
    private int depth;
    private boolean deferred;

    /**
     * @param direct   computes schedules, digests and every MAC not staged; owned from now on.
     * @param kernel   computes the stages; owned from now on.
     * @param capacity requests per batch.
     */
    StagedHmac(final HmacSha256Engine direct, final RecordsKernel kernel, final int capacity)
    {
        this.direct = direct;
        this.kernel = kernel;
        this.records = new HmacRecords(capacity);
        this.stagedBytes = new byte[capacity * MAX_DEPTH * LENGTH];
        this.staged = new UnsafeBuffer(stagedBytes);
        this.pendingEntries = new int[capacity];
        this.depthsUsed = new int[capacity];
    }

    /**
     * Starts the step of request {@code request} of the batch in a pass: its derivations are answered
     * from earlier passes or recorded.
     */
    void stage(final int request)
    {
        this.request = request;
        depth = 0;
        deferred = false;
    }

    /**
     * Ends staging: every MAC is computed at once until the next {@link #stage}.
     */
    void computeAtOnce()
    {
        request = -1;
        deferred = false;
    }

    /**
     * @return derivations recorded in this pass, for {@link #computePending()}.
     */
    int pending()
    {
        return pendingCount;
    }

    /**
     * @return the name of the batch kernel, or of the direct engine when there is none.
     */
    String kernelName()
    {
        return kernel.name();
    }

    /**
     * Computes every derivation recorded in this pass, in one call of the worker's kernel, which
     * computes a failed call again on the fallback: no MAC of a failed call is ever used.
     *
     * @return false when the kernel failed and the fallback computed them; true otherwise.
     */
    boolean computePending()
    {
        final int count = pendingCount;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final int entry = pendingEntries[i];
                records.schedule(i, stagedSchedule.wrap(staged, entry + SCHEDULE_OFFSET))
                    .message(i, staged, entry + MESSAGE_OFFSET, staged.getInt(entry + MESSAGE_LENGTH_OFFSET));
            }
            final boolean kernelComputed = kernel.compute(records, count);
            for (int i = 0; i < count; i++)
            {
                final int entry = pendingEntries[i];
                records.mac(i, staged, entry + MAC_OFFSET);
                staged.putInt(entry + STATE_OFFSET, DONE);
            }
            return kernelComputed;
        }
        finally
        {
            pendingCount = 0;
            records.clear(count);
        }
    }

    /**
     * Zeroes what the request's steps staged, keys and inputs, once it completed: the entries it used.
     */
    void forget(final int request)
    {
        final int used = depthsUsed[request];
        if (used > 0)
        {
            Octets.zero(staged, entry(request, 0), used * LENGTH);
            depthsUsed[request] = 0;
        }
    }

    public String name()
    {
        return "staged/" + kernelName();
    }

    public boolean outputsDeferred()
    {
        return deferred;
    }

    public void computeSchedule(final byte[] key, final int keyOffset, final int keyLength, final KeySchedule schedule)
    {
        direct.computeSchedule(key, keyOffset, keyLength, schedule);
    }

    public void mac(
        final KeySchedule schedule, final byte[] message, final int messageOffset, final int messageLength,
        final byte[] mac, final int macOffset)
    {
        if (deferred)
        {
            Arrays.fill(mac, macOffset, macOffset + MAC_LENGTH, (byte)0);
            return;
        }
        if (request < 0 || depth >= MAX_DEPTH || messageLength < 0 || messageLength > MAX_MESSAGE_LENGTH)
        {
            // Not staged: the direct engine computes it at once.
            depth++;
            direct.mac(schedule, message, messageOffset, messageLength, mac, macOffset);
            return;
        }
        final int entry = entry(request, depth++);
        if (staged.getInt(entry + STATE_OFFSET) == DONE && sameInput(entry, schedule, message, messageOffset, messageLength))
        {
            // The very schedule recorded, which was computed then.
            staged.getBytes(entry + MAC_OFFSET, mac, macOffset, MAC_LENGTH);
            return;
        }
        if (!schedule.isComputed())
        {
            // Refused as the direct call would refuse it.
            direct.mac(schedule, message, messageOffset, messageLength, mac, macOffset);
            return;
        }
        depthsUsed[request] = Math.max(depthsUsed[request], depth);
        staged.putInt(entry + STATE_OFFSET, PENDING);
        staged.putInt(entry + MESSAGE_LENGTH_OFFSET, messageLength);
        Octets.copy(schedule.buffer(), schedule.offset(), staged, entry + SCHEDULE_OFFSET, KeyScheduleDescriptor.LENGTH);
        Octets.copy(message, messageOffset, staged, entry + MESSAGE_OFFSET, messageLength);
        Octets.zero(staged, entry + MAC_OFFSET, MAC_LENGTH);
        pendingEntries[pendingCount++] = entry;
        deferred = true;
        Arrays.fill(mac, macOffset, macOffset + MAC_LENGTH, (byte)0);
    }

    public void digest(
        final byte[] message, final int messageOffset, final int messageLength, final byte[] digest, final int digestOffset)
    {
        direct.digest(message, messageOffset, messageLength, digest, digestOffset);
    }

    /**
     * Zeroes every staged derivation and closes the engines.
     */
    public void close()
    {
        staged.setMemory(0, staged.capacity(), (byte)0);
        pendingCount = 0;
        try
        {
            records.close();
            kernel.close();
        }
        finally
        {
            direct.close();
        }
    }

    /**
     * @return the engine's kernels, without key material.
     */
    public String toString()
    {
        return "StagedHmac[" + name() + "]";
    }

    private int entry(final int request, final int depth)
    {
        return (request * MAX_DEPTH + depth) * LENGTH;
    }

    private boolean sameInput(
        final int entry, final KeySchedule schedule, final byte[] message, final int messageOffset, final int messageLength)
    {
        if (staged.getInt(entry + MESSAGE_LENGTH_OFFSET) != messageLength)
        {
            return false;
        }
        final int messageAt = entry + MESSAGE_OFFSET;
        if (!Arrays.equals(stagedBytes, messageAt, messageAt + messageLength, message, messageOffset, messageOffset + messageLength))
        {
            return false;
        }
        final int scheduleAt = entry + SCHEDULE_OFFSET;
        schedule.buffer().getBytes(schedule.offset(), scratchSchedule, 0, KeyScheduleDescriptor.LENGTH);
        final boolean same = Arrays.equals(
            stagedBytes, scheduleAt, scheduleAt + KeyScheduleDescriptor.LENGTH, scratchSchedule, 0, KeyScheduleDescriptor.LENGTH);
        Arrays.fill(scratchSchedule, (byte)0);
        return same;
    }
}

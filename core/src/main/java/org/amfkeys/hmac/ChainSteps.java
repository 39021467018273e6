package org.amfkeys.hmac;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;

import java.lang.ref.Reference;
import java.util.Arrays;

import static org.amfkeys.hmac.ChainStepDescriptor.ALIGNMENT;
import static org.amfkeys.hmac.ChainStepDescriptor.FC_OFFSET;
import static org.amfkeys.hmac.ChainStepDescriptor.INPUT_LENGTH;
import static org.amfkeys.hmac.ChainStepDescriptor.INPUT_OFFSET;
import static org.amfkeys.hmac.ChainStepDescriptor.LENGTH;
import static org.amfkeys.hmac.ChainStepDescriptor.MAC_OFFSET;
import static org.amfkeys.hmac.ChainStepDescriptor.MAX_FC;
import static org.amfkeys.hmac.ChainStepDescriptor.MESSAGE_LENGTH;
import static org.amfkeys.hmac.ChainStepDescriptor.SCHEDULE_OFFSET;
import static org.amfkeys.hmac.ChainStepDescriptor.STATUS_OFFSET;

/**
 * A batch of key chain steps for {@link NativeBatchHmac#processSteps}: each derives
 * KDF(key, FC || P0 || 0x00 0x20) from a key schedule and a 32-octet P0 that stay where they live, a
 * context table's slot, so that a batch of NH steps copies neither into a record: the step holds their
 * addresses ({@link ChainStepDescriptor}), and only the MAC comes back here, for the caller to take
 * once the whole batch is known good. The schedule and P0 must be in native memory. The batch keeps
 * their buffers (and a {@code ByteBuffer} under one) reachable until {@link #clear}, and before any
 * computation checks that each still wraps the memory it did when the step was set: a buffer wrapped
 * elsewhere since, as a table's flyweight is once its claim ends, refuses the step instead of letting
 * it read memory that may be gone. A MAC is given out only once computed. The MACs are key material:
 * {@link #clear} and {@link #close()} zero them. Not thread-safe.
 */
public final class ChainSteps implements AutoCloseable, MacBatch
{
    /** Owners kept per step: the schedule's and P0's buffers, and the ByteBuffers under them. */
    private static final int OWNERS = 4;

    /** Most steps one batch may hold. */
    public static final int MAX_CAPACITY = HmacRecords.MAX_CAPACITY;

    private final AlignedMemory memory;
    private final UnsafeBuffer buffer;
    private final int capacity;
    /**
     * Each step's schedule buffer, P0 buffer, and the ByteBuffers under them when they have one: held so
     * their memory cannot be collected before the step is computed.
     */
    private final Object[] owners;
    /** The address each step's schedule and P0 buffers wrapped when it was set. */
    private final long[] wrapped;
    /** Reads a step's schedule and P0 where they live. */
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    /** A step's schedule copied for a Java engine, which is never given the live one: this copy is zeroed after. */
    private final KeySchedule copied = new KeySchedule();
    private final byte[] scratchMessage = new byte[MESSAGE_LENGTH];
    private final byte[] scratchMac = new byte[HmacSha256Engine.MAC_LENGTH];
    private boolean closed;

    /**
     * @param capacity steps, 1..{@value #MAX_CAPACITY}.
     */
    public ChainSteps(final int capacity)
    {
        InvalidParameterException.requireInRange("capacity", capacity, 1, MAX_CAPACITY);
        this.capacity = capacity;
        this.owners = new Object[OWNERS * capacity];
        this.wrapped = new long[2 * capacity];
        memory = new AlignedMemory(capacity * LENGTH, ALIGNMENT);
        buffer = memory.buffer();
        for (int step = 0; step < capacity; step++)
        {
            buffer.putInt(offset(step) + STATUS_OFFSET, ChainStepDescriptor.STATUS_NOT_COMPUTED);
        }
    }

    /**
     * @return steps this batch holds.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Sets step {@code step}: its key, P0 and FC, read when the batch is computed.
     *
     * @param step        index, 0..capacity-1.
     * @param schedule    the key's computed schedule, in native memory.
     * @param input       buffer over native memory holding P0.
     * @param inputOffset where P0's 32 octets start.
     * @param fc          FC, 0..255.
     * @return this.
     * @throws InvalidParameterException naming the parameter that is missing, out of range, not computed
     *                                   or not in native memory; the step is unchanged.
     */
    public ChainSteps step(final int step, final KeySchedule schedule, final DirectBuffer input, final int inputOffset, final int fc)
    {
        final int at = checkedOffset(step);
        if (schedule == null || !schedule.isComputed())
        {
            throw new InvalidParameterException(
                "schedule", schedule == null ? "missing" : "not computed", "a schedule filled by Kdf.computeSchedule");
        }
        requireNative("schedule", schedule.buffer());
        if (input == null)
        {
            throw InvalidParameterException.missing("input", "a buffer over native memory holding 32 octets");
        }
        requireNative("input", input);
        if (inputOffset < 0 || inputOffset > input.capacity() - INPUT_LENGTH)
        {
            throw InvalidParameterException.outOfRange("input-offset", inputOffset, 0, input.capacity() - INPUT_LENGTH);
        }
        InvalidParameterException.requireInRange("fc", fc, 0, MAX_FC);
        final MutableDirectBuffer scheduleBuffer = schedule.buffer();
        owners[OWNERS * step] = scheduleBuffer;
        owners[OWNERS * step + 1] = input;
        owners[OWNERS * step + 2] = scheduleBuffer.byteBuffer();
        owners[OWNERS * step + 3] = input.byteBuffer();
        wrapped[2 * step] = scheduleBuffer.addressOffset();
        wrapped[2 * step + 1] = input.addressOffset();
        buffer.putLong(at + SCHEDULE_OFFSET, scheduleBuffer.addressOffset() + schedule.offset());
        buffer.putLong(at + INPUT_OFFSET, input.addressOffset() + inputOffset);
        buffer.putInt(at + FC_OFFSET, fc);
        buffer.putInt(at + STATUS_OFFSET, ChainStepDescriptor.STATUS_NOT_COMPUTED);
        return this;
    }

    private static void requireNative(final String parameter, final DirectBuffer buffer)
    {
        if (buffer.byteArray() != null)
        {
            throw new InvalidParameterException(parameter, "in a buffer over a Java array", "a buffer over native memory");
        }
    }

    /**
     * Copies a computed MAC out.
     *
     * @param step   index.
     * @param out    receives 32 octets.
     * @param offset where they start.
     * @throws IllegalStateException when the step was not computed since it was set.
     */
    public void mac(final int step, final MutableDirectBuffer out, final int offset)
    {
        final int at = checkedOffset(step);
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "a buffer with room for 32 octets");
        }
        if (offset < 0 || offset > out.capacity() - HmacSha256Engine.MAC_LENGTH)
        {
            throw InvalidParameterException.outOfRange("out-offset", offset, 0, out.capacity() - HmacSha256Engine.MAC_LENGTH);
        }
        if (buffer.getInt(at + STATUS_OFFSET) != HmacRecordDescriptor.STATUS_OK)
        {
            throw new IllegalStateException("chain step " + step + " was not computed: no MAC to take");
        }
        // Word moves: putBytes goes through copyMemory, whose call costs more than 32 octets.
        Octets.copy(buffer, at + MAC_OFFSET, out, offset, HmacSha256Engine.MAC_LENGTH);
    }

    /**
     * @param step index.
     * @return the status the kernel wrote: {@link HmacRecordDescriptor#STATUS_OK} or a negative code;
     *         {@link ChainStepDescriptor#STATUS_NOT_COMPUTED} until a kernel computed the step.
     */
    public int status(final int step)
    {
        return buffer.getInt(checkedOffset(step) + STATUS_OFFSET);
    }

    /**
     * Computes the first {@code count} steps one by one on {@code engine}, with the same results as
     * {@link NativeBatchHmac#processSteps}: for a batch too small for a multi-buffer kernel,
     * and to compute again, whole, a batch whose kernel failed.
     *
     * @param engine computes each MAC.
     * @param count  steps to compute, 0..capacity.
     * @throws InvalidParameterException naming the step when one was never set or its schedule was
     *                                   cleared since; nothing is computed then.
     */
    public void computeOn(final HmacSha256Engine engine, final int count)
    {
        if (engine == null)
        {
            throw InvalidParameterException.missing("engine", "an HmacSha256Engine");
        }
        check(count);
        try
        {
            for (int step = 0; step < count; step++)
            {
                final int at = offset(step);
                view.wrap(buffer.getLong(at + SCHEDULE_OFFSET), KeyScheduleDescriptor.LENGTH);
                copied.buffer().putBytes(copied.offset(), view, 0, KeyScheduleDescriptor.LENGTH);
                scratchMessage[0] = (byte)buffer.getInt(at + FC_OFFSET);
                view.wrap(buffer.getLong(at + INPUT_OFFSET), INPUT_LENGTH);
                view.getBytes(0, scratchMessage, 1, INPUT_LENGTH);
                scratchMessage[1 + INPUT_LENGTH] = 0;
                scratchMessage[2 + INPUT_LENGTH] = (byte)INPUT_LENGTH;
                engine.mac(copied, scratchMessage, 0, MESSAGE_LENGTH, scratchMac, 0);
                buffer.putBytes(at + MAC_OFFSET, scratchMac, 0, scratchMac.length);
                buffer.putInt(at + STATUS_OFFSET, HmacRecordDescriptor.STATUS_OK);
            }
        }
        finally
        {
            view.wrap(0, 0);
            copied.clear();
            Arrays.fill(scratchMessage, (byte)0);
            Arrays.fill(scratchMac, (byte)0);
            Reference.reachabilityFence(owners);
        }
    }

    /**
     * Rejects steps that must not reach a kernel, before any call: one never set, one whose buffers were
     * wrapped elsewhere since (their memory may be gone), or whose schedule was cleared since it was set.
     *
     * @param count steps from the first to check.
     */
    void check(final int count)
    {
        checkMemory(count);
        for (int step = 0; step < count; step++)
        {
            view.wrap(buffer.getLong(offset(step) + SCHEDULE_OFFSET), KeyScheduleDescriptor.LENGTH);
            final boolean computed = !isZero(view, KeyScheduleDescriptor.INNER_STATE_OFFSET) &&
                !isZero(view, KeyScheduleDescriptor.OUTER_STATE_OFFSET);
            view.wrap(0, 0);
            if (!computed)
            {
                throw new InvalidParameterException(
                    "step[" + step + "].schedule", "not computed", "a schedule filled by Kdf.computeSchedule");
            }
        }
    }

    /**
     * Rejects steps whose addresses may name memory that is gone, which must never reach the library:
     * one never set, or one whose buffers were wrapped elsewhere since it was set. The library checks
     * the schedules itself.
     *
     * @param count steps from the first to check.
     */
    void checkMemory(final int count)
    {
        requireCount(count);
        for (int step = 0; step < count; step++)
        {
            final DirectBuffer scheduleOwner = (DirectBuffer)owners[OWNERS * step];
            final DirectBuffer inputOwner = (DirectBuffer)owners[OWNERS * step + 1];
            if (scheduleOwner == null)
            {
                throw new InvalidParameterException("step[" + step + "]", "never set", "a step set by ChainSteps.step");
            }
            if (scheduleOwner.byteArray() != null || scheduleOwner.addressOffset() != wrapped[2 * step] ||
                inputOwner.byteArray() != null || inputOwner.addressOffset() != wrapped[2 * step + 1])
            {
                throw new InvalidParameterException("step[" + step + "]", "over a buffer wrapped elsewhere since it was set",
                    "a step whose buffers still wrap what they did when it was set");
            }
        }
    }

    private static boolean isZero(final DirectBuffer buffer, final int at)
    {
        return (buffer.getLong(at) | buffer.getLong(at + 8) | buffer.getLong(at + 16) | buffer.getLong(at + 24)) == 0;
    }

    /**
     * @param count steps from the first that a call will use: 0..capacity, on an open batch.
     */
    void requireCount(final int count)
    {
        ensureOpen();
        InvalidParameterException.requireInRange("count", count, 0, capacity);
    }

    long address()
    {
        ensureOpen();
        return buffer.addressOffset();
    }

    /**
     * Zeroes the MACs of the first {@code count} steps, their only key material, and unsets the steps:
     * their addresses and buffers are let go of.
     *
     * @param count steps to clear.
     */
    public void clear(final int count)
    {
        ensureOpen();
        InvalidParameterException.requireInRange("count", count, 0, capacity);
        // Word stores: a batch's few steps cost less this way than one setMemory call.
        for (int step = 0; step < count; step++)
        {
            final int at = offset(step);
            buffer.putLong(at + SCHEDULE_OFFSET, 0);
            buffer.putLong(at + INPUT_OFFSET, 0);
            buffer.putInt(at + FC_OFFSET, 0);
            buffer.putInt(at + STATUS_OFFSET, ChainStepDescriptor.STATUS_NOT_COMPUTED);
            for (int word = 0; word < HmacSha256Engine.MAC_LENGTH; word += Long.BYTES)
            {
                buffer.putLong(at + MAC_OFFSET + word, 0);
            }
        }
        Arrays.fill(owners, 0, OWNERS * count, null);
    }

    /**
     * Zeroes every step and frees the memory; the batch is unusable afterwards. Closing again does nothing.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        Arrays.fill(owners, null);
        memory.close();
    }

    /**
     * @return a description without content.
     */
    public String toString()
    {
        return "ChainSteps[capacity=" + capacity + "]";
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("ChainSteps is closed");
        }
    }

    private int checkedOffset(final int step)
    {
        ensureOpen();
        return offset(InvalidParameterException.requireInRange("step", step, 0, capacity - 1));
    }

    private static int offset(final int step)
    {
        return step * LENGTH;
    }
}

package org.amfkeys.hmac;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.Octets;

import java.util.Objects;

/**
 * HMAC-SHA-256 in the native library, one derivation per JNI call, for latency-bound callers. Keys,
 * schedules and messages pass through this engine's own direct scratch memory by address.
 */
class NativeHmac implements HmacSha256Engine
{
    private static final int SCHEDULE_AREA = 0;
    private static final int MAC_AREA = SCHEDULE_AREA + KeyScheduleDescriptor.LENGTH;
    private static final int DATA_AREA = 128;
    private static final int INITIAL_DATA = 512;

    private final String name;
    private final NativeKernel kernel;
    private AlignedMemory memory;
    private UnsafeBuffer scratch;

    NativeHmac(final String name, final NativeKernel kernel)
    {
        this.name = name;
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        allocate(INITIAL_DATA);
    }

    public String name()
    {
        return name;
    }

    /**
     * @return the kernel this engine computes with.
     */
    public NativeKernel kernel()
    {
        return kernel;
    }

    public void computeSchedule(final byte[] key, final int keyOffset, final int keyLength, final KeySchedule schedule)
    {
        Objects.checkFromIndexSize(keyOffset, keyLength, key.length);
        // The outer state is the schedule's "computed" marker (see KeySchedule): zeroed first, copied last.
        schedule.begin();
        final long address = data(keyLength);
        Octets.copy(key, keyOffset, scratch, DATA_AREA, keyLength);
        try
        {
            check(NativeLibrary.schedule(kernel.id(), address + DATA_AREA, keyLength, address + SCHEDULE_AREA));
        }
        finally
        {
            Octets.zero(scratch, DATA_AREA, keyLength);
        }
        final int at = schedule.offset();
        Octets.copy(scratch, SCHEDULE_AREA + KeyScheduleDescriptor.INNER_STATE_OFFSET,
            schedule.buffer(), at + KeyScheduleDescriptor.INNER_STATE_OFFSET, KeyScheduleDescriptor.STATE_LENGTH);
        Octets.copy(scratch, SCHEDULE_AREA + KeyScheduleDescriptor.OUTER_STATE_OFFSET,
            schedule.buffer(), at + KeyScheduleDescriptor.OUTER_STATE_OFFSET, KeyScheduleDescriptor.STATE_LENGTH);
        Octets.zero(scratch, SCHEDULE_AREA, KeyScheduleDescriptor.LENGTH);
    }

    public void mac(
        final KeySchedule schedule, final byte[] message, final int messageOffset, final int messageLength,
        final byte[] mac, final int macOffset)
    {
        Objects.checkFromIndexSize(messageOffset, messageLength, message.length);
        Objects.checkFromIndexSize(macOffset, MAC_LENGTH, mac.length);
        final long address = data(messageLength);
        // A schedule off the heap (a context table's slot) is read where it lies; one in an array is copied.
        final MutableDirectBuffer scheduleBuffer = schedule.buffer();
        final long scheduleAddress;
        if (scheduleBuffer.byteArray() == null)
        {
            scheduleAddress = scheduleBuffer.addressOffset() + schedule.offset();
        }
        else
        {
            Octets.copy(scheduleBuffer, schedule.offset(), scratch, SCHEDULE_AREA, KeyScheduleDescriptor.LENGTH);
            scheduleAddress = address + SCHEDULE_AREA;
        }
        Octets.copy(message, messageOffset, scratch, DATA_AREA, messageLength);
        // The library refuses a schedule never computed, so that the check costs no second read here.
        final int code = NativeLibrary.mac(kernel.id(), scheduleAddress, address + DATA_AREA, messageLength, address + MAC_AREA);
        if (code == NativeLibrary.ERROR_SCHEDULE)
        {
            throw KeySchedule.notComputed();
        }
        check(code);
        Octets.copy(scratch, MAC_AREA, mac, macOffset, MAC_LENGTH);
    }

    public void digest(
        final byte[] message, final int messageOffset, final int messageLength, final byte[] digest, final int digestOffset)
    {
        Objects.checkFromIndexSize(messageOffset, messageLength, message.length);
        Objects.checkFromIndexSize(digestOffset, MAC_LENGTH, digest.length);
        final long address = data(messageLength);
        scratch.putBytes(DATA_AREA, message, messageOffset, messageLength);
        check(NativeLibrary.sha256(kernel.id(), address + DATA_AREA, messageLength, address + MAC_AREA));
        scratch.getBytes(MAC_AREA, digest, digestOffset, MAC_LENGTH);
    }

    public void close()
    {
        scratch.setMemory(0, scratch.capacity(), (byte)0);
    }

    public String toString()
    {
        return "HmacSha256Engine[" + name + ", kernel " + kernel.token() + "]";
    }

    final void check(final int code)
    {
        if (code < 0)
        {
            throw new IllegalStateException("native kernel " + kernel.token() + " refused the call (" + code + ")");
        }
    }

    /** @return the scratch address, with room for {@code length} octets of data. */
    private long data(final int length)
    {
        if (DATA_AREA + length > scratch.capacity())
        {
            final AlignedMemory previous = memory;
            allocate(Math.max(length, 2 * (scratch.capacity() - DATA_AREA)));
            previous.close();
        }
        return scratch.addressOffset();
    }

    private void allocate(final int dataLength)
    {
        memory = new AlignedMemory(DATA_AREA + dataLength, HmacRecordDescriptor.ALIGNMENT);
        scratch = memory.buffer();
    }
}

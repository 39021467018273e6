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
        final long scheduleAddress = scheduleAddress(schedule, address);
        Octets.copy(message, messageOffset, scratch, DATA_AREA, messageLength);
        // The library refuses a schedule never computed, so that the check costs no second read here.
        checkMac(NativeLibrary.mac(kernel.id(), scheduleAddress, address + DATA_AREA, messageLength, address + MAC_AREA));
        Octets.copy(scratch, MAC_AREA, mac, macOffset, MAC_LENGTH);
    }

    /** One JNI call for both MACs; the SHA-NI kernel interleaves them. */
    public void macPair(
        final KeySchedule schedule, final byte[] first, final int firstLength, final byte[] second, final int secondLength,
        final byte[] macs)
    {
        Objects.checkFromIndexSize(0, firstLength, first.length);
        Objects.checkFromIndexSize(0, secondLength, second.length);
        Objects.checkFromIndexSize(0, 2 * MAC_LENGTH, macs.length);
        final long address = data(firstLength + secondLength);
        final long scheduleAddress = scheduleAddress(schedule, address);
        Octets.copy(first, 0, scratch, DATA_AREA, firstLength);
        Octets.copy(second, 0, scratch, DATA_AREA + firstLength, secondLength);
        checkMac(NativeLibrary.macPair(kernel.id(), scheduleAddress, address + DATA_AREA, firstLength,
            address + DATA_AREA + firstLength, secondLength, address + MAC_AREA));
        Octets.copy(scratch, MAC_AREA, macs, 0, 2 * MAC_LENGTH);
    }

    /** A schedule off the heap (a context table's slot) is read where it lies; one in an array is copied. */
    private long scheduleAddress(final KeySchedule schedule, final long address)
    {
        final MutableDirectBuffer scheduleBuffer = schedule.buffer();
        if (scheduleBuffer.byteArray() == null)
        {
            return scheduleBuffer.addressOffset() + schedule.offset();
        }
        Octets.copy(scheduleBuffer, schedule.offset(), scratch, SCHEDULE_AREA, KeyScheduleDescriptor.LENGTH);
        return address + SCHEDULE_AREA;
    }

    private void checkMac(final int code)
    {
        if (code == NativeLibrary.ERROR_SCHEDULE)
        {
            throw KeySchedule.notComputed();
        }
        check(code);
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

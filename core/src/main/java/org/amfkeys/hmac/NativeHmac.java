package org.amfkeys.hmac;

import org.agrona.concurrent.UnsafeBuffer;

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
        scratch.putBytes(DATA_AREA, key, keyOffset, keyLength);
        try
        {
            check(NativeLibrary.schedule(kernel.id(), address + DATA_AREA, keyLength, address + SCHEDULE_AREA));
        }
        finally
        {
            scratch.setMemory(DATA_AREA, keyLength, (byte)0);
        }
        final int at = schedule.offset();
        schedule.buffer().putBytes(at + KeyScheduleDescriptor.INNER_STATE_OFFSET,
            scratch, SCHEDULE_AREA + KeyScheduleDescriptor.INNER_STATE_OFFSET, KeyScheduleDescriptor.STATE_LENGTH);
        schedule.buffer().putBytes(at + KeyScheduleDescriptor.OUTER_STATE_OFFSET,
            scratch, SCHEDULE_AREA + KeyScheduleDescriptor.OUTER_STATE_OFFSET, KeyScheduleDescriptor.STATE_LENGTH);
        scratch.setMemory(SCHEDULE_AREA, KeyScheduleDescriptor.LENGTH, (byte)0);
    }

    public void mac(
        final KeySchedule schedule, final byte[] message, final int messageOffset, final int messageLength,
        final byte[] mac, final int macOffset)
    {
        Objects.checkFromIndexSize(messageOffset, messageLength, message.length);
        Objects.checkFromIndexSize(macOffset, MAC_LENGTH, mac.length);
        if (!schedule.isComputed())
        {
            throw new IllegalStateException("key schedule not computed (never computed, cleared or half-written): compute it before use");
        }
        final long address = data(messageLength);
        scratch.putBytes(SCHEDULE_AREA, schedule.buffer(), schedule.offset(), KeyScheduleDescriptor.LENGTH);
        scratch.putBytes(DATA_AREA, message, messageOffset, messageLength);
        check(NativeLibrary.mac(kernel.id(), address + SCHEDULE_AREA, address + DATA_AREA, messageLength, address + MAC_AREA));
        scratch.getBytes(MAC_AREA, mac, macOffset, MAC_LENGTH);
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

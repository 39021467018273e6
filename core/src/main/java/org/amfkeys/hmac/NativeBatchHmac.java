package org.amfkeys.hmac;

import org.amfkeys.InvalidParameterException;

import java.lang.ref.Reference;

/**
 * HMAC-SHA-256 in the native library, many derivations per JNI call: {@link #process} computes every
 * record of an {@link HmacRecords} batch with the selected kernel (AVX-512 multi-buffer, SHA-NI or
 * OpenSSL). Single derivations through the {@link HmacSha256Engine} interface run as a batch of one.
 */
public final class NativeBatchHmac extends NativeHmac
{
    private final HmacRecords one = new HmacRecords(1);

    NativeBatchHmac(final String name, final NativeKernel kernel)
    {
        super(name, kernel);
    }

    /**
     * Computes the MAC of the first {@code count} records. Every record is checked first; an invalid
     * one is rejected before anything is computed.
     *
     * @param records the batch.
     * @param count   records to compute, 0..capacity.
     * @throws InvalidParameterException naming the record and field when one is invalid.
     */
    public void process(final HmacRecords records, final int count)
    {
        if (records == null)
        {
            throw InvalidParameterException.missing("records", "an HmacRecords batch");
        }
        records.requireCount(count);
        // The library checks every record before computing any, so a valid batch costs no pass over it
        // here; a refused one is checked again in Java only to name the record and field.
        final int computed = NativeLibrary.hmacRecords(kernel().id(), records.address(), count);
        if (computed == NativeLibrary.ERROR_RECORDS)
        {
            records.check(count);
            throw new IllegalStateException("native kernel " + kernel().token() + " refused a record that passes the Java checks");
        }
        check(computed);
        if (computed != count)
        {
            throw new IllegalStateException("native kernel " + kernel().token() + " computed " + computed + " of " + count);
        }
    }

    /**
     * Computes the MAC of the first {@code count} key chain steps, each from its key schedule and P0
     * where they live. Every step is checked first; an invalid one is rejected before anything is computed.
     *
     * @param steps the batch.
     * @param count steps to compute, 0..capacity.
     * @throws InvalidParameterException naming the step when one is invalid.
     */
    public void processSteps(final ChainSteps steps, final int count)
    {
        if (steps == null)
        {
            throw InvalidParameterException.missing("steps", "a ChainSteps batch");
        }
        // Every step must name memory that is still there before the library reads through its addresses.
        steps.checkMemory(count);
        final int computed;
        try
        {
            computed = NativeLibrary.chainSteps(kernel().id(), steps.address(), count);
        }
        finally
        {
            Reference.reachabilityFence(steps);
        }
        if (computed == NativeLibrary.ERROR_RECORDS)
        {
            // A schedule never computed or cleared since: the library computed none; name the step.
            steps.check(count);
            throw new IllegalStateException("native kernel " + kernel().token() + " refused a step that passes the Java checks");
        }
        check(computed);
        if (computed != count)
        {
            throw new IllegalStateException("native kernel " + kernel().token() + " computed " + computed + " of " + count);
        }
    }

    public void mac(
        final KeySchedule schedule, final byte[] message, final int messageOffset, final int messageLength,
        final byte[] mac, final int macOffset)
    {
        if (messageLength > HmacRecordDescriptor.MAX_MESSAGE_LENGTH)
        {
            super.mac(schedule, message, messageOffset, messageLength, mac, macOffset);
            return;
        }
        java.util.Objects.checkFromIndexSize(macOffset, MAC_LENGTH, mac.length);
        if (!schedule.isComputed())
        {
            throw KeySchedule.notComputed();
        }
        one.schedule(0, schedule).message(0, message, messageOffset, messageLength);
        process(one, 1);
        one.mac(0, mac, macOffset);
    }

    public void close()
    {
        one.clear(1);
        super.close();
    }
}

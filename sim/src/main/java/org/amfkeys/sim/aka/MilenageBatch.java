package org.amfkeys.sim.aka;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.Octets;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.amfkeys.sim.aka.MilenageRecordDescriptor.AK_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.AK_STAR_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.AMF_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.CK_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.IK_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.K_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.LENGTH;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.MAC_A_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.MAC_S_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.MODE_GENERATE;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.MODE_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.MODE_RECOVER_FROM_AUTN;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.OPC_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.RAND_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.RES_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.SQN_IN_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.SQN_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.STATUS_BAD_MODE;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.STATUS_OFFSET;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.STATUS_OK;
import static org.amfkeys.sim.aka.MilenageRecordDescriptor.STATUS_PENDING;

/**
 * MILENAGE for many subscribers at once: the UDM/ARPF's vectors of a batch of registrations, or their
 * USIMs' checks of AUTN. Each record ({@link MilenageRecordDescriptor}) is staged with
 * {@link #stageGenerate} or {@link #stageRecoverFromAutn}, the batch {@link #compute computed}, and each
 * subscriber's functions read with {@link #outputs}; {@link #clear} zeroes what the batch held.
 * <p>
 * On the {@code aes-ni} path the whole batch is one native call that interleaves the AES chains of four
 * subscribers at a time (one subscriber's chains alone leave AES-NI mostly idle, and each call through
 * JNI costs more than a block). On any other path, or when the native call fails, each record runs
 * through the given {@link Milenage}: the same results either way. Not thread-safe.
 */
public final class MilenageBatch implements AutoCloseable
{
    /** Most records of one batch. */
    public static final int MAX_CAPACITY = 1 << 16;

    private static final String NATIVE_AVAILABILITY = checkNative();

    private final Milenage milenage;
    private final boolean nativeKernel;
    private final UnsafeBuffer records;
    private final int capacity;
    private final MilenageOutputs outputs = new MilenageOutputs();
    private final byte[] k = new byte[Milenage.K_LENGTH];
    private final byte[] opc = new byte[Milenage.OP_LENGTH];
    private final byte[] rand = new byte[Milenage.RAND_LENGTH];
    private final byte[] sqn = new byte[Milenage.SQN_LENGTH];
    private final byte[] amf = new byte[Milenage.AMF_LENGTH];
    private final byte[] autn = new byte[Milenage.AUTN_LENGTH];
    private boolean closed;

    /**
     * @param milenage the MILENAGE whose AES path the batch runs on (natively for {@code aes-ni}, where
     *                 the native batch passed its check against the Java path); not closed here.
     * @param capacity most records of one batch, 1..{@value #MAX_CAPACITY}.
     * @throws InvalidParameterException naming {@code milenage} when missing, or {@code capacity} when
     *                                   out of range.
     */
    public MilenageBatch(final Milenage milenage, final int capacity)
    {
        if (milenage == null)
        {
            throw InvalidParameterException.missing("milenage", "a Milenage");
        }
        InvalidParameterException.requireInRange("capacity", capacity, 1, MAX_CAPACITY);
        this.milenage = milenage;
        this.capacity = capacity;
        this.nativeKernel = NATIVE_AVAILABILITY == null && "aes-ni".equals(milenage.aesName());
        this.records = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * LENGTH, MilenageRecordDescriptor.ALIGNMENT));
    }

    /**
     * @return null when the native batch is usable here, else why not.
     */
    public static String nativeAvailability()
    {
        return NATIVE_AVAILABILITY;
    }

    /**
     * @return how batches are computed: {@code aes-ni-batch}, or the AES path of the given MILENAGE run
     *         record by record.
     */
    public String kernelName()
    {
        return nativeKernel ? "aes-ni-batch" : milenage.aesName();
    }

    /**
     * @return most records of one batch.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Stages the UDM/ARPF's run for a given SQN, as {@link Milenage#generate}.
     *
     * @param record the record, 0..capacity-1.
     * @param k      K, 16 octets.
     * @param opc    OPc, 16 octets.
     * @param rand   RAND, 16 octets.
     * @param sqn    SQN, 6 octets.
     * @param amf    AMF, 2 octets.
     * @throws InvalidParameterException naming the parameter that is missing, of the wrong length or out of range.
     */
    public void stageGenerate(
        final int record, final byte[] k, final byte[] opc, final byte[] rand, final byte[] sqn, final byte[] amf)
    {
        Milenage.requireLength("sqn", sqn, Milenage.SQN_LENGTH);
        Milenage.requireLength("amf", amf, Milenage.AMF_LENGTH);
        final int at = stage(record, k, opc, rand, MODE_GENERATE);
        records.putBytes(at + SQN_IN_OFFSET, sqn);
        records.putBytes(at + AMF_OFFSET, amf);
    }

    /**
     * Stages the USIM's run on a received AUTN, SQN recovered with AK, as {@link Milenage#recoverFromAutn}.
     *
     * @param record the record, 0..capacity-1.
     * @param k      K, 16 octets.
     * @param opc    OPc, 16 octets.
     * @param rand   RAND, 16 octets.
     * @param autn   AUTN as received, 16 octets.
     * @throws InvalidParameterException naming the parameter that is missing, of the wrong length or out of range.
     */
    public void stageRecoverFromAutn(final int record, final byte[] k, final byte[] opc, final byte[] rand, final byte[] autn)
    {
        Milenage.requireLength("autn", autn, Milenage.AUTN_LENGTH);
        final int at = stage(record, k, opc, rand, MODE_RECOVER_FROM_AUTN);
        records.putBytes(at + SQN_IN_OFFSET, autn, 0, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH);
    }

    /**
     * Computes records {@code 0 .. count - 1}.
     *
     * @param count how many, 0..capacity.
     * @throws InvalidParameterException naming {@code count} when out of range.
     */
    public void compute(final int count)
    {
        ensureOpen();
        InvalidParameterException.requireInRange("count", count, 0, capacity);
        if (count == 0 || nativeKernel && computedNatively(count))
        {
            return;
        }
        try
        {
            for (int record = 0; record < count; record++)
            {
                computeOnPath(record);
            }
        }
        finally
        {
            wipeScratch();
        }
    }

    /**
     * Copies a computed record's functions, with SQN and AMF, into {@code out}.
     *
     * @param record the record, 0..capacity-1.
     * @param out    receives MAC-A, MAC-S, RES, CK, IK, AK, AK*, SQN and AMF.
     * @throws InvalidParameterException naming {@code record} or {@code out}.
     * @throws IllegalStateException     when the record was not staged since the last clear.
     */
    public void outputs(final int record, final MilenageOutputs out)
    {
        final int at = offsetOf(record);
        if (out == null)
        {
            throw InvalidParameterException.missing("out", "a MilenageOutputs");
        }
        if (records.getInt(at + STATUS_OFFSET) != STATUS_OK || records.getInt(at + MODE_OFFSET) == 0)
        {
            throw new IllegalStateException("MILENAGE record " + record + " was not staged and computed");
        }
        copyOut(at + MAC_A_OFFSET, out.macA());
        copyOut(at + MAC_S_OFFSET, out.macS());
        copyOut(at + RES_OFFSET, out.res());
        copyOut(at + CK_OFFSET, out.ck());
        copyOut(at + IK_OFFSET, out.ik());
        copyOut(at + AK_OFFSET, out.ak());
        copyOut(at + AK_STAR_OFFSET, out.akStar());
        copyOut(at + SQN_OFFSET, out.sqn());
        copyOut(at + AMF_OFFSET, out.amf());
    }

    /**
     * Zeroes records {@code 0 .. count - 1}: inputs, outputs and mode.
     *
     * @param count how many, 0..capacity.
     * @throws InvalidParameterException naming {@code count} when out of range.
     */
    public void clear(final int count)
    {
        ensureOpen();
        InvalidParameterException.requireInRange("count", count, 0, capacity);
        records.setMemory(0, count * LENGTH, (byte)0);
    }

    /**
     * Zeroes every record; the memory goes with its buffer's cleaner. Every later call but this one
     * throws {@link IllegalStateException}; closing again does nothing.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // The direct buffer goes with its cleaner; what it held is zero from here on.
        records.setMemory(0, records.capacity(), (byte)0);
        wipeScratch();
    }

    @Override
    public String toString()
    {
        return "MilenageBatch[" + kernelName() + ", capacity " + capacity + "]";
    }

    private int stage(final int record, final byte[] k, final byte[] opc, final byte[] rand, final int mode)
    {
        Milenage.requireLength("k", k, Milenage.K_LENGTH);
        Milenage.requireLength("opc", opc, Milenage.OP_LENGTH);
        Milenage.requireLength("rand", rand, Milenage.RAND_LENGTH);
        final int at = offsetOf(record);
        records.putInt(at + MODE_OFFSET, mode);
        records.putInt(at + STATUS_OFFSET, STATUS_PENDING);
        copyIn(k, at + K_OFFSET);
        copyIn(opc, at + OPC_OFFSET);
        copyIn(rand, at + RAND_OFFSET);
        return at;
    }

    /**
     * The record's octets at {@code at} into all of {@code to} (2, 6, 8 or 16 octets), by words: a
     * batch copies a dozen such small values per subscriber, where a general copy's fixed cost dominates.
     */
    private void copyOut(final int at, final byte[] to)
    {
        int i = 0;
        for (; i + Long.BYTES <= to.length; i += Long.BYTES)
        {
            UnsafeApi.putLong(to, BufferUtil.ARRAY_BASE_OFFSET + i, records.getLong(at + i));
        }
        if (i + Integer.BYTES <= to.length)
        {
            UnsafeApi.putInt(to, BufferUtil.ARRAY_BASE_OFFSET + i, records.getInt(at + i));
            i += Integer.BYTES;
        }
        if (i + Short.BYTES <= to.length)
        {
            UnsafeApi.putShort(to, BufferUtil.ARRAY_BASE_OFFSET + i, records.getShort(at + i));
        }
    }

    /** All of {@code from} (16 octets) into the record at {@code at}, as {@link #copyOut}. */
    private void copyIn(final byte[] from, final int at)
    {
        records.putLong(at, UnsafeApi.getLong(from, BufferUtil.ARRAY_BASE_OFFSET));
        records.putLong(at + Long.BYTES, UnsafeApi.getLong(from, BufferUtil.ARRAY_BASE_OFFSET + Long.BYTES));
    }

    private int offsetOf(final int record)
    {
        ensureOpen();
        return InvalidParameterException.requireInRange("record", record, 0, capacity - 1) * LENGTH;
    }

    private boolean computedNatively(final int count)
    {
        try
        {
            if (computeRecords(records.addressOffset(), count) != count)
            {
                return false;
            }
            for (int record = 0; record < count; record++)
            {
                if (records.getInt(record * LENGTH + STATUS_OFFSET) != STATUS_OK)
                {
                    return false;
                }
            }
            return true;
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return false;
        }
    }

    /** One record on the given MILENAGE, with the native kernel's statuses and layout. */
    private void computeOnPath(final int record)
    {
        final int at = record * LENGTH;
        final int mode = records.getInt(at + MODE_OFFSET);
        if (mode != MODE_GENERATE && mode != MODE_RECOVER_FROM_AUTN)
        {
            records.putInt(at + STATUS_OFFSET, STATUS_BAD_MODE);
            records.setMemory(at + SQN_OFFSET, LENGTH - SQN_OFFSET, (byte)0);
            return;
        }
        records.getBytes(at + K_OFFSET, k);
        records.getBytes(at + OPC_OFFSET, opc);
        records.getBytes(at + RAND_OFFSET, rand);
        if (mode == MODE_GENERATE)
        {
            records.getBytes(at + SQN_IN_OFFSET, sqn);
            records.getBytes(at + AMF_OFFSET, amf);
            milenage.generate(k, opc, rand, sqn, amf, outputs);
        }
        else
        {
            // Recovery reads AUTN's SQN xor AK and AMF only; its MAC-A is the caller's to compare.
            records.getBytes(at + SQN_IN_OFFSET, autn, 0, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH);
            milenage.recoverFromAutn(k, opc, rand, autn, outputs);
        }
        records.putInt(at + STATUS_OFFSET, STATUS_OK);
        records.putBytes(at + SQN_OFFSET, outputs.sqn());
        records.putBytes(at + AK_OFFSET, outputs.ak());
        records.putBytes(at + AK_STAR_OFFSET, outputs.akStar());
        records.putBytes(at + MAC_A_OFFSET, outputs.macA());
        records.putBytes(at + MAC_S_OFFSET, outputs.macS());
        records.putBytes(at + RES_OFFSET, outputs.res());
        records.putBytes(at + CK_OFFSET, outputs.ck());
        records.putBytes(at + IK_OFFSET, outputs.ik());
    }

    private void wipeScratch()
    {
        outputs.wipe();
        Octets.zero(k);
        Octets.zero(opc);
        Octets.zero(rand);
        Octets.zero(sqn);
        Octets.zero(amf);
        Octets.zero(autn);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("this MilenageBatch is closed");
        }
    }

    /**
     * @return null when the native batch may be used: the library has it, its record layout is this
     *         descriptor's, and it computes as the Java path on random subscribers at every lane count.
     */
    private static String checkNative()
    {
        final String aes = NativeAes128.availability();
        if (aes != null)
        {
            return aes;
        }
        try
        {
            if (recordLength() != LENGTH)
            {
                return "the native library's MILENAGE record is " + recordLength() + " octets, not " + LENGTH;
            }
        }
        catch (final UnsatisfiedLinkError ex)
        {
            return "the native library has no MILENAGE batch";
        }
        return SelfCheck.failure();
    }

    static native int computeRecords(long records, int count);

    static native int recordLength();

    /** The native batch against the Java path, before either is trusted with a subscriber. */
    private static final class SelfCheck
    {
        private static final int MAX_COUNT = 9;

        static String failure()
        {
            try (Milenage java = new Milenage(new JdkAes128());
                MilenageBatch reference = new MilenageBatch(java, MAX_COUNT);
                MilenageBatch batch = new MilenageBatch(java, MAX_COUNT))
            {
                final SplittableRandom random = new SplittableRandom(0x35206);
                final byte[] k = new byte[Milenage.K_LENGTH];
                final byte[] opc = new byte[Milenage.OP_LENGTH];
                final byte[] rand = new byte[Milenage.RAND_LENGTH];
                final byte[] sqnOrAutn = new byte[Milenage.AUTN_LENGTH];
                for (int count = 1; count <= MAX_COUNT; count++)
                {
                    for (int record = 0; record < count; record++)
                    {
                        random.nextBytes(k);
                        random.nextBytes(opc);
                        random.nextBytes(rand);
                        random.nextBytes(sqnOrAutn);
                        for (final MilenageBatch side : new MilenageBatch[] {reference, batch})
                        {
                            if ((record & 1) == 0)
                            {
                                side.stageGenerate(record, k, opc, rand, Arrays.copyOf(sqnOrAutn, Milenage.SQN_LENGTH),
                                    Arrays.copyOfRange(sqnOrAutn, Milenage.SQN_LENGTH, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH));
                            }
                            else
                            {
                                side.stageRecoverFromAutn(record, k, opc, rand, sqnOrAutn);
                            }
                        }
                    }
                    reference.compute(count);
                    if (computeRecords(batch.records.addressOffset(), count) != count || !same(batch, reference, count))
                    {
                        return "the native MILENAGE batch differs from the Java path at " + count + " records";
                    }
                }
                return null;
            }
            catch (final RuntimeException | UnsatisfiedLinkError ex)
            {
                return "the native MILENAGE batch failed its check: " + ex;
            }
        }

        private static boolean same(final MilenageBatch a, final MilenageBatch b, final int count)
        {
            for (int at = 0; at < count * LENGTH; at += Long.BYTES)
            {
                if (a.records.getLong(at) != b.records.getLong(at))
                {
                    return false;
                }
            }
            return true;
        }
    }
}

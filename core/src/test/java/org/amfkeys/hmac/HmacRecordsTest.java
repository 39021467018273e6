package org.amfkeys.hmac;

import org.agrona.concurrent.UnsafeBuffer;
import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.amfkeys.hmac.HmacRecordDescriptor.FLAGS_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.FLAG_SCHEDULE;
import static org.amfkeys.hmac.HmacRecordDescriptor.KEY_LENGTH_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.KEY_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.LENGTH;
import static org.amfkeys.hmac.HmacRecordDescriptor.MAC_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.MAX_KEY_LENGTH;
import static org.amfkeys.hmac.HmacRecordDescriptor.MAX_MESSAGE_LENGTH;
import static org.amfkeys.hmac.HmacRecordDescriptor.MESSAGE_LENGTH_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.MESSAGE_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.STATUS_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Records that a kernel would refuse are rejected in Java, naming the record and field, before any
 * native call; the native code checks its own bounds as well and writes nothing it should not.
 */
class HmacRecordsTest
{
    @BeforeEach
    void nativeLoaded()
    {
        Assumptions.assumeTrue(HmacEngines.nativeStatus().loaded() || !NativeLibraryTest.nativeRequired(),
            "native library required but missing: the NativeLibraryTest fails for it");
        Assumptions.assumeTrue(HmacEngines.nativeStatus().batchKernel().isPresent());
    }

    /**
     * A record flagged as holding a schedule whose key area was never filled (or was cleared) was
     * computed silently with an all-zero chaining value; it is refused like an empty KeySchedule.
     */
    @Test
    void aScheduleRecordThatHoldsNoScheduleIsRejected()
    {
        try (NativeBatchHmac engine = HmacEngines.newBatchEngine(); HmacRecords records = new HmacRecords(2))
        {
            assertEquals("schedule", assertThrows(InvalidParameterException.class,
                () -> records.schedule(0, new KeySchedule())).parameter());
            records.key(0, new byte[32], 0, 32).message(0, new byte[3], 0, 3);
            records.buffer().putInt(HmacRecords.offset(1) + FLAGS_OFFSET, FLAG_SCHEDULE);
            records.message(1, new byte[3], 0, 3);
            final InvalidParameterException empty = assertThrows(InvalidParameterException.class, () -> engine.process(records, 2));
            assertEquals("record[1].schedule", empty.parameter());
            assertEquals("a schedule filled by Kdf.computeSchedule", empty.allowed());
            final KeySchedule schedule = new KeySchedule();
            engine.computeSchedule(new byte[32], 0, 32, schedule);
            records.schedule(1, schedule);
            engine.process(records, 2);
        }
    }

    @Test
    void invalidBatchesAreRejectedByNameWithNothingComputed()
    {
        try (NativeBatchHmac engine = HmacEngines.newBatchEngine(); HmacRecords records = new HmacRecords(4))
        {
            assertEquals("records", assertThrows(InvalidParameterException.class, () -> engine.process(null, 1)).parameter());
            assertEquals("count", assertThrows(InvalidParameterException.class, () -> engine.process(records, 5)).parameter());
            assertEquals("count", assertThrows(InvalidParameterException.class, () -> engine.process(records, -1)).parameter());
            engine.process(records, 0);

            records.key(0, new byte[32], 0, 32).message(0, new byte[3], 0, 3);
            records.buffer().putInt(HmacRecords.offset(1) + KEY_LENGTH_OFFSET, 65);
            final InvalidParameterException key = assertThrows(InvalidParameterException.class, () -> engine.process(records, 2));
            assertEquals("record[1].key-length", key.parameter());
            assertEquals("0..64", key.allowed());

            records.key(1, new byte[1], 0, 1);
            records.buffer().putInt(HmacRecords.offset(1) + MESSAGE_LENGTH_OFFSET, 273);
            assertEquals("record[1].message-length",
                assertThrows(InvalidParameterException.class, () -> engine.process(records, 2)).parameter());
            records.buffer().putInt(HmacRecords.offset(1) + MESSAGE_LENGTH_OFFSET, 0);
            records.buffer().putInt(HmacRecords.offset(1) + FLAGS_OFFSET, 6);
            assertEquals("record[1].flags", assertThrows(InvalidParameterException.class, () -> engine.process(records, 2)).parameter());
            final byte[] mac = new byte[32];
            records.mac(0, mac, 0);
            assertArrayEquals(new byte[32], mac, "a refused batch computed its valid record");

            assertEquals("record", assertThrows(InvalidParameterException.class, () -> records.key(4, new byte[1], 0, 1)).parameter());
            assertEquals("key-length",
                assertThrows(InvalidParameterException.class, () -> records.key(0, new byte[65], 0, 65)).parameter());
            assertEquals("message-length",
                assertThrows(InvalidParameterException.class, () -> records.message(0, new byte[273], 0, 273)).parameter());
            assertEquals("schedule",
                assertThrows(InvalidParameterException.class, () -> records.schedule(0, new KeySchedule())).parameter());
            assertEquals("capacity", assertThrows(InvalidParameterException.class, () -> new HmacRecords(0)).parameter());
        }
    }

    @Test
    void theNativeSideChecksRecordsItselfAndComputesNoneOfARefusedBatch() throws Exception
    {
        // Called directly, past the Java checks: every record gets its status, and one bad record keeps the
        // whole batch from being computed; the same records made valid are then computed.
        final NativeKernel kernel = HmacEngines.nativeStatus().batchKernel().orElseThrow();
        try (HmacRecords records = new HmacRecords(4))
        {
            records.key(0, new byte[] {1, 2, 3}, 0, 3).message(0, new byte[] {9}, 0, 1);
            records.key(1, new byte[] {1}, 0, 1).message(1, new byte[] {9}, 0, 1);
            records.buffer().putInt(HmacRecords.offset(1) + KEY_LENGTH_OFFSET, 1000);
            records.key(2, new byte[] {1}, 0, 1).message(2, new byte[] {9}, 0, 1);
            records.buffer().putInt(HmacRecords.offset(2) + MESSAGE_LENGTH_OFFSET, -5);
            records.key(3, new byte[] {1}, 0, 1).message(3, new byte[] {9}, 0, 1);
            records.buffer().putInt(HmacRecords.offset(3) + FLAGS_OFFSET, FLAG_SCHEDULE);
            assertEquals(NativeLibrary.ERROR_RECORDS, NativeLibrary.hmacRecords(kernel.id(), records.address(), 4));
            assertEquals(HmacRecordDescriptor.STATUS_OK, records.status(0));
            assertEquals(HmacRecordDescriptor.STATUS_BAD_KEY_LENGTH, records.status(1));
            assertEquals(HmacRecordDescriptor.STATUS_BAD_MESSAGE, records.status(2));
            assertEquals(HmacRecordDescriptor.STATUS_BAD_SCHEDULE, records.status(3), "a schedule of zeros was taken");
            final byte[] mac = new byte[32];
            for (int i = 0; i < 4; i++)
            {
                records.mac(i, mac, 0);
                assertArrayEquals(new byte[32], mac, "record " + i + " of a refused batch got a MAC");
            }
            assertEquals(1, NativeLibrary.hmacRecords(kernel.id(), records.address(), 1));
            records.mac(0, mac, 0);
            final Mac jdk = Mac.getInstance("HmacSHA256");
            jdk.init(new SecretKeySpec(new byte[] {1, 2, 3}, "HmacSHA256"));
            assertArrayEquals(jdk.doFinal(new byte[] {9}), mac);
        }
    }

    @Test
    void aBadRecordAnywhereInABatchKeepsEveryRecordUncomputedAndEveryRecordGetsItsStatus() throws Exception
    {
        // The library checks up to 256 records as it stages them and checks a larger batch whole first: a bad
        // record at either side of that size, at the edges of a slice or past it, keeps every record of the
        // batch uncomputed, and every record's status is written (each starts at a value no check writes).
        final NativeKernel kernel = HmacEngines.nativeStatus().batchKernel().orElseThrow();
        final int[][] cases = {{256, 40}, {256, 200}, {256, 255}, {257, 0}, {257, 256},
            {1000, 0}, {1000, 5}, {1000, 255}, {1000, 256}, {1000, 257}, {1000, 700}, {1000, 999}};
        for (final int[] batch : cases)
        {
            final int count = batch[0];
            final int bad = batch[1];
            try (HmacRecords records = new HmacRecords(count))
            {
                for (int i = 0; i < count; i++)
                {
                    records.key(i, new byte[] {(byte)i, 7}, 0, 2).message(i, new byte[] {(byte)(i >> 8), 9}, 0, 2);
                    records.buffer().putInt(HmacRecords.offset(i) + STATUS_OFFSET, -999);
                }
                records.buffer().putInt(HmacRecords.offset(bad) + MESSAGE_LENGTH_OFFSET, 100_000);
                assertEquals(NativeLibrary.ERROR_RECORDS, NativeLibrary.hmacRecords(kernel.id(), records.address(), count));
                final byte[] mac = new byte[32];
                for (int i = 0; i < count; i++)
                {
                    final String where = "record " + i + " of " + count + ", bad " + bad;
                    assertEquals(i == bad ? HmacRecordDescriptor.STATUS_BAD_MESSAGE : HmacRecordDescriptor.STATUS_OK,
                        records.status(i), where);
                    records.mac(i, mac, 0);
                    assertArrayEquals(new byte[32], mac, where + " got a MAC");
                }
                records.buffer().putInt(HmacRecords.offset(bad) + MESSAGE_LENGTH_OFFSET, 2);
                assertEquals(count, NativeLibrary.hmacRecords(kernel.id(), records.address(), count));
                final Mac jdk = Mac.getInstance("HmacSHA256");
                for (final int i : new int[] {0, bad, count - 1})
                {
                    jdk.init(new SecretKeySpec(new byte[] {(byte)i, 7}, "HmacSHA256"));
                    records.mac(i, mac, 0);
                    assertArrayEquals(jdk.doFinal(new byte[] {(byte)(i >> 8), 9}), mac, "record " + i + " of " + count);
                }
            }
        }
    }

    @Test
    void theNativeSideWritesOnlyStatusAndMacAndIgnoresBytesPastTheLengths() throws Exception
    {
        // Records straight from random bytes, so that every octet past a key's or S's length is garbage;
        // raw keys of 0 to 64 octets and schedules mixed, S up to the longest; every batch size, every
        // kernel. Guard bytes around the records and every record octet but status and MAC must come back
        // as they were, and every MAC must be the JDK's.
        final int guard = 4096;
        final int maxCount = 67;
        final SplittableRandom random = new SplittableRandom(33501);
        final UnsafeBuffer memory = new UnsafeBuffer(ByteBuffer.allocateDirect(2 * guard + maxCount * LENGTH));
        final byte[] before = new byte[memory.capacity()];
        final byte[] after = new byte[memory.capacity()];
        final byte[][] expected = new byte[maxCount][];
        final KeySchedule schedule = new KeySchedule();
        final HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE);
        final Mac jdk = Mac.getInstance("HmacSHA256");
        for (final NativeKernel kernel : NativeKernel.values())
        {
            if (!NativeLibrary.kernelSupported(kernel.id()))
            {
                continue;
            }
            for (int count = 1; count <= maxCount; count++)
            {
                random.nextBytes(before);
                for (int i = 0; i < count; i++)
                {
                    final int record = guard + i * LENGTH;
                    final int keyLength = random.nextInt(MAX_KEY_LENGTH + 1);
                    final int messageLength = random.nextBoolean() ? MAX_MESSAGE_LENGTH : random.nextInt(MAX_MESSAGE_LENGTH + 1);
                    final byte[] key = Arrays.copyOfRange(before, record + KEY_OFFSET, record + KEY_OFFSET + keyLength);
                    // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so 64 zeros is the same key.
                    jdk.init(new SecretKeySpec(key.length == 0 ? new byte[MAX_KEY_LENGTH] : key, "HmacSHA256"));
                    expected[i] = jdk.doFinal(
                        Arrays.copyOfRange(before, record + MESSAGE_OFFSET, record + MESSAGE_OFFSET + messageLength));
                    if (random.nextBoolean())
                    {
                        java.computeSchedule(key, 0, key.length, schedule);
                        putInt(before, record + FLAGS_OFFSET, FLAG_SCHEDULE);
                        schedule.buffer().getBytes(schedule.offset(), before, record + KEY_OFFSET, KeyScheduleDescriptor.LENGTH);
                    }
                    else
                    {
                        putInt(before, record + FLAGS_OFFSET, 0);
                        putInt(before, record + KEY_LENGTH_OFFSET, keyLength);
                    }
                    putInt(before, record + MESSAGE_LENGTH_OFFSET, messageLength);
                }
                memory.putBytes(0, before);
                assertEquals(count, NativeLibrary.hmacRecords(kernel.id(), memory.addressOffset() + guard, count),
                    kernel + ", " + count + " records");
                memory.getBytes(0, after);
                for (int i = 0; i < after.length; i++)
                {
                    final int inRecord = (i - guard) % LENGTH;
                    final boolean written = i >= guard && i < guard + count * LENGTH &&
                        (inRecord >= STATUS_OFFSET && inRecord < KEY_OFFSET || inRecord >= MAC_OFFSET);
                    if (!written && before[i] != after[i])
                    {
                        fail(kernel + ", " + count + " records: octet " + (i - guard) + " from the first record changed");
                    }
                }
                for (int i = 0; i < count; i++)
                {
                    final int mac = guard + i * LENGTH + MAC_OFFSET;
                    assertArrayEquals(expected[i], Arrays.copyOfRange(after, mac, mac + 32), kernel + ", record " + i + " of " + count);
                }
            }
        }
        java.close();
    }

    private static void putInt(final byte[] bytes, final int index, final int value)
    {
        new UnsafeBuffer(bytes).putInt(index, value);
    }

    @Test
    void closeZeroesTheRecords()
    {
        final HmacRecords records = new HmacRecords(2);
        records.key(1, new byte[] {7, 7, 7}, 0, 3);
        final var buffer = records.buffer();
        records.clear(2);
        for (int i = 0; i < 2 * HmacRecordDescriptor.LENGTH; i++)
        {
            assertEquals(0, buffer.getByte(i));
        }
        records.close();
        assertTrue(records.toString().startsWith("HmacRecords[capacity=2"));
    }

    @Test
    void clearZeroesEveryOctetARecordCanHoldWhateverItsLengths()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final int[] messageLengths = {0, 1, 10, 35, MAX_MESSAGE_LENGTH - 1, MAX_MESSAGE_LENGTH};
        final HmacSha256Engine java = HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE);
        final HmacRecords records = new HmacRecords(messageLengths.length + 2);
        final var buffer = records.buffer();
        for (int i = 0; i < messageLengths.length; i++)
        {
            final byte[] key = new byte[1 + random.nextInt(MAX_KEY_LENGTH)];
            final byte[] message = new byte[messageLengths[i]];
            random.nextBytes(key);
            random.nextBytes(message);
            records.key(i, key, 0, key.length).message(i, message, 0, message.length);
        }
        records.computeOn(java, messageLengths.length);
        // Records filled in place with lengths no kernel accepts: nothing in them may survive either.
        for (int i = messageLengths.length; i < messageLengths.length + 2; i++)
        {
            for (int at = 0; at < LENGTH; at++)
            {
                buffer.putByte(HmacRecords.offset(i) + at, (byte)(1 + random.nextInt(255)));
            }
        }
        putInt(buffer, HmacRecords.offset(messageLengths.length) + MESSAGE_LENGTH_OFFSET, -1);
        putInt(buffer, HmacRecords.offset(messageLengths.length + 1) + MESSAGE_LENGTH_OFFSET, MAX_MESSAGE_LENGTH + 1);

        records.clear(messageLengths.length + 2);

        for (int at = 0; at < (messageLengths.length + 2) * LENGTH; at++)
        {
            assertEquals(0, buffer.getByte(at), "octet " + at % LENGTH + " of record " + at / LENGTH);
        }
        records.close();
        java.close();
    }

    private static void putInt(final UnsafeBuffer buffer, final int index, final int value)
    {
        buffer.putInt(index, value);
    }
}

package org.amfkeys.hmac;

import org.amfkeys.InvalidParameterException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.amfkeys.hmac.HmacRecordDescriptor.FLAGS_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.KEY_LENGTH_OFFSET;
import static org.amfkeys.hmac.HmacRecordDescriptor.MESSAGE_LENGTH_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void invalidBatchesAreRejectedBeforeTheNativeCall()
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

            assertEquals("record", assertThrows(InvalidParameterException.class, () -> records.key(4, new byte[1], 0, 1)).parameter());
            assertEquals("key-length", assertThrows(InvalidParameterException.class, () -> records.key(0, new byte[65], 0, 65)).parameter());
            assertEquals("message-length",
                assertThrows(InvalidParameterException.class, () -> records.message(0, new byte[273], 0, 273)).parameter());
            assertEquals("schedule", assertThrows(InvalidParameterException.class, () -> records.schedule(0, new KeySchedule())).parameter());
            assertEquals("capacity", assertThrows(InvalidParameterException.class, () -> new HmacRecords(0)).parameter());
        }
    }

    @Test
    void theNativeSideChecksRecordsItself() throws Exception
    {
        // Called directly, past the Java checks: bad records get a status and no MAC, good ones are computed.
        final NativeKernel kernel = HmacEngines.nativeStatus().batchKernel().orElseThrow();
        try (HmacRecords records = new HmacRecords(3))
        {
            records.key(0, new byte[] {1, 2, 3}, 0, 3).message(0, new byte[] {9}, 0, 1);
            records.key(1, new byte[] {1}, 0, 1).message(1, new byte[] {9}, 0, 1);
            records.buffer().putInt(HmacRecords.offset(1) + KEY_LENGTH_OFFSET, 1000);
            records.key(2, new byte[] {1}, 0, 1).message(2, new byte[] {9}, 0, 1);
            records.buffer().putInt(HmacRecords.offset(2) + MESSAGE_LENGTH_OFFSET, -5);
            assertEquals(1, NativeLibrary.hmacRecords(kernel.id(), records.address(), 3));
            assertEquals(HmacRecordDescriptor.STATUS_OK, records.status(0));
            assertEquals(HmacRecordDescriptor.STATUS_BAD_KEY_LENGTH, records.status(1));
            assertEquals(HmacRecordDescriptor.STATUS_BAD_MESSAGE, records.status(2));
            final byte[] mac = new byte[32];
            records.mac(1, mac, 0);
            assertArrayEquals(new byte[32], mac, "a refused record got a MAC");
            records.mac(0, mac, 0);
            final Mac jdk = Mac.getInstance("HmacSHA256");
            jdk.init(new SecretKeySpec(new byte[] {1, 2, 3}, "HmacSHA256"));
            assertArrayEquals(jdk.doFinal(new byte[] {9}), mac);
        }
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
}

package org.amfkeys.hmac;

import org.amfkeys.InvalidParameterException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HmacEnginesTest
{
    static Stream<String> engines()
    {
        return HmacEngines.status().stream().filter(EngineStatus::usable).map(EngineStatus::name);
    }

    @Test
    void everyEnginePassesItsSelfTestHereAndTheNativeOneIsTheDefault()
    {
        for (final EngineStatus status : HmacEngines.status())
        {
            if (status.name().startsWith("native") && !NativeLibraryTest.nativeRequired())
            {
                continue;
            }
            assertTrue(status.usable(), status.toString());
        }
        // Without -Dnative.skip the library must be there; with it, a library left by an earlier build may be.
        final boolean nativeSingle = HmacEngines.status().stream()
            .anyMatch(status -> status.name().equals(HmacEngines.NATIVE_SINGLE) && status.usable());
        assertTrue(nativeSingle || !NativeLibraryTest.nativeRequired());
        assertEquals(nativeSingle ? HmacEngines.NATIVE_SINGLE : HmacEngines.JAVA_INTRINSIC, HmacEngines.newEngine().name());
    }

    @ParameterizedTest
    @MethodSource("engines")
    void equalsTheJdkMacOnRandomKeysAndMessages(final String name) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(0x5EED);
        final Mac reference = Mac.getInstance("HmacSHA256");
        final KeySchedule schedule = new KeySchedule();
        try (HmacSha256Engine engine = HmacEngines.newEngine(name))
        {
            for (int i = 0; i < 4_000; i++)
            {
                final byte[] key = bytes(random, 1 + random.nextInt(200));
                engine.computeSchedule(key, 0, key.length, schedule);
                reference.init(new SecretKeySpec(key, "HmacSHA256"));
                // The same schedule serves several messages, as one KAMF serves NAS keys, KgNB and NH.
                for (int m = 0; m < 3; m++)
                {
                    final byte[] message = bytes(random, random.nextInt(300));
                    final int offset = random.nextInt(5);
                    final byte[] padded = new byte[message.length + offset + 3];
                    System.arraycopy(message, 0, padded, offset, message.length);
                    final byte[] out = new byte[40];
                    engine.mac(schedule, padded, offset, message.length, out, 5);
                    assertArrayEquals(reference.doFinal(message), Arrays.copyOfRange(out, 5, 37),
                        "key " + key.length + " message " + message.length);
                    assertTrue(isZero(out, 0, 5) && isZero(out, 37, 40), "wrote outside the MAC");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void digestEqualsTheJdkSha256(final String name) throws Exception
    {
        final SplittableRandom random = new SplittableRandom(42);
        final MessageDigest reference = MessageDigest.getInstance("SHA-256");
        try (HmacSha256Engine engine = HmacEngines.newEngine(name))
        {
            for (int length = 0; length < 600; length++)
            {
                final byte[] message = bytes(random, length);
                final byte[] out = new byte[32];
                engine.digest(message, 0, length, out, 0);
                assertArrayEquals(reference.digest(message), out, "length " + length);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void emptyKeyScheduleIsRefused(final String name)
    {
        try (HmacSha256Engine engine = HmacEngines.newEngine(name))
        {
            final KeySchedule empty = new KeySchedule();
            assertThrows(IllegalStateException.class, () -> engine.mac(empty, new byte[1], 0, 1, new byte[32], 0));
            engine.computeSchedule(new byte[32], 0, 32, empty);
            empty.clear();
            assertThrows(IllegalStateException.class, () -> engine.mac(empty, new byte[1], 0, 1, new byte[32], 0));

            // Off the heap, as in a context table's slot, which the native engines read in place: the same
            // MAC as from an array, and the same refusal of an inner or outer state of zeros, MAC untouched.
            final KeySchedule onHeap = new KeySchedule();
            final KeySchedule offHeap = new KeySchedule(new UnsafeBuffer(ByteBuffer.allocateDirect(KeyScheduleDescriptor.LENGTH + 8)), 8);
            engine.computeSchedule(new byte[] {7, 8, 9}, 0, 3, onHeap);
            engine.computeSchedule(new byte[] {7, 8, 9}, 0, 3, offHeap);
            final byte[] expected = new byte[32];
            final byte[] actual = new byte[32];
            engine.mac(onHeap, new byte[] {1, 2, 3, 4, 5}, 0, 5, expected, 0);
            engine.mac(offHeap, new byte[] {1, 2, 3, 4, 5}, 0, 5, actual, 0);
            assertArrayEquals(expected, actual);
            for (final int state : new int[] {KeyScheduleDescriptor.INNER_STATE_OFFSET, KeyScheduleDescriptor.OUTER_STATE_OFFSET})
            {
                engine.computeSchedule(new byte[] {7, 8, 9}, 0, 3, offHeap);
                offHeap.buffer().setMemory(offHeap.offset() + state, KeyScheduleDescriptor.STATE_LENGTH, (byte)0);
                final byte[] untouched = new byte[32];
                assertThrows(IllegalStateException.class, () -> engine.mac(offHeap, new byte[1], 0, 1, untouched, 0));
                assertArrayEquals(new byte[32], untouched);
            }
        }
    }

    @Test
    void selfTestRejectsAnEngineThatDiffersFromTheJdk()
    {
        final HmacSha256Engine good = HmacEngines.newEngine(HmacEngines.JAVA_PORTABLE);
        assertNull(HmacSelfTest.failure(good));
        final HmacSha256Engine flipsOneBit = new CorruptingEngine(length -> length == 64);
        final String failure = HmacSelfTest.failure(flipsOneBit);
        assertNotNull(failure);
        assertTrue(failure.contains("64-octet message"), failure);
    }

    @Test
    void forcedEngineIsGivenOrRefusedNeverSubstituted()
    {
        final String previous = System.getProperty(HmacEngines.ENGINE_PROPERTY);
        try
        {
            System.setProperty(HmacEngines.ENGINE_PROPERTY, HmacEngines.JAVA_PORTABLE);
            assertEquals(HmacEngines.JAVA_PORTABLE, HmacEngines.newEngine().name());
            System.setProperty(HmacEngines.ENGINE_PROPERTY, "avx512-dream");
            // Twice: a bad name must fail the same clear way every time, never leave the class unusable.
            for (int attempt = 0; attempt < 2; attempt++)
            {
                final InvalidParameterException ex = assertThrows(InvalidParameterException.class, HmacEngines::newEngine);
                assertEquals(HmacEngines.ENGINE_PROPERTY, ex.parameter());
                assertTrue(ex.getMessage().startsWith("amfkeys.hmac.engine: 'avx512-dream' is no HMAC engine; allowed: "),
                    ex.getMessage());
                assertTrue(ex.allowed().contains(HmacEngines.JAVA_INTRINSIC), ex.getMessage());
            }
            System.setProperty(HmacEngines.ENGINE_PROPERTY, "java-portable/sha-ni");
            assertEquals(HmacEngines.ENGINE_PROPERTY, assertThrows(InvalidParameterException.class, HmacEngines::newEngine).parameter());
            System.setProperty(HmacEngines.ENGINE_PROPERTY, "native-batch/avx1024");
            final InvalidParameterException kernel = assertThrows(InvalidParameterException.class, HmacEngines::newEngine);
            assertTrue(kernel.getMessage().contains("'avx1024' is unknown"), kernel.getMessage());
            assertTrue(kernel.allowed().contains("avx512, sha-ni, openssl"), kernel.getMessage());
        }
        finally
        {
            if (previous == null)
            {
                System.clearProperty(HmacEngines.ENGINE_PROPERTY);
            }
            else
            {
                System.setProperty(HmacEngines.ENGINE_PROPERTY, previous);
            }
        }
    }

    /**
     * A schedule that a computation left half-written (the inner state of a new key, the outer state
     * of the old one, or none) was taken as computed, because only the inner state was looked at:
     * every later MAC used it silently. The outer state is now zeroed first and written last, and
     * is the marker.
     */
    @Test
    void aHalfWrittenScheduleIsNotComputed()
    {
        final KeySchedule schedule = new KeySchedule();
        final int[] compressions = {0};
        final Sha256Compressor failsOnTheOuterPad = new Sha256Compressor(new int[8])
        {
            private final PortableSha256Compressor real = new PortableSha256Compressor();

            void compress(final byte[] blocks, final int offset, final int blockCount)
            {
                if (++compressions[0] == 4)
                {
                    throw new IllegalStateException("stopped part way, as a failing compressor would");
                }
                System.arraycopy(state, 0, real.state, 0, 8);
                real.compress(blocks, offset, blockCount);
                System.arraycopy(real.state, 0, state, 0, 8);
            }
        };
        try (HmacSha256Engine engine = new Sha256Hmac("fails-part-way", failsOnTheOuterPad))
        {
            engine.computeSchedule(new byte[] {1, 2, 3}, 0, 3, schedule);
            assertTrue(schedule.isComputed());
            assertThrows(IllegalStateException.class, () -> engine.computeSchedule(new byte[] {4, 5, 6}, 0, 3, schedule));
            assertFalse(schedule.isComputed(), "the inner state is the new key's, the outer one is not");
            assertThrows(IllegalStateException.class, () -> engine.mac(schedule, new byte[1], 0, 1, new byte[32], 0));
        }
        try (HmacSha256Engine engine = HmacEngines.newEngine())
        {
            engine.computeSchedule(new byte[32], 0, 32, schedule);
            schedule.buffer().setMemory(schedule.offset() + KeyScheduleDescriptor.OUTER_STATE_OFFSET,
                KeyScheduleDescriptor.STATE_LENGTH, (byte)0);
            assertFalse(schedule.isComputed(), "an inner state alone is no schedule");
            assertThrows(IllegalStateException.class, () -> engine.mac(schedule, new byte[1], 0, 1, new byte[32], 0));
            engine.computeSchedule(new byte[32], 0, 32, schedule);
            assertTrue(schedule.isComputed());
        }
    }

    @Test
    void engineByNameNamesTheParameter()
    {
        final InvalidParameterException unknown = assertThrows(InvalidParameterException.class, () -> HmacEngines.newEngine("nonsense"));
        assertEquals("engine", unknown.parameter());
        assertTrue(unknown.allowed().contains(HmacEngines.JAVA_PORTABLE), unknown.getMessage());
        assertEquals("engine", assertThrows(InvalidParameterException.class, () -> HmacEngines.newEngine(null)).parameter());
    }

    @Test
    void keyScheduleWrapsAnyBufferClearsToZeroAndHidesItself()
    {
        final byte[] backing = new byte[100];
        Arrays.fill(backing, (byte)7);
        final KeySchedule schedule = new KeySchedule(new UnsafeBuffer(backing), 20);
        try (HmacSha256Engine engine = HmacEngines.newEngine())
        {
            engine.computeSchedule(new byte[] {1, 2, 3}, 0, 3, schedule);
        }
        assertTrue(schedule.isComputed());
        assertEquals("KeySchedule[computed]", schedule.toString());
        assertTrue(isAll(backing, 0, 20, (byte)7) && isAll(backing, 84, 100, (byte)7), "wrote outside its 64 octets");
        schedule.clear();
        assertFalse(schedule.isComputed());
        assertTrue(isZero(backing, 20, 84));
        assertEquals("offset",
            assertThrows(InvalidParameterException.class, () -> new KeySchedule(new UnsafeBuffer(backing), 40)).parameter());
    }

    private static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static boolean isZero(final byte[] bytes, final int from, final int to)
    {
        return isAll(bytes, from, to, (byte)0);
    }

    private static boolean isAll(final byte[] bytes, final int from, final int to, final byte value)
    {
        for (int i = from; i < to; i++)
        {
            if (bytes[i] != value)
            {
                return false;
            }
        }
        return true;
    }
}

package org.amfkeys.kdf;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.hmac.EngineStatus;
import org.amfkeys.hmac.HmacEngines;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.hmac.NativeStatus;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The NAS key pair of a Security Mode Command ({@link Kdf#nasKeys}, {@link Kdf#epsNasKeys}) against the
 * two single derivations it stands for, on every usable engine (the native one computes both in one
 * call), and its refusals, which write nothing.
 */
class NasKeyPairTest
{
    /** Every usable engine, and the native single engine on every kernel this CPU runs (pair or not). */
    static Stream<String> engines()
    {
        return Stream.concat(
            HmacEngines.status().stream().filter(EngineStatus::usable).map(EngineStatus::name),
            HmacEngines.nativeStatus().kernels().stream().filter(NativeStatus.KernelStatus::usable)
                .map(kernel -> HmacEngines.NATIVE_SINGLE + "/" + kernel.kernel().token()));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void thePairIsTheTwoSingleDerivations(final String engine)
    {
        final SplittableRandom random = new SplittableRandom(0x33501_0008L);
        final byte[] root = new byte[Kdf.KEY_LENGTH];
        final KeySchedule schedule = new KeySchedule();
        final byte[] encryption = new byte[Kdf.LOW_128_LENGTH];
        final byte[] integrity = new byte[Kdf.LOW_128_LENGTH];
        final byte[] expectedEncryption = new byte[Kdf.LOW_128_LENGTH];
        final byte[] expectedIntegrity = new byte[Kdf.LOW_128_LENGTH];
        try (Kdf kdf = new Kdf(HmacEngines.newEngine(engine)))
        {
            for (int run = 0; run < 2_000; run++)
            {
                random.nextBytes(root);
                kdf.computeSchedule(root, schedule);
                final int ciphering = random.nextInt(16);
                final int integrityAlgorithm = random.nextInt(16);
                final boolean eps = (run & 1) == 1;
                if (eps)
                {
                    kdf.epsNasKeys(schedule, ciphering, integrityAlgorithm, encryption, integrity);
                    kdf.epsAlgorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_ENC, ciphering, expectedEncryption, 0);
                    kdf.epsAlgorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_INT, integrityAlgorithm, expectedIntegrity, 0);
                }
                else
                {
                    kdf.nasKeys(schedule, ciphering, integrityAlgorithm, encryption, integrity);
                    kdf.algorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_ENC, ciphering, expectedEncryption, 0);
                    kdf.algorithmKey(schedule, AlgorithmTypeDistinguisher.NAS_INT, integrityAlgorithm, expectedIntegrity, 0);
                }
                assertArrayEquals(expectedEncryption, encryption, engine + ", run " + run + (eps ? ", EPS" : ", 5GS"));
                assertArrayEquals(expectedIntegrity, integrity, engine + ", run " + run + (eps ? ", EPS" : ", 5GS"));
            }
        }
        schedule.clear();
    }

    @Test
    void refusalsNameTheParameterAndWriteNothing()
    {
        final KeySchedule schedule = new KeySchedule();
        final byte[] encryption = filled(16);
        final byte[] integrity = filled(16);
        try (Kdf kdf = new Kdf())
        {
            kdf.computeSchedule(new byte[Kdf.KEY_LENGTH], schedule);
            assertEquals("nas-enc", refused(() -> kdf.nasKeys(schedule, 16, 1, encryption, integrity)));
            assertEquals("nas-int", refused(() -> kdf.epsNasKeys(schedule, 1, -1, encryption, integrity)));
            assertEquals("nas-enc-key", refused(() -> kdf.nasKeys(schedule, 1, 1, new byte[15], integrity)));
            assertEquals("nas-int-key", refused(() -> kdf.nasKeys(schedule, 1, 1, encryption, null)));
            assertEquals("key", refused(() -> kdf.nasKeys(new KeySchedule(), 1, 1, encryption, integrity)));
            assertEquals("key", refused(() -> kdf.nasKeys(null, 1, 1, encryption, integrity)));
            assertArrayEquals(filled(16), encryption, "a refusal writes nothing");
            assertArrayEquals(filled(16), integrity, "a refusal writes nothing");
        }
        schedule.clear();
    }

    private static String refused(final Runnable call)
    {
        return assertThrows(InvalidParameterException.class, call::run).parameter();
    }

    private static byte[] filled(final int length)
    {
        final byte[] array = new byte[length];
        Arrays.fill(array, (byte)0x5A);
        return array;
    }
}

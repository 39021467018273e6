package org.amfkeys.sim.aka;

import org.amfkeys.hmac.CpuFeature;
import org.amfkeys.hmac.HmacEngines;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AES paths against each other and against OpenSSL on random input: the kernel on every block
 * count its interleaving and chunking treat differently, and MILENAGE on a million random
 * subscribers, every output compared.
 */
class AesPathsAgreeTest
{
    private static final int MILENAGE_RUNS = 1_000_000;

    @Test
    void theNativeKernelRunsWhereTheCpuHasAesNi()
    {
        if (HmacEngines.nativeStatus().cpuFeatures().contains(CpuFeature.AES_NI))
        {
            assertNull(NativeAes128.availability());
            assertEquals(2, AesPaths.all().size());
        }
    }

    @Test
    void everyPathEncryptsAsOpenSslOnEveryBlockCount()
    {
        final SplittableRandom random = new SplittableRandom(0x35206);
        final List<Supplier<Aes128>> paths = AesPaths.all();
        for (int round = 0; round < 2_000; round++)
        {
            final byte[] key = bytes(random, Aes128.KEY_LENGTH);
            final int blocks = 1 + round % 21;
            final byte[] plaintext = bytes(random, blocks * Aes128.BLOCK_LENGTH);
            final byte[] expected = new byte[plaintext.length];
            NativeAes128.opensslEncrypt(key, plaintext, expected);
            for (final Supplier<Aes128> path : paths)
            {
                try (Aes128 aes = path.get())
                {
                    final byte[] actual = new byte[plaintext.length + 3];
                    aes.key(key, 0);
                    aes.encrypt(plaintext, 0, actual, 3, blocks);
                    assertArrayEquals(expected, Arrays.copyOfRange(actual, 3, actual.length), aes.name() + ", " + blocks + " blocks");
                    aes.encrypt(actual, 3, actual, 3, blocks);
                    NativeAes128.opensslEncrypt(key, expected, expected);
                    assertArrayEquals(expected, Arrays.copyOfRange(actual, 3, actual.length), aes.name() + " in place");
                    NativeAes128.opensslEncrypt(key, plaintext, expected);
                }
            }
        }
    }

    @Test
    void milenageAgreesOnEveryPathForAMillionRandomSubscribers()
    {
        final List<Supplier<Aes128>> paths = AesPaths.all();
        final Milenage[] milenages = paths.stream().map(path -> new Milenage(path.get())).toArray(Milenage[]::new);
        final MilenageOutputs[] outputs = paths.stream().map(path -> new MilenageOutputs()).toArray(MilenageOutputs[]::new);
        final byte[][] opcs = new byte[paths.size()][Milenage.OP_LENGTH];
        final byte[] k = new byte[Milenage.K_LENGTH];
        final byte[] op = new byte[Milenage.OP_LENGTH];
        final byte[] rand = new byte[Milenage.RAND_LENGTH];
        final byte[] sqn = new byte[Milenage.SQN_LENGTH];
        final byte[] amf = new byte[Milenage.AMF_LENGTH];
        final SplittableRandom random = new SplittableRandom(0x35207);
        try
        {
            for (int run = 0; run < MILENAGE_RUNS; run++)
            {
                random.nextBytes(k);
                random.nextBytes(op);
                random.nextBytes(rand);
                random.nextBytes(sqn);
                random.nextBytes(amf);
                for (int p = 0; p < milenages.length; p++)
                {
                    milenages[p].opc(k, op, opcs[p]);
                    milenages[p].generate(k, opcs[p], rand, sqn, amf, outputs[p]);
                }
                for (int p = 1; p < milenages.length; p++)
                {
                    if (!same(opcs[0], opcs[p]) || !same(outputs[0], outputs[p]))
                    {
                        throw new AssertionError(milenages[p] + " differs from " + milenages[0] + " on run " + run +
                            " (K " + HexFormat.of().formatHex(k) + ")");
                    }
                }
            }
        }
        finally
        {
            Arrays.stream(milenages).forEach(Milenage::close);
        }
        assertTrue(milenages.length >= 1);
    }

    @Test
    void aClosedNativeKernelRefusesInsteadOfReadingFreedKeys()
    {
        if (NativeAes128.availability() != null)
        {
            return;
        }
        final NativeAes128 aes = new NativeAes128();
        aes.key(new byte[Aes128.KEY_LENGTH], 0);
        aes.close();
        final byte[] block = new byte[Aes128.BLOCK_LENGTH];
        assertThrows(IllegalStateException.class, () -> aes.encrypt(block, 0, block, 0, 1));
        assertThrows(IllegalStateException.class, () -> new NativeAes128().encrypt(block, 0, block, 0, 1));
    }

    private static boolean same(final MilenageOutputs a, final MilenageOutputs b)
    {
        return same(a.macA(), b.macA()) && same(a.macS(), b.macS()) && same(a.res(), b.res()) && same(a.ck(), b.ck()) &&
            same(a.ik(), b.ik()) && same(a.ak(), b.ak()) && same(a.akStar(), b.akStar());
    }

    private static boolean same(final byte[] a, final byte[] b)
    {
        return Arrays.equals(a, b);
    }

    private static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}

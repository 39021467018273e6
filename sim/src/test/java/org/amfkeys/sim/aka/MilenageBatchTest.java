package org.amfkeys.sim.aka;

import com.fasterxml.jackson.databind.JsonNode;
import org.amfkeys.InvalidParameterException;
import org.amfkeys.vectors.SharedVectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MILENAGE in batches against MILENAGE one subscriber at a time: the functions vectors of
 * {@code milenage.json} on every AES path, the UDM/ARPF's run and the USIM's recovery from AUTN mixed
 * in one batch at every size up to 67 (the native kernel's four lanes, and leftovers), a million random
 * subscribers, and refusals by name.
 */
class MilenageBatchTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final int RANDOM_SUBSCRIBERS = 1_000_000;
    private static final int MAX_BATCH = 67;

    @Test
    void theNativeBatchRunsWhereTheNativeAesKernelDoes()
    {
        if (NativeAes128.availability() == null)
        {
            assertNull(MilenageBatch.nativeAvailability());
            try (Milenage milenage = new Milenage(new NativeAes128()); MilenageBatch batch = new MilenageBatch(milenage, 4))
            {
                assertEquals("aes-ni-batch", batch.kernelName());
            }
        }
        try (Milenage milenage = new Milenage(new JdkAes128()); MilenageBatch batch = new MilenageBatch(milenage, 4))
        {
            assertEquals("jdk", batch.kernelName());
        }
    }

    @Test
    void everyFunctionsVectorOnEveryPathBothAsTheNetworkAndAsTheUsim()
    {
        final JsonNode file = SharedVectors.read(SharedVectors.directory().resolve("aka").resolve("milenage.json"));
        final List<JsonNode> vectors = new ArrayList<>();
        for (final JsonNode vector : file.get("vectors"))
        {
            final String kind = vector.get("kind").asText();
            if (kind.equals("ts35208_conformance") || kind.equals("ts35207_implementers") || kind.equals("milenage"))
            {
                vectors.add(vector);
            }
        }
        assertTrue(vectors.size() >= 20, "milenage.json's functions vectors: " + vectors.size());
        for (final Supplier<Aes128> path : AesPaths.all())
        {
            try (Milenage milenage = new Milenage(path.get()); MilenageBatch batch = new MilenageBatch(milenage, 2 * vectors.size()))
            {
                final byte[][] opcs = new byte[vectors.size()][Milenage.OP_LENGTH];
                for (int v = 0; v < vectors.size(); v++)
                {
                    final JsonNode in = vectors.get(v).get("inputs");
                    final JsonNode expected = vectors.get(v).get("expected");
                    milenage.opc(octets(in, "k"), octets(in, "op"), opcs[v]);
                    batch.stageGenerate(2 * v, octets(in, "k"), opcs[v], octets(in, "rand"), octets(in, "sqn"), octets(in, "amf"));
                    batch.stageRecoverFromAutn(2 * v + 1, octets(in, "k"), opcs[v], octets(in, "rand"), autnOf(in, expected));
                }
                batch.compute(2 * vectors.size());
                final MilenageOutputs out = new MilenageOutputs();
                for (int v = 0; v < vectors.size(); v++)
                {
                    final JsonNode vector = vectors.get(v);
                    final String name = batch.kernelName() + ", " + vector.get("kind").asText() + " " + vector.get("id").asInt();
                    final JsonNode in = vectors.get(v).get("inputs");
                    for (int side = 0; side < 2; side++)
                    {
                        batch.outputs(2 * v + side, out);
                        final JsonNode expected = vectors.get(v).get("expected");
                        for (final String function : new String[] {"mac_a", "mac_s", "res", "ck", "ik", "ak", "ak_star"})
                        {
                            assertEquals(expected.get(function).asText(), HEX.formatHex(valueOf(out, function)), name + ": " + function);
                        }
                        assertEquals(in.get("sqn").asText(), HEX.formatHex(out.sqn()), name + ": sqn (side " + side + ")");
                        assertEquals(in.get("amf").asText(), HEX.formatHex(out.amf()), name + ": amf (side " + side + ")");
                    }
                }
            }
        }
    }

    @Test
    void batchesOfEverySizeAgreeWithOneAtATimeOnAMillionRandomSubscribers()
    {
        final SplittableRandom random = new SplittableRandom(0x35206_0001L);
        for (final Supplier<Aes128> path : AesPaths.all())
        {
            try (Milenage single = new Milenage(new JdkAes128());
                Milenage milenage = new Milenage(path.get());
                MilenageBatch batch = new MilenageBatch(milenage, MAX_BATCH))
            {
                final byte[][] k = new byte[MAX_BATCH][Milenage.K_LENGTH];
                final byte[][] opc = new byte[MAX_BATCH][Milenage.OP_LENGTH];
                final byte[][] rand = new byte[MAX_BATCH][Milenage.RAND_LENGTH];
                final byte[][] autn = new byte[MAX_BATCH][Milenage.AUTN_LENGTH];
                final boolean[] generate = new boolean[MAX_BATCH];
                final MilenageOutputs expected = new MilenageOutputs();
                final MilenageOutputs actual = new MilenageOutputs();
                int done = 0;
                for (int round = 0; done < RANDOM_SUBSCRIBERS; round++)
                {
                    final int count = 1 + round % MAX_BATCH;
                    for (int record = 0; record < count; record++)
                    {
                        random.nextBytes(k[record]);
                        random.nextBytes(opc[record]);
                        random.nextBytes(rand[record]);
                        random.nextBytes(autn[record]);
                        generate[record] = random.nextBoolean();
                        if (generate[record])
                        {
                            batch.stageGenerate(record, k[record], opc[record], rand[record], sqnOf(autn[record]), amfOf(autn[record]));
                        }
                        else
                        {
                            batch.stageRecoverFromAutn(record, k[record], opc[record], rand[record], autn[record]);
                        }
                    }
                    batch.compute(count);
                    for (int record = 0; record < count; record++)
                    {
                        if (generate[record])
                        {
                            single.generate(k[record], opc[record], rand[record], sqnOf(autn[record]), amfOf(autn[record]), expected);
                        }
                        else
                        {
                            single.recoverFromAutn(k[record], opc[record], rand[record], autn[record], expected);
                        }
                        batch.outputs(record, actual);
                        if (!same(expected, actual))
                        {
                            throw new AssertionError(batch.kernelName() + " differs from one at a time at record " + record + " of " +
                                count + " (K " + HEX.formatHex(k[record]) + ", " + (generate[record] ? "generate" : "recover") + ")");
                        }
                    }
                    batch.clear(count);
                    done += count;
                }
            }
        }
    }

    @Test
    void refusesBadArgumentsByNameAndUnstagedRecords()
    {
        try (Milenage milenage = new Milenage(new JdkAes128()); MilenageBatch batch = new MilenageBatch(milenage, 2))
        {
            final byte[] k = new byte[16];
            final byte[] rand = new byte[16];
            assertEquals("record", assertThrows(InvalidParameterException.class,
                () -> batch.stageGenerate(2, k, k, rand, new byte[6], new byte[2])).parameter());
            assertEquals("sqn", assertThrows(InvalidParameterException.class,
                () -> batch.stageGenerate(0, k, k, rand, new byte[5], new byte[2])).parameter());
            assertEquals("opc", assertThrows(InvalidParameterException.class,
                () -> batch.stageRecoverFromAutn(0, k, null, rand, new byte[16])).parameter());
            assertEquals("autn", assertThrows(InvalidParameterException.class,
                () -> batch.stageRecoverFromAutn(0, k, k, rand, new byte[15])).parameter());
            assertEquals("count", assertThrows(InvalidParameterException.class, () -> batch.compute(3)).parameter());
            assertEquals("capacity", assertThrows(InvalidParameterException.class,
                () -> new MilenageBatch(milenage, 0)).parameter());
            batch.stageGenerate(0, k, k, rand, new byte[6], new byte[2]);
            assertThrows(IllegalStateException.class, () -> batch.outputs(0, new MilenageOutputs()), "staged, not computed");
            batch.compute(2);
            batch.outputs(0, new MilenageOutputs());
            final IllegalStateException unstaged = assertThrows(IllegalStateException.class, () -> batch.outputs(1, new MilenageOutputs()));
            assertTrue(unstaged.getMessage().contains("record 1"), unstaged.getMessage());
            batch.clear(2);
            assertThrows(IllegalStateException.class, () -> batch.outputs(0, new MilenageOutputs()));
        }
        final MilenageBatch closed = new MilenageBatch(new Milenage(new JdkAes128()), 1);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.compute(0));
        assertFalse(closed.toString().isEmpty());
    }

    private static byte[] autnOf(final JsonNode in, final JsonNode expected)
    {
        final byte[] autn = new byte[Milenage.AUTN_LENGTH];
        final byte[] sqn = octets(in, "sqn");
        final byte[] ak = octets(expected, "ak");
        for (int i = 0; i < Milenage.SQN_LENGTH; i++)
        {
            autn[i] = (byte)(sqn[i] ^ ak[i]);
        }
        System.arraycopy(octets(in, "amf"), 0, autn, Milenage.SQN_LENGTH, Milenage.AMF_LENGTH);
        System.arraycopy(octets(expected, "mac_a"), 0, autn, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH, Milenage.MAC_LENGTH);
        return autn;
    }

    private static byte[] sqnOf(final byte[] autn)
    {
        return Arrays.copyOf(autn, Milenage.SQN_LENGTH);
    }

    private static byte[] amfOf(final byte[] autn)
    {
        return Arrays.copyOfRange(autn, Milenage.SQN_LENGTH, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH);
    }

    private static byte[] valueOf(final MilenageOutputs out, final String function)
    {
        return switch (function)
        {
            case "mac_a" -> out.macA();
            case "mac_s" -> out.macS();
            case "res" -> out.res();
            case "ck" -> out.ck();
            case "ik" -> out.ik();
            case "ak" -> out.ak();
            case "ak_star" -> out.akStar();
            default -> throw new IllegalArgumentException(function);
        };
    }

    private static boolean same(final MilenageOutputs a, final MilenageOutputs b)
    {
        return Arrays.equals(a.macA(), b.macA()) && Arrays.equals(a.macS(), b.macS()) && Arrays.equals(a.res(), b.res()) &&
            Arrays.equals(a.ck(), b.ck()) && Arrays.equals(a.ik(), b.ik()) && Arrays.equals(a.ak(), b.ak()) &&
            Arrays.equals(a.akStar(), b.akStar()) && Arrays.equals(a.sqn(), b.sqn()) && Arrays.equals(a.amf(), b.amf());
    }

    private static byte[] octets(final JsonNode node, final String field)
    {
        return HEX.parseHex(node.get(field).asText());
    }
}

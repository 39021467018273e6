package org.amfkeys.sim.aka;

import com.fasterxml.jackson.databind.JsonNode;
import org.amfkeys.engine.RecordsKernel;
import org.amfkeys.hmac.HmacRecords;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.Abba;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.amfkeys.vectors.SharedVectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every vector of {@code ../shared/vectors/aka/milenage.json} on every AES path: the AES kernel's test
 * data, MILENAGE's test sets, 5G AKA on the home network's and the UE's side down to KAMF, and the
 * UE's MAC and synch failures with the home network's resynchronisation.
 */
class MilenageVectorsTest
{
    private static final HexFormat HEX = HexFormat.of();

    @TestFactory
    List<DynamicTest> everyVectorOnEveryAesPath()
    {
        final JsonNode file = SharedVectors.read(SharedVectors.directory().resolve("aka").resolve("milenage.json"));
        final List<DynamicTest> tests = new ArrayList<>();
        for (final Supplier<Aes128> path : AesPaths.all())
        {
            final String pathName;
            try (Aes128 aes = path.get())
            {
                pathName = aes.name();
            }
            for (final JsonNode vector : file.get("vectors"))
            {
                final String name = pathName + ": " + vector.get("kind").asText() + " " + vector.get("id").asInt();
                tests.add(DynamicTest.dynamicTest(name, () -> check(path, vector)));
            }
        }
        assertFalse(tests.isEmpty(), "milenage.json holds no vectors");
        return tests;
    }

    private static void check(final Supplier<Aes128> path, final JsonNode vector)
    {
        try (Kdf kdf = new Kdf(); FiveGAka aka = new FiveGAka(new Milenage(path.get()), kdf))
        {
            final String kind = vector.get("kind").asText();
            switch (kind)
            {
                case "rijndael_kernel" -> checkKernel(path, vector);
                case "ts35208_conformance", "ts35207_implementers", "milenage" -> checkFunctions(path, vector);
                case "5g_aka" -> checkChain(path, aka, vector, vector.get("expected"), true);
                case "published_peer" -> checkPublished(path, aka, vector);
                case "mac_failure" -> checkMacFailure(path, aka, vector);
                case "sync_failure" -> checkSynchFailure(path, aka, vector);
                default -> fail("a vector of an unknown kind: " + kind);
            }
        }
    }

    private static void checkKernel(final Supplier<Aes128> path, final JsonNode vector)
    {
        try (Aes128 aes = path.get())
        {
            final byte[] block = octets(vector.get("inputs"), "plaintext");
            aes.key(octets(vector.get("inputs"), "k"), 0);
            aes.encrypt(block, 0, block, 0, 1);
            assertHex(vector.get("expected"), "ciphertext", block);
        }
    }

    private static void checkFunctions(final Supplier<Aes128> path, final JsonNode vector)
    {
        final JsonNode in = vector.get("inputs");
        final JsonNode expected = vector.get("expected");
        try (Milenage milenage = new Milenage(path.get()))
        {
            final byte[] opc = new byte[Milenage.OP_LENGTH];
            milenage.opc(octets(in, "k"), octets(in, "op"), opc);
            assertHex(expected, "opc", opc);
            final MilenageOutputs out = new MilenageOutputs();
            milenage.generate(octets(in, "k"), opc, octets(in, "rand"), octets(in, "sqn"), octets(in, "amf"), out);
            assertFunctions(expected, out);
        }
    }

    private static void checkPublished(final Supplier<Aes128> path, final FiveGAka aka, final JsonNode vector)
    {
        final JsonNode in = vector.get("inputs");
        final JsonNode expected = vector.get("expected");
        final JsonNode computed = vector.get("computed");
        if (in.has("auts"))
        {
            final MilenageOutputs out = new MilenageOutputs();
            final boolean resynchronised = aka.resynchronise(
                octets(in, "k"), octets(in, "opc"), octets(in, "rand"), octets(in, "auts"), out);
            assertEquals(expected.get("resync_result").asText(), resynchronised ? "OK" : "MAC_FAILURE", "resync_result");
            assertHex(computed, "sqn_ms", out.sqn());
            assertHex(computed, "xmac_s", out.macS());
            assertHex(computed, "ak_star", out.akStar());
            if (expected.has("sqn_ms"))
            {
                assertHex(expected, "sqn_ms", out.sqn());
            }
        }
        else if (in.has("autn"))
        {
            try (Milenage milenage = new Milenage(path.get()))
            {
                final MilenageOutputs out = new MilenageOutputs();
                final byte[] autn = octets(in, "autn");
                milenage.recoverFromAutn(octets(in, "k"), octets(in, "opc"), octets(in, "rand"), autn, out);
                assertHex(expected, "ak", out.ak());
                assertHex(expected, "sqn", out.sqn());
                assertHex(expected, "amf", out.amf());
                assertEquals("OK", expected.get("mac_check").asText());
                assertHex(HEX.formatHex(autn, Milenage.SQN_LENGTH + Milenage.AMF_LENGTH, Milenage.AUTN_LENGTH), "mac-a", out.macA());
            }
        }
        else
        {
            checkChain(path, aka, vector, computed, false);
            try (Milenage milenage = new Milenage(path.get()))
            {
                final MilenageOutputs out = new MilenageOutputs();
                final byte[] opc = new byte[Milenage.OP_LENGTH];
                milenage.opc(octets(in, "k"), octets(in, "op"), opc);
                assertHex(expected, "opc", opc);
                // MAC-S as published is f1* with the vector's own AMF; AUTS's MAC-S uses AMF* = 0x0000.
                milenage.generate(octets(in, "k"), opc, octets(in, "rand"), octets(in, "sqn"), octets(in, "amf"), out);
                assertFunctions(expected, out);
                final byte[] auts = new byte[Milenage.AUTS_LENGTH];
                milenage.auts(octets(in, "k"), opc, octets(in, "rand"), octets(in, "sqn_ms"), auts);
                assertHex(expected, "auts", auts);
                assertHex(expected.get("auts_mac_s").asText(), "auts_mac_s",
                    Arrays.copyOfRange(auts, Milenage.SQN_LENGTH, Milenage.AUTS_LENGTH));
            }
        }
    }

    /**
     * Both sides of an accepted 5G AKA: the home network's vector and keys, the UE's answer and keys.
     *
     * @param keys      where the vector holds KAUSF to KAMF.
     * @param bothSides whether the vector is a run of both sides, whose {@code sqn_ms} the USIM accepted
     *                  before; a published vector's {@code sqn_ms} is its SQN, for AUTS only.
     */
    private static void checkChain(
        final Supplier<Aes128> path, final FiveGAka aka, final JsonNode vector, final JsonNode keys, final boolean bothSides)
    {
        final JsonNode in = vector.get("inputs");
        final JsonNode expected = vector.get("expected");
        final byte[] k = octets(in, "k");
        final byte[] opc = opcOf(path, in);
        final byte[] rand = octets(in, "rand");
        final ServingNetworkName snn = ServingNetworkName.parse("snn", in.get("snn").asText());
        final Supi supi = Supi.parse("supi", in.get("supi").asText());
        final Abba abba = Abba.of(octets(in, "abba"));

        final AkaKeys network = new AkaKeys();
        aka.homeNetwork(k, opc, rand, octets(in, "sqn"), octets(in, "amf"), snn, network);
        aka.kamf(network, supi, abba);
        assertFunctions(expected, network.milenage());
        assertHex(expected, "autn", network.autn());
        assertHex(keys, "sqn_xor_ak", network.sqnXorAk());
        assertHex(expected, "res_star", network.resStar());
        assertHex(keys, "res_star", network.resStar());
        assertHex(keys, "hres_star", network.hresStar());
        assertHex(keys, "kausf", network.kausf());
        assertHex(keys, "kseaf", network.kseaf());
        assertHex(keys, "kamf", network.kamf());

        if (!bothSides)
        {
            return;
        }
        final SequenceNumbers usim = new SequenceNumbers();
        usim.accept(SequenceNumbers.sqnOf(octets(in, "sqn_ms")));
        final AkaKeys ue = new AkaKeys();
        if (vector.has("ue_result"))
        {
            assertEquals("OK", vector.get("ue_result").asText());
        }
        assertEquals(AuthenticationResult.ACCEPTED, aka.ue(k, opc, rand, network.autn(), snn, supi, abba, usim, ue));
        assertHex(keys, "res_star", ue.resStar());
        assertHex(keys, "hres_star", ue.hresStar());
        assertHex(keys, "kausf", ue.kausf());
        assertHex(keys, "kseaf", ue.kseaf());
        assertHex(keys, "kamf", ue.kamf());
        assertHex(expected, "autn", ue.autn());
        assertFalse(usim.isFresh(SequenceNumbers.sqnOf(octets(in, "sqn"))), "the accepted SQN is no longer fresh");

        // The same chain split as a batch runs it: MILENAGE and AUTN's checks alone, the keys staged.
        for (final boolean nativeBatch : new boolean[] {true, false})
        {
            final SequenceNumbers stagedUsim = new SequenceNumbers();
            stagedUsim.accept(SequenceNumbers.sqnOf(octets(in, "sqn_ms")));
            final AkaKeys stagedNetwork = new AkaKeys();
            final AkaKeys stagedUe = new AkaKeys();
            try (RecordsKernel kernel = RecordsKernel.open(nativeBatch); HmacRecords records = new HmacRecords(4);
                Milenage batchMilenage = new Milenage(path.get()); MilenageBatch milenageBatch = new MilenageBatch(batchMilenage, 2))
            {
                if (nativeBatch)
                {
                    // MILENAGE batched as well: the home network's run in record 0, the USIM's in record 1.
                    aka.stageHomeNetworkVector(milenageBatch, 0, k, opc, rand, octets(in, "sqn"), octets(in, "amf"));
                    milenageBatch.compute(1);
                    aka.takeHomeNetworkVector(milenageBatch, 0, stagedNetwork);
                    assertTrue(aka.stageUeCheck(milenageBatch, 1, k, opc, rand, stagedNetwork.autn()));
                    milenageBatch.compute(2);
                    assertEquals(AuthenticationResult.ACCEPTED,
                        aka.takeUeCheck(milenageBatch, 1, k, opc, rand, stagedNetwork.autn(), stagedUsim, stagedUe));
                }
                else
                {
                    aka.homeNetworkVector(k, opc, rand, octets(in, "sqn"), octets(in, "amf"), stagedNetwork);
                    assertEquals(AuthenticationResult.ACCEPTED, aka.ueCheck(k, opc, rand, stagedNetwork.autn(), stagedUsim, stagedUe));
                }
                aka.stageResStarAndKausf(stagedNetwork, snn, rand, records, 0);
                aka.stageResStarAndKausf(stagedUe, snn, rand, records, 2);
                kernel.compute(records, 4);
                aka.takeResStarAndKausf(records, 0, rand, stagedNetwork);
                aka.takeResStarAndKausf(records, 2, rand, stagedUe);
                aka.stageKseaf(stagedNetwork, snn, records, 0);
                aka.stageKseaf(stagedUe, snn, records, 1);
                kernel.compute(records, 2);
                records.mac(0, stagedNetwork.kseaf(), 0);
                records.mac(1, stagedUe.kseaf(), 0);
                aka.stageKamf(stagedUe, supi, abba, records, 0);
                kernel.compute(records, 1);
                records.mac(0, stagedUe.kamf(), 0);
            }
            for (final AkaKeys side : new AkaKeys[] {stagedNetwork, stagedUe})
            {
                assertHex(expected, "autn", side.autn());
                assertHex(keys, "res_star", side.resStar());
                assertHex(keys, "hres_star", side.hresStar());
                assertHex(keys, "kausf", side.kausf());
                assertHex(keys, "kseaf", side.kseaf());
            }
            assertHex(keys, "kamf", stagedUe.kamf());
        }
    }

    private static void checkMacFailure(final Supplier<Aes128> path, final FiveGAka aka, final JsonNode vector)
    {
        final JsonNode in = vector.get("inputs");
        final JsonNode expected = vector.get("expected");
        final byte[] opc = opcOf(path, in);
        final SequenceNumbers usim = new SequenceNumbers();
        final AkaKeys ue = new AkaKeys();
        final AuthenticationResult result = aka.ue(octets(in, "k"), opc, octets(in, "rand"), octets(in, "autn"),
            ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org"), Supi.parse("imsi-001010000000001"), Abba.DEFAULT, usim, ue);
        assertEquals(expected.get("ue_result").asText(), "MAC_FAILURE");
        assertEquals(AuthenticationResult.MAC_FAILURE, result);
        assertEquals(expected.get("cause_5gmm").asInt(), result.cause());
        assertHex(expected, "ak", ue.milenage().ak());
        assertHex(expected, "sqn", ue.milenage().sqn());
        assertHex(expected, "amf", ue.milenage().amf());
        assertHex(expected, "xmac_a", ue.milenage().macA());
        assertEquals(0, usim.highest(), "a MAC failure records no SQN");

        final AkaKeys batched = new AkaKeys();
        try (Milenage milenage = new Milenage(path.get()); MilenageBatch batch = new MilenageBatch(milenage, 1))
        {
            assertTrue(aka.stageUeCheck(batch, 0, octets(in, "k"), opc, octets(in, "rand"), octets(in, "autn")));
            batch.compute(1);
            assertEquals(AuthenticationResult.MAC_FAILURE,
                aka.takeUeCheck(batch, 0, octets(in, "k"), opc, octets(in, "rand"), octets(in, "autn"), usim, batched));
        }
        assertHex(expected, "xmac_a", batched.milenage().macA());
        assertEquals(0, usim.highest(), "a MAC failure in a batch records no SQN");

        try (Milenage milenage = new Milenage(path.get()))
        {
            final MilenageOutputs network = new MilenageOutputs();
            milenage.generate(octets(in, "k"), opc, octets(in, "rand"), octets(in, "sqn"), octets(in, "amf"), network);
            assertFunctions(vector.get("network_side"), network);
        }
    }

    private static void checkSynchFailure(final Supplier<Aes128> path, final FiveGAka aka, final JsonNode vector)
    {
        final JsonNode in = vector.get("inputs");
        final JsonNode expected = vector.get("expected");
        final JsonNode network = vector.get("network_side");
        final byte[] k = octets(in, "k");
        final byte[] opc = opcOf(path, in);
        final byte[] rand = octets(in, "rand");
        final long sqnMs = SequenceNumbers.sqnOf(octets(in, "sqn_ms"));
        final SequenceNumbers usim = new SequenceNumbers();
        usim.accept(sqnMs);
        final AkaKeys ue = new AkaKeys();
        final AuthenticationResult result = aka.ue(k, opc, rand, octets(in, "autn"),
            ServingNetworkName.parse("5G:mnc001.mcc001.3gppnetwork.org"), Supi.parse("imsi-001010000000001"), Abba.DEFAULT, usim, ue);
        assertEquals("SYNCH_FAILURE", expected.get("ue_result").asText());
        assertEquals(AuthenticationResult.SYNCH_FAILURE, result);
        assertEquals(expected.get("cause_5gmm").asInt(), result.cause());
        assertHex(expected, "ak", ue.milenage().ak());
        assertHex(expected, "sqn", ue.milenage().sqn());
        assertHex(expected, "xmac_a", ue.milenage().macA());
        assertHex(expected, "ak_star", ue.milenage().akStar());
        assertHex(expected, "auts", ue.auts());
        assertEquals(sqnMs, usim.highest(), "a synch failure records no SQN");

        final AkaKeys batched = new AkaKeys();
        try (Milenage milenage = new Milenage(path.get()); MilenageBatch batch = new MilenageBatch(milenage, 1))
        {
            assertTrue(aka.stageUeCheck(batch, 0, k, opc, rand, octets(in, "autn")));
            batch.compute(1);
            assertEquals(AuthenticationResult.SYNCH_FAILURE, aka.takeUeCheck(batch, 0, k, opc, rand, octets(in, "autn"), usim, batched));
        }
        assertHex(expected, "auts", batched.auts());
        assertEquals(sqnMs, usim.highest(), "a synch failure in a batch records no SQN");

        final MilenageOutputs check = new MilenageOutputs();
        assertEquals("OK", network.get("resync_result").asText());
        assertTrue(aka.resynchronise(k, opc, rand, ue.auts(), check));
        assertHex(network, "sqn_ms_recovered", check.sqn());
        assertHex(network, "xmac_s", check.macS());
        assertEquals("MAC_FAILURE", network.get("auts_tampered_result").asText());
        assertFalse(aka.resynchronise(k, opc, rand, octets(network, "auts_tampered"), check));
        assertHex(network, "auts_tampered_sqn_ms", check.sqn());
        assertHex(network, "auts_tampered_xmac_s", check.macS());
    }

    /** OPc as given, checked against OP where the vector gives both; computed from OP where it does not. */
    private static byte[] opcOf(final Supplier<Aes128> path, final JsonNode in)
    {
        if (!in.has("op"))
        {
            return octets(in, "opc");
        }
        final byte[] opc = new byte[Milenage.OP_LENGTH];
        try (Milenage milenage = new Milenage(path.get()))
        {
            milenage.opc(octets(in, "k"), octets(in, "op"), opc);
        }
        if (in.has("opc"))
        {
            assertHex(in, "opc", opc);
        }
        return opc;
    }

    private static void assertFunctions(final JsonNode expected, final MilenageOutputs out)
    {
        assertHex(expected, "mac_a", out.macA());
        assertHex(expected, "mac_s", out.macS());
        assertHex(expected, "res", out.res());
        assertHex(expected, "ck", out.ck());
        assertHex(expected, "ik", out.ik());
        assertHex(expected, "ak", out.ak());
        assertHex(expected, "ak_star", out.akStar());
    }

    private static void assertHex(final JsonNode values, final String name, final byte[] actual)
    {
        if (values == null || !values.has(name))
        {
            fail("the vector has no " + name);
        }
        assertHex(values.get(name).asText(), name, actual);
    }

    private static void assertHex(final String expected, final String name, final byte[] actual)
    {
        assertEquals(expected, HEX.formatHex(actual), name);
    }

    private static byte[] octets(final JsonNode values, final String name)
    {
        if (!values.has(name))
        {
            fail("the vector has no input " + name);
        }
        return HEX.parseHex(values.get(name).asText());
    }
}

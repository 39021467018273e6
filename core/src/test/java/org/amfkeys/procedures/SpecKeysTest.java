package org.amfkeys.procedures;

import com.fasterxml.jackson.databind.JsonNode;
import org.amfkeys.vectors.SharedVectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks {@link SpecKeys} against every vector of the shared files it covers, read at test time. Chains
 * (NH steps, follow-on keys) are recomputed from SpecKeys' own previous outputs, not from the file.
 */
class SpecKeysTest
{
    private static final HexFormat HEX = HexFormat.of();

    private static List<JsonNode> vectors(final String fileName)
    {
        final List<JsonNode> vectors = new ArrayList<>();
        SharedVectors.read(SharedVectors.directory().resolve(fileName)).get("vectors").forEach(vectors::add);
        assertFalse(vectors.isEmpty(), "no vectors in " + fileName);
        return vectors;
    }

    private static byte[] bytes(final JsonNode node, final String field)
    {
        return HEX.parseHex(text(node, field));
    }

    private static String text(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual())
        {
            fail("missing text field " + field + " in " + node);
        }
        return value.asText();
    }

    private static long number(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong())
        {
            fail("missing integer field " + field + " in " + node);
        }
        return value.asLong();
    }

    private static void assertHex(final String expected, final byte[] actual, final String what)
    {
        assertEquals(expected, HEX.formatHex(actual), what);
    }

    private static String id(final String file, final JsonNode vector)
    {
        return file + " id " + vector.path("id").asText("?");
    }

    @Test
    void bigEndianEncoding()
    {
        assertArrayEquals(new byte[]{0x00, 0x00, 0x00, 0x00}, SpecKeys.be(0, 4));
        assertArrayEquals(new byte[]{0x01, 0x02, 0x03}, SpecKeys.be(0x010203, 3));
        assertArrayEquals(new byte[]{(byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF}, SpecKeys.be(0xFFFF_FFFFL, 4));
        assertThrows(IllegalArgumentException.class, () -> SpecKeys.be(0x1_0000, 2));
        assertThrows(IllegalArgumentException.class, () -> SpecKeys.be(-1, 4));
    }

    @Test
    void kamfA7()
    {
        for (final JsonNode vector : vectors("kamf.json"))
        {
            final JsonNode in = vector.get("inputs");
            assertHex(
                text(vector, "output"),
                SpecKeys.kamf(bytes(in, "kseaf"), text(in, "p0_string"), bytes(in, "abba")),
                id("kamf.json", vector));
        }
    }

    @Test
    void nasKeysA8()
    {
        for (final JsonNode vector : vectors("nas_keys_5g.json"))
        {
            final JsonNode in = vector.get("inputs");
            final byte[] key = SpecKeys.nasKey(
                bytes(in, "kamf"), (int)number(in, "type_distinguisher"), (int)number(in, "algorithm_id"));
            assertEquals(16, key.length);
            assertHex(text(vector, "output"), key, id("nas_keys_5g.json", vector));
        }
    }

    @Test
    void kgnbA9()
    {
        for (final JsonNode vector : vectors("kgnb_kn3iwf.json"))
        {
            final JsonNode in = vector.get("inputs");
            assertHex(
                text(vector, "output"),
                SpecKeys.kgnb(bytes(in, "kamf"), number(in, "ul_nas_count"), (int)number(in, "access_type")),
                id("kgnb_kn3iwf.json", vector) + " " + vector.path("derived").asText());
        }
    }

    @Test
    void nhChainA9A10()
    {
        for (final JsonNode vector : vectors("nh_chain_5g.json"))
        {
            final JsonNode in = vector.get("inputs");
            final byte[] kamf = bytes(in, "kamf");
            final String id = id("nh_chain_5g.json", vector);
            byte[] previous = SpecKeys.kgnb(kamf, number(in, "ul_nas_count"), 0x01);
            assertHex(text(vector, "initial_kgnb"), previous, id + " initial KgNB");
            final JsonNode steps = vector.get("steps");
            assertFalse(steps == null || steps.isEmpty(), id + " has steps");
            for (final JsonNode step : steps)
            {
                previous = SpecKeys.nh(kamf, previous);
                assertHex(text(step, "nh"), previous, id + " NCC " + step.path("ncc").asText());
            }
        }
    }

    @Test
    void kngRanStarA11()
    {
        for (final JsonNode vector : vectors("kng_ran_star_gnb.json"))
        {
            final JsonNode in = vector.get("inputs");
            assertHex(
                text(vector, "output"),
                SpecKeys.kngRanStar(bytes(in, "key"), (int)number(in, "pci"), (int)number(in, "arfcn_dl")),
                id("kng_ran_star_gnb.json", vector));
        }
    }

    @Test
    void horizontalKamfA13WithFollowOnKgnb()
    {
        int followOns = 0;
        for (final JsonNode vector : vectors("kamf_prime_a13.json"))
        {
            final JsonNode in = vector.get("inputs");
            final String id = id("kamf_prime_a13.json", vector);
            final byte[] kamfPrime =
                SpecKeys.horizontalKamf(bytes(in, "kamf"), (int)number(in, "direction"), number(in, "count"));
            assertHex(text(vector, "output"), kamfPrime, id);

            final JsonNode followOn = vector.get("n2ho_followon_kgnb");
            if (followOn != null)
            {
                assertHex(
                    text(followOn, "kgnb"),
                    SpecKeys.kgnb(kamfPrime, number(followOn, "ul_nas_count"), 0x01),
                    id + " follow-on KgNB");
                followOns++;
            }
        }
        assertTrue(followOns > 0, "no N2 handover follow-on KgNB checked");
    }

    @Test
    void kasmePrimeA14WithEpsFollowOn()
    {
        int followOns = 0;
        for (final JsonNode vector : vectors("kasme_prime_a14.json"))
        {
            final JsonNode in = vector.get("inputs");
            final String id = id("kasme_prime_a14.json", vector);
            final String kase = text(in, "case");
            final byte[] kasmePrime = switch (kase)
            {
                case "idle" -> SpecKeys.kasmePrimeIdle(bytes(in, "kamf"), number(in, "count"));
                case "handover" -> SpecKeys.kasmePrimeHandover(bytes(in, "kamf"), number(in, "count"));
                default -> throw new AssertionError(id + ": unknown case " + kase);
            };
            assertHex(text(vector, "output"), kasmePrime, id + " " + kase);

            final JsonNode followOn = vector.get("eps_followon");
            if (followOn != null)
            {
                final byte[] kenb = SpecKeys.kenb(kasmePrime, number(followOn, "kenb_ul_count"));
                assertHex(text(followOn, "kenb"), kenb, id + " follow-on KeNB");
                final byte[] nh1 = SpecKeys.epsNh(kasmePrime, kenb);
                assertHex(text(followOn, "nh_ncc1"), nh1, id + " follow-on NH NCC 1");
                assertHex(text(followOn, "nh_ncc2"), SpecKeys.epsNh(kasmePrime, nh1), id + " follow-on NH NCC 2");
                followOns++;
            }
        }
        assertTrue(followOns > 0, "no EPS follow-on checked");
    }

    @Test
    void kamfFromKasmeA15WithFiveGFollowOn()
    {
        int followOns = 0;
        for (final JsonNode vector : vectors("kamf_prime_a15.json"))
        {
            final JsonNode in = vector.get("inputs");
            final String id = id("kamf_prime_a15.json", vector);
            final String kase = text(in, "case");
            final byte[] kamfPrime = switch (kase)
            {
                case "idle" -> SpecKeys.kamfFromKasmeIdle(bytes(in, "kasme"), number(in, "tau_ul_count"));
                case "handover" -> SpecKeys.kamfFromKasmeHandover(bytes(in, "kasme"), bytes(in, "nh"));
                default -> throw new AssertionError(id + ": unknown case " + kase);
            };
            assertHex(text(vector, "output"), kamfPrime, id + " " + kase);

            final JsonNode followOn = vector.get("fiveg_followon");
            if (followOn != null)
            {
                final byte[] kgnb = SpecKeys.kgnb(kamfPrime, number(followOn, "temporary_kgnb_ul_count"), 0x01);
                assertHex(text(followOn, "kgnb"), kgnb, id + " follow-on temporary KgNB");
                assertHex(text(followOn, "nh_ncc1"), SpecKeys.nh(kamfPrime, kgnb), id + " follow-on NH NCC 1");
                followOns++;
            }
        }
        assertTrue(followOns > 0, "no 5GS follow-on checked");
    }

    @Test
    void kenbEpsA3()
    {
        for (final JsonNode vector : vectors("kenb.json"))
        {
            final JsonNode in = vector.get("inputs");
            assertHex(
                text(vector, "output"),
                SpecKeys.kenb(bytes(in, "kasme"), number(in, "ul_nas_count")),
                id("kenb.json", vector));
        }
    }

    @Test
    void nhChainEpsA3A4()
    {
        for (final JsonNode vector : vectors("nh_chain_eps.json"))
        {
            final JsonNode in = vector.get("inputs");
            final byte[] kasme = bytes(in, "kasme");
            final String id = id("nh_chain_eps.json", vector);
            byte[] previous = SpecKeys.kenb(kasme, number(in, "ul_nas_count"));
            assertHex(text(vector, "initial_kenb"), previous, id + " initial KeNB");
            final JsonNode steps = vector.get("steps");
            assertFalse(steps == null || steps.isEmpty(), id + " has steps");
            for (final JsonNode step : steps)
            {
                previous = SpecKeys.epsNh(kasme, previous);
                assertHex(text(step, "nh"), previous, id + " NCC " + step.path("ncc").asText());
            }
        }
    }

    @Test
    void kenbStarEpsA5()
    {
        for (final JsonNode vector : vectors("kenb_star.json"))
        {
            final JsonNode in = vector.get("inputs");
            assertHex(
                text(vector, "output"),
                SpecKeys.kenbStar(bytes(in, "key"), (int)number(in, "pci"), (int)number(in, "earfcn_dl")),
                id("kenb_star.json", vector));
        }
    }

    @Test
    void nasKeysEpsA7()
    {
        for (final JsonNode vector : vectors("nas_keys_eps.json"))
        {
            final JsonNode in = vector.get("inputs");
            final byte[] key = SpecKeys.epsNasKey(
                bytes(in, "kasme"), (int)number(in, "type_distinguisher"), (int)number(in, "algorithm_id"));
            assertEquals(16, key.length);
            assertHex(text(vector, "output"), key, id("nas_keys_eps.json", vector));
        }
    }
}

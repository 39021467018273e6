package org.amfkeys.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.amfkeys.vectors.VectorCase.Compare;
import org.amfkeys.vectors.VectorCase.Ref;
import org.amfkeys.vectors.VectorCase.Step;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every vector of {@code ../shared/vectors/} as {@link VectorCase}s of {@code amfkeys derive} requests.
 * A file or vector shape without a mapping is an error, never skipped, so that every file and every
 * vector is answered.
 */
public final class VectorCases
{
    private static final long COUNT_ALL_ONES = 0xFFFF_FFFFL;
    private static final String[] DISTINGUISHERS = {null, "nas-enc", "nas-int", "rrc-enc", "rrc-int", "up-enc", "up-int"};

    private VectorCases()
    {
    }

    /**
     * @return the cases of every vector file.
     */
    public static List<VectorCase> all()
    {
        final List<VectorCase> cases = new ArrayList<>();
        for (final Path file : SharedVectors.files())
        {
            cases.addAll(of(file));
        }
        return cases;
    }

    /**
     * @param file a vector file.
     * @return one case per vector in it.
     * @throws IllegalStateException for a file or vector this mapping does not know.
     */
    public static List<VectorCase> of(final Path file)
    {
        final String name = file.getFileName().toString();
        final JsonNode vectors = SharedVectors.read(file).path("vectors");
        if (!vectors.isArray() || vectors.isEmpty())
        {
            throw new IllegalStateException(name + ": no vectors");
        }
        final List<VectorCase> cases = new ArrayList<>();
        for (final JsonNode vector : vectors)
        {
            final String id = vector.has("id") ? "id " + vector.get("id").asText() : vector.path("name").asText();
            cases.add(new VectorCase(name, id, steps(name, vector)));
        }
        return cases;
    }

    private static List<Step> steps(final String file, final JsonNode v)
    {
        final JsonNode in = v.path("inputs");
        final List<Step> steps = new ArrayList<>();
        switch (file)
        {
            case "ck_ik_prime.json" -> steps.add(step("ck-ik-prime", v, "ck", text(in, "ck"), "ik", text(in, "ik"),
                "network-name", text(in, "access_network_identity"), "sqn-xor-ak", text(in, "sqn_xor_ak")));
            case "kausf.json" -> steps.add(step("kausf", v, "ck", text(in, "ck"), "ik", text(in, "ik"),
                "snn", text(in, "snn"), "sqn-xor-ak", text(in, "sqn_xor_ak")));
            case "res_star.json" ->
            {
                steps.add(step("res-star", v, "ck", text(in, "ck"), "ik", text(in, "ik"), "snn", text(in, "snn"),
                    "rand", text(in, "rand"), "res", text(in, "res")));
                steps.add(fullOutput(v, text(in, "ck") + text(in, "ik")));
            }
            case "hres_star.json" -> steps.add(step("hres-star", v, "rand", text(in, "rand"), "res-star", text(in, "res_star")));
            case "kseaf.json" -> steps.add(step("kseaf", v, "kausf", text(in, "kausf"), "snn", text(in, "snn")));
            case "kamf.json" ->
            {
                if (in.has("kausf_for_chain"))
                {
                    steps.add(new Step("kseaf", params("kausf", text(in, "kausf_for_chain"), "snn", text(in, "snn_for_chain")),
                        text(in, "kseaf"), Compare.EQUAL));
                }
                final Object kseaf = steps.isEmpty() ? text(in, "kseaf") : new Ref(0);
                steps.add(step("kamf", v, "kseaf", kseaf, "supi", text(in, "supi"), "abba", text(in, "abba")));
            }
            case "nas_keys_5g.json" -> algorithmKey(steps, "alg-key", v, text(in, "kamf"));
            case "rrc_up_keys_5g.json" -> algorithmKey(steps, "alg-key", v, text(in, "kgnb"));
            case "nas_keys_eps.json" -> algorithmKey(steps, "eps-alg-key", v, text(in, "kasme"));
            case "rrc_up_keys_eps.json" -> algorithmKey(steps, "eps-alg-key", v, text(in, "kenb"));
            case "kgnb_kn3iwf.json" -> steps.add(step("kgnb", v, "kamf", text(in, "kamf"),
                "ul-count", number(in, "ul_nas_count"), "access", access(in)));
            case "nh_chain_5g.json" -> nhChain(steps, v, "kgnb", "nh", "kamf", "initial_kgnb");
            case "nh_chain_eps.json" -> nhChain(steps, v, "kenb", "eps-nh", "kasme", "initial_kenb");
            case "kng_ran_star_gnb.json" -> steps.add(step("kng-ran-star", v, "key", text(in, "key"),
                "pci", number(in, "pci"), "arfcn", number(in, "arfcn_dl"), "target", "gnb"));
            case "kng_ran_star_ngenb.json" -> steps.add(step("kng-ran-star", v, "key", text(in, "key"),
                "pci", number(in, "pci"), "arfcn", number(in, "earfcn_dl"), "target", "ng-enb"));
            case "kamf_prime_a13.json" -> horizontalKamf(steps, v);
            case "kasme_prime_a14.json" -> kasmePrime(steps, v);
            case "kamf_prime_a15.json" -> kamfFromKasme(steps, v);
            case "kasme_eps.json" -> steps.add(step("eps-kasme", v, "ck", text(in, "ck"), "ik", text(in, "ik"),
                "mcc", text(in, "mcc"), "mnc", text(in, "mnc"), "sqn-xor-ak", text(in, "sqn_xor_ak")));
            case "kenb.json" -> steps.add(step("kenb", v, "kasme", text(in, "kasme"), "ul-count", number(in, "ul_nas_count")));
            case "kenb_star.json" -> steps.add(step("kenb-star", v, "key", text(in, "key"),
                "pci", number(in, "pci"), "earfcn", number(in, "earfcn_dl")));
            case "eps_inter_rat_misc.json" -> epsInterRat(steps, v);
            case "extras_5g.json" -> extras(steps, v);
            case "published_and_peer_test_vectors.json" -> published(steps, v);
            default -> throw new IllegalStateException(file + ": no mapping for this vector file");
        }
        return steps;
    }

    private static void algorithmKey(final List<Step> steps, final String derive, final JsonNode v, final String key)
    {
        final JsonNode in = v.path("inputs");
        steps.add(step(derive, v, "key", key, "distinguisher", distinguisher(in.path("type_distinguisher")),
            "alg", number(in, "algorithm_id")));
        steps.add(fullOutput(v, key));
    }

    private static void nhChain(
        final List<Step> steps, final JsonNode v, final String initialKey, final String nh, final String keyName, final String initial)
    {
        final JsonNode in = v.path("inputs");
        final String key = text(in, keyName);
        final Map<String, Object> first = params(keyName, key, "ul-count", number(in, "ul_nas_count"));
        if (initialKey.equals("kgnb"))
        {
            first.put("access", "3gpp");
        }
        steps.add(new Step(initialKey, first, text(v, initial), Compare.EQUAL));
        for (final JsonNode chainStep : v.path("steps"))
        {
            final String expectedSync = text(chainStep, "sync_input");
            final String previous = steps.get(steps.size() - 1).expected();
            if (!expectedSync.equals(previous))
            {
                throw new IllegalStateException("NH chain " + v.path("id") + ": SYNC-input is not the previous step's output");
            }
            steps.add(new Step(nh, params(keyName, key, "sync-input", new Ref(steps.size() - 1)), text(chainStep, "nh"), Compare.EQUAL));
        }
        if (steps.size() < 2)
        {
            throw new IllegalStateException("NH chain " + v.path("id") + " has no steps");
        }
    }

    private static void horizontalKamf(final List<Step> steps, final JsonNode v)
    {
        final JsonNode in = v.path("inputs");
        final long direction = in.path("direction").asLong(-1);
        if (direction != 0 && direction != 1)
        {
            throw new IllegalStateException("kamf_prime_a13.json " + v.path("id") + ": DIRECTION " + direction);
        }
        steps.add(step("kamf-prime", v, "kamf", text(in, "kamf"), "direction", direction == 0 ? "idle" : "handover",
            "count", number(in, "count")));
        final JsonNode followOn = v.path("n2ho_followon_kgnb");
        if (!followOn.isMissingNode())
        {
            steps.add(new Step("kgnb", params("kamf", new Ref(0), "ul-count", number(followOn, "ul_nas_count"), "access", "3gpp"),
                text(followOn, "kgnb"), Compare.EQUAL));
        }
    }

    private static void kasmePrime(final List<Step> steps, final JsonNode v)
    {
        final JsonNode in = v.path("inputs");
        steps.add(step("kasme-prime", v, "kamf", text(in, "kamf"), "mode", mode(in), "count", number(in, "count")));
        final JsonNode followOn = v.path("eps_followon");
        if (!followOn.isMissingNode())
        {
            steps.add(new Step("kenb", params("kasme", new Ref(0), "ul-count", number(followOn, "kenb_ul_count")),
                text(followOn, "kenb"), Compare.EQUAL));
            steps.add(new Step("eps-nh", params("kasme", new Ref(0), "sync-input", new Ref(1)), text(followOn, "nh_ncc1"), Compare.EQUAL));
            steps.add(new Step("eps-nh", params("kasme", new Ref(0), "sync-input", new Ref(2)), text(followOn, "nh_ncc2"), Compare.EQUAL));
        }
    }

    private static void kamfFromKasme(final List<Step> steps, final JsonNode v)
    {
        final JsonNode in = v.path("inputs");
        if ("idle".equals(mode(in)))
        {
            steps.add(step("kamf-from-kasme", v, "kasme", text(in, "kasme"), "mode", "idle", "count", number(in, "tau_ul_count")));
        }
        else
        {
            steps.add(step("kamf-from-kasme", v, "kasme", text(in, "kasme"), "mode", "handover", "nh", text(in, "nh")));
        }
        final JsonNode followOn = v.path("fiveg_followon");
        if (!followOn.isMissingNode())
        {
            steps.add(new Step("kgnb", params("kamf", new Ref(0), "ul-count", number(followOn, "temporary_kgnb_ul_count"),
                "access", "3gpp"), text(followOn, "kgnb"), Compare.EQUAL));
            steps.add(new Step("nh", params("kamf", new Ref(0), "sync-input", new Ref(1)), text(followOn, "nh_ncc1"), Compare.EQUAL));
        }
    }

    private static void epsInterRat(final List<Step> steps, final JsonNode v)
    {
        final JsonNode in = v.path("inputs");
        switch (text(in, "fc").toLowerCase())
        {
            case "0x16" -> steps.add(step("eps-ck-ik-handover", v, "kasme", text(in, "kasme"), "dl-count", number(in, "dl_nas_count")));
            case "0x1b" -> steps.add(step("eps-ck-ik-idle", v, "kasme", text(in, "kasme"), "ul-count", number(in, "ul_nas_count")));
            case "0x19" -> steps.add(step("eps-kasme-idle", v, "ck", text(in, "ck"), "ik", text(in, "ik"),
                "nonce-ue", text(in, "nonce_ue"), "nonce-mme", text(in, "nonce_mme")));
            case "0x1c" -> steps.add(step("s-kenb", v, "kenb", text(in, "kenb"), "counter", number(in, "scg_counter")));
            case "0x17" ->
            {
                // NAS-token (TS 33.401 A.9) is not a named derivation (its text is unconfirmed): check it
                // through the generic KDF, full output and the 16 bits the vector keeps.
                final Map<String, Object> p = params("key", text(in, "kasme"), "fc", 0x17L,
                    "params", List.of(uint32(number(in, "ul_nas_count"))));
                steps.add(new Step("generic", p, text(v, "kdf_output_full"), Compare.EQUAL));
                steps.add(new Step("generic", p, text(v, "output"), Compare.EXPECTED_IS_PREFIX));
            }
            default -> throw new IllegalStateException("eps_inter_rat_misc.json: no mapping for FC " + text(in, "fc"));
        }
    }

    private static void extras(final List<Step> steps, final JsonNode v)
    {
        final JsonNode in = v.path("inputs");
        switch (text(in, "fc").toLowerCase())
        {
            case "0x79" -> steps.add(step("ksn", v, "key", text(in, "key"), "sn-counter", number(in, "sn_counter")));
            case "0x80" -> steps.add(step("kakma", v, "kausf", text(in, "kausf"), "supi", text(in, "supi")));
            default -> throw new IllegalStateException("extras_5g.json: no mapping for FC " + text(in, "fc"));
        }
    }

    private static void published(final List<Step> steps, final JsonNode v)
    {
        final JsonNode in = v.path("inputs");
        final String expected = text(v, "expected");
        final String shape = String.join(",", (Iterable<String>)() -> in.fieldNames());
        final Step step = switch (shape)
        {
            case "ck,ik,sqn_xor_ak,network_name" -> new Step("ck-ik-prime", params("ck", text(in, "ck"), "ik", text(in, "ik"),
                "network-name", text(in, "network_name"), "sqn-xor-ak", text(in, "sqn_xor_ak")), expected, Compare.EQUAL);
            case "ck,ik,ak,sqn,mcc,mnc" -> new Step("eps-kasme", params("ck", text(in, "ck"), "ik", text(in, "ik"),
                "mcc", text(in, "mcc"), "mnc", text(in, "mnc"), "sqn-xor-ak", xor(text(in, "sqn"), text(in, "ak"))),
                expected, Compare.EQUAL);
            case "kasme,distinguisher,alg" -> algorithmKeyStep("eps-alg-key", text(in, "kasme"), in, expected);
            case "kenb,distinguisher,alg" -> algorithmKeyStep("eps-alg-key", text(in, "kenb"), in, expected);
            case "kamf,distinguisher,alg" -> algorithmKeyStep("alg-key", text(in, "kamf"), in, expected);
            case "kasme,sync" -> new Step("eps-nh", params("kasme", text(in, "kasme"), "sync-input", text(in, "sync")),
                expected, Compare.EQUAL);
            case "kasme,ul_nas_count" -> new Step("kenb", params("kasme", text(in, "kasme"), "ul-count", number(in, "ul_nas_count")),
                expected, Compare.EQUAL);
            case "kenb,pci,earfcn_dl" -> new Step("kenb-star", params("key", text(in, "kenb"), "pci", number(in, "pci"),
                "earfcn", number(in, "earfcn_dl")), expected, Compare.EQUAL);
            case "kamf,ul_nas_count,access_type" -> new Step("kgnb", params("kamf", text(in, "kamf"),
                "ul-count", number(in, "ul_nas_count"), "access", access(in)), expected, Compare.EQUAL);
            case "ck,ik,snn,rand,res" -> new Step("res-star", params("ck", text(in, "ck"), "ik", text(in, "ik"), "snn", text(in, "snn"),
                "rand", text(in, "rand"), "res", text(in, "res")), expected, compare128(expected));
            case "ck,ik,snn,sqn_xor_ak" -> new Step("kausf", params("ck", text(in, "ck"), "ik", text(in, "ik"), "snn", text(in, "snn"),
                "sqn-xor-ak", text(in, "sqn_xor_ak")), expected, Compare.EQUAL);
            case "kseaf,supi_p0,abba" -> new Step("kamf", params("kseaf", text(in, "kseaf"), "supi", "imsi-" + text(in, "supi_p0"),
                "abba", text(in, "abba")), expected, Compare.EQUAL);
            case "kenb,scg_counter" -> new Step("s-kenb", params("kenb", text(in, "kenb"), "counter", number(in, "scg_counter")),
                expected, Compare.EQUAL);
            default -> throw new IllegalStateException(
                "published vector '" + v.path("name").asText() + "': no mapping for inputs " + shape);
        };
        steps.add(step);
    }

    private static Step algorithmKeyStep(final String derive, final String key, final JsonNode in, final String expected)
    {
        return new Step(derive, params("key", key, "distinguisher", distinguisher(in.path("distinguisher")), "alg", number(in, "alg")),
            expected, compare128(expected));
    }

    /** A 128-bit result is given either as itself or inside the full 256-bit KDF output. */
    private static Compare compare128(final String expectedHex)
    {
        return expectedHex.length() == 2 * 16 ? Compare.EQUAL : Compare.OUTPUT_IS_SUFFIX;
    }

    /**
     * The generic KDF over the parameters of the vector's S, against the full 256-bit output it records:
     * checks the generic derivation and that the named one keeps the right 128 bits.
     */
    private static Step fullOutput(final JsonNode v, final String keyHex)
    {
        final byte[] s = HexFormat.of().parseHex(text(v, "S"));
        final List<String> parameters = new ArrayList<>();
        int end = s.length;
        while (end > 1)
        {
            final int length = ((s[end - 2] & 0xFF) << 8) | (s[end - 1] & 0xFF);
            final int start = end - 2 - length;
            if (start < 1)
            {
                throw new IllegalStateException("S of " + v.path("id") + " does not parse as FC || Pi || Li");
            }
            parameters.add(0, HexFormat.of().formatHex(s, start, end - 2));
            end = start;
        }
        return new Step("generic", params("key", keyHex, "fc", (long)(s[0] & 0xFF), "params", parameters),
            text(v, "kdf_output_full"), Compare.EQUAL);
    }

    private static Step step(final String derive, final JsonNode v, final Object... nameValues)
    {
        return new Step(derive, params(nameValues), text(v, "output"), Compare.EQUAL);
    }

    private static Map<String, Object> params(final Object... nameValues)
    {
        final Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2)
        {
            params.put((String)nameValues[i], nameValues[i + 1]);
        }
        return params;
    }

    private static String text(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual())
        {
            throw new IllegalStateException("vector field '" + field + "' missing or not text in " + node);
        }
        return value.asText();
    }

    private static Long number(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong())
        {
            throw new IllegalStateException("vector field '" + field + "' missing or not an integer in " + node);
        }
        return value.asLong();
    }

    private static String access(final JsonNode in)
    {
        final long code = number(in, "access_type");
        if (code != 1 && code != 2)
        {
            throw new IllegalStateException("access type " + code);
        }
        return code == 1 ? "3gpp" : "non-3gpp";
    }

    private static String mode(final JsonNode in)
    {
        final String mode = text(in, "case");
        if (!mode.equals("idle") && !mode.equals("handover"))
        {
            throw new IllegalStateException("case " + mode);
        }
        return mode;
    }

    private static String distinguisher(final JsonNode code)
    {
        final int value = code.asInt(-1);
        if (value < 1 || value >= DISTINGUISHERS.length)
        {
            throw new IllegalStateException("algorithm type distinguisher " + code);
        }
        return DISTINGUISHERS[value];
    }

    private static String uint32(final long value)
    {
        if (value < 0 || value > COUNT_ALL_ONES)
        {
            throw new IllegalStateException("COUNT " + value);
        }
        return String.format("%08x", value);
    }

    private static String xor(final String a, final String b)
    {
        final byte[] x = HexFormat.of().parseHex(a);
        final byte[] y = HexFormat.of().parseHex(b);
        for (int i = 0; i < x.length; i++)
        {
            x[i] ^= y[i];
        }
        return HexFormat.of().formatHex(x);
    }
}

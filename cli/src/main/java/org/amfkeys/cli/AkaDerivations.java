package org.amfkeys.cli;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.catalog.Arguments;
import org.amfkeys.catalog.Derivation;
import org.amfkeys.catalog.Parameter;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.sim.aka.AkaKeys;
import org.amfkeys.sim.aka.FiveGAka;
import org.amfkeys.sim.aka.JdkAes128;
import org.amfkeys.sim.aka.Milenage;
import org.amfkeys.sim.aka.MilenageOutputs;
import org.amfkeys.types.Abba;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The subscriber-side computations {@code amfkeys derive} offers beside the KDF catalog, each with
 * several named outputs: {@code milenage} (TS 35.206) and {@code 5g-aka} (TS 33.501 6.1.3.2 down to
 * KAMF), so anyone can check a subscriber by hand.
 */
final class AkaDerivations
{
    /** MILENAGE's f1..f5* and OPc. */
    static final AkaDerivation MILENAGE = new AkaDerivation(
        "milenage",
        "MILENAGE f1, f1*, f2, f3, f4, f5, f5* and OPc (TS 35.206)",
        List.of(
            Parameter.octets("k", "K, the subscriber key, 16 octets"),
            Parameter.octets("op", "OP, the operator variant, 16 octets (or give opc)").optional(),
            Parameter.octets("opc", "OPc, 16 octets (or give op)").optional(),
            Parameter.octets("rand", "RAND, 16 octets"),
            Parameter.octets("sqn", "SQN, 6 octets"),
            Parameter.octets("amf", "AMF, 2 octets")),
        AkaDerivations::milenage);

    /** The home network's 5G AKA run down to KAMF. */
    static final AkaDerivation FIVE_G_AKA = new AkaDerivation(
        "5g-aka",
        "5G AKA at the home network: AUTN, RES, CK, IK, RES*, HRES*, KAUSF, KSEAF, KAMF (TS 33.501 6.1.3.2, A.2-A.7)",
        List.of(
            Parameter.octets("k", "K, the subscriber key, 16 octets"),
            Parameter.octets("opc", "OPc, 16 octets"),
            Parameter.octets("rand", "RAND, 16 octets"),
            Parameter.octets("sqn", "SQN, 6 octets"),
            Parameter.octets("amf", "AMF, 2 octets"),
            Parameter.text("snn", "the serving network name, e.g. 5G:mnc001.mcc001.3gppnetwork.org"),
            Parameter.text("supi", "the SUPI, imsi-<digits> or nai-<NAI>"),
            Parameter.octets("abba", "ABBA, 1 to 255 octets; 0000 when not given").optional()),
        AkaDerivations::fiveGAka);

    private static final List<AkaDerivation> ALL = List.of(MILENAGE, FIVE_G_AKA);

    private AkaDerivations()
    {
    }

    /**
     * @return every multi-output derivation.
     */
    static List<AkaDerivation> all()
    {
        return ALL;
    }

    /**
     * @param name a derivation name as given.
     * @return the derivation of that name, if it is one of these.
     */
    static Optional<AkaDerivation> find(final String name)
    {
        return ALL.stream().filter(derivation -> derivation.name().equals(name)).findFirst();
    }

    private static Map<String, byte[]> milenage(final Arguments arguments)
    {
        final boolean op = arguments.has("op");
        if (op == arguments.has("opc"))
        {
            throw new InvalidParameterException("op", op ? "given together with opc" : "missing, and so is opc",
                "exactly one of op and opc, 16 octets");
        }
        final byte[] k = arguments.octets("k");
        final byte[] opc = op ? new byte[Milenage.OP_LENGTH] : arguments.octets("opc");
        final MilenageOutputs out = new MilenageOutputs();
        try (Milenage milenage = new Milenage(new JdkAes128()))
        {
            if (op)
            {
                milenage.opc(k, arguments.octets("op"), opc);
            }
            milenage.generate(k, opc, arguments.octets("rand"), arguments.octets("sqn"), arguments.octets("amf"), out);
        }
        final Map<String, byte[]> outputs = new LinkedHashMap<>();
        outputs.put("opc", opc);
        outputs.put("mac-a", out.macA());
        outputs.put("mac-s", out.macS());
        outputs.put("res", out.res());
        outputs.put("ck", out.ck());
        outputs.put("ik", out.ik());
        outputs.put("ak", out.ak());
        outputs.put("ak-star", out.akStar());
        return outputs;
    }

    private static Map<String, byte[]> fiveGAka(final Arguments arguments)
    {
        final ServingNetworkName snn = ServingNetworkName.parse("snn", arguments.text("snn"));
        final Supi supi = Supi.parse("supi", arguments.text("supi"));
        final Abba abba = arguments.has("abba") ? Abba.of(arguments.octets("abba")) : Abba.DEFAULT;
        final AkaKeys out = new AkaKeys();
        try (Kdf kdf = new Kdf(); FiveGAka aka = new FiveGAka(new Milenage(new JdkAes128()), kdf))
        {
            aka.homeNetwork(arguments.octets("k"), arguments.octets("opc"), arguments.octets("rand"),
                arguments.octets("sqn"), arguments.octets("amf"), snn, out);
            aka.kamf(out, supi, abba);
        }
        final Map<String, byte[]> outputs = new LinkedHashMap<>();
        outputs.put("autn", out.autn());
        outputs.put("res", out.milenage().res());
        outputs.put("ck", out.milenage().ck());
        outputs.put("ik", out.milenage().ik());
        outputs.put("res-star", out.resStar());
        outputs.put("hres-star", out.hresStar());
        outputs.put("kausf", out.kausf());
        outputs.put("kseaf", out.kseaf());
        outputs.put("kamf", out.kamf());
        return outputs;
    }

    /**
     * A computation with several named outputs.
     *
     * @param name       the name {@code derive} takes, e.g. {@code milenage}.
     * @param summary    what it computes, with the specification clauses.
     * @param parameters its parameters.
     * @param invoker    the computation.
     */
    record AkaDerivation(String name, String summary, List<Parameter> parameters, Invoker invoker)
    {
        /**
         * Computes from parameters taken from {@link Arguments}.
         */
        @FunctionalInterface
        interface Invoker
        {
            /**
             * @param arguments the parameter values.
             * @return every output by name, in the order they are printed.
             */
            Map<String, byte[]> derive(Arguments arguments);
        }

        /**
         * Runs the computation after rejecting parameters it does not take.
         *
         * @param arguments the parameter values.
         * @return every output by name, in order.
         * @throws InvalidParameterException naming the parameter when a value is missing, unknown or invalid.
         */
        Map<String, byte[]> derive(final Arguments arguments)
        {
            for (final String given : arguments.names())
            {
                if (parameters.stream().noneMatch(parameter -> parameter.name().equals(given)))
                {
                    throw Derivation.unknownParameter(given, name, parameterNames());
                }
            }
            return invoker.derive(arguments);
        }

        /**
         * @return the parameter names, comma separated.
         */
        String parameterNames()
        {
            return parameters.stream().map(Parameter::name).collect(Collectors.joining(", "));
        }
    }
}

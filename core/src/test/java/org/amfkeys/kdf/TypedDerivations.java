package org.amfkeys.kdf;

import org.agrona.MutableDirectBuffer;
import org.amfkeys.catalog.Arguments;
import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AccessNetworkIdentity;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AfId;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.IpAddress;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.PlmnId;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.amfkeys.types.TargetNode;
import org.amfkeys.types.Token;
import org.amfkeys.types.UsageTypeDistinguisher;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Calls the two allocation-free forms of every derivation of the catalog by name, with inputs taken
 * from {@link Arguments} (as a known answer or vector gives them). Keys that the typed API takes as a
 * {@link KeySchedule} are scheduled first, or left empty when a test asks for it.
 */
final class TypedDerivations
{
    /**
     * The inputs of one call.
     */
    static final class Inputs
    {
        final Kdf kdf;
        final Arguments args;
        final Set<String> emptySchedules;
        // Every value is computed once, so that a repeated call runs the derivation and nothing else.
        private final Map<String, Object> memo = new HashMap<>();
        private final Map<String, KeySchedule> schedules = new HashMap<>();
        private final Map<String, IpAddress> addresses = new HashMap<>();

        Inputs(final Kdf kdf, final Arguments args, final Set<String> emptySchedules)
        {
            this.kdf = kdf;
            this.args = args;
            this.emptySchedules = emptySchedules;
        }

        KeySchedule schedule(final String name)
        {
            if (!schedules.containsKey(name))
            {
                KeySchedule schedule = null;
                if (args.has(name))
                {
                    schedule = new KeySchedule();
                    if (!emptySchedules.contains(name))
                    {
                        kdf.computeSchedule(args.octets(name), schedule);
                    }
                }
                schedules.put(name, schedule);
            }
            return schedules.get(name);
        }

        byte[] octets(final String name)
        {
            if (!memo.containsKey(name))
            {
                memo.put(name, args.has(name) ? args.octets(name) : null);
            }
            return (byte[])memo.get(name);
        }

        String text(final String name)
        {
            return args.has(name) ? args.text(name) : null;
        }

        long count(final String name)
        {
            if (!memo.containsKey(name))
            {
                memo.put(name, args.integer(name));
            }
            return (Long)memo.get(name);
        }

        int integer(final String name)
        {
            return (int)count(name);
        }

        <E extends Enum<E> & Token> E choice(final String name, final Class<E> type)
        {
            if (!memo.containsKey(name))
            {
                memo.put(name, args.has(name) ? Token.parse(name, args.text(name), type) : null);
            }
            return type.cast(memo.get(name));
        }

        /** A choice that selects the typed method itself (target node, mobility mode): absent is an error here. */
        <E extends Enum<E> & Token> E selector(final String name, final Class<E> type)
        {
            final E value = choice(name, type);
            if (value == null)
            {
                throw org.amfkeys.InvalidParameterException.missing(name, Token.allowed(type));
            }
            return value;
        }

        ServingNetworkName snn()
        {
            if (!memo.containsKey("snn:"))
            {
                memo.put("snn:", ServingNetworkName.parse(text("snn")));
            }
            return (ServingNetworkName)memo.get("snn:");
        }

        Supi supi()
        {
            if (!memo.containsKey("supi:"))
            {
                memo.put("supi:", Supi.parse(text("supi")));
            }
            return (Supi)memo.get("supi:");
        }

        Abba abba()
        {
            if (!memo.containsKey("abba:"))
            {
                memo.put("abba:", Abba.of(octets("abba")));
            }
            return (Abba)memo.get("abba:");
        }

        AfId afId()
        {
            if (!memo.containsKey("af-id:"))
            {
                memo.put("af-id:", AfId.of(octets("af-id")));
            }
            return (AfId)memo.get("af-id:");
        }

        AccessNetworkIdentity networkName()
        {
            if (!memo.containsKey("network-name:"))
            {
                memo.put("network-name:", AccessNetworkIdentity.of(text("network-name")));
            }
            return (AccessNetworkIdentity)memo.get("network-name:");
        }

        PlmnId plmn()
        {
            if (!memo.containsKey("plmn:"))
            {
                memo.put("plmn:", PlmnId.of(text("mcc"), text("mnc")));
            }
            return (PlmnId)memo.get("plmn:");
        }

        IpAddress ip(final String name)
        {
            if (!addresses.containsKey(name))
            {
                addresses.put(name, IpAddress.parse(name, text(name)));
            }
            return addresses.get(name);
        }
    }

    /** A call of the form writing into a {@link MutableDirectBuffer}. */
    interface BufferForm
    {
        void derive(Inputs in, MutableDirectBuffer out, int offset);
    }

    /** A call of the form writing into a {@code byte[]}. */
    interface ArrayForm
    {
        void derive(Inputs in, byte[] out, int offset);
    }

    /**
     * Both forms of one derivation.
     *
     * @param buffer  the {@link MutableDirectBuffer} form.
     * @param array   the {@code byte[]} form.
     * @param keys    parameters the typed API takes as a {@link KeySchedule}.
     */
    record Forms(BufferForm buffer, ArrayForm array, Set<String> keys)
    {
    }

    static final Map<String, Forms> FORMS = new TreeMap<>();

    static
    {
        put("kausf", Set.of(),
            (in, o, i) -> in.kdf.kausf(in.octets("ck"), in.octets("ik"), in.snn(), in.octets("sqn-xor-ak"), o, i),
            (in, o, i) -> in.kdf.kausf(in.octets("ck"), in.octets("ik"), in.snn(), in.octets("sqn-xor-ak"), o, i));
        put("ck-ik-prime", Set.of(),
            (in, o, i) -> in.kdf.ckIkPrime(in.octets("ck"), in.octets("ik"),
                in.networkName(), in.octets("sqn-xor-ak"), o, i),
            (in, o, i) -> in.kdf.ckIkPrime(in.octets("ck"), in.octets("ik"),
                in.networkName(), in.octets("sqn-xor-ak"), o, i));
        put("res-star", Set.of(),
            (in, o, i) -> in.kdf.resStar(in.octets("ck"), in.octets("ik"), in.snn(), in.octets("rand"), in.octets("res"), o, i),
            (in, o, i) -> in.kdf.resStar(in.octets("ck"), in.octets("ik"), in.snn(), in.octets("rand"), in.octets("res"), o, i));
        put("hres-star", Set.of(),
            (in, o, i) -> in.kdf.hresStar(in.octets("rand"), in.octets("res-star"), o, i),
            (in, o, i) -> in.kdf.hresStar(in.octets("rand"), in.octets("res-star"), o, i));
        put("kseaf", Set.of("kausf"),
            (in, o, i) -> in.kdf.kseaf(in.schedule("kausf"), in.snn(), o, i),
            (in, o, i) -> in.kdf.kseaf(in.schedule("kausf"), in.snn(), o, i));
        put("kamf", Set.of("kseaf"),
            (in, o, i) -> in.kdf.kamf(in.schedule("kseaf"), in.supi(), in.abba(), o, i),
            (in, o, i) -> in.kdf.kamf(in.schedule("kseaf"), in.supi(), in.abba(), o, i));
        put("alg-key", Set.of("key"),
            (in, o, i) -> in.kdf.algorithmKey(in.schedule("key"),
                in.choice("distinguisher", AlgorithmTypeDistinguisher.class), in.integer("alg"), o, i),
            (in, o, i) -> in.kdf.algorithmKey(in.schedule("key"),
                in.choice("distinguisher", AlgorithmTypeDistinguisher.class), in.integer("alg"), o, i));
        put("kgnb", Set.of("kamf"),
            (in, o, i) -> in.kdf.kgnb(in.schedule("kamf"), in.count("ul-count"), in.choice("access", AccessType.class), o, i),
            (in, o, i) -> in.kdf.kgnb(in.schedule("kamf"), in.count("ul-count"), in.choice("access", AccessType.class), o, i));
        put("nh", Set.of("kamf"),
            (in, o, i) -> in.kdf.nh(in.schedule("kamf"), in.octets("sync-input"), o, i),
            (in, o, i) -> in.kdf.nh(in.schedule("kamf"), in.octets("sync-input"), o, i));
        put("kng-ran-star", Set.of("key"),
            (in, o, i) -> kngRanStar(in, o, i),
            (in, o, i) -> kngRanStar(in, o, i));
        put("kamf-prime", Set.of("kamf"),
            (in, o, i) -> in.kdf.horizontalKamf(in.schedule("kamf"), in.choice("direction", MobilityMode.class), in.count("count"), o, i),
            (in, o, i) -> in.kdf.horizontalKamf(in.schedule("kamf"), in.choice("direction", MobilityMode.class), in.count("count"), o, i));
        put("kasme-prime", Set.of("kamf"),
            (in, o, i) -> in.kdf.kasmePrime(in.schedule("kamf"), in.choice("mode", MobilityMode.class), in.count("count"), o, i),
            (in, o, i) -> in.kdf.kasmePrime(in.schedule("kamf"), in.choice("mode", MobilityMode.class), in.count("count"), o, i));
        put("kamf-from-kasme", Set.of("kasme"),
            (in, o, i) -> kamfFromKasme(in, o, i),
            (in, o, i) -> kamfFromKasme(in, o, i));
        put("ksn", Set.of("key"),
            (in, o, i) -> in.kdf.ksn(in.schedule("key"), in.integer("sn-counter"), o, i),
            (in, o, i) -> in.kdf.ksn(in.schedule("key"), in.integer("sn-counter"), o, i));
        put("sor-mac-iausf", Set.of("kausf"),
            (in, o, i) -> in.kdf.sorMacIausf(in.schedule("kausf"), in.octets("sor-header"), in.integer("counter-sor"),
                in.octets("sor-container"), o, i),
            (in, o, i) -> in.kdf.sorMacIausf(in.schedule("kausf"), in.octets("sor-header"), in.integer("counter-sor"),
                in.octets("sor-container"), o, i));
        put("sor-mac-iue", Set.of("kausf"),
            (in, o, i) -> in.kdf.sorMacIue(in.schedule("kausf"), in.integer("counter-sor"), o, i),
            (in, o, i) -> in.kdf.sorMacIue(in.schedule("kausf"), in.integer("counter-sor"), o, i));
        put("upu-mac-iausf", Set.of("kausf"),
            (in, o, i) -> in.kdf.upuMacIausf(in.schedule("kausf"), in.octets("upu-data"), in.integer("counter-upu"), o, i),
            (in, o, i) -> in.kdf.upuMacIausf(in.schedule("kausf"), in.octets("upu-data"), in.integer("counter-upu"), o, i));
        put("upu-mac-iue", Set.of("kausf"),
            (in, o, i) -> in.kdf.upuMacIue(in.schedule("kausf"), in.integer("counter-upu"), o, i),
            (in, o, i) -> in.kdf.upuMacIue(in.schedule("kausf"), in.integer("counter-upu"), o, i));
        put("kasme-srvcc", Set.of("kamf"),
            (in, o, i) -> in.kdf.kasmeSrvcc(in.schedule("kamf"), in.count("dl-count"), o, i),
            (in, o, i) -> in.kdf.kasmeSrvcc(in.schedule("kamf"), in.count("dl-count"), o, i));
        put("ktipsec-ktnap-kft", Set.of("key"),
            (in, o, i) -> in.kdf.ktipsecKtnapKft(in.schedule("key"), in.choice("usage", UsageTypeDistinguisher.class), o, i),
            (in, o, i) -> in.kdf.ktipsecKtnapKft(in.schedule("key"), in.choice("usage", UsageTypeDistinguisher.class), o, i));
        put("kiab", Set.of("key"),
            (in, o, i) -> in.kdf.kiab(in.schedule("key"), in.ip("donor-cu-ip"),
                in.ip("node-du-ip"), o, i),
            (in, o, i) -> in.kdf.kiab(in.schedule("key"), in.ip("donor-cu-ip"),
                in.ip("node-du-ip"), o, i));
        put("kakma", Set.of("kausf"),
            (in, o, i) -> in.kdf.kakma(in.schedule("kausf"), in.supi(), o, i),
            (in, o, i) -> in.kdf.kakma(in.schedule("kausf"), in.supi(), o, i));
        put("a-tid", Set.of("kausf"),
            (in, o, i) -> in.kdf.aTid(in.schedule("kausf"), in.supi(), o, i),
            (in, o, i) -> in.kdf.aTid(in.schedule("kausf"), in.supi(), o, i));
        put("kaf", Set.of("kakma"),
            (in, o, i) -> in.kdf.kaf(in.schedule("kakma"), in.afId(), o, i),
            (in, o, i) -> in.kdf.kaf(in.schedule("kakma"), in.afId(), o, i));
        put("eps-kasme", Set.of(),
            (in, o, i) -> in.kdf.epsKasme(in.octets("ck"), in.octets("ik"),
                in.plmn(), in.octets("sqn-xor-ak"), o, i),
            (in, o, i) -> in.kdf.epsKasme(in.octets("ck"), in.octets("ik"),
                in.plmn(), in.octets("sqn-xor-ak"), o, i));
        put("kenb", Set.of("kasme"),
            (in, o, i) -> in.kdf.kenb(in.schedule("kasme"), in.count("ul-count"), o, i),
            (in, o, i) -> in.kdf.kenb(in.schedule("kasme"), in.count("ul-count"), o, i));
        put("eps-nh", Set.of("kasme"),
            (in, o, i) -> in.kdf.epsNh(in.schedule("kasme"), in.octets("sync-input"), o, i),
            (in, o, i) -> in.kdf.epsNh(in.schedule("kasme"), in.octets("sync-input"), o, i));
        put("kenb-star", Set.of("key"),
            (in, o, i) -> in.kdf.kenbStar(in.schedule("key"), in.integer("pci"), in.integer("earfcn"), o, i),
            (in, o, i) -> in.kdf.kenbStar(in.schedule("key"), in.integer("pci"), in.integer("earfcn"), o, i));
        put("eps-alg-key", Set.of("key"),
            (in, o, i) -> in.kdf.epsAlgorithmKey(in.schedule("key"),
                in.choice("distinguisher", AlgorithmTypeDistinguisher.class), in.integer("alg"), o, i),
            (in, o, i) -> in.kdf.epsAlgorithmKey(in.schedule("key"),
                in.choice("distinguisher", AlgorithmTypeDistinguisher.class), in.integer("alg"), o, i));
        put("eps-ck-ik-handover", Set.of("kasme"),
            (in, o, i) -> in.kdf.epsCkIkHandover(in.schedule("kasme"), in.count("dl-count"), o, i),
            (in, o, i) -> in.kdf.epsCkIkHandover(in.schedule("kasme"), in.count("dl-count"), o, i));
        put("eps-kasme-idle", Set.of(),
            (in, o, i) -> in.kdf.epsKasmeIdle(in.octets("ck"), in.octets("ik"), in.octets("nonce-ue"), in.octets("nonce-mme"), o, i),
            (in, o, i) -> in.kdf.epsKasmeIdle(in.octets("ck"), in.octets("ik"), in.octets("nonce-ue"), in.octets("nonce-mme"), o, i));
        put("eps-ck-ik-idle", Set.of("kasme"),
            (in, o, i) -> in.kdf.epsCkIkIdle(in.schedule("kasme"), in.count("ul-count"), o, i),
            (in, o, i) -> in.kdf.epsCkIkIdle(in.schedule("kasme"), in.count("ul-count"), o, i));
        put("s-kenb", Set.of("kenb"),
            (in, o, i) -> in.kdf.sKenb(in.schedule("kenb"), in.integer("counter"), o, i),
            (in, o, i) -> in.kdf.sKenb(in.schedule("kenb"), in.integer("counter"), o, i));
    }

    private TypedDerivations()
    {
    }

    private static void put(final String name, final Set<String> keys, final BufferForm buffer, final ArrayForm array)
    {
        FORMS.put(name, new Forms(buffer, array, keys));
    }

    private static void kamfFromKasme(final Inputs in, final MutableDirectBuffer out, final int offset)
    {
        if (in.selector("mode", MobilityMode.class) == MobilityMode.IDLE)
        {
            in.kdf.kamfFromKasmeIdle(in.schedule("kasme"), in.count("count"), out, offset);
        }
        else
        {
            in.kdf.kamfFromKasmeHandover(in.schedule("kasme"), in.octets("nh"), out, offset);
        }
    }

    private static void kamfFromKasme(final Inputs in, final byte[] out, final int offset)
    {
        if (in.selector("mode", MobilityMode.class) == MobilityMode.IDLE)
        {
            in.kdf.kamfFromKasmeIdle(in.schedule("kasme"), in.count("count"), out, offset);
        }
        else
        {
            in.kdf.kamfFromKasmeHandover(in.schedule("kasme"), in.octets("nh"), out, offset);
        }
    }

    private static void kngRanStar(final Inputs in, final MutableDirectBuffer out, final int offset)
    {
        if (in.selector("target", TargetNode.class) == TargetNode.GNB)
        {
            in.kdf.kngRanStarForGnb(in.schedule("key"), in.integer("pci"), in.integer("arfcn"), out, offset);
        }
        else
        {
            in.kdf.kngRanStarForNgEnb(in.schedule("key"), in.integer("pci"), in.integer("arfcn"), out, offset);
        }
    }

    private static void kngRanStar(final Inputs in, final byte[] out, final int offset)
    {
        if (in.selector("target", TargetNode.class) == TargetNode.GNB)
        {
            in.kdf.kngRanStarForGnb(in.schedule("key"), in.integer("pci"), in.integer("arfcn"), out, offset);
        }
        else
        {
            in.kdf.kngRanStarForNgEnb(in.schedule("key"), in.integer("pci"), in.integer("arfcn"), out, offset);
        }
    }
}

package org.amfkeys.catalog;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.kdf.Fc;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.Abba;
import org.amfkeys.types.AccessNetworkIdentity;
import org.amfkeys.types.AccessType;
import org.amfkeys.types.AfId;
import org.amfkeys.types.AlgorithmIdentity;
import org.amfkeys.types.AlgorithmTypeDistinguisher;
import org.amfkeys.types.Earfcn;
import org.amfkeys.types.IpAddress;
import org.amfkeys.types.MobilityMode;
import org.amfkeys.types.NasCount;
import org.amfkeys.types.NrArfcn;
import org.amfkeys.types.Pci;
import org.amfkeys.types.PlmnId;
import org.amfkeys.types.ServingNetworkName;
import org.amfkeys.types.Supi;
import org.amfkeys.types.TargetNode;
import org.amfkeys.types.Token;
import org.amfkeys.types.Uint16;
import org.amfkeys.types.UsageTypeDistinguisher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.amfkeys.catalog.Parameter.choice;
import static org.amfkeys.catalog.Parameter.integer;
import static org.amfkeys.catalog.Parameter.octets;
import static org.amfkeys.catalog.Parameter.octetsList;
import static org.amfkeys.catalog.Parameter.text;

/**
 * Every derivation under the name the command line ({@code amfkeys derive NAME}) and JSON batches use,
 * with its parameters. The typed API of {@link Kdf} does the work; this only maps names to it.
 */
public final class DerivationCatalog
{
    private static final String KEY_256 = ", 32 octets";

    private static final Parameter CK = octets("ck", "CK, 16 octets");
    private static final Parameter IK = octets("ik", "IK, 16 octets");
    private static final Parameter SNN = text("snn", "serving network name, " + ServingNetworkName.ALLOWED);
    private static final Parameter SQN_XOR_AK = octets("sqn-xor-ak", "SQN xor AK, 6 octets");
    private static final Parameter KAUSF = octets("kausf", "KAUSF" + KEY_256);
    private static final Parameter KAMF = octets("kamf", "KAMF" + KEY_256);
    private static final Parameter KASME = octets("kasme", "KASME" + KEY_256);
    private static final Parameter SUPI = text("supi", "SUPI, " + Supi.ALLOWED);
    private static final Parameter DISTINGUISHER =
        choice("distinguisher", tokens(AlgorithmTypeDistinguisher.class), "algorithm type distinguisher");
    private static final Parameter ALG = integer("alg", 0, AlgorithmIdentity.MAX_VALUE, "algorithm identity");
    private static final Parameter UL_COUNT = integer("ul-count", 0, NasCount.MAX_VALUE, "uplink NAS COUNT");
    private static final Parameter DL_COUNT = integer("dl-count", 0, NasCount.MAX_VALUE, "downlink NAS COUNT");
    private static final Parameter COUNT = integer("count", 0, NasCount.MAX_VALUE, "NAS COUNT");
    private static final Parameter SYNC_INPUT = octets("sync-input", "SYNC-input (initial KgNB/KeNB or previous NH)" + KEY_256);
    private static final Parameter MODE = choice("mode", tokens(MobilityMode.class), "idle mobility or handover");

    private static final Map<String, Derivation> DERIVATIONS = new LinkedHashMap<>();

    static
    {
        // TS 33.501 and TS 33.535
        add("kausf", "TS 33.501 A.2", hex(Fc.KAUSF), "KAUSF (5G AKA)", 32,
            List.of(CK, IK, SNN, SQN_XOR_AK),
            (kdf, a) -> kdf.kausf(CK.octetsOf(a), IK.octetsOf(a), snn(a), SQN_XOR_AK.octetsOf(a)));
        final Parameter networkName = text("network-name", "access network identity (the SNN in 5G), text");
        add("ck-ik-prime", "TS 33.501 A.3 (TS 33.402 A.2)", hex(Fc.CK_IK_PRIME), "CK' then IK' (EAP-AKA')", 32,
            List.of(CK, IK, networkName, SQN_XOR_AK),
            (kdf, a) -> kdf.ckIkPrime(CK.octetsOf(a), IK.octetsOf(a),
                AccessNetworkIdentity.of(networkName.textOf(a)), SQN_XOR_AK.octetsOf(a)));
        final Parameter rand = octets("rand", "RAND, 16 octets");
        final Parameter res = octets("res", "RES or XRES, 4 to 16 octets");
        add("res-star", "TS 33.501 A.4", hex(Fc.RES_STAR), "RES* / XRES* (last 128 bits)", 16,
            List.of(CK, IK, SNN, rand, res),
            (kdf, a) -> kdf.resStar(CK.octetsOf(a), IK.octetsOf(a), snn(a), rand.octetsOf(a), res.octetsOf(a)));
        final Parameter resStar = octets("res-star", "RES* or XRES*, 16 octets");
        add("hres-star", "TS 33.501 A.5", "none (SHA-256)", "HRES* / HXRES* (last 128 bits of SHA-256)", 16,
            List.of(rand, resStar),
            (kdf, a) -> kdf.hresStar(rand.octetsOf(a), resStar.octetsOf(a)));
        add("kseaf", "TS 33.501 A.6", hex(Fc.KSEAF), "KSEAF", 32,
            List.of(KAUSF, SNN),
            (kdf, a) -> kdf.kseaf(KAUSF.octetsOf(a), snn(a)));
        final Parameter kseaf = octets("kseaf", "KSEAF" + KEY_256);
        final Parameter abba = octets("abba", "ABBA, 1 to 255 octets (normally 0000)");
        add("kamf", "TS 33.501 A.7", hex(Fc.KAMF), "KAMF", 32,
            List.of(kseaf, SUPI, abba),
            (kdf, a) -> kdf.kamf(kseaf.octetsOf(a), supi(a), Abba.of(abba.octetsOf(a))));
        final Parameter algKey = octets("key", "KAMF for NAS keys, KgNB or KSN for RRC and UP keys" + KEY_256);
        add("alg-key", "TS 33.501 A.8", hex(Fc.ALGORITHM_KEY), "NAS, RRC or UP algorithm key (last 128 bits)", 16,
            List.of(algKey, DISTINGUISHER, ALG),
            (kdf, a) -> kdf.algorithmKey(algKey.octetsOf(a),
                DISTINGUISHER.choiceOf(a, AlgorithmTypeDistinguisher.class), ALG.intOf(a)));
        final Parameter access = choice("access", tokens(AccessType.class), "access type (3gpp: KgNB, non-3gpp: KN3IWF)");
        add("kgnb", "TS 33.501 A.9", hex(Fc.KGNB), "KgNB, KN3IWF, KTNGF, KTWIF, KWAGF", 32,
            List.of(KAMF, UL_COUNT, access),
            (kdf, a) -> kdf.kgnb(KAMF.octetsOf(a), UL_COUNT.longOf(a), access.choiceOf(a, AccessType.class)));
        add("nh", "TS 33.501 A.10", hex(Fc.NH), "NH", 32,
            List.of(KAMF, SYNC_INPUT),
            (kdf, a) -> kdf.nh(KAMF.octetsOf(a), SYNC_INPUT.octetsOf(a)));
        final Parameter ranKey = octets("key", "NH (vertical) or current KgNB/KeNB (horizontal)" + KEY_256);
        final Parameter pci = integer("pci", 0, Pci.MAX_NR, "target PCI (ng-enb: 0.." + Pci.MAX_EUTRA + ")");
        final Parameter arfcn = integer("arfcn", 0, NrArfcn.MAX_VALUE,
            "target NR-ARFCN of the SSB (ng-enb: EARFCN-DL 0.." + Earfcn.MAX_VALUE + ")");
        final Parameter target = choice("target", tokens(TargetNode.class), "target node");
        add("kng-ran-star", "TS 33.501 A.11, A.12", hex(Fc.KNG_RAN_STAR_GNB) + ", " + hex(Fc.KNG_RAN_STAR_NG_ENB),
            "KNG-RAN* for a target gNB or ng-eNB", 32,
            List.of(ranKey, pci, arfcn, target),
            (kdf, a) -> target.choiceOf(a, TargetNode.class) == TargetNode.GNB ?
                kdf.kngRanStarForGnb(ranKey.octetsOf(a), pci.intOf(a), arfcn.intOf(a)) :
                kdf.kngRanStarForNgEnb(ranKey.octetsOf(a),
                    Pci.checkEutra("pci", pci.intOf(a)), Earfcn.check("arfcn", arfcn.intOf(a))));
        final Parameter direction = choice("direction", tokens(MobilityMode.class),
            "idle (0x00, UL COUNT of the Registration Request) or handover (0x01, DL COUNT)");
        add("kamf-prime", "TS 33.501 A.13", hex(Fc.HORIZONTAL_KAMF), "KAMF' (horizontal KAMF derivation)", 32,
            List.of(KAMF, direction, COUNT),
            (kdf, a) -> kdf.horizontalKamf(KAMF.octetsOf(a), direction.choiceOf(a, MobilityMode.class), COUNT.longOf(a)));
        add("kasme-prime", "TS 33.501 A.14", hex(Fc.KASME_PRIME_IDLE) + ", " + hex(Fc.KASME_PRIME_HANDOVER),
            "KASME' from KAMF (idle: UL COUNT, handover: DL COUNT)", 32,
            List.of(KAMF, MODE, COUNT),
            (kdf, a) -> kdf.kasmePrime(KAMF.octetsOf(a), MODE.choiceOf(a, MobilityMode.class), COUNT.longOf(a)));
        final Parameter nh = octets("nh", "NH from the MME's context" + KEY_256);
        add("kamf-from-kasme", "TS 33.501 A.15", hex(Fc.KAMF_FROM_KASME_IDLE) + ", " + hex(Fc.KAMF_FROM_KASME_HANDOVER),
            "KAMF' from KASME (idle: UL COUNT of the TAU, handover: NH)", 32,
            List.of(KASME, MODE, COUNT.onlyWhen("mode idle"), nh.onlyWhen("mode handover")),
            DerivationCatalog::kamfFromKasme);
        final Parameter dcKey = octets("key", "KgNB of the MN gNB or KeNB of the MN ng-eNB" + KEY_256);
        final Parameter snCounter = integer("sn-counter", 0, Uint16.MAX_VALUE, "SN Counter");
        add("ksn", "TS 33.501 A.16", hex(Fc.KSN), "KSN (dual connectivity)", 32,
            List.of(dcKey, snCounter),
            (kdf, a) -> kdf.ksn(dcKey.octetsOf(a), snCounter.intOf(a)));
        final Parameter sorHeader = octets("sor-header", "SoR header, 1 or more octets");
        final Parameter counterSor = integer("counter-sor", 0, Uint16.MAX_VALUE, "CounterSoR");
        final Parameter sorContainer = octets("sor-container", "SoR transparent container octets beyond octet 22").optional();
        add("sor-mac-iausf", "TS 33.501 A.17", hex(Fc.SOR_MAC_IAUSF), "SoR-MAC-IAUSF (last 128 bits)", 16,
            List.of(KAUSF, sorHeader, counterSor, sorContainer),
            (kdf, a) -> kdf.sorMacIausf(KAUSF.octetsOf(a), sorHeader.octetsOf(a), counterSor.intOf(a),
                a.has(sorContainer.name()) ? sorContainer.octetsOf(a) : null));
        add("sor-mac-iue", "TS 33.501 A.18", hex(Fc.SOR_MAC_IUE), "SoR-MAC-IUE / SoR-XMAC-IUE (last 128 bits)", 16,
            List.of(KAUSF, counterSor),
            (kdf, a) -> kdf.sorMacIue(KAUSF.octetsOf(a), counterSor.intOf(a)));
        final Parameter upuData = octets("upu-data", "UE Parameters Update Data, 1 or more octets");
        final Parameter counterUpu = integer("counter-upu", 0, Uint16.MAX_VALUE, "CounterUPU");
        add("upu-mac-iausf", "TS 33.501 A.19", hex(Fc.UPU_MAC_IAUSF), "UPU-MAC-IAUSF (last 128 bits)", 16,
            List.of(KAUSF, upuData, counterUpu),
            (kdf, a) -> kdf.upuMacIausf(KAUSF.octetsOf(a), upuData.octetsOf(a), counterUpu.intOf(a)));
        add("upu-mac-iue", "TS 33.501 A.20", hex(Fc.UPU_MAC_IUE), "UPU-MAC-IUE / UPU-XMAC-IUE (last 128 bits)", 16,
            List.of(KAUSF, counterUpu),
            (kdf, a) -> kdf.upuMacIue(KAUSF.octetsOf(a), counterUpu.intOf(a)));
        add("kasme-srvcc", "TS 33.501 A.21", hex(Fc.KASME_SRVCC), "KASME_SRVCC (SRVCC to UTRAN)", 32,
            List.of(KAMF, DL_COUNT),
            (kdf, a) -> kdf.kasmeSrvcc(KAMF.octetsOf(a), DL_COUNT.longOf(a)));
        final Parameter tngfKey = octets("key", "KTNGF or KTWIF" + KEY_256);
        final Parameter usage = choice("usage", tokens(UsageTypeDistinguisher.class), "usage type (KTIPSec, KTNAP, KFT)");
        add("ktipsec-ktnap-kft", "TS 33.501 A.22", hex(Fc.KTIPSEC_KTNAP_KFT), "KTIPSec, KTNAP or KFT", 32,
            List.of(tngfKey, usage),
            (kdf, a) -> kdf.ktipsecKtnapKft(tngfKey.octetsOf(a), usage.choiceOf(a, UsageTypeDistinguisher.class)));
        final Parameter iabKey = octets("key", "KgNB, S-KgNB or KSN" + KEY_256);
        final Parameter donorCuIp = text("donor-cu-ip", "IAB-donor-CU IP address literal");
        final Parameter nodeDuIp = text("node-du-ip", "IAB-node DU IP address literal");
        add("kiab", "TS 33.501 A.23", hex(Fc.KIAB), "KIAB (IAB F1 PSK)", 32,
            List.of(iabKey, donorCuIp, nodeDuIp),
            (kdf, a) -> kdf.kiab(iabKey.octetsOf(a),
                IpAddress.parse(donorCuIp.name(), donorCuIp.textOf(a)), IpAddress.parse(nodeDuIp.name(), nodeDuIp.textOf(a))));
        add("kakma", "TS 33.535 A.2", hex(Fc.KAKMA), "KAKMA", 32,
            List.of(KAUSF, SUPI),
            (kdf, a) -> kdf.kakma(KAUSF.octetsOf(a), supi(a)));
        add("a-tid", "TS 33.535 A.3", hex(Fc.A_TID), "A-TID", 32,
            List.of(KAUSF, SUPI),
            (kdf, a) -> kdf.aTid(KAUSF.octetsOf(a), supi(a)));
        final Parameter kakma = octets("kakma", "KAKMA" + KEY_256);
        final Parameter afId = octets("af-id", "AF_ID: FQDN of the AF then the Ua* security protocol identifier");
        add("kaf", "TS 33.535 A.4", hex(Fc.KAF), "KAF", 32,
            List.of(kakma, afId),
            (kdf, a) -> kdf.kaf(kakma.octetsOf(a), AfId.of(afId.octetsOf(a))));

        // TS 33.401
        final Parameter mcc = text("mcc", "MCC, 3 digits");
        final Parameter mnc = text("mnc", "MNC, 2 or 3 digits");
        add("eps-kasme", "TS 33.401 A.2", hex(Fc.EPS_KASME), "KASME", 32,
            List.of(CK, IK, mcc, mnc, SQN_XOR_AK),
            (kdf, a) -> kdf.epsKasme(CK.octetsOf(a), IK.octetsOf(a),
                PlmnId.of(mcc.textOf(a), mnc.textOf(a)), SQN_XOR_AK.octetsOf(a)));
        add("kenb", "TS 33.401 A.3", hex(Fc.KENB), "KeNB", 32,
            List.of(KASME, UL_COUNT),
            (kdf, a) -> kdf.kenb(KASME.octetsOf(a), UL_COUNT.longOf(a)));
        add("eps-nh", "TS 33.401 A.4", hex(Fc.EPS_NH), "NH (EPS)", 32,
            List.of(KASME, SYNC_INPUT),
            (kdf, a) -> kdf.epsNh(KASME.octetsOf(a), SYNC_INPUT.octetsOf(a)));
        final Parameter enbKey = octets("key", "NH (vertical) or current KeNB (horizontal)" + KEY_256);
        final Parameter epsPci = integer("pci", 0, Pci.MAX_EUTRA, "target E-UTRA PCI");
        final Parameter earfcn = integer("earfcn", 0, Earfcn.MAX_VALUE, "target EARFCN-DL (2 octets up to 65535, else 3)");
        add("kenb-star", "TS 33.401 A.5", hex(Fc.KENB_STAR), "KeNB*", 32,
            List.of(enbKey, epsPci, earfcn),
            (kdf, a) -> kdf.kenbStar(enbKey.octetsOf(a), epsPci.intOf(a), earfcn.intOf(a)));
        final Parameter epsAlgKey = octets("key", "KASME for NAS keys, KeNB for RRC and UP keys" + KEY_256);
        add("eps-alg-key", "TS 33.401 A.7", hex(Fc.EPS_ALGORITHM_KEY), "EPS NAS, RRC or UP algorithm key (last 128 bits)", 16,
            List.of(epsAlgKey, DISTINGUISHER, ALG),
            (kdf, a) -> kdf.epsAlgorithmKey(epsAlgKey.octetsOf(a),
                DISTINGUISHER.choiceOf(a, AlgorithmTypeDistinguisher.class), ALG.intOf(a)));
        add("eps-ck-ik-handover", "TS 33.401 A.8", hex(Fc.EPS_CK_IK_HANDOVER), "CK' then IK' at handover to UTRAN", 32,
            List.of(KASME, DL_COUNT),
            (kdf, a) -> kdf.epsCkIkHandover(KASME.octetsOf(a), DL_COUNT.longOf(a)));
        final Parameter nonceUe = octets("nonce-ue", "NONCE_UE, 4 octets");
        final Parameter nonceMme = octets("nonce-mme", "NONCE_MME, 4 octets");
        add("eps-kasme-idle", "TS 33.401 A.11", hex(Fc.EPS_KASME_IDLE), "K'ASME at idle mobility from UTRAN", 32,
            List.of(CK, IK, nonceUe, nonceMme),
            (kdf, a) -> kdf.epsKasmeIdle(CK.octetsOf(a), IK.octetsOf(a), nonceUe.octetsOf(a), nonceMme.octetsOf(a)));
        add("eps-ck-ik-idle", "TS 33.401 A.13", hex(Fc.EPS_CK_IK_IDLE), "CK' then IK' at idle mobility to UTRAN", 32,
            List.of(KASME, UL_COUNT),
            (kdf, a) -> kdf.epsCkIkIdle(KASME.octetsOf(a), UL_COUNT.longOf(a)));
        final Parameter kenb = octets("kenb", "KeNB of the MeNB" + KEY_256);
        final Parameter scgCounter = integer("counter", 0, Uint16.MAX_VALUE, "SCG Counter");
        add("s-kenb", "TS 33.401 (dual connectivity)", hex(Fc.S_KENB), "S-KeNB / S-KgNB", 32,
            List.of(kenb, scgCounter),
            (kdf, a) -> kdf.sKenb(kenb.octetsOf(a), scgCounter.intOf(a)));

        // TS 33.220
        final Parameter genericKey = octets("key", "the key, 1 or more octets");
        final Parameter fc = integer("fc", 0, 0xFFFF, "FC: 0..254, or 65280..65535 for 0xFF || FC2");
        final Parameter params = octetsList("param", "params", "P0..Pn in order, each 0..65535 octets (repeat the option)");
        add("generic", "TS 33.220 B.2", "any", "the generic KDF: HMAC-SHA-256(key, FC || P0 || L0 || ...)", 32,
            List.of(genericKey, fc, params),
            (kdf, a) -> kdf.generic(genericKey.octetsOf(a), fc.intOf(a),
                a.octetsList(params.name()).toArray(new byte[0][])));
    }

    private DerivationCatalog()
    {
    }

    /**
     * @return every derivation, in the order of the README table.
     */
    public static List<Derivation> all()
    {
        return Collections.unmodifiableList(new ArrayList<>(DERIVATIONS.values()));
    }

    /**
     * @param name e.g. {@code kgnb}.
     * @return the derivation of that name.
     */
    public static Optional<Derivation> find(final String name)
    {
        return Optional.ofNullable(DERIVATIONS.get(name));
    }

    /**
     * Runs a derivation by name.
     *
     * @param kdf       the KDF to derive with.
     * @param name      e.g. {@code kgnb}.
     * @param arguments the parameter values.
     * @return the derived value.
     * @throws InvalidParameterException naming {@code derive} when the name is unknown, else naming the
     *                                   parameter that is missing or invalid.
     */
    public static byte[] derive(final Kdf kdf, final String name, final Arguments arguments)
    {
        final Derivation derivation = DERIVATIONS.get(name);
        if (derivation == null)
        {
            throw new InvalidParameterException(
                "derive", name == null ? "missing" : InvalidParameterException.quote(name) + " is not a derivation",
                String.join(", ", DERIVATIONS.keySet()));
        }
        return derivation.derive(kdf, arguments);
    }

    private static byte[] kamfFromKasme(final Kdf kdf, final Arguments a)
    {
        final byte[] kasme = KASME.octetsOf(a);
        if (MODE.choiceOf(a, MobilityMode.class) == MobilityMode.IDLE)
        {
            if (a.has("nh"))
            {
                throw new InvalidParameterException("nh", "not used with mode idle", "mode idle takes count");
            }
            return kdf.kamfFromKasmeIdle(kasme, COUNT.longOf(a));
        }
        if (a.has("count"))
        {
            throw new InvalidParameterException("count", "not used with mode handover", "mode handover takes nh");
        }
        return kdf.kamfFromKasmeHandover(kasme, a.octets("nh"));
    }

    private static ServingNetworkName snn(final Arguments a)
    {
        return ServingNetworkName.parse(SNN.name(), SNN.textOf(a));
    }

    private static Supi supi(final Arguments a)
    {
        return Supi.parse(SUPI.name(), SUPI.textOf(a));
    }

    private static void add(
        final String name, final String clause, final String fc, final String summary, final int outputLength,
        final List<Parameter> parameters, final Derivation.Invoker invoker)
    {
        DERIVATIONS.put(name, new Derivation(name, clause, fc, summary, List.copyOf(parameters), outputLength, invoker));
    }

    private static String hex(final int fc)
    {
        return String.format("0x%02X", fc);
    }

    private static <E extends Enum<E> & Token> List<String> tokens(final Class<E> type)
    {
        return Arrays.stream(type.getEnumConstants()).map(Token::token).toList();
    }
}

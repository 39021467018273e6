package org.amfkeys.kdf;

/**
 * Function codes (FC) of the TS 33.220 B.2 key derivation function, one per derivation amfkeys
 * implements. The FC number space is administered by TS 33.220 B.2.2.
 */
public final class Fc
{
    /** TS 33.401 A.2: KASME from CK, IK and the SN id. */
    public static final int EPS_KASME = 0x10;
    /** TS 33.401 A.3: KeNB from KASME and the uplink NAS COUNT. */
    public static final int KENB = 0x11;
    /** TS 33.401 A.4: NH from KASME and SYNC-input. */
    public static final int EPS_NH = 0x12;
    /** TS 33.401 A.5: KeNB* from NH or KeNB, PCI and EARFCN-DL. */
    public static final int KENB_STAR = 0x13;
    /** TS 33.401 A.7: EPS NAS, RRC and UP algorithm keys. */
    public static final int EPS_ALGORITHM_KEY = 0x15;
    /** TS 33.401 A.8: CK', IK' from KASME at handover to UTRAN. */
    public static final int EPS_CK_IK_HANDOVER = 0x16;
    /** TS 33.401 A.11: K'ASME from CK, IK at idle mobility from UTRAN. */
    public static final int EPS_KASME_IDLE = 0x19;
    /** TS 33.401 A.13: CK', IK' from KASME at idle mobility to UTRAN. */
    public static final int EPS_CK_IK_IDLE = 0x1B;
    /** TS 33.401 (dual connectivity): S-KeNB / S-KgNB from KeNB and the SCG Counter. */
    public static final int S_KENB = 0x1C;
    /** TS 33.402 A.2, used by TS 33.501 A.3: CK', IK' for EAP-AKA'. */
    public static final int CK_IK_PRIME = 0x20;
    /** TS 33.501 A.8: NAS, RRC and UP algorithm keys. */
    public static final int ALGORITHM_KEY = 0x69;
    /** TS 33.501 A.2: KAUSF (5G AKA). */
    public static final int KAUSF = 0x6A;
    /** TS 33.501 A.4: RES* and XRES*. */
    public static final int RES_STAR = 0x6B;
    /** TS 33.501 A.6: KSEAF. */
    public static final int KSEAF = 0x6C;
    /** TS 33.501 A.7: KAMF. */
    public static final int KAMF = 0x6D;
    /** TS 33.501 A.9: KgNB, KN3IWF, KTNGF, KTWIF, KWAGF. */
    public static final int KGNB = 0x6E;
    /** TS 33.501 A.10: NH. */
    public static final int NH = 0x6F;
    /** TS 33.501 A.11: KNG-RAN* for a target gNB. */
    public static final int KNG_RAN_STAR_GNB = 0x70;
    /** TS 33.501 A.12: KNG-RAN* for a target ng-eNB. */
    public static final int KNG_RAN_STAR_NG_ENB = 0x71;
    /** TS 33.501 A.13: KAMF' from KAMF (horizontal derivation). */
    public static final int HORIZONTAL_KAMF = 0x72;
    /** TS 33.501 A.14.1: KASME' from KAMF at idle mobility. */
    public static final int KASME_PRIME_IDLE = 0x73;
    /** TS 33.501 A.14.2: KASME' from KAMF at handover. */
    public static final int KASME_PRIME_HANDOVER = 0x74;
    /** TS 33.501 A.15.1: KAMF' from KASME at idle mobility. */
    public static final int KAMF_FROM_KASME_IDLE = 0x75;
    /** TS 33.501 A.15.2: KAMF' from KASME at handover. */
    public static final int KAMF_FROM_KASME_HANDOVER = 0x76;
    /** TS 33.501 A.17: SoR-MAC-IAUSF. */
    public static final int SOR_MAC_IAUSF = 0x77;
    /** TS 33.501 A.18: SoR-MAC-IUE / SoR-XMAC-IUE. */
    public static final int SOR_MAC_IUE = 0x78;
    /** TS 33.501 A.16: KSN. */
    public static final int KSN = 0x79;
    /** TS 33.501 A.19: UPU-MAC-IAUSF. */
    public static final int UPU_MAC_IAUSF = 0x7B;
    /** TS 33.501 A.20: UPU-MAC-IUE / UPU-XMAC-IUE. */
    public static final int UPU_MAC_IUE = 0x7C;
    /** TS 33.501 A.21: KASME_SRVCC. */
    public static final int KASME_SRVCC = 0x7D;
    /** TS 33.535 A.2: KAKMA. */
    public static final int KAKMA = 0x80;
    /** TS 33.535 A.3: A-TID. */
    public static final int A_TID = 0x81;
    /** TS 33.535 A.4: KAF. */
    public static final int KAF = 0x82;
    /** TS 33.501 A.23: KIAB. */
    public static final int KIAB = 0x83;
    /** TS 33.501 A.22: KTIPSec, KTNAP, KFT. */
    public static final int KTIPSEC_KTNAP_KFT = 0x84;

    /** First octet of a two-octet FC, {@code 0xFF || FC2} (TS 33.220 B.2.2). */
    public static final int EXTENSION_PREFIX = 0xFF;

    private Fc()
    {
    }
}

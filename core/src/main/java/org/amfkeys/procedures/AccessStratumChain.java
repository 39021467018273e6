package org.amfkeys.procedures;

import org.amfkeys.hmac.KeySchedule;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.types.AccessType;

/**
 * The key chain below a core network's root key, for one system: the initial base-station key, the
 * NH chain and the handover key, and the NAS algorithm keys. 5GS and EPS follow the same model
 * (TS 33.501 6.9.2.1.1, TS 33.401 7.2.8.1) with their own FC values, so every procedure is written once
 * against this interface.
 */
public enum AccessStratumChain
{
    /** 5GS: KAMF, KgNB (A.9), NH (A.10), KNG-RAN* for a gNB (A.11), NAS keys (A.8). */
    NR
    {
        public void initialKey(final Kdf kdf, final KeySchedule root, final long ulCount, final byte[] out)
        {
            kdf.kgnb(root, ulCount, AccessType.THREE_GPP, out, 0);
        }

        public void nextHop(final Kdf kdf, final KeySchedule root, final byte[] sync, final byte[] out)
        {
            kdf.nh(root, sync, out, 0);
        }

        public void handoverKey(final Kdf kdf, final KeySchedule key, final int pci, final int arfcn, final byte[] out)
        {
            kdf.kngRanStarForGnb(key, pci, arfcn, out, 0);
        }

        public void nasKeys(
            final Kdf kdf, final KeySchedule root, final int ciphering, final int integrity, final byte[] encryptionKey,
            final byte[] integrityKey)
        {
            kdf.nasKeys(root, ciphering, integrity, encryptionKey, integrityKey);
        }
    },

    /** EPS: KASME, KeNB (TS 33.401 A.3), NH (A.4), KeNB* (A.5), NAS keys (A.7). */
    E_UTRA
    {
        public void initialKey(final Kdf kdf, final KeySchedule root, final long ulCount, final byte[] out)
        {
            kdf.kenb(root, ulCount, out, 0);
        }

        public void nextHop(final Kdf kdf, final KeySchedule root, final byte[] sync, final byte[] out)
        {
            kdf.epsNh(root, sync, out, 0);
        }

        public void handoverKey(final Kdf kdf, final KeySchedule key, final int pci, final int arfcn, final byte[] out)
        {
            kdf.kenbStar(key, pci, arfcn, out, 0);
        }

        public void nasKeys(
            final Kdf kdf, final KeySchedule root, final int ciphering, final int integrity, final byte[] encryptionKey,
            final byte[] integrityKey)
        {
            kdf.epsNasKeys(root, ciphering, integrity, encryptionKey, integrityKey);
        }
    };

    /** UL NAS COUNT of the temporary KgNB or KeNB after a key change at handover: 2^32-1. */
    public static final long HANDOVER_UPLINK_COUNT = 0xFFFF_FFFFL;

    /** Octets of a NAS algorithm key: the last 128 bits of the KDF output. */
    public static final int NAS_KEY_LENGTH = Kdf.LOW_128_LENGTH;

    /**
     * The initial KgNB or KeNB, bound to the virtual NH of NCC 0.
     *
     * @param kdf     derives the key.
     * @param root    the key schedule of KAMF (KASME).
     * @param ulCount the UL NAS COUNT it is bound to, 0..2^32-1.
     * @param out     receives the key, 32 octets.
     */
    public abstract void initialKey(Kdf kdf, KeySchedule root, long ulCount, byte[] out);

    /**
     * The next NH of the chain from its SYNC-input (the initial key, then each previous NH).
     *
     * @param kdf  derives the key.
     * @param root the key schedule of KAMF (KASME).
     * @param sync the SYNC-input, 32 octets.
     * @param out  receives NH, 32 octets; may be {@code sync}.
     */
    public abstract void nextHop(Kdf kdf, KeySchedule root, byte[] sync, byte[] out);

    /**
     * KNG-RAN* or KeNB* for a target cell, from NH (vertical) or the current key (horizontal).
     *
     * @param kdf   derives the key.
     * @param key   the key schedule of NH or of the current KgNB (KeNB).
     * @param pci   the target cell's PCI.
     * @param arfcn the target cell's ARFCN-DL (EARFCN-DL).
     * @param out   receives the key, 32 octets.
     */
    public abstract void handoverKey(Kdf kdf, KeySchedule key, int pci, int arfcn, byte[] out);

    /**
     * Both NAS algorithm keys, 16 octets each, derived together.
     *
     * @param kdf           derives the keys.
     * @param root          the key schedule of KAMF (KASME).
     * @param ciphering     the NAS ciphering algorithm identity, 0..15.
     * @param integrity     the NAS integrity algorithm identity, 0..15.
     * @param encryptionKey receives KNASenc.
     * @param integrityKey  receives KNASint.
     */
    public abstract void nasKeys(
        Kdf kdf, KeySchedule root, int ciphering, int integrity, byte[] encryptionKey, byte[] integrityKey);

    /**
     * @return "5gs" or "eps".
     */
    public String system()
    {
        return this == NR ? "5gs" : "eps";
    }
}

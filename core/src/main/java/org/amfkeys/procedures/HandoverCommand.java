package org.amfkeys.procedures;

/**
 * What the UE learns of its new keys from a handover command (RRC reconfiguration with sync, or the
 * mobility command of an inter-system handover): the target cell, NCC, keySetChangeIndicator and the
 * NAS container that a core network adds when the handover changes the root key. The UE derives every
 * key from these fields and its own state, never from a key sent to it.
 */
public final class HandoverCommand implements KeyCarrier
{
    /** NAS container: none. */
    public static final int NO_NAS_CONTAINER = 0;

    /** NAS container with K_AMF_change_flag: KAMF' = A.13(KAMF, DIRECTION 0x01, {@link #nasCount()}). */
    public static final int HORIZONTAL_KAMF = 1;

    /** 5GS to EPS: KASME' = A.14.2(KAMF, {@link #nasCount()} as DL NAS COUNT). */
    public static final int TO_EPS = 2;

    /** EPS to 5GS: KAMF' = A.15.2(KASME, the NH of {@link #nasNcc()}). */
    public static final int TO_5GS = 3;

    /** NAS container of an AMF change that keeps KAMF: only the DL NAS COUNT {@link #nasCount()}. */
    public static final int SAME_KAMF = 4;

    private AccessStratumChain target = AccessStratumChain.NR;
    private int pci;
    private int arfcn;
    private int ncc;
    private boolean keySetChangeIndicator;
    private int nasContainer;
    private long nasCount;
    private int nasNcc;

    /**
     * @return the target cell's system.
     */
    public AccessStratumChain target()
    {
        return target;
    }

    /**
     * @return the target PCI.
     */
    public int pci()
    {
        return pci;
    }

    /**
     * @return the target ARFCN-DL (EARFCN-DL for E-UTRA).
     */
    public int arfcn()
    {
        return arfcn;
    }

    /**
     * @return NCC of the target's key.
     */
    public int ncc()
    {
        return ncc;
    }

    /**
     * @return keySetChangeIndicator: the target key descends from a new initial key (NCC 0).
     */
    public boolean keySetChangeIndicator()
    {
        return keySetChangeIndicator;
    }

    /**
     * @return {@link #NO_NAS_CONTAINER}, {@link #HORIZONTAL_KAMF}, {@link #TO_EPS}, {@link #TO_5GS} or
     *         {@link #SAME_KAMF}.
     */
    public int nasContainer()
    {
        return nasContainer;
    }

    /**
     * @return the NAS COUNT the new root key was derived with.
     */
    public long nasCount()
    {
        return nasCount;
    }

    /**
     * @return for {@link #TO_5GS}: NCC of the NH KAMF' was derived from.
     */
    public int nasNcc()
    {
        return nasNcc;
    }

    /**
     * Empties the command, before a node starts building it.
     */
    public void clear()
    {
        set(AccessStratumChain.NR, 0, 0, 0, false);
        nasContainer(NO_NAS_CONTAINER, 0, 0);
    }

    /**
     * Sets the target cell and its key's NCC; the NAS container is left as the core network built it.
     *
     * @param target                the target's system: NR for a gNB, E-UTRA for an eNB.
     * @param pci                   the target cell's PCI.
     * @param arfcn                 the target cell's ARFCN-DL (EARFCN-DL).
     * @param ncc                   the NCC of the key the target uses, 0..7.
     * @param keySetChangeIndicator whether the target takes a new KgNB into use (the NSCI).
     */
    public void set(
        final AccessStratumChain target, final int pci, final int arfcn, final int ncc,
        final boolean keySetChangeIndicator)
    {
        this.target = target;
        this.pci = pci;
        this.arfcn = arfcn;
        this.ncc = ncc;
        this.keySetChangeIndicator = keySetChangeIndicator;
    }

    /**
     * Makes this command a copy of {@code other}, NAS container included: for a simulation that keeps
     * a handover in flight across steps and must be able to put it back.
     *
     * @param other the command to copy.
     */
    public void copyFrom(final HandoverCommand other)
    {
        set(other.target, other.pci, other.arfcn, other.ncc, other.keySetChangeIndicator);
        nasContainer(other.nasContainer, other.nasCount, other.nasNcc);
    }

    /**
     * Adds the NAS container a core network built for this handover.
     *
     * @param kind     {@link #HORIZONTAL_KAMF}, {@link #TO_EPS} or {@link #TO_5GS}.
     * @param count    the NAS COUNT of the derivation.
     * @param ncc      the NCC of the NH used ({@link #TO_5GS}).
     */
    void nasContainer(final int kind, final long count, final int ncc)
    {
        this.nasContainer = kind;
        this.nasCount = count;
        this.nasNcc = ncc;
    }

    public String toString()
    {
        return "HandoverCommand[target=" + target.system() + ", pci=" + pci + ", arfcn=" + arfcn + ", ncc=" + ncc +
            ", keySetChangeIndicator=" + keySetChangeIndicator + ", nasContainer=" + nasContainer + "]";
    }
}

package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.kdf.Kdf;
import org.amfkeys.procedures.KeyCarrier;
import org.amfkeys.procedures.ProcedureNotAllowedException;
import org.amfkeys.types.NgKsi;

import java.util.Arrays;

/**
 * The KAMF' a source AMF prepared in advance for up to {@value #MAX_CANDIDATES} candidate target AMFs
 * ({@link KeyChangeVariant#CANDIDATE_AMFS}), each bound to its candidate's GUAMI and one KDP.
 * <p>
 * No key leaves the set except through {@link #choose}: it hands the chosen AMF's key, and only that
 * one, to a {@link KeyChangeTransfer}, and zeroes every key of the set at once, so the keys of the
 * AMFs not chosen are never delivered nor kept. {@link #discard()} zeroes them when no AMF is chosen.
 * <p>
 * Reused by its owner from call to call. Not thread-safe. {@link #toString()} shows no key material.
 */
public final class CandidateKeySet implements KeyCarrier
{
    /** Most candidate AMFs in one set. */
    public static final int MAX_CANDIDATES = 8;

    private final byte[] keys = new byte[MAX_CANDIDATES * Kdf.KEY_LENGTH];
    private final Guami[] targets = new Guami[MAX_CANDIDATES];
    private int count;
    private boolean prepared;
    private Guami chosen;
    private KeyChangeIndication kci = KeyChangeIndication.none();
    private int ngKsi = NgKsi.NO_KEY;
    private int ciphering;
    private int integrity;
    private int ueSecurityCapabilities;

    /**
     * @return whether the set holds prepared keys, none of them chosen or discarded yet.
     */
    public boolean isPrepared()
    {
        return prepared;
    }

    /**
     * @return the number of candidates of the last preparation.
     */
    public int count()
    {
        return count;
    }

    /**
     * @param index 0..count-1.
     * @return the GUAMI of that candidate.
     */
    public Guami target(final int index)
    {
        InvalidParameterException.requireInRange("candidate-index", index, 0, count - 1);
        return targets[index];
    }

    /**
     * @return the AMF chosen from the last preparation, or null.
     */
    public Guami chosen()
    {
        return chosen;
    }

    /**
     * @return the KCI that goes with every key of the set.
     */
    public KeyChangeIndication kci()
    {
        return kci;
    }

    /**
     * Hands the chosen AMF's key to {@code transfer} and zeroes every key of the set.
     *
     * @param targetAmf the AMF chosen: one of the candidates.
     * @param transfer  receives that AMF's KAMF' and the context for it.
     * @throws ProcedureNotAllowedException when the set holds no prepared keys (none prepared, or
     *                                      already chosen or discarded); nothing changes then.
     * @throws InvalidParameterException    naming {@code target-amf} when it is not a candidate; nothing
     *                                      changes then.
     */
    public void choose(final Guami targetAmf, final KeyChangeTransfer transfer)
    {
        if (!prepared)
        {
            throw new ProcedureNotAllowedException("choose-candidate",
                "no prepared candidate keys: none were prepared, or they were already chosen or discarded");
        }
        if (transfer == null)
        {
            throw InvalidParameterException.missing("transfer", "a KeyChangeTransfer");
        }
        final int index = indexOf(targetAmf);
        if (index < 0)
        {
            throw new InvalidParameterException("target-amf", targetAmf == null ? "missing" : targetAmf + " is not a candidate",
                "one of the " + count + " candidates " + Arrays.toString(Arrays.copyOf(targets, count)));
        }
        transfer.set(keys, index * Kdf.KEY_LENGTH, targetAmf, kci, ngKsi, ciphering, integrity, ueSecurityCapabilities);
        chosen = targetAmf;
        discard();
    }

    /**
     * Zeroes every key, as {@link #discard()} does: a refused preparation leaves no key behind.
     */
    public void clear()
    {
        discard();
    }

    /**
     * Zeroes every key: no candidate is chosen (the UE stayed, or the preparation is stale).
     */
    public void discard()
    {
        Arrays.fill(keys, (byte)0);
        prepared = false;
    }

    /**
     * Key-hygiene audit: whether the set's key memory holds {@code key} at a key position.
     *
     * @param key a 32-octet key.
     * @return true when some slot of the set holds it.
     */
    public boolean containsKey(final byte[] key)
    {
        if (key == null || key.length != Kdf.KEY_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < MAX_CANDIDATES; i++)
        {
            if (Arrays.equals(keys, i * Kdf.KEY_LENGTH, (i + 1) * Kdf.KEY_LENGTH, key, 0, Kdf.KEY_LENGTH))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return whether every octet of the key memory is zero.
     */
    public boolean isZeroed()
    {
        for (final byte octet : keys)
        {
            if (octet != 0)
            {
                return false;
            }
        }
        return true;
    }

    int indexOf(final Guami targetAmf)
    {
        for (int i = 0; i < count; i++)
        {
            if (targets[i].equals(targetAmf))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return the key memory, candidate i at {@code i * 32}.
     */
    byte[] keyArray()
    {
        return keys;
    }

    /**
     * Starts a preparation: zeroes what is left of the last one and records the candidates.
     */
    void begin(final Guami[] candidates, final int candidateCount)
    {
        discard();
        Arrays.fill(targets, null);
        System.arraycopy(candidates, 0, targets, 0, candidateCount);
        count = candidateCount;
        chosen = null;
    }

    void prepared(
        final KeyChangeIndication kci, final int ngKsi, final int ciphering, final int integrity,
        final int ueSecurityCapabilities)
    {
        this.kci = kci;
        this.ngKsi = ngKsi;
        this.ciphering = ciphering;
        this.integrity = integrity;
        this.ueSecurityCapabilities = ueSecurityCapabilities;
        this.prepared = true;
    }

    public String toString()
    {
        return "CandidateKeySet[candidates=" + count + ", " + (prepared ? "prepared" : "no keys") +
            (chosen == null ? "" : ", chosen=" + chosen) + ", " + kci + "]";
    }
}

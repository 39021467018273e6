package org.amfkeys.sim;

/**
 * What a {@link org.amfkeys.procedures.keychange.KeyChangeCommand KeyChangeCommand} changed in the UE's
 * NAS security context, as {@link UeMirror#keyChangeCommand} reports it.
 */
public enum KeyChangeOutcome
{
    /** KAMF' replaced KAMF; the NAS algorithms stayed. */
    KEY_CHANGED,
    /** New NAS algorithms for the same KAMF. */
    ALGORITHMS_CHANGED,
    /** KAMF' replaced KAMF and new NAS algorithms were taken. */
    KEY_AND_ALGORITHMS_CHANGED;

    /**
     * @param keyChanged         whether KAMF' replaced KAMF.
     * @param algorithmsIncluded whether new NAS algorithms were taken.
     * @return the outcome of that pair; at least one of them is true for an accepted command.
     */
    public static KeyChangeOutcome of(final boolean keyChanged, final boolean algorithmsIncluded)
    {
        if (keyChanged)
        {
            return algorithmsIncluded ? KEY_AND_ALGORITHMS_CHANGED : KEY_CHANGED;
        }
        return ALGORITHMS_CHANGED;
    }
}

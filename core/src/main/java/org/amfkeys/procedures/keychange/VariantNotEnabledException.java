package org.amfkeys.procedures.keychange;

/**
 * A call or a received message needs a {@link KeyChangeVariant} that the {@link KeyChangeOptions}
 * in force leave off. Nothing has changed when it is thrown.
 */
public final class VariantNotEnabledException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** The variant the call or message needs, which is off. */
    private final KeyChangeVariant variant;

    /**
     * @param procedure the procedure asked for.
     * @param variant   the variant it needs.
     */
    public VariantNotEnabledException(final String procedure, final KeyChangeVariant variant)
    {
        super(procedure + ": needs " + variant.token() + ", a key change variant outside 3GPP that is not enabled");
        this.variant = variant;
    }

    /**
     * @return the variant that is off.
     */
    public KeyChangeVariant variant()
    {
        return variant;
    }
}

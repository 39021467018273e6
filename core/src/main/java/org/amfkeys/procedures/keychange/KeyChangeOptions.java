package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which key change variants from outside 3GPP a node (AMF or UE) runs. The default,
 * {@link #THREE_GPP_ONLY}, enables none: every variant call is refused with
 * {@link VariantNotEnabledException}, so nothing beyond TS 33.501 happens unless an operator opts in.
 * <p>
 * {@link KeyChangeVariant#CANDIDATE_AMFS} and {@link KeyChangeVariant#IMPLICIT_KCI} build on the
 * KDP-bound derivation and need {@link KeyChangeVariant#KDP_BOUND_KAMF} enabled too.
 * Immutable.
 */
public final class KeyChangeOptions
{
    /** No variant: plain 3GPP behaviour. */
    public static final KeyChangeOptions THREE_GPP_ONLY = new KeyChangeOptions(EnumSet.noneOf(KeyChangeVariant.class));

    private final Set<KeyChangeVariant> enabled;

    private KeyChangeOptions(final EnumSet<KeyChangeVariant> enabled)
    {
        this.enabled = enabled;
    }

    /**
     * @param variants the variants to enable; none gives {@link #THREE_GPP_ONLY}.
     * @return the options.
     * @throws InvalidParameterException when a variant is null, or one that builds on
     *                                   {@link KeyChangeVariant#KDP_BOUND_KAMF} is enabled without it.
     */
    public static KeyChangeOptions of(final KeyChangeVariant... variants)
    {
        if (variants == null)
        {
            throw InvalidParameterException.missing("options", "a list of key change variants");
        }
        final EnumSet<KeyChangeVariant> set = EnumSet.noneOf(KeyChangeVariant.class);
        for (final KeyChangeVariant variant : variants)
        {
            if (variant == null)
            {
                throw InvalidParameterException.missing("options", allowed());
            }
            set.add(variant);
        }
        for (final KeyChangeVariant needsBase : new KeyChangeVariant[] {KeyChangeVariant.CANDIDATE_AMFS, KeyChangeVariant.IMPLICIT_KCI})
        {
            if (set.contains(needsBase) && !set.contains(KeyChangeVariant.KDP_BOUND_KAMF))
            {
                throw new InvalidParameterException("options", needsBase.token() + " without " +
                    KeyChangeVariant.KDP_BOUND_KAMF.token(), KeyChangeVariant.KDP_BOUND_KAMF.token() + " whenever " +
                    KeyChangeVariant.CANDIDATE_AMFS.token() + " or " + KeyChangeVariant.IMPLICIT_KCI.token() + " is enabled");
            }
        }
        return set.isEmpty() ? THREE_GPP_ONLY : new KeyChangeOptions(set);
    }

    /**
     * @return options with every variant enabled.
     */
    public static KeyChangeOptions all()
    {
        return of(KeyChangeVariant.values());
    }

    /**
     * @param variant a variant.
     * @return whether it is enabled.
     */
    public boolean enabled(final KeyChangeVariant variant)
    {
        return enabled.contains(variant);
    }

    /**
     * Refuses a procedure that needs a variant which is off.
     *
     * @param variant   the variant needed.
     * @param procedure the procedure, for the message.
     * @throws VariantNotEnabledException when the variant is off.
     */
    public void require(final KeyChangeVariant variant, final String procedure)
    {
        if (!enabled.contains(variant))
        {
            throw new VariantNotEnabledException(procedure, variant);
        }
    }

    /**
     * @return e.g. {@code KeyChangeOptions[kdp-bound-kamf, implicit-kci]}.
     */
    public String toString()
    {
        return "KeyChangeOptions" + enabled.stream().map(KeyChangeVariant::token).collect(Collectors.toList());
    }

    private static String allowed()
    {
        return Arrays.stream(KeyChangeVariant.values()).map(KeyChangeVariant::token).collect(Collectors.joining(", "));
    }
}

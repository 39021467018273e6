package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.types.Token;

/**
 * The key change indication (KCI) as it travels: a key change flag, and the KDP when one is sent.
 * The pair says what the UE must do:
 * <table>
 *     <caption>KCI forms</caption>
 *     <tr><th>flag</th><th>KDP</th><th>{@link Form}</th><th>UE</th></tr>
 *     <tr><td>set</td><td>sent</td><td>{@link Form#EXPLICIT}</td><td>derives KAMF' with the KDP sent</td></tr>
 *     <tr><td>set</td><td>absent</td><td>{@link Form#EXPLICIT_WITHOUT_KDP}</td><td>derives KAMF' with
 *     the static data KDP it is configured with</td></tr>
 *     <tr><td>clear</td><td>sent</td><td>{@link Form#IMPLICIT}</td><td>the KDP itself signals the change
 *     (only when {@link KeyChangeVariant#IMPLICIT_KCI} is enabled)</td></tr>
 *     <tr><td>clear</td><td>absent</td><td>{@link Form#NONE}</td><td>keeps its KAMF</td></tr>
 * </table>
 * Immutable.
 */
public final class KeyChangeIndication
{
    /** How a key change is signalled. */
    public enum Form implements Token
    {
        /** No key change. */
        NONE("none"),
        /** The flag and the KDP. */
        EXPLICIT("explicit"),
        /** The flag alone: the KDP is static data the UE already knows. */
        EXPLICIT_WITHOUT_KDP("explicit-without-kdp"),
        /** The KDP alone. */
        IMPLICIT("implicit");

        private final String token;

        Form(final String token)
        {
            this.token = token;
        }

        /**
         * @return e.g. {@code implicit}.
         */
        public String token()
        {
            return token;
        }
    }

    private static final KeyChangeIndication NONE = new KeyChangeIndication(false, null);
    private static final KeyChangeIndication FLAG_ONLY = new KeyChangeIndication(true, null);

    private final boolean keyChangeFlag;
    private final KeyDerivationParameter kdp;

    private KeyChangeIndication(final boolean keyChangeFlag, final KeyDerivationParameter kdp)
    {
        this.keyChangeFlag = keyChangeFlag;
        this.kdp = kdp;
    }

    /**
     * The KCI a source AMF sends for a key derived with {@code kdp}.
     *
     * @param form how to signal the change: {@link Form#EXPLICIT}, {@link Form#EXPLICIT_WITHOUT_KDP}
     *             (only for a {@link KeyDerivationParameter.Kind#STATIC_DATA static data} KDP, which the
     *             UE knows) or {@link Form#IMPLICIT}.
     * @param kdp  the KDP the key is derived with.
     * @return the KCI.
     * @throws InvalidParameterException naming {@code kci-form} or {@code kdp}.
     */
    public static KeyChangeIndication of(final Form form, final KeyDerivationParameter kdp)
    {
        if (form == null || form == Form.NONE)
        {
            throw new InvalidParameterException("kci-form", form == null ? "missing" : "none signals no key change",
                "explicit, explicit-without-kdp or implicit");
        }
        if (kdp == null)
        {
            throw InvalidParameterException.missing("kdp", "a key derivation parameter");
        }
        return switch (form)
        {
            case EXPLICIT -> new KeyChangeIndication(true, kdp);
            case IMPLICIT -> new KeyChangeIndication(false, kdp);
            default -> explicitWithoutKdp(kdp);
        };
    }

    private static KeyChangeIndication explicitWithoutKdp(final KeyDerivationParameter kdp)
    {
        if (kdp.kind() != KeyDerivationParameter.Kind.STATIC_DATA)
        {
            throw new InvalidParameterException("kdp", "a " + kdp.kind().token() + " the UE cannot know unless it is sent",
                "static-data with explicit-without-kdp; any kind with explicit or implicit");
        }
        return FLAG_ONLY;
    }

    /**
     * A KCI as received in a message, in any combination, for the UE to judge.
     *
     * @param keyChangeFlag the key change flag.
     * @param kdp           the KDP received, or null when none was.
     * @return the KCI.
     */
    public static KeyChangeIndication received(final boolean keyChangeFlag, final KeyDerivationParameter kdp)
    {
        if (kdp == null)
        {
            return keyChangeFlag ? FLAG_ONLY : NONE;
        }
        return new KeyChangeIndication(keyChangeFlag, kdp);
    }

    /**
     * @return the KCI that signals no key change.
     */
    public static KeyChangeIndication none()
    {
        return NONE;
    }

    /**
     * @return the key change flag.
     */
    public boolean keyChangeFlag()
    {
        return keyChangeFlag;
    }

    /**
     * @return the KDP sent with the KCI, or null.
     */
    public KeyDerivationParameter kdp()
    {
        return kdp;
    }

    /**
     * @return the form the flag and KDP make.
     */
    public Form form()
    {
        if (keyChangeFlag)
        {
            return kdp == null ? Form.EXPLICIT_WITHOUT_KDP : Form.EXPLICIT;
        }
        return kdp == null ? Form.NONE : Form.IMPLICIT;
    }

    /**
     * @return whether the KCI, explicitly or implicitly, says KAMF changed.
     */
    public boolean signalsKeyChange()
    {
        return keyChangeFlag || kdp != null;
    }

    /**
     * @return e.g. {@code KeyChangeIndication[implicit, kdp=KeyDerivationParameter[kind=nonce, length=16]]}.
     */
    public String toString()
    {
        return "KeyChangeIndication[" + form().token() + (kdp == null ? "" : ", kdp=" + kdp) + "]";
    }
}

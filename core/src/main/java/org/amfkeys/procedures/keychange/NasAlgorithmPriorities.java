package org.amfkeys.procedures.keychange;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.procedures.ProcedureNotAllowedException;

import java.util.Arrays;

/**
 * A target AMF's NAS algorithm priority lists, and the selection of NAS algorithms from the UE
 * security capabilities that {@link KeyChangeVariant#ALGORITHMS_WITHOUT_SMC} sends with the KCI.
 * <p>
 * The capabilities are read as {@link org.amfkeys.context.SecurityContext#ueSecurityCapabilities()}
 * holds them: the first four octets of the UE security capability IE (TS 24.501 9.11.3.54), first
 * octet highest. Octet 1 lists 5G-EA0..5G-EA7 from its most significant bit down, octet 2
 * 5G-IA0..5G-IA7 likewise, so 5G-EAn is bit {@code 31 - n} and 5G-IAn bit {@code 23 - n} of the int.
 * The capability octets name algorithms 0..7, so the lists take identifiers 0..7.
 * <p>
 * The first algorithm of each list the UE supports is selected. 5G-IA0 (null integrity) is only for
 * unauthenticated emergency sessions (TS 33.501 5.5.2) and never in an integrity list here.
 * Immutable.
 */
public final class NasAlgorithmPriorities
{
    /** Largest algorithm identifier the capability octets name. */
    public static final int MAX_ALGORITHM = 7;

    private static final int CIPHERING_BIT_OF_0 = 31;
    private static final int INTEGRITY_BIT_OF_0 = 23;

    private final int[] ciphering;
    private final int[] integrity;

    private NasAlgorithmPriorities(final int[] ciphering, final int[] integrity)
    {
        this.ciphering = ciphering;
        this.integrity = integrity;
    }

    /**
     * @param ciphering 5G-EA identifiers, most preferred first: 1 to 8 distinct values, 0..7.
     * @param integrity 5G-IA identifiers, most preferred first: 1 to 7 distinct values, 1..7.
     * @return the lists; copied.
     * @throws InvalidParameterException naming {@code nas-enc-priority} or {@code nas-int-priority}.
     */
    public static NasAlgorithmPriorities of(final int[] ciphering, final int[] integrity)
    {
        return new NasAlgorithmPriorities(check("nas-enc-priority", ciphering, 0), check("nas-int-priority", integrity, 1));
    }

    /**
     * Selects the ciphering algorithm for a UE.
     *
     * @param ueSecurityCapabilities the UE's capabilities, as above.
     * @return the first 5G-EA of the list the UE supports.
     * @throws ProcedureNotAllowedException when the UE supports none of them.
     */
    public int selectCiphering(final int ueSecurityCapabilities)
    {
        for (final int algorithm : ciphering)
        {
            if (supportsCiphering(ueSecurityCapabilities, algorithm))
            {
                return algorithm;
            }
        }
        throw new ProcedureNotAllowedException("nas-algorithm-selection", "no NAS ciphering algorithm in common: the UE " +
            "supports 5G-EA" + supported(ueSecurityCapabilities, CIPHERING_BIT_OF_0) + ", this AMF allows " +
            Arrays.toString(ciphering));
    }

    /**
     * Selects the integrity algorithm for a UE.
     *
     * @param ueSecurityCapabilities the UE's capabilities, as above.
     * @return the first 5G-IA of the list the UE supports.
     * @throws ProcedureNotAllowedException when the UE supports none of them.
     */
    public int selectIntegrity(final int ueSecurityCapabilities)
    {
        for (final int algorithm : integrity)
        {
            if (supportsIntegrity(ueSecurityCapabilities, algorithm))
            {
                return algorithm;
            }
        }
        throw new ProcedureNotAllowedException("nas-algorithm-selection", "no NAS integrity algorithm in common: the UE " +
            "supports 5G-IA" + supported(ueSecurityCapabilities, INTEGRITY_BIT_OF_0) + ", this AMF allows " +
            Arrays.toString(integrity));
    }

    /**
     * @param ueSecurityCapabilities the UE's capabilities, as above.
     * @param algorithm              a 5G-EA identifier.
     * @return whether the UE supports it; false outside 0..7.
     */
    public static boolean supportsCiphering(final int ueSecurityCapabilities, final int algorithm)
    {
        return algorithm >= 0 && algorithm <= MAX_ALGORITHM &&
            ((ueSecurityCapabilities >>> (CIPHERING_BIT_OF_0 - algorithm)) & 1) != 0;
    }

    /**
     * @param ueSecurityCapabilities the UE's capabilities, as above.
     * @param algorithm              a 5G-IA identifier.
     * @return whether the UE supports it; false outside 0..7.
     */
    public static boolean supportsIntegrity(final int ueSecurityCapabilities, final int algorithm)
    {
        return algorithm >= 0 && algorithm <= MAX_ALGORITHM &&
            ((ueSecurityCapabilities >>> (INTEGRITY_BIT_OF_0 - algorithm)) & 1) != 0;
    }

    /**
     * Builds the capabilities int for the 5G algorithms a UE supports (EEA and EIA octets zero).
     *
     * @param ciphering 5G-EA identifiers, 0..7.
     * @param integrity 5G-IA identifiers, 0..7.
     * @return the capabilities, as above.
     */
    public static int capabilities(final int[] ciphering, final int[] integrity)
    {
        int capabilities = 0;
        for (final int algorithm : checkIdentifiers("ue-5g-ea", ciphering))
        {
            capabilities |= 1 << (CIPHERING_BIT_OF_0 - algorithm);
        }
        for (final int algorithm : checkIdentifiers("ue-5g-ia", integrity))
        {
            capabilities |= 1 << (INTEGRITY_BIT_OF_0 - algorithm);
        }
        return capabilities;
    }

    /**
     * @return the ciphering list, most preferred first; a copy.
     */
    public int[] ciphering()
    {
        return ciphering.clone();
    }

    /**
     * @return the integrity list, most preferred first; a copy.
     */
    public int[] integrity()
    {
        return integrity.clone();
    }

    /**
     * @return e.g. {@code NasAlgorithmPriorities[5G-EA [2, 1, 0], 5G-IA [2, 1]]}.
     */
    public String toString()
    {
        return "NasAlgorithmPriorities[5G-EA " + Arrays.toString(ciphering) + ", 5G-IA " + Arrays.toString(integrity) + "]";
    }

    private static int[] check(final String parameter, final int[] list, final int smallest)
    {
        final String allowed = "1 to " + (MAX_ALGORITHM + 1 - smallest) + " distinct identifiers, " + smallest + ".." +
            MAX_ALGORITHM + (smallest > 0 ? " (5G-IA0 only for unauthenticated emergency sessions)" : "");
        if (list == null)
        {
            throw InvalidParameterException.missing(parameter, allowed);
        }
        if (list.length == 0 || list.length > MAX_ALGORITHM + 1 - smallest)
        {
            throw new InvalidParameterException(parameter, list.length + " identifiers", allowed);
        }
        int seen = 0;
        for (final int algorithm : list)
        {
            if (algorithm < smallest || algorithm > MAX_ALGORITHM)
            {
                throw new InvalidParameterException(parameter, algorithm + " is out of range", allowed);
            }
            if ((seen & 1 << algorithm) != 0)
            {
                throw new InvalidParameterException(parameter, algorithm + " is listed twice", allowed);
            }
            seen |= 1 << algorithm;
        }
        return list.clone();
    }

    private static int[] checkIdentifiers(final String parameter, final int[] list)
    {
        if (list == null)
        {
            throw InvalidParameterException.missing(parameter, "identifiers 0.." + MAX_ALGORITHM);
        }
        for (final int algorithm : list)
        {
            InvalidParameterException.requireInRange(parameter, algorithm, 0, MAX_ALGORITHM);
        }
        return list;
    }

    private static String supported(final int capabilities, final int bitOfZero)
    {
        final StringBuilder text = new StringBuilder("{");
        for (int algorithm = 0; algorithm <= MAX_ALGORITHM; algorithm++)
        {
            if (((capabilities >>> (bitOfZero - algorithm)) & 1) != 0)
            {
                text.append(text.length() > 1 ? "," : "").append(algorithm);
            }
        }
        return text.append('}').toString();
    }
}

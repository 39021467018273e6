package org.amfkeys.catalog;

import org.amfkeys.InvalidParameterException;
import org.amfkeys.kdf.Kdf;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One derivation as the command line, JSON batches and the self-test name it.
 *
 * @param name         e.g. {@code kgnb}.
 * @param clause       the specification clause, e.g. {@code TS 33.501 A.9}.
 * @param fc           the function code(s) as text, e.g. {@code 0x6E}.
 * @param summary      what is derived.
 * @param parameters   the parameters, in the order the specification lists them.
 * @param outputLength octets of the output.
 * @param invoker      the call into {@link Kdf}.
 */
public record Derivation(
    String name, String clause, String fc, String summary, List<Parameter> parameters, int outputLength, Invoker invoker)
{
    /**
     * Calls the typed derivation with parameters taken from {@link Arguments}.
     */
    @FunctionalInterface
    public interface Invoker
    {
        /**
         * @param kdf       the KDF to derive with.
         * @param arguments the parameter values.
         * @return the derived value.
         */
        byte[] derive(Kdf kdf, Arguments arguments);
    }

    /**
     * Runs the derivation after rejecting parameters it does not take.
     *
     * @param kdf       the KDF to derive with.
     * @param arguments the parameter values.
     * @return the derived value.
     * @throws InvalidParameterException naming the parameter when a value is missing, unknown or invalid.
     */
    public byte[] derive(final Kdf kdf, final Arguments arguments)
    {
        for (final String given : arguments.names())
        {
            if (parameters.stream().noneMatch(parameter -> parameter.name().equals(given)))
            {
                throw unknownParameter(given, name, parameterNames());
            }
        }
        return invoker.derive(kdf, arguments);
    }

    /**
     * Rejects a parameter name the derivation does not take; the name itself is shown only when it
     * cannot be key material.
     *
     * @param given      the name given.
     * @param derivation the derivation's name.
     * @param allowed    the names it takes.
     * @return the exception to throw.
     */
    public static InvalidParameterException unknownParameter(final String given, final String derivation, final String allowed)
    {
        final String quoted = InvalidParameterException.quote(given);
        return quoted.startsWith("'") ?
            new InvalidParameterException(given, "not a parameter of " + derivation, allowed) :
            new InvalidParameterException("parameter", quoted + " is not a parameter of " + derivation, allowed);
    }

    /**
     * @return the parameter names, comma separated.
     */
    public String parameterNames()
    {
        return parameters.stream().map(Parameter::name).collect(Collectors.joining(", "));
    }
}

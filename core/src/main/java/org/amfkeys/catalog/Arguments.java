package org.amfkeys.catalog;

import org.amfkeys.InvalidParameterException;

import java.util.List;
import java.util.Set;

/**
 * The parameter values of one derivation request, however they were written (command line, JSON,
 * known-answer file). Accessors throw {@link InvalidParameterException} naming the parameter when a
 * value is missing or not of the right kind.
 */
public interface Arguments
{
    /**
     * @return the names of every parameter given.
     */
    Set<String> names();

    /**
     * @param name parameter name.
     * @return true when the parameter was given.
     */
    boolean has(String name);

    /**
     * @param name parameter name.
     * @return the byte string value.
     */
    byte[] octets(String name);

    /**
     * @param name parameter name.
     * @return the integer value.
     */
    long integer(String name);

    /**
     * @param name parameter name.
     * @return the text value.
     */
    String text(String name);

    /**
     * @param name parameter name.
     * @return the byte string values, in order; empty when the parameter was not given.
     */
    List<byte[]> octetsList(String name);
}
